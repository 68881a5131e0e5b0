// IDX reader and writer, raw or gzip (see idx.hpp), and the IDX data set
// loader (images + labels → Dataset, with class filters).
//
// Format source: Y. LeCun, C. Cortes, C. Burges, "The MNIST database of
// handwritten digits", section "THE IDX FILE FORMAT": magic = 0x00 0x00, a
// type byte, the number of dimensions; each dimension as a big-endian uint32;
// then the data, big-endian, last index fastest. Gzip (RFC 1952) through the
// library's zlib wrapper (data/zlib_stream.hpp): read a piece at a time, so only
// the bytes the header implies are ever inflated; written with no name and mtime 0.
#include "marginlab/data/idx.hpp"

#include "data/zlib_stream.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <climits>
#include <cmath>
#include <system_error>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/file_bytes.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {

using zlib_io::IsGzip;

int ElementSize(std::uint8_t type) {
  switch (type) {
    case 0x08:
    case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C:
    case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
  }
}

std::string Hex2(std::uint8_t b) {
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[b >> 4] + kHex[b & 15];
}

std::string DimsText(const std::vector<std::uint32_t>& dims) {
  std::string out;
  for (std::size_t k = 0; k < dims.size(); ++k) out += (k ? " x " : "") + std::to_string(dims[k]);
  return out;
}

// An IDX file's header and its (decompressed) bytes; values are converted
// on demand so that a filtered load never holds the whole file as doubles.
struct RawIdx {
  std::string name;
  std::uint8_t type = 0x08;
  std::vector<std::uint32_t> dims;
  std::size_t count = 0;
  int size = 1;
  std::string bytes;
  std::size_t offset = 0;  // where the data starts in `bytes`

  double At(std::size_t i) const {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + offset + i * size;
    std::uint64_t u = 0;
    for (int k = 0; k < size; ++k) u = (u << 8) | p[k];
    switch (type) {
      case 0x08: return static_cast<double>(u);
      case 0x09: return static_cast<double>(static_cast<std::int8_t>(u));
      case 0x0B: return static_cast<double>(static_cast<std::int16_t>(u));
      case 0x0C: return static_cast<double>(static_cast<std::int32_t>(u));
      case 0x0D: return std::bit_cast<float>(static_cast<std::uint32_t>(u));
      default: return std::bit_cast<double>(u);
    }
  }
};

// Checks the 4-byte prefix (magic, type, number of dimensions) in r.bytes.
void ParsePrefix(RawIdx& r) {
  const auto* u = reinterpret_cast<const unsigned char*>(r.bytes.data());
  ML_REQUIRE(r.bytes.size() >= 4 && u[0] == 0 && u[1] == 0)
      << r.name << ": not an IDX file: expected the magic 00 00 <type> <ndims>"
      << (r.bytes.size() < 4 ? " (file shorter than 4 bytes)" : "");
  r.type = u[2];
  r.size = ElementSize(r.type);
  ML_REQUIRE(r.size > 0) << r.name << ": unknown IDX data type " << Hex2(r.type)
                         << " (expected 08, 09, 0B, 0C, 0D or 0E)";
  ML_REQUIRE(u[3] > 0) << r.name << ": IDX header says 0 dimensions";
  r.offset = 4 + 4 * std::size_t{u[3]};
}

// Reads the dimensions (r.bytes holds the whole header); returns the bytes
// the file must have, header included (kNoFit when that overflows).
std::uint64_t ParseDims(RawIdx& r) {
  ML_REQUIRE(r.bytes.size() >= r.offset)
      << r.name << ": truncated IDX header: " << (r.offset - 4) / 4 << " dimensions need " << r.offset
      << " bytes, the file has " << r.bytes.size();
  const auto* u = reinterpret_cast<const unsigned char*>(r.bytes.data());
  std::uint64_t count = 1;
  for (std::size_t k = 4; k < r.offset; k += 4) {
    const unsigned char* p = u + k;
    r.dims.push_back((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
                     p[3]);
    count = SaturatingMul(count, r.dims.back());
  }
  r.count = count == kNoFit ? 0 : static_cast<std::size_t>(count);
  return SaturatingAdd(r.offset, SaturatingMul(count, static_cast<std::uint64_t>(r.size)));
}

std::string NeedText(std::uint64_t need) {
  return need == kNoFit ? std::string("more than 2^64") : std::to_string(need);
}

// Longest run of trailing decompressed bytes that is counted exactly in a
// message; beyond it the message says "more than".
constexpr std::size_t kTrailingCount = std::size_t{1} << 20;

// An IDX file from its bytes (raw or gzip). For gzip, the header is inflated
// first; the data are inflated only up to the size the header implies (after
// checking that size against the memory budget), plus at most 1 MiB to count
// trailing bytes — a small file that inflates to gigabytes costs no more.
RawIdx ParseRawIdx(std::string file, const std::string& name) {
  RawIdx r;
  r.name = name;
  if (!IsGzip(file)) {
    r.bytes = std::move(file);
    ParsePrefix(r);
    const std::uint64_t need = ParseDims(r);
    const std::size_t have = r.bytes.size() - r.offset;
    ML_REQUIRE(need <= r.bytes.size())
        << r.name << ": truncated IDX data: dimensions " << DimsText(r.dims) << " need "
        << (need == kNoFit ? NeedText(need) : std::to_string(need - r.offset)) << " bytes, the file has "
        << have;
    ML_REQUIRE(need == r.bytes.size()) << r.name << ": " << r.bytes.size() - need
                                       << " trailing bytes after the IDX data (dimensions "
                                       << DimsText(r.dims) << " need " << need - r.offset << ")";
    return r;
  }
  zlib_io::InflateStream gz(file, zlib_io::Format::kGzip, name);
  gz.Read(r.bytes, 4);
  ParsePrefix(r);
  gz.Read(r.bytes, r.offset - 4);
  const std::uint64_t need = ParseDims(r);
  RequireMemory(need, name + ": IDX dimensions " + DimsText(r.dims) + " (" + std::to_string(r.size) +
                          "-byte values, decompressed)");
  gz.Read(r.bytes, static_cast<std::size_t>(need) - r.bytes.size());
  ML_REQUIRE(r.bytes.size() == need)
      << r.name << ": truncated IDX data: dimensions " << DimsText(r.dims) << " need " << need - r.offset
      << " bytes, the file has " << r.bytes.size() - r.offset << " (decompressed)";
  const std::size_t extra = gz.Skip(kTrailingCount + 1);
  ML_REQUIRE(extra == 0) << r.name << ": " << (extra > kTrailingCount ? "more than " : "")
                         << std::min(extra, kTrailingCount) << " trailing bytes after the IDX data (dimensions "
                         << DimsText(r.dims) << " need " << need - r.offset << ", decompressed)";
  return r;
}

RawIdx ReadRawIdx(const fs::path& path) {
  return ParseRawIdx(ReadFileBytes(path), path.string());
}

// Converts v to the IDX element `type` and appends it big-endian.
void AppendValue(std::string& out, std::uint8_t type, double v, std::size_t i, const std::string& name) {
  std::uint64_t u = 0;
  const int size = ElementSize(type);
  if (type == 0x0D) {
    u = std::bit_cast<std::uint32_t>(static_cast<float>(v));
  } else if (type == 0x0E) {
    u = std::bit_cast<std::uint64_t>(v);
  } else {
    const double lo = type == 0x08 ? 0 : type == 0x09 ? -128 : type == 0x0B ? -32768 : -2147483648.0;
    const double hi = type == 0x08 ? 255 : type == 0x09 ? 127 : type == 0x0B ? 32767 : 2147483647.0;
    ML_REQUIRE(v >= lo && v <= hi && v == std::floor(v))
        << name << ": value " << FormatDouble(v) << " at index " << i << " is not an integer in [" << lo
        << ", " << hi << "] (IDX type " << Hex2(type) << ")";
    u = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
  }
  for (int k = size - 1; k >= 0; --k) out += static_cast<char>((u >> (8 * k)) & 0xff);
}

}  // namespace

IdxArray ReadIdx(const fs::path& path) {
  return ParseIdx(ReadFileBytes(path), path.string());
}

void WriteIdx(const fs::path& path, const IdxArray& a, bool gzip) {
  const std::string name = path.string();
  ML_REQUIRE(ElementSize(a.type) > 0) << name << ": unknown IDX data type " << Hex2(a.type);
  ML_REQUIRE(!a.dims.empty() && a.dims.size() <= 255)
      << name << ": an IDX array needs 1 to 255 dimensions, got " << a.dims.size();
  std::size_t count = 1;
  for (std::uint32_t d : a.dims) count *= d;
  ML_REQUIRE(count == a.data.size()) << name << ": dimensions " << DimsText(a.dims) << " hold " << count
                                     << " values, got " << a.data.size();
  std::string raw = {'\0', '\0', static_cast<char>(a.type), static_cast<char>(a.dims.size())};
  for (std::uint32_t d : a.dims)
    for (int k = 3; k >= 0; --k) raw += static_cast<char>((d >> (8 * k)) & 0xff);
  raw.reserve(raw.size() + count * ElementSize(a.type));
  for (std::size_t i = 0; i < count; ++i) AppendValue(raw, a.type, a.data[i], i, name);
  if (gzip) raw = zlib_io::GzipCompress(raw, name);
  AtomicFile f(path);
  f.Write(raw.data(), raw.size());
  f.Commit();
}

// ---------------------------------------------------------------------------
// IDX data sets
// ---------------------------------------------------------------------------

namespace {

bool ParseClass(std::string_view t, long* out) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
  return !t.empty() && ec == std::errc() && p == t.data() + t.size() && *out >= 0;
}

// "0;3;7" → {0, 3, 7}; "" when fine, else the problem.
std::string ParseClassList(const std::string& text, std::vector<long>* out) {
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(';', start);
    const std::string_view item = std::string_view(text).substr(start, pos - start);
    long c = 0;
    if (!ParseClass(item, &c))
      return "classes: expected non-negative integers separated by ';', got '" + text + "'";
    out->push_back(c);
    if (pos == std::string::npos) return "";
    start = pos + 1;
  }
}

std::string ParsePair(const std::string& text, long* a, long* b) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || !ParseClass(std::string_view(text).substr(0, slash), a) ||
      !ParseClass(std::string_view(text).substr(slash + 1), b))
    return "pair: expected two class indices a/b, got '" + text + "'";
  if (*a == *b) return "pair: the two classes must differ, got '" + text + "'";
  return "";
}

struct Filter {
  std::vector<long> classes;  // empty = all
  long pos = -1, neg = -1;    // pair a/b, when pos >= 0
  long limit = 0;
  bool class_labels = true;  // set by SelectRows: all labels are class indices
  int num_classes = 0;       // max label in the file + 1
};

// The rows kept by `f`, in file order, at most f.limit of them.
std::vector<Index> SelectRows(const RawIdx& lab, Filter& f) {
  double max_label = 0;
  for (std::size_t i = 0; i < lab.count; ++i) {
    const double v = lab.At(i);
    f.class_labels = f.class_labels && v >= 0 && v == std::floor(v) && v < 1e9;
    max_label = std::max(max_label, v);
  }
  f.num_classes = f.class_labels ? static_cast<int>(max_label) + 1 : 0;
  const bool filtering = f.pos >= 0 || !f.classes.empty();
  ML_REQUIRE(f.class_labels || !filtering)
      << lab.name << ": classes/pair need class-index labels (non-negative integers)";
  std::vector<Index> rows;
  for (std::size_t i = 0; i < lab.count && (f.limit == 0 || static_cast<long>(rows.size()) < f.limit); ++i) {
    const long c = filtering ? static_cast<long>(lab.At(i)) : 0;
    const bool keep =
        !filtering || (f.pos >= 0 ? (c == f.pos || c == f.neg)
                                  : std::find(f.classes.begin(), f.classes.end(), c) != f.classes.end());
    if (keep) rows.push_back(static_cast<Index>(i));
  }
  return rows;
}

// "…images-idx3-ubyte…" → "…labels-idx1-ubyte…" in the file name.
std::string DeriveLabelsPath(const std::string& images) {
  fs::path p(images);
  std::string file = p.filename().string();
  const std::size_t at = file.find("images-idx");
  ML_REQUIRE(at != std::string::npos && at + 11 <= file.size())
      << images
      << ": cannot derive the label file name (expected 'images-idx3' in the name); give labels=FILE";
  file.replace(at, 11, "labels-idx1");
  return (p.parent_path() / file).string();
}

}  // namespace

std::string IdxOptions::Validate() const {
  if (images.empty()) return "images: give the IDX image file";
  if (limit < 0) return "limit must be >= 0, got " + std::to_string(limit);
  if (!classes.empty() && !pair.empty()) return "give classes or pair, not both";
  std::vector<long> list;
  long a = 0, b = 0;
  if (!classes.empty()) {
    if (std::string problem = ParseClassList(classes, &list); !problem.empty()) return problem;
  }
  if (!pair.empty()) return ParsePair(pair, &a, &b);
  return "";
}

namespace {

// The data set from parsed image and label files; `resolved` has the label
// path filled in (it goes into ds.source).
Dataset BuildIdxDataset(const RawIdx& img, const RawIdx& lab, const IdxOptions& resolved) {
  Filter filter;
  if (!resolved.classes.empty()) ParseClassList(resolved.classes, &filter.classes);
  if (!resolved.pair.empty()) ParsePair(resolved.pair, &filter.pos, &filter.neg);
  filter.limit = resolved.limit;
  ML_REQUIRE(img.dims.size() == 2 || img.dims.size() == 3)
      << img.name << ": expected images as n x rows x cols (idx3) or n x d (idx2), got dimensions "
      << DimsText(img.dims);
  ML_REQUIRE(lab.dims.size() == 1) << lab.name << ": expected a 1-D label file (idx1), got dimensions "
                                   << DimsText(lab.dims);
  const std::size_t n = img.dims[0], d = n ? img.count / n : 0;
  ML_REQUIRE(lab.count == n) << img.name << " has " << n << " images but " << lab.name << " has " << lab.count
                             << " labels";
  for (std::size_t i = 0; i < lab.count; ++i)
    ML_REQUIRE(std::isfinite(lab.At(i))) << lab.name << ": label " << i << " is not a finite number";
  const std::vector<Index> rows = SelectRows(lab, filter);
  ML_REQUIRE(!rows.empty()) << img.name << ": no examples left after filtering"
                            << (resolved.pair.empty() ? "" : " (pair=" + resolved.pair + ")")
                            << (resolved.classes.empty() ? "" : " (classes=" + resolved.classes + ")");
  if (filter.pos >= 0) {  // a binary task needs both classes (pair=3/99 gave 6000 × +1)
    for (const long c : {filter.pos, filter.neg}) {
      const bool present = std::any_of(rows.begin(), rows.end(),
                                       [&](Index i) { return static_cast<long>(lab.At(static_cast<std::size_t>(i))) == c; });
      ML_REQUIRE(present) << lab.name << ": pair=" << resolved.pair << ": class " << c << " has no examples"
                          << (filter.limit > 0 ? " among the first kept (limit=" + std::to_string(filter.limit) + ")"
                                               : std::string(" (labels 0…") + std::to_string(filter.num_classes - 1) + ")");
    }
  }
  RequireMemory(ArrayBytes({static_cast<long long>(rows.size()), static_cast<long long>(d) + 1}, sizeof(double)),
                img.name + ": " + std::to_string(rows.size()) + " examples x " + std::to_string(d) +
                    " features as doubles");

  Dataset ds;
  ds.source = "idx:" + ToParamMap(resolved).ToString();
  ds.X.resize(static_cast<Index>(rows.size()), static_cast<Index>(d));
  ds.y.resize(static_cast<Index>(rows.size()));
  const double divisor = (resolved.scale && img.type == 0x08) ? 255.0 : 1.0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t base = static_cast<std::size_t>(rows[k]) * d;
    for (std::size_t j = 0; j < d; ++j) {
      const double v = img.At(base + j);
      ML_REQUIRE(std::isfinite(v)) << img.name << ": value " << j << " of image " << rows[k]
                                   << " is not a finite number";
      ds.X(static_cast<Index>(k), static_cast<Index>(j)) = v / divisor;
    }
    const double label = lab.At(static_cast<std::size_t>(rows[k]));
    ds.y(static_cast<Index>(k)) = filter.pos >= 0 ? (label == filter.pos ? 1.0 : -1.0) : label;
  }
  if (filter.pos >= 0) {
    ds.kind = LabelKind::kBinary;
    ds.num_classes = 2;
  } else if (filter.class_labels) {
    ds.kind = LabelKind::kClass;
    ds.num_classes = filter.num_classes;
  } else {
    ds.kind = InferLabelKind(ds.y, &ds.num_classes);
  }
  ds.Validate();
  return ds;
}

}  // namespace

IdxArray ParseIdx(std::string_view bytes, const std::string& name) {
  const RawIdx r = ParseRawIdx(std::string(bytes), name);
  RequireMemory(ArrayBytes({static_cast<long long>(r.count)}, sizeof(double)),
                r.name + ": IDX dimensions " + DimsText(r.dims) + " as doubles");
  IdxArray a;
  a.type = r.type;
  a.dims = r.dims;
  a.data.resize(r.count);
  for (std::size_t i = 0; i < r.count; ++i) a.data[i] = r.At(i);
  return a;
}

Dataset LoadIdxDataset(const IdxOptions& opts) {
  ValidateOrThrow(opts, "idx");
  IdxOptions resolved = opts;
  if (resolved.labels.empty()) resolved.labels = DeriveLabelsPath(opts.images);
  const RawIdx img = ReadRawIdx(opts.images);
  const RawIdx lab = ReadRawIdx(resolved.labels);
  return BuildIdxDataset(img, lab, resolved);
}

Dataset ParseIdxDataset(std::string_view images, std::string_view labels, const IdxOptions& opts) {
  ValidateOrThrow(opts, "idx");
  IdxOptions resolved = opts;
  if (resolved.labels.empty()) resolved.labels = "labels";
  const RawIdx img = ParseRawIdx(std::string(images), opts.images.empty() ? "images" : opts.images);
  const RawIdx lab = ParseRawIdx(std::string(labels), resolved.labels);
  return BuildIdxDataset(img, lab, resolved);
}

}  // namespace marginlab
