// Trial kinds called directly, as the runner calls them: what a trial records, and that a
// trial whose computation broke down fails instead of reading as a shorter finished run.
#include <gtest/gtest.h>

#include <string>

#include "marginlab/core/error.hpp"
#include "marginlab/experiment/config.hpp"
#include "experiment/kinds.hpp"

namespace marginlab::experiment {
namespace {

TrialSpec FlowSpec(const std::string& eta, const std::string& steps) {
  TrialSpec spec;
  spec.seed = 3;
  spec.params = ParamMap("thm33.toml point 0 trial 0");
  spec.params.Set("data", "xor:d=2,n=4");
  spec.params.Set("eta", eta);
  spec.params.Set("steps", steps);
  spec.params.Set("sigma", "0.01");
  spec.params.Set("particles", "10");
  spec.params.Set("oracle", "none");
  spec.params.Set("reference", "none");
  return spec;
}

TEST(MeanFieldFlowTrial, RecordsTheWholeRunAndItsFinals) {
  const TrialResult r = RunMeanFieldFlowTrial(FlowSpec("0.2", "500"));
  ASSERT_FALSE(r.trace.empty());
  EXPECT_EQ(r.trace.back().step, 500);
  auto final_of = [&](const std::string& name) {
    for (const auto& f : r.finals)
      if (f.first == name) return f.second;
    ADD_FAILURE() << "no final " << name;
    return 0.0;
  };
  EXPECT_EQ(final_of("steps_done"), 500);
  EXPECT_EQ(final_of("renormalized"), 0);  // σt = 1: nothing near double's range
  EXPECT_LT(final_of("mass_error"), 1e-12);
}

TEST(MeanFieldFlowTrial, ADivergedFlowFailsTheTrialWithTheReason) {
  try {
    RunMeanFieldFlowTrial(FlowSpec("100", "300"));  // η far past stability: L[ρ] overflows
    FAIL() << "a diverged flow was recorded as a finished trial";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("thm33.toml point 0 trial 0"), std::string::npos) << what;
    EXPECT_NE(what.find("diverged after"), std::string::npos) << what;
    EXPECT_NE(what.find("of 300 steps"), std::string::npos) << what;
  }
}

// Every shipped experiment, at every scale, passes the pre-flight check the runner makes before
// it touches a results folder (so the check refuses nothing real); and a diverged network fails
// its trial with the reason, for every kind that trains.
TEST(TrialKinds, EveryShippedConfigPassesThePreflightCheck) {
  const auto files = ListExperimentFiles();
  ASSERT_GE(files.size(), 10u);
  for (const auto& file : files) {
    const ExperimentConfig c = LoadExperimentConfig(file);
    const TrialKind& kind = FindTrialKind(c.kind);
    ASSERT_TRUE(kind.check) << c.kind << " has no pre-flight check";
    for (const auto& [scale, s] : c.scales) {
      long last = -1;
      for (const TrialSpec& t : ExpandTrials(c, scale)) {
        if (t.point == last) continue;
        last = t.point;
        TrialSpec spec = t;
        spec.params = KindParams(t.params);
        EXPECT_NO_THROW(kind.check(spec)) << file << " [" << scale << "] point " << t.point;
      }
    }
  }
}

TEST(TrialKinds, ADivergedNetworkFailsItsTrialForEveryKindThatTrains) {
  for (const std::string kind : {"nn-train", "margin-rate", "l1-margin", "alignment"}) {
    TrialSpec spec;
    spec.seed = 1;
    spec.params = ParamMap("diverge.toml point 0");
    spec.params.Set("data", "wei-d:d=20,n=200,seed=1");
    spec.params.Set("loss", "exponential");
    spec.params.Set("lr", "1");
    spec.params.Set("steps", "20");
    if (kind == "margin-rate") spec.params.Set("depth", "1");
    try {
      FindTrialKind(kind).run(spec);
      ADD_FAILURE() << kind << ": a diverging run was stored as a result";
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("diverged"), std::string::npos) << kind << ": " << m;
      EXPECT_NE(m.find("step"), std::string::npos) << kind << ": " << m;
    }
  }
}

}  // namespace
}  // namespace marginlab::experiment
