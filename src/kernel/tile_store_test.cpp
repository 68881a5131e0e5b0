// StoreTileTransposed and StoreTile (tile_store.hpp) against the plain double loops.
#include "kernel/tile_store.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace marginlab::kernel {
namespace {

// Every tile shape around the 8×8 blocks, source and destination leading dimensions larger than
// the tile, destinations starting at several offsets from a 64-byte line.
void CheckAgainstTheLoop(bool transposed) {
  for (Index r : {1, 7, 8, 9, 16, 23, 64})
    for (Index c : {1, 5, 8, 15, 24, 33})
      for (Index ld_src : {r, r + 3})
        for (Index extra : {0, 1, 8, 40})
          for (Index offset : {0, 1, 3, 8}) {
            const Index rows_dst = transposed ? c : r, cols_dst = transposed ? r : c;
            const Index ld_dst = rows_dst + extra;
            std::vector<double> src(static_cast<std::size_t>(ld_src * c));
            for (std::size_t k = 0; k < src.size(); ++k) src[k] = 0.5 + static_cast<double>(k) * 1.25;
            const std::size_t size = static_cast<std::size_t>(offset + ld_dst * cols_dst + 8);
            std::vector<double, Eigen::aligned_allocator<double>> got(size, -1.0), want(size, -1.0);
            double* g = got.data() + offset;
            double* w = want.data() + offset;
            if (transposed)
              StoreTileTransposed(src.data(), ld_src, r, c, g, ld_dst);
            else
              StoreTile(src.data(), ld_src, r, c, g, ld_dst);
            for (Index i = 0; i < r; ++i)
              for (Index j = 0; j < c; ++j)
                (transposed ? w[j + i * ld_dst] : w[i + j * ld_dst]) = src[static_cast<std::size_t>(i + j * ld_src)];
            ASSERT_EQ(got, want) << (transposed ? "transposed" : "copy") << " r " << r << " c " << c
                                 << " ld_src " << ld_src << " ld_dst " << ld_dst << " offset " << offset;
          }
}

TEST(TileStore, TransposedEqualsTheLoopForEveryShapeAndOffset) { CheckAgainstTheLoop(true); }

TEST(TileStore, CopyEqualsTheLoopForEveryShapeAndOffset) { CheckAgainstTheLoop(false); }

}  // namespace
}  // namespace marginlab::kernel
