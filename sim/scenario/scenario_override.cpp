#include "sim/scenario/scenario_override.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "sim/errors.hpp"
#include "sim/scenario/reader.hpp"

namespace fnesim {

std::vector<std::string> split_key_path(std::string_view path) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false, closed_quote = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    // Inside quotes, a backslash escapes the next character, as toml_key_text
    // writes a name holding a quote or a backslash.
    if (quoted && c == '\\' && i + 1 < path.size()) {
      current += path[++i];
      continue;
    }
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

namespace {

// The shortest text that reads back as the same double: 0.6, as typed, not 0.59999999999999998.
std::string number_text(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc{} ? std::string(text, end) : std::string("?");
}

// Sets `leaf` of `table` to `value`: an integer where the scenario wrote one.
void set_number(toml::table& table, const std::string& leaf, double value, std::string_view key_path) {
  const toml::node* existing = table.get(leaf);
  if (existing != nullptr && !existing->is_number())
    throw BadRequest(std::string(key_path) + ": the scenario states it as a " +
                     std::string(toml::impl::node_type_friendly_names[static_cast<int>(existing->type())]) +
                     ", not a number");
  const bool integral = std::floor(value) == value && std::abs(value) < 9e15;
  if (integral && (existing == nullptr || existing->is_integer()))
    table.insert_or_assign(leaf, static_cast<std::int64_t>(value));
  else
    table.insert_or_assign(leaf, value);
}

}  // namespace

Scenario scenario_with_value(const Scenario& scenario, std::string_view key_path, double value) {
  return scenario_with_values(scenario, {{std::string(key_path), value}});
}

Scenario scenario_with_values(const Scenario& scenario,
                              const std::vector<std::pair<std::string, double>>& settings) {
  for (const auto& [key_path, value] : settings) {
    if (!std::isfinite(value)) throw BadRequest(key_path + ": the value is not a finite number");
    if (split_key_path(key_path).front() == "run")
      throw BadRequest(key_path +
                       ": the [run] settings are the command's own (-n, --seed, -j), not an "
                       "assumption to vary");
  }
  toml::table root;
  try {
    root = toml::parse(scenario.resolved_toml, std::string_view("the resolved scenario"));
  } catch (const toml::parse_error& e) {
    throw InvariantError("the resolved TOML of " + scenario.name + " does not parse: " + std::string(e.description()));
  }
  // The values as one layer over the scenario, merged as `extends` merges a
  // child over its parent, so that the text keeps the scenario's order: the
  // reader takes the order of regions, rules and uncertain parameters from
  // it, and a different order would draw different numbers. An inline table
  // on the way is replaced whole, so the layer carries a copy of it. All at
  // once: two keys that must agree (a drop-out mean and sd) are checked together.
  toml::table layer;
  for (const auto& [key_path, value] : settings) {
    const std::vector<std::string> parts = split_key_path(key_path);
    toml::table* layer_at = &layer;
    const toml::table* base_at = &root;
    std::string walked;
    bool set = false;
    for (std::size_t i = 0; i + 1 < parts.size() && !set; ++i) {
      walked += (walked.empty() ? "" : ".") + parts[i];
      const toml::node* base_node = base_at != nullptr ? base_at->get(parts[i]) : nullptr;
      if (base_node != nullptr && !base_node->is_table())
        throw BadRequest(key_path + ": '" + walked + "' is not a table in the scenario");
      const toml::table* base_table = base_node != nullptr ? base_node->as_table() : nullptr;
      toml::node* layer_node = layer_at->get(parts[i]);  // an earlier setting's table, kept
      if (layer_node != nullptr && !layer_node->is_table())
        throw BadRequest(key_path + ": '" + walked + "' is set as a number by another key given");
      if (base_table != nullptr && base_table->is_inline()) {
        toml::table* copy = layer_node != nullptr
                                ? layer_node->as_table()
                                : layer_at->insert_or_assign(parts[i], *base_table).first->second.as_table();
        for (std::size_t j = i + 1; j + 1 < parts.size(); ++j) {
          toml::node* inner = copy->get(parts[j]);
          if (inner == nullptr) {
            toml::table fresh;
            fresh.is_inline(true);
            inner = &copy->insert(parts[j], std::move(fresh)).first->second;
          }
          copy = inner->as_table();
          if (copy == nullptr)
            throw BadRequest(key_path + ": '" + parts[j] + "' is not a table in the scenario");
        }
        set_number(*copy, parts.back(), value, key_path);
        set = true;
        break;
      }
      layer_at = layer_node != nullptr
                     ? layer_node->as_table()
                     : layer_at->insert_or_assign(parts[i], toml::table{}).first->second.as_table();
      base_at = base_table;
    }
    if (!set) {
      // The leaf's type is read from the scenario, then written in the layer.
      toml::table probe;
      if (base_at != nullptr)
        if (const toml::node* existing = base_at->get(parts.back())) probe.insert(parts.back(), *existing);
      set_number(probe, parts.back(), value, key_path);
      layer_at->insert_or_assign(parts.back(), *probe.get(parts.back()));
    }
  }
  scenario_detail::MergedTable merged;
  scenario_detail::merge_layer(merged, root, 0);
  scenario_detail::merge_layer(merged, layer, 1);
  std::string described;
  for (const auto& [key_path, value] : settings)
    described += (described.empty() ? "" : ", ") + key_path + " = " + number_text(value);
  try {
    Scenario changed = load_scenario_text(scenario_detail::to_toml(merged),
                                          scenario.name + " with " + described, std::filesystem::path("."));
    changed.run = scenario.run;
    return changed;
  } catch (const ScenarioError& e) {
    // Said of the settings, not of a line of the merged text the user never sees.
    std::string message = described + ":";
    for (const Diagnostic& d : e.diagnostics()) {
      const bool own_key =
          d.key.empty() || std::any_of(settings.begin(), settings.end(),
                                       [&](const auto& setting) { return setting.first == d.key; });
      message += " " + (own_key && settings.size() == 1 ? std::string() : d.key + ": ") + d.message + ";";
    }
    message.pop_back();
    throw BadRequest(message);
  }
}

std::optional<double> finite_number_from_text(std::string_view text) {
  // from_chars takes a minus but not a plus; "+-5" stays refused.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::string canonical_key_path(std::string_view path) {
  std::string canonical;
  for (const std::string& part : split_key_path(path)) {
    if (!canonical.empty()) canonical += '.';
    canonical += scenario_detail::toml_key_text(part);
  }
  return canonical;
}

KeyValues parse_key_values(std::string_view option, std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size())
    throw BadRequest(std::string(option) + " " + std::string(text) + ": expected KEY=V1,V2,… (e.g. " +
                     "demand.arrivals.expected_dossiers=8000,10000)");
  KeyValues out;
  try {
    out.key = canonical_key_path(text.substr(0, equals));
  } catch (const BadRequest& e) {
    throw BadRequest(std::string(option) + " " + std::string(text) + ": " + e.what());
  }
  std::string_view rest = text.substr(equals + 1);
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const std::optional<double> v = finite_number_from_text(item);
    if (!v)
      throw BadRequest(std::string(option) + " " + std::string(text) + ": '" + std::string(item) +
                       "' is not a finite number");
    out.values.push_back(*v);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

}  // namespace fnesim
