// Tests of the activation-pattern route to Θ_λ (activation_patterns.hpp):
// its NNLS and cone projection, the cell enumeration, and agreement with the
// column-generation route (certify.hpp GlobalOptimum) to 1e-6 relative.
#include "marginlab/margin/activation_patterns.hpp"

#include <gtest/gtest.h>

#include "margin_test_util.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/data/line1d.hpp"
#include "marginlab/data/teacher.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/objective.hpp"

namespace marginlab::margin {
namespace {

// Brute force: the NNLS optimum is the least-squares solution on its support,
// so it is the best of the non-negative least-squares solutions over all subsets.
double BruteForceNnls(const Matrix& C, const Vector& b) {
  const Index m = C.cols();
  double best = b.squaredNorm();
  for (unsigned mask = 1; mask < (1u << m); ++mask) {
    std::vector<Index> S;
    for (Index j = 0; j < m; ++j)
      if (mask & (1u << j)) S.push_back(j);
    Matrix CS(C.rows(), static_cast<Index>(S.size()));
    for (std::size_t t = 0; t < S.size(); ++t) CS.col(static_cast<Index>(t)) = C.col(S[t]);
    const Vector s = CS.colPivHouseholderQr().solve(b);
    if ((s.array() < 0).any()) continue;
    best = std::min(best, (CS * s - b).squaredNorm());
  }
  return best;
}

TEST(ActivationPatternsTest, NnlsMatchesBruteForce) {
  Rng rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    const Index r = 2 + trial % 4, m = 1 + trial % 7;
    const Matrix C = rng.NormalMatrix(r, m);
    const Vector b = rng.NormalMatrix(r, 1).col(0);
    const Vector mu = detail::NonNegativeLeastSquares(C, b);
    ASSERT_TRUE((mu.array() >= 0).all()) << trial;
    const double value = (C * mu - b).squaredNorm(), ref = BruteForceNnls(C, b);
    EXPECT_NEAR(value, ref, 1e-12 * (1 + ref)) << "trial " << trial << " r " << r << " m " << m;
    // KKT: the gradient Cᵀ(Cμ − b) is ≥ 0, and 0 on the support.
    const Vector g = C.transpose() * (C * mu - b);
    for (Index j = 0; j < m; ++j) {
      EXPECT_GE(g[j], -1e-12) << trial;
      if (mu[j] > 0) {
        EXPECT_NEAR(g[j], 0, 1e-12) << trial;
      }
    }
  }
}

TEST(ActivationPatternsTest, ConeProjectionSatisfiesMoreau) {
  Rng rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const Index r = 2 + trial % 3, m = 1 + trial % 9;
    const Matrix A = rng.NormalMatrix(r, m);  // K = {v : a_jᵀv ≥ 0}
    const Vector z = rng.NormalMatrix(r, 1).col(0);
    const Vector p = detail::ProjectOntoCone(A, z);
    const Vector q = z - p;  // Π_{K°} z
    EXPECT_GE((A.transpose() * p).minCoeff(), -1e-12) << trial;  // p ∈ K
    EXPECT_NEAR(p.dot(q), 0, 1e-12) << trial;                      // p ⊥ q
    // q ∈ K° = cone{−a_j}: q = −Aμ with μ ≥ 0.
    const Vector mu = detail::NonNegativeLeastSquares(A, -q);
    EXPECT_LE((A * mu + q).norm(), 1e-10) << trial;
    // No point of K is closer to z (random points of K: projections).
    for (int s = 0; s < 20; ++s) {
      const Vector v = detail::ProjectOntoCone(A, rng.NormalMatrix(r, 1).col(0));
      EXPECT_GE((z - v).norm(), q.norm() - 1e-12) << trial;
    }
  }
}

using testing::LineData;

void SphereData(Index n, Index d, std::uint64_t seed, Matrix* X, Vector* y) {
  Rng rng(seed);
  X->resize(n, d);
  y->resize(n);
  for (Index i = 0; i < n; ++i) {
    X->row(i) = rng.UnitSphere(d).transpose();
    (*y)[i] = rng.Rademacher();
  }
}

// The max over the cells of ‖Π_{K_D}(±XᵀDα)‖ is the best-neuron value M(α).
double PatternOracle(const Matrix& X, const Vector& alpha) {
  double best = 0;
  for (const std::string& D : detail::CellPatterns(X)) {
    Matrix A = X.transpose();
    Vector g = Vector::Zero(X.cols());
    for (Index i = 0; i < X.rows(); ++i) {
      if (D[static_cast<std::size_t>(i)] == '1') g += alpha[i] * X.row(i).transpose();
      else A.col(i) = -A.col(i);
    }
    best = std::max({best, detail::ProjectOntoCone(A, g).norm(),
                     detail::ProjectOntoCone(A, -g).norm()});
  }
  return best;
}

TEST(ActivationPatternsTest, CellCountsAndExactOracle) {
  Matrix X;
  Vector y;
  LineData(9, &X, &y);
  // 2n arcs, less the all-zero one (u = (0, −1)), which CellPatterns omits.
  EXPECT_EQ(detail::CellPatterns(X).size(), 17u);
  SphereData(12, 3, 4, &X, &y);
  // n² − n + 2 (these 12 points lie in no open hemisphere: no all-zero cell).
  EXPECT_EQ(detail::CellPatterns(X).size(), 12u * 12u - 12u + 2u);
  // Degenerate: the 26 nonzero points of {−1,0,1}³ (many circles per vertex).
  Matrix C(26, 3);
  Index k = 0;
  for (int a = -1; a <= 1; ++a)
    for (int b = -1; b <= 1; ++b)
      for (int c = -1; c <= 1; ++c)
        if (a || b || c) C.row(k++) << a, b, c;
  Rng rng(9);
  for (const Matrix* M : {&X, &C}) {
    for (int t = 0; t < 5; ++t) {
      const Vector alpha = rng.NormalMatrix(M->rows(), 1).col(0);
      const OracleResult o = BestNeuronExact(*M, alpha);
      EXPECT_NEAR(PatternOracle(*M, alpha), o.value, 1e-10 * (1 + o.value)) << t;
    }
  }
}

void ExpectAgreement(const Matrix& X, const Vector& y, const std::string& loss, double lambda) {
  Stopwatch sw;
  CertifyOptions co;
  co.loss = loss;
  co.lambda = lambda;
  co.oracle.method = "exact";
  const GlobalOptimumResult g = GlobalOptimum(X, y, co);
  ASSERT_TRUE(g.certified);
  const double global_seconds = sw.Seconds();
  PatternOptions po;
  po.loss = loss;
  po.lambda = lambda;
  sw.Restart();
  const PatternResult p = ThetaLambdaByPatterns(X, y, po);
  const double pattern_seconds = sw.Seconds();
  ASSERT_EQ(p.termination, Termination::kConverged) << p.BriefReport();
  EXPECT_TRUE(p.exhaustive);
  const double scale = std::max(1.0, std::abs(g.upper));
  EXPECT_LE(p.objective - p.dual, 1e-9 * scale);  // certified to the tolerance
  EXPECT_NEAR(p.objective, g.upper, 1e-6 * scale);
  EXPECT_NEAR(p.dual, g.lower, 1e-6 * scale);
  // Both are certified brackets of one minimum: they must overlap.
  EXPECT_LE(p.dual, g.upper + 1e-12 * scale);
  EXPECT_LE(g.lower, p.objective + 1e-12 * scale);
  // The best-neuron oracle (certify.hpp) at the returned network's β finds the
  // same M(β) as the cells' max of ‖Π_{K_D}(±XᵀDβ)‖: the same dual value. (Its
  // own lower bound scales by the oracle's upper bound, a hair above M.)
  const GapCertificate c = CertifyNetwork(p.network, X, y, co);
  EXPECT_NEAR(c.objective, p.objective, 1e-12 * scale);
  EXPECT_LE(c.lower_bound, p.dual + 1e-12 * scale);
  const MarginLoss L(loss);
  const Vector beta = LossGradient(L, p.network.Outputs(X), y);
  const double s = std::min(1.0, 2 * lambda / c.oracle_value);
  EXPECT_NEAR(DualValue(L, s * beta, y), p.dual, 1e-12 * scale);
  // The network's own objective is the reported one.
  const double net = MeanLoss(L, p.network.Outputs(X), y) + lambda * p.network.SquaredNorm();
  EXPECT_NEAR(net, p.objective, 1e-12 * scale);
  EXPECT_EQ(p.network.width(), p.weights.size());
  std::printf("  %s λ=%g: patterns %.12f [%.12f], global [%.12f, %.12f], diff %.2e, width %ld\n"
              "    patterns %ld, rounds %ld, iterations %ld, %.3f s (GlobalOptimum %.3f s)\n",
              loss.c_str(), lambda, p.objective, p.dual, g.lower, g.upper,
              (p.objective - g.upper) / scale, static_cast<long>(p.network.width()), p.patterns,
              p.rounds, p.iterations, pattern_seconds, global_seconds);
}

TEST(ActivationPatternsTest, AgreesWithGlobalOptimumOnLineData) {
  Matrix X;
  Vector y;
  LineData(8, &X, &y);
  ExpectAgreement(X, y, "logistic", 1e-2);
  LineData(6, &X, &y);
  ExpectAgreement(X, y, "squared", 3e-2);
}

TEST(ActivationPatternsTest, AgreesWithGlobalOptimumInThreeDimensions) {
  Matrix X;
  Vector y;
  SphereData(10, 3, 8, &X, &y);
  ExpectAgreement(X, y, "logistic", 5e-3);
  SphereData(12, 3, 11, &X, &y);
  ExpectAgreement(X, y, "squared", 1e-2);
}

TEST(ActivationPatternsTest, AgreesOnLine1dAndTeacher) {
  Line1dOptions lo;
  lo.n = 32;
  const Dataset line = GenerateLine1d(lo);
  ExpectAgreement(line.X, line.y, "logistic", 1e-3);
  TeacherOptions to;
  to.n = 50;
  to.d = 3;
  to.k = 4;
  to.margin = 0.05;
  const Dataset teacher = GenerateTeacher(to);
  ExpectAgreement(teacher.X, teacher.y, "logistic", 1e-3);
}

// The 26 nonzero points of {−1, 0, 1}³: up to 8 great circles through a vertex.
TEST(ActivationPatternsTest, AgreesOnDegenerateCubeData) {
  Matrix X(26, 3);
  Vector y(26);
  Rng rng(4);
  Index k = 0;
  for (int a = -1; a <= 1; ++a)
    for (int b = -1; b <= 1; ++b)
      for (int c = -1; c <= 1; ++c)
        if (a || b || c) {
          X.row(k) << a, b, c;
          y[k++] = rng.Rademacher();
        }
  ExpectAgreement(X, y, "logistic", 1e-3);
  ExpectAgreement(X, y, "squared", 1e-2);
}

// Squared loss at small λ: many atoms, each split between the cells that share
// its ray (flat directions of the block problem; the mass polish's case).
TEST(ActivationPatternsTest, AgreesInFlatSquaredCases) {
  Line1dOptions lo;
  lo.n = 32;
  const Dataset line = GenerateLine1d(lo);
  ExpectAgreement(line.X, line.y, "squared", 1e-3);
  TeacherOptions to;
  to.n = 50;
  to.d = 3;
  to.k = 4;
  to.margin = 0.05;
  const Dataset teacher = GenerateTeacher(to);
  ExpectAgreement(teacher.X, teacher.y, "squared", 1e-3);
}

// Rank 1 (two half-lines) and rank 0 (no cells: f = 0, P = R(0) = log 2).
TEST(ActivationPatternsTest, LowRankData) {
  Matrix X(7, 3);
  Vector y(7);
  for (Index i = 0; i < 7; ++i) {
    X.row(i) = (static_cast<double>(i) - 2.5) * Eigen::RowVector3d(1, -2, 0.5);
    y[i] = i % 3 == 0 ? 1 : -1;
  }
  ExpectAgreement(X, y, "logistic", 1e-2);
  PatternOptions po;
  const PatternResult z = ThetaLambdaByPatterns(Matrix::Zero(4, 2), Vector::Ones(4), po);
  EXPECT_TRUE(z.exhaustive);
  EXPECT_EQ(z.patterns, 0);
  EXPECT_EQ(z.network.width(), 0);
  EXPECT_NEAR(z.objective, std::log(2.0), 1e-15);
  EXPECT_NEAR(z.dual, std::log(2.0), 1e-15);
}

TEST(ActivationPatternsTest, SampledPatternsBoundFromAbove) {
  Matrix X;
  Vector y;
  SphereData(15, 3, 21, &X, &y);
  PatternOptions po;
  po.lambda = 3e-3;
  const PatternResult full = ThetaLambdaByPatterns(X, y, po);
  ASSERT_EQ(full.termination, Termination::kConverged);
  po.enumerate = false;
  for (long samples : {5L, 50L, 2000L}) {
    po.samples = samples;
    const PatternResult s = ThetaLambdaByPatterns(X, y, po);
    EXPECT_FALSE(s.exhaustive);
    EXPECT_LE(s.patterns, samples);
    EXPECT_GE(s.objective, full.objective - 1e-9) << samples;
  }
  // With the optimum's own directions among the extras the restriction is exact.
  po.samples = 3;
  const PatternResult e = ThetaLambdaByPatterns(X, y, po, full.directions);
  EXPECT_NEAR(e.objective, full.objective, 1e-8);
  EXPECT_GE(e.objective, full.objective - 1e-9);
  // Higher dimension: always sampled.
  SphereData(12, 5, 2, &X, &y);
  po.enumerate = true;
  po.samples = 500;
  const PatternResult h = ThetaLambdaByPatterns(X, y, po);
  EXPECT_FALSE(h.exhaustive);
  EXPECT_EQ(h.termination, Termination::kConverged);
  EXPECT_LE(h.dual, h.objective + 1e-12);
}

TEST(ActivationPatternsTest, RejectsBadInput) {
  Matrix X;
  Vector y;
  LineData(6, &X, &y);
  PatternOptions po;
  po.lambda = 0;
  EXPECT_THROW(ThetaLambdaByPatterns(X, y, po), InputError);
  po.lambda = 1e-2;
  po.loss = "hinge";
  EXPECT_THROW(ThetaLambdaByPatterns(X, y, po), InputError);
  po.loss = "logistic";
  EXPECT_THROW(ThetaLambdaByPatterns(X, Vector::Ones(5), po), InputError);
  Vector bad = y;
  bad[0] = 0.5;
  EXPECT_THROW(ThetaLambdaByPatterns(X, bad, po), InputError);
  Matrix nan = X;
  nan(1, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(ThetaLambdaByPatterns(nan, y, po), InputError);
  EXPECT_THROW(ThetaLambdaByPatterns(Matrix(0, 2), Vector(0), po), InputError);
  EXPECT_THROW(ThetaLambdaByPatterns(X, y, po, Matrix::Ones(2, 3)), InputError);
  po.max_iterations = 0;
  EXPECT_THROW(ThetaLambdaByPatterns(X, y, po), InputError);
  // The options' field list (CLI flags / TOML keys) and its defaults validate.
  EXPECT_EQ(DescribeFields(PatternOptions{}).size(), 7u);
  EXPECT_EQ(PatternOptions{}.Validate(), "");
  // Squared loss takes real labels.
  po.max_iterations = 1000;
  po.loss = "squared";
  EXPECT_NO_THROW(ThetaLambdaByPatterns(X, bad, po));
}

}  // namespace
}  // namespace marginlab::margin
