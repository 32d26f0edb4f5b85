#pragma once
// Reading a scenario after `extends` is resolved: the tables of every file of the
// chain merged into one tree whose values still point at the TOML node (file, line,
// column) where they were written, and a reader that records the keys a section
// knows, converts values to domain types and collects every problem as a
// diagnostic instead of stopping at the first (engineering.md, "Input and errors").
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/calendar.hpp"
#include "models/demand.hpp"
#include "models/money.hpp"
#include "sim/engine_limits.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::scenario_detail {

// The position of a value that has none (a default, an empty table).
const toml::source_region& no_source();

// Collects diagnostics; positions come from toml++ source regions.
class DiagnosticList {
 public:
  void add(const toml::source_region& where, std::string key_path, std::string message);
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::vector<Diagnostic>& items() { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

struct MergedTable;

// One key of a merged table. A standard [table] merges key by key across files;
// any other value (number, string, date, array, inline table) is one value that
// the most derived file replaces whole.
struct MergedEntry {
  const toml::key* key = nullptr;      // as written by the file that set the current value
  int rank = 0;                        // that file: 0 = root-most ancestor, larger = more derived
  const toml::node* value = nullptr;   // the value as written; null for a standard table
  std::unique_ptr<MergedTable> table;  // standard table, merged across files
  // Where the key first appeared (root-most file first, then by line): the order
  // of regions and coverage rules, which TOML tables themselves do not keep.
  int first_rank = 0;
  std::uint32_t first_line = 0, first_column = 0;
  // Set while reading when an inherited value gives way to a more derived
  // choice (an alternative key, a switch that makes it irrelevant): the
  // resolved TOML leaves it out, so that it loads back as one file.
  mutable bool superseded = false;
  const toml::source_region& where() const;  // the key's position, for diagnostics
};

struct MergedTable {
  const toml::node* origin = nullptr;  // first definition (root-most file)
  const toml::node* latest = nullptr;  // most derived definition: where "missing key" messages point
  int rank = 0;
  std::map<std::string, MergedEntry, std::less<>> entries;
  // Entries in order of first appearance.
  std::vector<const std::pair<const std::string, MergedEntry>*> ordered() const;
};

// The most derived file that wrote the entry: for a standard table, which
// files merge key by key, the last to write anything in it.
int latest_rank(const MergedEntry& entry);

// Merges `layer` (a table written in the file of rank `rank`) over `into`.
void merge_layer(MergedTable& into, const toml::table& layer, int rank,
                 const std::set<std::string, std::less<>>& skip_keys = {});

// Serializes a merged table as TOML, keys in order of first appearance.
std::string to_toml(const MergedTable& table, const std::string& prefix = "");
std::string toml_value_text(const toml::node& node);
std::string toml_key_text(std::string_view key);
std::string toml_string_text(const std::string& text);  // a basic string, "…", escaped

// Shortest text that reads back as the same double ("0.95", "1e-10").
std::string format_number(double value);
std::string type_name(const toml::node& node);
// Edit distance with transpositions (optimal string alignment), for did-you-mean.
int edit_distance(std::string_view a, std::string_view b);
// The closest candidate if it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

struct ReadContext {
  DiagnosticList diagnostics;
  DiagnosticList warnings;  // likely slips that still load (Scenario::warnings)
};

// Conversions of one value node; each reports its own problem under `key_path`
// and returns nullopt. Money and rates are exact (Cents, basis points).
std::optional<double> read_number(const toml::node& node, const std::string& key_path, ReadContext& ctx);
std::optional<std::int64_t> read_integer(const toml::node& node, const std::string& key_path,
                                         ReadContext& ctx);
std::optional<std::string> read_string(const toml::node& node, const std::string& key_path, ReadContext& ctx);
std::optional<Cents> read_money(const toml::node& node, const std::string& key_path, ReadContext& ctx);
std::optional<Rate> read_rate(const toml::node& node, const std::string& key_path, ReadContext& ctx);
std::optional<Date> read_date(const toml::node& node, const std::string& key_path, ReadContext& ctx);

// A range check that reports "must be ≥ 0, found -5"-style messages.
struct Bounds {
  std::optional<double> min, max;
  bool min_open = false, max_open = false;
  bool contains(double v) const;
  std::string describe() const;  // "in [0, 1]", "≥ 0", "in (0, 1)"
  static Bounds at_least(double m) { return {m, std::nullopt, false, false}; }
  static Bounds above(double m) { return {m, std::nullopt, true, false}; }
  static Bounds closed(double a, double b) { return {a, b, false, false}; }
  static Bounds unit() { return closed(0, 1); }
};

// A stated mean amount in euros (a cost per trainee, an FNE share): positive,
// and within the engine's limit (sim/engine_limits.hpp).
inline const Bounds mean_amount_bounds{0.0, limits::max_mean_amount_eur, true, false};

// Relative weights (≥ 0) divided by their sum; false, and left as they are,
// when they are all 0. Scaled by the largest first only when the sum overflows
// (1e308 twice would make every weight 0), so that ordinary weights keep the
// bits of weight / sum.
template <typename Weights>
bool normalise_relative(Weights& weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  if (!(sum > 0)) return false;
  if (!std::isfinite(sum)) {
    const double largest = *std::max_element(std::begin(weights), std::end(weights));
    sum = 0;
    for (double& w : weights) sum += w /= largest;
  }
  for (double& w : weights) w /= sum;
  return true;
}

// Reads one table: records the keys asked for, so that finish() reports the
// others as unknown with a did-you-mean.
class TableReader {
 public:
  TableReader(const MergedTable& table, std::string path, ReadContext& ctx);
  // A reader over an inline table value (e.g. `mean_eur = { ... }`).
  static TableReader over_inline(const toml::table& table, int rank, std::string path, ReadContext& ctx);

  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  ReadContext& context() { return *ctx_; }
  const MergedTable& table() const { return *table_; }
  const toml::source_region& where() const;  // the table's own position
  // Where `key` was written, or the table's position when it was not.
  const toml::source_region& where_of(std::string_view key) const;

  // Marks `key` known; null when absent.
  const MergedEntry* entry(std::string_view key);
  bool has(std::string_view key) { return entry(key) != nullptr; }
  // The most derived file that wrote `key` (in it, for a table: latest_rank); -1 when absent.
  int rank_of(std::string_view key);

  // Typed getters: nullopt when absent (and, if `required`, a diagnostic) or invalid.
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<double> number(std::string_view key, Bounds bounds, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false);
  std::optional<Cents> money(std::string_view key, bool required = false);
  std::optional<Rate> rate(std::string_view key, bool required = false);
  std::optional<Date> date(std::string_view key, bool required = false);
  // `[min, max]`: two integers with lo ≤ min ≤ max ≤ hi.
  std::optional<DayRange> day_range(std::string_view key, int lo, int hi, bool required = false);
  // One of `choices`, with a did-you-mean.
  std::optional<std::size_t> choice(std::string_view key, const std::vector<std::string_view>& choices,
                                    bool required = false);
  template <std::size_t N>
  std::optional<std::size_t> choice(std::string_view key, const std::array<std::string_view, N>& choices,
                                    bool required = false) {
    return choice(key, std::vector<std::string_view>(choices.begin(), choices.end()), required);
  }
  // A standard or inline sub-table; nullopt (with a type diagnostic) when another type.
  std::optional<TableReader> table(std::string_view key, bool required = false);

  // Diagnostics at a key (its position) or at this table.
  void error(std::string_view key, std::string message);
  void error_here(std::string message);
  void missing(std::string_view key);
  // A value that loads but is very likely a slip: a warning at the key, not an
  // error; its message starts "warning: ".
  void warn(std::string_view key, std::string message);

  // Reports every key not asked for. `noun` names what the keys are ("key",
  // "region", "section"); extra candidates widen the did-you-mean.
  void finish(std::string_view noun = "key", const std::vector<std::string>& candidates = {});
  // Marks every present key known (tables whose keys are data, e.g. region codes).
  std::vector<std::string> keys_in_order() const;

 private:
  const MergedTable* table_;
  std::shared_ptr<MergedTable> owned_;  // for inline tables
  std::string path_;
  ReadContext* ctx_;
  std::set<std::string, std::less<>> known_;
};

// Among alternative ways of writing one setting (e.g. `sigma` or `cv`), the one
// written in the most derived file wins; two written in the same file is an error.
// Returns the index of the chosen key, or nullopt when none is present.
std::optional<std::size_t> pick_alternative(TableReader& reader, const std::vector<std::string_view>& keys);

// A key that only applies with another setting: an error when written in a file at
// least as derived as the setting that makes it irrelevant; silently ignored when
// merely inherited from an ancestor that had another setting.
void reject_if_written(TableReader& reader, std::string_view key, std::string_view switch_key,
                       const std::string& why);

}  // namespace fnesim::scenario_detail
