#include "models/convention.hpp"

namespace fnesim {

Cents Convention::fees(std::size_t region) const {
  return fee_mode == FeeMode::ProRata ? apply_rate(regions.at(region).envelope, fee_rate) : 0;
}

Cents Convention::available_of(Cents envelope) const {
  return fee_mode == FeeMode::ProRata ? envelope - apply_rate(envelope, fee_rate) : envelope;
}

Cents Convention::available(std::size_t region) const { return available_of(regions.at(region).envelope); }

Cents Convention::national_fees() const {
  if (fee_mode == FeeMode::National) return apply_rate(total_envelope, fee_rate);
  Cents sum = 0;
  for (std::size_t r = 0; r < regions.size(); ++r) sum += fees(r);
  return sum;
}

Cents Convention::total_available() const {
  Cents sum = 0;
  for (std::size_t r = 0; r < regions.size(); ++r) sum += available(r);
  return sum;
}

}  // namespace fnesim
