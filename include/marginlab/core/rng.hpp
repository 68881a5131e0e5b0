// Seeded random numbers with reproducible stream splitting.
//
// Generator: xoshiro256** (Blackman & Vigna 2018), its 256-bit state filled by
// SplitMix64 from a 64-bit stream key. Every stream is named by a key; child
// streams are derived from the parent's *key*, never from its state:
//
//     key(Rng(seed))            = Mix(seed)
//     key(parent.Split(k))      = Mix(key(parent) ^ Mix(k + 0x9E37...))
//
// so `Rng(seed).Split(trial).Split(purpose)` yields the same numbers whether
// trial 7 runs first or last, on one thread or many, in this process or
// another: nothing about a stream depends on how much any other stream drew.
// The conventional path for experiment trial t is
//     Rng(seed).Split(t).Split(Purpose::kInit)         (and kData, kTeacher, …)
// Normal deviates use the Marsaglia polar method (a deterministic function of
// the uniform stream on every IEEE-754 platform with a correctly rounded sqrt
// and glibc's log), so results do not depend on the C++ standard library's
// unspecified std::normal_distribution.
#pragma once

#include <array>
#include <cstdint>

#include "marginlab/core/types.hpp"

namespace marginlab {

// Stream purposes, so that the same trial's data, teacher, initialization and
// minibatch order never share numbers.
enum class Purpose : std::uint64_t {
  kData = 1,
  kTeacher = 2,
  kInit = 3,
  kBatch = 4,
  kNoise = 5,
  // The mean-field flow's two streams (meanfield/flow.hpp). They share the keys of kBatch and
  // kNoise (the values name the streams; renaming them would change every stored flow):
  kLangevin = 4,   // the Langevin noise of each step
  kInjection = 5,  // the particles injected (or re-drawn) at each step
  kSplit = 6,
  kMonteCarlo = 7,
};

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);

  // A child stream: depends only on this stream's key and `k`.
  Rng Split(std::uint64_t k) const;
  Rng Split(Purpose p) const { return Split(static_cast<std::uint64_t>(p)); }
  std::uint64_t key() const { return key_; }

  std::uint64_t NextU64();
  // Uniform on [0, 1) with 53 random bits.
  double Uniform();
  // Uniform on (0, 1): never returns 0 (safe for log).
  double UniformOpen();
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n > 0.
  std::uint64_t UniformInt(std::uint64_t n);
  // Standard normal N(0, 1).
  double Normal();
  // ±1 with probability 1/2 each.
  double Rademacher() { return (NextU64() >> 63) ? 1.0 : -1.0; }

  // rows×cols matrix of independent N(0, std²), filled column by column.
  Matrix NormalMatrix(Index rows, Index cols, double std = 1.0);
  // A point uniform on the unit sphere S^{dim-1} in R^dim.
  Vector UnitSphere(Index dim);

 private:
  void Seed(std::uint64_t key);
  std::uint64_t key_ = 0;
  std::array<std::uint64_t, 4> s_{};
  bool have_spare_ = false;
  double spare_ = 0.0;
};

// SplitMix64 finalizer: a bijective 64-bit mixer.
std::uint64_t Mix64(std::uint64_t x);

}  // namespace marginlab
