#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "sim/scenario/reader.hpp"

// The merged tree of an `extends` chain (sim/scenario/reader.hpp): merging
// the files' tables, positions for diagnostics, and writing the merged tree
// back as TOML (the resolved scenario of every run file).

namespace fnesim::scenario_detail {
namespace {

bool is_standard_table(const toml::node& node) {
  const toml::table* t = node.as_table();
  return t != nullptr && !t->is_inline();
}

// Digits after the decimal point in the shortest fixed-notation text of `v`:
// 12.345 → 3, 0.1 → 1 (not the 0.1000000000000000055… of its binary value).

}  // namespace

const toml::source_region& no_source() {
  static const toml::source_region none{};
  return none;
}

void DiagnosticList::add(const toml::source_region& where, std::string key_path, std::string message) {
  Diagnostic d;
  d.file = where.path ? *where.path : std::string();
  d.line = static_cast<int>(where.begin.line);
  d.column = static_cast<int>(where.begin.column);
  d.key = std::move(key_path);
  d.message = std::move(message);
  items_.push_back(std::move(d));
}

const toml::source_region& MergedEntry::where() const {
  if (key != nullptr && key->source().begin.line != 0) {
    // Table headers: toml++ puts the key's column at the end of the header; the
    // table node itself starts at the '['.
    if (table != nullptr && table->latest != nullptr && table->latest->source().begin.line != 0)
      return table->latest->source();
    return key->source();
  }
  if (value != nullptr) return value->source();
  if (table != nullptr && table->latest != nullptr) return table->latest->source();
  return no_source();
}

std::vector<const std::pair<const std::string, MergedEntry>*> MergedTable::ordered() const {
  std::vector<const std::pair<const std::string, MergedEntry>*> out;
  out.reserve(entries.size());
  for (const auto& item : entries) out.push_back(&item);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    const MergedEntry& x = a->second;
    const MergedEntry& y = b->second;
    if (x.first_rank != y.first_rank) return x.first_rank < y.first_rank;
    if (x.first_line != y.first_line) return x.first_line < y.first_line;
    return x.first_column < y.first_column;
  });
  return out;
}

void merge_layer(MergedTable& into, const toml::table& layer, int rank,
                 const std::set<std::string, std::less<>>& skip_keys) {
  if (into.origin == nullptr) {
    into.origin = &layer;
    into.rank = rank;
  }
  into.latest = &layer;
  for (const auto& [key, node] : layer) {
    if (skip_keys.count(key.str()) != 0) continue;
    auto found = into.entries.find(key.str());
    const bool standard = is_standard_table(node);
    if (found != into.entries.end() && standard && found->second.table != nullptr) {
      merge_layer(*found->second.table, *node.as_table(), rank);
      continue;
    }
    if (found == into.entries.end()) {
      MergedEntry fresh;
      fresh.first_rank = rank;
      const toml::source_region& src =
          standard || key.source().begin.line == 0 ? node.source() : key.source();
      fresh.first_line = src.begin.line;
      fresh.first_column = src.begin.column;
      found = into.entries.emplace(key.str(), std::move(fresh)).first;
    }
    MergedEntry& entry = found->second;
    entry.key = &key;
    entry.rank = rank;
    entry.table.reset();
    entry.value = nullptr;
    if (standard) {
      entry.table = std::make_unique<MergedTable>();
      merge_layer(*entry.table, *node.as_table(), rank);
    } else {
      entry.value = &node;
    }
  }
}

// ---- TOML output -------------------------------------------------------------------------------

namespace {

std::string string_literal(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::vector<std::pair<const toml::key*, const toml::node*>> in_written_order(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> items;
  for (const auto& [k, v] : table) items.emplace_back(&k, &v);
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return items;
}

}  // namespace

std::string toml_string_text(const std::string& text) { return string_literal(text); }

std::string toml_key_text(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (bare) return std::string(key);
  return string_literal(std::string(key));
}

std::string toml_value_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return string_literal(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) {
    const double v = f->get();
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    std::string text = format_number(v);
    if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
    return text;
  }
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* a = node.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i > 0) out += ", ";
      out += toml_value_text(*a->get(i));
    }
    out += "]";
    return out;
  }
  if (const auto* t = node.as_table()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : in_written_order(*t)) {
      out += first ? " " : ", ";
      first = false;
      out += toml_key_text(k->str());
      out += " = ";
      out += toml_value_text(*v);
    }
    out += first ? "}" : " }";
    return out;
  }
  // Dates, times and date-times: toml++ prints them in TOML syntax.
  std::ostringstream out;
  if (const auto* d = node.as_date()) out << d->get();
  if (const auto* t = node.as_time()) out << t->get();
  if (const auto* dt = node.as_date_time()) out << dt->get();
  return out.str();
}

std::string to_toml(const MergedTable& table, const std::string& prefix) {
  std::string out;
  const auto entries = table.ordered();
  for (const auto* item : entries) {
    if (item->second.table != nullptr || item->second.superseded) continue;
    out += toml_key_text(item->first);
    out += " = ";
    out += toml_value_text(*item->second.value);
    out += '\n';
  }
  for (const auto* item : entries) {
    if (item->second.table == nullptr || item->second.superseded) continue;
    std::string path = prefix;
    if (!path.empty()) path += '.';
    path += toml_key_text(item->first);
    const MergedTable& sub = *item->second.table;
    // A table holding only tables needs no header of its own ([convention.regions]).
    const bool only_tables =
        !sub.entries.empty() && std::all_of(sub.entries.begin(), sub.entries.end(),
                                            [](const auto& e) { return e.second.table != nullptr; });
    if (!only_tables) {
      out += "\n[";
      out += path;
      out += "]\n";
    }
    out += to_toml(sub, path);
  }
  return out;
}

}  // namespace fnesim::scenario_detail
