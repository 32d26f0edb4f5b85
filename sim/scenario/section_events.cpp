// Section [events]: dated changes in demand (models/policy_event.hpp), one
// table per event, named by the planner.
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <string_view>
#include <utility>

#include "sim/plan.hpp"
#include "sim/scenario/demand_parts.hpp"
#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {

namespace {

// The keys each kind of event reads, in policy_event_kind_keys' order.
constexpr std::array<std::array<std::string_view, 2>, 3> keys_of_kind = {{
    {"expected_dossiers", "statuses"},  // new-population
    {"factor", "ramp_days"},            // step
    {"share", "days"},                  // rush
}};

// A new population's status no rule funds would add only ineligible
// dossiers: said as the demand's own mix says it (check_statuses_covered),
// for the sizes the regions' mixes file, from the event's date to the close
// of intake.
void check_statuses_covered(TableReader& statuses, const PolicyEvent& event, ParseState& state) {
  const Scenario& s = state.scenario;
  if (!state.coverage_ok || !state.dates_ok || !state.regions_ok) return;
  const Date last_filing = s.convention.commitment_end.plus_days(-s.demand.intake_closes_days_before_end);
  for (int st = 0; st < status_count; ++st) {
    if (!(event.statuses[static_cast<std::size_t>(st)] > 0)) continue;
    std::string sizes;
    for (int c = 0; c < size_class_count; ++c) {
      bool filed = false;
      for (const RegionalDemand& rd : s.demand.regions)
        for (int other = 0; other < status_count && !filed; ++other)
          for (int p = 0; p < pathway_count && !filed; ++p)
            filed = rd.mix[static_cast<std::size_t>(mix_cell(
                        static_cast<SizeClass>(c), static_cast<Status>(other), static_cast<Pathway>(p)))] > 0;
      const long headcount = s.demand.representative_headcount[static_cast<std::size_t>(c)];
      if (!filed ||
          demand::some_rule_applies(s.coverage, static_cast<Status>(st), headcount, event.from, last_filing))
        continue;
      if (!sizes.empty()) sizes += ", ";
      sizes += std::string(size_class_keys[static_cast<std::size_t>(c)]) + " (headcount " +
               std::to_string(headcount) + ")";
    }
    if (sizes.empty()) continue;
    const std::string status(status_keys[static_cast<std::size_t>(st)]);
    statuses.error(status,
                   "no rule of regime convention covers status " + status + " from " + event.from.iso() +
                       " to the close of intake (" + last_filing.iso() + ") for size " + sizes +
                       ": the new population's dossiers of this status would all be ineligible; add a "
                       "rule to [coverage.rules] or give the status a zero share");
  }
}

std::optional<PolicyEvent> read_event(TableReader& table, const std::string& name, ParseState& state) {
  PolicyEvent event;
  event.name = name;
  bool ok = true;
  const auto kind = table.choice("kind", policy_event_kind_keys, true);
  const auto from = table.date("from", true);
  ok &= kind.has_value() && from.has_value();
  const Convention& conv = state.scenario.convention;
  if (from && state.dates_ok && (*from < conv.commitment_start || *from > conv.commitment_end)) {
    table.error("from", "must fall in the commitment window " + conv.commitment_start.iso() + " to " +
                            conv.commitment_end.iso() + ", found " + from->iso());
    ok = false;
  }
  // After the last filing day no dossier is filed: an event from then would
  // silently change nothing.
  const int intake_closes = state.scenario.demand.intake_closes_days_before_end;
  if (from && state.dates_ok && ok && intake_closes > 0 &&
      *from > conv.commitment_end.plus_days(-intake_closes)) {
    table.error("from", "must fall on or before " + conv.commitment_end.plus_days(-intake_closes).iso() +
                            ", the last filing day ([demand.arrivals] intake_closes_days_before_end = " +
                            std::to_string(intake_closes) +
                            "): no dossier is filed after it, so the event would change nothing; found " +
                            from->iso());
    ok = false;
  }
  if (from) event.from = *from;
  if (!kind) return std::nullopt;  // its other keys depend on the kind: no guesses about them
  event.kind = static_cast<PolicyEventKind>(*kind);
  // Another kind's keys: an error beside this kind, ignored when inherited
  // from an ancestor where the event was of that kind (a child may change it).
  for (std::size_t other = 0; other < policy_event_kind_keys.size(); ++other) {
    if (other == *kind) continue;
    for (const std::string_view key : keys_of_kind[other])
      reject_if_written(table, key, "kind",
                        "applies only to a " + std::string(policy_event_kind_keys[other]) +
                            " event, and this one's kind is \"" + std::string(policy_event_kind_keys[*kind]) +
                            "\"");
  }
  switch (event.kind) {
    case PolicyEventKind::NewPopulation: {
      const auto expected = table.number("expected_dossiers", Bounds::closed(0, limits::max_expected_dossiers), true);
      ok &= expected.has_value();
      event.expected_dossiers = expected.value_or(0);
      auto statuses = table.table("statuses", true);
      if (!statuses) {
        ok = false;
        break;
      }
      for (int s = 0; s < status_count; ++s) {
        const auto share = statuses->number(status_keys[static_cast<std::size_t>(s)], Bounds::at_least(0));
        event.statuses[static_cast<std::size_t>(s)] = share.value_or(0);
      }
      if (ok) check_statuses_covered(*statuses, event, state);
      statuses->finish("status");
      if (!normalise_relative(event.statuses)) {
        table.error("statuses", "shares sum to 0: the new population would have no status");
        ok = false;
      }
      break;
    }
    case PolicyEventKind::Step: {
      const auto factor = table.number("factor", Bounds::closed(0, limits::max_intensity_factor), true);
      const auto ramp = table.integer("ramp_days", 0, 366);
      ok &= factor.has_value();
      event.factor = factor.value_or(1);
      event.ramp_days = static_cast<int>(ramp.value_or(0));
      break;
    }
    case PolicyEventKind::Rush: {
      // Bounded as a step's factor: the rush adds this share of the demand still to come.
      const auto share = table.number("share", Bounds::closed(0, limits::max_intensity_factor), true);
      const auto days = table.integer("days", 1, 366);
      ok &= share.has_value();
      event.share = share.value_or(0);
      event.days = static_cast<int>(days.value_or(event.days));
      break;
    }
  }
  table.finish();
  if (!ok) return std::nullopt;
  return event;
}

// A count past the engine's limits, as a planner reads it.
std::string expected_text(double expected) {
  if (!std::isfinite(expected)) return "more dossiers than any number holds";
  char text[40];
  std::snprintf(text, sizeof text, "%.3g dossiers", expected);
  return text;
}

// Steps and rushes multiply the demand and new populations add to it: each
// within its own bound, together they can ask more dossiers of a region than
// a replication holds, and every run would stop. The plan of the scenario as
// stated says what they make, all of them together (a step below 1 may undo
// one above). When that is too much, the event it is said at is the first
// from which the events so far are too much. (Drawn values beyond the limit
// are the engine's to stop.)
void check_events_simulable(TableReader& section, ParseState& state, const std::vector<std::string>& names) {
  Scenario& scenario = state.scenario;
  if (scenario.events.empty() || !state.ctx.diagnostics.empty() || !state.regions_ok || !state.dates_ok ||
      !state.coverage_ok)
    return;
  // The first region past the limit under `scenario`'s events, and what it expects.
  const auto beyond = [&]() -> std::optional<std::pair<std::size_t, double>> {
    const Plan plan(scenario);
    for (std::size_t r = 0; r < plan.regions.size(); ++r)
      if (!(plan.regions[r].expected_arrivals <= limits::max_region_arrivals))
        return std::pair{r, plan.regions[r].expected_arrivals};
    return std::nullopt;
  };
  const auto together = beyond();
  if (!together) return;
  const std::vector<PolicyEvent> events = scenario.events;
  std::size_t from = events.size() - 1;
  for (std::size_t k = 0; k + 1 < events.size(); ++k) {
    scenario.events.assign(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(k) + 1);
    if (beyond()) {
      from = k;
      break;
    }
  }
  scenario.events = events;
  section.error(names[from],
                "the events together make region " + scenario.convention.regions[together->first].code +
                    " expect " + expected_text(together->second) +
                    " a year, beyond the engine's limit of 10 000 000 a region "
                    "(sim/engine_limits.hpp), from this event on: no replication could be simulated; "
                    "lower their size");
}

}  // namespace

void parse_events(TableReader& section, ParseState& state) {
  std::vector<std::string> read;  // the names of the events read, in the scenario's order
  for (const std::string& name : section.keys_in_order()) {
    state.events_written.push_back(name);
    auto table = section.table(name);
    if (!table) continue;
    if (auto event = read_event(*table, name, state)) {
      state.scenario.events.push_back(std::move(*event));
      read.push_back(name);
    }
  }
  check_events_simulable(section, state, read);
  section.finish("event");
}

}  // namespace fnesim::scenario_detail
