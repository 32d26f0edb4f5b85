#pragma once
// SHA-256 (FIPS 180-4), to fingerprint the resolved scenario text recorded in
// run files: a reader can tell whether two runs used the same inputs without
// comparing the texts. Small enough not to justify a crypto dependency.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace fnesim {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::array<std::uint8_t, 32> finish();  // the object must not be updated afterwards

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// Lower-case hexadecimal digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace fnesim
