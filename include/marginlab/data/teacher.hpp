// A random two-layer ReLU teacher f*(x) = Σ_{j<k} a_j [u_j · x]_+ and samples
// labelled by it (Wei et al. §F.1–F.3 [wei2019], which leave the laws open;
// the choices below are marginlab's, fixed and documented in docs/data.md).
//
// Teacher law (from Rng(teacher_seed).Split(kTeacher), independent of `seed`,
// so train and test sets drawn with different seeds share one teacher):
//   u_j uniform on the unit sphere S^{d−1}, drawn in order j = 0 … k−1;
//   a_j = s_j |g_j| with g_j ~ N(0,1) drawn after all u_j, and fixed signs
//   s_j = +1 for even j, −1 for odd j, so that f* takes both signs.
// Input law (from DataStream(seed, sample), dataset.hpp):
//   input = "sphere":   x uniform on S^{d−1} (‖x‖ = 1)          [default]
//   input = "gaussian": x ~ N(0, I_d / d)    (E‖x‖² = 1)
// Labels:
//   task = "classification": y = sign f*(x), keeping only draws with
//     |f*(x)| ≥ margin (γ₀; rejection sampling). Gives up with an InputError
//     after max_draws_per_example · n draws, reporting the acceptance rate and
//     the largest |f*| seen.
//   task = "regression": y = f*(x) (every draw kept; margin must be 0).
//
// Impossible settings are refused fast (issue 18). What makes a margin
// impossible is its acceptance rate p = P(|f*(x)| ≥ margin): rejection
// sampling needs about n/p draws, and gives up at max_draws_per_example · n.
// p has no closed form for a random teacher, so:
//   - on the sphere, |f*(x)| ≤ max(Σ_{a_j>0} a_j, Σ_{a_j<0} |a_j|) (each
//     [u_j·x]₊ ≤ 1): a margin above that bound is refused before any draw;
//   - otherwise the sampler detects hopelessness early: every 1024 draws it
//     stops when even an optimistic (6-sigma) bound on p says the remaining
//     draws cannot give the examples still needed (sampling.hpp,
//     RejectionBudget) — e.g. d = 696, margin = 0.45 stops after ~46,000 of
//     200,000 draws. A feasible but rare margin (d = 696, margin = 0.3: p =
//     0.15%, 1 s) still runs.
// Validate() refuses, before anything is allocated, an n×d data matrix or a
// k×d teacher that does not fit the memory budget (core/memory.hpp), and
// max_draws_per_example outside [1, 10^9] (n · max_draws is computed with
// saturating arithmetic).
#pragma once

#include <string>

#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct TeacherOptions {
  long n = 200;
  long d = 20;
  long k = 10;  // teacher hidden units
  unsigned long seed = 0;
  unsigned long sample = 0;  // independent sample index (DataStream)
  unsigned long teacher_seed = 0;
  std::string task = "classification";
  std::string input = "sphere";
  double margin = 0.0;  // γ₀
  long max_draws_per_example = 1000;

  template <class V>
  void Fields(V& v) {
    v("n", n, "number of examples");
    v("d", d, "input dimension");
    v("k", k, "hidden units of the teacher");
    v("seed", seed, "seed of the inputs");
    v("sample", sample, "index of an independent sample from the same seed (0 = train, 1 = test, ...)");
    v("teacher_seed", teacher_seed, "seed of the teacher's weights (shared by train and test)");
    v("task", task, "classification (y = sign f*) or regression (y = f*)");
    v("input", input, "input law: sphere (uniform on S^{d-1}) or gaussian (N(0, I/d))");
    v("margin", margin, "classification: keep only |f*(x)| >= margin (gamma_0)");
    v("max_draws_per_example", max_draws_per_example,
      "rejection sampling gives up after this many draws per requested example");
  }
  std::string Validate() const;
};

struct Teacher {
  Matrix U;  // k×d, rows u_j
  Vector a;  // k
  // f*(x) for each row of X (n×d) → n.
  Vector Eval(const Matrix& X) const;
};

Teacher MakeTeacher(const TeacherOptions& opts);
Dataset GenerateTeacher(const TeacherOptions& opts);

}  // namespace marginlab
