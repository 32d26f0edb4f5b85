// Section [steering]: the steering committee inside each replication
// (models/steering.hpp). Absent or empty: envelopes never change.
#include <cmath>
#include <numeric>

#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {

namespace {

// Meetings: the convention's dates unless listed here; each must fall within the
// commitment window, since a meeting after the deadline cannot move commitments.
std::vector<Date> read_committee_dates(TableReader& section, ParseState& state) {
  const Convention& conv = state.scenario.convention;
  const MergedEntry* e = section.entry("committee_dates");
  if (e == nullptr) {
    std::vector<Date> dates;
    for (const Date& d : conv.steering_committee_dates)
      if (!(conv.commitment_end < d)) dates.push_back(d);
    return dates;
  }
  const std::string path = section.key_path("committee_dates");
  const toml::array* array = e->value != nullptr ? e->value->as_array() : nullptr;
  if (array == nullptr) {
    section.error("committee_dates", "expected an array of dates, found " +
                                         (e->value ? type_name(*e->value) : std::string("a table")));
    return {};
  }
  std::vector<Date> dates;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& node = *array->get(i);
    std::string item_path = path;
    item_path += '[';
    item_path += std::to_string(i);
    item_path += ']';
    const auto date = read_date(node, item_path, state.ctx);
    if (!date) continue;
    if (state.dates_ok && (*date < conv.commitment_start || conv.commitment_end < *date)) {
      state.ctx.diagnostics.add(node.source(), item_path,
                                date->iso() + " is outside the commitment window, " +
                                    conv.commitment_start.iso() + " to " + conv.commitment_end.iso() +
                                    ": a meeting then cannot move commitments");
      continue;
    }
    if (!dates.empty() && !(dates.back() < *date)) {
      state.ctx.diagnostics.add(node.source(), item_path,
                                date->iso() + " does not come after " + dates.back().iso() +
                                    "; list the dates in increasing order, once each");
      continue;
    }
    dates.push_back(*date);
  }
  return dates;
}

std::optional<ComplementaryAllocationRule> read_complementary(TableReader& section, ParseState& state) {
  if (!section.has("complementary")) return std::nullopt;
  auto table = section.table("complementary");
  if (!table) return std::nullopt;
  ComplementaryAllocationRule rule;
  if (const auto v = table->number("threshold_share", Bounds{0.0, 1.0, true, false}, true))
    rule.threshold_share = *v;
  if (const auto v = table->money("amount_eur", true)) {
    if (*v <= 0)
      table->error("amount_eur", "must be > 0");
    else
      rule.amount = *v;
  }
  if (const auto v = table->integer("delay_days", 0, 366)) rule.delay_days = static_cast<int>(*v);
  if (const auto v = table->choice("split", complementary_split_keys))
    rule.split = static_cast<ComplementarySplit>(*v);

  const auto& regions = state.scenario.convention.regions;
  if (rule.split != ComplementarySplit::Fixed) {
    reject_if_written(*table, "weights", "split", "weights only apply with split = \"fixed\"");
  } else if (auto weights = table->table("weights", true); weights && state.regions_ok) {
    rule.weights.assign(regions.size(), 0.0);
    std::vector<std::string> codes;
    for (std::size_t r = 0; r < regions.size(); ++r) {
      codes.push_back(regions[r].code);
      if (const auto w = weights->number(regions[r].code, Bounds::at_least(0), true)) rule.weights[r] = *w;
    }
    weights->finish("region", codes);
    const double sum = std::accumulate(rule.weights.begin(), rule.weights.end(), 0.0);
    if (std::abs(sum - 1.0) > 1e-9) table->error("weights", "sum to " + sum_text(sum) + ", must sum to 1");
  }
  table->finish();
  return rule;
}

}  // namespace

void parse_steering(TableReader& section, ParseState& state) {
  if (section.table().entries.empty()) return;  // absent: no committee inside the replications
  SteeringPolicy policy;
  const auto reallocation = section.choice("reallocation", reallocation_rule_keys, true);
  if (reallocation) policy.reallocation = static_cast<ReallocationRule>(*reallocation);
  policy.committee_dates = read_committee_dates(section, state);
  // A donor's cap means nothing where no region gives to another.
  if (reallocation && policy.reallocation != ReallocationRule::RunRate)
    reject_if_written(
        section, "max_share_moved", "reallocation",
        "applies only with reallocation = \"run-rate\": with \"none\" no region gives to another");
  else if (const auto v = section.number("max_share_moved", Bounds{0.0, 1.0, true, false}))
    policy.max_share_moved = *v;
  if (const auto v = section.number("reserve_share", Bounds{0.0, 1.0, false, true}))
    policy.reserve_share = *v;
  policy.complementary = read_complementary(section, state);
  if (policy.committee_dates.empty() && section.has("committee_dates"))
    section.error("committee_dates", "lists no meeting: the committee would never act");
  section.finish();
  state.scenario.steering = std::move(policy);
}

}  // namespace fnesim::scenario_detail
