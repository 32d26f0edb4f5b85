#pragma once
// Filing one dossier into its region's ledger (sim/books.cpp's second pass),
// inline: without a committee the first pass (sim/draw.cpp) files each
// dossier as it is drawn, and a call per dossier, its arguments gathered
// into a struct and the plan's fields reloaded, cost R1 8 % of its time
// (docs/performance.md). Internal to sim/.
#include <algorithm>

#include "sim/simulator.hpp"
#include "sim/workspace.hpp"

namespace fnesim {

inline void apply_releases_until(RegionBook& book, std::int32_t day) {
  while (book.released_through < day) {
    const Cents due = book.release_due[static_cast<std::size_t>(++book.released_through)];
    if (due != 0) book.ledger.release(due);
  }
}

// One dossier into its region's ledger, in filing order: the releases due by
// its filing day first, then its commitment (or its refusal), its payment and
// its tallies.
inline void Simulator::file_dossier(int r, StagedDossier& d, Workspace& ws, ReplicationOutcome& out) const {
  const std::int32_t last_commitment_day = plan_.window_days - 1;
  const bool stop_at_first_refusal = scenario_.demand.exhaustion_policy == ExhaustionPolicy::Stop;
  RegionBook& book = ws.books[static_cast<std::size_t>(r)];
  RegionOutcome& ro = out.regions[static_cast<std::size_t>(r)];
  Cents* monthly_commit = &out.monthly_commitments[static_cast<std::size_t>(r * plan_.month_count)];
  Cents* monthly_pay = &out.monthly_payments[static_cast<std::size_t>(r * plan_.month_count)];
  if (d.kind == DossierKind::Ineligible || d.kind == DossierKind::PastDeadline) return;
  apply_releases_until(book, d.day);
  (is_carryover(d.kind) ? book.carryover : book.filed) += d.amount;
  // What was observed was committed, whatever the scenario's envelope says.
  d.committed = is_observed(d.kind) ? (book.ledger.commit_observed(d.amount), true)
                                    : !book.stopped && book.ledger.try_commit(d.amount);
  if (!d.committed) {
    if (ro.exhaustion_day == never_exhausted) ro.exhaustion_day = d.day;
    if (stop_at_first_refusal) book.stopped = true;
    ro.unmet += d.amount;
    ro.dossiers_unmet += d.count;
    ro.trainees_unmet += d.trainees;
    return;
  }
  monthly_commit[plan_.month_of_day[static_cast<std::size_t>(d.day)]] += d.amount;
  ro.dossiers_committed += d.count;
  ro.trainees_committed += d.trainees;
  if (is_carryover(d.kind)) ro.carryover_committed += d.amount;
  if (is_diagnostic(d.kind)) ro.diagnostics_committed += d.amount;
  if (d.cell >= 0) {
    out.committed_by_cell[static_cast<std::size_t>(r * mix_cell_count + d.cell)] += d.amount;
    out.trainees_by_cell[static_cast<std::size_t>(r * mix_cell_count + d.cell)] += d.trainees;
  }
  const Cents released = d.amount - d.realised;
  if (released > 0) {
    if (d.end_day <= last_commitment_day) {
      // Due on a day already passed (a training ending the day it is
      // filed): released now, before the next dossier, as it would be then.
      if (d.end_day <= book.released_through)
        book.ledger.release(released);
      else
        book.release_due[static_cast<std::size_t>(d.end_day)] += released;
    } else {
      book.released_after_deadline += released;
    }
  }
  book.ledger.pay(d.realised);
  if (d.realised > 0) {
    monthly_pay[plan_.month_of_day[static_cast<std::size_t>(d.payment_day)]] += d.realised;
    ro.last_payment_day = std::max<std::int64_t>(ro.last_payment_day, d.payment_day);
  }
  if (d.day <= plan_.review_day) {
    ro.review_committed += d.amount;
    ro.review_trainees += d.trainees;
    if (d.end_day <= plan_.review_day) ro.review_realised += d.realised;
    if (d.payment_day <= plan_.review_day) ro.review_paid += d.realised;
  }
}

}  // namespace fnesim
