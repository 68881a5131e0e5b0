// PrefaultForWrite (prefault.hpp): maps every page of a fresh block (mincore says resident), leaves
// contents alone, ignores small blocks, and a Gram matrix large enough to use it is unchanged.
#include "kernel/prefault.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {
namespace {

struct Mapping {  // fresh anonymous memory: no page is resident until written
  explicit Mapping(std::size_t n) : bytes(n) {
    ptr = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  ~Mapping() {
    if (ptr != MAP_FAILED) munmap(ptr, bytes);
  }
  std::size_t Resident() const {  // pages mapped now
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> v((bytes + page - 1) / page);
    if (mincore(ptr, bytes, v.data()) != 0) return 0;
    std::size_t r = 0;
    for (unsigned char c : v) r += c & 1;
    return r;
  }
  std::size_t Pages() const { return bytes / static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }
  void* ptr;
  std::size_t bytes;
};

bool KernelHasPopulateWrite() {  // Linux ≥ 5.14
  utsname u{};
  int major = 0, minor = 0;
  if (uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 5 || (major == 5 && minor >= 14);
}

TEST(Prefault, MapsEveryPageOfAFreshBlock) {
  if (!KernelHasPopulateWrite()) GTEST_SKIP() << "kernel older than 5.14: no MADV_POPULATE_WRITE";
  const int saved = NumThreads();
  SetNumThreads(2);
  Mapping m(kPrefaultMinBytes + (std::size_t(3) << 20));
  ASSERT_NE(m.ptr, MAP_FAILED);
  ASSERT_EQ(m.Resident(), 0u);
  EXPECT_TRUE(PrefaultForWrite(m.ptr, m.bytes));
  EXPECT_EQ(m.Resident(), m.Pages());
  // the pages read as zero, as fresh anonymous memory does
  const auto* p = static_cast<const unsigned char*>(m.ptr);
  for (std::size_t k = 0; k < m.bytes; k += 4093) ASSERT_EQ(p[k], 0) << k;
  SetNumThreads(saved);
}

TEST(Prefault, LeavesSmallBlocksAlone) {
  Mapping m(kPrefaultMinBytes - 4096);
  ASSERT_NE(m.ptr, MAP_FAILED);
  EXPECT_FALSE(PrefaultForWrite(m.ptr, m.bytes));
  EXPECT_EQ(m.Resident(), 0u);
  EXPECT_FALSE(PrefaultForWrite(nullptr, kPrefaultMinBytes));
}

TEST(Prefault, KeepsWrittenContents) {
  const int saved = NumThreads();
  SetNumThreads(2);
  const std::size_t n = (kPrefaultMinBytes + 12345) / sizeof(std::uint64_t);
  std::vector<std::uint64_t> v(n);
  for (std::size_t k = 0; k < n; ++k) v[k] = k * 0x9E3779B97F4A7C15ull;
  PrefaultForWrite(v.data() + 1, (n - 2) * sizeof(std::uint64_t));  // unaligned start and end
  for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(v[k], k * 0x9E3779B97F4A7C15ull) << k;
  SetNumThreads(saved);
}

TEST(Prefault, LargeGramMatchesTheScalarReference) {
  // 2100² doubles = 35 MB ≥ kPrefaultMinBytes: Gram and CrossGram take the prefault path; column
  // blocks of both must match the scalar reference (as gram_test.cpp requires of small ones).
  const int saved = NumThreads();
  SetNumThreads(2);
  Rng rng(5);
  Matrix X = rng.NormalMatrix(2100, 6);
  ASSERT_GE(sizeof(double) * static_cast<std::size_t>(X.rows() * X.rows()), kPrefaultMinBytes);
  KernelOptions k;
  const Matrix K = Gram(k, X), C = CrossGram(k, X, X);
  for (Index j0 : {Index{0}, Index{700}, Index{2000}}) {
    const Matrix ref = GramReference(k, X, X.middleRows(j0, 100));
    const double scale = ref.cwiseAbs().maxCoeff();
    EXPECT_LE((K.middleCols(j0, 100) - ref).cwiseAbs().maxCoeff(), 1e-12 * scale) << j0;
    EXPECT_LE((C.middleCols(j0, 100) - ref).cwiseAbs().maxCoeff(), 1e-12 * scale) << j0;
  }
  SetNumThreads(saved);
}

}  // namespace
}  // namespace marginlab::kernel
