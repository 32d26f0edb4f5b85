// Section [convention]: envelope, fees, dates and regions (art. 5, 6, 7 and annex).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {

namespace {

// A value as TOML writes it, times a power of ten: "150" and "e6" give
// "150e6", the amount as the planner probably meant it.
std::string written(double value, std::string_view power_of_ten = "") {
  char text[64];
  std::snprintf(text, sizeof text, "%.15g%s", value, std::string(power_of_ten).c_str());
  return text;
}

}  // namespace

void warn_if_implausible_envelope(TableReader& table, std::string_view key, Cents envelope) {
  if (envelope <= 0 || envelope >= least_plausible_envelope) return;
  const double typed = static_cast<double>(envelope) / cents_per_euro;
  table.warn(key, format_euros(envelope) + " EUR pays no training: amounts are in euros, so an envelope of " +
                      written(typed) + " million is written " + written(typed, "e6"));
}

void warn_if_implausible_trainee_cost(TableReader& table, std::string_view key, double cost_eur) {
  if (cost_eur <= 0 || cost_eur >= least_plausible_trainee_cost_eur) return;
  std::string message = written(cost_eur);
  message += " EUR a trainee is less than a day of training: amounts are in euros, so ";
  message += written(cost_eur) + " thousand is written " + written(cost_eur, "e3");
  table.warn(key, std::move(message));
}

namespace {

constexpr std::size_t max_region_code_length = 16;
constexpr std::array<std::string_view, 2> fee_mode_keys = {"pro-rata", "national"};

void parse_regions(TableReader& convention, ParseState& state, Convention& out) {
  auto regions = convention.table("regions", true);
  if (!regions) return;
  bool ok = true;
  std::map<std::string, std::string> code_by_name;
  state.declared_region_codes = regions->keys_in_order();
  for (const std::string& code : state.declared_region_codes) {
    // A code names its region in actuals files, in options (--min ARA=EUR),
    // in CSV columns and in the run file, which must read it back.
    const bool code_ok = !code.empty() && code.size() <= max_region_code_length &&
                         std::all_of(code.begin(), code.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                         });
    if (!code_ok)
      regions->error(code, "region code '" + code + "': letters, digits, '-' or '_', at most " +
                               std::to_string(max_region_code_length) +
                               " (as ARA or IDF): it names the region in actuals files, options and the "
                               "run file's columns");
    else if (code == "national")
      regions->error(code, "region code 'national' is taken: actuals files use it for the whole country");
    const bool code_usable = code_ok && code != "national";
    if (!code_usable) ok = false;
    auto region = regions->table(code);
    if (!region) {
      ok = false;
      continue;
    }
    const auto name = region->string("name", true);
    const auto envelope = region->money("envelope_eur", true);
    if (envelope) warn_if_implausible_envelope(*region, "envelope_eur", *envelope);
    region->finish();
    if (!name || !envelope || !code_usable) {
      ok = false;
      continue;
    }
    const auto [it, inserted] = code_by_name.emplace(*name, code);
    if (!inserted) {
      region->error("name", "region name \"" + *name + "\" is already the name of region " + it->second);
      ok = false;
      continue;
    }
    out.regions.push_back(Region{code, *name, *envelope});
  }
  if (regions->keys_in_order().size() > limits::max_regions) {
    regions->error_here("has " + std::to_string(regions->keys_in_order().size()) + " regions, more than the " +
                        std::to_string(limits::max_regions) + " fnesim simulates");
    ok = false;
  }
  if (regions->keys_in_order().empty()) {
    regions->error_here("at least one region is needed");
    ok = false;
  }
  state.regions_ok = ok;
}

}  // namespace

void parse_convention(TableReader& section, ParseState& state) {
  Convention& out = state.scenario.convention;
  const auto total = section.money("total_envelope_eur", true);
  if (total) warn_if_implausible_envelope(section, "total_envelope_eur", *total);
  auto fee_rate = section.rate("fee_rate", true);
  if (fee_rate && fee_rate->basis_points >= Rate::full) {
    // Every available amount would be 0: nothing to commit, and every share of it undefined.
    section.error("fee_rate", "must be below 1 (100 %): the fees would leave nothing for dossiers");
    fee_rate.reset();
  }
  const auto fee_mode = section.choice("fee_mode", fee_mode_keys);
  if (total) out.total_envelope = *total;
  if (fee_rate) out.fee_rate = *fee_rate;
  if (fee_mode) out.fee_mode = static_cast<FeeMode>(*fee_mode);

  const auto start = section.date("commitment_start", true);
  const auto end = section.date("commitment_end", true);
  const auto training_end = section.date("training_end", true);
  bool dates_ok = start && end && training_end;
  if (start && end && *end < *start) {
    section.error("commitment_end",
                  "commitment_end " + end->iso() + " is before commitment_start " + start->iso());
    dates_ok = false;
  }
  if (end && training_end && *training_end < *end) {
    section.error("training_end",
                  "training_end " + training_end->iso() + " is before commitment_end " + end->iso());
    dates_ok = false;
  }
  // The engine keeps per-day and per-month tables over these spans (sim/engine_limits.hpp).
  if (dates_ok && days_between(*start, *end) + 1 > limits::max_window_days) {
    section.error("commitment_end", "the commitment window " + start->iso() + " to " + end->iso() + " spans " +
                                        std::to_string(days_between(*start, *end) + 1) + " days, more than the " +
                                        std::to_string(limits::max_window_days) + " (ten years) fnesim simulates");
    dates_ok = false;
  }
  if (dates_ok && days_between(*start, *training_end) >= limits::max_horizon_days) {
    section.error("training_end", "training_end " + training_end->iso() + " is " +
                                      std::to_string(days_between(*start, *training_end)) +
                                      " days after commitment_start; fnesim simulates fewer than " +
                                      std::to_string(limits::max_horizon_days) + " (twenty years)");
    dates_ok = false;
  }
  if (start) out.commitment_start = *start;
  if (end) out.commitment_end = *end;
  if (training_end) out.training_end = *training_end;
  state.dates_ok = dates_ok;
  if (const auto past = section.choice("training_past_deadline", past_deadline_keys))
    out.past_deadline = static_cast<PastDeadline>(*past);
  if (training_end) out.financial_review = last_of_month(add_months(*training_end, -2));
  if (const auto review = section.date("financial_review")) {
    if (dates_ok && (*review < out.commitment_start || out.training_end.plus_days(366) < *review))
      section.error("financial_review", "financial_review " + review->iso() + " is outside " +
                                            out.commitment_start.iso() + " to a year after training_end (" +
                                            out.training_end.plus_days(366).iso() + ")");
    else
      out.financial_review = *review;
  } else if (dates_ok && training_end && section.entry("financial_review") == nullptr &&
             out.financial_review < out.commitment_start) {
    // The default would look back at a review before anything was committed
    // (`run --review-date` cannot help: the scenario must load first).
    section.error("training_end", "training_end " + training_end->iso() +
                                      " puts the default financial review (the end of the month two months "
                                      "before it, " +
                                      out.financial_review.iso() + ") before commitment_start " +
                                      out.commitment_start.iso() + ": set financial_review, within " +
                                      out.commitment_start.iso() + " to " +
                                      out.training_end.plus_days(366).iso());
  }

  // Art. 5: the steering committee meets during the convention's life.
  if (const MergedEntry* e = section.entry("steering_committee_dates")) {
    const std::string path = section.key_path("steering_committee_dates");
    const toml::array* dates = e->value != nullptr ? e->value->as_array() : nullptr;
    if (dates == nullptr) {
      section.error(
          "steering_committee_dates",
          "expected an array of dates, found " + (e->value ? type_name(*e->value) : std::string("a table")));
    } else {
      for (std::size_t i = 0; i < dates->size(); ++i) {
        const toml::node& node = *dates->get(i);
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        const auto date = read_date(node, item_path, state.ctx);
        if (!date) continue;
        if (dates_ok && (*date < out.commitment_start || out.training_end < *date)) {
          state.ctx.diagnostics.add(node.source(), item_path,
                                    date->iso() + " is outside the convention, " +
                                        out.commitment_start.iso() + " to " + out.training_end.iso());
          continue;
        }
        if (!out.steering_committee_dates.empty() && !(out.steering_committee_dates.back() < *date)) {
          state.ctx.diagnostics.add(node.source(), item_path,
                                    date->iso() + " does not come after " +
                                        out.steering_committee_dates.back().iso() +
                                        "; list the dates in increasing order, once each");
          continue;
        }
        out.steering_committee_dates.push_back(*date);
      }
    }
  }

  parse_regions(section, state, out);
  section.finish();

  // Annex: the regional envelopes split the whole budget (net of fees when those
  // are kept aside nationally).
  if (state.regions_ok && total && fee_rate) {
    Cents sum = 0;
    for (const Region& r : out.regions) sum += r.envelope;
    const bool national = out.fee_mode == FeeMode::National;
    const Cents expected =
        national ? out.total_envelope - apply_rate(out.total_envelope, out.fee_rate) : out.total_envelope;
    if (sum != expected) {
      const Cents gap = sum - expected;
      std::string message = "regional envelopes sum to " + format_euros(sum) + " EUR, " +
                            format_euros(gap < 0 ? -gap : gap) + " EUR " + (gap < 0 ? "less" : "more") +
                            " than ";
      message += national ? "total_envelope_eur less the fees (" + format_euros(expected) +
                                " EUR, fee_mode = \"national\")"
                          : "total_envelope_eur (" + format_euros(expected) + " EUR)";
      state.ctx.diagnostics.add(section.table().entries.at("regions").where(), section.key_path("regions"),
                                std::move(message));
    }
  }
}

}  // namespace fnesim::scenario_detail
