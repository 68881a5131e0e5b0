// Trainer tests: Ji Thm 4.1's margin bound (known answer), batched trials
// bitwise equal to lone runs and independent of the thread count, every
// optimizer decreasing the loss, float32 tracking double, stopping rules.
#include "marginlab/nn/train.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "marginlab/core/threads.hpp"
#include "nn/nn_test_util.hpp"

namespace marginlab::nn {
namespace {

using testing::RandomData;

// Separable data in R^3, ‖x‖ ≤ 1, whose l2 max-margin direction is e₁ with margin γ:
// support points ±(γ, ±a, 0), ±(γ, 0, ±a) pin it (any unit w has min ≤ γ w₁), the rest have
// y x₁ ≥ γ.
Dataset MaxMarginData(double gamma, Index extra, std::uint64_t seed) {
  Rng rng(seed);
  const double a = 0.5;
  std::vector<Vector> xs;
  std::vector<double> ys;
  for (double y : {1.0, -1.0})
    for (double s : {1.0, -1.0}) {
      xs.push_back(y * (Vector(3) << gamma, s * a, 0).finished());
      xs.push_back(y * (Vector(3) << gamma, 0, s * a).finished());
      ys.push_back(y), ys.push_back(y);
    }
  for (Index i = 0; i < extra; ++i) {
    const double y = rng.Rademacher();
    Vector x = rng.UnitSphere(3) * 0.8;
    x[0] = y * (gamma + (0.9 - gamma) * rng.Uniform());
    if (x.norm() > 1) x /= x.norm();
    if (y * x[0] < gamma) x[0] = y * gamma;
    xs.push_back(x), ys.push_back(y);
  }
  Dataset ds;
  ds.X.resize(static_cast<Index>(xs.size()), 3);
  ds.y.resize(static_cast<Index>(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) ds.X.row(i) = xs[i].transpose(), ds.y[i] = ys[i];
  ds.source = "max-margin";
  return ds;
}

TEST(Train, JiTheorem41NormalizedGdMarginBound) {
  const double gamma = 0.3;
  const Dataset ds = MaxMarginData(gamma, 24, 7);
  const double n = static_cast<double>(ds.n());
  for (Index i = 0; i < ds.n(); ++i) ASSERT_LE(ds.X.row(i).norm(), 1 + 1e-12);
  TrainOptions o;
  o.depth = 1;
  o.loss = "exponential";
  o.optimizer = "normalized-gd";
  o.lr = 1;
  o.init_std = {0.0};
  o.steps = 3000;
  o.log_points = 300;
  o.log_spacing = "linear";
  const auto res = Train(o, ds);
  ASSERT_EQ(res.size(), 1u);
  const auto& trace = res[0].trace;
  ASSERT_GT(trace.size(), 290u);
  for (const auto& r : trace) {
    if (r.step == 0) continue;
    const double bound = gamma - (std::log(n) + 1) / (gamma * static_cast<double>(r.step));
    EXPECT_GE(r.margin, bound - 1e-12) << "step " << r.step;
    EXPECT_LE(r.margin, gamma + 1e-12) << "step " << r.step;
  }
  EXPECT_GT(trace.back().margin, gamma - (std::log(n) + 1) / (gamma * 3000));
  EXPECT_GT(trace.back().margin, 0.29);
  // Direction → e₁.
  const Matrix& w = res[0].final[0];
  EXPECT_GT(w(0, 0) / w.norm(), 0.99);
}

TEST(Train, NormalizedGdStaysFiniteWhenTheLossUnderflows) {
  const Dataset ds = MaxMarginData(0.3, 10, 2);
  TrainOptions o;
  o.depth = 1;
  o.loss = "exponential";
  o.optimizer = "normalized-gd";
  o.lr = 1;
  o.steps = 50;
  o.init_std = {0.0};
  Weights<double> init{(Matrix(1, 3) << 1e4, 0, 0).finished()};  // margins ≥ 3000: L = e^{−3000}
  const auto res = Train(o, ds, nullptr, {init});
  EXPECT_EQ(res[0].termination, Termination::kMaxIterations);
  EXPECT_EQ(res[0].trace.back().data_loss, 0.0);
  EXPECT_TRUE(std::isfinite(res[0].trace.back().log_data_loss));
  EXPECT_LT(res[0].trace.back().log_data_loss, -3000);
  EXPECT_TRUE(res[0].final[0].allFinite());
  EXPECT_GT(res[0].final[0].norm(), 1e4);
}

void ExpectSameWeights(const Weights<double>& a, const Weights<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a[k].rows(), b[k].rows());
    EXPECT_EQ(0, std::memcmp(a[k].data(), b[k].data(), sizeof(double) * a[k].size())) << "layer " << k;
  }
}

TEST(Train, BatchedTrialsAreBitwiseEqualToLoneRunsForAnyThreadCount) {
  const Dataset ds = RandomData(40, 6, 0, 1);
  const Dataset test = RandomData(20, 6, 0, 2);
  for (const std::string dtype : {"double", "float32"}) {
    for (const std::string opt : {"gd", "adam", "sgd"}) {
      TrainOptions o;
      o.width = {16};
      o.lambda = 1e-3;
      o.optimizer = opt;
      o.batch_size = opt == "sgd" ? 8 : 0;
      o.lr = opt == "adam" ? 0.01 : 0.1;
      o.steps = 60;
      o.trials = 3;
      o.seed = 9;
      o.dtype = dtype;
      o.log_points = 5;
      SetNumThreads(2);
      const auto batch = Train(o, ds, &test);
      SetNumThreads(1);
      const auto batch1 = Train(o, ds, &test);
      ASSERT_EQ(batch.size(), 3u);
      for (long t = 0; t < 3; ++t) {
        TrainOptions one = o;
        one.trials = 1;
        one.trial_offset = t;
        const auto lone = Train(one, ds, &test);
        ExpectSameWeights(batch[t].init, lone[0].init);
        ExpectSameWeights(batch[t].final, lone[0].final);
        ExpectSameWeights(batch1[t].final, lone[0].final);
        EXPECT_EQ(batch[t].trace.back().data_loss, lone[0].trace.back().data_loss);
        EXPECT_EQ(batch[t].trace.size(), lone[0].trace.size());
      }
      EXPECT_NE(batch[0].final[0](0, 0), batch[1].final[0](0, 0));  // different seeds
    }
  }
}

TEST(Train, EveryOptimizerDecreasesTheObjective) {
  const Dataset ds = RandomData(50, 5, 0, 4);
  for (const std::string opt : {"gd", "normalized-gd", "sgd", "momentum", "nesterov", "adam"}) {
    for (const std::string sched : {"constant", "step", "cosine"}) {
      TrainOptions o;
      o.width = {32};
      o.init_std = {0.3};
      o.lambda = 1e-4;
      o.optimizer = opt;
      o.schedule = sched;
      o.decay_every = 50;
      o.decay_factor = 0.5;
      o.batch_size = opt == "sgd" ? 10 : 0;
      o.lr = opt == "adam" ? 0.01 : (opt == "momentum" || opt == "nesterov") ? 0.05 : 0.5;
      o.steps = 200;
      const auto r = Train(o, ds);
      EXPECT_LT(r[0].trace.back().objective, 0.8 * r[0].trace.front().objective) << opt << " " << sched;
      EXPECT_GT(r[0].trace.back().dist_init, 0);
    }
  }
}

TEST(Train, Float32TracksDoubleAndMetricsAreConsistent) {
  const Dataset ds = RandomData(60, 8, 0, 5);
  TrainOptions o;
  o.width = {64};
  o.lambda = 1e-3;
  o.steps = 100;
  o.scaling = "ntk";
  const auto d = Train(o, ds);
  o.dtype = "float32";
  const auto f = Train(o, ds);
  const auto& rd = d[0].trace.back();
  const auto& rf = f[0].trace.back();
  EXPECT_NEAR(rf.data_loss, rd.data_loss, 1e-4 * rd.data_loss);
  EXPECT_NEAR(rf.norm, rd.norm, 1e-4 * rd.norm);
  // Metric identities.
  EXPECT_NEAR(rd.objective, rd.data_loss + 1e-3 * rd.norm * rd.norm, 1e-12);
  EXPECT_NEAR(rd.margin, rd.raw_margin / (rd.norm * rd.norm), 1e-12);
  EXPECT_LE(rd.smoothed_margin, rd.margin);
  EXPECT_GE(rd.smoothed_margin, rd.margin - std::log(60.0) / (rd.norm * rd.norm) - 1e-12);
  EXPECT_EQ(d[0].trace.front().pattern_change, 0.0);
  EXPECT_GT(rd.pattern_change, 0.0);
  EXPECT_LT(rd.pattern_change, 0.5);
  EXPECT_GE(rd.alignment, -1.0);
  EXPECT_LE(rd.alignment, 1.0);
  EXPECT_NEAR(rd.layer_norms[0] * rd.layer_norms[0] + rd.layer_norms[1] * rd.layer_norms[1],
              rd.norm * rd.norm, 1e-9);
}

TEST(Train, StopsAtTargetLossAndValidates) {
  const Dataset ds = RandomData(30, 5, 0, 6);
  TrainOptions o;
  o.width = {64};
  o.lr = 0.5;
  o.steps = 100000;
  o.target_loss = 0.05;
  const auto r = Train(o, ds);
  EXPECT_EQ(r[0].termination, Termination::kTargetReached);
  EXPECT_LE(r[0].trace.back().data_loss, 0.05);
  EXPECT_LT(r[0].steps_done, 100000);
  o.target_loss = 0;
  o.time_limit = 1e-9;
  const auto timed = Train(o, ds);
  EXPECT_EQ(timed[0].termination, Termination::kTimeLimit);
  EXPECT_LT(timed[0].steps_done, 100000);
  o.time_limit = 0;
  o.optimizer = "sgd";
  EXPECT_THROW(Train(o, ds), InputError);  // sgd without batch_size
  o.optimizer = "bogus";
  EXPECT_THROW(Train(o, ds), InputError);
}

TEST(Train, LogSteps) {
  EXPECT_EQ(LogSteps(10, 5, LogSpacing::kLinear), (std::vector<long>{0, 2, 4, 6, 8, 10}));
  const auto s = LogSteps(1000, 3, LogSpacing::kLog);
  EXPECT_EQ(s, (std::vector<long>{0, 10, 100, 1000}));
  EXPECT_EQ(LogSteps(0, 10, LogSpacing::kLog), (std::vector<long>{0}));
}

TEST(Train, MultiClassAndDeepNetworks) {
  const Dataset ds = RandomData(45, 5, 3, 7);
  TrainOptions o;
  o.depth = 3;
  o.width = {16};
  o.loss = "cross-entropy";
  o.lr = 0.05;
  o.init_std = {0.5};
  o.steps = 300;
  const auto r = Train(o, ds);
  EXPECT_EQ(r[0].shape.dims, (std::vector<Index>{5, 16, 16, 3}));
  EXPECT_LT(r[0].trace.back().data_loss, r[0].trace.front().data_loss);
  EXPECT_LT(r[0].trace.back().train_error, r[0].trace.front().train_error + 1e-12);
}

}  // namespace
}  // namespace marginlab::nn

namespace marginlab::nn {
namespace {

TEST(Train, LoneTrialWithBlockPoolIsBitwiseEqualAcrossThreadCounts) {
  const Dataset ds = testing::RandomData(50, 7, 0, 8);
  for (const std::string dtype : {"double", "float32"}) {
    TrainOptions o;
    o.width = {200};  // 4 unit blocks, the last one partial
    o.lambda = 1e-3;
    o.steps = 40;
    o.dtype = dtype;
    SetNumThreads(1);
    const auto a = Train(o, ds);
    SetNumThreads(2);
    const auto b = Train(o, ds);
    SetNumThreads(1);
    for (int k = 0; k < 2; ++k)
      EXPECT_EQ(0, std::memcmp(a[0].final[k].data(), b[0].final[k].data(),
                               sizeof(double) * a[0].final[k].size()));
    EXPECT_EQ(a[0].trace.back().data_loss, b[0].trace.back().data_loss);
  }
}

// Issue 18: data scaled by 1e6 made every loss and optimizer produce NaN, and the run was
// reported as finished with train error 0. Now a run either finishes with finite metrics or
// stops as diverged, with its reason and step, whatever the loss, optimizer and dtype.
TEST(Train, ARunIsFiniteOrDivergedWithItsReason) {
  Dataset ds = testing::RandomData(40, 5, 0, 3);
  ds.X *= 1e6;
  Dataset test = testing::RandomData(30, 5, 0, 4);
  test.X *= 1e6;
  long diverged = 0;
  for (const std::string loss : {"logistic", "exponential", "squared"})
    for (const std::string opt : {"gd", "adam", "normalized-gd"})
      for (const std::string dtype : {"double", "float32"}) {
        TrainOptions o;
        o.width = {16};
        o.loss = loss;
        o.optimizer = opt;
        o.dtype = dtype;
        o.lr = 1;
        o.lambda = 1e-12;
        o.steps = 200;
        const auto res = Train(o, ds, &test);
        const TrainSummary& s = res[0];
        const TrainRecord& last = s.trace.back();
        const std::string what = loss + "/" + opt + "/" + dtype + ": " + s.message;
        if (s.termination == Termination::kDiverged) {
          ++diverged;
          EXPECT_NE(s.message.find("step"), std::string::npos) << what;
          EXPECT_FALSE(s.message.empty()) << what;
        } else {
          EXPECT_TRUE(std::isfinite(last.data_loss) && std::isfinite(last.objective)) << what;
          EXPECT_FALSE(std::isnan(last.train_error)) << what;
          EXPECT_FALSE(std::isnan(last.test_error)) << what;
          for (const auto& w : s.final) EXPECT_TRUE(w.allFinite()) << what;
        }
      }
  EXPECT_GT(diverged, 0);  // at this scale and step size some do diverge
}

TEST(Train, ExponentialLossOverflowIsADivergence) {
  Dataset ds = testing::RandomData(40, 5, 0, 3);
  ds.X *= 1e6;
  TrainOptions o;
  o.width = {16};
  o.loss = "exponential";
  o.lr = 1;
  o.steps = 20;
  const auto res = Train(o, ds);
  EXPECT_EQ(res[0].termination, Termination::kDiverged);
  EXPECT_LT(res[0].steps_done, 20);
}

// Normalized GD divides the weight decay by L too: once η·2λ/L > 2 (L ≪ λ on separable data)
// the decay multiplies Θ by 1 − η·2λ/L < −1 and ‖Θ‖ grows geometrically (issue 18: NaN at
// λ = 1e-12). The run stops there with that reason, its parameters still finite.
TEST(Train, NormalizedGdWithWeightDecayStopsWhereItBecomesUnstable) {
  Dataset ds = testing::RandomData(30, 3, 0, 2);  // separable with margin 0.5 along e₁
  for (Index i = 0; i < ds.n(); ++i) ds.X(i, 0) = ds.y[i] * (std::abs(ds.X(i, 0)) + 0.5);
  TrainOptions o;
  o.depth = 1;
  o.loss = "exponential";
  o.optimizer = "normalized-gd";
  o.lambda = 1e-6;
  o.lr = 10;  // at lr = 1 it settles where ∇L = −2λΘ, a stable fixed point (η·2λ/L ≈ 4e-3)
  o.steps = 5000;
  const auto res = Train(o, ds);
  EXPECT_EQ(res[0].termination, Termination::kDiverged);
  EXPECT_NE(res[0].message.find("unstable"), std::string::npos) << res[0].message;
  EXPECT_LT(res[0].steps_done, 5000);
  EXPECT_TRUE(res[0].final[0].allFinite());
  EXPECT_TRUE(std::isfinite(res[0].trace.back().log_data_loss));
  o.lambda = 0;  // without the decay the same run goes on to the end, finite
  const auto plain = Train(o, ds);
  EXPECT_EQ(plain[0].termination, Termination::kMaxIterations) << plain[0].message;
  EXPECT_TRUE(plain[0].final[0].allFinite());
}

TEST(Train, RejectsBatchLargerThanTheDataAndNetworksBeyondTheMemoryBudget) {
  const Dataset ds = testing::RandomData(20, 4, 0, 1);
  TrainOptions o;
  o.optimizer = "sgd";
  o.batch_size = 21;
  try {
    Train(o, ds);
    ADD_FAILURE() << "batch 21 > n = 20 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("batch_size 21"), std::string::npos) << e.what();
  }
  TrainOptions w;
  w.width = {200000000};
  try {
    Train(w, ds);
    ADD_FAILURE() << "a 200,000,000-wide network was not checked against the memory budget";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("memory budget"), std::string::npos) << e.what();
  }
  w.width = {1e12};
  EXPECT_THROW(Train(w, ds), InputError);
  w.width = {1e30};  // beyond Index: rejected by Validate, never cast
  EXPECT_THROW(Train(w, ds), InputError);
}

// Metrics of a network whose weights are NaN: every error and margin is NaN, none is 0.
TEST(Train, EvaluatorReportsNaNForANaNNetwork) {
  const Dataset ds = testing::RandomData(12, 3, 0, 5);
  TrainOptions o;
  o.width = {4};
  const MlpShape shape = ShapeFor(o, ds);
  Rng rng(1);
  Weights<double> W = InitWeights(shape, {1.0}, rng);
  Evaluator<double> ev(shape, LossKind::kLogistic, RegConfig{}, ds, &ds, W);
  ev.Evaluate(W, 0);
  // (A NaN in W1 can hide behind the ReLU, max(NaN, 0) = 0; the output layer's cannot.)
  W[1](0, 0) = std::numeric_limits<double>::quiet_NaN();
  const TrainRecord r = ev.Evaluate(W, 1);
  EXPECT_TRUE(std::isnan(r.train_error));
  EXPECT_TRUE(std::isnan(r.test_error));
  EXPECT_TRUE(std::isnan(r.margin));
  EXPECT_TRUE(std::isnan(r.smoothed_margin));
}

}  // namespace
}  // namespace marginlab::nn

namespace marginlab::nn {
namespace {

// Block-by-block metrics (a data set larger than EvalBlockRows) equal one block's: the same
// patterns changed, the same loss and margins to rounding, for each architecture path (the fused
// two-layer scalar kernels, several outputs, depth 3) and a test set of another size.
TEST(Train, EvaluatorInBlocksMatchesOneBlock) {
  struct Arch {
    long depth;
    int classes;
  };
  for (const Arch a : {Arch{2, 0}, Arch{2, 4}, Arch{3, 0}}) {
    const Dataset ds = testing::RandomData(53, 5, a.classes, 11);
    const Dataset te = testing::RandomData(31, 5, a.classes, 12);
    TrainOptions o;
    o.depth = a.depth;
    o.width = {150};
    o.loss = a.classes > 0 ? "cross-entropy" : "logistic";
    const MlpShape shape = ShapeFor(o, ds);
    const LossKind loss = ParseLoss(o.loss, "loss");
    Rng rng(3);
    const Weights<double> W0 = InitWeights(shape, {0.7}, rng);
    Weights<double> W1 = W0;
    for (auto& w : W1) w += 0.3 * rng.NormalMatrix(w.rows(), w.cols());
    Evaluator<double> one(shape, loss, RegConfig{1e-3, 2}, ds, &te, W0);
    Evaluator<double> blocks(shape, loss, RegConfig{1e-3, 2}, ds, &te, W0, 7);
    for (const Weights<double>* W : std::vector<const Weights<double>*>{&W0, &W1}) {
      const TrainRecord r = one.Evaluate(*W, 0), b = blocks.Evaluate(*W, 0);
      auto near = [](double x, double y) { return std::abs(x - y) <= 1e-12 * std::max(1.0, std::abs(y)); };
      EXPECT_EQ(b.pattern_change, r.pattern_change) << "depth " << a.depth;
      EXPECT_TRUE(near(b.data_loss, r.data_loss)) << b.data_loss << " vs " << r.data_loss;
      EXPECT_TRUE(near(b.objective, r.objective));
      EXPECT_TRUE(near(b.margin, r.margin));
      EXPECT_TRUE(near(b.smoothed_margin, r.smoothed_margin));
      EXPECT_TRUE(near(b.grad_norm, r.grad_norm)) << b.grad_norm << " vs " << r.grad_norm;
      EXPECT_TRUE(near(b.alignment, r.alignment));
      EXPECT_TRUE(near(b.test_loss, r.test_loss));
      EXPECT_EQ(b.train_error, r.train_error);
      EXPECT_EQ(b.test_error, r.test_error);
      if (W == &W1) {
        EXPECT_GT(r.pattern_change, 0.05) << "the check saw no changed patterns";
      }
    }
  }
}

}  // namespace
}  // namespace marginlab::nn
