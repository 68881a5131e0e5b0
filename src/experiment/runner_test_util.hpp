// What the runner and merge tests share: a small config, a deterministic trial kind of the
// tests' own, and readers of a store's finals and trace.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "marginlab/core/params.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/experiment/trial_kind.hpp"

namespace marginlab::experiment::testing_util {
namespace fs = std::filesystem;

inline constexpr const char* kConfig = R"toml(
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
inline TrialKind TestKind() {
  TrialKind kind;
  kind.name = "test-kind";
  kind.summary = "test";
  kind.run = [](const TrialSpec& spec) {
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
          };
  return kind;
}

inline std::map<std::pair<long, long>, double> Finals(const fs::path& dir) {
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
// Trace rows of every run, keyed by (point, trial, step, metric): the stored trace, bit for bit.
inline std::map<std::tuple<long, long, long, std::string>, double> Traces(const fs::path& dir) {
  sqlite3* db = nullptr;
  sqlite3_open((dir / "results.sqlite").c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT r.point, r.trial, t.step, t.metric, t.value FROM trace t JOIN runs r ON r.id = t.run_id",
                     -1, &s, nullptr);
  std::map<std::tuple<long, long, long, std::string>, double> out;
  while (sqlite3_step(s) == SQLITE_ROW)
    out[{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
         reinterpret_cast<const char*>(sqlite3_column_text(s, 3))}] = sqlite3_column_double(s, 4);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

}  // namespace marginlab::experiment::testing_util
