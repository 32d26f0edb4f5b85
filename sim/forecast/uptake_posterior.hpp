#pragma once
// Learning the uptake multipliers from observed arrival counts
// (docs/forecasting.md, "Uptake"). The scenario's prior multiplier of region r
// is U_r = G · M_r: a national Gamma factor and regional Gamma factors tied by
// a Gaussian copula. For learning it is read as one common factor and
// independent regional deviations, U_r = C · I_r, with the same mean (1), the
// same variance of each U_r and the same average covariance between regions.
// Counts are Poisson given the multipliers: N_r ~ Poisson(U_r · E_r), E_r the
// scenario's expected count before the cut-off. The posterior of C is computed
// by quadrature; given C, each I_r is conjugate (Gamma–Poisson), so a region
// with few dossiers leans on C — the national picture — and one with many on
// its own counts. Each U_r's posterior is then summarised by the Gamma with its
// mean and variance, which the simulator draws from.
#include <cstdint>
#include <span>
#include <vector>

namespace fnesim {

struct UptakePrior {
  double common_cv = 0;    // of C
  double regional_cv = 0;  // of each I_r
  // From the scenario's national and regional CVs and the average correlation
  // of its regional factors (negative averages count as 0: no common part).
  static UptakePrior from_scenario(double national_cv, double regional_cv, double mean_correlation);
  double total_cv() const;  // of U_r = C · I_r
};

struct GammaSummary {
  double shape = 0, rate = 0;
  double mean() const { return shape / rate; }
  double cv() const;
  double quantile(double probability) const;
};

struct UptakeEvidence {
  std::vector<double> expected;  // E_r per region, before the cut-off
  // Per region; or, when `national_only`, one count for the whole country.
  std::vector<std::int64_t> observed;
  bool national_only = false;
};

struct UptakePosterior {
  double common_mean = 1, common_cv = 0;  // of C
  double common_q05 = 1, common_q95 = 1;
  std::vector<GammaSummary> regions;  // U_r, each region's marginal
  // What the simulator draws first (ForecastStart::joint_shape): with each
  // region's count, C's posterior as the Gamma of its mean and variance; with
  // the nation's count only, the national level's, conjugate. Shape 0: known, 1.
  GammaSummary joint{0, 1};
};

// A Gamma whose variance would fall below this share of its squared mean is
// stored with this CV instead: the simulator's Gamma quantile function works up
// to shapes of about 10⁶, and a CV under 0.1 % changes no figure a run reports.
inline constexpr double min_posterior_cv = 1e-3;

UptakePosterior learn_uptake(const UptakePrior& prior, const UptakeEvidence& evidence);

}  // namespace fnesim
