#include "models/convention.hpp"

#include <algorithm>

namespace fnesim {

Cents realised_pro_rata(Cents realised, std::int32_t start, int duration, std::int32_t last_training_day) {
  const std::int64_t done = std::clamp<std::int64_t>(std::int64_t{last_training_day} - start + 1, 0, duration);
  if (done == 0) return 0;
  // realised × done / duration, rounded half away, in integers: 128 bits so
  // that no amount the validator accepts can overflow.
  const __int128 twice = static_cast<__int128>(realised) * done * 2;
  return static_cast<Cents>((twice + duration) / (2 * static_cast<__int128>(duration)));
}

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
