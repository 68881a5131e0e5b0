// Shards and their merge (merge.hpp): shards of a sweep, merged, store what one plain run
// stores; inputs that disagree are refused.
#include "marginlab/experiment/merge.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sstream>
#include <tuple>
#include <vector>

#include "experiment/runner_test_util.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/experiment/runner.hpp"
#include "marginlab/experiment/store.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::experiment {
namespace {
using namespace testing_util;

TEST(Runner, ShardsMergeIntoWhatOnePlainRunStores) {
  const fs::path dir = testing::ScratchDir();
  ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  ApplyOverrides(c, {"offset=2.5"});  // recorded overrides are re-applied by the merge
  std::ostringstream log;
  RunOptions o;
  o.scale = "smoke";
  o.threads = 1;
  o.out = dir / "plain";
  RunExperiment(c, o, TestKind(), log);
  std::vector<fs::path> shards;
  long shard_trials = 0;
  for (long i = 0; i < 3; ++i) {
    o.shard_index = i;
    o.shard_count = 3;
    o.out = dir / ("s" + std::to_string(i));
    o.threads = static_cast<int>(1 + i % 2);  // whatever the threads per shard
    const RunSummary s = RunExperiment(c, o, TestKind(), log);
    EXPECT_EQ(s.total, 4);  // 12 trials, every third
    shard_trials += s.ran;
    shards.push_back(o.out);
  }
  EXPECT_EQ(shard_trials, 12);
  // Two shards first: the third's trials stay pending in the output, and a plain run finishes them.
  const MergeSummary part = MergeStores({shards[0], shards[1]}, dir / "merged");
  EXPECT_EQ(part.trials, 12);
  EXPECT_EQ(part.copied, 8);
  EXPECT_EQ(part.pending, 4);
  const MergeSummary rest = MergeStores({shards[2], shards[0]}, dir / "merged");  // s0 again: no duplicate row
  EXPECT_EQ(rest.copied, 4);
  EXPECT_EQ(rest.pending, 0);
  EXPECT_EQ(Finals(dir / "merged"), Finals(dir / "plain"));
  EXPECT_EQ(Traces(dir / "merged"), Traces(dir / "plain"));
  ResultStore merged(dir / "merged"), plain(dir / "plain");
  const auto a = merged.Runs(), b = plain.Runs();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {  // the same ids, trials, seeds and parameters
    EXPECT_EQ(a[k].id, b[k].id);
    EXPECT_EQ(std::tie(a[k].point, a[k].trial, a[k].seed, a[k].params),
              std::tie(b[k].point, b[k].trial, b[k].seed, b[k].params));
    EXPECT_EQ(merged.LoadResult(a[k].id).artifacts, plain.LoadResult(b[k].id).artifacts);
  }
  // A plain run of the merged folder has nothing left; a shard's folder refuses a plain run and
  // another shard, keeping its results.
  o.shard_index = 0;
  o.shard_count = 1;
  o.out = dir / "merged";
  EXPECT_EQ(RunExperiment(c, o, TestKind(), log).ran, 0);
  o.out = shards[0];
  EXPECT_THROW(RunExperiment(c, o, TestKind(), log), InputError);
  o.shard_index = 1;
  o.shard_count = 2;
  EXPECT_THROW(RunExperiment(c, o, TestKind(), log), InputError);
  // Merging a store of another config is refused, naming it.
  ExperimentConfig other = ParseExperimentConfig(kConfig, "demo.toml");
  o.shard_index = 0;
  o.shard_count = 1;
  o.out = dir / "other";
  RunExperiment(other, o, TestKind(), log);
  try {
    MergeStores({shards[0], dir / "other"}, dir / "merged2");
    ADD_FAILURE() << "merged another config";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("different version"), std::string::npos) << e.what();
  }
  // Parsing --shard.
  RunOptions p;
  ParseShard("2/5", "--shard", p);
  EXPECT_EQ(std::make_pair(p.shard_index, p.shard_count), std::make_pair(2L, 5L));
  for (const char* bad : {"5/5", "-1/2", "1", "a/b", "1/0"}) EXPECT_THROW(ParseShard(bad, "--shard", p), InputError) << bad;
}

TEST(Merge, TrialsDoneTwiceMustAgree) {
  const fs::path dir = testing::ScratchDir();
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  std::ostringstream log;
  RunOptions o;
  o.scale = "smoke";
  o.threads = 1;
  o.out = dir / "a";
  RunExperiment(c, o, TestKind(), log);
  o.out = dir / "b";
  RunExperiment(c, o, TestKind(), log);
  const MergeSummary m = MergeStores({dir / "a", dir / "b"}, dir / "ab");
  EXPECT_EQ(m.duplicates, 12);
  EXPECT_EQ(m.copied, 12);
  // A trial whose stored result differs between the inputs is an error naming it.
  sqlite3* db = nullptr;
  sqlite3_open((dir / "b" / "results.sqlite").c_str(), &db);
  sqlite3_exec(db, "UPDATE final SET value = value + 1 WHERE run_id = 5 AND metric = 'z_final'", nullptr, nullptr,
               nullptr);
  sqlite3_close(db);
  try {
    MergeStores({dir / "a", dir / "b"}, dir / "ab2");
    ADD_FAILURE() << "merged disagreeing results";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("with different results"), std::string::npos) << e.what();
  }
  EXPECT_THROW(MergeStores({dir / "a"}, dir / "a"), InputError);  // the output is an input
}

}  // namespace
}  // namespace marginlab::experiment
