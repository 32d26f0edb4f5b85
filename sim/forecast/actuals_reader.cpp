// Reading and validating an actuals file (docs/actuals-format.md): every
// problem of every row is collected and reported at once, as
// `file:line:column: name: message`. One file of about 640 lines on purpose:
// it is one class, whose header, dossier-row and monthly-row readers share the
// column map, the duplicate registers and the diagnostics; split, they would
// need that state exposed in a header.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_map>

#include "models/categories.hpp"
#include "models/coverage.hpp"
#include "models/demand.hpp"
#include "sim/errors.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/utf8.hpp"

namespace fnesim {

namespace {

using scenario_detail::closest_match;

// The pathway value of a DIAG GPEC COVID-19 dossier (art. 3), beside the four pathways.
constexpr std::string_view diagnostic_key = "diagnostic";
constexpr std::string_view national_key = "national";
constexpr std::int64_t max_trainees = 100'000;  // as the scenario's trainee counts

struct Column {
  std::string_view name;
  bool required;
};
// Dossier layout: `headcount` or `size` (or both) are required too.
constexpr std::array<Column, 11> dossier_columns = {{{"dossier_id", false},
                                                     {"filing_date", true},
                                                     {"region", true},
                                                     {"headcount", false},
                                                     {"size", false},
                                                     {"status", true},
                                                     {"pathway", true},
                                                     {"trainees", true},
                                                     {"committed_eur", true},
                                                     {"end_date", false},
                                                     {"realised_eur", false}}};
constexpr std::array<Column, 5> monthly_columns = {
    {{"month", true}, {"region", true}, {"dossiers", true}, {"trainees", true}, {"committed_eur", true}}};

// A field as a message quotes it: its first 60 bytes (at a character's start)
// and how long it was, so that a megabyte of garbage is not echoed whole.
std::string quote(std::string_view text) {
  constexpr std::size_t shown = 60;
  std::string out = "'";
  if (text.size() <= shown) {
    out += text;
    out += '\'';
    return out;
  }
  std::size_t cut = shown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;  // not inside a UTF-8 character
  out += text.substr(0, cut);
  out += "…' (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote inside);
// false for an unterminated quote.
bool split_fields(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool in_quotes = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"' && trim(field).empty()) {
      in_quotes = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      fields.emplace_back(was_quoted ? field : std::string(trim(field)));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (in_quotes) return false;
  fields.emplace_back(was_quoted ? field : std::string(trim(field)));
  return true;
}

std::optional<std::int64_t> parse_whole(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "YYYY-MM": the first day of that month.
std::optional<Date> parse_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  const auto year = parse_whole(text.substr(0, 4));
  const auto month = parse_whole(text.substr(5, 2));
  if (!year || !month || *month < 1 || *month > 12) return std::nullopt;
  return Date::from_ymd(static_cast<int>(*year), static_cast<int>(*month), 1);
}

template <std::size_t N>
std::vector<std::string> as_strings(const std::array<std::string_view, N>& keys) {
  return {keys.begin(), keys.end()};
}

std::string list_of(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

// Two names alike but for case and the accents of French names ("Ile-de-France", "île-de-france").
bool same_name(std::string_view a, std::string_view b) {
  const auto fold = [](std::string_view text) {
    static const std::pair<std::string_view, char> accented[] = {
        {"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"ç", 'c'}, {"é", 'e'}, {"è", 'e'}, {"ê", 'e'}, {"ë", 'e'},
        {"î", 'i'}, {"ï", 'i'}, {"ô", 'o'}, {"ö", 'o'}, {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"À", 'a'},
        {"Â", 'a'}, {"Ç", 'c'}, {"É", 'e'}, {"È", 'e'}, {"Ê", 'e'}, {"Î", 'i'}, {"Ô", 'o'}, {"Û", 'u'}};
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
      bool replaced = false;
      for (const auto& [from, to] : accented)
        if (text.substr(i).starts_with(from)) {
          out += to;
          i += from.size();
          replaced = true;
          break;
        }
      if (!replaced) out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    }
    return out;
  };
  return fold(a) == fold(b);
}

// "unknown region 'IDX'; did you mean 'IDF'?" or "…; expected one of A, B".
std::string unknown_value(std::string_view noun, std::string_view value,
                          const std::vector<std::string>& known) {
  std::string message = "unknown ";
  message += noun;
  message += ' ';
  message += quote(value);
  const std::string suggestion = closest_match(value, known);
  if (!suggestion.empty()) {
    message += "; did you mean ";
    message += quote(suggestion);
    message += '?';
  } else {
    message += "; expected one of ";
    message += list_of(known);
  }
  return message;
}

class Reader {
 public:
  Reader(const std::string& file, const Scenario& scenario) : file_(file), scenario_(scenario) {
    for (const Region& r : scenario.convention.regions) region_codes_.push_back(r.code);
  }

  Actuals read(std::string_view text);

 private:
  // One data row: its fields (in header order) and whether a problem was found in it.
  struct Row {
    int line = 0;
    const std::vector<std::string>* fields = nullptr;
    bool ok = true;
  };

  // `column` names a column of the header (its position, from 1, is then
  // given too), or is `header`/`row` for the line as a whole.
  void error(int line, std::string_view column, std::string message, int position = 0) {
    if (const auto it = columns_.find(std::string(column)); position == 0 && it != columns_.end())
      position = static_cast<int>(it->second) + 1;
    diagnostics_.push_back({file_, line, position, std::string(column), std::move(message)});
  }
  void row_error(Row& row, std::string_view column, std::string message) {
    row.ok = false;
    error(row.line, column, std::move(message));
  }
  bool has_column(std::string_view name) const { return columns_.contains(std::string(name)); }
  // The field's text; empty when the column is absent or the field is empty.
  std::string_view field(const Row& row, std::string_view column) const {
    const auto it = columns_.find(std::string(column));
    return it == columns_.end() ? std::string_view{} : std::string_view((*row.fields)[it->second]);
  }
  // False, with "missing value", when the field is empty.
  bool present(Row& row, std::string_view column) {
    if (!field(row, column).empty()) return true;
    row_error(row, column, "missing value");
    return false;
  }

  bool read_header(int line, const std::vector<std::string>& names);
  void warn_if_implausible_amounts(int header_line);
  void warn_if_few_trainees(int header_line);
  // Whether a rule of the convention in force some day of `month` funds a share of a dossier's costs.
  bool month_funds_some_cost(Date month) const;
  void warn_of_repeated_rows();
  void check_cost_per_trainee(const Row& row, const ActualDossier& d, Pathway pathway);
  void read_dossier(Row& row);
  void read_month(Row& row);
  // Each reads one non-empty field into `value` and reports a problem with
  // it; they return whether `value` was set. (Out-parameters rather than
  // std::optional: GCC 12 warns about optionals set on some paths only.)
  bool read_date(Row& row, std::string_view column, Date& value);
  bool read_amount(Row& row, std::string_view column, bool positive, Cents& value);
  bool read_count(Row& row, std::string_view column, std::int64_t min, std::int64_t max, std::int64_t& value);
  bool read_region(Row& row, bool national_allowed, int& value);
  template <typename Enum, std::size_t N>
  bool read_category(Row& row, std::string_view column, std::string_view noun,
                     const std::array<std::string_view, N>& keys, Enum& value);

  std::string file_;
  const Scenario& scenario_;
  std::vector<std::string> region_codes_;
  std::vector<Diagnostic> diagnostics_;
  std::map<std::string, std::size_t> columns_;
  // The header has a problem but every column a row needs: its rows are read
  // too, so that their problems are said with the header's, all at once.
  bool rows_readable_ = false;
  Actuals actuals_;
  std::map<std::string, int> dossier_id_lines_;
  // A dossier row's text → its first line; views into the text being read,
  // which outlives the reading (a copy of a 256 MiB file's rows would double it).
  std::unordered_map<std::string_view, int> row_lines_;
  std::vector<std::pair<int, int>> repeated_rows_;           // (line, the earlier line it repeats)
  std::vector<Diagnostic> implausible_costs_;                // rows whose cost per trainee is beyond belief
  std::map<std::pair<std::int32_t, int>, int> month_lines_;  // (month, region) → line
  int first_row_line_ = 0;
  bool first_row_national_ = false;
};

bool Reader::read_header(int line, const std::vector<std::string>& names) {
  // A spreadsheet set to French conventions saves "CSV" with ';' between
  // fields (the comma being the decimal mark): the header is then one field.
  if (names.size() == 1) {
    for (const auto& [separator, name] : {std::pair{';', "semicolon"}, std::pair{'\t', "tab"}}) {
      if (names[0].find(separator) == std::string::npos) continue;
      error(line, "header",
            std::string("is one column: the file looks ") + name +
                "-separated (as a spreadsheet with French settings saves CSV); fnesim reads comma-separated "
                "values with '.' as the decimal mark — save as \"CSV UTF-8 (comma delimited)\" or convert the "
                "separators");
      return false;
    }
  }
  const bool dossiers = std::find(names.begin(), names.end(), "filing_date") != names.end();
  const bool monthly = std::find(names.begin(), names.end(), "month") != names.end();
  if (dossiers == monthly) {
    std::string message =
        dossiers ? "has both 'filing_date' (dossiers) and 'month' (monthly aggregates): give one layout"
                 : "cannot tell the layout: the header needs 'filing_date' (one row per dossier) or "
                   "'month' (monthly aggregates)";
    // "Month", "Filing_Date" (a spreadsheet's capitals) or "filing_dat": the
    // did-you-mean the other columns get, which ignores case.
    for (std::size_t i = 0; i < names.size() && !dossiers; ++i)
      if (const std::string meant = closest_match(names[i], {"filing_date", "month"}); !meant.empty()) {
        message += "; column " + std::to_string(i + 1) + ", " + quote(names[i]) + ", would be " +
                   quote(meant) + " (column names are in lower case)";
        break;
      }
    error(line, "header", message);
    return false;
  }
  actuals_.layout = dossiers ? ActualsLayout::Dossiers : ActualsLayout::Monthly;
  std::vector<std::string> known;
  if (dossiers) {
    for (const Column& c : dossier_columns) known.emplace_back(c.name);
  } else {
    for (const Column& c : monthly_columns) known.emplace_back(c.name);
  }
  bool ok = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (name.empty()) {
      error(line, "header", "column " + std::to_string(i + 1) + " has no name", static_cast<int>(i) + 1);
      ok = false;
    } else if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message = unknown_value("column", name, known);
      error(line, name, message, static_cast<int>(i) + 1);
      ok = false;
    } else if (!columns_.emplace(name, i).second) {
      error(line, name, "appears twice in the header", static_cast<int>(i) + 1);
      ok = false;
    }
  }
  bool missing = false;
  auto require = [&](std::string_view name) {
    if (has_column(name)) return;
    missing = true;
    std::string message = "missing column (the ";
    message += dossiers ? "dossier" : "monthly";
    message += " layout needs ";
    std::vector<std::string> needed;
    if (dossiers) {
      for (const Column& c : dossier_columns)
        if (c.required) needed.emplace_back(c.name);
      needed.emplace_back("headcount or size");
    } else {
      for (const Column& c : monthly_columns) needed.emplace_back(c.name);
    }
    message += list_of(needed);
    message += ')';
    error(line, name, message);
    ok = false;
  };
  if (dossiers) {
    for (const Column& c : dossier_columns)
      if (c.required) require(c.name);
    if (!has_column("headcount") && !has_column("size")) require("headcount");
    if (has_column("end_date") != has_column("realised_eur"))
      require(has_column("end_date") ? "realised_eur" : "end_date");
  } else {
    for (const Column& c : monthly_columns) require(c.name);
  }
  // An unknown, unnamed or repeated column leaves the others readable (the
  // first of a repeated one is read); a missing one would make every row's
  // problem "missing value".
  rows_readable_ = !missing;
  return ok;
}

bool Reader::read_date(Row& row, std::string_view column, Date& value) {
  const std::string_view text = field(row, column);
  const auto date = Date::parse(text);
  if (!date) {
    row_error(row, column, "expected a date YYYY-MM-DD, found " + quote(text));
    return false;
  }
  value = *date;
  return true;
}

bool Reader::read_amount(Row& row, std::string_view column, bool positive, Cents& value) {
  const std::string_view text = field(row, column);
  const auto amount = parse_euros(text);
  if (!amount) {
    // "1,234.56" has its comma for thousands; "1234,56" for the decimals.
    const std::size_t comma = text.find(','), dot = text.find('.');
    const char* hint = comma == std::string_view::npos ? ""
                       : dot != std::string_view::npos && comma < dot
                           ? " (no thousands separator: 1234567.89, not 1,234,567.89)"
                           : " (the decimal mark is '.', not ',')";
    row_error(row, column,
              "expected an amount in EUR: digits, a dot and at most two decimals (1234.56), found " +
                  quote(text) + hint);
    return false;
  }
  if (!is_valid_amount(*amount)) {
    row_error(row, column, "more than " + format_euros(max_amount) + " EUR, the most any amount may be");
    return false;
  }
  if (positive && *amount == 0) {
    row_error(row, column, "must be more than 0");
    return false;
  }
  value = *amount;
  return true;
}

bool Reader::read_count(Row& row, std::string_view column, std::int64_t min, std::int64_t max,
                        std::int64_t& value) {
  const std::string_view text = field(row, column);
  const auto count = parse_whole(text);
  if (!count || *count < min || *count > max) {
    std::string message = "expected a whole number ";
    if (max == std::numeric_limits<std::int64_t>::max()) {
      message += "≥ ";
      message += std::to_string(min);
    } else {
      message += "from ";
      message += std::to_string(min);
      message += " to ";
      message += std::to_string(max);
    }
    message += ", found ";
    message += quote(text);
    row_error(row, column, message);
    return false;
  }
  value = *count;
  return true;
}

bool Reader::read_region(Row& row, bool national_allowed, int& value) {
  if (!present(row, "region")) return false;
  const std::string_view text = field(row, "region");
  if (text == national_key) {
    if (national_allowed) {
      value = national_region;
      return true;
    }
    row_error(row, "region", "'national' is for monthly aggregates: a dossier belongs to one region");
    return false;
  }
  const auto it = std::find(region_codes_.begin(), region_codes_.end(), text);
  if (it != region_codes_.end()) {
    value = static_cast<int>(it - region_codes_.begin());
    return true;
  }
  // A region's name, as fnesim's own tables print it, for its code.
  const auto& regions = scenario_.convention.regions;
  const auto named =
      std::find_if(regions.begin(), regions.end(), [&](const Region& r) { return same_name(r.name, text); });
  if (named != regions.end()) {
    row_error(
        row, "region",
        quote(text) + " is the name of region " + named->code + ": give its code, " + quote(named->code));
    return false;
  }
  std::vector<std::string> known = region_codes_;
  if (national_allowed) known.emplace_back(national_key);
  row_error(row, "region", unknown_value("region", text, known));
  return false;
}

template <typename Enum, std::size_t N>
bool Reader::read_category(Row& row, std::string_view column, std::string_view noun,
                           const std::array<std::string_view, N>& keys, Enum& value) {
  const std::string_view text = field(row, column);
  const auto category = parse_category<Enum>(text, keys);
  if (!category) {
    row_error(row, column, unknown_value(noun, text, as_strings(keys)));
    return false;
  }
  value = *category;
  return true;
}

// Rows before the commitment start are the carry-over of the year before
// (art. 7): a date earlier than that year is a mistake, not a carry-over.
Date earliest_carryover(const Convention& conv) {
  return add_months(first_of_month(conv.commitment_start), -12);
}

std::string too_early(const std::string& when, const Convention& conv) {
  return when + " is more than a year before the commitment start (" + conv.commitment_start.iso() +
         "): not the carry-over of the year before";
}

void Reader::read_dossier(Row& row) {
  const Convention& conv = scenario_.convention;
  ActualDossier d;
  const bool has_filing = present(row, "filing_date") && read_date(row, "filing_date", d.filing_date);
  if (has_filing && d.filing_date > conv.commitment_end) {
    std::string message = d.filing_date.iso();
    message += " is after the commitment end (";
    message += conv.commitment_end.iso();
    message += ')';
    row_error(row, "filing_date", message);
  }
  if (has_filing && d.filing_date < earliest_carryover(conv))
    row_error(row, "filing_date", too_early(d.filing_date.iso(), conv));
  d.carryover = has_filing && d.filing_date < conv.commitment_start;
  read_region(row, false, d.region);

  const std::string_view pathway_text = field(row, "pathway");
  d.diagnostic = pathway_text == diagnostic_key;
  // The carry-over's attributes are not used, and a diagnostic has no
  // trainees or pathway: their attributes are checked only when given. So
  // are a row's whose filing date cannot be read: it may be a carry-over.
  const bool training = has_filing && !d.carryover && !d.diagnostic;
  Pathway pathway{};
  bool has_pathway = false;
  if (!pathway_text.empty() && !d.diagnostic) {
    std::vector<std::string> known = as_strings(pathway_keys);
    known.emplace_back(diagnostic_key);
    if (const auto p = parse_category<Pathway>(pathway_text, pathway_keys)) {
      pathway = *p;
      has_pathway = true;
    } else {
      row_error(row, "pathway", unknown_value("pathway", pathway_text, known));
    }
  } else if (training) {
    present(row, "pathway");
  }

  std::int64_t headcount = 0;
  const bool has_headcount = !field(row, "headcount").empty() &&
                             read_count(row, "headcount", 1, size_class_max_headcount.back(), headcount);
  SizeClass size{};
  bool has_size =
      !field(row, "size").empty() && read_category(row, "size", "size class", size_class_keys, size);
  if (has_headcount && has_size && size_class_of_headcount(headcount) != size) {
    std::string message = quote(key_of(size));
    message += " does not match headcount ";
    message += std::to_string(headcount);
    message += " (";
    message += key_of(size_class_of_headcount(headcount));
    message += ')';
    row_error(row, "size", message);
  }
  if (has_headcount && !has_size) {
    size = size_class_of_headcount(headcount);
    has_size = true;
  }
  if (training && field(row, "headcount").empty() && field(row, "size").empty())
    row_error(row, has_column("headcount") ? "headcount" : "size",
              has_column("headcount") && has_column("size") ? "missing value (give headcount or size)"
                                                            : "missing value");

  Status status{};
  bool has_status = false;
  if (!field(row, "status").empty())
    has_status = read_category(row, "status", "status", status_keys, status);
  else if (training)
    present(row, "status");

  if (training) {
    if (present(row, "trainees")) read_count(row, "trainees", 1, max_trainees, d.trainees);
  } else if (!field(row, "trainees").empty()) {
    std::int64_t trainees = 0;
    if (read_count(row, "trainees", 0, max_trainees, trainees)) {
      if (trainees > 0 && d.diagnostic)
        row_error(row, "trainees", "a diagnostic has no trainees, found " + std::to_string(trainees));
      else
        d.trainees = trainees;
    }
  }
  // A training dossier may have been committed for nothing when the
  // scenario's rules fund none of its costs (checked with its rule, below).
  const bool has_committed =
      present(row, "committed_eur") && read_amount(row, "committed_eur", !training, d.committed);

  const std::string_view end_text = field(row, "end_date"), realised_text = field(row, "realised_eur");
  if (!end_text.empty() || !realised_text.empty()) {
    if (end_text.empty()) row_error(row, "end_date", "missing value (realised_eur is given)");
    if (realised_text.empty()) row_error(row, "realised_eur", "missing value (end_date is given)");
  }
  Date end_date;
  if (!end_text.empty() && read_date(row, "end_date", end_date)) {
    d.end_date = end_date;
    if (has_filing && end_date < d.filing_date) {
      std::string message = end_date.iso();
      message += " is before filing_date ";
      message += d.filing_date.iso();
      row_error(row, "end_date", message);
    }
  }
  Cents realised = 0;
  if (!realised_text.empty() && read_amount(row, "realised_eur", false, realised)) {
    d.realised = realised;
    if (has_committed && realised > d.committed) {
      std::string message = format_euros(realised);
      message += " exceeds committed_eur ";
      message += format_euros(d.committed);
      row_error(row, "realised_eur", message);
    }
  }

  // A 2021 training dossier must be one the scenario's rules could commit.
  if (training && row.ok && has_size && has_status && has_pathway) {
    d.headcount =
        has_headcount ? headcount : scenario_.demand.representative_headcount[static_cast<int>(size)];
    const CoverageRule* rule =
        find_rule_or_null(scenario_.coverage, Regime::Convention, status, d.headcount, d.filing_date);
    if (rule == nullptr) {
      std::string message = "no coverage rule of the scenario covers ";
      message += quote(key_of(status));
      message += " at ";
      if (has_headcount) {
        message += "headcount ";
        message += std::to_string(headcount);
      } else {
        message += "size ";
        message += key_of(size);
        message += " (representative headcount ";
        message += std::to_string(d.headcount);
        message += ')';
      }
      message += " on ";
      message += d.filing_date.iso();
      message += ": it could not have been committed";
      row_error(row, "status", message);
    } else if (has_committed && d.committed == 0 && rule_funds_some_cost(scenario_, *rule)) {
      row_error(row, "committed_eur",
                "must be more than 0: the scenario's rule " + rule->id +
                    " funds a share of such a dossier's costs");
    }
    d.cell = mix_cell(size, status, pathway);
    if (row.ok && has_committed) check_cost_per_trainee(row, d, pathway);
  }

  if (has_column("dossier_id") && present(row, "dossier_id")) {
    const std::string id(field(row, "dossier_id"));
    if (const auto [it, inserted] = dossier_id_lines_.emplace(id, row.line); !inserted)
      row_error(row, "dossier_id", quote(id) + " already on line " + std::to_string(it->second));
  }
  if (row.ok) actuals_.dossiers.push_back(d);
}

bool Reader::month_funds_some_cost(Date month) const {
  const Date last = month.plus_days(days_in_month(month.year(), month.month()) - 1);
  return std::any_of(
      scenario_.coverage.rules.begin(), scenario_.coverage.rules.end(), [&](const CoverageRule& rule) {
        return rule.regime == Regime::Convention && (!rule.valid_from || *rule.valid_from <= last) &&
               (!rule.valid_until || *rule.valid_until >= month) && rule_funds_some_cost(scenario_, rule);
      });
}

void Reader::read_month(Row& row) {
  const Convention& conv = scenario_.convention;
  MonthlyActual m;
  bool has_month = false;
  if (present(row, "month")) {
    const std::string_view text = field(row, "month");
    if (const auto month = parse_month(text)) {
      m.month = *month;
      has_month = true;
      if (m.month > conv.commitment_end) {
        std::string message = m.month.year_month();
        message += " is after the commitment end (";
        message += conv.commitment_end.iso();
        message += ')';
        row_error(row, "month", message);
      } else if (m.month < earliest_carryover(conv)) {
        row_error(row, "month", too_early(m.month.year_month(), conv));
      }
    } else {
      row_error(row, "month", "expected a month YYYY-MM, found " + quote(text));
    }
  }
  const bool has_region = read_region(row, true, m.region);
  // A month's dossiers at most what the engine takes in a year (2021 had about a thousand a month), each
  // with at most max_trainees: beyond, not actuals, and the learning's sums would overflow.
  constexpr auto max_monthly_dossiers = static_cast<std::int64_t>(limits::max_expected_dossiers);
  const bool has_dossiers =
      present(row, "dossiers") && read_count(row, "dossiers", 0, max_monthly_dossiers, m.dossiers);
  const bool has_trainees = present(row, "trainees") &&
                            read_count(row, "trainees", 0, max_monthly_dossiers * max_trainees, m.trainees);
  const bool has_committed =
      present(row, "committed_eur") && read_amount(row, "committed_eur", false, m.committed);
  if (has_dossiers && m.dossiers == 0 &&
      ((has_committed && m.committed > 0) || (has_trainees && m.trainees > 0)))
    row_error(row, "dossiers", "0 dossiers, but trainees or an amount committed");
  else if (has_dossiers && has_committed && m.dossiers > 0 && m.committed == 0 &&
           month_funds_some_cost(m.month))
    // Dossiers committed for nothing come only of rules that fund no cost: a
    // blank typed as 0, or the wrong column, where the scenario's fund some.
    row_error(row, "committed_eur",
              "0.00 for " + std::to_string(m.dossiers) +
                  " dossiers, where the scenario's rules fund a share of a dossier's costs");
  else if (has_dossiers && has_trainees && m.trainees > m.dossiers * max_trainees)
    row_error(row, "trainees",
              std::to_string(m.trainees) + " for " + std::to_string(m.dossiers) + " dossiers: more than " +
                  std::to_string(max_trainees) + " a dossier");

  if (has_region) {
    const bool national = m.region == national_region;
    if (first_row_line_ == 0) {
      first_row_line_ = row.line;
      first_row_national_ = national;
    } else if (national != first_row_national_) {
      std::string message = national ? "a national row among regional rows (line "
                                     : "a regional row among national rows (line ";
      message += std::to_string(first_row_line_);
      message += "): give national rows or regional rows, not both";
      row_error(row, "region", message);
    }
    if (has_month) {
      const auto [it, inserted] = month_lines_.emplace(std::pair{m.month.day_number(), m.region}, row.line);
      if (!inserted) {
        std::string message =
            national ? std::string(national_key) : region_codes_[static_cast<std::size_t>(m.region)];
        message += " for ";
        message += m.month.year_month();
        message += " already on line ";
        message += std::to_string(it->second);
        row_error(row, "region", message);
      }
    }
  }
  if (row.ok) actuals_.months.push_back(m);
}

Actuals Reader::read(std::string_view text) {
  actuals_.file = file_;
  actuals_.content = std::string(text);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark (spreadsheets)
  // Lines ended by CR alone (old Mac spreadsheets): the whole file would be one
  // header line of thousands of unknown columns.
  // (A CR inside the first line: a last line ended by CRLF does not make the others LF.)
  const std::size_t first_cr = text.find('\r'), first_lf = text.find('\n');
  if (first_cr != std::string_view::npos && (first_lf == std::string_view::npos || first_cr + 1 < first_lf)) {
    error(1, "row",
          "the lines end with a carriage return alone (CR, an old Mac format): save the file with "
          "LF or CRLF line ends");
    throw ActualsError(std::move(diagnostics_));
  }

  int line_number = 0;
  int lines_not_utf8 = 0, second_line_not_utf8 = 0;
  int header_line = 0;
  bool header_ok = false;
  std::size_t header_size = 0;
  std::vector<std::string> fields;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;  // blank lines and comments
    // Said for the first such line, rather than each field's bytes echoed in
    // a message; the others counted (a file saved in Latin-1 has many).
    if (const std::size_t bad = first_invalid_utf8(line); bad != std::string_view::npos) {
      if (header_line == 0) header_line = line_number;  // the header, unread: no row can be read
      if (++lines_not_utf8 == 2) second_line_not_utf8 = line_number;
      if (lines_not_utf8 > 1) continue;
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(line[bad])));
      error(
          line_number, "row",
          std::string("is not UTF-8 text (byte ") + byte + " at byte " + std::to_string(bad + 1) +
              "; Latin-1 or Windows-1252, perhaps): save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")");
      continue;
    }
    const bool split = split_fields(content, fields);
    if (!split) error(line_number, "row", "a quoted field is not closed");
    if (header_line == 0) {
      header_line = line_number;
      header_ok = split && read_header(line_number, fields);
      header_size = fields.size();
      continue;
    }
    if (!split) continue;
    if (!header_ok && !rows_readable_) continue;
    // A spreadsheet saves its empty rows as ",,,,": blank lines.
    if (std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trim(f).empty(); }))
      continue;
    if (fields.size() != header_size) {
      error(line_number, "row",
            "has " + std::to_string(fields.size()) + " fields, the header " + std::to_string(header_size));
      continue;
    }
    Row row{line_number, &fields, true};
    if (actuals_.layout == ActualsLayout::Dossiers) {
      const std::size_t read_before = actuals_.dossiers.size();
      read_dossier(row);
      // Without dossier ids, a block pasted twice is told only by training
      // dossiers equal field for field (diagnostics and the carry-over have
      // flat amounts: alike by nature).
      const bool training = actuals_.dossiers.size() > read_before && !actuals_.dossiers.back().carryover &&
                            !actuals_.dossiers.back().diagnostic;
      if (training && field(row, "dossier_id").empty())
        if (const auto [it, inserted] = row_lines_.emplace(content, line_number); !inserted)
          repeated_rows_.emplace_back(line_number, it->second);
    } else {
      read_month(row);
    }
  }
  if (lines_not_utf8 > 1)
    error(second_line_not_utf8, "row",
          "is not UTF-8 text either" +
              (lines_not_utf8 == 3  ? std::string(", nor is 1 line after it")
               : lines_not_utf8 > 3 ? ", nor are " + std::to_string(lines_not_utf8 - 2) + " lines after it"
                                    : std::string()));
  if (header_line == 0) {
    error(0, "", "no header: the file is empty");
  } else if (header_ok && diagnostics_.empty() && actuals_.dossiers.empty() && actuals_.months.empty()) {
    error(header_line, "header", "no data rows follow");
  }
  if (!diagnostics_.empty()) {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    throw ActualsError(std::move(diagnostics_));
  }

  actuals_.national = actuals_.layout == ActualsLayout::Monthly && first_row_national_;
  Date latest = actuals_.layout == ActualsLayout::Dossiers ? actuals_.dossiers.front().filing_date
                                                           : actuals_.months.front().month;
  for (const ActualDossier& d : actuals_.dossiers) latest = std::max(latest, d.filing_date);
  for (const MonthlyActual& m : actuals_.months) latest = std::max(latest, m.month);
  actuals_.last_day = last_of_month(latest);
  warn_if_implausible_amounts(header_line);
  warn_if_few_trainees(header_line);
  warn_of_repeated_rows();
  constexpr std::size_t rows_named = 5;
  for (std::size_t i = 0; i < implausible_costs_.size() && i < rows_named; ++i)
    actuals_.warnings.push_back(implausible_costs_[i]);
  if (implausible_costs_.size() > rows_named) {
    Diagnostic more = implausible_costs_[rows_named];
    more.message = "warning: and " + std::to_string(implausible_costs_.size() - rows_named) +
                   " more rows whose cost per trainee is as far beyond the scenario's";
    actuals_.warnings.push_back(std::move(more));
  }
  return std::move(actuals_);
}

// Rows equal field for field in a file without dossier ids: a block pasted
// twice reads as dossiers filed twice, and the forecast follows them. Two
// real dossiers alike to the cent, in every attribute and on the same day,
// are rare; said, not refused.
void Reader::warn_of_repeated_rows() {
  if (repeated_rows_.empty()) return;
  std::string lines;
  constexpr std::size_t rows_named = 5;
  for (std::size_t i = 0; i < repeated_rows_.size() && i < rows_named; ++i)
    lines += (i ? ", " : "") + std::to_string(repeated_rows_[i].first) + " (as " +
             std::to_string(repeated_rows_[i].second) + ")";
  if (repeated_rows_.size() > rows_named) lines += ", …";
  const std::size_t n = repeated_rows_.size();
  actuals_.warnings.push_back(
      {file_, repeated_rows_.front().first, 0, "row",
       "warning: " + std::to_string(n) + (n == 1 ? " row repeats" : " rows repeat") +
           " an earlier one field for field, with no dossier_id to tell them apart (line " + lines +
           "): pasted twice? Each is read as a dossier of its own"});
}

// A dossier whose FNE share per trainee is more than ten times the mean cost
// per trainee of its pathway — and beyond where the scenario's lognormal puts
// one trainee in three million — is a typing slip more likely than a
// training (two zeros too many), and the forecast learns costs from it.
void Reader::check_cost_per_trainee(const Row& row, const ActualDossier& d, Pathway pathway) {
  if (d.trainees <= 0) return;
  const TraineeCost& cost = scenario_.demand.cost_per_trainee[static_cast<std::size_t>(pathway)];
  const double sigma = cost.kind == TraineeCost::Kind::LogNormal ? cost.sigma : 0.0;
  const double bound = cost.mean_eur * std::max(10.0, std::exp(4.75 * sigma));
  const double per_trainee =
      static_cast<double>(d.committed) / cents_per_euro / static_cast<double>(d.trainees);
  if (!(per_trainee > bound)) return;
  char figures[200];
  std::snprintf(figures, sizeof figures,
                " EUR for %lld trainees, %.0f EUR a trainee: %.0f times the scenario's mean cost per trainee "
                "for %s (%.0f EUR)",
                static_cast<long long>(d.trainees), per_trainee, per_trainee / cost.mean_eur,
                std::string(pathway_keys[static_cast<std::size_t>(pathway)]).c_str(), cost.mean_eur);
  const auto column = columns_.find("committed_eur");
  implausible_costs_.push_back(
      {file_, row.line, column == columns_.end() ? 0 : static_cast<int>(column->second) + 1, "committed_eur",
       "warning: " + format_euros(d.committed) + figures +
           ": a typing slip? The forecast learns costs from it"});
}

// A spreadsheet's amounts in thousands or millions of euros load as amounts a
// thousand or a million times too small, and the forecast would learn costs
// from them without a word. A dossier's FNE share is a part of its cost (30 to
// 100 % of its eligible part), and costs per trainee and trainees per dossier
// move by tens of percent, a few times at most: an average under a hundredth
// of what the scenario's costs give a dossier, or over 25 times it (cents
// typed as euros), is a slip of units, not a year. Warned, not refused, as
// the scenario's own amounts are.
void Reader::warn_if_implausible_amounts(int header_line) {
  const DemandModel& demand = scenario_.demand;
  double scenario_cost = 0, dossiers_weighed = 0;
  for (const RegionalDemand& region : demand.regions)
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      const double weight = region.expected_dossiers * region.mix[static_cast<std::size_t>(cell)];
      scenario_cost +=
          weight * demand.cost_per_trainee[static_cast<std::size_t>(cell % pathway_count)].mean_eur;
      dossiers_weighed += weight;
    }
  if (!(dossiers_weighed > 0)) return;
  const double scenario_per_dossier = scenario_cost / dossiers_weighed * demand.trainees.expected();
  // Summed in floating point: a file of many rows near the largest amount
  // would overflow cents, and a ratio is all that is asked of the sum.
  double committed_eur = 0;
  std::int64_t dossiers = 0;
  for (const ActualDossier& d : actuals_.dossiers)
    committed_eur += static_cast<double>(d.committed) / cents_per_euro, ++dossiers;
  for (const MonthlyActual& m : actuals_.months)
    committed_eur += static_cast<double>(m.committed) / cents_per_euro, dossiers += m.dossiers;
  if (!(committed_eur > 0) || dossiers <= 0 || !(scenario_per_dossier > 0)) return;
  const double per_dossier = committed_eur / static_cast<double>(dossiers);
  constexpr double least_share = 0.01, most_share = 25;
  std::string slip;
  if (per_dossier < least_share * scenario_per_dossier)
    slip = "amounts are in euros: was the column typed in thousands or millions?";
  else if (per_dossier > most_share * scenario_per_dossier)
    slip = "amounts are in euros: was the column typed in cents?";
  else
    return;
  char figures[160];
  std::snprintf(figures, sizeof figures,
                " EUR committed for %lld dossiers, %.4g EUR a dossier, where the scenario's "
                "costs give about %.0f EUR a dossier; ",
                static_cast<long long>(dossiers), per_dossier, scenario_per_dossier);
  // The total as amounts are shown, while it fits in cents.
  const std::string total =
      committed_eur < 9e16 ? format_euros(static_cast<Cents>(std::llround(committed_eur * cents_per_euro)))
                           : scenario_detail::format_number(committed_eur);
  const auto column = columns_.find("committed_eur");
  actuals_.warnings.push_back({file_, header_line,
                               column == columns_.end() ? 0 : static_cast<int>(column->second) + 1,
                               "committed_eur", "warning: " + total + figures + slip});
}

// Monthly totals count diagnostics (no trainee) among their dossiers, so a
// month may have fewer trainees than dossiers; a file in which the training
// dossiers would have fewer than half a trainee each, with the diagnostics
// the scenario expects, has its columns swapped more likely (a trainee count
// of thousands read as dossiers: uptake and costs learnt tenfold). Warned, as
// the amounts are.
void Reader::warn_if_few_trainees(int header_line) {
  std::int64_t dossiers = 0, trainees = 0;
  for (const MonthlyActual& m : actuals_.months) dossiers += m.dossiers, trainees += m.trainees;
  const DemandModel& demand = scenario_.demand;
  double trainings_expected = 0;
  for (const RegionalDemand& region : demand.regions) trainings_expected += region.expected_dossiers;
  const double all_expected = trainings_expected + demand.diagnostics_expected_dossiers;
  if (dossiers <= 0 || !(all_expected > 0)) return;
  const double training_share = trainings_expected / all_expected;
  const double per_training_dossier =
      static_cast<double>(trainees) / (static_cast<double>(dossiers) * training_share);
  if (!(per_training_dossier < 0.5)) return;
  char figures[200];
  std::snprintf(figures, sizeof figures,
                "%lld trainees for %lld dossiers, %.2f a training dossier where each has at least one (the "
                "scenario expects %.0f %% of dossiers to be trainings): ",
                static_cast<long long>(trainees), static_cast<long long>(dossiers), per_training_dossier,
                100 * training_share);
  const auto column = columns_.find("trainees");
  actuals_.warnings.push_back(
      {file_, header_line, column == columns_.end() ? 0 : static_cast<int>(column->second) + 1, "trainees",
       std::string("warning: ") + figures + "were the columns dossiers and trainees swapped?"});
}

}  // namespace

Actuals parse_actuals(std::string_view text, const std::string& display_name, const Scenario& scenario) {
  return Reader(display_name, scenario).read(text);
}

void set_complete_through(Actuals& actuals, Date through, std::string_view option) {
  const std::string said = std::string(option) + " " + through.iso();
  if (first_of_month(through) != first_of_month(actuals.last_day))
    throw BadRequest(said + ": must fall in the actuals' last month, " + actuals.last_day.iso().substr(0, 7) +
                     " (" + actuals.file + ")");
  for (const ActualDossier& d : actuals.dossiers)
    if (through < d.filing_date)
      throw BadRequest(said + ": " + actuals.file + " holds a dossier filed on " + d.filing_date.iso() +
                       ", after it");
  actuals.last_day = through;
  actuals.last_day_stated = true;
}

bool rule_funds_some_cost(const Scenario& scenario, const CoverageRule& rule) {
  const DemandModel& demand = scenario.demand;
  const Cents nominal = 100'000'000;  // 1 000 000 EUR: no share of it rounds to 0 cents
  const CostComponents parts = split_cost_components(nominal, demand.pedagogical_share,
                                                     demand.ancillary_share, demand.remuneration_share);
  return envelope_share(eligible_cost(scenario.coverage, parts.pedagogical, parts.ancillary), rule.rate,
                        rule.cap_per_dossier) > 0;
}

Actuals read_actuals(const std::filesystem::path& path, const Scenario& scenario) {
  // Opened without blocking, then asked what it is (a FIFO would block the
  // open; a device never ends): actuals are a regular file.
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (descriptor < 0) throw ActualsError({{path.string(), 0, 0, "", std::string("cannot read: ") + std::strerror(errno)}});
  struct stat status {};
  const bool regular = ::fstat(descriptor, &status) == 0 && S_ISREG(status.st_mode);
  const bool directory = S_ISDIR(status.st_mode);
  if (!regular) {
    ::close(descriptor);
    throw ActualsError({{path.string(), 0, 0, "",
                         directory ? std::string("cannot read: ") + std::strerror(EISDIR)
                                   : std::string("cannot read: not a regular file (a device, a pipe or a socket)")}});
  }
  // One row per dossier is about a hundred bytes: 256 MiB is more than two
  // million dossiers, a hundred times 2021's. Beyond, not actuals.
  constexpr std::size_t max_actuals_bytes = std::size_t{256} << 20;
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(descriptor, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      const int error = errno;
      ::close(descriptor);
      if (got < 0) throw ActualsError({{path.string(), 0, 0, "", std::string("cannot read: ") + std::strerror(error)}});
      break;
    }
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > max_actuals_bytes) {
      ::close(descriptor);
      throw ActualsError({{path.string(), 0, 0, "",
                           "cannot read: larger than " + std::to_string(max_actuals_bytes >> 20) +
                               " MiB, more than any actuals file"}});
    }
  }
  return parse_actuals(text, path.string(), scenario);
}

}  // namespace fnesim
