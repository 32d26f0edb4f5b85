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

// Nearest cent, halves away from zero (the usual rule for public accounts).
Cents round_to_cents(double euros);

// A rate in ten-thousandths (basis points): the convention's rates (100 %, 80 %,
// 70 %, 40 %, and the block exemption's 60 %, 50 %) are exact in this unit, so
// applying one to an amount in cents is exact integer arithmetic.
struct Rate {
  std::int32_t basis_points = 0;
  static constexpr std::int32_t full = 10'000;
  double as_fraction() const { return basis_points / double(full); }
  friend bool operator==(Rate, Rate) = default;
};

// amount × rate, rounded to the nearest cent (halves away from zero).
Cents apply_rate(Cents amount, Rate rate);

// Parses an amount typed by a person, in euros, to cents exactly, without going
// through binary floating point: "1234.5" → 123450, "10000" → 1000000.
// Accepts digits with an optional '.' and one or two decimals; rejects signs,
// more than two decimals, separators, exponents, empty text and overflow.
std::optional<Cents> parse_euros(std::string_view text);

// "1 234 567.89" style rendering used in terminal tables.
std::string format_euros(Cents amount);

}  // namespace fnesim
