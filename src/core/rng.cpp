// xoshiro256** seeded by SplitMix64, with key-based stream splitting.
// Sources: Blackman & Vigna, "Scrambled linear pseudorandom number generators"
// (2018); Steele, Lea & Flood, "Fast splittable pseudorandom number generators"
// (SplitMix64, 2014); Lemire, "Fast random integer generation in an interval"
// (2019); Marsaglia & Bray polar method (1964).
#include "marginlab/core/rng.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace {
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
inline std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

std::uint64_t Mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Rng::Rng(std::uint64_t seed) { Seed(Mix64(seed + kGolden)); }

void Rng::Seed(std::uint64_t key) {
  key_ = key;
  std::uint64_t x = key;
  for (auto& w : s_) {
    x += kGolden;
    w = Mix64(x);
  }
  have_spare_ = false;
}

Rng Rng::Split(std::uint64_t k) const {
  Rng child;
  child.Seed(Mix64(key_ ^ Mix64(k + kGolden)));
  return child;
}

std::uint64_t Rng::NextU64() {
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

double Rng::UniformOpen() {
  return (static_cast<double>(NextU64() >> 12) + 0.5) * 0x1.0p-52;
}

std::uint64_t Rng::UniformInt(std::uint64_t n) {
  ML_CHECK(n > 0) << "UniformInt needs n > 0";
  unsigned __int128 m = static_cast<unsigned __int128>(NextU64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(NextU64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::Normal() {
  if (have_spare_) {
    have_spare_ = false;
    return spare_;
  }
  double u, v, s;
  do {
    u = 2.0 * Uniform() - 1.0;
    v = 2.0 * Uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * f;
  have_spare_ = true;
  return u * f;
}

Matrix Rng::NormalMatrix(Index rows, Index cols, double std) {
  Matrix m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = std * Normal();
  return m;
}

Vector Rng::UnitSphere(Index dim) {
  ML_CHECK(dim > 0) << "UnitSphere needs dim > 0";
  Vector v(dim);
  double norm2 = 0.0;
  do {
    for (Index i = 0; i < dim; ++i) v(i) = Normal();
    norm2 = v.squaredNorm();
  } while (norm2 == 0.0);
  return v / std::sqrt(norm2);
}

}  // namespace marginlab
