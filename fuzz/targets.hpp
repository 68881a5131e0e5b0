// libFuzzer targets for marginlab's readers: one function per target, shared
// by the fuzz binaries (fuzz/harness.cpp, built by fuzz/CMakeLists.txt with
// clang and -fsanitize=fuzzer,address,undefined) and by the replay test
// (src/data/fuzz_replay_test.cpp, built with the normal test suite), which runs
// every file of fuzz/corpus/<target>/ and fuzz/regressions/<target>/.
//
// A target returns 0 when the input was read or refused with an InputError or
// UnavailableError (the expected outcomes for bad input). Anything else — a
// crash, a sanitizer report, std::bad_alloc, std::out_of_range, or
// marginlab::InternalError (a broken invariant, by the project's convention) —
// escapes, and libFuzzer records the input as a crash.
//
// Input layouts (what the seed corpora hold; see fuzz/make_inputs.py):
//   idx:       byte 0 selects the mode. Even: the rest is one IDX file (raw or
//              gzip) → ParseIdx. Odd: bytes 1–2 (little-endian) give where
//              the rest splits into an image file and a label file →
//              ParseIdxDataset, with pair/classes/limit/scale chosen by bits 1–5.
//   csv:       byte 0 chooses header (auto/true/false), delimiter (, ; tab
//              space), label kind and label column; the rest is the file.
//   npy:       one .npy file → ParseNpy; 2-D and 1-D arrays also go through
//              NpyToMatrix / NpyToVector, and the values are written back
//              with EncodeNpy and read again (they must round-trip).
//   npz:       one .npz file → ParseNpz.
//   config:    a TOML experiment file → ParseExperimentConfig, then
//              ExpandTrials for every scale (scales of 10^4 to 10^7 trials are
//              skipped: legitimate, only slow).
//   data_spec: a --data argument → LoadData, for generator specs only (reader
//              specs and paths would read arbitrary files); teacher and
//              linear specs whose sampling could cost more than 10^7
//              d·(k + 10)-units (about 0.5 s here) are skipped (legitimate,
//              only slow).
// Every target runs under a 64 MiB memory budget (Init()), so inputs that
// would need more are refused by the budget checks rather than allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace marginlab::fuzz {

// The memory budget of every target (SetMemoryBudget); Init() sets it.
inline constexpr std::uint64_t kFuzzMemoryBudget = std::uint64_t{64} << 20;
void Init();

int FuzzIdx(const std::uint8_t* data, std::size_t size);
int FuzzCsv(const std::uint8_t* data, std::size_t size);
int FuzzNpy(const std::uint8_t* data, std::size_t size);
int FuzzNpz(const std::uint8_t* data, std::size_t size);
int FuzzConfig(const std::uint8_t* data, std::size_t size);
int FuzzDataSpec(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;  // the folder under fuzz/corpus and fuzz/regressions
  int (*run)(const std::uint8_t*, std::size_t);
};
const std::vector<Target>& Targets();

}  // namespace marginlab::fuzz
