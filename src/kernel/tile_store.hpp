// Writing a finished Gram tile, and its transpose (the mirror half of a symmetric Gram matrix),
// from a scratch tile into the (large) output matrix.
//
// The mirrored entries are written once and not read back by the pass that writes them, so the
// stores need not pull the destination lines into cache first (a normal store does:
// read-for-ownership, twice the memory traffic). On AVX-512 builds the transpose runs in 8×8
// register blocks and every destination line that is 64-byte aligned is written with a
// non-temporal store (VMOVNTPD); the edges and unaligned destinations use normal stores. Values
// are copied exactly. Against Eigen's transposed block assignment this made Gram(n = 2000) 10–16%
// faster on the 2-core VM of bench/results (d = 100 and 20), and no slower at n = 10,000. Since
// 2026-11-23 the tile itself is computed in a scratch tile (in cache) and copied out the same way
// (StoreTile): at n = 10,000 writing the upper tile in place read every line of it from memory
// first; the copy made Gram 5–10% and CrossGram 7–15% faster there.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

// dst[j + i·ld_dst] = src[i + j·ld_src] for i < r, j < c: the transpose of the column-major r×c
// tile src, written into the column-major dst. src and dst must not overlap.
void StoreTileTransposed(const double* src, Index ld_src, Index r, Index c, double* dst, Index ld_dst);

// dst[i + j·ld_dst] = src[i + j·ld_src]: the tile copied as it is, non-temporal where aligned.
void StoreTile(const double* src, Index ld_src, Index r, Index c, double* dst, Index ld_dst);

}  // namespace marginlab::kernel
