#include "models/envelope.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fnesim {

Cents overcommit_ceiling(Cents available, double margin) {
  return margin > 0 ? available + round_to_cents(static_cast<double>(available) / cents_per_euro * margin)
                    : available;
}

Cents smallest_envelope_for_ceiling(const Convention& convention, Cents ceiling, double margin) {
  const double kept = convention.kept_share();
  if (kept <= 0)
    throw std::domain_error("a fee rate of 100 % leaves nothing to commit, whatever the envelope");
  // A guess from the real-valued inverse, a little below, then up to the first that reaches.
  auto envelope = static_cast<Cents>(std::ceil(static_cast<double>(ceiling) / (kept * (1 + margin)))) - 2;
  while (overcommit_ceiling(convention.available_of(envelope), margin) < ceiling) ++envelope;
  return envelope;
}

Cents total_envelope_for_regions(const Convention& convention, Cents regional_sum) {
  if (convention.fee_mode == FeeMode::ProRata) return regional_sum;
  const double kept = 1 - convention.fee_rate.as_fraction();
  if (kept <= 0)
    throw std::domain_error("a fee rate of 100 % leaves nothing to the regions, whatever the total");
  const auto left = [&](Cents total) { return total - apply_rate(total, convention.fee_rate); };
  // A start below the answer whatever the rate (the fee's rounding moves what is left by half a cent).
  auto total = std::max(convention.total_envelope,
                        static_cast<Cents>(std::floor(static_cast<double>(regional_sum - 1) / kept)) - 2);
  while (left(total) < regional_sum) ++total;
  return total;
}

}  // namespace fnesim
