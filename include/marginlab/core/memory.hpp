// The memory budget: sizes that come from input (file headers, generator
// specs, flags, configs) are checked against it BEFORE anything is allocated,
// so a bad or hostile input gets a one-line InputError naming the culprit and
// the bytes it would need, instead of std::bad_alloc or the OOM killer.
//
// Budget (bytes), in order of precedence:
//   1. SetMemoryBudget(b) (the CLI's --memory-budget, a test, a fuzz harness);
//   2. the environment variable MARGINLAB_MEMORY_BUDGET ("512M", "8G", "1.5T",
//      plain bytes; K/M/G/T are powers of 1024);
//   3. the memory available when first asked (MemAvailable in /proc/meminfo,
//      else the physical memory), read once per process.
// The check is per request (one array, one matrix), not a running total: it
// stops inputs that cannot possibly fit, not every way of running out.
//
// Size arithmetic saturates: ArrayBytes() returns kNoFit when a product
// overflows 64 bits, which no budget admits, so no caller needs to reason
// about wrap-around.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace marginlab {

inline constexpr std::uint64_t kNoFit = ~std::uint64_t{0};

// a·b, or kNoFit when it overflows (or either is kNoFit).
std::uint64_t SaturatingMul(std::uint64_t a, std::uint64_t b);
// a + b, or kNoFit when it overflows.
std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b);
// The bytes of an array with these extents and element size (saturating;
// negative extents count as kNoFit).
std::uint64_t ArrayBytes(std::initializer_list<long long> extents, std::uint64_t element_bytes);

std::uint64_t MemoryBudget();
void SetMemoryBudget(std::uint64_t bytes);  // 0: back to the environment / available memory
// Parses "512M", "8G", "1.5T", "1048576"; throws InputError naming `what`.
std::uint64_t ParseByteSize(const std::string& text, const std::string& what);
// "1.5 GiB", "512 B", "more than 16 EiB" (for kNoFit).
std::string FormatBytes(std::uint64_t bytes);

// "" when `bytes` fits the budget, else "<what> would need <N> (memory budget <B>; ...)".
// For Options::Validate(), which returns its problems as text.
std::string MemoryProblem(std::uint64_t bytes, const std::string& what);
// Throws InputError with MemoryProblem's text when `bytes` does not fit.
void RequireMemory(std::uint64_t bytes, const std::string& what);

}  // namespace marginlab
