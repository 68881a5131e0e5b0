// Checked reading of the results store (store_sql.hpp).
#include "experiment/store_sql.hpp"

#include <limits>

namespace marginlab::experiment::detail {

bool IsDamage(int rc) {
  rc &= 0xff;  // the primary code of an extended one
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

bool ValidUtf8(const unsigned char* s, std::size_t n) {
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    std::uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    // overlong forms, surrogates, beyond U+10FFFF
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return false;
    i += len;
  }
  return true;
}

std::string Quote(std::string text) {
  if (text.size() > 64) {
    std::size_t cut = 61;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // a whole character
    text = text.substr(0, cut) + "...";
  }
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return "'" + text + "'";
}

const char* TypeName(int type) {
  switch (type) {
    case SQLITE_INTEGER: return "an integer";
    case SQLITE_FLOAT: return "a real number";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "a blob";
    default: return "NULL";
  }
}

// A stored seed: the decimal text of an unsigned 64-bit integer.
std::uint64_t ParseSeed(Stmt& q, int col) {
  const std::string text = q.Text(col);
  std::uint64_t seed = 0;
  bool ok = !text.empty() && text.size() <= 20;
  for (const char c : text) {
    if (!ok) break;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    ok = c >= '0' && c <= '9' && seed <= (std::numeric_limits<std::uint64_t>::max() - digit) / 10;
    seed = seed * 10 + digit;
  }
  if (!ok) q.Damage(col, Quote(text) + " is not a seed (an unsigned 64-bit integer)");
  return seed;
}

// A stored parameter object: JSON, an object of texts (what AddTrials writes).
nlohmann::ordered_json ParseParams(Stmt& q, int col) {
  const std::string text = q.Text(col);
  nlohmann::ordered_json params;
  try {
    params = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    q.Damage(col, "not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!params.is_object()) q.Damage(col, "expected a JSON object of parameters");
  for (const auto& [k, v] : params.items())
    if (!v.is_string()) q.Damage(col, "parameter " + Quote(k) + " is not a text");
  return params;
}

// A stored status: one of the four the schema allows.
std::string ParseStatus(Stmt& q, int col) {
  std::string status = q.Text(col);
  if (status != "pending" && status != "running" && status != "done" && status != "failed")
    q.Damage(col, Quote(status) + " is not a status (pending, running, done or failed)");
  return status;
}

}  // namespace marginlab::experiment::detail
