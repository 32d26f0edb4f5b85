#pragma once
// The framework convention between the State (DGEFP) and OPCO 2i as data:
// envelope, fees, regions, dates (art. 5, 6, 7 and annex).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/calendar.hpp"
#include "models/money.hpp"

namespace fnesim {

// How OPCO 2i's management fees (art. 6: 5 %, included in the envelope) are taken.
enum class FeeMode {
  ProRata,  // withheld from each regional envelope: available = envelope − round(envelope × fee rate)
  National  // kept aside nationally; the regional envelopes are then net and add up to total − fees
};

// What becomes of a training that would run past training_end (art. 7: "les
// actions de formation pourront se réaliser jusqu'au 30 avril 2022"): only
// what is realised by then may be paid.
enum class PastDeadline {
  ProRata,   // committed; paid for the days done by the deadline, the rest lapses
  Refuse,    // refused at commitment: its planned end is known when it is filed
  PayInFull  // paid as if the deadline did not bind (for comparison only)
};
// The scenario's spelling of each, in the enum's order.
inline constexpr std::array<std::string_view, 3> past_deadline_keys = {"pro-rata", "refuse", "pay-in-full"};

// Whether a training of `duration` days from day `start` (it runs on days
// start … start + duration − 1) would run past the deadline.
constexpr bool runs_past(std::int32_t start, int duration, std::int32_t last_training_day) {
  return start > last_training_day || start + duration - 1 > last_training_day;
}
// What is paid of the realised amount of a training that runs past the
// deadline, under pro rata: only its days up to `last_training_day`
// (rounded half away from zero, to the cent; the rest lapses).
Cents realised_pro_rata(Cents realised, std::int32_t start, int duration, std::int32_t last_training_day);
// The part of a training's realised amount paid under `rule`. Inline for the
// common case, a training within the deadline: nearly every simulated dossier.
inline Cents realised_by_deadline(Cents realised, std::int32_t start, int duration,
                                  std::int32_t last_training_day, PastDeadline rule) {
  if (rule == PastDeadline::PayInFull || !runs_past(start, duration, last_training_day)) return realised;
  return realised_pro_rata(realised, start, duration, last_training_day);
}

struct Region {
  std::string code;    // short key used in scenario files, e.g. "ARA"
  std::string name;    // e.g. "Auvergne-Rhône-Alpes"
  Cents envelope = 0;  // annex figure
};

struct Convention {
  Cents total_envelope = 0;  // art. 6: 150 M EUR
  Rate fee_rate{};           // art. 6: 5 %
  FeeMode fee_mode = FeeMode::ProRata;
  std::vector<Region> regions;                 // annex, in the scenario's order
  Date commitment_start;                       // art. 7: 2021-01-01
  Date commitment_end;                         // art. 7: 2021-12-31 (last day commitments may be made)
  Date training_end;                           // art. 7: 2022-04-30 (last day training may run)
  PastDeadline past_deadline = PastDeadline::ProRata;
  // The financial review (art. 7: "avant le 1er mars 2022"): the day of its
  // snapshot. Absent from the scenario, two months before training_end
  // (2022-02-28 under 2021's convention).
  Date financial_review;
  std::vector<Date> steering_committee_dates;  // art. 5: once per semester

  // What a region may commit: its envelope less its share of the fees.
  Cents available(std::size_t region) const;
  // The same rule for any envelope amount (a recommended one): less the fees
  // at `fee_rate` in pro-rata mode, all of it in national mode.
  Cents available_of(Cents envelope) const;
  // The share of an envelope left for dossiers, as a real number (1 − fee rate
  // in pro-rata mode, 1 in national mode): for continuous approximations only.
  double kept_share() const { return fee_mode == FeeMode::ProRata ? 1.0 - fee_rate.as_fraction() : 1.0; }
  Cents fees(std::size_t region) const;  // zero per region in national mode
  Cents national_fees() const;           // the sum of regional fees, or total × rate in national mode
  Cents total_available() const;
  // Days in the commitment window: commitment_end − commitment_start + 1.
  int commitment_days() const { return days_between(commitment_start, commitment_end) + 1; }
};

}  // namespace fnesim
