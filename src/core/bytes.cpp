// ByteWriter, ByteReader, Hash128 (core/bytes.hpp).
#include "marginlab/core/bytes.hpp"

#include <cstdio>
#include <cstring>

#include "marginlab/core/error.hpp"

namespace marginlab {

void ByteWriter::Text(const std::string& s) {
  Long(static_cast<long>(s.size()));
  bytes_.append(s);
}

void ByteWriter::Vec(const Vector& v) {
  Long(static_cast<long>(v.size()));
  Raw(v.data(), sizeof(double) * static_cast<std::size_t>(v.size()));
}

void ByteWriter::Mat(const Matrix& m) {
  Long(static_cast<long>(m.rows()));
  Long(static_cast<long>(m.cols()));
  Raw(m.data(), sizeof(double) * static_cast<std::size_t>(m.size()));
}

void ByteReader::Raw(void* p, std::size_t n) {
  ML_CHECK(n <= b_.size() - at_) << "bytes: the data ends early";
  if (n == 0) return;  // an empty matrix's data() may be null (memcpy's arguments must not be)
  std::memcpy(p, b_.data() + at_, n);
  at_ += n;
}

long ByteReader::Long() {
  long v;
  Raw(&v, sizeof v);
  return v;
}

double ByteReader::Double() {
  double v;
  Raw(&v, sizeof v);
  return v;
}

std::string ByteReader::Text() {
  const long n = Long();
  ML_CHECK(n >= 0 && static_cast<std::size_t>(n) <= b_.size() - at_) << "bytes: bad string length";
  std::string s = b_.substr(at_, static_cast<std::size_t>(n));
  at_ += static_cast<std::size_t>(n);
  return s;
}

Vector ByteReader::Vec() {
  const long n = Long();
  ML_CHECK(n >= 0 && static_cast<std::size_t>(n) <= (b_.size() - at_) / sizeof(double)) << "bytes: bad vector length";
  Vector v(n);
  Raw(v.data(), sizeof(double) * static_cast<std::size_t>(n));
  return v;
}

Matrix ByteReader::Mat() {
  const long r = Long(), c = Long();
  ML_CHECK(r >= 0 && c >= 0 && (c == 0 || static_cast<std::size_t>(r) <= (b_.size() - at_) / sizeof(double) / static_cast<std::size_t>(c)))
      << "bytes: bad matrix shape";
  Matrix m(r, c);
  Raw(m.data(), sizeof(double) * static_cast<std::size_t>(m.size()));
  return m;
}

void Hash128::Add(const void* data, std::size_t bytes) {
  const auto* b = static_cast<const unsigned char*>(data);
  for (std::size_t k = 0; k < bytes; ++k) {
    h1_ = (h1_ ^ b[k]) * 1099511628211ull;
    h2_ = (h2_ ^ b[k]) * 1099511628211ull;
  }
}

void Hash128::Add(const Matrix& m) {
  const long shape[2] = {static_cast<long>(m.rows()), static_cast<long>(m.cols())};
  Add(shape, sizeof shape);
  Add(m.data(), sizeof(double) * static_cast<std::size_t>(m.size()));
}

void Hash128::Add(const Vector& v) {
  const long n = static_cast<long>(v.size());
  Add(&n, sizeof n);
  Add(v.data(), sizeof(double) * static_cast<std::size_t>(v.size()));
}

std::string Hash128::Hex() const {
  char hex[40];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h1_),
                static_cast<unsigned long long>(h2_));
  return hex;
}

}  // namespace marginlab
