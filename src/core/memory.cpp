// The memory budget and saturating size arithmetic (see memory.hpp).
#include "marginlab/core/memory.hpp"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace {

std::atomic<std::uint64_t> g_override{0};

std::uint64_t AvailableMemory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
  return std::uint64_t{8} << 30;  // nothing to go by: 8 GiB
}

std::uint64_t DefaultBudget() {
  static const std::uint64_t budget = [] {
    if (const char* env = std::getenv("MARGINLAB_MEMORY_BUDGET"); env && *env)
      return ParseByteSize(env, "MARGINLAB_MEMORY_BUDGET");
    return AvailableMemory();
  }();
  return budget;
}

}  // namespace

std::uint64_t SaturatingMul(std::uint64_t a, std::uint64_t b) {
  if (a == kNoFit || b == kNoFit) return (a == 0 || b == 0) ? 0 : kNoFit;
  std::uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? kNoFit : r;
}

std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? kNoFit : r;
}

std::uint64_t ArrayBytes(std::initializer_list<long long> extents, std::uint64_t element_bytes) {
  std::uint64_t bytes = element_bytes;
  bool negative = false;
  for (long long e : extents) {
    if (e < 0) negative = true;
    else bytes = SaturatingMul(bytes, static_cast<std::uint64_t>(e));
  }
  return negative ? kNoFit : bytes;
}

std::uint64_t MemoryBudget() {
  const std::uint64_t o = g_override.load();
  return o != 0 ? o : DefaultBudget();
}

void SetMemoryBudget(std::uint64_t bytes) { g_override.store(bytes); }

std::uint64_t ParseByteSize(const std::string& text, const std::string& what) {
  const char* s = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  std::string suffix(end ? end : "");
  while (!suffix.empty() && (suffix.back() == 'B' || suffix.back() == 'b' || suffix.back() == ' '))
    suffix.pop_back();
  if (!suffix.empty() && suffix.back() == 'i') suffix.pop_back();  // "GiB"
  double mult = 1;
  if (suffix == "K" || suffix == "k") mult = 1024.0;
  else if (suffix == "M" || suffix == "m") mult = 1024.0 * 1024;
  else if (suffix == "G" || suffix == "g") mult = 1024.0 * 1024 * 1024;
  else if (suffix == "T" || suffix == "t") mult = 1024.0 * 1024 * 1024 * 1024;
  else if (!suffix.empty()) mult = -1;
  const double bytes = v * mult;
  if (end == s || mult < 0 || !(bytes >= 1) || !(bytes < 1.8e19))
    throw InputError(what + ": expected a size in bytes such as 512M, 8G or 1073741824, got '" +
                     text + "'");
  return static_cast<std::uint64_t>(bytes);
}

std::string FormatBytes(std::uint64_t bytes) {
  if (bytes == kNoFit) return "more than 16 EiB (the size overflows)";
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 5) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

std::string MemoryProblem(std::uint64_t bytes, const std::string& what) {
  const std::uint64_t budget = MemoryBudget();
  if (bytes <= budget) return "";
  return what + " would need " + FormatBytes(bytes) + ", more than the memory budget of " +
         FormatBytes(budget) + " (the memory available; set --memory-budget or " +
         "MARGINLAB_MEMORY_BUDGET to change it)";
}

void RequireMemory(std::uint64_t bytes, const std::string& what) {
  const std::string p = MemoryProblem(bytes, what);
  if (!p.empty()) throw InputError(p);
}

}  // namespace marginlab
