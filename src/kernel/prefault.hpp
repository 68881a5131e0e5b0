// Mapping a large, freshly allocated result in parallel before a tiled pass writes it.
//
// A new n×n Gram matrix above glibc's mmap threshold (32 MiB) is fresh anonymous memory: the
// first write to each 4 KiB page traps into the kernel, which zeroes and maps it. On the 2-core VM
// of bench/results that costs ~0.4 s of kernel time for the 800 MB result at n = 10,000 — more than
// the Gram's own arithmetic (0.17–0.20 s there). Letting the tile workers take those faults one page at
// a time, interleaved with their tiles, is slower than asking the kernel to map whole ranges:
// madvise(MADV_POPULATE_WRITE) (Linux ≥ 5.14) in chunks run on NumThreads() workers cut
// Gram(n = 10,000) from 0.40–0.43 s to 0.31–0.34 s at d = 100 and from 0.33–0.55 s to 0.24–0.34 s
// at d = 20 (interleaved runs, 2 threads, benchmark BM_Gram; chunks of 8–400 MiB all gave
// 0.31–0.33 s and 0.23–0.27 s, 2 MiB chunks 0.34–0.35 s and 0.26–0.28 s; 8 MiB is used).
//
// Contents are untouched (pages already mapped are skipped; fresh ones read as zero, and the caller
// overwrites every entry anyway), so results are bit-identical with or without it. Advisory: where
// the kernel lacks MADV_POPULATE_WRITE, or cannot map the pages now, it does nothing and the pass's
// own writes fault the pages in as before.
#pragma once
#include <cstddef>

namespace marginlab::kernel {

// Blocks smaller than this are left alone (they usually come from memory the process has touched).
inline constexpr std::size_t kPrefaultMinBytes = std::size_t(32) << 20;

// Maps [data, data + bytes) writable in parallel if bytes ≥ kPrefaultMinBytes. Returns true when
// every whole page in the range is now mapped by this call, false when it did nothing (too small,
// unsupported kernel, or the kernel refused).
bool PrefaultForWrite(void* data, std::size_t bytes);

}  // namespace marginlab::kernel
