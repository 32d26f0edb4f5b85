#include "sim/scenario/uncertain_parameters.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/engine_limits.hpp"
#include "sim/scenario/reader.hpp"

namespace fnesim {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
const ParameterDomain non_negative{0, infinity, false, true};
const ParameterDomain positive{0, infinity, true, true};
const ParameterDomain probability{0, 1, false, false};

double national_expected_dossiers(const Scenario& s) {
  double total = 0;
  for (const RegionalDemand& rd : s.demand.regions) total += rd.expected_dossiers;
  return total;
}

std::string event_path(const PolicyEvent& event, std::string_view field) {
  return "events." + scenario_detail::toml_key_text(event.name) + "." + std::string(field);
}

// The one key of an event that may be uncertain: its size, by its kind.
std::string_view uncertain_field(PolicyEventKind kind) {
  switch (kind) {
    case PolicyEventKind::NewPopulation:
      return "expected_dossiers";
    case PolicyEventKind::Step:
      return "factor";
    case PolicyEventKind::Rush:
      return "share";
  }
  return "share";
}

}  // namespace

std::string ParameterDomain::describe() const {
  using scenario_detail::format_number;
  if (std::isinf(highest)) return (lowest_open ? "> " : "≥ ") + format_number(lowest);
  return "in " + std::string(lowest_open ? "(" : "[") + format_number(lowest) + ", " + format_number(highest) +
         (highest_open ? ")" : "]");
}

std::string why_not_uncertain(const Scenario& s, const std::string& path) {
  const DemandModel& d = s.demand;
  // The conditions of uncertain_parameter_specs, said in words.
  if (path == "demand.trainees.mean" && d.trainees.kind != TraineeCount::Kind::ShiftedPoisson)
    return "it can be uncertain only for a shifted-Poisson count, and [demand.trainees] is " +
           std::string(d.trainees.kind == TraineeCount::Kind::Fixed ? "fixed" : "categorical") + " here";
  if (path == "demand.lifecycle.dropout_mean" && d.dropout_sd > 0)
    return "it can be uncertain only while dropout_sd = 0: a random drop-out share is a Beta whose mean must "
           "stay "
           "compatible with its sd";
  for (std::size_t p = 0; p < pathway_count; ++p)
    if (path == "demand.cost_per_trainee.mean_eur." + std::string(pathway_keys[p]) &&
        d.cost_per_trainee[p].kind != TraineeCost::Kind::LogNormal)
      return "it can be uncertain only for a lognormal cost, and this pathway's cost is fixed here";
  if (path == "demand.carryover.expected_dossiers" && !(d.carryover_mean_fne_eur > 0))
    return "a drawn count of carried-over dossiers needs their amount: state [demand.carryover] "
           "mean_fne_eur (required when expected_dossiers > 0)";
  // An event's key that belongs to another kind of event: name the one it has.
  for (const PolicyEvent& e : s.events)
    if (path.starts_with(event_path(e, "")))
      return "event " + scenario_detail::toml_key_text(e.name) + " is a " +
             std::string(policy_event_kind_keys[static_cast<std::size_t>(e.kind)]) +
             " event: its uncertain value is '" + event_path(e, uncertain_field(e.kind)) + "'";
  return "";
}

std::vector<UncertainParameterSpec> uncertain_parameter_specs(const Scenario& s) {
  const DemandModel& d = s.demand;
  std::vector<UncertainParameterSpec> specs;
  specs.push_back({"demand.arrivals.expected_dossiers", non_negative, national_expected_dossiers(s)});
  for (std::size_t p = 0; p < pathway_count; ++p)
    if (d.cost_per_trainee[p].kind == TraineeCost::Kind::LogNormal)
      specs.push_back({"demand.cost_per_trainee.mean_eur." + std::string(pathway_keys[p]), positive,
                       d.cost_per_trainee[p].mean_eur});
  if (d.trainees.kind == TraineeCount::Kind::ShiftedPoisson)
    specs.push_back({"demand.trainees.mean", {1, infinity, false, true}, d.trainees.mean});
  specs.push_back({"demand.lifecycle.cancellation_probability", probability, d.cancellation_probability});
  // A random drop-out share is a Beta whose mean must stay compatible with its sd.
  if (d.dropout_sd == 0) specs.push_back({"demand.lifecycle.dropout_mean", probability, d.dropout_mean});
  if (d.carryover_mean_fne_eur > 0)
    specs.push_back({"demand.carryover.expected_dossiers", non_negative, d.carryover_expected_dossiers});
  specs.push_back({"demand.diagnostics.expected_dossiers", non_negative, d.diagnostics_expected_dossiers});
  for (const PolicyEvent& e : s.events) {
    const double stated = e.kind == PolicyEventKind::NewPopulation ? e.expected_dossiers
                          : e.kind == PolicyEventKind::Step        ? e.factor
                                                                   : e.share;
    specs.push_back({event_path(e, uncertain_field(e.kind)), non_negative, stated});
  }
  return specs;
}

void set_uncertain_parameter(Scenario& s, std::string_view path, double value) {
  DemandModel& d = s.demand;
  if (path == "demand.arrivals.expected_dossiers") {
    const double stated = national_expected_dossiers(s);
    for (RegionalDemand& rd : d.regions)
      rd.expected_dossiers = stated > 0 ? rd.expected_dossiers * value / stated : value / static_cast<double>(d.regions.size());
    return;
  }
  for (std::size_t p = 0; p < pathway_count; ++p)
    if (path == "demand.cost_per_trainee.mean_eur." + std::string(pathway_keys[p])) {
      d.cost_per_trainee[p].mean_eur = value;
      return;
    }
  if (path == "demand.trainees.mean") {
    // A lognormal or gamma mean has no upper end to check when the scenario is read.
    if (!(value <= static_cast<double>(limits::max_trainees_per_dossier)))
      throw limits::EngineLimitError("a drawn demand.trainees.mean of " + std::to_string(value) +
                                     ": beyond the 100 000 trainees a dossier may have; its distribution in "
                                     "[uncertainty] reaches too far (lower its mean or cv)");
    d.trainees.mean = value;
    return;
  }
  if (path == "demand.lifecycle.cancellation_probability") {
    d.cancellation_probability = value;
    return;
  }
  if (path == "demand.lifecycle.dropout_mean") {
    d.dropout_mean = value;
    return;
  }
  if (path == "demand.carryover.expected_dossiers") {
    d.carryover_expected_dossiers = value;
    return;
  }
  if (path == "demand.diagnostics.expected_dossiers") {
    d.diagnostics_expected_dossiers = value;
    return;
  }
  for (PolicyEvent& e : s.events) {
    if (path == event_path(e, "expected_dossiers")) e.expected_dossiers = value;
    else if (path == event_path(e, "factor")) e.factor = value;
    else if (path == event_path(e, "share")) {
      if (!(value <= limits::max_intensity_factor))
        throw limits::EngineLimitError("a drawn " + std::string(path) + " of " + std::to_string(value) +
                                       ": beyond the 1 000 times the demand to come a rush may add; its "
                                       "distribution in [uncertainty] reaches too far");
      e.share = value;
    } else
      continue;
    return;
  }
  throw std::invalid_argument("set_uncertain_parameter: no parameter " + std::string(path));
}

std::array<double, 12> stated_monthly_profile(const Scenario& s) {
  std::array<double, 12> profile{};
  double total = 0;
  for (const RegionalDemand& rd : s.demand.regions) {
    for (std::size_t m = 0; m < 12; ++m) profile[m] += rd.expected_dossiers * rd.monthly_profile[m];
    total += rd.expected_dossiers;
  }
  for (double& p : profile) p = total > 0 ? p / total : 1.0 / 12;
  return profile;
}

void set_monthly_profile(Scenario& s, const std::array<double, 12>& profile) {
  const std::array<double, 12> stated = stated_monthly_profile(s);
  for (RegionalDemand& rd : s.demand.regions) {
    double sum = 0;
    for (std::size_t m = 0; m < 12; ++m) {
      rd.monthly_profile[m] = stated[m] > 0 ? rd.monthly_profile[m] * profile[m] / stated[m] : 0.0;
      sum += rd.monthly_profile[m];
    }
    if (sum > 0)
      for (double& w : rd.monthly_profile) w /= sum;
  }
}

}  // namespace fnesim
