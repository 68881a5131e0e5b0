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
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <tuple>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "experiment/run_plan.hpp"
#include "marginlab/experiment/store.hpp"
#include "experiment/runner_test_util.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::experiment {
namespace {
namespace fs = std::filesystem;
using namespace testing_util;

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
  // A comment, a recorded time, another scale's edit or a re-spelled number leave the run resumable…
  std::string cosmetic = std::string(kConfig) + "\n# a comment\n";
  cosmetic.replace(cosmetic.find("offset = 1.5"), 12, "offset = 15e-1  # re-spelled");
  cosmetic.replace(cosmetic.find("[scale.smoke]\ntrials = 3"), 24,
                   "[scale.smoke]\ntrials = 3\nmeasured_seconds = 12.5");
  cosmetic.replace(cosmetic.find("sleep_ms = 150"), 14, "sleep_ms = 99");
  const RunSummary third = RunExperiment(ParseExperimentConfig(cosmetic, "demo.toml"), o, TestKind(), log);
  EXPECT_EQ(third.already_done, 12);
  EXPECT_EQ(third.ran, 0);
  // …a change to what decides this scale's results is refused, and the stored results are kept.
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"offset = 1.5", "offset = 1.6"}, {"trials = 3", "trials = 4"}, {"seed = 7", "seed = 8"},
           {"n = [10, 20]", "n = [10, 30]"}}) {
    std::string text = kConfig;
    text.replace(text.find(from), from.size(), to);
    ExperimentConfig changed = ParseExperimentConfig(text, "demo.toml");
    try {
      RunExperiment(changed, o, TestKind(), log);
      ADD_FAILURE() << "accepted " << to;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("different version of demo.toml"), std::string::npos) << e.what();
    }
    EXPECT_EQ(Finals(dir), full) << to;
  }
  // So is a `--set` override the stored run did not have (it is recorded as a comment line).
  ExperimentConfig overridden = ParseExperimentConfig(kConfig, "demo.toml");
  ApplyOverrides(overridden, {"offset=1.5"});
  EXPECT_THROW(RunExperiment(overridden, o, TestKind(), log), InputError);
  EXPECT_EQ(Finals(dir), full);
}

TEST(Runner, HandsOutTheLongestTrialsFirst) {
  const fs::path dir = testing::ScratchDir();
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  std::ostringstream log;
  RunOptions o;
  o.scale = "smoke";
  o.threads = 1;
  o.out = dir;
  RunExperiment(c, o, TestKind(), log);
  // One worker: the start order is the claim order. Points 1 and 3 have n = 20, points 0 and 2
  // n = 10 (sweep: lambda outer, n inner), so the n = 20 trials start first, in sweep order.
  sqlite3* db = nullptr;
  sqlite3_open((dir / "results.sqlite").c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT point FROM runs ORDER BY started_at, id", -1, &st, nullptr);
  std::vector<long> points;
  while (sqlite3_step(st) == SQLITE_ROW) points.push_back(sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  EXPECT_EQ(points, (std::vector<long>{1, 1, 1, 3, 3, 3, 0, 0, 0, 2, 2, 2}));
  // The estimate: sizes as parameters and inside data specs; nothing else counts.
  ParamMap p("test");
  p.Set("width", "100");
  p.Set("data", "teacher:d=20,n=400,seed=3");
  p.Set("lr", "0.5");
  p.Set("steps", "1e3");
  EXPECT_DOUBLE_EQ(WorkEstimate(p), 100.0 * 20 * 400 * 1000);
  EXPECT_DOUBLE_EQ(WorkEstimate(ParamMap("empty")), 1.0);
}

TEST(Config, OverridesAreRecordedAndDecideTheResultsText) {
  ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  ApplyOverrides(c, {"sleep_ms=5", "offset=2"});
  EXPECT_EQ(*c.params.Find("offset"), "2");
  EXPECT_EQ(*c.scales.at("slow").params.Find("sleep_ms"), "5");
  EXPECT_FALSE(c.scales.at("slow").params.Has("offset"));
  // The order of the flags does not matter; their values do.
  ExperimentConfig swapped = ParseExperimentConfig(kConfig, "demo.toml");
  ApplyOverrides(swapped, {"offset=2", "sleep_ms=5"});
  EXPECT_EQ(ResultsDefiningText(c.text, c.path, "smoke"), ResultsDefiningText(swapped.text, c.path, "smoke"));
  ExperimentConfig other = ParseExperimentConfig(kConfig, "demo.toml");
  ApplyOverrides(other, {"offset=3", "sleep_ms=5"});
  EXPECT_NE(ResultsDefiningText(c.text, c.path, "smoke"), ResultsDefiningText(other.text, c.path, "smoke"));
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"offset"}, {"=1"}, {"a=1", "a=2"}}) {
    ExperimentConfig b = ParseExperimentConfig(kConfig, "demo.toml");
    EXPECT_THROW(ApplyOverrides(b, bad), InputError) << bad[0];
  }
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

// ---- Issue 18: faults, strict configs, pre-flight checks, one writer per folder ----

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, TypesAreStrict) {
  auto cfg = [](const std::string& experiment, const std::string& scale) {
    return "[experiment]\nname = \"x\"\nkind = \"k\"\n" + experiment + "\n[scale.smoke]\n" + scale + "\n";
  };
  auto error = [&](const std::string& e, const std::string& s) {
    return ErrorOf([&] { ParseExperimentConfig(cfg(e, s), "t.toml"); });
  };
  // Each of these ran (one trial, or seed 0) and exited 0 before.
  EXPECT_NE(error("", "trials = \"2\"").find("t.toml:6: [scale.smoke] trials must be an integer"), std::string::npos)
      << error("", "trials = \"2\"");
  EXPECT_NE(error("", "trials = 2.7").find("trials must be an integer"), std::string::npos);
  EXPECT_NE(error("", "trials = 1e12").find("trials must be an integer"), std::string::npos);
  EXPECT_NE(error("", "trials = 1000000000000").find("from 1 to"), std::string::npos);
  EXPECT_NE(error("", "trials = 0").find("from 1 to"), std::string::npos);
  EXPECT_NE(error("seed = \"abc\"", "").find("t.toml:4: [experiment] seed must be an integer"), std::string::npos)
      << error("seed = \"abc\"", "");
  EXPECT_NE(error("seed = -1", "").find("non-negative"), std::string::npos);
  EXPECT_NE(error("title = 3", "").find("title must be a string"), std::string::npos);
  EXPECT_NE(error("", "measured_seconds = \"1\"").find("measured_seconds must be a number"), std::string::npos);
  EXPECT_EQ(error("seed = 3", "trials = 2\nmeasured_seconds = 4"), "");
}

TEST(Config, ExpansionsBeyondTheLimitsFailBeforeAllocating) {
  // 8 sweep axes of 20 values: 2.56e10 points (it took gigabytes before failing).
  std::string big = "[experiment]\nname = \"x\"\nkind = \"k\"\n[scale.smoke]\ntrials = 1\n[scale.smoke.sweep]\n";
  for (char a = 'a'; a < 'a' + 8; ++a) {
    big += std::string(1, a) + " = [";
    for (int v = 0; v < 20; ++v) big += (v ? ", " : "") + std::to_string(v);
    big += "]\n";
  }
  const ExperimentConfig c = ParseExperimentConfig(big, "big.toml");
  const std::string e = ErrorOf([&] { ExpandTrials(c, "smoke"); });
  EXPECT_NE(e.find("expands to 25600000000 trials"), std::string::npos) << e;
  // References that double at every level: a = {b}{b}, b = {c}{c}, … grow past the limit.
  std::string nested = "[experiment]\nname = \"x\"\nkind = \"k\"\n[params]\n";
  for (int k = 0; k < 20; ++k)
    nested += "p" + std::to_string(k) + " = \"{p" + std::to_string(k + 1) + "}{p" + std::to_string(k + 1) + "}\"\n";
  nested += "p20 = \"" + std::string(100, 'x') + "\"\n[scale.smoke]\ntrials = 1\n";
  const ExperimentConfig n = ParseExperimentConfig(nested, "nested.toml");
  const std::string ne = ErrorOf([&] { ExpandTrials(n, "smoke"); });
  EXPECT_TRUE(ne.find("grows past") != std::string::npos || ne.find("nested too deeply") != std::string::npos) << ne;
}

TrialKind CheckedKind() {
  TrialKind k = TestKind();
  k.check = [](const TrialSpec& spec) {
    for (const auto& [key, v] : spec.params.entries())
      if (key != "offset" && key != "n" && key != "sleep_ms" && key != "label" && key != "lambda")
        throw InputError(spec.params.context() + ": unknown parameter '" + key + "'");
    ParseInt(*spec.params.Find("sleep_ms"), spec.params.context() + ": sleep_ms");
  };
  return k;
}

TEST(Runner, BadTrialParametersFailBeforeTheFolderIsTouched) {
  const fs::path dir = testing::ScratchDir() / "out";
  RunOptions o;
  o.scale = "smoke";
  o.out = dir;
  std::ostringstream progress;
  const ExperimentConfig bad = ParseExperimentConfig(std::string(kConfig) + "\n", "demo.toml");
  ExperimentConfig typo = bad;
  typo.params.Set("stepz", "3");
  const std::string e = ErrorOf([&] { RunExperiment(typo, o, CheckedKind(), progress); });
  EXPECT_NE(e.find("unknown parameter 'stepz'"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir));  // nothing created: the fixed config can use this folder
  const RunSummary s = RunExperiment(bad, o, CheckedKind(), progress);
  EXPECT_EQ(s.remaining, 0);
}

TEST(Runner, ATrialThatThrowsIsStoredAsFailedWithItsReason) {
  const fs::path dir = testing::ScratchDir() / "out";
  TrialKind k = TestKind();
  const auto inner = k.run;
  k.run = [inner](const TrialSpec& spec) -> TrialResult {
    if (spec.trial == 1) throw Error("the network diverged: the loss became NaN at step 7");
    return inner(spec);
  };
  RunOptions o;
  o.scale = "smoke";
  o.out = dir;
  o.threads = 2;
  std::ostringstream progress;
  const RunSummary s = RunExperiment(ParseExperimentConfig(kConfig, "demo.toml"), o, k, progress);
  EXPECT_EQ(s.failed, 4);  // trial 1 of each of the 4 points
  EXPECT_EQ(s.remaining, 4);
  EXPECT_EQ(Finals(dir).size(), 8u);  // no finals for a failed trial
  sqlite3* db = nullptr;
  sqlite3_open((dir / "results.sqlite").c_str(), &db);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT status, error FROM runs WHERE trial = 1", -1, &q, nullptr);
  int rows = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    ++rows;
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "failed");
    EXPECT_NE(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 1))).find("step 7"), std::string::npos);
  }
  EXPECT_EQ(rows, 4);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

// A full disk while storing (issue 18: exit 134, "terminate called after throwing"): every
// worker stops, the run ends with an InputError naming the database, and what was stored
// before is intact and resumes exactly.
TEST(Runner, AFullDiskStopsTheRunWithANamedErrorAndLosesNothing) {
  const fs::path dir = testing::ScratchDir() / "out";
  TrialKind k = TestKind();
  const auto inner = k.run;
  k.run = [inner](const TrialSpec& spec) {  // a big artifact fills the capped database
    TrialResult r = inner(spec);
    r.artifacts.emplace_back("blob", "\"" + std::string(200000, 'x') + "\"");
    return r;
  };
  RunOptions o;
  o.scale = "smoke";
  o.out = dir;
  std::ostringstream progress;
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  for (int threads : {1, 2}) {
    fs::remove_all(dir);
    o.threads = threads;
    ResultStore::SetMaxPagesForTesting(300);  // 4 KiB pages: about five trials fit
    const std::string e = ErrorOf([&] { RunExperiment(c, o, k, progress); });
    ResultStore::SetMaxPagesForTesting(0);
    EXPECT_NE(e.find("results.sqlite"), std::string::npos) << e;
    EXPECT_NE(e.find("full"), std::string::npos) << e;
    EXPECT_NE(e.find("re-run with the same --out to resume"), std::string::npos) << e;
    const auto partial = Finals(dir);
    EXPECT_GT(partial.size(), 0u);
    EXPECT_LT(partial.size(), 12u);
    const RunSummary s = RunExperiment(c, o, k, progress);  // the disk has room again
    EXPECT_EQ(s.remaining, 0);
    const auto all = Finals(dir);
    EXPECT_EQ(all.size(), 12u);
    for (const auto& [key, v] : partial) EXPECT_EQ(all.at(key), v);  // kept exactly
  }
}

TEST(Store, OneWriterPerFolderAndNoHandleLeakWhenTheConstructorThrows) {
  const fs::path root = testing::ScratchDir(), dir = root / "out";
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  {
    ResultStore first(dir, c, "smoke");
    const std::string e = ErrorOf([&] { ResultStore second(dir, c, "smoke"); });
    EXPECT_NE(e.find("is in use by another `marginlab run` (pid " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << e;
    ResultStore reader(dir);  // reading (report, export) needs no lock
    EXPECT_EQ(reader.Meta("experiment"), "demo");
  }
  ResultStore again(dir, c, "smoke");  // released with the first store
  // A constructor that throws after opening the database (another config) closes it and
  // releases the lock (LeakSanitizer found the handle leaked): a correct store opens after it.
  ExperimentConfig other = c;  // a changed parameter (a comment alone would not be a change)
  other.text.replace(other.text.find("offset = 1.5"), 12, "offset = 1.6");
  {
    const fs::path d2 = root / "out2";
    { ResultStore s(d2, c, "smoke"); }
    for (int i = 0; i < 3; ++i) EXPECT_NE(ErrorOf([&] { ResultStore s(d2, other, "smoke"); }), "");
    ResultStore ok(d2, c, "smoke");
  }
  // A path that cannot be a folder is named.
  const fs::path file = root / "file";
  std::ofstream(file) << "x";
  EXPECT_NE(ErrorOf([&] { ResultStore s(file / "sub", c, "smoke"); }).find(file.string()), std::string::npos);
}

}  // namespace
}  // namespace marginlab::experiment
