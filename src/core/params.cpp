// ParamMap parsing and strict scalar conversions (see params.hpp).
#include "marginlab/core/params.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace marginlab {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

[[noreturn]] void Bad(const std::string& what, std::string_view text, const char* expected) {
  throw InputError(what + ": expected " + expected + ", got '" + std::string(text) + "'");
}

}  // namespace

ParamMap ParamMap::Parse(std::string_view text, std::string context) {
  ParamMap out(std::move(context));
  text = Trim(text);
  if (text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = Trim(text.substr(start, comma - start));
    const std::size_t eq = item.find('=');
    if (item.empty() || eq == std::string_view::npos || eq == 0)
      throw InputError(out.context_ + ": expected key=value, got '" + std::string(item) + "'");
    const std::string key(Trim(item.substr(0, eq)));
    if (out.Has(key))
      throw InputError(out.context_ + ": parameter '" + key + "' is given twice");
    out.Set(key, std::string(Trim(item.substr(eq + 1))));
    start = comma + 1;
    if (comma == text.size()) break;
  }
  return out;
}

void ParamMap::Set(const std::string& key, std::string value) {
  for (auto& [k, v] : entries_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  entries_.emplace_back(key, std::move(value));
}

bool ParamMap::Has(const std::string& key) const { return Find(key) != nullptr; }

const std::string* ParamMap::Find(const std::string& key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

bool ParamMap::Take(const std::string& key, std::string* value) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->first == key) {
      if (value) *value = it->second;
      entries_.erase(it);
      return true;
    }
  return false;
}

std::string ParamMap::ToString() const {
  std::string out;
  for (const auto& [k, v] : entries_) {
    if (!out.empty()) out += ',';
    out += k + '=' + v;
  }
  return out;
}

std::int64_t ParseInt(std::string_view text, const std::string& what) {
  text = Trim(text);
  std::int64_t v = 0;
  const char* first = text.data();
  // One optional sign: "+5" and "-5", never "+-5" (from_chars takes a '-' after the '+').
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') ++first;
  auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    Bad(what, text, "an integer");
  return v;
}

std::uint64_t ParseUInt(std::string_view text, const std::string& what) {
  text = Trim(text);
  std::uint64_t v = 0;
  const char* first = text.data();
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') ++first;  // "+3" as ParseInt takes it
  auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    Bad(what, text, "a non-negative integer");
  return v;
}

double ParseDouble(std::string_view text, const std::string& what) {
  text = Trim(text);
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    Bad(what, text, "a finite number");
  return v;
}

bool ParseBool(std::string_view text, const std::string& what) {
  text = Trim(text);
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  Bad(what, text, "true or false");
}

std::vector<double> ParseDoubleList(std::string_view text, const std::string& what, char sep) {
  std::vector<double> out;
  text = Trim(text);
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = text.find(sep, start);
    const std::size_t end = pos == std::string_view::npos ? text.size() : pos;
    out.push_back(ParseDouble(text.substr(start, end - start), what));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string JoinWords(const std::vector<std::string>& words, const std::string& separator,
                      const std::string& last) {
  std::string out;
  for (std::size_t k = 0; k < words.size(); ++k)
    out += (k == 0 ? "" : k + 1 == words.size() ? last : separator) + words[k];
  return out;
}

bool IsChoice(const std::vector<std::string>& choices, const std::string& value) {
  for (const auto& c : choices)
    if (c == value) return true;
  return false;
}

std::string DocWithChoices(const char* doc, const std::vector<std::string>& choices) {
  const std::string list = JoinWords(choices, " | ", " | "), text = doc;
  const std::size_t at = text.find("{choices}");
  if (at != std::string::npos) return text.substr(0, at) + list + text.substr(at + 9);
  return text.empty() ? list : text + ": " + list;
}

std::string FormatDouble(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ptr);
}

namespace detail {

template <>
std::string TypeName<int>() { return "int"; }
template <>
std::string TypeName<long>() { return "int"; }
template <>
std::string TypeName<unsigned long>() { return "uint"; }
template <>
std::string TypeName<double>() { return "float"; }
template <>
std::string TypeName<bool>() { return "bool"; }
template <>
std::string TypeName<std::string>() { return "string"; }
template <>
std::string TypeName<std::vector<double>>() { return "list of floats (a;b;c)"; }

template <>
void ParseInto<int>(std::string_view t, const std::string& w, int* out) {
  const std::int64_t v = ParseInt(t, w);
  if (v < INT32_MIN || v > INT32_MAX) Bad(w, t, "an integer that fits in 32 bits");
  *out = static_cast<int>(v);
}
template <>
void ParseInto<long>(std::string_view t, const std::string& w, long* out) { *out = ParseInt(t, w); }
template <>
void ParseInto<unsigned long>(std::string_view t, const std::string& w, unsigned long* out) {
  *out = ParseUInt(t, w);
}
template <>
void ParseInto<double>(std::string_view t, const std::string& w, double* out) {
  *out = ParseDouble(t, w);
}
template <>
void ParseInto<bool>(std::string_view t, const std::string& w, bool* out) { *out = ParseBool(t, w); }
template <>
void ParseInto<std::string>(std::string_view t, const std::string&, std::string* out) {
  *out = std::string(Trim(t));
}
template <>
void ParseInto<std::vector<double>>(std::string_view t, const std::string& w,
                                    std::vector<double>* out) {
  *out = ParseDoubleList(t, w);
}

template <>
std::string ToText<int>(const int& v) { return std::to_string(v); }
template <>
std::string ToText<long>(const long& v) { return std::to_string(v); }
template <>
std::string ToText<unsigned long>(const unsigned long& v) { return std::to_string(v); }
template <>
std::string ToText<double>(const double& v) { return FormatDouble(v); }
template <>
std::string ToText<bool>(const bool& v) { return v ? "true" : "false"; }
template <>
std::string ToText<std::string>(const std::string& v) { return v; }
template <>
std::string ToText<std::vector<double>>(const std::vector<double>& v) {
  std::string out;
  for (double x : v) {
    if (!out.empty()) out += ';';
    out += FormatDouble(x);  // appended in place: GCC 12 warns (-Wrestrict) on a temporary "" + …
  }
  return out;
}

void ThrowUnknownParam(const ParamMap& params, const std::string& key,
                       const std::vector<std::string>& known) {
  std::ostringstream msg;
  msg << params.context() << ": unknown parameter '" << key << "' (expected one of:";
  for (const auto& k : known) msg << ' ' << k;
  msg << ')';
  throw InputError(msg.str());
}

}  // namespace detail
}  // namespace marginlab
