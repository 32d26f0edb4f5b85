#pragma once
// The estimators of the sensitivity analysis (issue 16), on outputs already
// simulated: which uncertain assumption drives the spread of a result
// (variance-based, Sobol' indices) and how far one assumption moves it (the
// tornado chart's one-at-a-time effects). Running the simulator on the design
// is the caller's business; nothing here knows what the outputs mean.
//
// Sobol' indices (Sobol' 1993, "Sensitivity estimates for nonlinear
// mathematical models", Math. Model. Comput. Exp. 1:407–414): the first-order
// index S_i = Var(E[Y | X_i]) / Var(Y) is the share of the output's variance
// that factor i explains alone, the total effect ST_i = E[Var(Y | X_~i)] / Var(Y)
// the share that would remain if every other factor were known — including
// interactions. ST_i ≈ 0 means the factor can be fixed at any value; ST_i − S_i
// is what it does through interactions.
//
// Design and estimators: Saltelli, Annoni, Azzini, Campolongo, Ratto &
// Tarantola (2010), "Variance based sensitivity analysis of model output.
// Design and estimator for the total sensitivity index", Comput. Phys. Commun.
// 181:259–270. Two independent N-row samples A and B of the factors, and for
// each factor (or group of factors) i the matrix AB_i: A with factor i's
// columns taken from B. N (k + 2) model runs give every S_i and ST_i:
//   first order (Saltelli et al. 2010):         S_i  = mean(f_B (f_ABi − f_A)) / V
//   total effect (Jansen 1999, "Analysis of variance designs for model output",
//   Comput. Phys. Commun. 117:35–43):          ST_i = mean((f_A − f_ABi)²) / (2 V)
// Saltelli et al. recommend this pair after comparing the estimators known for
// this design. Jansen's is exactly 0 when the output does not
// depend on factor i (f_ABi = f_A row by row), so an unused factor is seen as
// such rather than as noise around 0.
#include <cstdint>
#include <span>
#include <vector>

namespace fnesim {

struct SobolIndex {
  double first_order = 0, total_effect = 0;  // point estimates on all N rows
  // Bootstrap percentile intervals (NaN when no resample was asked for, or
  // when a resample's output was constant: then no interval can be told).
  double first_low = 0, first_high = 0;
  double total_low = 0, total_high = 0;
  // Convergence check: the same estimators on the first N/4 and N/2 rows (NaN
  // on no row). Estimates still drifting between N/4, N/2 and N say N is too small.
  double first_quarter = 0, first_half = 0, total_quarter = 0, total_half = 0;
};

struct SobolOptions {
  int bootstrap_resamples = 1000;  // 0: no intervals (NaN)
  double interval_level = 0.95;    // in (0, 1)
  std::uint64_t bootstrap_seed = 20210118;
};

struct SobolResult {
  // Of the output, pooled over the 2N rows of A and B (unbiased, divisor
  // 2N − 1): the indices' denominator. 0 exactly when those 2N values are equal.
  double variance = 0;
  double mean = 0;                   // pooled over the rows of A and B
  std::vector<SobolIndex> indices;   // one per factor (or group), in the order given
};

// f_a, f_b: the output on the N rows of A and B; f_ab[i]: the output on the N
// rows of AB_i, row j of AB_i being row j of A with factor i's columns from
// row j of B. N ≥ 2, every value finite, otherwise std::invalid_argument.
//
// The first-order estimator is applied to the output centred on its pooled
// mean (the mean of the rows it is computed on): the same estimator in
// expectation, but its variance no longer grows with the square of the
// output's mean, which amounts in cents far from 0 would make dominant. Jansen's
// is unchanged by a shift.
//
// A constant output (V = 0): every index, interval and convergence estimate is
// NaN — there is no variance to share out.
//
// Bootstrap: resample r draws N row indices j with replacement from a
// boost::random::mt19937_64 seeded with splitmix64(seed ^ splitmix64(r))
// (sim/rng.hpp), by boost::random::uniform_int_distribution<std::size_t>(0, N − 1),
// and takes the same rows j of f_a, f_b and every f_ab[i] — the rows of the
// design are the independent units, not the single model runs. V and every
// index are recomputed on the resample; the interval's ends are the
// (1 ∓ level)/2 quantiles of the resampled estimates (quantile_linear,
// sim/statistics.hpp).
SobolResult sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                          const std::vector<std::span<const double>>& f_ab, const SobolOptions& options = {});

// The tornado chart: one parameter at a time moved to its low or high value,
// the run drawing the same random numbers as the baseline run (common random
// numbers, sim/rng.hpp), so that replication k of both runs differ by the
// parameter alone. Paired by replication, the difference's standard error is
// far smaller than two independent runs' would be.
struct PairedEffect {
  double value = 0, baseline = 0;
  double difference = 0;  // value − baseline, exactly as those two doubles subtract
  double standard_error = 0;
};

// Mean of x against mean of baseline (same length n ≥ 2, paired by index):
// standard error sd(x − baseline) / √n, the sd's divisor being n − 1.
PairedEffect paired_mean_effect(std::span<const double> x, std::span<const double> baseline);

// The quantile at `percent` (quantile_inverted_cdf: the inverted empirical
// CDF, as every quantile of a run's summary) of x against that of baseline
// (same length n ≥ 2). No
// closed form gives the standard error of a difference of quantiles of
// correlated samples: it is the standard deviation (divisor resamples − 1) of
// the difference over `resamples` ≥ 2 paired bootstrap resamples, each drawing
// the same indices for x and baseline, drawn as sobol_indices draws its rows.
// With `own_standard_error`, the same resamples give x's quantile its own
// standard error too (the difference's against a baseline of zeros).
inline constexpr int paired_quantile_resamples = 1000;
inline constexpr std::uint64_t paired_quantile_seed = 20210118;
PairedEffect paired_quantile_effect(std::span<const double> x, std::span<const double> baseline, int percent,
                                    int resamples = paired_quantile_resamples,
                                    std::uint64_t seed = paired_quantile_seed,
                                    double* own_standard_error = nullptr);

}  // namespace fnesim
