#pragma once
// Money is held in integer cents everywhere (domain.md, modelling decisions):
// every split is rounded once and its parts add up to the cent.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fnesim {

using Cents = std::int64_t;

constexpr Cents cents_per_euro = 100;

constexpr Cents euros(std::int64_t whole_euros) { return whole_euros * cents_per_euro; }

// The one range of money fnesim accepts wherever an amount is typed — a
// scenario's envelope or cost, a row of actuals, an amount quoted: 0 to
// 10^12 EUR (10^14 cents). Derived from the cents arithmetic: applying a rate
// in basis points multiplies an amount by at most 10^4, which keeps it at most
// 10^18, under 2^63 ≈ 9.2·10^18 with room for the sum of a few such products
// (a dossier's components, the regions' envelopes).
inline constexpr Cents max_amount = euros(1'000'000'000'000);
constexpr bool is_valid_amount(Cents amount) { return amount >= 0 && amount <= max_amount; }

// The nearest integer to x, halves away from zero: std::llround's rule,
// inline because it runs several times per simulated dossier. Exact for
// |x| < 2^52 (the fraction x − trunc(x) is then computed without error).
inline std::int64_t round_half_away(double x) {
  const auto whole = static_cast<std::int64_t>(x);  // truncates toward zero
  const double fraction = x - static_cast<double>(whole);
  return whole + (fraction >= 0.5) - (fraction <= -0.5);
}

// Nearest cent, halves away from zero (the usual rule for public accounts).
inline Cents round_to_cents(double euros) { return round_half_away(euros * cents_per_euro); }

// A rate in ten-thousandths (basis points): the convention's rates (100 %, 80 %,
// 70 %, 40 %, and the block exemption's 60 %, 50 %) are exact in this unit, so
// applying one to an amount in cents is exact integer arithmetic.
struct Rate {
  std::int32_t basis_points = 0;
  static constexpr std::int32_t full = 10'000;
  double as_fraction() const { return basis_points / double(full); }
  friend bool operator==(Rate, Rate) = default;
};

// amount × rate, rounded to the nearest cent (halves away from zero). Exact
// for |amount| ≤ 2^63 / 10^4 cents, which every accepted amount is.
constexpr Cents apply_rate(Cents amount, Rate rate) {
  const Cents scaled = amount * rate.basis_points;
  const Cents half = Rate::full / 2;
  return scaled >= 0 ? (scaled + half) / Rate::full : -((-scaled + half) / Rate::full);
}

static_assert(max_amount <= INT64_MAX / Rate::full / 9, "max_amount × a rate must stay far inside int64");

// Parses an amount typed by a person, in euros, to cents exactly, without going
// through binary floating point: "1234.5" → 123450, "10000" → 1000000.
// Accepts digits with an optional '.' and one or two decimals; rejects signs,
// more than two decimals, separators, exponents, empty text and overflow.
std::optional<Cents> parse_euros(std::string_view text);

// "1 234 567.89" style rendering used in terminal tables.
std::string format_euros(Cents amount);
// "1234567.89": an amount as the files fnesim writes for people to edit or
// read back (scenario TOML, actuals CSV) state it, and parse_euros reads it.
std::string plain_euros(Cents amount);

}  // namespace fnesim
