#include "models/money.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace fnesim {

std::optional<Cents> parse_euros(std::string_view text) {
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  const auto all_digits = [](std::string_view part) {
    for (char c : part)
      if (c < '0' || c > '9') return false;
    return true;
  };
  // "12." and ".5" are rejected: an amount someone meant is written in full.
  if (whole.empty() || !all_digits(whole)) return std::nullopt;
  if (point != std::string_view::npos && (fraction.empty() || fraction.size() > 2 || !all_digits(fraction)))
    return std::nullopt;
  constexpr Cents max = std::numeric_limits<Cents>::max();
  Cents cents = 0;
  for (char c : whole) {
    const Cents digit = c - '0';
    if (cents > (max - digit) / 10) return std::nullopt;
    cents = cents * 10 + digit;
  }
  if (cents > max / cents_per_euro) return std::nullopt;
  cents *= cents_per_euro;
  Cents decimals = 0;
  if (!fraction.empty()) decimals = (fraction[0] - '0') * 10 + (fraction.size() == 2 ? fraction[1] - '0' : 0);
  if (cents > max - decimals) return std::nullopt;
  return cents + decimals;
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

std::string plain_euros(Cents amount) {
  // snprintf, not string concatenation: GCC 12's -Wrestrict misreads the latter here.
  const Cents magnitude = amount < 0 ? -amount : amount;
  char text[32];
  std::snprintf(text, sizeof text, "%s%lld.%02lld", amount < 0 ? "-" : "",
                static_cast<long long>(magnitude / cents_per_euro),
                static_cast<long long>(magnitude % cents_per_euro));
  return text;
}

}  // namespace fnesim
