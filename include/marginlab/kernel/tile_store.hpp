// Writing the transpose of a finished Gram tile into the (large) output matrix: the mirror half
// of a symmetric Gram matrix.
//
// The mirrored entries are written once and not read back by the pass that writes them, so the
// stores need not pull the destination lines into cache first (a normal store does:
// read-for-ownership, twice the memory traffic). On AVX-512 builds the transpose runs in 8×8
// register blocks and every destination line that is 64-byte aligned is written with a
// non-temporal store (VMOVNTPD); the edges and unaligned destinations use normal stores. Values
// are copied exactly. Against Eigen's transposed block assignment this made Gram(n = 2000) 10–16%
// faster on the 2-core VM of bench/results (d = 100 and 20), and no slower at n = 10,000.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab {

// dst[j + i·ld_dst] = src[i + j·ld_src] for i < r, j < c: the transpose of the column-major r×c
// tile src, written into the column-major dst. src and dst must not overlap.
void StoreTileTransposed(const double* src, Index ld_src, Index r, Index c, double* dst, Index ld_dst);

}  // namespace marginlab
