// The second pass of a replication (sim/simulator.hpp): each region's ledger
// files the staged dossiers in filing order — with a steering committee, all
// regions advance together from one meeting to the next — then closes.
#include <algorithm>

#include "models/envelope.hpp"
#include "models/steering.hpp"
#include "sim/filing.hpp"
#include "sim/simulator.hpp"
#include "sim/workspace.hpp"

namespace fnesim {

void Simulator::open_books(Workspace& ws) const {
  for (int r = 0; r < region_count(); ++r) {
    RegionBook& book = ws.books[static_cast<std::size_t>(r)];
    const RegionPlan& plan = plan_.regions[static_cast<std::size_t>(r)];
    book.ledger = RegionLedger(plan.ceiling);
    book.available = plan.available;
    book.release_due.assign(static_cast<std::size_t>(plan_.window_days), 0);
    book.released_through = -1;
    book.next = 0;
    book.stopped = false;
    book.released_after_deadline = book.carryover = book.filed = 0;
  }
}

// Second pass, one region: the ledger files every queued dossier before
// `limit` in filing order, then takes the releases due by the eve of `limit`.
void Simulator::file_until(int r, std::int32_t limit, Workspace& ws, ReplicationOutcome& out) const {
  RegionBook& book = ws.books[static_cast<std::size_t>(r)];
  std::vector<StagedDossier>& staged = ws.staged[static_cast<std::size_t>(r)];
  while (book.next < staged.size() && staged[book.next].day < limit) file_dossier(r, staged[book.next++], ws, out);
  apply_releases_until(book, std::min(limit, plan_.window_days) - 1);
}

// With a steering committee every region advances to the next event — a
// meeting or the arrival of a complementary allocation — before the committee
// acts on what it then knows.
void Simulator::steer(const SteeringPolicy& steering, Workspace& ws, ReplicationOutcome& out) const {
  const int regions = region_count();
  auto apply_move = [&](const SteeringMove& move) {
    if (move.from >= 0) {
      RegionBook& book = ws.books[static_cast<std::size_t>(move.from)];
      book.available -= move.amount;
      book.ledger.set_ceiling(ceiling_for(book.available));
      out.regions[static_cast<std::size_t>(move.from)].given += move.amount;
    }
    if (move.to >= 0) {
      RegionBook& book = ws.books[static_cast<std::size_t>(move.to)];
      book.available += move.amount;
      book.ledger.set_ceiling(ceiling_for(book.available));
      book.stopped = false;  // new money reopens a region that had stopped
      out.regions[static_cast<std::size_t>(move.to)].received += move.amount;
    }
  };
  auto take_positions = [&](std::int32_t day) {
    for (int r = 0; r < regions; ++r) {
      const RegionBook& book = ws.books[static_cast<std::size_t>(r)];
      const double share_filed =
          plan_.regions[static_cast<std::size_t>(r)].cumulative_intensity[static_cast<std::size_t>(day)];
      ws.positions[static_cast<std::size_t>(r)] =
          project_position(book.available, book.ledger.outstanding(), book.carryover,
                           book.filed - book.ledger.released(), share_filed);
    }
  };

  // The national reserve, held back on the first day.
  Cents reserve = 0;
  if (steering.reserve_share > 0) {
    for (int r = 0; r < regions; ++r) {
      const Cents cut = round_half_away(
          static_cast<double>(plan_.regions[static_cast<std::size_t>(r)].available) * steering.reserve_share);
      if (cut == 0) continue;
      out.moves.push_back({0, r, national_reserve, cut});
      apply_move(out.moves.back());
      reserve += cut;
    }
  }

  std::vector<std::int32_t> meetings;
  for (const Date& date : steering.committee_dates) {
    const std::int32_t day = days_between(scenario_.convention.commitment_start, date);
    // Meetings before the cut-off of a forecast from actuals have already acted.
    if (day >= plan_.first_simulated_day && day < plan_.window_days) meetings.push_back(day);
  }
  const std::optional<ComplementaryAllocationRule>& complementary = steering.complementary;
  std::vector<Cents> initial_available(static_cast<std::size_t>(regions));
  for (int r = 0; r < regions; ++r)
    initial_available[static_cast<std::size_t>(r)] = plan_.regions[static_cast<std::size_t>(r)].available;
  const Cents pool = scenario_.convention.total_available();
  bool requested = false;
  std::int32_t arrival_day = -1;
  std::size_t meeting = 0;
  for (;;) {
    std::int32_t next = plan_.window_days;
    if (meeting < meetings.size()) next = std::min(next, meetings[meeting]);
    if (arrival_day >= 0) next = std::min(next, arrival_day);
    for (int r = 0; r < regions; ++r) file_until(r, next, ws, out);
    if (next >= plan_.window_days) break;
    if (arrival_day == next) {
      take_positions(next);
      const std::vector<Cents> parts =
          split_complementary(*complementary, complementary->amount, ws.positions, initial_available);
      for (int r = 0; r < regions; ++r) {
        if (parts[static_cast<std::size_t>(r)] == 0) continue;
        out.moves.push_back({next, state_allocation, r, parts[static_cast<std::size_t>(r)]});
        apply_move(out.moves.back());
      }
      out.national.complementary_received += complementary->amount;
      arrival_day = -1;
    }
    if (meeting < meetings.size() && meetings[meeting] == next) {
      take_positions(next);
      const std::size_t first_move = out.moves.size();
      decide_meeting(steering, next, ws.positions, reserve, out.moves);
      for (std::size_t m = first_move; m < out.moves.size(); ++m) apply_move(out.moves[m]);
      ++meeting;
      if (complementary && !requested) {
        Cents outstanding = 0;
        for (const RegionBook& book : ws.books) outstanding += book.ledger.outstanding();
        if (static_cast<double>(outstanding) >= complementary->threshold_share * static_cast<double>(pool)) {
          requested = true;
          // Arriving after the deadline it could not be committed: the State would not send it.
          if (next + complementary->delay_days < plan_.window_days)
            arrival_day = next + complementary->delay_days;
        }
      }
    }
  }
  out.national.reserve_unused = reserve;
}

void Simulator::close_books(Workspace& ws, ReplicationOutcome& out) const {
  for (int r = 0; r < region_count(); ++r) {
    RegionBook& book = ws.books[static_cast<std::size_t>(r)];
    RegionOutcome& ro = out.regions[static_cast<std::size_t>(r)];
    book.ledger.release(book.released_after_deadline);
    ro.lapsed = book.released_after_deadline;
    ro.committed = book.ledger.committed();
    ro.released = book.ledger.released();
    ro.paid = book.ledger.paid();
    ro.available_final = book.available;
  }
}

}  // namespace fnesim
