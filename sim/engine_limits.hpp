#pragma once
// What one replication can hold, derived from the engine's arithmetic and
// memory. The scenario reader refuses stated values beyond them (with the
// bound in the message); the engine checks what it draws against them, since
// uncertain uptakes and wide cost distributions can carry a draw past any
// stated value: it then stops with EngineLimitError instead of overflowing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/money.hpp"
#include "sim/errors.hpp"

namespace fnesim::limits {

// Expected dossiers a year, nationally, in any one key (arrivals, carry-over,
// diagnostics, an event's new population). A replication stages every
// dossier of a region in memory, about 70 bytes each per thread; a million
// is 70 MB, and 50 times the take-up of 2021 (domain.md).
inline constexpr double max_expected_dossiers = 1'000'000;

// The mean of one region's Poisson draw of arrivals in one replication, once
// uptake, drift, jumps and events have moved it: ten times the stated limit.
// Beyond it the staged dossiers would outgrow memory (700 MB a thread), and
// the draw's int counter would come near 2^31.
inline constexpr double max_region_arrivals = 10'000'000;

// A stated mean amount (a cost per trainee, a dossier's FNE share): a
// thousandth of max_amount, so that a draw a thousand times the mean, and a
// dossier of many trainees at it, still fits what money may be.
inline constexpr double max_mean_amount_eur = 1e9;

// Regions of a convention: France has 18. With max_region_total, the
// national sums of a replication stay under 10^18 cents.
inline constexpr std::size_t max_regions = 100;

// What a region's filed dossiers may add up to in one replication, in cents
// (10^14 EUR): checked as they are staged, so that every sum of a
// replication — a region's demand, commitments, payments, the national totals
// over at most max_regions — stays inside int64.
inline constexpr Cents max_region_total = Cents{10'000'000'000'000'000};
static_assert(max_region_total * static_cast<Cents>(max_regions) <= INT64_MAX / 9,
              "the national sums of a replication must stay far inside int64");

// Trainees per dossier, on average or fixed.
inline constexpr std::int64_t max_trainees_per_dossier = 100'000;

// The commitment window and everything after it (training, payments,
// settlement): per-day and per-month tables grow with it.
inline constexpr int max_window_days = 3'660;       // ten years of commitments
inline constexpr int max_horizon_days = 2 * 3'660;  // commitment start to training end

// An event's factor on the intensity of arrivals.
inline constexpr double max_intensity_factor = 1'000;

// A scenario's coefficient of variation (uptake, costs) and lognormal σ:
// beyond them a draw a thousand times its mean stops being rare.
inline constexpr double max_cv = 10;
inline constexpr double max_sigma = 3;
// The smallest CV (or drop-out sd) that is not 0: a Gamma's shape 1/cv² stays
// within 10¹², where its quantiles are computed (models/distribution.hpp);
// below it, 1/cv² overflows long before the spread means anything.
inline constexpr double min_cv = 1e-6;

// A drawn quantity beyond what the engine can hold: the scenario's
// distributions reach further than its stated values. Bad input, exit 2.
class EngineLimitError : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

// A drawn amount in euros as cents, or EngineLimitError when beyond
// max_amount (or not a number).
[[noreturn, gnu::noinline, gnu::cold]] inline void throw_amount_beyond_limit(double euros, const char* what) {
  throw EngineLimitError(std::string("a simulated ") + what + " of " + std::to_string(euros) +
                         " EUR: beyond the 10^12 EUR any amount may be; the scenario's cost distributions "
                         "reach too far (lower their means, sigma or cv)");
}
// (The message is built out of line, so that the check inlines into the dossier loop.)
inline Cents drawn_cents(double euros, const char* what) {
  if (euros >= 0 && euros <= static_cast<double>(max_amount / cents_per_euro)) [[likely]]
    return round_to_cents(euros);
  throw_amount_beyond_limit(euros, what);
}

}  // namespace fnesim::limits
