#include "models/financing.hpp"

#include <stdexcept>

namespace fnesim {

std::int32_t FinancingTerms::scheduled_basis_points() const {
  std::int32_t sum = advance_share.basis_points;
  for (const FinancingTranche& t : tranches) sum += t.share.basis_points;
  return sum;
}

namespace {

// The day a tranche's money arrives, or nullopt when its level is never reached.
std::optional<Date> tranche_arrival(const FinancingTranche& tranche, Date start, Cents basis,
                                    std::span<const Cents> monthly_commitments) {
  std::optional<Date> trigger = tranche.date;
  if (tranche.commitment_level) {
    const Cents level = apply_rate(basis, *tranche.commitment_level);
    Cents cumulative = 0;
    for (std::size_t m = 0; m < monthly_commitments.size(); ++m) {
      cumulative += monthly_commitments[m];
      if (cumulative >= level) {
        const Date month_end = last_of_month(add_months(start, static_cast<int>(m)));
        if (!trigger || month_end < *trigger) trigger = month_end;
        break;
      }
    }
  }
  if (!trigger) return std::nullopt;
  return trigger->plus_days(tranche.lag_days);
}

}  // namespace

void schedule_disbursements(const FinancingTerms& terms, Date start, Cents basis,
                            std::span<const Cents> monthly_commitments, Cents total_paid, Date settlement_from,
                            std::span<Cents> disbursed) {
  const Date balance_day = settlement_from.plus_days(terms.settlement_lag_days);
  const int balance_month = month_index(start, balance_day);
  if (balance_month < 0 || static_cast<std::size_t>(balance_month) >= disbursed.size())
    throw std::invalid_argument("schedule_disbursements: the balance's month " + balance_day.year_month() +
                                " is outside the months given");
  for (Cents& d : disbursed) d = 0;
  Cents before_balance = 0;
  auto disburse = [&](Date day, Cents amount) {
    // On the balance's day itself, before it; after it, never (the balance settles).
    if (balance_day < day || amount == 0) return;
    const int month = month_index(start, day);
    if (month < 0)
      throw std::invalid_argument("schedule_disbursements: a payment on " + day.iso() + " precedes the first month");
    disbursed[static_cast<std::size_t>(month)] += amount;
    before_balance += amount;
  };
  disburse(terms.advance_date, apply_rate(basis, terms.advance_share));
  for (const FinancingTranche& tranche : terms.tranches)
    if (const auto arrival = tranche_arrival(tranche, start, basis, monthly_commitments))
      disburse(*arrival, apply_rate(basis, tranche.share));
  disbursed[static_cast<std::size_t>(balance_month)] += total_paid - before_balance;
}

}  // namespace fnesim
