#include "sim/scenario/reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace fnesim::scenario_detail {
namespace {

int decimal_places(double v) {
  char buffer[400];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const auto dot = text.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

std::string single_quoted(std::string_view text) {
  std::string out = "'";
  out += text;
  out += '\'';
  return out;
}

std::string wrong_type(std::string_view expected, const toml::node& node) {
  std::string message = "expected ";
  message += expected;
  message += ", found ";
  message += type_name(node);
  return message;
}

}  // namespace

// ---- small helpers -----------------------------------------------------------------------------

std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return node.as_table()->is_inline() ? "an inline table" : "a table";
    default:
      return "nothing";
  }
}

int edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string lower_word(word);
  std::transform(lower_word.begin(), lower_word.end(), lower_word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string best;
  int best_distance = 0;
  for (const auto& candidate : candidates) {
    std::string lower(candidate);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const int distance = edit_distance(lower_word, lower);
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A typo is a few edits; beyond a third of the word it is another word.
  const int tolerance = std::max<int>(1, static_cast<int>(std::max(word.size(), best.size()) / 3));
  return !best.empty() && best_distance <= tolerance ? best : std::string();
}

bool Bounds::contains(double v) const {
  if (std::isnan(v)) return false;
  if (min && (min_open ? !(v > *min) : !(v >= *min))) return false;
  if (max && (max_open ? !(v < *max) : !(v <= *max))) return false;
  return true;
}

std::string Bounds::describe() const {
  if (min && max) {
    std::string out = "in ";
    out += min_open ? "(" : "[";
    out += format_number(*min);
    out += ", ";
    out += format_number(*max);
    out += max_open ? ")" : "]";
    return out;
  }
  if (min) return (min_open ? "> " : "≥ ") + format_number(*min);
  if (max) return (max_open ? "< " : "≤ ") + format_number(*max);
  return "a number";
}

// ---- value conversions -------------------------------------------------------------------------

std::optional<double> read_number(const toml::node& node, const std::string& key_path, ReadContext& ctx) {
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = node.as_floating_point()) {
    if (!std::isfinite(f->get())) {
      ctx.diagnostics.add(node.source(), key_path,
                          "must be a finite number, found " + format_number(f->get()));
      return std::nullopt;
    }
    return f->get();
  }
  ctx.diagnostics.add(node.source(), key_path, wrong_type("a number", node));
  return std::nullopt;
}

std::optional<std::int64_t> read_integer(const toml::node& node, const std::string& key_path,
                                         ReadContext& ctx) {
  if (const auto* i = node.as_integer()) return i->get();
  ctx.diagnostics.add(node.source(), key_path, wrong_type("an integer", node));
  return std::nullopt;
}

std::optional<std::string> read_string(const toml::node& node, const std::string& key_path,
                                       ReadContext& ctx) {
  if (const auto* s = node.as_string()) return s->get();
  ctx.diagnostics.add(node.source(), key_path, wrong_type("a string", node));
  return std::nullopt;
}

std::optional<Cents> read_money(const toml::node& node, const std::string& key_path, ReadContext& ctx) {
  constexpr double max_euros = static_cast<double>(max_amount / cents_per_euro);
  if (!node.is_integer() && !node.is_floating_point()) {
    ctx.diagnostics.add(node.source(), key_path, wrong_type("an amount in EUR (a number)", node));
    return std::nullopt;
  }
  const auto euros_value = read_number(node, key_path, ctx);
  if (!euros_value) return std::nullopt;
  if (*euros_value < 0) {
    ctx.diagnostics.add(node.source(), key_path, "an amount must be ≥ 0 EUR, found " + toml_value_text(node));
    return std::nullopt;
  }
  if (*euros_value > max_euros) {
    ctx.diagnostics.add(node.source(), key_path,
                        "amount " + toml_value_text(node) + " EUR is beyond the " + format_euros(max_amount) +
                            " EUR this tool handles");
    return std::nullopt;
  }
  if (const auto* i = node.as_integer()) return euros(i->get());
  if (decimal_places(*euros_value) > 2) {
    ctx.diagnostics.add(node.source(), key_path,
                        "amount " + format_number(*euros_value) + " EUR is not a whole number of cents");
    return std::nullopt;
  }
  return round_to_cents(*euros_value);
}

std::optional<Rate> read_rate(const toml::node& node, const std::string& key_path, ReadContext& ctx) {
  if (!node.is_integer() && !node.is_floating_point()) {
    ctx.diagnostics.add(node.source(), key_path,
                        wrong_type("a rate (a number in [0, 1], e.g. 0.05 for 5 %)", node));
    return std::nullopt;
  }
  const auto v = read_number(node, key_path, ctx);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > 1) {
    ctx.diagnostics.add(node.source(), key_path, "a rate must be in [0, 1], found " + format_number(*v));
    return std::nullopt;
  }
  if (decimal_places(*v) > 4) {
    ctx.diagnostics.add(node.source(), key_path,
                        "rate " + format_number(*v) + " is not a multiple of 0.0001 (one basis point)");
    return std::nullopt;
  }
  return Rate{static_cast<std::int32_t>(std::llround(*v * Rate::full))};
}

std::optional<Date> read_date(const toml::node& node, const std::string& key_path, ReadContext& ctx) {
  if (const auto* d = node.as_date()) {
    const toml::date v = d->get();
    return Date::from_ymd(v.year, v.month, v.day);
  }
  if (const auto* s = node.as_string()) {
    if (Date::parse(s->get())) {
      ctx.diagnostics.add(
          node.source(), key_path,
          "expected a date, found the string \"" + s->get() + "\"; remove the quotes: " + s->get());
      return std::nullopt;
    }
  }
  ctx.diagnostics.add(node.source(), key_path, wrong_type("a date (YYYY-MM-DD, without quotes)", node));
  return std::nullopt;
}

// ---- TableReader -------------------------------------------------------------------------------

TableReader::TableReader(const MergedTable& table, std::string path, ReadContext& ctx)
    : table_(&table), path_(std::move(path)), ctx_(&ctx) {}

TableReader TableReader::over_inline(const toml::table& table, int rank, std::string path, ReadContext& ctx) {
  auto merged = std::make_shared<MergedTable>();
  merge_layer(*merged, table, rank);
  merged->origin = merged->latest = &table;
  TableReader reader(*merged, std::move(path), ctx);
  reader.owned_ = std::move(merged);
  return reader;
}

std::string TableReader::key_path(std::string_view key) const {
  std::string out = path_;
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

const toml::source_region& TableReader::where() const {
  return table_->latest != nullptr ? table_->latest->source() : no_source();
}

const MergedEntry* TableReader::entry(std::string_view key) {
  known_.emplace(key);
  const auto found = table_->entries.find(key);
  return found == table_->entries.end() ? nullptr : &found->second;
}

int latest_rank(const MergedEntry& e) {
  int rank = e.rank;
  if (e.table != nullptr)
    for (const auto& [key, child] : e.table->entries) rank = std::max(rank, latest_rank(child));
  return rank;
}

int TableReader::rank_of(std::string_view key) {
  const MergedEntry* e = entry(key);
  return e == nullptr ? -1 : latest_rank(*e);
}

const toml::source_region& TableReader::where_of(std::string_view key) const {
  const auto found = table_->entries.find(key);
  return found == table_->entries.end() ? where() : found->second.where();
}

void TableReader::error(std::string_view key, std::string message) {
  ctx_->diagnostics.add(where_of(key), key_path(key), std::move(message));
}

void TableReader::warn(std::string_view key, std::string message) {
  ctx_->warnings.add(where_of(key), key_path(key), "warning: " + std::move(message));
}

void TableReader::error_here(std::string message) {
  ctx_->diagnostics.add(where(), path_, std::move(message));
}

void TableReader::missing(std::string_view key) {
  ctx_->diagnostics.add(where(), key_path(key), "missing required key");
}

namespace {

// The value of a key that must not be a standard table.
const toml::node* leaf_or_report(TableReader& reader, std::string_view key, bool required,
                                 std::string_view expected) {
  const MergedEntry* e = reader.entry(key);
  if (e == nullptr) {
    if (required) reader.missing(key);
    return nullptr;
  }
  if (e->value == nullptr) {
    std::string message = "expected ";
    message += expected;
    message += ", found a table";
    reader.error(key, message);
    return nullptr;
  }
  return e->value;
}

}  // namespace

std::optional<std::string> TableReader::string(std::string_view key, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "a string");
  return node ? read_string(*node, key_path(key), *ctx_) : std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "a boolean (true or false)");
  if (node == nullptr) return std::nullopt;
  if (const auto* b = node->as_boolean()) return b->get();
  ctx_->diagnostics.add(node->source(), key_path(key), wrong_type("a boolean (true or false)", *node));
  return std::nullopt;
}

std::optional<double> TableReader::number(std::string_view key, Bounds bounds, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "a number");
  if (node == nullptr) return std::nullopt;
  const auto v = read_number(*node, key_path(key), *ctx_);
  if (!v) return std::nullopt;
  if (!bounds.contains(*v)) {
    ctx_->diagnostics.add(node->source(), key_path(key),
                          "must be " + bounds.describe() + ", found " + format_number(*v));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                 bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "an integer");
  if (node == nullptr) return std::nullopt;
  const auto v = read_integer(*node, key_path(key), *ctx_);
  if (!v) return std::nullopt;
  if (*v < min || *v > max) {
    std::string message = "must be ";
    if (max == std::numeric_limits<std::int64_t>::max()) {
      message += "≥ " + std::to_string(min);
    } else {
      message += "in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    }
    message += ", found " + std::to_string(*v);
    ctx_->diagnostics.add(node->source(), key_path(key), std::move(message));
    return std::nullopt;
  }
  return v;
}

std::optional<Cents> TableReader::money(std::string_view key, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "an amount in EUR (a number)");
  return node ? read_money(*node, key_path(key), *ctx_) : std::nullopt;
}

std::optional<Rate> TableReader::rate(std::string_view key, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "a rate (a number in [0, 1])");
  return node ? read_rate(*node, key_path(key), *ctx_) : std::nullopt;
}

std::optional<Date> TableReader::date(std::string_view key, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "a date");
  return node ? read_date(*node, key_path(key), *ctx_) : std::nullopt;
}

std::optional<DayRange> TableReader::day_range(std::string_view key, int lo, int hi, bool required) {
  const toml::node* node = leaf_or_report(*this, key, required, "[min, max] days");
  if (node == nullptr) return std::nullopt;
  const std::string path = key_path(key);
  const auto* array = node->as_array();
  if (array == nullptr || array->size() != 2 || !array->get(0)->is_integer() ||
      !array->get(1)->is_integer()) {
    std::string message = "expected [min, max], two whole numbers of days, found ";
    message += array == nullptr ? type_name(*node) : toml_value_text(*node);
    ctx_->diagnostics.add(node->source(), path, std::move(message));
    return std::nullopt;
  }
  const std::int64_t min = array->get(0)->as_integer()->get();
  const std::int64_t max = array->get(1)->as_integer()->get();
  if (min < lo || max > hi || min > max) {
    std::string message = "needs " + std::to_string(lo) + " ≤ min ≤ max ≤ " + std::to_string(hi) +
                          ", found [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    ctx_->diagnostics.add(node->source(), path, std::move(message));
    return std::nullopt;
  }
  return DayRange{static_cast<int>(min), static_cast<int>(max)};
}

std::optional<std::size_t> TableReader::choice(std::string_view key,
                                               const std::vector<std::string_view>& choices, bool required) {
  const auto text = string(key, required);
  if (!text) return std::nullopt;
  for (std::size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == *text) return i;
  std::vector<std::string> candidates(choices.begin(), choices.end());
  std::string message = "unknown value \"" + *text + "\"";
  const std::string suggestion = closest_match(*text, candidates);
  if (!suggestion.empty()) {
    message += "; did you mean \"" + suggestion + "\"?";
  } else {
    message += "; expected one of";
    for (std::size_t i = 0; i < choices.size(); ++i) {
      message += i == 0 ? " \"" : ", \"";
      message += choices[i];
      message += '"';
    }
  }
  error(key, std::move(message));
  return std::nullopt;
}

std::optional<TableReader> TableReader::table(std::string_view key, bool required) {
  const MergedEntry* e = entry(key);
  if (e == nullptr) {
    if (required) missing(key);
    return std::nullopt;
  }
  if (e->table != nullptr) return TableReader(*e->table, key_path(key), *ctx_);
  if (const auto* inline_table = e->value->as_table())
    return over_inline(*inline_table, e->rank, key_path(key), *ctx_);
  error(key, wrong_type("a table", *e->value));
  return std::nullopt;
}

std::vector<std::string> TableReader::keys_in_order() const {
  std::vector<std::string> keys;
  for (const auto* item : table_->ordered()) keys.push_back(item->first);
  return keys;
}

void TableReader::finish(std::string_view noun, const std::vector<std::string>& candidates) {
  std::vector<std::string> all(candidates.begin(), candidates.end());
  if (candidates.empty()) all.assign(known_.begin(), known_.end());
  for (const auto* item : table_->ordered()) {
    if (known_.count(item->first) != 0) continue;
    std::string message = "unknown ";
    // At the top level a table is a section ([convention], [demand]…).
    message += path_.empty() && item->second.table != nullptr ? std::string_view("section") : noun;
    message += ' ';
    message += single_quoted(item->first);
    const std::string suggestion = closest_match(item->first, all);
    if (!suggestion.empty()) {
      message += "; did you mean ";
      message += single_quoted(suggestion);
      message += '?';
    }
    ctx_->diagnostics.add(item->second.where(), key_path(item->first), std::move(message));
  }
}

std::optional<std::size_t> pick_alternative(TableReader& reader, const std::vector<std::string_view>& keys) {
  std::optional<std::size_t> chosen;
  int chosen_rank = -1;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const int rank = reader.rank_of(keys[i]);
    if (rank < 0) continue;
    if (rank == chosen_rank) {
      std::string message = "give either ";
      message += single_quoted(keys[*chosen]);
      message += " or ";
      message += single_quoted(keys[i]);
      message += ", not both";
      reader.error(keys[i], std::move(message));
    } else if (rank > chosen_rank) {
      chosen = i;
      chosen_rank = rank;
    }
  }
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (chosen && i != *chosen && reader.rank_of(keys[i]) >= 0) reader.entry(keys[i])->superseded = true;
  return chosen;
}

void reject_if_written(TableReader& reader, std::string_view key, std::string_view switch_key,
                       const std::string& why) {
  const int rank = reader.rank_of(key);
  if (rank >= 0 && rank >= reader.rank_of(switch_key)) reader.error(key, why);
  if (rank >= 0 && rank < reader.rank_of(switch_key)) reader.entry(key)->superseded = true;
}

}  // namespace fnesim::scenario_detail
