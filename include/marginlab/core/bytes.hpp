// Values as bytes, exactly: the one binary layout marginlab uses to move or keep numbers without a
// text round trip — MPI messages (experiment/mpi_runner.cpp) and shared values
// (core/shared_cache.hpp). Native byte order and sizes: for processes of one build on one kind
// of machine, not an interchange format (that is network_file.hpp's and the store's job).
#pragma once

#include <cstdint>
#include <string>

#include "marginlab/core/types.hpp"

namespace marginlab {

class ByteWriter {
 public:
  void Long(long v) { Raw(&v, sizeof v); }
  void Double(double v) { Raw(&v, sizeof v); }
  void Text(const std::string& s);
  void Vec(const Vector& v);
  void Mat(const Matrix& m);
  const std::string& bytes() const { return bytes_; }

 private:
  void Raw(const void* p, std::size_t n) {
    if (n > 0) bytes_.append(static_cast<const char*>(p), n);  // an empty matrix's data() may be null
  }
  std::string bytes_;
};

// Reads what a ByteWriter wrote, in the same order; InternalError (ML_CHECK) on bytes that end
// early or hold an impossible length.
class ByteReader {
 public:
  explicit ByteReader(const std::string& b) : b_(b) {}
  long Long();
  double Double();
  std::string Text();
  Vector Vec();
  Matrix Mat();
  bool AtEnd() const { return at_ == b_.size(); }

 private:
  void Raw(void* p, std::size_t n);
  const std::string& b_;
  std::size_t at_ = 0;
};

// A 128-bit content hash (two FNV-1a passes with different offsets) as 32 hex digits: names
// files and keys by what they hold; not a cryptographic hash.
class Hash128 {
 public:
  void Add(const void* data, std::size_t bytes);
  void Add(const std::string& s) { Add(s.data(), s.size()); }
  void Add(const Matrix& m);
  void Add(const Vector& v);
  std::string Hex() const;

 private:
  std::uint64_t h1_ = 14695981039346656037ull, h2_ = 0x9e3779b97f4a7c15ull;
};

}  // namespace marginlab
