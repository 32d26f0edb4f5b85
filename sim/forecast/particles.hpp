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

// The prior predictive of the monthly national counts before the cut-off
// `cut_off_day`, each of the `months` months and all of them together, from
// `draws` draws of everything uncertain in the prior (uptake included): the
// bands, their `observed` counts left at 0. They depend on the prior and the
// cut-off, not on what was observed.
std::vector<PriorPredictiveMonth> prior_predictive_bands(const Scenario& prior, int cut_off_day, int months,
                                                         double national_cv, std::uint64_t seed, int draws);

// The counts observed set in the bands drawn for their cut-off.
std::vector<PriorPredictiveMonth> hold_against(std::vector<PriorPredictiveMonth> bands,
                                               const ObservedArrivals& observed);

// The bands drawn for one prior, by cut-off: a backtest that conditions one
// forecaster on many synthetic years at the same cut-offs draws each
// cut-off's bands once rather than once a year — the same bands, to the bit.
// Valid for one prior only: the caller keeps it with its scenario.
class PriorPredictiveBands {
 public:
  std::vector<PriorPredictiveMonth> of(const Scenario& prior, int cut_off_day, int months, double national_cv,
                                       std::uint64_t seed, int draws);

 private:
  struct Drawn {
    int cut_off_day, months, draws;
    double national_cv;
    std::uint64_t seed;
    std::vector<PriorPredictiveMonth> bands;
  };
  std::vector<Drawn> drawn_;
};

}  // namespace fnesim
