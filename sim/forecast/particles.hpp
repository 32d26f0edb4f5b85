#pragma once
// Learning uncertain assumptions from actuals (docs/forecasting.md, "Learning
// what the data can say"), and the prior-predictive check.
//
// Draws of the uncertain parameters and the monthly profile ("particles") are
// weighed by the probability of the national monthly counts observed before
// the cut-off under a national level of uptake that drifts from month to
// month (a dynamic Gamma–Poisson model), the level integrated out. Parameters
// the counts do not inform (a population eligible only after the cut-off, a
// rush to come) keep their prior: their draws weigh the same. The share of the
// year filed before the cut-off is uncertain, so "fewer dossiers so far" can
// mean a lower level or later filings; a departure from the stated profile
// within the observed months moves the level, which carries it forward.
// Jumps of uptake are drawn month by month and the particles resampled when
// their weights thin out (a sequential Monte-Carlo filter).
#include <cstdint>
#include <deque>
#include <vector>

#include "models/forecast_start.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {

// Eligible arrivals observed (2021 filings, carry-over excluded) before the
// cut-off: per month from the commitment start's month to the cut-off's.
struct ObservedArrivals {
  int cut_off_day = 0;                // days since the commitment start
  std::vector<std::int64_t> monthly;  // national
  std::vector<std::int64_t> regional;  // per region, or one national count
  bool national_only = false;
};

// One month of the prior-predictive check: the counts the scenario's prior
// expects (central 95 %) against those observed.
struct PriorPredictiveMonth {
  int month = 0;  // index from the commitment start's month
  std::int64_t observed = 0;
  std::int64_t low = 0, high = 0;  // 2.5 % and 97.5 % quantiles of the prior predictive
  double expected = 0;             // its mean
  bool cumulative = false;         // the months so far together, not one month
  bool outside() const { return observed < low || observed > high; }
};

// Fills `start`'s particles and weights. `national_cv`: the prior CV of the
// national level (each region's deviation from it, and the counts, are
// already in `start`). False when no draw can explain the counts (a month with
// dossiers where every draw expects none).
bool weigh_particles(const Scenario& prior, const ObservedArrivals& observed, double national_cv,
                     std::uint64_t seed, ForecastStart& start);

// The prior predictive of the monthly national counts before a cut-off: a
// central 95 % band for each month and for all of them together, and the
// yardstick for how far off the actuals are over all of them — with several
// months some band is missed by chance, and one missed by far says more than
// one missed by a dossier. A year's counts are as far off as their most
// extreme band (the fewest draws as far into the same tail); the chance of
// that among the prior's own draws, the year counted among them, is a
// Monte-Carlo test of the largest deviation (Tippett's, by ranks).
struct PriorPredictiveBandSet {
  std::vector<PriorPredictiveMonth> bands;        // the months, then the total; their `observed` 0
  std::vector<std::vector<std::int64_t>> draws;   // per band, the prior's counts, sorted
  std::vector<std::vector<std::int64_t>> counts;  // per band, the prior's counts, draw by draw
  // Per band and draw: how many draws' counts are at or below, and at or above, its own (itself included).
  std::vector<std::vector<int>> at_or_below, at_or_above;
  // The chance, were the scenario right, that a year's counts are at least as
  // far off as `held` (these bands with their counts observed).
  double chance_as_far_off(const std::vector<PriorPredictiveMonth>& held) const;
};

// The check fails when some band is missed and the scenario's own years are
// as far off as the actuals, or further, less often than this.
inline constexpr double prior_check_failure_chance = 0.05;
inline bool prior_check_fails(bool band_missed, double chance_as_far_off) {
  return band_missed && chance_as_far_off < prior_check_failure_chance;
}

// The bands before the cut-off `cut_off_day`, of the `months` months and their
// total, from `draws` draws of everything uncertain in the prior (uptake
// included). They depend on the prior and the cut-off, not on what was observed.
PriorPredictiveBandSet prior_predictive_bands(const Scenario& prior, int cut_off_day, int months,
                                              double national_cv, std::uint64_t seed, int draws);

// The counts observed set in the bands drawn for their cut-off.
std::vector<PriorPredictiveMonth> hold_against(const PriorPredictiveBandSet& drawn,
                                               const ObservedArrivals& observed);

// The bands drawn for one prior, by cut-off: a backtest that conditions one
// forecaster on many synthetic years at the same cut-offs draws each
// cut-off's bands once rather than once a year — the same bands, to the bit.
// Valid for one prior only: the caller keeps it with its scenario.
class PriorPredictiveBands {
 public:
  const PriorPredictiveBandSet& of(const Scenario& prior, int cut_off_day, int months, double national_cv,
                                   std::uint64_t seed, int draws);

 private:
  struct Drawn {
    int cut_off_day, months, draws;
    double national_cv;
    std::uint64_t seed;
    PriorPredictiveBandSet set;
  };
  std::deque<Drawn> drawn_;  // a deque: the sets returned stay where they are
};

}  // namespace fnesim
