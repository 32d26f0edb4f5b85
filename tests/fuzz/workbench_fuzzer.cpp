// libFuzzer entry point: a request body of the workbench's page (tests/fuzz/fuzz_inputs.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fnesim::fuzz::workbench_request({reinterpret_cast<const char*>(data), size});
  return 0;
}
