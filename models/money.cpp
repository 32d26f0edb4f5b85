#include "models/money.hpp"

#include <cmath>
#include <cstdlib>

namespace fnesim {

Cents round_to_cents(double euros) { return static_cast<Cents>(std::llround(euros * cents_per_euro)); }

Cents apply_rate(Cents amount, Rate rate) {
  // |amount| < 2^63 / 10^4 holds for any realistic sum (9.2e14 EUR).
  const Cents scaled = amount * rate.basis_points;
  const Cents half = Rate::full / 2;
  return scaled >= 0 ? (scaled + half) / Rate::full : -((-scaled + half) / Rate::full);
}

std::string format_euros(Cents amount) {
  const bool negative = amount < 0;
  const Cents magnitude = negative ? -amount : amount;
  std::string whole = std::to_string(magnitude / cents_per_euro);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ' ';
    grouped += whole[i];
  }
  const Cents fraction = magnitude % cents_per_euro;
  return (negative ? "-" : "") + grouped + '.' + (fraction < 10 ? "0" : "") + std::to_string(fraction);
}

}  // namespace fnesim
