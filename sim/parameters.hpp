#pragma once
// One replication's uncertain assumptions (models/uncertainty.hpp): the
// parameters through their Gaussian copula, the monthly profile from its
// Dirichlet, and the monthly drift of uptake — all on the replication's
// `Parameters` stream, so that common random numbers still hold between
// scenarios that differ elsewhere.
#include <array>
#include <optional>
#include <vector>

#include "sim/rng.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {

struct ParameterDraw {
  std::vector<double> values;                 // one per [uncertainty.parameters] entry, in order
  std::optional<std::array<double, 12>> profile;  // national monthly shares, when the profile is uncertain
};

// The calendar months wholly or partly before a forecast's cut-off.
struct ProfileEvidence {
  std::array<bool, 12> observed{};
};

// Draws the parameters and the profile from their prior: the tilt, then the
// Dirichlet around the tilted shares. With `evidence` (a forecast,
// docs/forecasting.md "Learning what the data can say"), the observed months
// keep their tilted shares — their departures from them are learnt with the
// level — and each month to come gets the Dirichlet's own month factor,
// Gamma(c p_m, c p_m).
ParameterDraw draw_parameters(const Scenario& scenario, const Eigen::MatrixXd& copula_loading, Engine& engine,
                              const ProfileEvidence* evidence = nullptr);
// The parameters alone, then the profile alone: draw_parameters is the two in turn.
std::vector<double> draw_parameter_values(const Scenario& scenario, const Eigen::MatrixXd& copula_loading,
                                          Engine& engine);
std::array<double, 12> draw_profile(const Scenario& scenario, Engine& engine, const ProfileEvidence* evidence);
// National monthly shares tilted towards the year's start (tilt < 0) or end
// (tilt > 0): share_m ∝ shares_m e^{tilt t_m}, t from −1 in January to +1 in
// December, renormalised.
std::array<double, 12> tilted_profile(const std::array<double, 12>& shares, double tilt);

// The drift's multiplier of uptake in each month of the window from
// `first_month` on (1 before it): a mean-one log random walk, whose steps are
// the drift's normal one and, with the model's probability, a jump. Returns
// the number of jumps drawn in the months from `first_month` to
// `last_counted_month` (the last month dossiers are filed: later ones move no demand).
int draw_drift(const UncertaintyModel& model, int first_month, int last_counted_month, Engine& engine,
               std::vector<double>& multipliers);
// One month's jump of log uptake, drawn as draw_drift does: its size, or none.
std::optional<double> draw_jump(const UncertaintyModel& model, Engine& engine);

// The Gaussian copula's loading L (L Lᵀ = the parameters' correlation).
Eigen::MatrixXd copula_loading(const Eigen::MatrixXd& correlation);

// `scenario` with the draw applied; `scales` (one per parameter, or empty)
// multiplies each drawn value (a cost learnt from actuals moves its whole
// distribution).
void apply_parameters(Scenario& scenario, const ParameterDraw& draw, const std::vector<double>& scales = {});

}  // namespace fnesim
