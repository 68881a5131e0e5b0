// The results store: one SQLite database per output folder (DIR/results.sqlite).
//
// Schema (version 1):
//   meta(key TEXT PRIMARY KEY, value TEXT)
//       experiment, scale, config_path, config_text, kind, marginlab_version,
//       schema_version, created_at
//   runs(id INTEGER PRIMARY KEY, point INTEGER, trial INTEGER, seed TEXT,
//        params TEXT  -- JSON object of the trial's merged parameters
//        status TEXT  -- pending | running | done | failed
//        error TEXT, attempts INTEGER, started_at REAL, finished_at REAL,
//        seconds REAL, UNIQUE(point, trial))
//   trace(run_id INTEGER, step INTEGER, metric TEXT, value REAL,
//         PRIMARY KEY(run_id, step, metric))   -- metrics logged during a trial
//   final(run_id INTEGER, metric TEXT, value REAL, ord INTEGER -- order within the trial,
//         PRIMARY KEY(run_id, metric))
//   artifacts(run_id INTEGER, name TEXT, json TEXT, PRIMARY KEY(run_id, name))
// Times are Unix seconds. Non-finite metric values are stored as NULL.
//
// Durability: WAL journal; a trial's trace, finals, artifacts and its status
// change to 'done' are committed in one transaction, so a killed run loses at
// most the trials in flight, and nothing finished is lost or recomputed.
// Trials are claimed (pending → running) one at a time through ClaimNext(),
// which is the hand-off point for a future multi-process or distributed
// backend.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/trial_kind.hpp"

struct sqlite3;

namespace marginlab::experiment {

// A results store that is damaged: SQLite finds its file corrupt or not a database, or a stored
// value breaks what the schema promises (a NULL or a number where text belongs, text that is
// not UTF-8, parameters that are not a JSON object of texts, an unknown status, a trial the
// config's sweep does not have). The message is one line: "DIR/results.sqlite: the results
// store is damaged: " and what (table, row and column where known). Readers and writers find it
// before writing anything: a damaged store is never changed.
class DamagedStoreError : public InputError {
 public:
  DamagedStoreError(const std::filesystem::path& store, const std::string& what)
      : InputError(store.string() + ": the results store is damaged: " + what), store_(store), damage_(what) {}
  const std::filesystem::path& store() const { return store_; }
  const std::string& damage() const { return damage_; }  // what is damaged, without the file

 private:
  std::filesystem::path store_;
  std::string damage_;
};

// One row of the runs table, as stored (for merging stores and for tools).
struct StoredRun {
  long id = 0, point = 0, trial = 0;
  std::uint64_t seed = 0;
  std::string params;  // JSON object of the trial's parameters
  std::string status;  // pending | running | done | failed
  std::string error;
  double seconds = 0;
};

struct RunCounts {
  long pending = 0, running = 0, done = 0, failed = 0;
  long total() const { return pending + running + done + failed; }
};

class ResultStore {
 public:
  // Opens or creates DIR/results.sqlite. An existing store is checked before anything is
  // written to it (SQLite's quick_check, its tables, its stored config): a damaged one is a
  // DamagedStoreError and is left as it was. For an existing store, the stored
  // experiment, scale and config text must match (InputError otherwise, so a
  // different config never mixes with or overwrites stored results). `shard` ("i/N", or ""
  // for the whole sweep) is stored too and must match: a shard's folder holds only its
  // trials, and is completed by `marginlab merge`, never by a run of another shard.
  // One writer at a time: the store holds an exclusive lock on DIR/.marginlab.lock
  // for its life; a second writer (another process, or another store object)
  // gets an InputError naming the folder and the owner's pid. A folder that is
  // not writable is an InputError naming it.
  ResultStore(const std::filesystem::path& dir, const ExperimentConfig& config, const std::string& scale,
              const std::string& shard = "");
  // Opens an existing store to read it (export, report, merge's inputs): read-write where the
  // folder allows, so that closing removes the WAL's -wal/-shm files (reading changes no row),
  // else read-only, else immutable (a read-only mount). Checks it first (SQLite's quick_check,
  // the five tables): a damaged store is a DamagedStoreError; every value read afterwards is
  // checked against the schema too (DamagedStoreError naming its table, row and column).
  explicit ResultStore(const std::filesystem::path& dir);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Inserts the trials not yet present; returns how many were added. Every stored trial must be
  // one of `trials` with its seed and parameters (DamagedStoreError otherwise, nothing added).
  long AddTrials(const std::vector<TrialSpec>& trials);
  // Trials left 'running' by a killed process, and failed ones, back to 'pending'
  // (safe: the folder's lock says no other writer is running them).
  long ResetUnfinished();
  // The order in which ClaimNext hands out trials: these ids first (those still pending), then
  // the rest by id. Runners set it longest first (run_plan.hpp: ClaimOrder). Results do not
  // depend on it.
  void SetClaimOrder(std::vector<long> ids);
  // Claims the next pending trial (the claim order, else the lowest id), marks it running, and
  // returns its id and spec as stored.
  std::optional<std::pair<long, TrialSpec>> ClaimNext();
  void CompleteRun(long id, const TrialResult& result, double seconds);
  void FailRun(long id, const std::string& error, double seconds);
  RunCounts Counts();
  std::string Meta(const std::string& key);
  // The stored copy of the config (meta config_text): what decides the results at `scale`
  // (ResultsDefiningText), and the config parsed back (ConfigFromStoredText, its path the stored
  // config_path). A copy that does not parse is a DamagedStoreError, never the config file's error.
  std::string StoredDefiningText(const std::string& scale);
  ExperimentConfig StoredConfig();
  // Every run, in id order.
  std::vector<StoredRun> Runs();
  // The trial spec of a stored run (its parameters parsed back, as ClaimNext gives them).
  TrialSpec SpecOf(const StoredRun& run);
  // A finished run's stored result: finals in their stored order, the trace by step, the
  // artifacts (non-finite values, stored as NULL, come back as NaN).
  TrialResult LoadResult(long id);
  // The id of trial (point, trial), or -1.
  long IdOf(long point, long trial);

  // Tidy CSV exports: runs.csv (one row per trial: ids, status, parameters,
  // final metrics) and trace.csv (one row per (trial, step, metric)). The stored trials are
  // checked against the sweep of the stored config (their points, seeds and parameters) and
  // every value against the schema; both files are written in full before either replaces its
  // file: a damaged store writes neither.
  void ExportCsv(const std::filesystem::path& out_dir);

  const std::filesystem::path& path() const { return path_; }

  // Fault injection for tests: stores opened after this call cap their database at `pages`
  // pages (SQLite's max_page_count), so a write past it fails exactly as on a full disk
  // ("database or disk is full"). 0 = no cap.
  static void SetMaxPagesForTesting(long pages);

 private:
  TrialSpec SpecOfLocked(const StoredRun& run);  // mu_ held
  template <class F>
  auto FromStoredConfig(F&& parse);
  void CheckStoredTrials(const std::vector<TrialSpec>& planned);
  std::vector<TrialSpec> StoredSweep();
  void CheckIntegrity();                          // SQLite's quick_check
  bool HasTable(const std::string& name);
  void CheckTables(const std::vector<std::string>& names);
  std::string RequiredMeta(const std::string& key);  // a DamagedStoreError when absent or empty
  long Rows(const std::string& table);  // 0 for a table that does not exist
  void CheckStoredConfig(const ExperimentConfig& config, const std::string& scale, const std::string& shard);
  void Exec(const std::string& sql);
  void Lock(const std::filesystem::path& dir);
  void Close();
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;
  std::vector<long> claim_order_;
  std::size_t claim_next_ = 0;
  std::mutex mu_;
};

}  // namespace marginlab::experiment
