// The subset of Python literals that a NumPy .npy header holds: a dict of strings, booleans,
// non-negative integers, None and tuples/lists ({'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }), as numpy.lib.format writes it with repr(). Private to the data module
// (npy.cpp); written by hand because no library here parses Python literals, and the header is
// untrusted input: every error is an InputError naming the file and the offset, nesting is bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::py_literal {

// A dict's keys and values are kept in two vectors (keys[i] ↔ items[i]), not as
// std::vector<std::pair<std::string, PyValue>>: a pair of an incomplete type is
// ill-formed, and clang rejects it where gcc happens to accept it.
struct PyValue {
  enum Kind { kStr, kBool, kInt, kNone, kSeq, kDict } kind = kNone;
  std::string str;
  bool boolean = false;
  std::uint64_t integer = 0;
  std::vector<PyValue> items;     // kSeq: the elements; kDict: the values
  std::vector<std::string> keys;  // kDict: the keys, one per item
};

// Parses the whole text as one value (trailing spaces allowed). InputError naming `name`.
PyValue Parse(std::string_view text, const std::string& name);

// Text from a file, made safe for a one-line message.
std::string Printable(std::string_view s, std::size_t max_len = 80);

}  // namespace marginlab::py_literal
