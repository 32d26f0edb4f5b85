// Section [events]: dated changes in demand (models/policy_event.hpp), one
// table per event, named by the planner.
#include <numeric>

#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {

namespace {

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

}  // namespace

void parse_events(TableReader& section, ParseState& state) {
  for (const std::string& name : section.keys_in_order()) {
    state.events_written.push_back(name);
    auto table = section.table(name);
    if (!table) continue;
    if (auto event = read_event(*table, name, state)) state.scenario.events.push_back(std::move(*event));
  }
  section.finish("event");
}

}  // namespace fnesim::scenario_detail
