#pragma once
// The scenario parameters an [uncertainty] entry may name, by key path: where
// each lives in a Scenario, the values it may take, and how a drawn value
// replaces the stated one. The scenario reader checks entries against it; the
// simulator applies each replication's draws through it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace fnesim {

struct ParameterDomain {
  double lowest = 0, highest = 0;  // the values allowed, bounds included unless open
  bool lowest_open = false, highest_open = false;
  std::string describe() const;  // "≥ 0", "in [0, 1]", "> 0"
  bool contains(double value) const {
    return (lowest_open ? value > lowest : value >= lowest) && (highest_open ? value < highest : value <= highest);
  }
};

struct UncertainParameterSpec {
  std::string path;
  ParameterDomain domain;
  double stated = 0;  // the value the scenario states
};

// Every parameter of `scenario` that may be made uncertain (its events included).
std::vector<UncertainParameterSpec> uncertain_parameter_specs(const Scenario& scenario);

// Why `path`, a parameter some scenarios can make uncertain, cannot be in
// `scenario` (its trainee count is not a shifted Poisson, its drop-out share
// is random, its cost is fixed); empty when `path` is no such parameter.
std::string why_not_uncertain(const Scenario& scenario, const std::string& path);

// Replaces the parameter at `path` (one of the specs) by `value`. The regions'
// expected dossiers keep their proportions when the national figure moves.
void set_uncertain_parameter(Scenario& scenario, std::string_view path, double value);

// The stated monthly profile replaced by `profile` (shares summing to 1): every
// region's own profile moves by the same month-by-month ratio.
void set_monthly_profile(Scenario& scenario, const std::array<double, 12>& profile);
// The national monthly profile the scenario states: the regions' profiles
// weighted by their expected dossiers.
std::array<double, 12> stated_monthly_profile(const Scenario& scenario);

}  // namespace fnesim
