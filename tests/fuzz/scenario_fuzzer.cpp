// libFuzzer entry point: scenario TOML text (tests/fuzz/fuzz_inputs.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fnesim::fuzz::scenario_text({reinterpret_cast<const char*>(data), size});
  return 0;
}
