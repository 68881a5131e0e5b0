// Tests for the IDX reader/writer and the IDX data set loader: round trips
// (raw and gzip, every type), the big-endian layout, every bad-input case, and
// the real Fashion-MNIST files checked against an independent zlib read.
#include "marginlab/data/idx.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/params.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {

namespace fs = std::filesystem;

// EXPECT_HAS(text, part): text contains part (printed in full when not).
#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

template <class Fn>
std::string ErrorOf(Fn fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError thrown";
  return "";
}

void WriteFile(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

// The whole decompressed content of a gzip file, read with zlib's gz* API
// (independent of the reader under test).
std::string GunzipFile(const fs::path& p, std::size_t max_bytes) {
  gzFile f = gzopen(p.c_str(), "rb");
  if (!f) return "";
  std::string out(max_bytes, '\0');
  const int got = gzread(f, out.data(), static_cast<unsigned>(max_bytes));
  gzclose(f);
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

IdxArray Ubyte3() {
  IdxArray a;
  a.type = 0x08;
  a.dims = {3, 2, 2};
  for (int i = 0; i < 12; ++i) a.data.push_back(i * 23 % 256);
  a.data[5] = 255;
  return a;
}

TEST(IdxTest, RoundTripUbyteRawAndGzip) {
  const fs::path dir = testing::ScratchDir();
  const IdxArray a = Ubyte3();
  WriteIdx(dir / "a.idx", a, false);
  WriteIdx(dir / "a.idx.gz", a, true);
  for (const char* name : {"a.idx", "a.idx.gz"}) {
    const IdxArray b = ReadIdx(dir / name);
    EXPECT_EQ(b.type, 0x08);
    EXPECT_EQ(b.dims, a.dims);
    EXPECT_EQ(b.data, a.data);
  }
  const std::string raw = testing::ReadFileBytes(dir / "a.idx");
  EXPECT_EQ(raw.substr(0, 8), std::string("\0\0\x08\x03\0\0\0\x03", 8));
  EXPECT_EQ(raw.size(), 4u + 12u + 12u);
  // Gzip header: magic, deflate, no flags (no file name), mtime 0.
  const std::string gz = testing::ReadFileBytes(dir / "a.idx.gz");
  EXPECT_EQ(gz.substr(0, 8), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(GunzipFile(dir / "a.idx.gz", 1000), raw);
  // Deterministic bytes.
  WriteIdx(dir / "b.idx.gz", a, true);
  EXPECT_EQ(testing::ReadFileBytes(dir / "b.idx.gz"), gz);
}

TEST(IdxTest, RoundTripEveryType) {
  const fs::path dir = testing::ScratchDir();
  const std::vector<std::pair<std::uint8_t, std::vector<double>>> cases = {
      {0x09, {-128, 127, 0, -1}},
      {0x0B, {-32768, 32767, 258, -2}},
      {0x0C, {-2147483648.0, 2147483647.0, 65536, -3}},
      {0x0D, {1.5, -0.25, 3.0e38, 1e-3}},
      {0x0E, {0.1, -1e300, 5e-324, 1.0 / 3.0}},
  };
  for (const auto& [type, values] : cases) {
    IdxArray a;
    a.type = type;
    a.dims = {2, 2};
    a.data = values;
    if (type == 0x0D)  // float32 stores the nearest float
      for (double& v : a.data) v = static_cast<float>(v);
    for (bool gz : {false, true}) {
      const fs::path p = dir / (std::to_string(type) + (gz ? ".gz" : ""));
      WriteIdx(p, a, gz);
      const IdxArray b = ReadIdx(p);
      EXPECT_EQ(b.type, type);
      EXPECT_EQ(b.data, a.data) << "type " << int(type) << " gzip " << gz;
    }
  }
}

TEST(IdxTest, BigEndianLayout) {
  const fs::path dir = testing::ScratchDir();
  IdxArray a;
  a.type = 0x0B;
  a.dims = {1};
  a.data = {258};  // 0x0102
  WriteIdx(dir / "s.idx", a, false);
  EXPECT_EQ(testing::ReadFileBytes(dir / "s.idx"), std::string("\0\0\x0b\x01\0\0\0\x01\x01\x02", 10));
  // Hand-made float64 file: 1.0 = 3f f0 00 .. big-endian; int32 -2 = ff ff ff fe.
  WriteFile(dir / "d.idx", std::string("\0\0\x0e\x01\0\0\0\x01\x3f\xf0\0\0\0\0\0\0", 16));
  EXPECT_EQ(ReadIdx(dir / "d.idx").data, (std::vector<double>{1.0}));
  WriteFile(dir / "i.idx", std::string("\0\0\x0c\x01\0\0\0\x01\xff\xff\xff\xfe", 12));
  EXPECT_EQ(ReadIdx(dir / "i.idx").data, (std::vector<double>{-2.0}));
}

TEST(IdxTest, BadRawFiles) {
  const fs::path dir = testing::ScratchDir();
  const auto err = [&](const std::string& bytes) {
    WriteFile(dir / "f.idx", bytes);
    return ErrorOf([&] { ReadIdx(dir / "f.idx"); });
  };
  const std::string path = (dir / "f.idx").string();
  std::string msg = err("P5\n28 28\n");
  EXPECT_HAS(msg, path + ": not an IDX file: expected the magic 00 00");
  EXPECT_HAS(err(""), path + ": not an IDX file");
  EXPECT_HAS(err(std::string("\0\0\x07\x01\0\0\0\x01\x05", 9)),
             path + ": unknown IDX data type 0x07 (expected 08, 09, 0B, 0C, 0D or 0E)");
  EXPECT_HAS(err(std::string("\0\0\x08\x00", 4)), path + ": IDX header says 0 dimensions");
  EXPECT_HAS(err(std::string("\0\0\x08\x03\0\0\0\x02\0\0", 10)), path + ": truncated IDX header");
  msg = err(std::string("\0\0\x08\x02\0\0\0\x02\0\0\0\x03\1\2\3\4\5", 17));
  EXPECT_HAS(msg, path + ": truncated IDX data: dimensions 2 x 3 need 6 bytes, the file has 5");
  msg = err(std::string("\0\0\x08\x01\0\0\0\x02\1\2\3", 11));
  EXPECT_HAS(msg, path + ": 1 trailing bytes after the IDX data");
  msg = err(std::string("\0\0\x08\x02\xff\xff\xff\xff\xff\xff\xff\xff\1", 13));
  EXPECT_HAS(msg, path + ": truncated IDX data");
  EXPECT_HAS(ErrorOf([&] { ReadIdx(dir / "nope.idx"); }), "nope.idx: no such file");
}

TEST(IdxTest, BadGzipFiles) {
  const fs::path dir = testing::ScratchDir();
  IdxArray a = Ubyte3();
  a.dims = {3, 20, 20};
  a.data.assign(1200, 0);
  for (std::size_t i = 0; i < a.data.size(); ++i) a.data[i] = (i * 7919) % 251;
  WriteIdx(dir / "good.gz", a, true);
  const std::string gz = testing::ReadFileBytes(dir / "good.gz");
  const auto err = [&](const std::string& bytes) {
    WriteFile(dir / "f.gz", bytes);
    return ErrorOf([&] { ReadIdx(dir / "f.gz"); });
  };
  const std::string path = (dir / "f.gz").string();
  EXPECT_HAS(err(gz.substr(0, gz.size() / 2)), path + ": truncated gzip stream");
  EXPECT_HAS(err(gz.substr(0, gz.size() - 4)), path + ": truncated gzip stream");  // no length trailer
  EXPECT_HAS(err(gz.substr(0, 5)), path + ": truncated gzip stream");
  std::string corrupt = gz;
  for (std::size_t i = 20; i < 40; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  EXPECT_HAS(err(corrupt), path + ": corrupt gzip stream");
  std::string bad_crc = gz;
  bad_crc[gz.size() - 6] = static_cast<char>(bad_crc[gz.size() - 6] ^ 1);
  EXPECT_HAS(err(bad_crc), path + ": corrupt gzip stream (incorrect data check)");
  EXPECT_HAS(err(gz + "junk"), path + ": 4 trailing bytes after the end of the gzip stream");
  // Two gzip members concatenated are one valid stream (as gzip -d reads them)
  // but here give twice the data: trailing IDX bytes.
  EXPECT_HAS(err(gz + gz), path + ": 1216 trailing bytes after the IDX data");
}

TEST(IdxTest, WriteRejectsBadArrays) {
  const fs::path dir = testing::ScratchDir();
  IdxArray a = Ubyte3();
  a.data[3] = 256;
  EXPECT_HAS(ErrorOf([&] { WriteIdx(dir / "x.idx", a, false); }),
             "value 256 at index 3 is not an integer in [0, 255]");
  a.data[3] = 1.5;
  EXPECT_HAS(ErrorOf([&] { WriteIdx(dir / "x.idx", a, false); }), "value 1.5 at index 3");
  a = Ubyte3();
  a.dims = {3, 2};
  EXPECT_HAS(ErrorOf([&] { WriteIdx(dir / "x.idx", a, false); }),
             "x.idx: dimensions 3 x 2 hold 6 values, got 12");
  a = Ubyte3();
  a.type = 0x0A;
  EXPECT_HAS(ErrorOf([&] { WriteIdx(dir / "x.idx", a, false); }), "unknown IDX data type 0x0a");
  EXPECT_FALSE(fs::exists(dir / "x.idx"));
  EXPECT_TRUE(fs::is_empty(dir));  // no temporaries left
}

// A small labelled IDX pair: 6 images of 2×2 pixels, labels 0,1,2,0,1,2.
fs::path WriteSmallSet(const fs::path& dir) {
  IdxArray img;
  img.dims = {6, 2, 2};
  for (int i = 0; i < 24; ++i) img.data.push_back(i * 10);
  IdxArray lab;
  lab.dims = {6};
  lab.data = {0, 1, 2, 0, 1, 2};
  WriteIdx(dir / "tiny-images-idx3-ubyte.gz", img, true);
  WriteIdx(dir / "tiny-labels-idx1-ubyte.gz", lab, true);
  return dir / "tiny-images-idx3-ubyte.gz";
}

TEST(IdxTest, LoadDatasetFiltersAndScales) {
  const fs::path images = WriteSmallSet(testing::ScratchDir());
  IdxOptions o;
  o.images = images.string();
  Dataset ds = LoadIdxDataset(o);
  ASSERT_EQ(ds.n(), 6);
  ASSERT_EQ(ds.d(), 4);
  EXPECT_EQ(ds.X(1, 2), 60.0 / 255.0);
  EXPECT_EQ(ds.kind, LabelKind::kClass);
  EXPECT_EQ(ds.num_classes, 3);
  EXPECT_HAS(ds.source, "tiny-labels-idx1-ubyte.gz");
  o.classes = "0;2";
  ds = LoadIdxDataset(o);
  EXPECT_EQ(ds.y, (Vector(4) << 0, 2, 0, 2).finished());
  EXPECT_EQ(ds.num_classes, 3);
  EXPECT_EQ(ds.X(1, 0), 80.0 / 255.0);  // row 2 of the file
  o.classes = "";
  o.pair = "2/0";
  o.limit = 3;
  o.scale = false;
  ds = LoadIdxDataset(o);
  EXPECT_EQ(ds.y, (Vector(3) << -1, 1, -1).finished());
  EXPECT_EQ(ds.kind, LabelKind::kBinary);
  EXPECT_EQ(ds.X(1, 3), 110.0);
  o.pair = "7/8";
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }), "no examples left after filtering (pair=7/8)");
}

TEST(IdxTest, LoadDatasetErrors) {
  const fs::path dir = testing::ScratchDir();
  const fs::path images = WriteSmallSet(dir);
  IdxArray lab;
  lab.dims = {5};
  lab.data = {0, 1, 2, 0, 1};
  WriteIdx(dir / "five.idx", lab, false);
  IdxOptions o;
  o.images = images.string();
  o.labels = (dir / "five.idx").string();
  std::string msg = ErrorOf([&] { LoadIdxDataset(o); });
  EXPECT_HAS(msg, "tiny-images-idx3-ubyte.gz has 6 images but ");
  EXPECT_HAS(msg, "five.idx has 5 labels");
  o.labels = images.string();  // 3-D "labels"
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }),
             "expected a 1-D label file (idx1), got dimensions 6 x 2 x 2");
  o.images = (dir / "five.idx").string();
  o.labels = "";
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }), "five.idx: cannot derive the label file name");
  o.labels = (dir / "five.idx").string();
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }),
             "expected images as n x rows x cols (idx3) or n x d (idx2)");
}

TEST(IdxTest, OptionsValidate) {
  IdxOptions o;
  EXPECT_HAS(o.Validate(), "images");
  o.images = "x";
  EXPECT_EQ(o.Validate(), "");
  o.classes = "0;3;7";
  EXPECT_EQ(o.Validate(), "");
  o.classes = "0;x";
  EXPECT_HAS(o.Validate(), "classes: expected non-negative integers");
  o.classes = "1;-2";
  EXPECT_HAS(o.Validate(), "classes: expected non-negative integers");
  o.classes = "";
  o.pair = "3";
  EXPECT_HAS(o.Validate(), "pair: expected two class indices a/b");
  o.pair = "3/3";
  EXPECT_HAS(o.Validate(), "must differ");
  o.pair = "3/5";
  o.classes = "1";
  EXPECT_HAS(o.Validate(), "not both");
  o.classes = "";
  o.limit = -1;
  EXPECT_HAS(o.Validate(), "limit must be >= 0");
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }), "idx: limit must be >= 0");
}

// The real Fashion-MNIST files from Debian's dataset-fashion-mnist package.
const fs::path kFashion = "/usr/share/datasets/fashion-mnist";

TEST(IdxFashionMnist, TestSetFirstImages) {
  const fs::path images = kFashion / "t10k-images-idx3-ubyte.gz";
  if (!fs::exists(images)) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  IdxOptions o;
  o.images = images.string();
  o.limit = 5;
  const Dataset ds = LoadIdxDataset(o);
  ASSERT_EQ(ds.n(), 5);
  ASSERT_EQ(ds.d(), 784);
  EXPECT_GE(ds.X.minCoeff(), 0.0);
  EXPECT_LE(ds.X.maxCoeff(), 1.0);
  EXPECT_EQ(ds.y, (Vector(5) << 9, 2, 1, 1, 6).finished());
  EXPECT_EQ(ds.num_classes, 10);
  // Independent check: the raw pixels of image 0 are bytes 16..800 of the file.
  const std::string raw = GunzipFile(images, 16 + 784);
  ASSERT_EQ(raw.size(), 16u + 784u);
  long sum = 0;
  for (std::size_t k = 16; k < 16 + 784; ++k) sum += static_cast<unsigned char>(raw[k]);
  EXPECT_GT(sum, 0);
  EXPECT_NEAR(ds.X.row(0).sum() * 255.0, static_cast<double>(sum), 1e-7);
  for (Index j = 0; j < 784; ++j)
    ASSERT_EQ(ds.X(0, j), static_cast<unsigned char>(raw[16 + j]) / 255.0) << "pixel " << j;
}

TEST(IdxFashionMnist, PairFilterMatchesRawLabels) {
  const fs::path images = kFashion / "t10k-images-idx3-ubyte.gz";
  if (!fs::exists(images)) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  IdxOptions o;
  o.images = images.string();
  o.pair = "0/9";
  o.limit = 50;
  o.scale = false;
  const Dataset ds = LoadIdxDataset(o);
  ASSERT_EQ(ds.n(), 50);
  EXPECT_EQ(ds.kind, LabelKind::kBinary);
  // The first 50 rows with label 0 or 9, read independently.
  const std::string labels = GunzipFile(kFashion / "t10k-labels-idx1-ubyte.gz", 8 + 10000);
  ASSERT_EQ(labels.size(), 8u + 10000u);
  const std::string pixels = GunzipFile(images, 16 + 784 * 1000);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < 10000 && rows.size() < 50; ++i)
    if (labels[8 + i] == 0 || labels[8 + i] == 9) rows.push_back(i);
  ASSERT_LT(rows.back(), 1000u);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_EQ(ds.y(static_cast<Index>(k)), labels[8 + rows[k]] == 0 ? 1.0 : -1.0);
    EXPECT_EQ(ds.X(static_cast<Index>(k), 400), static_cast<unsigned char>(pixels[16 + 784 * rows[k] + 400]));
  }
}

TEST(IdxFashionMnist, TrainSetHeaderAndLimit) {
  const fs::path images = kFashion / "train-images-idx3-ubyte.gz";
  if (!fs::exists(images)) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  IdxOptions o;  // the one test that reads the 60000-image file
  o.images = images.string();
  o.classes = "3;5";
  o.limit = 10;
  const Dataset ds = LoadIdxDataset(o);
  ASSERT_EQ(ds.n(), 10);
  EXPECT_EQ(ds.num_classes, 10);
  for (Index i = 0; i < ds.n(); ++i) EXPECT_TRUE(ds.y(i) == 3 || ds.y(i) == 5);
}


// gzip (RFC 1952) of `in`, as a file would hold it.
std::string Gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// An IDX header: type, then the dimensions big-endian.
std::string IdxHeader(std::uint8_t type, const std::vector<std::uint32_t>& dims) {
  std::string h = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int k = 3; k >= 0; --k) h += static_cast<char>((d >> (8 * k)) & 0xff);
  return h;
}

TEST(IdxTest, GzipBombStopsAtTheSizeTheHeaderImplies) {
  // A header for 1 value followed by 16 MiB of zeros: about 16 KB compressed.
  // It used to be inflated whole (1.5 MB → 1.5 GB in the report) before the
  // "trailing bytes" error; now inflation stops 1 MiB past the data.
  const std::string gz = Gzip(IdxHeader(0x08, {1}) + std::string(16 << 20, '\0'));
  ASSERT_LT(gz.size(), 100000u);
  EXPECT_HAS(ErrorOf([&] { ParseIdx(gz, "bomb.gz"); }),
             "bomb.gz: more than 1048576 trailing bytes after the IDX data (dimensions 1 need 1");
}

TEST(IdxTest, GzipHeaderDimensionsAreCheckedBeforeInflating) {
  // 65535^3 ubytes (2.8e14 bytes) and 2^32−1 ^ 4 (overflows 64 bits), each with
  // 16 bytes of data: refused on the header, naming the file and the bytes.
  std::string msg = ErrorOf([&] { ParseIdx(Gzip(IdxHeader(0x08, {65535, 65535, 65535}) + "0123456789abcdef"), "h.gz"); });
  EXPECT_HAS(msg, "h.gz: IDX dimensions 65535 x 65535 x 65535 (1-byte values, decompressed) would need");
  EXPECT_HAS(msg, "memory budget");
  msg = ErrorOf([&] {
    ParseIdx(Gzip(IdxHeader(0x0E, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}) + "x"), "o.gz");
  });
  EXPECT_HAS(msg, "o.gz: IDX dimensions 4294967295 x 4294967295 x 4294967295 x 4294967295");
  EXPECT_HAS(msg, "more than 16 EiB");
  // Raw: the same header is a truncated file.
  EXPECT_HAS(ErrorOf([&] { ParseIdx(IdxHeader(0x0E, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}) + "x", "o.idx"); }),
             "o.idx: truncated IDX data: dimensions 4294967295 x 4294967295 x 4294967295 need more than 2^64 bytes");
  // Within the budget, a gzip file shorter than its header says is truncated.
  {
    SetMemoryBudget(std::uint64_t{1} << 40);
    msg = ErrorOf([&] { ParseIdx(Gzip(IdxHeader(0x08, {1000, 1000, 1000}) + "abc"), "t.gz"); });
    SetMemoryBudget(0);
  }
  EXPECT_HAS(msg, "t.gz: truncated IDX data: dimensions 1000 x 1000 x 1000 need 1000000000 bytes, the file has 3");
}

TEST(IdxTest, DatasetRejectsNonFiniteValuesNamingTheFile) {
  IdxArray img;
  img.type = 0x0D;  // float32
  img.dims = {2, 2};
  img.data = {1, 2, std::numeric_limits<double>::quiet_NaN(), 4};
  IdxArray lab;
  lab.type = 0x08;
  lab.dims = {2};
  lab.data = {0, 1};
  const fs::path dir = testing::ScratchDir();
  WriteIdx(dir / "img.idx", img, false);
  WriteIdx(dir / "lab.idx", lab, false);
  IdxOptions o;
  o.images = (dir / "img.idx").string();
  o.labels = (dir / "lab.idx").string();
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }), o.images + ": value 0 of image 1 is not a finite number");
  lab.type = 0x0D;
  lab.data = {0, std::numeric_limits<double>::infinity()};
  img.data = {1, 2, 3, 4};
  WriteIdx(dir / "img.idx", img, false);
  WriteIdx(dir / "lab.idx", lab, false);
  EXPECT_HAS(ErrorOf([&] { LoadIdxDataset(o); }), o.labels + ": label 1 is not a finite number");
}

TEST(IdxTest, ParseIdxDatasetFromBytes) {
  IdxArray img;
  img.dims = {3, 2};
  img.data = {0, 255, 1, 2, 3, 4};
  IdxArray lab;
  lab.dims = {3};
  lab.data = {7, 8, 7};
  const fs::path dir = testing::ScratchDir();
  WriteIdx(dir / "i.idx", img, true);
  WriteIdx(dir / "l.idx", lab, false);
  IdxOptions o;
  o.images = "images.gz";
  o.labels = "labels.idx";
  o.pair = "7/8";
  const Dataset ds = ParseIdxDataset(testing::ReadFileBytes(dir / "i.idx"), testing::ReadFileBytes(dir / "l.idx"), o);
  EXPECT_EQ(ds.n(), 3);
  EXPECT_EQ(ds.d(), 2);
  EXPECT_EQ(ds.y(1), -1.0);
  EXPECT_DOUBLE_EQ(ds.X(0, 1), 1.0);
}

}  // namespace
}  // namespace marginlab
