// Runner and store tests with a trial kind of the test's own: sweep expansion,
// resumption after a stop and after SIGKILL, thread-count independence,
// refusal to mix configs, CSV export.
#include "marginlab/experiment/runner.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/experiment/store.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {
namespace fs = std::filesystem;

constexpr const char* kConfig = R"toml(
[experiment]
name = "demo"
title = "runner test"
source = "none"
kind = "test-kind"
seed = 7

[params]
offset = 1.5
label = "n={n},lam={lambda}"

[scale.smoke]
trials = 3
[scale.smoke.params]
sleep_ms = 0
[scale.smoke.sweep]
n = [10, 20]
lambda = [0.5, 0.0]

[scale.zipped]
trials = 1
[scale.zipped.params]
sleep_ms = 0
_unused = "kept for the analysis"
[scale.zipped.zip]
n = [1, 2, 3]
_tag = ["a", "b", "c"]
[scale.zipped.sweep]
lambda = [0.5, 0.0]

[scale.slow]
trials = 4
[scale.slow.params]
sleep_ms = 150
n = 1
lambda = 0
)toml";

// A deterministic kind: a few normal draws from the trial seed, shifted by params.
TrialKind TestKind() {
  return {"test-kind", "test", [](const TrialSpec& spec) {
            const double offset = ParseDouble(*spec.params.Find("offset"), "offset");
            const long n = ParseInt(*spec.params.Find("n"), "n");
            const long sleep_ms = ParseInt(*spec.params.Find("sleep_ms"), "sleep_ms");
            if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
            Rng rng(spec.seed);
            TrialResult r;
            for (long s = 0; s < 3; ++s) r.trace.push_back({s, {{"z", rng.Normal() + offset}}});
            r.AddFinal("z_final", rng.Normal() * n + offset);
            r.AddFinal("trial_index", static_cast<double>(spec.trial));
            r.artifacts.emplace_back("label", "\"" + *spec.params.Find("label") + "\"");
            return r;
          }};
}

std::map<std::pair<long, long>, double> Finals(const fs::path& dir) {
  sqlite3* db = nullptr;
  sqlite3_open((dir / "results.sqlite").c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT r.point, r.trial, f.value FROM final f JOIN runs r ON r.id = f.run_id "
                     "WHERE f.metric = 'z_final'",
                     -1, &s, nullptr);
  std::map<std::pair<long, long>, double> out;
  while (sqlite3_step(s) == SQLITE_ROW)
    out[{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)}] = sqlite3_column_double(s, 2);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

TEST(Config, ExpandsSweepWithCommonSeedsAndSubstitution) {
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  const auto trials = ExpandTrials(c, "smoke");
  ASSERT_EQ(trials.size(), 12u);  // 2 × 2 points × 3 trials
  // Axes expand in alphabetical order (lambda outer, n inner).
  EXPECT_EQ(*trials[0].params.Find("label"), "n=10,lam=0.5");
  EXPECT_EQ(*trials[3].params.Find("label"), "n=20,lam=0.5");
  EXPECT_EQ(*trials[11].params.Find("label"), "n=20,lam=0");
  EXPECT_EQ(trials[3].point, 1);
  // Trial t has the same seed at every sweep point; different trials differ.
  EXPECT_EQ(trials[0].seed, trials[3].seed);
  EXPECT_NE(trials[0].seed, trials[1].seed);
  EXPECT_EQ(trials[1].seed, Rng(7).Split(1).key());
}

TEST(Config, ZippedListsVaryTogetherAndTemplateVariablesStayOutOfTheKind) {
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  const auto trials = ExpandTrials(c, "zipped");
  ASSERT_EQ(trials.size(), 6u);  // 3 zipped values × 2 lambdas
  EXPECT_EQ(*trials[0].params.Find("n"), "1");
  EXPECT_EQ(*trials[0].params.Find("_tag"), "a");
  EXPECT_EQ(*trials[2].params.Find("n"), "2");
  EXPECT_EQ(*trials[2].params.Find("_tag"), "b");
  EXPECT_EQ(*trials[5].params.Find("lambda"), "0");
  const ParamMap kind = KindParams(trials[0].params);
  EXPECT_FALSE(kind.Has("_tag"));
  EXPECT_FALSE(kind.Has("_unused"));
  EXPECT_TRUE(kind.Has("n"));
  const std::string bad = std::string(kConfig) + "\n[scale.badzip.zip]\na = [1, 2]\nb = [1]\n";
  EXPECT_THROW(ParseExperimentConfig(bad, "bad.toml"), InputError);
}

TEST(Config, ErrorsNameFileAndKey) {
  auto error = [](const std::string& text) {
    try {
      ParseExperimentConfig(text, "bad.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("[experiment]\nname='x'\nkind='k'\ncolour=1\n[scale.smoke]\n").find("bad.toml:4: unknown key 'colour'"),
            std::string::npos);
  EXPECT_NE(error("[experiment\n").find("bad.toml:1: invalid TOML"), std::string::npos);
  EXPECT_NE(error("[experiment]\nname='x'\n[scale.smoke]\n").find("needs kind"), std::string::npos);
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  EXPECT_THROW(ExpandTrials(c, "paper"), InputError);
  const ExperimentConfig bad = ParseExperimentConfig(
      "[experiment]\nname='x'\nkind='k'\n[params]\na='{nope}'\n[scale.smoke]\n", "bad.toml");
  EXPECT_THROW(ExpandTrials(bad, "smoke"), InputError);
}

TEST(Runner, RunsEveryTrialAndResultsDoNotDependOnThreads) {
  const fs::path dir = testing::ScratchDir();
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  std::ostringstream log;
  RunOptions o;
  o.scale = "smoke";
  o.out = dir / "one";
  o.threads = 1;
  const RunSummary a = RunExperiment(c, o, TestKind(), log);
  EXPECT_EQ(a.total, 12);
  EXPECT_EQ(a.ran, 12);
  EXPECT_EQ(a.remaining, 0);
  o.out = dir / "two";
  o.threads = 2;
  RunExperiment(c, o, TestKind(), log);
  const auto fa = Finals(dir / "one"), fb = Finals(dir / "two");
  ASSERT_EQ(fa.size(), 12u);
  EXPECT_EQ(fa, fb);
  // Common random numbers: the same trial at two points differs only through n.
  // (Sweep axes expand in alphabetical order: lambda outer, n inner.)
  EXPECT_DOUBLE_EQ((fa.at({0, 1}) - 1.5) / 10, (fa.at({1, 1}) - 1.5) / 20);
  // CSV export: one row per trial plus a header, tidy trace rows.
  std::ifstream runs(dir / "one" / "runs.csv");
  std::string header;
  std::getline(runs, header);
  EXPECT_EQ(header, "run_id,point,trial,seed,status,seconds,label,offset,sleep_ms,lambda,n,z_final,trial_index");
  int lines = 0;
  for (std::string l; std::getline(runs, l);) ++lines;
  EXPECT_EQ(lines, 12);
}

TEST(Runner, ResumesOnlyUnfinishedTrialsAndRefusesAnotherConfig) {
  const fs::path dir = testing::ScratchDir();
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  std::ostringstream log;
  RunOptions o;
  o.scale = "smoke";
  o.out = dir;
  o.threads = 1;
  o.max_trials = 5;
  const RunSummary first = RunExperiment(c, o, TestKind(), log);
  EXPECT_EQ(first.ran, 5);
  EXPECT_EQ(first.remaining, 7);
  const auto partial = Finals(dir);
  o.max_trials = 0;
  const RunSummary second = RunExperiment(c, o, TestKind(), log);
  EXPECT_EQ(second.already_done, 5);
  EXPECT_EQ(second.ran, 7);
  const auto full = Finals(dir);
  for (const auto& [key, value] : partial) EXPECT_EQ(full.at(key), value);
  EXPECT_NE(log.str().find("resuming, 5 of 12"), std::string::npos) << log.str();
  // A changed config is refused and the stored results are kept.
  ExperimentConfig changed = ParseExperimentConfig(std::string(kConfig) + "\n# changed\n", "demo.toml");
  EXPECT_THROW(RunExperiment(changed, o, TestKind(), log), InputError);
  EXPECT_EQ(Finals(dir), full);
}

TEST(Runner, SurvivesSigkillMidway) {
  const fs::path dir = testing::ScratchDir();
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  RunOptions o;
  o.scale = "slow";  // 4 trials of 150 ms each
  o.out = dir;
  o.threads = 1;
  o.export_csv = false;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::ostringstream log;
    RunExperiment(c, o, TestKind(), log);
    _exit(0);
  }
  // Kill it once at least one trial is done and before all are.
  long done = 0;
  for (int i = 0; i < 400 && done < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (fs::exists(dir / "results.sqlite")) done = static_cast<long>(Finals(dir).size());
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto before = Finals(dir);
  ASSERT_GE(before.size(), 1u);
  ASSERT_LT(before.size(), 4u);

  std::ostringstream log;
  const RunSummary s = RunExperiment(c, o, TestKind(), log);
  EXPECT_EQ(s.already_done, static_cast<long>(before.size()));
  EXPECT_EQ(s.ran, 4 - static_cast<long>(before.size()));
  const auto after = Finals(dir);
  EXPECT_EQ(after.size(), 4u);  // every trial exactly once (UNIQUE(point, trial), one final each)
  for (const auto& [key, value] : before) EXPECT_EQ(after.at(key), value);
  // A second resume has nothing to do.
  EXPECT_EQ(RunExperiment(c, o, TestKind(), log).ran, 0);
}

}  // namespace
}  // namespace marginlab
