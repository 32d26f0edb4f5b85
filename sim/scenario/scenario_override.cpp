#include "sim/scenario/scenario_override.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "sim/errors.hpp"

namespace fnesim {

namespace {

std::vector<std::string> split_key_path(std::string_view path) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false, closed_quote = false;
  for (char c : path) {
    if (c == '"') {
      quoted = !quoted;
      closed_quote = !quoted;
      continue;
    }
    if (c == '.' && !quoted) {
      if (current.empty() && !closed_quote) throw BadRequest("'" + std::string(path) + "': an empty key in the path");
      parts.push_back(current);
      current.clear();
      closed_quote = false;
      continue;
    }
    current += c;
  }
  if (quoted) throw BadRequest("'" + std::string(path) + "': a quote is not closed");
  if (current.empty() && !closed_quote) throw BadRequest("'" + std::string(path) + "': an empty key in the path");
  parts.push_back(current);
  return parts;
}

std::string number_text(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace

Scenario scenario_with_value(const Scenario& scenario, std::string_view key_path, double value) {
  if (!std::isfinite(value)) throw BadRequest(std::string(key_path) + ": the value is not a finite number");
  const std::vector<std::string> parts = split_key_path(key_path);
  toml::table root;
  try {
    root = toml::parse(scenario.resolved_toml, std::string_view("the resolved scenario"));
  } catch (const toml::parse_error& e) {
    throw InvariantError("the resolved TOML of " + scenario.name + " does not parse: " + std::string(e.description()));
  }
  toml::table* table = &root;
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    walked += (walked.empty() ? "" : ".") + parts[i];
    toml::node* node = table->get(parts[i]);
    if (node == nullptr) node = &table->insert(parts[i], toml::table{}).first->second;
    table = node->as_table();
    if (table == nullptr) throw BadRequest(std::string(key_path) + ": '" + walked + "' is not a table in the scenario");
  }
  const std::string& leaf = parts.back();
  if (const toml::node* existing = table->get(leaf); existing != nullptr && !existing->is_number())
    throw BadRequest(std::string(key_path) + ": the scenario states it as a " +
                     std::string(toml::impl::node_type_friendly_names[static_cast<int>(existing->type())]) +
                     ", not a number");
  const toml::node* existing = table->get(leaf);
  const bool integral = std::floor(value) == value && std::abs(value) < 9e15;
  if (integral && (existing == nullptr || existing->is_integer()))
    table->insert_or_assign(leaf, static_cast<std::int64_t>(value));
  else
    table->insert_or_assign(leaf, value);
  std::ostringstream text;
  text << root << '\n';
  Scenario changed = load_scenario_text(text.str(), scenario.name + " with " + std::string(key_path) + " = " +
                                                        number_text(value),
                                        std::filesystem::path("."));
  changed.run = scenario.run;
  return changed;
}

KeyValues parse_key_values(std::string_view option, std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size())
    throw BadRequest(std::string(option) + " " + std::string(text) + ": expected KEY=V1,V2,… (e.g. " +
                     "demand.arrivals.expected_dossiers=8000,10000)");
  KeyValues out;
  out.key = std::string(text.substr(0, equals));
  std::string_view rest = text.substr(equals + 1);
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    double v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || !std::isfinite(v))
      throw BadRequest(std::string(option) + " " + std::string(text) + ": '" + std::string(item) +
                       "' is not a finite number");
    out.values.push_back(v);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

}  // namespace fnesim
