#pragma once
// The sections of a scenario file, each parsed by one function. A new section
// (e.g. `steering`, `actuals`) plugs in by writing its parse function and adding
// it to scenario_sections(); sections are parsed in that order, so a later one
// may rely on what earlier ones produced (demand needs the regions).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/reader.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::scenario_detail {

// Warned of, not refused, below scenario.hpp's least plausible amounts.
void warn_if_implausible_envelope(TableReader& table, std::string_view key, Cents envelope);
void warn_if_implausible_trainee_cost(TableReader& table, std::string_view key, double cost_eur);

struct ParseState {
  Scenario& scenario;
  ReadContext& ctx;
  // What later sections may rely on: set only when the part parsed cleanly, so
  // that one mistake does not cascade into a page of consequences.
  bool regions_ok = false;  // convention.regions and the envelopes are usable
  // Every code written under convention.regions, usable or not: with a bad
  // region, the others' [demand.regions] entries are still checked, and only
  // a code written nowhere is unknown.
  std::vector<std::string> declared_region_codes{};
  bool dates_ok = false;    // commitment window and training end are usable
  bool coverage_ok = false;
  std::vector<std::string> events_written{};  // every [events] table, loaded or not
};

// A sum of shares as the planner would add them: 0.1 + 0.7 is "0.8", not the
// sum's last binary digits; 12 figures still show any miss the checks refuse
// (more than 1e-9).
inline std::string sum_text(double sum) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.12g", sum);
  return buffer;
}

using SectionParser = void (*)(TableReader& section, ParseState& state);

struct SectionSpec {
  std::string_view name;
  bool required;  // absent optional sections are parsed as empty tables (all defaults)
  SectionParser parse;
};

const std::vector<SectionSpec>& scenario_sections();

void parse_convention(TableReader& section, ParseState& state);
void parse_coverage(TableReader& section, ParseState& state);
void parse_demand(TableReader& section, ParseState& state);
void parse_run(TableReader& section, ParseState& state);
void parse_steering(TableReader& section, ParseState& state);
void parse_financing(TableReader& section, ParseState& state);
void parse_events(TableReader& section, ParseState& state);
void parse_uncertainty(TableReader& section, ParseState& state);

}  // namespace fnesim::scenario_detail
