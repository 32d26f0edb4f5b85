// Section [coverage]: the art. 6 rates table as data, PDC-50 and art. 3 diagnostics.
#include <algorithm>

#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {
namespace {

constexpr long unbounded_headcount = 1'000'000'000;

// The dates on which two rules that overlap both apply, in words.
std::string shared_validity(const CoverageRule& a, const CoverageRule& b) {
  std::optional<Date> from = a.valid_from, until = a.valid_until;
  if (b.valid_from && (!from || *from < *b.valid_from)) from = b.valid_from;
  if (b.valid_until && (!until || *b.valid_until < *until)) until = b.valid_until;
  if (!from && !until) return "at all dates";
  std::string out;
  if (from) out += "from " + from->iso();
  if (from && until) out += ' ';
  if (until) out += "until " + until->iso();
  return out;
}

bool validity_overlaps(const CoverageRule& a, const CoverageRule& b) {
  // Empty bounds are open-ended; both intervals are inclusive.
  const bool a_before_b = a.valid_until && b.valid_from && *a.valid_until < *b.valid_from;
  const bool b_before_a = b.valid_until && a.valid_from && *b.valid_until < *a.valid_from;
  return !a_before_b && !b_before_a;
}

std::optional<std::vector<Status>> read_statuses(TableReader& rule) {
  const MergedEntry* e = rule.entry("statuses");
  if (e == nullptr) {
    rule.missing("statuses");
    return std::nullopt;
  }
  const std::string path = rule.key_path("statuses");
  const toml::array* array = e->value != nullptr ? e->value->as_array() : nullptr;
  if (array == nullptr) {
    rule.error("statuses", "expected an array of statuses, found " +
                               (e->value ? type_name(*e->value) : std::string("a table")));
    return std::nullopt;
  }
  if (array->empty()) {
    rule.error("statuses",
               "lists no status; give at least one of AP, APLD, difficulty, transformation, resumption");
    return std::nullopt;
  }
  std::vector<Status> statuses;
  bool ok = true;
  const std::vector<std::string> candidates(status_keys.begin(), status_keys.end());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& node = *array->get(i);
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const auto text = read_string(node, item_path, rule.context());
    if (!text) {
      ok = false;
      continue;
    }
    const auto status = parse_category<Status>(*text, status_keys);
    if (!status) {
      std::string message = "unknown status \"" + *text + "\"";
      const std::string suggestion = closest_match(*text, candidates);
      message += suggestion.empty() ? "; expected one of AP, APLD, difficulty, transformation, resumption"
                                    : "; did you mean \"" + suggestion + "\"?";
      rule.context().diagnostics.add(node.source(), item_path, std::move(message));
      ok = false;
      continue;
    }
    if (std::find(statuses.begin(), statuses.end(), *status) != statuses.end()) {
      rule.context().diagnostics.add(node.source(), item_path, "status \"" + *text + "\" is listed twice");
      ok = false;
      continue;
    }
    statuses.push_back(*status);
  }
  if (!ok) return std::nullopt;
  return statuses;
}

std::optional<CoverageRule> read_rule(TableReader& rule, const std::string& id) {
  CoverageRule out;
  out.id = id;
  bool ok = true;
  out.article = rule.string("article").value_or("");
  if (rule.has("regime")) {
    const auto regime = rule.choice("regime", regime_keys);
    if (regime) out.regime = static_cast<Regime>(*regime);
    ok &= regime.has_value();
  }
  if (auto statuses = read_statuses(rule)) {
    out.statuses = std::move(*statuses);
  } else {
    ok = false;
  }
  const auto min = rule.integer("headcount_min", 1, unbounded_headcount, true);
  ok &= min.has_value();
  if (min) out.headcount_min = static_cast<long>(*min);
  out.headcount_max = unbounded_headcount;
  if (rule.has("headcount_max")) {
    const auto max = rule.integer("headcount_max", min.value_or(1), unbounded_headcount);
    ok &= max.has_value();
    if (max) out.headcount_max = static_cast<long>(*max);
  }
  const auto rate = rule.rate("rate", true);
  ok &= rate.has_value();
  if (rate) out.rate = *rate;
  if (rule.has("valid_from")) {
    out.valid_from = rule.date("valid_from");
    ok &= out.valid_from.has_value();
  }
  if (rule.has("valid_until")) {
    out.valid_until = rule.date("valid_until");
    ok &= out.valid_until.has_value();
  }
  if (out.valid_from && out.valid_until && *out.valid_until < *out.valid_from) {
    rule.error("valid_until",
               "valid_until " + out.valid_until->iso() + " is before valid_from " + out.valid_from->iso());
    ok = false;
  }
  if (rule.has("cap_per_dossier_eur")) {
    out.cap_per_dossier = rule.money("cap_per_dossier_eur");
    ok &= out.cap_per_dossier.has_value();
  }
  rule.finish();
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

void parse_coverage(TableReader& section, ParseState& state) {
  CoverageSettings& out = state.scenario.coverage;
  if (const auto v = section.boolean("ancillary_eligible")) out.ancillary_eligible = *v;
  if (const auto v = section.boolean("pdc50_funds_remuneration")) out.pdc50_funds_remuneration = *v;
  // A headcount limit of funds that are switched off would limit nothing.
  if (!out.pdc50_funds_remuneration)
    reject_if_written(
        section, "pdc50_max_headcount", "pdc50_funds_remuneration",
        "applies only while pdc50_funds_remuneration = true: with false, no remuneration is funded "
        "by PDC-50 at any headcount");
  else if (const auto v = section.integer("pdc50_max_headcount", 0, unbounded_headcount))
    out.pdc50_max_headcount = static_cast<long>(*v);
  if (const auto v = section.money("diagnostic_day_rate_eur")) out.diagnostic_day_rate = *v;
  // A year has at most 366 days of diagnostics.
  if (const auto v = section.integer("diagnostic_max_days_per_year", 1, 366))
    out.diagnostic_max_days_per_year = static_cast<int>(*v);
  // A diagnostic dossier is at most the day rate times the days: a mean amount's limit (sim/engine_limits.hpp).
  const double largest_diagnostic_eur = static_cast<double>(out.diagnostic_day_rate) / cents_per_euro *
                                        out.diagnostic_max_days_per_year;
  if (largest_diagnostic_eur > limits::max_mean_amount_eur)
    section.error("diagnostic_day_rate_eur",
                  "a diagnostic of " + std::to_string(out.diagnostic_max_days_per_year) + " days would cost " +
                      format_number(largest_diagnostic_eur) + " EUR, more than the " +
                      format_number(limits::max_mean_amount_eur) + " EUR an amount's mean may be");

  bool ok = true;
  auto rules = section.table("rules");
  if (!rules) {
    if (!section.has("rules"))
      section.error_here("no coverage rules: add [coverage.rules.<ID>] tables (art. 6 table)");
    state.coverage_ok = false;
    section.finish();
    return;
  }
  std::vector<std::string> ids = rules->keys_in_order();
  if (ids.empty()) {
    rules->error_here("no coverage rules: add [coverage.rules.<ID>] tables (art. 6 table)");
    ok = false;
  }
  std::vector<std::pair<CoverageRule, TableReader>> parsed;
  for (const std::string& id : ids) {
    auto rule = rules->table(id);
    if (!rule) {
      ok = false;
      continue;
    }
    auto read = read_rule(*rule, id);
    if (!read) {
      ok = false;
      continue;
    }
    // At most one rule of a regime may apply to a dossier, or its rate is ambiguous.
    for (const auto& [earlier, unused] : parsed) {
      if (earlier.regime != read->regime) continue;
      const auto shared = std::find_first_of(read->statuses.begin(), read->statuses.end(),
                                             earlier.statuses.begin(), earlier.statuses.end());
      if (shared == read->statuses.end()) continue;
      const long lo = std::max(earlier.headcount_min, read->headcount_min);
      const long hi = std::min(earlier.headcount_max, read->headcount_max);
      if (lo > hi || !validity_overlaps(earlier, *read)) continue;
      std::string message = "overlaps rule '" + earlier.id + "': both apply to status " +
                            std::string(key_of(*shared)) + " under regime " +
                            std::string(regime_keys[static_cast<int>(read->regime)]) + " for headcounts " +
                            std::to_string(lo) + " to " + std::to_string(hi) + ", " +
                            shared_validity(earlier, *read) + "; a dossier must match one rule only";
      rule->error_here(std::move(message));
      ok = false;
    }
    parsed.emplace_back(std::move(*read), *rule);
  }
  for (auto& [rule, reader] : parsed) out.rules.push_back(rule);
  section.finish();
  state.coverage_ok = ok;
}

}  // namespace fnesim::scenario_detail
