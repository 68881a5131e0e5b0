// IDX reader and writer, raw or gzip (see idx.hpp), and the IDX data set
// loader (images + labels → Dataset, with class filters).
//
// Format source: Y. LeCun, C. Cortes, C. Burges, "The MNIST database of
// handwritten digits", section "THE IDX FILE FORMAT": magic = 0x00 0x00, a
// type byte, the number of dimensions; each dimension as a big-endian uint32;
// then the data, big-endian, last index fastest. Gzip (RFC 1952) through zlib:
// inflate with windowBits 15+32 (auto-detect the header), deflate with 15+16
// and no deflateSetHeader, so the header carries no name and mtime 0.
#include "marginlab/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 30;  // zlib counts in uInt

std::string ReadAllBytes(const fs::path& path) {
  std::error_code ec;
  ML_REQUIRE(fs::is_regular_file(path, ec)) << path.string() << ": no such file";
  std::ifstream in(path, std::ios::binary);
  ML_REQUIRE(in) << path.string() << ": cannot open for reading";
  std::ostringstream ss;
  ss << in.rdbuf();
  ML_REQUIRE(!in.bad()) << path.string() << ": read error";
  return ss.str();
}

bool IsGzip(std::string_view b) { return b.size() >= 2 && b[0] == '\x1f' && b[1] == '\x8b'; }

// Decompresses every gzip member of `in`; throws on a corrupt or truncated
// stream and on trailing bytes that are not another gzip member.
std::string Gunzip(const std::string& in, const std::string& name) {
  z_stream zs{};
  ML_REQUIRE(inflateInit2(&zs, 15 + 32) == Z_OK) << name << ": zlib inflateInit2 failed";
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&zs};
  // Initial size: the gzip trailer's ISIZE (uncompressed length mod 2^32) + 1,
  // capped at deflate's maximum ratio so a corrupt trailer cannot ask for much.
  std::size_t isize = 0;
  for (std::size_t k = 0; k < 4 && in.size() >= 4; ++k)
    isize |= std::size_t{static_cast<unsigned char>(in[in.size() - 4 + k])} << (8 * k);
  std::string out(std::clamp<std::size_t>(isize + 1, 1 << 16, in.size() * 1100 + (1 << 16)), '\0');
  std::size_t in_pos = 0, produced = 0;
  while (true) {
    if (zs.avail_in == 0 && in_pos < in.size()) {
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      zs.avail_in = static_cast<uInt>(std::min(kChunk, in.size() - in_pos));
      in_pos += zs.avail_in;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min(kChunk, out.size() - produced));
    const uInt before = zs.avail_out;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    const bool input_done = zs.avail_in == 0 && in_pos == in.size();
    if (ret == Z_STREAM_END) {
      if (input_done) break;
      const std::size_t rest = zs.avail_in + (in.size() - in_pos);
      const char* next = reinterpret_cast<const char*>(zs.next_in);
      ML_REQUIRE(zs.avail_in >= 2 && IsGzip(std::string_view(next, 2)))
          << name << ": " << rest << " trailing bytes after the end of the gzip stream";
      ML_REQUIRE(inflateReset(&zs) == Z_OK) << name << ": zlib inflateReset failed";
      continue;
    }
    if (ret == Z_OK || ret == Z_BUF_ERROR) {
      ML_REQUIRE(!(input_done && zs.avail_out > 0))
          << name << ": truncated gzip stream (ends after " << produced << " decompressed bytes)";
      continue;
    }
    throw InputError(name + ": corrupt gzip stream (" +
                     (zs.msg ? zs.msg : "zlib error " + std::to_string(ret)) + ")");
  }
  out.resize(produced);
  return out;
}

std::string Gzip(const std::string& in, const std::string& name) {
  z_stream zs{};
  ML_REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK)
      << name << ": zlib deflateInit2 failed";
  struct End {
    z_stream* z;
    ~End() { deflateEnd(z); }
  } end{&zs};
  std::string out(deflateBound(&zs, static_cast<uLong>(std::min(kChunk, in.size()))) + 64, '\0');
  std::size_t in_pos = 0, produced = 0;
  int ret = Z_OK;
  while (ret != Z_STREAM_END) {
    if (zs.avail_in == 0 && in_pos < in.size()) {
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      zs.avail_in = static_cast<uInt>(std::min(kChunk, in.size() - in_pos));
      in_pos += zs.avail_in;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min(kChunk, out.size() - produced));
    const uInt before = zs.avail_out;
    ret = deflate(&zs, in_pos == in.size() ? Z_FINISH : Z_NO_FLUSH);
    ML_CHECK(ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR) << "deflate returned " << ret;
    produced += before - zs.avail_out;
  }
  out.resize(produced);
  return out;
}

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

RawIdx ReadRawIdx(const fs::path& path) {
  RawIdx r;
  r.name = path.string();
  r.bytes = ReadAllBytes(path);
  if (IsGzip(r.bytes)) r.bytes = Gunzip(r.bytes, r.name);
  const auto* u = reinterpret_cast<const unsigned char*>(r.bytes.data());
  ML_REQUIRE(r.bytes.size() >= 4 && u[0] == 0 && u[1] == 0)
      << r.name << ": not an IDX file: expected the magic 00 00 <type> <ndims>"
      << (r.bytes.size() < 4 ? " (file shorter than 4 bytes)" : "");
  r.type = u[2];
  r.size = ElementSize(r.type);
  ML_REQUIRE(r.size > 0) << r.name << ": unknown IDX data type " << Hex2(r.type)
                         << " (expected 08, 09, 0B, 0C, 0D or 0E)";
  const std::size_t ndims = u[3];
  ML_REQUIRE(ndims > 0) << r.name << ": IDX header says 0 dimensions";
  r.offset = 4 + 4 * ndims;
  ML_REQUIRE(r.bytes.size() >= r.offset)
      << r.name << ": truncated IDX header: " << ndims << " dimensions need " << r.offset
      << " bytes, the file has " << r.bytes.size();
  r.count = 1;
  for (std::size_t k = 0; k < ndims; ++k) {
    const unsigned char* p = u + 4 + 4 * k;
    r.dims.push_back((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
                     p[3]);
    ML_REQUIRE(!__builtin_mul_overflow(r.count, std::size_t{r.dims.back()}, &r.count) &&
               r.count <= r.bytes.size())
        << r.name << ": truncated IDX data: dimensions " << DimsText(r.dims) << " need more than the "
        << r.bytes.size() << " bytes in the file";
  }
  const std::size_t have = r.bytes.size() - r.offset, need = r.count * r.size;
  ML_REQUIRE(have >= need) << r.name << ": truncated IDX data: dimensions " << DimsText(r.dims) << " need "
                           << need << " bytes, the file has " << have;
  ML_REQUIRE(have == need) << r.name << ": " << have - need
                           << " trailing bytes after the IDX data (dimensions " << DimsText(r.dims)
                           << " need " << need << ")";
  return r;
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
  const RawIdx r = ReadRawIdx(path);
  IdxArray a;
  a.type = r.type;
  a.dims = r.dims;
  a.data.resize(r.count);
  for (std::size_t i = 0; i < r.count; ++i) a.data[i] = r.At(i);
  return a;
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
  if (gzip) raw = Gzip(raw, name);
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

Dataset LoadIdxDataset(const IdxOptions& opts) {
  ValidateOrThrow(opts, "idx");
  IdxOptions resolved = opts;
  if (resolved.labels.empty()) resolved.labels = DeriveLabelsPath(opts.images);
  Filter filter;
  if (!opts.classes.empty()) ParseClassList(opts.classes, &filter.classes);
  if (!opts.pair.empty()) ParsePair(opts.pair, &filter.pos, &filter.neg);
  filter.limit = opts.limit;

  const RawIdx img = ReadRawIdx(opts.images);
  ML_REQUIRE(img.dims.size() == 2 || img.dims.size() == 3)
      << img.name << ": expected images as n x rows x cols (idx3) or n x d (idx2), got dimensions "
      << DimsText(img.dims);
  const RawIdx lab = ReadRawIdx(resolved.labels);
  ML_REQUIRE(lab.dims.size() == 1) << lab.name << ": expected a 1-D label file (idx1), got dimensions "
                                   << DimsText(lab.dims);
  const std::size_t n = img.dims[0], d = n ? img.count / n : 0;
  ML_REQUIRE(lab.count == n) << img.name << " has " << n << " images but " << lab.name << " has " << lab.count
                             << " labels";
  const std::vector<Index> rows = SelectRows(lab, filter);
  ML_REQUIRE(!rows.empty()) << img.name << ": no examples left after filtering"
                            << (opts.pair.empty() ? "" : " (pair=" + opts.pair + ")")
                            << (opts.classes.empty() ? "" : " (classes=" + opts.classes + ")");

  Dataset ds;
  ds.source = "idx:" + ToParamMap(resolved).ToString();
  ds.X.resize(static_cast<Index>(rows.size()), static_cast<Index>(d));
  ds.y.resize(static_cast<Index>(rows.size()));
  const double divisor = (opts.scale && img.type == 0x08) ? 255.0 : 1.0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t base = static_cast<std::size_t>(rows[k]) * d;
    for (std::size_t j = 0; j < d; ++j)
      ds.X(static_cast<Index>(k), static_cast<Index>(j)) = img.At(base + j) / divisor;
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

}  // namespace marginlab
