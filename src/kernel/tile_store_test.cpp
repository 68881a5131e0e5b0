// StoreTileTransposed and StoreTile (tile_store.hpp) against the plain double loops: every tile shape around the
// 8×8 blocks, aligned and unaligned destinations, leading dimensions larger than the tile.
#include "marginlab/kernel/tile_store.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace marginlab {
namespace {

TEST(TileStore, TransposedEqualsTheLoopForEveryShapeAndOffset) {
  for (Index r : {1, 7, 8, 9, 16, 23, 64})
    for (Index c : {1, 5, 8, 15, 24, 33})
      for (Index ld_src : {r, r + 3})
        for (Index ld_dst : {c, c + 1, c + 8, Index{104}})
          for (Index offset : {0, 1, 3, 8}) {  // destination start in doubles from a 64-byte line
            if (ld_dst < c) continue;
            std::vector<double> src(static_cast<std::size_t>(ld_src * c));
            for (std::size_t k = 0; k < src.size(); ++k) src[k] = 0.5 + static_cast<double>(k) * 1.25;
            const std::size_t size = static_cast<std::size_t>(offset + ld_dst * r + 8);
            std::vector<double, Eigen::aligned_allocator<double>> got(size, -1.0), want(size, -1.0);
            double* g = got.data() + offset;
            double* w = want.data() + offset;
            StoreTileTransposed(src.data(), ld_src, r, c, g, ld_dst);
            for (Index i = 0; i < r; ++i)
              for (Index j = 0; j < c; ++j) w[j + i * ld_dst] = src[static_cast<std::size_t>(i + j * ld_src)];
            ASSERT_EQ(got, want) << "r " << r << " c " << c << " ld_src " << ld_src << " ld_dst " << ld_dst
                                 << " offset " << offset;
          }
}

TEST(TileStore, CopyEqualsTheLoopForEveryShapeAndOffset) {
  for (Index r : {1, 7, 8, 9, 16, 23, 64})
    for (Index c : {1, 5, 8, 15})
      for (Index ld_src : {r, r + 3})
        for (Index ld_dst : {r, r + 1, r + 8, Index{104}})
          for (Index offset : {0, 1, 3, 8}) {  // destination start in doubles from a 64-byte line
            if (ld_dst < r) continue;
            std::vector<double> src(static_cast<std::size_t>(ld_src * c));
            for (std::size_t k = 0; k < src.size(); ++k) src[k] = 0.5 + static_cast<double>(k) * 1.25;
            const std::size_t size = static_cast<std::size_t>(offset + ld_dst * c + 8);
            std::vector<double, Eigen::aligned_allocator<double>> got(size, -1.0), want(size, -1.0);
            double* g = got.data() + offset;
            double* w = want.data() + offset;
            StoreTile(src.data(), ld_src, r, c, g, ld_dst);
            for (Index j = 0; j < c; ++j)
              for (Index i = 0; i < r; ++i) w[i + j * ld_dst] = src[static_cast<std::size_t>(i + j * ld_src)];
            ASSERT_EQ(got, want) << "r " << r << " c " << c << " ld_src " << ld_src << " ld_dst " << ld_dst
                                 << " offset " << offset;
          }
}

}  // namespace
}  // namespace marginlab
