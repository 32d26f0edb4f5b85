#pragma once
// Policy events: a dated change in demand that a planner declares in the
// scenario (docs/scenario-format.md, "[events]") — a population that becomes
// eligible from a date, a step or ramp in the filing intensity, or a rush
// before the deadline. Their sizes may be uncertain ([uncertainty]).
#include <array>
#include <string>
#include <string_view>

#include "models/calendar.hpp"
#include "models/categories.hpp"

namespace fnesim {

enum class PolicyEventKind { NewPopulation, Step, Rush };
inline constexpr std::array<std::string_view, 3> policy_event_kind_keys = {"new-population", "step", "rush"};

struct PolicyEvent {
  std::string name;  // its key under [events]
  PolicyEventKind kind = PolicyEventKind::Step;
  Date from;  // the first filing day it changes

  // new-population: dossiers expected from `from` to the close of intake,
  // filed along the scenario's monthly profile, spread over the regions like
  // the scenario's own demand, with the regions' size and pathway mix and
  // these shares of statuses.
  double expected_dossiers = 0;
  std::array<double, status_count> statuses{};  // weights, normalised to sum to 1

  // step: the filing intensity of the scenario's own demand is multiplied by
  // `factor` from `from`, reached linearly over `ramp_days` (0: at once).
  double factor = 1;
  int ramp_days = 0;

  // rush: `share` × the demand expected from `from` to the close of intake is
  // filed on top of it in the last `days` days before intake closes — demand
  // that would otherwise have come after the deadline, pulled before it.
  double share = 0;
  int days = 21;
};

}  // namespace fnesim
