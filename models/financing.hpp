#pragma once
// The State's payments to OPCO 2i for the fund (issue 14, "Cash"). They are set
// by a separate financial convention that the framework convention's text does
// not include, so the planner states them (`[financing]`): an advance at
// signature, tranches triggered by a national commitment level or a date, and
// the balance at settlement. Pure: one replication's monthly series in, the
// State's monthly disbursements out, in integer cents.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/calendar.hpp"
#include "models/money.hpp"

namespace fnesim {

struct FinancingTranche {
  std::string name;  // as the planner named it
  Rate share;        // of the basis
  // Triggered at the end of the first month in which the national cumulative
  // gross commitments reach this share of the basis: the State learns them
  // from OPCO 2i's monthly statement.
  std::optional<Rate> commitment_level;
  // Triggered on this date; with a commitment level too, whichever comes first.
  std::optional<Date> date;
  int lag_days = 0;  // from the trigger to the money reaching OPCO 2i
};

struct FinancingTerms {
  Rate advance_share;  // of the basis, paid on advance_date (the signature)
  Date advance_date;
  std::vector<FinancingTranche> tranches;
  // The balance arrives this many days after the last payment to companies
  // (art. 7: the convention ends with its last payment).
  int settlement_lag_days = 0;

  // Advance and tranches together, in basis points: at most Rate::full.
  std::int32_t scheduled_basis_points() const;
};

// One replication's disbursements by the State, per month from the month of
// `start` (disbursed[m] is month m; its size is the number of months, and the
// balance's month must be inside). Amounts: each share applied to `basis`
// (apply_rate, to the cent). The balance, on `settlement_from` + the
// settlement lag, is `total_paid` less everything disbursed before: negative
// when the advance and tranches exceed what was paid — OPCO 2i pays the excess
// back. A tranche whose trigger falls after the balance's day is never paid:
// the balance settles the account.
// `monthly_commitments` are the national gross commitments per month from the
// same first month (months beyond its size count as none).
void schedule_disbursements(const FinancingTerms& terms, Date start, Cents basis,
                            std::span<const Cents> monthly_commitments, Cents total_paid, Date settlement_from,
                            std::span<Cents> disbursed);

}  // namespace fnesim
