// Data-parallel training (train.hpp, core/collective.hpp) on in-process groups: every member
// ends with the same Θ, a run repeats bit for bit, one process and P members agree to rounding,
// decisions (divergence) are taken by all members alike, and what cannot be split is refused.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "marginlab/core/collective.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/nn/train.hpp"
#include "nn/nn_test_util.hpp"

namespace marginlab::nn {
namespace {

using testing::RandomData;

// Train on a group of P threads; returns every member's summaries.
std::vector<std::vector<TrainSummary>> TrainOnGroup(const TrainOptions& o, const Dataset& train,
                                                    const Dataset* test, int P) {
  ThreadGroup group(P);
  std::vector<std::vector<TrainSummary>> out(static_cast<std::size_t>(P));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(P));
  std::vector<std::thread> threads;
  for (int r = 0; r < P; ++r)
    threads.emplace_back([&, r] {
      try {
        out[r] = Train(o, train, test, {}, &group.member(r));
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

double MaxRelDiff(const Weights<double>& a, const Weights<double>& b) {
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k)
    worst = std::max(worst, (a[k] - b[k]).cwiseAbs().maxCoeff() / std::max(1e-300, b[k].cwiseAbs().maxCoeff()));
  return worst;
}

bool BitwiseEqual(const Weights<double>& a, const Weights<double>& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k].size() != b[k].size() ||
        std::memcmp(a[k].data(), b[k].data(), sizeof(double) * static_cast<std::size_t>(a[k].size())) != 0)
      return false;
  return true;
}

struct Case {
  const char* name;
  TrainOptions opts;
  Dataset train, test;
};

std::vector<Case> Cases() {
  std::vector<Case> cs;
  {
    Case c{"full-batch gd, logistic, lambda", {}, RandomData(37, 6, 0, 1), RandomData(20, 6, 0, 2)};
    c.opts.width = {40};
    c.opts.lambda = 1e-3;
    c.opts.steps = 60;
    c.opts.lr = 0.2;
    c.opts.log_points = 5;
    cs.push_back(c);
  }
  {
    Case c{"minibatch sgd, cross-entropy", {}, RandomData(50, 5, 3, 3), RandomData(20, 5, 3, 4)};
    c.opts.width = {30};
    c.opts.loss = "cross-entropy";
    c.opts.optimizer = "sgd";
    c.opts.batch_size = 11;
    c.opts.lambda = 1e-4;
    c.opts.steps = 80;
    c.opts.lr = 0.1;
    c.opts.log_points = 4;
    cs.push_back(c);
  }
  {
    Case c{"depth 3, squared, momentum, float32", {}, RandomData(29, 4, -1, 5), Dataset{}};
    c.opts.depth = 3;
    c.opts.width = {12};
    c.opts.loss = "squared";
    c.opts.optimizer = "momentum";
    c.opts.init_std = {0.5};
    c.opts.steps = 40;
    c.opts.lr = 0.02;
    c.opts.dtype = "float32";
    c.opts.log_points = 3;
    cs.push_back(c);
  }
  return cs;
}

TEST(TrainDataParallel, MembersAgreeRunsRepeatAndOneProcessMatchesToRounding) {
  const int saved = NumThreads();
  SetNumThreads(1);
  for (const Case& c : Cases()) {
    const Dataset* test = c.test.n() > 0 ? &c.test : nullptr;
    const TrainSummary lone = Train(c.opts, c.train, test).at(0);
    ASSERT_EQ(lone.termination, Termination::kMaxIterations) << c.name;
    const bool single = c.opts.dtype == "float32";
    for (int P : {2, 3}) {
      const auto first = TrainOnGroup(c.opts, c.train, test, P);
      const auto again = TrainOnGroup(c.opts, c.train, test, P);
      for (int r = 0; r < P; ++r) {
        const TrainSummary& s = first[r].at(0);
        EXPECT_EQ(s.termination, Termination::kMaxIterations) << c.name;
        EXPECT_EQ(s.steps_done, lone.steps_done) << c.name;
        // Every member holds the same Θ and reports the same metrics; a rerun gives the same bits.
        EXPECT_TRUE(BitwiseEqual(s.final, first[0].at(0).final)) << c.name << " P " << P << " member " << r;
        EXPECT_TRUE(BitwiseEqual(again[r].at(0).final, s.final)) << c.name << " P " << P << " member " << r;
        ASSERT_EQ(s.trace.size(), lone.trace.size());
        for (std::size_t i = 0; i < s.trace.size(); ++i) {
          EXPECT_EQ(s.trace[i].step, lone.trace[i].step);
          EXPECT_EQ(s.trace[i].data_loss, first[0].at(0).trace[i].data_loss);
          EXPECT_NEAR(s.trace[i].data_loss, lone.trace[i].data_loss,
                      (single ? 1e-4 : 1e-11) * std::max(1.0, std::abs(lone.trace[i].data_loss)))
              << c.name << " P " << P << " step " << s.trace[i].step;
        }
      }
      // The same iteration, the sum taken in another order: equal to rounding.
      const double rel = MaxRelDiff(first[0].at(0).final, lone.final);
      EXPECT_LE(rel, single ? 1e-4 : 1e-11) << c.name << " P " << P;
      EXPECT_GT(rel, 0.0) << c.name << " P " << P << ": expected the different summation order to show";
    }
  }
  SetNumThreads(saved);
}

TEST(TrainDataParallel, EveryMemberStopsAtTheSameDivergedStep) {
  TrainOptions o;
  o.width = {20};
  o.loss = "exponential";
  o.lr = 1e6;
  o.init_std = {3.0};
  o.steps = 200;
  const Dataset ds = RandomData(30, 5, 0, 9);
  const TrainSummary lone = Train(o, ds).at(0);
  ASSERT_EQ(lone.termination, Termination::kDiverged);
  const auto members = TrainOnGroup(o, ds, nullptr, 3);
  for (const auto& m : members) {
    EXPECT_EQ(m.at(0).termination, Termination::kDiverged);
    EXPECT_EQ(m.at(0).steps_done, members[0].at(0).steps_done);
    EXPECT_NE(m.at(0).message.find("step"), std::string::npos) << m.at(0).message;
  }
}

TEST(TrainDataParallel, RefusesWhatCannotBeSplit) {
  const Dataset ds = RandomData(10, 3, 0, 1);
  TrainOptions o;
  o.width = {8};
  o.steps = 3;
  o.optimizer = "normalized-gd";
  EXPECT_THROW(TrainOnGroup(o, ds, nullptr, 2), InputError);
  o.optimizer = "sgd";
  o.batch_size = 2;
  try {
    TrainOnGroup(o, ds, nullptr, 3);
    FAIL() << "a batch of 2 on 3 members was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("3 members"), std::string::npos) << e.what();
  }
  o.batch_size = 3;  // one example per member is enough
  EXPECT_EQ(TrainOnGroup(o, ds, nullptr, 3)[2].at(0).steps_done, 3);
}

TEST(ThreadGroup, SumsInRankOrder) {
  // 1e16 + 1 − 1e16 is 0 left to right but 1 in other orders: the order is visible.
  ThreadGroup g(3);
  const std::vector<std::vector<double>> in = {{1e16, 2, 0.5}, {1, 3, 0.25}, {-1e16, 4, 0.125}};
  std::vector<std::vector<double>> v = in;
  std::vector<std::thread> ts;
  for (int r = 0; r < 3; ++r) ts.emplace_back([&, r] { g.member(r).SumInRankOrder(v[r].data(), 3); });
  for (auto& t : ts) t.join();
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(v[r][0], (1e16 + 1.0) + -1e16);
    EXPECT_EQ(v[r][0], 0.0);
    EXPECT_EQ(v[r][1], 9.0);
    EXPECT_EQ(v[r][2], 0.875);
  }
  ThreadGroup one(1);
  std::vector<double> x = {1, 2};
  one.member(0).SumInRankOrder(x.data(), 2);
  EXPECT_EQ(x[1], 2.0);
}

}  // namespace
}  // namespace marginlab::nn
