#include "marginlab/margin/linear_svm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/rng.hpp"

#if MARGINLAB_HAVE_LIBSVM
#include <libsvm/svm.h>
#endif

namespace marginlab::margin {
namespace {

TEST(LinearSvmTest, KnownTwoPointAnswer) {
  Matrix X(2, 2);
  X << 1, 0, 0, 1;
  Vector y(2);
  y << 1, 1;
  const LinearSvmResult r = LinearMaxMargin(X, y);
  ASSERT_TRUE(r.separable);
  EXPECT_NEAR(r.margin, 1 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(r.q[0], 0.5, 1e-15);
  EXPECT_NEAR(r.w[0], 1 / std::sqrt(2.0), 1e-15);
  EXPECT_EQ(r.support.size(), 2u);
}

TEST(LinearSvmTest, NotSeparableThroughOrigin) {
  Matrix X(3, 2);
  X << 1, 0, -1, 0.2, 0, -1;
  Vector y = Vector::Ones(3);
  const LinearSvmResult r = LinearMaxMargin(X, y);
  EXPECT_FALSE(r.separable);
  EXPECT_EQ(r.margin, 0);
}

TEST(LinearSvmTest, RejectsNonBinaryLabels) {
  Matrix X = Matrix::Ones(2, 2);
  Vector y(2);
  y << 1, 0;
  EXPECT_THROW(LinearMaxMargin(X, y), InputError);
}

// A random separable set, symmetrized ((x, y) and (−x, −y) both present) so
// that the optimal bias of an SVM with intercept is 0 and LIBSVM solves our
// problem exactly.
void RandomSymmetricSeparable(Rng& rng, Index n_half, Index d, Matrix* X, Vector* y) {
  const Vector wstar = rng.UnitSphere(d);
  X->resize(2 * n_half, d);
  y->resize(2 * n_half);
  Index i = 0;
  while (i < n_half) {
    Vector x(d);
    for (Index k = 0; k < d; ++k) x[k] = rng.Normal();
    const double s = wstar.dot(x);
    if (std::abs(s) < 0.05) continue;
    X->row(2 * i) = x.transpose();
    X->row(2 * i + 1) = -x.transpose();
    (*y)[2 * i] = s > 0 ? 1 : -1;
    (*y)[2 * i + 1] = -(*y)[2 * i];
    ++i;
  }
}

TEST(LinearSvmTest, PrimalAndDualAgreeOnRandomSets) {
  Rng rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    Matrix X;
    Vector y;
    RandomSymmetricSeparable(rng, 30 + trial, 2 + trial % 6, &X, &y);
    const LinearSvmResult r = LinearMaxMargin(X, y);
    ASSERT_TRUE(r.separable);
    EXPECT_NEAR(r.margin, r.margin_upper, 1e-12 * r.margin_upper) << trial;
    // Complementary slackness: support vectors sit on the margin.
    for (Index i : r.support) EXPECT_NEAR(y[i] * X.row(i).dot(r.w), r.margin, 1e-10);
    EXPECT_NEAR(r.q.sum(), 1, 1e-14);
    EXPECT_GE(r.q.minCoeff(), 0);
  }
}

#if MARGINLAB_HAVE_LIBSVM
void Silent(const char*) {}

TEST(LinearSvmTest, MatchesLibsvmWithHugeC) {
  svm_set_print_string_function(&Silent);
  Rng rng(11);
  for (int trial = 0; trial < 10; ++trial) {
    const Index d = 2 + trial % 5;
    Matrix X;
    Vector y;
    RandomSymmetricSeparable(rng, 25 + 3 * trial, d, &X, &y);
    const Index n = X.rows();
    std::vector<std::vector<svm_node>> nodes(n);
    std::vector<svm_node*> rows(n);
    std::vector<double> labels(n);
    for (Index i = 0; i < n; ++i) {
      for (Index k = 0; k < d; ++k) nodes[i].push_back({static_cast<int>(k + 1), X(i, k)});
      nodes[i].push_back({-1, 0});
      rows[i] = nodes[i].data();
      labels[i] = y[i];
    }
    svm_problem prob{static_cast<int>(n), labels.data(), rows.data()};
    svm_parameter param{};
    param.svm_type = C_SVC;
    param.kernel_type = LINEAR;
    param.cache_size = 10;
    param.eps = 1e-13;
    param.C = 1e8;
    param.shrinking = 0;
    ASSERT_EQ(svm_check_parameter(&prob, &param), nullptr);
    svm_model* model = svm_train(&prob, &param);
    Vector v = Vector::Zero(d);
    for (int s = 0; s < model->l; ++s)
      for (const svm_node* p = model->SV[s]; p->index != -1; ++p)
        v[p->index - 1] += model->sv_coef[0][s] * p->value;
    const double rho = model->rho[0];
    const double sign = model->label[0] == 1 ? 1.0 : -1.0;
    std::vector<Index> sv;
    for (int s = 0; s < model->l; ++s) sv.push_back(model->sv_indices[s] - 1);
    svm_free_and_destroy_model(&model);

    const LinearSvmResult r = LinearMaxMargin(X, y);
    ASSERT_TRUE(r.separable);
    // LIBSVM caches its kernel in single precision (Qfloat = float), so its own
    // answer is accurate to ~1e-7 relative only.
    const double gamma_libsvm = 1 / v.norm();
    EXPECT_NEAR(r.margin, gamma_libsvm, 1e-5 * gamma_libsvm) << "trial " << trial;
    EXPECT_NEAR((sign * v / v.norm() - r.w).norm(), 0, 1e-4) << "trial " << trial;
    EXPECT_NEAR(rho * gamma_libsvm, 0, 1e-4);  // symmetric data: zero intercept
    // LIBSVM's support set, solved in double precision (the KKT equations
    // z_s·v = 1 on the support, v = Σ α_s z_s), is an independent exact answer.
    Matrix Zs(static_cast<Index>(sv.size()), d);
    for (size_t s = 0; s < sv.size(); ++s) Zs.row(s) = y[sv[s]] * X.row(sv[s]);
    const Vector a = (Zs * Zs.transpose()).completeOrthogonalDecomposition().solve(
        Vector::Ones(static_cast<Index>(sv.size())));
    const Vector vp = Zs.transpose() * a;
    EXPECT_GE(((y.asDiagonal() * X) * vp).minCoeff(), 1 - 1e-9) << "polished point infeasible";
    const double gamma_polished = 1 / vp.norm();
    EXPECT_NEAR(r.margin, gamma_polished, 1e-8 * gamma_polished) << "trial " << trial;
  }
}
#endif

}  // namespace
}  // namespace marginlab::margin
