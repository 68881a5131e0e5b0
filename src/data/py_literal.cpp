// A parser for the Python literal subset of .npy headers (py_literal.hpp).
#include "data/py_literal.hpp"

#include "marginlab/core/error.hpp"

namespace marginlab::py_literal {

// Text from a file, made safe for a one-line message.
std::string Printable(std::string_view s, std::size_t max_len) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max_len; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > max_len) out += "...";
  return out;
}

namespace {

class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : t_(text), name_(name) {}

  PyValue ParseAll() {
    PyValue v = Value(0);
    SkipSpace();
    if (pos_ != t_.size()) Fail("unexpected text after the dict");
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    throw InputError(name_ + ": bad .npy header: " + what + " at offset " + std::to_string(pos_) + " in \"" +
                     Printable(t_, 120) + "\"");
  }
  void SkipSpace() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n' || t_[pos_] == '\r'))
      ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < t_.size() && t_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < t_.size() && t_[pos_] == c;
  }
  bool EatWord(std::string_view w) {
    SkipSpace();
    if (t_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  PyValue Value(int depth) {
    if (depth > 16) Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= t_.size()) Fail("unexpected end");
    PyValue v;
    const char c = t_[pos_];
    if (c == '\'' || c == '"') {
      v.kind = PyValue::kStr;
      v.str = String();
    } else if (c == '(' || c == '[') {
      v.kind = PyValue::kSeq;
      ++pos_;
      const char close = c == '(' ? ')' : ']';
      while (!Eat(close)) {
        v.items.push_back(Value(depth + 1));
        if (!Eat(',') && !Peek(close)) Fail(std::string("expected ',' or '") + close + "'");
      }
    } else if (c == '{') {
      v.kind = PyValue::kDict;
      ++pos_;
      while (!Eat('}')) {
        SkipSpace();
        if (pos_ >= t_.size() || (t_[pos_] != '\'' && t_[pos_] != '"')) Fail("expected a quoted key");
        std::string key = String();
        if (!Eat(':')) Fail("expected ':' after key '" + key + "'");
        v.keys.push_back(std::move(key));
        v.items.push_back(Value(depth + 1));
        if (!Eat(',') && !Peek('}')) Fail("expected ',' or '}'");
      }
    } else if (c >= '0' && c <= '9') {
      v.kind = PyValue::kInt;
      v.integer = Integer();
    } else if (EatWord("True")) {
      v.kind = PyValue::kBool;
      v.boolean = true;
    } else if (EatWord("False")) {
      v.kind = PyValue::kBool;
    } else if (EatWord("None")) {
      v.kind = PyValue::kNone;
    } else {
      Fail("unexpected character '" + Printable(t_.substr(pos_, 1)) + "'");
    }
    return v;
  }

  std::string String() {
    const char quote = t_[pos_++];
    std::string out;
    while (pos_ < t_.size() && t_[pos_] != quote) {
      if (t_[pos_] == '\\' && pos_ + 1 < t_.size()) ++pos_;
      out += t_[pos_++];
    }
    if (pos_ >= t_.size()) Fail("unterminated string");
    ++pos_;
    return out;
  }

  std::uint64_t Integer() {
    std::uint64_t v = 0;
    while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') {
      const std::uint64_t digit = static_cast<std::uint64_t>(t_[pos_++] - '0');
      if (v > (UINT64_MAX - digit) / 10) Fail("integer too large");
      v = v * 10 + digit;
    }
    if (pos_ < t_.size() && t_[pos_] == 'L') ++pos_;  // Python 2 long suffix
    return v;
  }

  std::string_view t_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

}  // namespace

PyValue Parse(std::string_view text, const std::string& name) { return HeaderParser(text, name).ParseAll(); }

}  // namespace marginlab::py_literal
