// NumPy .npy reader and writer (see npy.hpp).
//
// Format source: the NEP 1 / numpy.lib.format description,
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html :
//   "\x93NUMPY", major, minor, header length (uint16 LE for 1.0, uint32 LE for
//   2.0 and 3.0), then a Python dict literal {'descr': ..., 'fortran_order':
//   ..., 'shape': (...), } padded with spaces and '\n', then the raw data.
// EncodeNpy reproduces numpy.lib.format._write_array_header (checked against numpy 1.24.2):
// sorted keys, repr() values, 21 - len(repr(shape[0])) spare spaces for
// in-place growth, then spaces and '\n' up to a multiple of 64 bytes (a full
// 64 when already aligned, as numpy does).
#include "marginlab/data/npy.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/file_bytes.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/npz.hpp"
#include "data/py_literal.hpp"

namespace marginlab {
namespace fs = std::filesystem;
using py_literal::Printable;
using py_literal::PyValue;

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// Limits on the header: numpy writes a few hundred bytes (and itself refuses
// headers over 10,000 bytes by default); numpy 2 allows 64 dimensions.
constexpr std::size_t kMaxHeaderLen = std::size_t{1} << 20;
constexpr std::size_t kMaxRank = 64;

std::string ShapeText(const std::vector<std::size_t>& shape) {
  std::string out = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) out += (k ? ", " : "") + std::to_string(shape[k]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

// --- dtypes ------------------------------------------------------------------

struct Dtype {
  char kind = 'f';  // f, i, u, b
  int size = 8;
  bool big_endian = false;
};

Dtype ParseDtype(const PyValue& descr, const std::string& name) {
  static const char* kSupported = "f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1 with byte order <, > or |";
  ML_REQUIRE(descr.kind == PyValue::kStr)
      << name << ": unsupported dtype: structured or non-string 'descr' (expected " << kSupported << ")";
  const std::string& s = descr.str;
  Dtype dt;
  // (string_view::find, not strchr: strchr finds a NUL byte in every string — a descr '<\09'
  // passed as kind NUL of size 9, and the 9-byte load shifted by 64: found by fuzzing.)
  const std::string_view orders = "<>|=", kinds = "fiub";
  bool ok = s.size() == 3 && orders.find(s[0]) != std::string_view::npos &&
            kinds.find(s[1]) != std::string_view::npos;
  if (ok) {
    dt.kind = s[1];
    dt.size = s[2] - '0';
    dt.big_endian = s[0] == '>' || (s[0] != '<' && std::endian::native == std::endian::big);
    if (dt.kind == 'f') ok = dt.size == 4 || dt.size == 8;
    else if (dt.kind == 'i' || dt.kind == 'u') ok = dt.size == 1 || dt.size == 2 || dt.size == 4 || dt.size == 8;
    else if (dt.kind == 'b') ok = dt.size == 1;
    else ok = false;
  }
  ML_REQUIRE(ok) << name << ": unsupported dtype '" << Printable(s) << "' (expected " << kSupported << ")";
  return dt;
}

double LoadValue(const unsigned char* p, const Dtype& dt) {
  std::uint64_t u = 0;
  for (int k = 0; k < dt.size; ++k) {
    const int shift = dt.big_endian ? 8 * (dt.size - 1 - k) : 8 * k;
    u |= static_cast<std::uint64_t>(p[k]) << shift;
  }
  switch (dt.kind) {
    case 'f':
      if (dt.size == 4) return std::bit_cast<float>(static_cast<std::uint32_t>(u));
      return std::bit_cast<double>(u);
    case 'u': return static_cast<double>(u);
    case 'b': return u != 0 ? 1.0 : 0.0;
    default: {  // 'i': sign-extend from dt.size bytes
      const int bits = 8 * dt.size;
      if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~std::uint64_t{0} << bits;
      return static_cast<double>(static_cast<std::int64_t>(u));
    }
  }
}

const PyValue& Field(const PyValue& dict, const char* key, const std::string& name) {
  for (std::size_t i = 0; i < dict.keys.size(); ++i)
    if (dict.keys[i] == key) return dict.items[i];
  throw InputError(name + ": bad .npy header: missing key '" + key + "'");
}

// Fills a.data (C order) from raw bytes stored in C or Fortran order.
void ConvertData(const unsigned char* p, const Dtype& dt, bool fortran, NpyArray& a) {
  const std::size_t count = a.data.size();
  if (!fortran || a.shape.size() < 2) {
    for (std::size_t i = 0; i < count; ++i) a.data[i] = LoadValue(p + i * dt.size, dt);
    return;
  }
  // Walk the C-order multi-index; the Fortran offset has strides 1, s0, s0*s1, ...
  const std::size_t rank = a.shape.size();
  std::vector<std::size_t> idx(rank, 0), fstride(rank, 1);
  for (std::size_t k = 1; k < rank; ++k) fstride[k] = fstride[k - 1] * a.shape[k - 1];
  std::size_t f = 0;
  for (std::size_t i = 0; i < count; ++i) {
    a.data[i] = LoadValue(p + f * dt.size, dt);
    for (std::size_t k = rank; k-- > 0;) {  // increment the last axis first
      f += fstride[k];
      if (++idx[k] < a.shape[k]) break;
      f -= fstride[k] * idx[k];
      idx[k] = 0;
    }
  }
}

void AppendLittleEndianF8(std::string& out, double v) {
  std::uint64_t u = std::bit_cast<std::uint64_t>(v);
  for (int k = 0; k < 8; ++k) out += static_cast<char>((u >> (8 * k)) & 0xff);
}

void SetLabelKind(Dataset& ds, const std::string& labels, const std::string& what) {
  if (labels == "auto") {
    ds.kind = InferLabelKind(ds.y, &ds.num_classes);
    return;
  }
  ds.kind = ParseLabelKind(labels, what);
  ds.num_classes = ds.kind == LabelKind::kBinary ? 2 : 0;
  if (ds.kind == LabelKind::kClass) {
    const double m = ds.y.size() ? ds.y.maxCoeff() : 0.0;
    ds.num_classes = m >= 0 && m < 1e9 ? static_cast<int>(m) + 1 : 1;
  }
}

}  // namespace

NpyArray ParseNpy(std::string_view bytes, const std::string& name) {
  ML_REQUIRE(bytes.size() >= 10 && bytes.substr(0, kMagicLen) == std::string_view(kMagic, kMagicLen))
      << name << ": not a .npy file: expected the magic \\x93NUMPY, got \"" << Printable(bytes.substr(0, 8))
      << "\"";
  const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = u[6];
  ML_REQUIRE(major >= 1 && major <= 3) << name << ": unsupported .npy format version " << major << "."
                                       << int(u[7]) << " (expected 1.0, 2.0 or 3.0)";
  std::size_t header_len = u[8] | (std::size_t{u[9]} << 8), start = 10;
  if (major >= 2) {
    ML_REQUIRE(bytes.size() >= 12) << name << ": truncated .npy header";
    header_len |= (std::size_t{u[10]} << 16) | (std::size_t{u[11]} << 24);
    start = 12;
  }
  ML_REQUIRE(header_len <= bytes.size() - start)
      << name << ": truncated .npy header: it says " << header_len << " bytes, the file has "
      << bytes.size() - start << " after the prefix";
  ML_REQUIRE(header_len <= kMaxHeaderLen)
      << name << ": .npy header of " << header_len << " bytes is longer than the " << kMaxHeaderLen
      << " this reader accepts (numpy writes a few hundred)";
  const PyValue dict = py_literal::Parse(bytes.substr(start, header_len), name);
  ML_REQUIRE(dict.kind == PyValue::kDict) << name << ": bad .npy header: expected a dict";
  const Dtype dt = ParseDtype(Field(dict, "descr", name), name);
  const PyValue& fortran = Field(dict, "fortran_order", name);
  ML_REQUIRE(fortran.kind == PyValue::kBool)
      << name << ": bad .npy header: 'fortran_order' must be True or False";
  const PyValue& shape = Field(dict, "shape", name);
  ML_REQUIRE(shape.kind == PyValue::kSeq) << name << ": bad .npy header: 'shape' must be a tuple of integers";
  ML_REQUIRE(shape.items.size() <= kMaxRank)
      << name << ": bad .npy header: 'shape' has " << shape.items.size() << " dimensions, more than "
      << kMaxRank;
  NpyArray a;
  a.descr = Field(dict, "descr", name).str;
  for (const PyValue& s : shape.items) {
    ML_REQUIRE(s.kind == PyValue::kInt) << name << ": bad .npy header: 'shape' must be a tuple of integers";
    a.shape.push_back(static_cast<std::size_t>(s.integer));
  }
  // Every extent, alone, must fit the memory budget as doubles: an array with
  // a zero extent holds nothing, but (2^63, 0) would still ask its reader to
  // loop over 2^63 rows or to build a 2^63-row matrix (Eigen's Index is signed).
  for (std::size_t k = 0; k < a.shape.size(); ++k) {
    const std::string problem =
        MemoryProblem(SaturatingMul(a.shape[k], 8),
                      name + ": shape " + ShapeText(a.shape) + ": dimension " + std::to_string(k) + " (" +
                          std::to_string(a.shape[k]) + ") alone, as doubles,");
    ML_REQUIRE(problem.empty()) << problem;
  }
  std::uint64_t count = 1;
  for (std::size_t s : a.shape) count = SaturatingMul(count, s);
  const std::uint64_t need = SaturatingMul(count, static_cast<std::uint64_t>(dt.size));
  const std::size_t have = bytes.size() - start - header_len;
  ML_REQUIRE(have == need) << name << ": data has " << have << " bytes, expected "
                           << (need == kNoFit ? std::string("more than 2^64")
                                              : std::to_string(count) + " x " + std::to_string(dt.size) +
                                                    " = " + std::to_string(need))
                           << " for shape " << ShapeText(a.shape) << " of dtype '" << Printable(a.descr) << "'"
                           << (have < need ? " (truncated file?)" : "");
  RequireMemory(SaturatingMul(count, 8), name + ": shape " + ShapeText(a.shape) + " as doubles");
  a.data.resize(count);
  ConvertData(u + start + header_len, dt, fortran.boolean, a);
  return a;
}

std::uint64_t FirstNonFinite(const NpyArray& a) {
  for (std::size_t i = 0; i < a.data.size(); ++i)
    if (!std::isfinite(a.data[i])) return i;
  return kNoFit;
}

void RequireFinite(const NpyArray& a, const std::string& name) {
  const std::uint64_t i = FirstNonFinite(a);
  if (i == kNoFit) return;
  // The C-order index of element i, e.g. (2, 5).
  std::vector<std::size_t> index(a.shape.size());
  std::uint64_t rest = i;
  for (std::size_t k = a.shape.size(); k-- > 0;) {
    index[k] = a.shape[k] ? rest % a.shape[k] : 0;
    rest = a.shape[k] ? rest / a.shape[k] : 0;
  }
  throw InputError(name + ": element " + (index.empty() ? std::string("()") : ShapeText(index)) + " is " +
                   FormatDouble(a.data[i]) + "; expected finite numbers");
}

NpyArray ReadNpy(const fs::path& path) { return ParseNpy(ReadFileBytes(path), path.string()); }

namespace {
// Magic, version 1.0, and the header dict for `descr` and `shape`, padded as numpy pads it.
std::string NpyPreamble(const char* descr, const std::vector<std::size_t>& shape) {
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " +
                       ShapeText(shape) + ", }";
  if (!shape.empty()) header.append(21 - std::min<std::size_t>(21, std::to_string(shape[0]).size()), ' ');
  const std::size_t hlen = header.size() + 1;
  const std::size_t pad = 64 - (kMagicLen + 4 + hlen) % 64;  // 64 when aligned, as numpy
  header.append(pad, ' ');
  header += '\n';
  std::string out(kMagic, kMagicLen);
  out += '\x01';
  out += '\x00';
  if (header.size() <= 0xffff) {
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>((header.size() >> 8) & 0xff);
  } else {
    ML_CHECK(false) << "npy header too long: " << header.size();
  }
  return out + header;
}
}  // namespace

std::string EncodeNpy(const double* data, const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (std::size_t s : shape) count *= s;
  std::string out = NpyPreamble("<f8", shape);
  out.reserve(out.size() + 8 * count);
  for (std::size_t i = 0; i < count; ++i) AppendLittleEndianF8(out, data[i]);
  return out;
}

std::string EncodeNpyText(std::string_view text) {
  return NpyPreamble("|u1", {text.size()}) + std::string(text);
}

std::string NpyText(const NpyArray& a, const std::string& name) {
  ML_REQUIRE(a.descr == "|u1" && a.shape.size() == 1)
      << name << ": expected text (a 1-D uint8 array of UTF-8 bytes), got dtype " << a.descr << " and shape "
      << ShapeText(a.shape);
  std::string out(a.data.size(), '\0');
  for (std::size_t i = 0; i < a.data.size(); ++i) out[i] = static_cast<char>(static_cast<unsigned char>(a.data[i]));
  return out;
}

std::string EncodeNpy(const Matrix& m) {
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
  return EncodeNpy(r.data(), {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())});
}

std::string EncodeNpy(const Vector& v) { return EncodeNpy(v.data(), {static_cast<std::size_t>(v.size())}); }

Matrix NpyToMatrix(const NpyArray& a, const std::string& name) {
  ML_REQUIRE(a.shape.size() == 2) << name << ": expected a 2-D array (n, d), got shape "
                                  << ShapeText(a.shape);
  const Index rows = static_cast<Index>(a.shape[0]), cols = static_cast<Index>(a.shape[1]);
  Matrix m(rows, cols);
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j) m(i, j) = a.data[static_cast<std::size_t>(i * cols + j)];
  return m;
}

Vector NpyToVector(const NpyArray& a, const std::string& name) {
  ML_REQUIRE(a.shape.size() == 1 || (a.shape.size() == 2 && a.shape[1] == 1))
      << name << ": expected a 1-D array (n,) or (n, 1), got shape " << ShapeText(a.shape);
  Vector v(static_cast<Index>(a.shape[0]));
  for (Index i = 0; i < v.size(); ++i) v(i) = a.data[static_cast<std::size_t>(i)];
  return v;
}

namespace {
// The features and labels arrays (named in messages `x_name`, `y_name`) as a Dataset.
Dataset DatasetFromArrays(const NpyArray& x, const std::string& x_name, const NpyArray& y, const std::string& y_name,
                          const std::string& labels, std::string source) {
  Dataset ds;
  ds.source = std::move(source);
  ds.X = NpyToMatrix(x, x_name);
  RequireFinite(x, x_name + ": features");
  ds.y = NpyToVector(y, y_name);
  RequireFinite(y, y_name + ": labels");
  ML_REQUIRE(ds.X.rows() == ds.y.size()) << x_name << " has " << ds.X.rows() << " rows but " << y_name << " has "
                                         << ds.y.size() << " labels";
  SetLabelKind(ds, labels, ds.source + ": labels");
  ds.Validate();
  return ds;
}
}  // namespace

Dataset LoadNpyDataset(const fs::path& x_path, const fs::path& y_path, const std::string& labels) {
  return DatasetFromArrays(ReadNpy(x_path), x_path.string(), ReadNpy(y_path), y_path.string(), labels,
                           "npy:x=" + x_path.string() + ",y=" + y_path.string() + ",labels=" + labels);
}

Dataset LoadNpzDataset(const fs::path& path, const std::string& labels) {
  std::map<std::string, NpyArray> members = ReadNpz(path);
  for (const char* key : {"X", "y"})
    ML_REQUIRE(members.count(key)) << path.string() << ": no member '" << key << ".npy' (a data archive holds X (n x d) "
                                   << "and y (n), as numpy.savez(path, X=X, y=y) writes)";
  return DatasetFromArrays(members.at("X"), path.string() + ": X", members.at("y"), path.string() + ": y", labels,
                           path.string());
}

void WriteNpyDataset(const fs::path& dir, const Dataset& ds) {
  ML_REQUIRE(ds.X.rows() == ds.y.size())
      << dir.string() << ": cannot write " << ds.X.rows() << " examples with " << ds.y.size() << " labels";
  NewFolder folder(dir);  // removed again if the write fails or is interrupted
  AtomicFile fx(dir / "X.npy"), fy(dir / "y.npy");
  const std::string x = EncodeNpy(ds.X), y = EncodeNpy(ds.y);
  fx.Write(x.data(), x.size());
  fy.Write(y.data(), y.size());
  // Both temporaries complete before either is renamed.
  ML_REQUIRE(fx.stream().flush() && fy.stream().flush())
      << dir.string() << ": write failed (disk full?); nothing was replaced";
  fx.Commit();
  fy.Commit();
  folder.Keep();
}

}  // namespace marginlab
