#pragma once
// Calibration against a wrong model (`fnesim backtest --truth`,
// docs/actuals-format.md): synthetic years drawn from a family of truth
// scenarios the forecaster is not given — a surge, a rush, a policy event, a
// slump — each observed up to every cut-off as an analyst would have seen it,
// forecast from there by the forecaster's scenario as `run --actuals --as-of`
// would, and the forecast of the year-end demand scored against what the
// truth did: coverage of the central 50 % and 90 % intervals, interval score
// and CRPS, beside a naive run-rate forecast's.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/forecast/forecast_scores.hpp"
#include "sim/forecast/particles.hpp"
#include "sim/forecast/synthetic_actuals.hpp"
#include "sim/rng.hpp"
#include "sim/runner.hpp"

namespace fnesim {

// One scenario of the truth family, as the user named it (a file, or a
// built-in scenario's name).
struct TruthScenario {
  std::string source;
  Scenario scenario;
};

// The truths' streams: the run seed mixed once, so that no truth shares a
// stream with a forecast (both are keyed by replication).
constexpr std::uint64_t truth_seed_of(std::uint64_t run_seed) {
  return splitmix64(run_seed ^ 0x7472757468ULL);  // "truth" in ASCII
}

// The naive forecast of a year-end demand at a cut-off: the run rate of the
// demand filed in the window so far, extrapolated over the whole commitment
// window, plus the 2020 carry-over as it was (it does not recur):
//   carry-over + filed × window days / days elapsed
// rounded to the cent. `days_elapsed` > 0.
Cents run_rate_forecast(Cents carryover, Cents filed_in_window, int days_elapsed, int window_days);

// One forecast of one year-end demand (the nation's, or a region's), scored.
struct ScoredForecast {
  Cents outcome = 0;                                  // the truth's year-end demand
  Cents q05 = 0, q25 = 0, q50 = 0, q75 = 0, q95 = 0;  // of the forecast (inverted empirical CDF)
  double crps = 0;                                    // cents
  double pit = 0;                                     // the forecast's (mid-)CDF at the outcome, in [0, 1]
  Cents naive = 0;                                    // the run-rate forecast
  CentralInterval interval50() const { return {q25, q75}; }
  CentralInterval interval90() const { return {q05, q95}; }
  double interval_score50() const { return interval_score(interval50(), outcome, 0.5); }
  double interval_score90() const { return interval_score(interval90(), outcome, 0.1); }
  // A point forecast's interval is its point; its CRPS, its absolute error.
  double naive_interval_score50() const { return interval_score({naive, naive}, outcome, 0.5); }
  double naive_interval_score90() const { return interval_score({naive, naive}, outcome, 0.1); }
  double naive_crps() const {
    return static_cast<double>(naive > outcome ? naive - outcome : outcome - naive);
  }
};

struct TruthCutOffForecast {
  ScoredForecast national;
  std::vector<ScoredForecast> regions;  // in the scenario's region order
  std::int64_t dossiers_observed = 0;   // filed in the window before the cut-off
  // The prior-predictive check of what the forecaster saw (docs/forecasting.md,
  // section 7), as `run --actuals` would have printed it: the single months
  // whose national count fell outside the prior's central 95 %, whether the
  // months' total did, and the chance that the scenario's own years stray as
  // far (ActualsReport::prior_predictive_chance).
  int months_outside_prior = 0;
  bool total_outside_prior = false;
  double prior_check_chance = 1.0;
  bool prior_check_warned() const { return months_outside_prior > 0 || total_outside_prior; }
  bool prior_check_failed() const { return prior_check_fails(prior_check_warned(), prior_check_chance); }
};

// One synthetic year: replication `replication` of family member `member`
// under the truth seed, forecast from every cut-off.
struct TruthYear {
  int member = 0;
  std::int64_t replication = 0;
  std::vector<TruthCutOffForecast> cut_offs;  // in the order given
};

struct TruthBacktestResult {
  SyntheticLayout layout = SyntheticLayout::Dossiers;  // how the forecaster saw each year
  std::int64_t replications = 0;                       // per forecast
  std::uint64_t seed = 0, truth_seed = 0;
  std::vector<Date> cut_offs;
  std::vector<TruthYear> years;  // in order, year t from member t mod the family's size
  bool interrupted = false;
};

// Sums over scored forecasts, for means and coverage.
struct ScoreTally {
  // The PITs' histogram: deciles of [0, 1], a PIT of 1 in the last.
  static constexpr int pit_bins = 10;
  int forecasts = 0, inside50 = 0, inside90 = 0;
  double interval_score50 = 0, interval_score90 = 0, crps = 0;  // sums, cents
  double naive_interval_score50 = 0, naive_interval_score90 = 0, naive_crps = 0;
  std::array<int, pit_bins> pit_histogram{};
  double pit_sum = 0, pit_sum_of_squares = 0;
  void add(const ScoredForecast& f);
  double mean(double sum) const { return forecasts > 0 ? sum / forecasts : 0.0; }
  // Calibrated forecasts give PITs uniform on [0, 1]: mean 1/2 and standard
  // deviation 1/√12 ≈ 0.289. A mean off 1/2 is a bias; a smaller sd, forecasts
  // wider than the truths need; a larger one, narrower.
  double pit_mean() const { return mean(pit_sum); }
  double pit_sd() const;
  static double share(int inside, int forecasts) {
    return forecasts > 0 ? static_cast<double>(inside) / forecasts : 0.0;
  }
  // The binomial standard error sqrt(p (1 − p) / n) of the share a calibrated
  // interval of coverage p would show over n independent forecasts: the
  // yardstick for the share observed (whose own estimate, sqrt(share (1 −
  // share) / n), would read ±0 for a forecast that never covers).
  static double calibrated_standard_error(double coverage, int forecasts);
};

// The national forecasts (regional = false) or the regional ones pooled, at
// cut-off `cut_off` (an index), of every year — or of one family member's.
inline constexpr int every_member = -1;
ScoreTally tally(const TruthBacktestResult& result, std::size_t cut_off, bool regional,
                 int member = every_member);

// What the prior-predictive check said at a cut-off, of every year or of one
// member's: how often it warned that the forecaster's scenario was probably
// wrong, and how the national forecasts fared in the years it warned and in
// the others — whether a planner can take its silence as leave to trust the
// intervals.
struct PriorCheckTally {
  int years = 0;
  int warned = 0;                        // a month, or the months' total, outside the prior's 95 %
  int total_outside = 0;                 // the months' total outside
  int failed = 0;                        // as far off as under 5 % of the scenario's own years
  ScoreTally warned_years, quiet_years;  // their national forecasts
};
PriorCheckTally prior_check_tally(const TruthBacktestResult& result, std::size_t cut_off,
                                  int member = every_member);

// What stops a truth backtest before it runs, gathered so that every problem
// is said at once: the members' files (a member that does not read, or whose
// regions or window are not the forecaster's) and the command's settings
// (cut-offs, the number of years).
struct TruthBacktestProblems {
  std::vector<Diagnostic> files;
  std::vector<std::string> settings;
  // Nothing if there is no problem; the files' alone as a ScenarioError (one
  // line each, file first), a setting alone as a BadRequest, both as one
  // BadRequest listing them.
  void throw_if_any() const;
};
// Adds the checks of a family (as far as it was read), its cut-offs and
// `truths`: every member has the forecaster's regions (same codes, same
// order) and commitment window; every cut-off falls after the commitment
// start and no later than its end, once — on a month's first day when the
// years are seen as monthly totals, which give each month whole; every member
// gets a year (truths ≥ the family's size).
void check_truth_backtest(const Scenario& forecaster, const std::vector<TruthScenario>& family,
                          const std::vector<Date>& cut_offs, std::int64_t truths,
                          TruthBacktestProblems& problems,
                          SyntheticLayout layout = SyntheticLayout::Dossiers);

// Checks first (check_truth_backtest), all problems at once. Then, for
// t = 0 … truths − 1: simulates replication t of member t mod F under
// truth_seed_of(control.seed), reads every eligible dossier it filed as
// one-row-per-dossier actuals against the forecaster (an ActualsError there
// names the truth) — or, with another `layout`, the monthly totals of what it
// committed, per region or for the nation, as an operator reports them (the
// run-rate baseline still reads the dossiers: it is the same whatever the
// forecaster sees) — and forecasts from each cut-off with replications
// [t × replications, (t + 1) × replications) under control.seed — the same
// for every cut-off of a year, so that its forecasts differ by what was
// learnt; different between years, so that years are independent. Each
// cut-off's prior-predictive check is kept (months_outside_prior). Progress
// counts replications over every year and cut-off.
TruthBacktestResult run_truth_backtest(const Scenario& forecaster, const std::vector<TruthScenario>& family,
                                       const std::vector<Date>& cut_offs, std::int64_t truths,
                                       std::int64_t replications, const RunControl& control,
                                       SyntheticLayout layout = SyntheticLayout::Dossiers);

}  // namespace fnesim
