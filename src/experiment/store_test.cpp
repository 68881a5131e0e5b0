// Damaged results stores (issue 33): every way of reading a store — ResultStore's reader
// (export, merge's inputs) and its writer (resuming a run) — turns damage into one
// DamagedStoreError naming DIR/results.sqlite and the table, row and column, writes nothing
// (no CSV, no -wal/-shm), and leaves the damaged file's bytes as they were.
#include "marginlab/experiment/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "experiment/runner_test_util.hpp"
#include "experiment/store_sql.hpp"
#include "marginlab/experiment/merge.hpp"
#include "marginlab/experiment/runner.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::experiment {
namespace {
namespace fs = std::filesystem;
using namespace testing_util;

// A finished store of the test kind (12 trials with finals, traces and artifacts) in `dir`.
void MakeStore(const fs::path& dir) {
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  RunOptions o;
  o.scale = "smoke";
  o.out = dir;
  o.threads = 1;
  o.export_csv = false;
  std::ostringstream log;
  ASSERT_EQ(RunExperiment(c, o, TestKind(), log).remaining, 0);
}

// Runs SQL on the store as a tool outside marginlab would (CHECK constraints ignored).
void Damage(const fs::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "results.sqlite").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, ("PRAGMA ignore_check_constraints = ON; " + sql).c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// f() throws a DamagedStoreError for dir's store whose message holds `fragment`; the store's
// bytes and the folder's files are unchanged (beside `allowed`, the run lock).
void ExpectDamage(const fs::path& dir, const std::function<void()>& f, const std::string& fragment) {
  const fs::path store = dir / "results.sqlite";
  const std::string before = testing::ReadFileBytes(store);
  const std::vector<std::string> files = Listing(dir);
  try {
    f();
    ADD_FAILURE() << "no error; expected one with '" << fragment << "'";
  } catch (const DamagedStoreError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(store.string() + ": the results store is damaged: ", 0), 0u) << m;
    EXPECT_NE(m.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_EQ(e.store(), store);
  }
  EXPECT_EQ(testing::ReadFileBytes(store), before) << "the damaged store was changed";
  std::vector<std::string> after = Listing(dir);
  after.erase(std::remove(after.begin(), after.end(), ".marginlab.lock"), after.end());
  std::vector<std::string> expected = files;
  expected.erase(std::remove(expected.begin(), expected.end(), ".marginlab.lock"), expected.end());
  EXPECT_EQ(after, expected) << "files left behind";
}

void Export(const fs::path& dir) { ResultStore(dir).ExportCsv(dir); }

void Resume(const fs::path& dir) {
  const ExperimentConfig c = ParseExperimentConfig(kConfig, "demo.toml");
  RunOptions o;
  o.scale = "smoke";
  o.out = dir;
  o.threads = 1;
  std::ostringstream log;
  RunExperiment(c, o, TestKind(), log);
}

TEST(StoreSql, ValidUtf8) {
  auto ok = [](const std::string& s) {
    return detail::ValidUtf8(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  EXPECT_TRUE(ok("plain ascii"));
  EXPECT_TRUE(ok("λ → 0, γ* ≥ 𝔼"));
  EXPECT_FALSE(ok("\xff"));
  EXPECT_FALSE(ok("ab\xc3"));              // cut in a character
  EXPECT_FALSE(ok("\xc0\xaf"));            // overlong
  EXPECT_FALSE(ok("\xed\xa0\x80"));        // a surrogate
  EXPECT_FALSE(ok("\xf4\x90\x80\x80"));    // beyond U+10FFFF
  EXPECT_EQ(detail::Quote("a\nb"), "'a?b'");
  EXPECT_EQ(detail::Quote(std::string(100, 'x')).size(), 66u);
}

TEST(Store, ValuesThatBreakTheSchemaAreNamedByTableRowAndColumn) {
  const fs::path root = testing::ScratchDir(), base = root / "base";
  MakeStore(base);
  const struct {
    const char* sql;
    const char* fragment;
  } cases[] = {  // resuming checks the runs before it writes, and the rest when it exports
      {"UPDATE runs SET params = CAST(X'7b22ff22' AS TEXT) WHERE id = 2",
       "table runs, row id 2, column params: the text is not valid UTF-8"},
      {"UPDATE runs SET params = 'n=10' WHERE id = 3", "table runs, row id 3, column params: not valid JSON"},
      {"UPDATE runs SET params = '{\"n\": 10}' WHERE id = 3", "parameter 'n' is not a text"},
      {"UPDATE runs SET seed = '7e3' WHERE id = 1", "table runs, row id 1, column seed: '7e3' is not a seed"},
      {"UPDATE runs SET point = 'zero' WHERE id = 1", "table runs, row id 1, column point: expected an integer"},
      {"UPDATE runs SET status = 'dome' WHERE id = 1", "CHECK constraint failed in runs"},
      {"UPDATE final SET value = 'abc' WHERE run_id = 4 AND metric = 'z_final'",
       "table final, row run_id 4, column value: expected a number or NULL, found text"},
      {"UPDATE trace SET metric = X'7a' WHERE run_id = 5 AND step = 1",
       "table trace, row run_id 5, column metric: expected text, found a blob"},
      {"UPDATE trace SET run_id = 77 WHERE run_id = 5", "table trace, column run_id: no run 77 in table runs"},
  };
  int k = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    const fs::path dir = root / ("case" + std::to_string(k++));
    fs::create_directories(dir);
    fs::copy_file(base / "results.sqlite", dir / "results.sqlite");
    Damage(dir, c.sql);
    ExpectDamage(dir, [&] { Export(dir); }, c.fragment);
    ExpectDamage(dir, [&] { Resume(dir); }, c.fragment);
  }
  // A trial the sweep does not have, or with another seed: resuming would add its twin beside it.
  const fs::path dir = root / "point";
  fs::create_directories(dir);
  fs::copy_file(base / "results.sqlite", dir / "results.sqlite");
  Damage(dir, "UPDATE runs SET point = 9 WHERE id = 1");
  ExpectDamage(dir, [&] { Resume(dir); }, "table runs, row id 1, column point: (point 9, trial 0) is not a trial");
  Damage(dir, "UPDATE runs SET point = 0, seed = '12' WHERE id = 1");
  ExpectDamage(dir, [&] { Resume(dir); }, "column seed: not the seed the config gives this trial");
}

TEST(Store, ADamagedFileIsNamedAndLeftAsItWas) {
  const fs::path root = testing::ScratchDir(), base = root / "base";
  MakeStore(base);
  const std::string bytes = testing::ReadFileBytes(base / "results.sqlite");
  const struct {
    std::string name, content, fragment;
  } cases[] = {
      {"text", "not a database\n", "SQLite: file is not a database"},
      {"truncated", bytes.substr(0, bytes.size() / 2), "the results store is damaged"},
      {"header", std::string("SQLite format 3") + std::string(1, '\0') + std::string(100, 'x'),
       "the results store is damaged"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path dir = root / c.name;
    fs::create_directories(dir);
    std::ofstream(dir / "results.sqlite", std::ios::binary) << c.content;
    ExpectDamage(dir, [&] { Export(dir); }, c.fragment);
    ExpectDamage(dir, [&] { Resume(dir); }, c.fragment);
  }
  // Not a store of `marginlab run`: an SQLite database without its tables.
  const fs::path other = root / "other";
  fs::create_directories(other);
  {
    sqlite3* db = nullptr;
    sqlite3_open((other / "results.sqlite").c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES('a', 'b');", nullptr, nullptr,
                 nullptr);
    sqlite3_close(db);
  }
  ExpectDamage(other, [&] { Export(other); }, "it has no table runs");
}

TEST(Store, ADamagedStoredConfigBlamesTheStoreNotTheConfigFile) {
  const fs::path root = testing::ScratchDir(), base = root / "base";
  MakeStore(base);
  const struct {
    const char* sql;
    const char* fragment;
  } cases[] = {
      {"UPDATE meta SET value = '[experiment' || char(10) || 'name = 1' WHERE key = 'config_text'",
       "table meta, row key 'config_text': the stored copy of demo.toml does not parse "
       "(meta config_text:1: invalid TOML"},
      {"UPDATE meta SET value = CAST(X'5b6578706572696d656e745dff' AS TEXT) WHERE key = 'config_text'",
       "table meta, row key 'config_text', column value: the text is not valid UTF-8"},
      {"UPDATE meta SET value = NULL WHERE key = 'config_text'",
       "table meta, row key 'config_text', column value: expected text, found NULL"},
      {"DELETE FROM meta WHERE key = 'config_text'", "table meta has no row 'config_text'"},
      {"DELETE FROM meta", "table meta is empty, but table runs is not"},
  };
  int k = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    const fs::path dir = root / ("case" + std::to_string(k++));
    fs::create_directories(dir);
    fs::copy_file(base / "results.sqlite", dir / "results.sqlite");
    Damage(dir, c.sql);
    ExpectDamage(dir, [&] { Resume(dir); }, c.fragment);
    ExpectDamage(dir, [&] { MergeStores({dir}, root / ("merged" + std::to_string(k))); }, "");
    EXPECT_FALSE(fs::exists(root / ("merged" + std::to_string(k)) / "results.sqlite"));
  }
  // The stored copy is what resuming checks; reading the results does not need it.
  const fs::path dir = root / "case0";
  EXPECT_EQ(ResultStore(dir).Runs().size(), 12u);
}

TEST(Store, ExportAndReadingLeaveNoWalFilesAndWriteNothingOnDamage) {
  const fs::path root = testing::ScratchDir(), dir = root / "s";
  MakeStore(dir);
  Export(dir);
  EXPECT_EQ(Listing(dir), (std::vector<std::string>{".marginlab.lock", "results.sqlite", "runs.csv", "trace.csv"}));
  // A damaged row found while trace.csv is written: neither file is replaced.
  fs::remove(dir / "runs.csv");
  fs::remove(dir / "trace.csv");
  Damage(dir, "UPDATE trace SET value = 'x' WHERE run_id = 12 AND step = 2");
  ExpectDamage(dir, [&] { Export(dir); }, "table trace, row run_id 12, column value");
  EXPECT_FALSE(fs::exists(dir / "runs.csv"));
}

}  // namespace
}  // namespace marginlab::experiment
