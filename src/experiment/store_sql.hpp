// Checked reading of the results store (private to the experiment module): a prepared
// statement whose typed getters check every stored value against what the schema promises, and
// the parsers of the store's structured texts. A value that breaks the promise, and SQLite's own
// corruption errors, are a DamagedStoreError naming the file, the table, the row and the column.
#pragma once

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "marginlab/core/error.hpp"
#include "marginlab/experiment/store.hpp"

namespace marginlab::experiment::detail {

// SQLite's codes for a damaged file: SQLITE_CORRUPT, SQLITE_NOTADB (extended codes too).
bool IsDamage(int rc);
bool ValidUtf8(const unsigned char* s, std::size_t n);
// A stored text in a one-line message: quoted, control characters as '?', at most 64 bytes.
std::string Quote(std::string text);
// "an integer", "a real number", "text", "a blob" or "NULL" for an SQLITE_* type.
const char* TypeName(int type);

// RAII prepared statement. Every value read from the store goes through its typed getters,
// which check what the schema promises (an integer, a number or NULL, UTF-8 text) and name the
// table, row and column of a value that breaks it (DamagedStoreError); SQLite's own corruption
// errors become DamagedStoreError too. `table` names the table for those messages; column 0 of the
// query, when it is an integer or a short text, names the row.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql, const std::filesystem::path& path, const char* table = "")
      : db_(db), path_(path), table_(table) {
    if (const int rc = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); rc != SQLITE_OK) Fail("prepare", rc);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt& Bind(int i, long v) { return Check(sqlite3_bind_int64(s_, i, v)); }
  Stmt& Bind(int i, double v) {
    return Check(std::isfinite(v) ? sqlite3_bind_double(s_, i, v) : sqlite3_bind_null(s_, i));
  }
  Stmt& Bind(int i, const std::string& v) {
    return Check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  bool Step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail("step", rc);
    return false;
  }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  long Int(int col) {
    if (sqlite3_column_type(s_, col) != SQLITE_INTEGER) Damage(col, Found("an integer", col));
    return sqlite3_column_int64(s_, col);
  }
  // An integer >= 0 (a point, trial or step).
  long Count(int col) {
    const long v = Int(col);
    if (v < 0) Damage(col, "expected a non-negative integer, found " + std::to_string(v));
    return v;
  }
  // A number, or NULL (a non-finite value).
  std::optional<double> Real(int col) {
    const int type = sqlite3_column_type(s_, col);
    if (type == SQLITE_NULL) return std::nullopt;
    if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) Damage(col, Found("a number or NULL", col));
    return sqlite3_column_double(s_, col);
  }
  // UTF-8 text, not NULL.
  std::string Text(int col) {
    if (sqlite3_column_type(s_, col) != SQLITE_TEXT) Damage(col, Found("text", col));
    const auto* t = sqlite3_column_text(s_, col);
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s_, col));
    if (t == nullptr) Fail("read", sqlite3_errcode(db_));  // out of memory
    if (!ValidUtf8(t, n)) Damage(col, "the text is not valid UTF-8");
    return std::string(reinterpret_cast<const char*>(t), n);
  }
  // Text, or "" for NULL.
  std::string TextOrEmpty(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL ? "" : Text(col); }
  // A stored value that breaks what the store promises: names the table, the row and the column.
  [[noreturn]] void Damage(int col, const std::string& what) {
    std::string where = *table_ ? std::string("table ") + table_ : std::string("a query");
    if (col != 0) where += RowName();
    const char* name = sqlite3_column_name(s_, col);
    throw DamagedStoreError(path_, where + ", column " + (name ? name : "?") + ": " + what);
  }

 private:
  std::string Found(const char* expected, int col) {
    return std::string("expected ") + expected + ", found " + TypeName(sqlite3_column_type(s_, col));
  }
  std::string RowName() {
    const char* name = sqlite3_column_name(s_, 0);
    const std::string key = name ? name : "?";
    if (sqlite3_column_type(s_, 0) == SQLITE_INTEGER)
      return ", row " + key + " " + std::to_string(sqlite3_column_int64(s_, 0));
    if (sqlite3_column_type(s_, 0) == SQLITE_TEXT) {
      const auto* t = sqlite3_column_text(s_, 0);
      const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s_, 0));
      if (t != nullptr && ValidUtf8(t, n))
        return ", row " + key + " " + Quote(std::string(reinterpret_cast<const char*>(t), n));
    }
    return "";
  }
  Stmt& Check(int rc) {
    if (rc != SQLITE_OK) Fail("bind", rc);
    return *this;
  }
  [[noreturn]] void Fail(const char* what, int rc) {
    if (IsDamage(rc)) throw DamagedStoreError(path_, std::string("SQLite: ") + sqlite3_errmsg(db_));
    throw InputError(path_.string() + ": SQLite " + what + " failed: " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  std::filesystem::path path_;
  const char* table_;
};

// A stored seed: the decimal text of an unsigned 64-bit integer.
std::uint64_t ParseSeed(Stmt& q, int col);
// A stored parameter object: JSON, an object of texts (what AddTrials writes).
nlohmann::ordered_json ParseParams(Stmt& q, int col);
// A stored status: pending, running, done or failed.
std::string ParseStatus(Stmt& q, int col);

}  // namespace marginlab::experiment::detail
