// The libFuzzer entry points of one target: fuzz/CMakeLists.txt compiles this
// file once per target with MARGINLAB_FUZZ_TARGET set to its function
// (FuzzIdx, FuzzCsv, …; see targets.hpp).
#include <cstddef>
#include <cstdint>

#include "targets.hpp"

#ifndef MARGINLAB_FUZZ_TARGET
#error "define MARGINLAB_FUZZ_TARGET, e.g. -DMARGINLAB_FUZZ_TARGET=FuzzIdx"
#endif

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  marginlab::fuzz::Init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return marginlab::fuzz::MARGINLAB_FUZZ_TARGET(data, size);
}
