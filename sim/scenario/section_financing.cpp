// Section [financing]: the State's payments to OPCO 2i for the fund
// (models/financing.hpp), which a separate financial convention sets. Absent or
// empty: no cash forecast.
#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {

namespace {

// The last day the engine follows: the training deadline plus the longest
// invoicing lag (sim/plan.cpp, the horizon). A payment by the State is dated
// inside it; the balance alone may come later.
Date horizon_end(const Scenario& scenario) {
  return scenario.convention.training_end.plus_days(scenario.demand.invoicing_lag_days.max);
}

std::optional<Date> date_in_horizon(TableReader& table, std::string_view key, ParseState& state) {
  const auto date = table.date(key);
  if (!date || !state.dates_ok) return date;
  const Date first = state.scenario.convention.commitment_start, last = horizon_end(state.scenario);
  if (*date < first || last < *date) {
    table.error(key, std::string(key) + " " + date->iso() + " is outside the horizon, " + first.iso() + " to " +
                         last.iso() + " (training_end plus the longest invoicing lag)");
    return std::nullopt;
  }
  return date;
}

std::optional<FinancingTranche> read_tranche(TableReader& table, const std::string& name, ParseState& state) {
  FinancingTranche tranche;
  tranche.name = name;
  bool ok = true;
  if (const auto share = table.rate("share", true)) {
    if (share->basis_points == 0) {
      table.error("share", "must be > 0: a tranche of nothing");
      ok = false;
    }
    tranche.share = *share;
  } else {
    ok = false;
  }
  const bool has_level = table.has("commitment_level"), has_date = table.has("date");
  if (has_level) {
    tranche.commitment_level = table.rate("commitment_level");
    ok &= tranche.commitment_level.has_value();
  }
  if (has_date) {
    tranche.date = date_in_horizon(table, "date", state);
    ok &= tranche.date.has_value();
  }
  if (!has_level && !has_date) {
    table.error_here("needs a trigger: commitment_level (a share of the basis committed nationally), date, or "
                     "both (whichever comes first)");
    ok = false;
  }
  if (const auto lag = table.integer("lag_days", 0, 366)) tranche.lag_days = static_cast<int>(*lag);
  table.finish();
  if (!ok) return std::nullopt;
  return tranche;
}

}  // namespace

void parse_financing(TableReader& section, ParseState& state) {
  if (section.table().entries.empty()) return;  // absent: no cash forecast
  FinancingTerms terms;
  bool ok = true;
  terms.advance_date = state.scenario.convention.commitment_start;
  if (const auto share = section.rate("advance_share")) terms.advance_share = *share;
  if (section.has("advance_date")) {
    auto date = date_in_horizon(section, "advance_date", state);
    // The advance comes at the signature. One dated after the commitments
    // close is another payment, a tranche by date; written as an advance in
    // 2022 it fell, in most years, after the balance, which settles the
    // account with it (docs/model.md §5c), while the output said it was paid.
    if (date && state.dates_ok && state.scenario.convention.commitment_end < *date) {
      section.error("advance_date", "advance_date " + date->iso() + " is after the last commitment day, " +
                                        state.scenario.convention.commitment_end.iso() +
                                        ": the advance is paid at the signature; a payment due later is a "
                                        "tranche ([financing.tranches.NAME] date)");
      date.reset();
    }
    ok &= date.has_value();
    if (date) terms.advance_date = *date;
  }
  if (const auto lag = section.integer("settlement_lag_days", 0, 366))
    terms.settlement_lag_days = static_cast<int>(*lag);
  if (section.has("tranches")) {
    if (auto tranches = section.table("tranches")) {
      for (const std::string& name : tranches->keys_in_order()) {
        auto table = tranches->table(name);
        if (!table) {
          ok = false;
          continue;
        }
        if (auto tranche = read_tranche(*table, name, state))
          terms.tranches.push_back(std::move(*tranche));
        else
          ok = false;
      }
    } else {
      ok = false;
    }
  }
  section.finish();
  if (!ok) return;
  // The balance at settlement is what remains: the shares scheduled before it
  // cannot exceed the whole basis.
  if (const std::int32_t scheduled = terms.scheduled_basis_points(); scheduled > Rate::full) {
    section.error_here("advance_share and the tranches' shares add up to " +
                       format_number(scheduled / double(Rate::full)) +
                       ", more than 1: the balance at settlement is what remains of the basis");
    return;
  }
  state.scenario.financing = std::move(terms);
}

}  // namespace fnesim::scenario_detail
