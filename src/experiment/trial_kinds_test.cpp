// Trial kinds called directly, as the runner calls them: what a trial records, and that a
// trial whose computation broke down fails instead of reading as a shorter finished run.
#include <gtest/gtest.h>

#include <string>

#include "marginlab/core/error.hpp"
#include "marginlab/experiment/kinds.hpp"

namespace marginlab {
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

}  // namespace
}  // namespace marginlab
