#pragma once
// Uncertain assumptions (docs/scenario-format.md, "[uncertainty]"): scenario
// parameters that are drawn once per replication instead of being taken as
// known, and the month-to-month drift of uptake.
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "models/distribution.hpp"

namespace fnesim {

struct UncertainParameter {
  std::string path;  // the scenario key it replaces, e.g. "demand.arrivals.expected_dossiers"
  Distribution distribution;
};

struct UncertaintyModel {
  std::vector<UncertainParameter> parameters;  // in the order written
  // Between the parameters, through a Gaussian copula; identity when none is given.
  Eigen::MatrixXd correlation;
  // The monthly profile drawn from a Dirichlet around the stated one with
  // this concentration; 0: the profile is known.
  double profile_concentration = 0;
  // The year's timing as a whole: the stated shares tilted towards its start
  // or its end, share_m ∝ p_m e^{β t_m} with t from −1 (January) to +1
  // (December) and β normal with this standard deviation; the Dirichlet, if
  // any, is around the tilted shares. 0: no tilt.
  double profile_tilt = 0;
  // Uptake drifts from month to month: its log moves by a normal step of this
  // standard deviation each month (a local level, West & Harrison), from the
  // first simulated month on. 0: no drift.
  double monthly_drift = 0;
  // Take-up "moves by multiples whenever its rules or context change"
  // (shared/docs/domain.md): in each month, with this probability, its log
  // also jumps by a normal step of sd `jump_sd` (mean −jump_sd²/2, so the
  // multiplier keeps mean one). 0: no jumps.
  double jump_probability = 0;
  double jump_sd = 0;
  // Prior draws weighed against actuals (docs/forecasting.md, "Learning what the data can say").
  int particles = 4000;

  bool profile_uncertain() const { return profile_concentration > 0 || profile_tilt > 0; }
  bool drifts() const { return monthly_drift > 0 || jump_probability > 0; }
  bool any() const { return !parameters.empty() || profile_uncertain() || drifts(); }
};

}  // namespace fnesim
