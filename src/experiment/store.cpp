// SQLite results store (see store.hpp for the schema and durability rules).
#include "marginlab/experiment/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/features.hpp"
#include "marginlab/experiment/runner.hpp"
#include "experiment/store_sql.hpp"

namespace marginlab::experiment {
namespace fs = std::filesystem;
using detail::IsDamage;
using detail::ParseParams;
using detail::ParseSeed;
using detail::ParseStatus;
using detail::Quote;
using detail::Stmt;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY, point INTEGER NOT NULL, trial INTEGER NOT NULL, seed TEXT NOT NULL,
  params TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('pending','running','done','failed')),
  error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  started_at REAL, finished_at REAL, seconds REAL, UNIQUE(point, trial));
CREATE TABLE IF NOT EXISTS trace(run_id INTEGER NOT NULL, step INTEGER NOT NULL, metric TEXT NOT NULL,
  value REAL, PRIMARY KEY(run_id, step, metric)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS final(run_id INTEGER NOT NULL, metric TEXT NOT NULL, value REAL,
  ord INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(run_id, metric)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS artifacts(run_id INTEGER NOT NULL, name TEXT NOT NULL, json TEXT,
  PRIMARY KEY(run_id, name)) WITHOUT ROWID;
)sql";

std::atomic<long> g_max_pages_for_testing{0};

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string NumText(std::optional<double> v) {
  if (!v) return "";
  return FormatDouble(*v);
}

}  // namespace

ResultStore::ResultStore(const fs::path& dir, const ExperimentConfig& config, const std::string& scale,
                         const std::string& shard)
    : path_(dir / "results.sqlite") {
  std::error_code ec;
  fs::create_directories(dir, ec);
  ML_REQUIRE(fs::is_directory(dir)) << dir.string() << ": cannot create the output folder"
                                    << (ec ? " (" + ec.message() + ")" : std::string());
  ML_REQUIRE(::access(dir.c_str(), W_OK) == 0)
      << dir.string() << ": the results folder is not writable (" << std::strerror(errno)
      << "); choose another --out folder";
  try {
    Lock(dir);
    std::error_code size_ec;
    const auto size = fs::file_size(path_, size_ec);
    const bool existed = !size_ec && size > 0;
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK)
      throw InputError(path_.string() + ": cannot open the results database: " +
                       (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    sqlite3_busy_timeout(db_, 10000);
    // An existing store is checked before anything writes to it: a damaged one stays as it is.
    bool fresh = true;  // no meta rows yet: a new store, or one killed before its meta committed
    if (existed) {
      try {
        CheckIntegrity();
        fresh = Rows("meta") == 0;
        if (fresh && Rows("runs") > 0) throw DamagedStoreError(path_, "table meta is empty, but table runs is not");
        if (!fresh) CheckStoredConfig(config, scale, shard);
      } catch (const DamagedStoreError& e) {
        throw DamagedStoreError(path_, e.damage() + "; it was not changed: keep it, and choose another --out folder");
      }
    }
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    Exec(kSchema);
    if (const long pages = g_max_pages_for_testing.load(); pages > 0)
      Exec("PRAGMA max_page_count = " + std::to_string(pages));
    if (fresh) {
      Exec("BEGIN");
      Stmt ins(db_, "INSERT INTO meta(key, value) VALUES(?, ?)", path_);
      const std::vector<std::pair<std::string, std::string>> meta = {
          {"experiment", config.name}, {"scale", scale},          {"config_path", config.path},
          {"config_text", config.text}, {"kind", config.kind},     {"marginlab_version", Version()},
          {"schema_version", "1"},      {"created_at", FormatDouble(Now())}};
      for (const auto& [k, v] : meta) {
        ins.Bind(1, k).Bind(2, v).Step();
        ins.Reset();
      }
      if (!shard.empty()) ins.Bind(1, std::string("shard")).Bind(2, shard).Step();
      Exec("COMMIT");
    }
  } catch (...) {
    Close();  // a constructor that throws runs no destructor
    throw;
  }
}

// The stored experiment, scale, config and shard against the run's (nothing written yet).
void ResultStore::CheckStoredConfig(const ExperimentConfig& config, const std::string& scale,
                                    const std::string& shard) {
  CheckTables({"meta", "runs"});  // the others: CREATE TABLE IF NOT EXISTS adds them to older stores
  const std::string stored = RequiredMeta("experiment"), stored_scale = RequiredMeta("scale");
  ML_REQUIRE(stored == config.name && stored_scale == scale)
      << path_.string() << " holds results of experiment " << Quote(stored) << " at scale " << Quote(stored_scale)
      << ", not '" << config.name << "' at '" << scale << "'; choose another --out folder";
  // Comments, recorded times and other scales may change; what decides the results may not. The
  // stored copy is parsed under the store's name: a copy that does not parse is the store's
  // damage, not the config file's error.
  if (RequiredMeta("config_text") != config.text)
    ML_REQUIRE(StoredDefiningText(scale) == ResultsDefiningText(config.text, config.path, scale))
        << path_.string() << " was made from a different version of " << config.path
        << "; its stored results are kept: choose another --out folder to run the changed config";
  ML_REQUIRE(Meta("shard") == shard)
      << path_.string() << " holds "
      << (Meta("shard").empty() ? std::string("a whole sweep") : "shard " + Meta("shard") + " of a sweep")
      << ", not " << (shard.empty() ? std::string("the whole sweep") : "shard " + shard)
      << (Meta("shard").empty() ? "; choose another --out folder for a shard"
                                : "; run that shard again to resume it, or `marginlab merge` the shards");
}

ResultStore::ResultStore(const fs::path& dir) : path_(dir / "results.sqlite") {
  ML_REQUIRE(fs::exists(path_)) << dir.string() << ": no results.sqlite here (run `marginlab run` first)";
  // Read-write where the folder allows: only a connection that can write removes the WAL's
  // -wal and -shm files when it closes (a read-only one leaves them behind); reading changes
  // no row. Then read-only, then — on a read-only mount, where a WAL database cannot create its
  // -shm file — immutable (the file alone; nothing can be writing it there).
  std::string why;
  const std::pair<int, const char*> modes[] = {
      {SQLITE_OPEN_READWRITE, ""}, {SQLITE_OPEN_READONLY, ""}, {SQLITE_OPEN_READONLY, "?immutable=1"}};
  for (const auto& [flags, query] : modes) {
    std::string uri = "file:";
    for (const char c : path_.string()) {  // percent-encode what a URI path cannot hold
      if (c == '%' || c == '?' || c == '#') {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        uri += buf;
      } else {
        uri += c;
      }
    }
    uri += query;
    int rc = sqlite3_open_v2(uri.c_str(), &db_, flags | SQLITE_OPEN_URI, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_busy_timeout(db_, 10000);
      rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    if (rc == SQLITE_OK) {
      try {
        CheckIntegrity();
        CheckTables({"meta", "runs", "trace", "final", "artifacts"});
      } catch (...) {
        Close();
        throw;
      }
      return;
    }
    why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    const bool damaged = db_ != nullptr && IsDamage(sqlite3_errcode(db_));
    Close();
    if (damaged) throw DamagedStoreError(path_, "SQLite: " + why);
  }
  throw InputError(path_.string() + ": cannot open the results database: " + why);
}

// The stored copy of the config is parsed under the store's name: a copy that does not parse is
// the store's damage, not an error of the config file it was copied from.
template <class F>
auto ResultStore::FromStoredConfig(F&& parse) {
  const std::string text = RequiredMeta("config_text");
  try {
    return parse(text, std::string("meta config_text"));
  } catch (const InputError& e) {
    throw DamagedStoreError(path_, "table meta, row key 'config_text': the stored copy of " + Meta("config_path") +
                                       " does not parse (" + e.what() + ")");
  }
}

std::string ResultStore::StoredDefiningText(const std::string& scale) {
  return FromStoredConfig([&](const std::string& text, const std::string& label) {
    return ResultsDefiningText(text, label, scale);
  });
}

ExperimentConfig ResultStore::StoredConfig() {
  ExperimentConfig c = FromStoredConfig(
      [](const std::string& text, const std::string& label) { return ConfigFromStoredText(text, label); });
  c.path = Meta("config_path");
  return c;
}

void ResultStore::CheckIntegrity() {
  Stmt q(db_, "PRAGMA quick_check(1)", path_, "quick_check");
  std::string result = q.Step() ? q.Text(0) : "no answer";
  if (result == "ok") return;
  // "*** in database main ***\nMultiple uses for byte 1908 of page 14": the finding, on one line
  const std::string header = "*** in database main ***\n";
  if (result.rfind(header, 0) == 0) result.erase(0, header.size());
  std::replace(result.begin(), result.end(), '\n', ' ');
  throw DamagedStoreError(path_, "SQLite's quick_check: " + result);
}

bool ResultStore::HasTable(const std::string& name) {
  Stmt q(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", path_);
  q.Bind(1, name);
  return q.Step();
}

void ResultStore::CheckTables(const std::vector<std::string>& names) {
  for (const auto& name : names)
    if (!HasTable(name))
      throw DamagedStoreError(path_, "it has no table " + name + " (not a store of `marginlab run`, or damaged)");
}

long ResultStore::Rows(const std::string& table) {
  if (!HasTable(table)) return 0;
  Stmt q(db_, ("SELECT count(*) FROM " + table).c_str(), path_, table.c_str());
  return q.Step() ? q.Int(0) : 0;
}

std::string ResultStore::RequiredMeta(const std::string& key) {
  Stmt q(db_, "SELECT key, value FROM meta WHERE key = ?", path_, "meta");
  q.Bind(1, key);
  if (!q.Step()) throw DamagedStoreError(path_, "table meta has no row '" + key + "'");
  std::string value = q.Text(1);
  if (value.empty()) q.Damage(1, "empty");
  return value;
}

ResultStore::~ResultStore() { Close(); }

void ResultStore::SetMaxPagesForTesting(long pages) { g_max_pages_for_testing.store(pages); }

void ResultStore::Close() {
  sqlite3_close(db_);  // a no-op for nullptr
  db_ = nullptr;
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
  lock_fd_ = -1;
}

// One writer per results folder: an exclusive flock on DIR/.marginlab.lock, held for the
// store's life and released by the kernel when the process dies (SIGKILL included), so a
// stale lock never blocks a rerun. The file holds the owner's pid for the message.
void ResultStore::Lock(const fs::path& dir) {
  const fs::path lock = dir / ".marginlab.lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ML_REQUIRE(lock_fd_ >= 0) << lock.string() << ": cannot create the run lock (" << std::strerror(errno) << ")";
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    const ssize_t got = ::pread(lock_fd_, buf, sizeof buf - 1, 0);
    std::string owner = got > 0 ? std::string(buf, static_cast<std::size_t>(got)) : "";
    while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' ')) owner.pop_back();
    throw InputError(dir.string() + " is in use by another `marginlab run`" +
                     (owner.empty() ? std::string() : " (pid " + owner + ")") +
                     "; wait for it to finish (its finished trials are kept) or choose another --out folder");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid is only for the message; the lock itself is held.
  }
}

void ResultStore::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw InputError(path_.string() + ": SQLite: " + msg);
  }
}

std::string ResultStore::Meta(const std::string& key) {
  Stmt q(db_, "SELECT key, value FROM meta WHERE key = ?", path_, "meta");
  q.Bind(1, key);
  return q.Step() ? q.Text(1) : "";
}

// Every stored trial must be one of `planned`, with its seed and parameters: a damaged point,
// trial, seed or parameter text is refused here — not resumed beside its undamaged twin, and not
// exported as a column of garbage.
void ResultStore::CheckStoredTrials(const std::vector<TrialSpec>& planned) {
  std::map<std::pair<long, long>, const TrialSpec*> by_key;
  for (const auto& t : planned) by_key[{t.point, t.trial}] = &t;
  Stmt q(db_, "SELECT id, point, trial, seed, params, status FROM runs ORDER BY id", path_, "runs");
  while (q.Step()) {
    const long point = q.Count(1), trial = q.Count(2);
    const auto it = by_key.find({point, trial});
    if (it == by_key.end())
      q.Damage(1, "(point " + std::to_string(point) + ", trial " + std::to_string(trial) +
                      ") is not a trial of the config's sweep");
    if (ParseSeed(q, 3) != it->second->seed)
      q.Damage(3, "not the seed the config gives this trial (" + std::to_string(it->second->seed) + ")");
    nlohmann::ordered_json want = nlohmann::ordered_json::object();
    for (const auto& [k, v] : it->second->params.entries()) want[k] = v;
    if (ParseParams(q, 4) != want) q.Damage(4, "not the parameters the config gives this trial");
    ParseStatus(q, 5);
  }
}

// The sweep the store holds: its stored config expanded at its scale, and its shard's share.
std::vector<TrialSpec> ResultStore::StoredSweep() {
  const ExperimentConfig config = StoredConfig();
  const std::string scale = RequiredMeta("scale"), shard = Meta("shard");
  std::vector<TrialSpec> trials;
  RunOptions o;
  try {
    trials = ExpandTrials(config, scale);
    if (!shard.empty()) ParseShard(shard, "meta shard", o);
  } catch (const InputError& e) {
    throw DamagedStoreError(path_, std::string("its stored config, scale and shard give no sweep (") + e.what() + ")");
  }
  std::vector<TrialSpec> mine;  // as PlanTrials: every shard_count-th trial from shard_index
  for (std::size_t i = static_cast<std::size_t>(o.shard_index); i < trials.size();
       i += static_cast<std::size_t>(o.shard_count))
    mine.push_back(std::move(trials[i]));
  return mine;
}

long ResultStore::AddTrials(const std::vector<TrialSpec>& trials) {
  std::lock_guard lock(mu_);
  Exec("BEGIN IMMEDIATE");
  try {
    CheckStoredTrials(trials);
    Stmt ins(db_,
             "INSERT OR IGNORE INTO runs(point, trial, seed, params, status) VALUES(?, ?, ?, ?, 'pending')",
             path_);
    long added = 0;
    for (const auto& t : trials) {
      nlohmann::ordered_json params = nlohmann::ordered_json::object();
      for (const auto& [k, v] : t.params.entries()) params[k] = v;
      ins.Bind(1, t.point).Bind(2, t.trial).Bind(3, std::to_string(t.seed)).Bind(4, params.dump()).Step();
      added += sqlite3_changes(db_);
      ins.Reset();
    }
    Exec("COMMIT");
    return added;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);  // keep the first error
    throw;
  }
}

long ResultStore::ResetUnfinished() {
  std::lock_guard lock(mu_);
  Exec("UPDATE runs SET status = 'pending' WHERE status IN ('running', 'failed')");
  return sqlite3_changes(db_);
}

void ResultStore::SetClaimOrder(std::vector<long> ids) {
  std::lock_guard lock(mu_);
  claim_order_ = std::move(ids);
  claim_next_ = 0;
}

std::optional<std::pair<long, TrialSpec>> ResultStore::ClaimNext() {
  std::lock_guard lock(mu_);
  Exec("BEGIN IMMEDIATE");
  // The next pending trial of the claim order (SetClaimOrder), else the pending trial with the
  // lowest id.
  Stmt by_id(db_, "SELECT id, point, trial, seed, params FROM runs WHERE id = ? AND status = 'pending'", path_,
             "runs");
  Stmt lowest(db_, "SELECT id, point, trial, seed, params FROM runs WHERE status = 'pending' ORDER BY id LIMIT 1",
              path_, "runs");
  Stmt* found = nullptr;
  while (found == nullptr && claim_next_ < claim_order_.size()) {
    by_id.Reset();
    by_id.Bind(1, claim_order_[claim_next_++]);
    if (by_id.Step()) found = &by_id;
  }
  if (found == nullptr && lowest.Step()) found = &lowest;
  if (found == nullptr) {
    Exec("COMMIT");
    return std::nullopt;
  }
  Stmt& q = *found;
  StoredRun run;
  try {
    run.id = q.Int(0);
    run.point = q.Count(1);
    run.trial = q.Count(2);
    run.seed = ParseSeed(q, 3);
    run.params = ParseParams(q, 4).dump();
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  const long id = run.id;
  TrialSpec spec = SpecOfLocked(run);
  Stmt up(db_, "UPDATE runs SET status = 'running', started_at = ?, attempts = attempts + 1 WHERE id = ?",
          path_);
  up.Bind(1, Now()).Bind(2, id).Step();
  Exec("COMMIT");
  return std::make_pair(id, std::move(spec));
}

TrialSpec ResultStore::SpecOfLocked(const StoredRun& run) {
  TrialSpec spec;
  spec.point = run.point;
  spec.trial = run.trial;
  spec.seed = run.seed;
  spec.params = ParamMap(Meta("config_path") + " point " + std::to_string(spec.point));
  // run.params was checked when it was read (ParseParams); a StoredRun made elsewhere is checked here.
  const nlohmann::ordered_json params = nlohmann::ordered_json::parse(run.params, nullptr, false);
  if (!params.is_object())
    throw DamagedStoreError(path_, "table runs, row id " + std::to_string(run.id) +
                                       ", column params: expected a JSON object of parameters");
  for (const auto& [k, v] : params.items()) {
    if (!v.is_string())
      throw DamagedStoreError(path_, "table runs, row id " + std::to_string(run.id) + ", column params: parameter " +
                                         Quote(k) + " is not a text");
    spec.params.Set(k, v.get<std::string>());
  }
  return spec;
}

TrialSpec ResultStore::SpecOf(const StoredRun& run) {
  std::lock_guard lock(mu_);
  return SpecOfLocked(run);
}

std::vector<StoredRun> ResultStore::Runs() {
  std::lock_guard lock(mu_);
  std::vector<StoredRun> out;
  Stmt q(db_, "SELECT id, point, trial, seed, params, status, error, seconds FROM runs ORDER BY id", path_,
         "runs");
  while (q.Step()) {
    StoredRun r;
    r.id = q.Int(0);
    r.point = q.Count(1);
    r.trial = q.Count(2);
    r.seed = ParseSeed(q, 3);
    r.params = ParseParams(q, 4).dump();
    r.status = ParseStatus(q, 5);
    r.error = q.TextOrEmpty(6);
    r.seconds = q.Real(7).value_or(0.0);
    out.push_back(std::move(r));
  }
  return out;
}

TrialResult ResultStore::LoadResult(long id) {
  std::lock_guard lock(mu_);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  TrialResult r;
  Stmt fi(db_, "SELECT run_id, metric, value FROM final WHERE run_id = ? ORDER BY ord", path_, "final");
  fi.Bind(1, id);
  while (fi.Step()) r.finals.emplace_back(fi.Text(1), fi.Real(2).value_or(kNaN));
  Stmt tr(db_, "SELECT run_id, step, metric, value FROM trace WHERE run_id = ? ORDER BY step, metric", path_,
          "trace");
  tr.Bind(1, id);
  while (tr.Step()) {
    const long step = tr.Count(1);
    if (r.trace.empty() || r.trace.back().step != step) r.trace.push_back({step, {}});
    r.trace.back().values.emplace_back(tr.Text(2), tr.Real(3).value_or(kNaN));
  }
  Stmt ar(db_, "SELECT run_id, name, json FROM artifacts WHERE run_id = ? ORDER BY name", path_, "artifacts");
  ar.Bind(1, id);
  while (ar.Step()) {
    std::string json = ar.TextOrEmpty(2);
    if (!json.empty() && !nlohmann::json::accept(json)) ar.Damage(2, "not valid JSON");
    r.artifacts.emplace_back(ar.Text(1), std::move(json));
  }
  return r;
}

long ResultStore::IdOf(long point, long trial) {
  std::lock_guard lock(mu_);
  Stmt q(db_, "SELECT id FROM runs WHERE point = ? AND trial = ?", path_);
  q.Bind(1, point).Bind(2, trial);
  return q.Step() ? q.Int(0) : -1;
}

void ResultStore::CompleteRun(long id, const TrialResult& r, double seconds) {
  std::lock_guard lock(mu_);
  Exec("BEGIN IMMEDIATE");
  try {
    Stmt tr(db_, "INSERT OR REPLACE INTO trace(run_id, step, metric, value) VALUES(?, ?, ?, ?)", path_);
    for (const auto& row : r.trace)
      for (const auto& [name, value] : row.values) {
        tr.Bind(1, id).Bind(2, row.step).Bind(3, name).Bind(4, value).Step();
        tr.Reset();
      }
    Stmt fi(db_, "INSERT OR REPLACE INTO final(run_id, metric, value, ord) VALUES(?, ?, ?, ?)", path_);
    long ord = 0;
    for (const auto& [name, value] : r.finals) {
      fi.Bind(1, id).Bind(2, name).Bind(3, value).Bind(4, ord++).Step();
      fi.Reset();
    }
    Stmt ar(db_, "INSERT OR REPLACE INTO artifacts(run_id, name, json) VALUES(?, ?, ?)", path_);
    for (const auto& [name, json] : r.artifacts) {
      ar.Bind(1, id).Bind(2, name).Bind(3, json).Step();
      ar.Reset();
    }
    Stmt up(db_,
            "UPDATE runs SET status = 'done', error = NULL, finished_at = ?, seconds = ? WHERE id = ?",
            path_);
    up.Bind(1, Now()).Bind(2, seconds).Bind(3, id).Step();
    Exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);  // keep the first error
    throw;
  }
}

void ResultStore::FailRun(long id, const std::string& error, double seconds) {
  std::lock_guard lock(mu_);
  Stmt up(db_, "UPDATE runs SET status = 'failed', error = ?, finished_at = ?, seconds = ? WHERE id = ?",
          path_);
  up.Bind(1, error).Bind(2, Now()).Bind(3, seconds).Bind(4, id).Step();
}

RunCounts ResultStore::Counts() {
  std::lock_guard lock(mu_);
  RunCounts c;
  Stmt q(db_, "SELECT status, COUNT(*) FROM runs GROUP BY status", path_, "runs");
  while (q.Step()) {
    const std::string s = ParseStatus(q, 0);
    const long n = q.Int(1);
    if (s == "pending") c.pending = n;
    if (s == "running") c.running = n;
    if (s == "done") c.done = n;
    if (s == "failed") c.failed = n;
  }
  return c;
}

void ResultStore::ExportCsv(const fs::path& out_dir) {
  std::lock_guard lock(mu_);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  // What is exported is what the store's own config gives: a stored trial with a damaged point,
  // seed or parameter text is refused, not written as a column of garbage.
  CheckStoredTrials(StoredSweep());
  // Rows of trace, final and artifacts belong to a run.
  for (const char* table : {"trace", "final", "artifacts"}) {
    const std::string sql = std::string("SELECT t.run_id FROM ") + table +
                            " t LEFT JOIN runs r ON r.id = t.run_id WHERE r.id IS NULL LIMIT 1";
    Stmt o(db_, sql.c_str(), path_, table);
    if (o.Step()) o.Damage(0, "no run " + std::to_string(o.Int(0)) + " in table runs");
  }
  // Parameter and final-metric columns: the union over runs, in first-seen order.
  std::vector<std::string> param_cols, final_cols;
  std::map<long, nlohmann::ordered_json> params;
  {
    Stmt q(db_, "SELECT id, params FROM runs ORDER BY id", path_, "runs");
    while (q.Step()) {
      const long id = q.Int(0);
      params[id] = ParseParams(q, 1);
      for (const auto& [k, v] : params[id].items())
        if (std::find(param_cols.begin(), param_cols.end(), k) == param_cols.end()) param_cols.push_back(k);
    }
    Stmt f(db_, "SELECT MIN(run_id) AS run_id, metric FROM final GROUP BY metric ORDER BY MIN(run_id), MIN(ord)",
           path_, "final");
    while (f.Step()) final_cols.push_back(f.Text(1));
  }
  // Both files are written in full before either replaces its destination: an error (a
  // damaged value found on the way) leaves neither.
  AtomicFile runs(out_dir / "runs.csv", false);
  runs.stream() << "run_id,point,trial,seed,status,seconds";
  for (const auto& c : param_cols) runs.stream() << "," << CsvField(c);
  for (const auto& c : final_cols) runs.stream() << "," << CsvField(c);
  runs.stream() << "\n";
  Stmt q(db_, "SELECT id, point, trial, seed, status, seconds FROM runs ORDER BY id", path_, "runs");
  Stmt f(db_, "SELECT run_id, metric, value FROM final WHERE run_id = ?", path_, "final");
  while (q.Step()) {
    const long id = q.Int(0);
    runs.stream() << id << "," << q.Count(1) << "," << q.Count(2) << "," << ParseSeed(q, 3) << "," << ParseStatus(q, 4)
                  << "," << NumText(q.Real(5));
    for (const auto& c : param_cols)
      runs.stream() << "," << (params[id].contains(c) ? CsvField(params[id][c].get<std::string>()) : "");
    std::map<std::string, std::optional<double>> finals;
    f.Bind(1, id);
    while (f.Step()) finals[f.Text(1)] = f.Real(2);
    f.Reset();
    for (const auto& c : final_cols) runs.stream() << "," << (finals.count(c) ? NumText(finals[c]) : "");
    runs.stream() << "\n";
  }

  AtomicFile trace(out_dir / "trace.csv", false);
  trace.stream() << "run_id,point,trial,step,metric,value\n";
  Stmt t(db_,
         "SELECT t.run_id, r.point, r.trial, t.step, t.metric, t.value FROM trace t JOIN runs r "
         "ON r.id = t.run_id ORDER BY t.run_id, t.step, t.metric",
         path_, "trace");
  while (t.Step())
    trace.stream() << t.Int(0) << "," << t.Count(1) << "," << t.Count(2) << "," << t.Count(3) << ","
                   << CsvField(t.Text(4)) << "," << NumText(t.Real(5)) << "\n";
  runs.Commit();
  trace.Commit();
}

}  // namespace marginlab::experiment
