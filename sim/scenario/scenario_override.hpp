#pragma once
// One scenario key set to another value — a sweep's grid point, a tornado's
// low or high value of a key the scenario states as known. The scenario's
// resolved TOML is edited and read again, so the value is validated exactly
// as if a planner had written it in the file (every problem, with its key).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace fnesim {

// `key_path` is dotted, as in docs/scenario-format.md ("demand.arrivals.expected_dossiers",
// "events.widening.expected_dossiers"); a segment may be quoted ("events.\"my-event\".factor").
// A key the file leaves to its default is added. Throws BadRequest when the path
// names something that is not a number (a table, a string, an array), and
// ScenarioError when the scenario with the value is invalid.
Scenario scenario_with_value(const Scenario& scenario, std::string_view key_path, double value);
// Several keys at once, checked together: a pair that must agree (a drop-out
// mean and its sd) is valid whatever the order given.
Scenario scenario_with_values(const Scenario& scenario,
                              const std::vector<std::pair<std::string, double>>& settings);

// A finite number as a planner types it on the command line: decimal or
// with an exponent, an optional sign ("+5000", as TOML reads it too);
// nullopt for anything else (NaN, inf, "5k", "").
std::optional<double> finite_number_from_text(std::string_view text);

// A key path as the scenario's own names write it: each part bare where it
// can be, quoted where it must ("events.\"deadline-rush\".share" is
// "events.deadline-rush.share", as uncertain parameters' paths are written),
// so that two spellings of one key compare equal. Throws BadRequest for an
// empty part or an unclosed quote.
std::string canonical_key_path(std::string_view path);
// Its parts, unquoted and unescaped ("events.\"deadline-rush\".share" is
// events, deadline-rush, share). Throws BadRequest as canonical_key_path does.
std::vector<std::string> split_key_path(std::string_view path);

// "KEY=V1,V2,…": the key, as canonical_key_path writes it, and its values,
// for --set and --range. Throws BadRequest naming `option`.
struct KeyValues {
  std::string key;
  std::vector<double> values;
};
KeyValues parse_key_values(std::string_view option, std::string_view text);

}  // namespace fnesim
