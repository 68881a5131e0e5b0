// Tests for the .npy reader and writer: the exact bytes numpy.save writes,
// header variants, every supported dtype, Fortran order, and bad input.
#include "marginlab/data/npy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {

namespace fs = std::filesystem;

// EXPECT_HAS(text, part): text contains part (printed in full when not).
#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// A .npy file from a header dict text and raw data; the header is padded like
// numpy's (spaces, '\n', total a multiple of 64), version 1.0 or 2.0.
std::string MakeNpy(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t len = header.size();
  for (std::size_t k = 0; k < prefix - 8; ++k) out += static_cast<char>((len >> (8 * k)) & 0xff);
  return out + header + data;
}

// The message of the InputError thrown by fn.
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

TEST(NpyTest, EncodeMatchesNumpySaveBytes) {
  // Derived from the format spec: magic, version 1.0, header length 0x76 =
  // 118 (so 10 + 118 = 128), the dict text, numpy's spare space and padding
  // (58 spaces), '\n', then 6 little-endian float64 values.
  std::string expected("\x93NUMPY\x01\x00\x76\x00", 10);
  expected += "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  expected += std::string(58, ' ') + "\n";
  const char* hi[] = {"\xf0\x3f", "\x00\x40", "\x08\x40", "\x10\x40", "\x14\x40", "\x18\x40"};  // 1..6
  for (const char* h : hi) expected += std::string(6, '\0') + std::string(h, 2);
  Matrix m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  const std::string got = EncodeNpy(m);
  EXPECT_EQ(got.size(), 128u + 48u);
  EXPECT_EQ(got, expected);
}

TEST(NpyTest, EncodeVectorHeader) {
  Vector v(2);
  v << 0.5, -1.0;
  const std::string got = EncodeNpy(v);
  EXPECT_EQ(got.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(got.substr(10, 57), "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }");
  EXPECT_EQ(got[127], '\n');
  EXPECT_EQ(got.size(), 128u + 16u);
}

TEST(NpyTest, TextIsUint8BytesAsNumpySavesThem) {
  // numpy 1.24: np.save(f, np.frombuffer(b'{"loss": "logistic"}', dtype=np.uint8)) writes this
  // 128-byte preamble, then the 20 bytes.
  const std::string text = "{\"loss\": \"logistic\"}";
  std::string expected("\x93NUMPY\x01\x00\x76\x00", 10);
  expected += "{'descr': '|u1', 'fortran_order': False, 'shape': (20,), }" + std::string(59, ' ') + "\n";
  expected += text;
  EXPECT_EQ(EncodeNpyText(text), expected);
  const NpyArray a = ParseNpy(EncodeNpyText(text), "t.npy");
  EXPECT_EQ(NpyText(a, "t.npy"), text);
  EXPECT_EQ(NpyText(ParseNpy(EncodeNpyText(""), "e.npy"), "e.npy"), "");
  const std::string utf8 = "λ = 1e-4, Θ";  // bytes above 127 survive
  EXPECT_EQ(NpyText(ParseNpy(EncodeNpyText(utf8), "u.npy"), "u.npy"), utf8);
  // Anything else is not text, and the error names the member.
  Vector v(2);
  v << 1, 2;
  try {
    NpyText(ParseNpy(EncodeNpy(v), "meta/x"), "meta/x");
    ADD_FAILURE() << "a float array read as text";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("meta/x: expected text"), std::string::npos) << e.what();
  }
}

TEST(NpyTest, RoundTripExactValues) {
  Matrix m(3, 2);
  m << 0.1, -0.0, 1.0 / 3.0, 5e-324, std::numeric_limits<double>::max(), -123456789.125;
  const NpyArray a = ParseNpy(EncodeNpy(m), "m.npy");
  EXPECT_EQ(a.descr, "<f8");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{3, 2}));
  const Matrix back = NpyToMatrix(a, "m.npy");
  for (Index i = 0; i < 3; ++i)
    for (Index j = 0; j < 2; ++j)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(back(i, j)), std::bit_cast<std::uint64_t>(m(i, j)));
  Vector v = Vector::LinSpaced(5, -1, 1);
  EXPECT_EQ(NpyToVector(ParseNpy(EncodeNpy(v), "v.npy"), "v.npy"), v);
}

TEST(NpyTest, HeaderVariants) {
  const std::string one = std::string(6, '\0') + "\xf0\x3f";  // 1.0 as <f8
  // Double quotes, no trailing comma, odd spacing, keys in another order.
  NpyArray a = ParseNpy(MakeNpy("{ \"shape\" :( 1 , ) ,'fortran_order':False,'descr':'<f8'}", one), "a");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{1}));
  EXPECT_EQ(a.data, (std::vector<double>{1.0}));
  // A scalar: shape ().
  a = ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", one), "s");
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.data.size(), 1u);
  // Version 2.0 (uint32 header length), Python 2 long suffix.
  a = ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1L, 1L), }", one, 2), "v2");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{1, 1}));
  // Zero-size array.
  a = ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", ""), "z");
  EXPECT_TRUE(a.data.empty());
}

TEST(NpyTest, AllDtypes) {
  struct Case {
    std::string descr, bytes;
    std::vector<double> want;
  };
  const std::vector<Case> cases = {
      {"<f4", std::string("\x00\x00\xc0\x3f", 4), {1.5}},
      {">f4", std::string("\x3f\xc0\x00\x00", 4), {1.5}},
      {">f8", std::string("\x3f\xf0\x00\x00\x00\x00\x00\x00", 8), {1.0}},
      {"|i1", std::string("\xfd\x05", 2), {-3, 5}},
      {"|u1", std::string("\xfa\x00", 2), {250, 0}},
      {"<i2", std::string("\xd4\xfe", 2), {-300}},
      {">i2", std::string("\xfe\xd4", 2), {-300}},
      {"<u2", std::string("\xe8\xfd", 2), {65000}},
      {"<i4", std::string("\x90\xee\xfe\xff", 4), {-70000}},
      {">u4", std::string("\xff\xff\xff\xff", 4), {4294967295.0}},
      {"<i8", std::string("\x00\xb0\xc6\xd8\x73\xfb\xff\xff", 8), {-5e12}},
      {">u8", std::string("\x00\x00\x00\x00\x00\x00\x01\x00", 8), {256}},
      {"|b1", std::string("\x01\x00\x02", 3), {1, 0, 1}},
  };
  for (const Case& c : cases) {
    const std::string dict = "{'descr': '" + c.descr + "', 'fortran_order': False, 'shape': (" +
                             std::to_string(c.want.size()) + ",), }";
    const NpyArray a = ParseNpy(MakeNpy(dict, c.bytes), c.descr);
    EXPECT_EQ(a.descr, c.descr);
    EXPECT_EQ(a.data, c.want) << c.descr;
  }
}

TEST(NpyTest, FortranOrderIsTransposedToCOrder) {
  std::string data;
  for (std::uint8_t v : {1, 4, 2, 5, 3, 6}) data += static_cast<char>(v);
  NpyArray a = ParseNpy(MakeNpy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", data), "f");
  EXPECT_EQ(a.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  // Rank 3: element (i, j, k) = 100i + 10j + k sits at i + 2j + 6k in Fortran order.
  std::vector<double> fdata(24), want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        fdata[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        want.push_back(100 * i + 10 * j + k);
      }
  std::string bytes = EncodeNpy(fdata.data(), {24});
  bytes = bytes.substr(128);
  a = ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", bytes), "f3");
  EXPECT_EQ(a.data, want);
}

TEST(NpyTest, BadMagic) {
  const std::string msg = ErrorOf([] { ParseNpy("PK\x03\x04 not numpy at all", "bad.npy"); });
  EXPECT_HAS(msg, "bad.npy");
  EXPECT_HAS(msg, "magic");
}

TEST(NpyTest, UnsupportedDtypes) {
  for (const char* descr : {"<c16", "<U5", "<f2", "O"}) {
    const std::string dict =
        std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (1,), }";
    const std::string msg = ErrorOf([&] { ParseNpy(MakeNpy(dict, std::string(16, '\0')), "d.npy"); });
    EXPECT_HAS(msg, "d.npy");
    EXPECT_HAS(msg, std::string("unsupported dtype '") + descr + "'");
  }
  const std::string msg = ErrorOf([] {
    ParseNpy(
        MakeNpy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')),
        "s.npy");
  });
  EXPECT_HAS(msg, "s.npy: unsupported dtype");
}

TEST(NpyTest, BadHeaders) {
  const std::string data(8, '\0');
  const auto bad = [&](const std::string& dict) {
    return ErrorOf([&] { ParseNpy(MakeNpy(dict, data), "h.npy"); });
  };
  EXPECT_HAS(bad("{'descr': '<f8', 'shape': (1,), }"), "h.npy: bad .npy header: missing key 'fortran_order'");
  EXPECT_HAS(bad("{'descr': '<f8, 'fortran_order': False}"), "h.npy: bad .npy header");
  EXPECT_HAS(bad("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}"),
             "'fortran_order' must be True or False");
  EXPECT_HAS(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}"), "h.npy: bad .npy header");
  EXPECT_HAS(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)"), "h.npy: bad .npy header");
  EXPECT_HAS(bad("not a dict"), "h.npy: bad .npy header");
  // Header length larger than the file.
  const std::string good = MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data);
  const std::string cut = good.substr(0, 40);
  EXPECT_HAS(ErrorOf([&] { ParseNpy(cut, "t.npy"); }), "t.npy: truncated .npy header");
  std::string v9 = good;
  v9[6] = 9;
  EXPECT_HAS(ErrorOf([&] { ParseNpy(v9, "v.npy"); }), "v.npy: unsupported .npy format version 9.0");
}

TEST(NpyTest, DataLengthMismatch) {
  Matrix m = Matrix::Ones(4, 3);
  const std::string good = EncodeNpy(m);
  std::string msg = ErrorOf([&] { ParseNpy(good.substr(0, good.size() - 5), "x.npy"); });
  EXPECT_HAS(msg, "x.npy: data has 91 bytes, expected 12 x 8 = 96");
  EXPECT_HAS(msg, "truncated");
  msg = ErrorOf([&] { ParseNpy(good + "extra", "x.npy"); });
  EXPECT_HAS(msg, "x.npy: data has 101 bytes, expected 12 x 8 = 96");
}

TEST(NpyTest, RankChecks) {
  const NpyArray v = ParseNpy(EncodeNpy(Vector(Vector::Ones(5))), "v");
  const std::string msg = ErrorOf([&] { NpyToMatrix(v, "X.npy"); });
  EXPECT_HAS(msg, "X.npy: expected a 2-D array (n, d), got shape (5,)");
  const NpyArray col = ParseNpy(EncodeNpy(Matrix(Matrix::Ones(5, 1))), "c");
  EXPECT_EQ(NpyToVector(col, "y.npy").size(), 5);
  const NpyArray wide = ParseNpy(EncodeNpy(Matrix(Matrix::Ones(5, 2))), "w");
  const std::string msg2 = ErrorOf([&] { NpyToVector(wide, "y.npy"); });
  EXPECT_HAS(msg2, "y.npy: expected a 1-D array");
}

TEST(NpyTest, DatasetRoundTripIsAtomicAndExact) {
  const fs::path dir = testing::ScratchDir() / "new" / "folder";
  Dataset ds;
  ds.X.resize(3, 2);
  ds.X << 0.1, 0.2, -3, 1e-300, 7, 8;
  ds.y.resize(3);
  ds.y << 1, -1, 1;
  WriteNpyDataset(dir, ds);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"X.npy", "y.npy"}));  // no temporaries left
  EXPECT_EQ(testing::ReadFileBytes(dir / "X.npy"), EncodeNpy(ds.X));
  const Dataset back = LoadNpyDataset(dir / "X.npy", dir / "y.npy");
  EXPECT_EQ(back.X, ds.X);
  EXPECT_EQ(back.y, ds.y);
  EXPECT_EQ(back.kind, LabelKind::kBinary);
  EXPECT_HAS(back.source, "X.npy");
  const Dataset real = LoadNpyDataset(dir / "X.npy", dir / "y.npy", "real");
  EXPECT_EQ(real.kind, LabelKind::kReal);
}

TEST(NpyTest, DatasetErrors) {
  const fs::path dir = testing::ScratchDir();
  WriteFile(dir / "X.npy", EncodeNpy(Matrix(Matrix::Ones(3, 2))));
  WriteFile(dir / "y.npy", EncodeNpy(Vector(Vector::Ones(4))));
  std::string msg = ErrorOf([&] { LoadNpyDataset(dir / "X.npy", dir / "y.npy"); });
  EXPECT_HAS(msg, "X.npy has 3 rows but");
  EXPECT_HAS(msg, "y.npy has 4 labels");
  WriteFile(dir / "y.npy", EncodeNpy(Vector(Vector::Zero(3))));
  msg = ErrorOf([&] { LoadNpyDataset(dir / "X.npy", dir / "y.npy", "binary"); });
  EXPECT_HAS(msg, "expected -1 or +1");
  msg = ErrorOf([&] { LoadNpyDataset(dir / "X.npy", dir / "y.npy", "bogus"); });
  EXPECT_HAS(msg, "expected binary, class or real");
  msg = ErrorOf([&] { LoadNpyDataset(dir / "missing.npy", dir / "y.npy"); });
  EXPECT_HAS(msg, "missing.npy: no such file");
}


struct BudgetScope {
  explicit BudgetScope(std::uint64_t bytes) { SetMemoryBudget(bytes); }
  ~BudgetScope() { SetMemoryBudget(0); }
};

TEST(NpyTest, HugeExtentsAreRefusedEvenWhenEmpty) {
  // (2^63, 0) holds nothing but was reported as "-9223372036854775808 rows"
  // downstream (Eigen's Index is signed); every extent must fit the budget alone.
  const auto shape = [](const std::string& s) {
    return ErrorOf([&] {
      ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': " + s + ", }", ""), "e.npy");
    });
  };
  std::string msg = shape("(9223372036854775808, 0)");
  EXPECT_HAS(msg, "e.npy: shape (9223372036854775808, 0): dimension 0 (9223372036854775808) alone, as doubles,");
  EXPECT_HAS(msg, "memory budget");
  EXPECT_EQ(msg.find("-9223372036854775808"), std::string::npos) << msg;
  EXPECT_HAS(shape("(0, 18446744073709551615)"), "dimension 1 (18446744073709551615)");
  EXPECT_HAS(shape("(4611686018427387904, 4, 0)"), "dimension 0");
  // A product that overflows, with no zero extent: a clear size error.
  EXPECT_HAS(shape("(65536, 65536, 65536, 65536, 65536)"), "expected more than 2^64");
  // Empty arrays of sensible shape still read.
  const NpyArray empty =
      ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", ""), "z.npy");
  EXPECT_EQ(empty.shape, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(NpyToMatrix(empty, "z.npy").rows(), 0);
}

TEST(NpyTest, ValuesAsDoublesMustFitTheBudget) {
  // 200,000 one-byte values are 1.6 MB as doubles.
  const std::string bytes =
      MakeNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (1000, 200), }", std::string(200000, '\1'));
  EXPECT_EQ(ParseNpy(bytes, "u.npy").data.size(), 200000u);
  BudgetScope budget(1 << 20);
  EXPECT_HAS(ErrorOf([&] { ParseNpy(bytes, "u.npy"); }), "u.npy: shape (1000, 200) as doubles would need 1.53 MiB");
}

// strchr finds the terminating NUL, so a NUL kind byte passed the dtype check as a 9-byte type
// (UBSan: shift by 64; found by fuzzing). Every unknown kind or size is refused.
TEST(NpyTest, DtypeKindsAreCheckedExactly) {
  for (const std::string& descr : {std::string("<\0" "9", 3), std::string("<\0" "8", 3), std::string("<c8"),
                                  std::string("<f9"), std::string("\0f8", 3)}) {
    const std::string e = ErrorOf([&] {
      ParseNpy(MakeNpy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (), }", std::string(9, '\0')),
               "k.npy");
    });
    EXPECT_HAS(e, "k.npy: unsupported dtype");
  }
}

TEST(NpyTest, HeaderLimits) {
  std::string dims = "(";
  for (int k = 0; k < 65; ++k) dims += "1, ";
  dims += ")";
  EXPECT_HAS(ErrorOf([&] {
               ParseNpy(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': " + dims + ", }",
                                std::string(8, '\0')),
                        "r.npy");
             }),
             "r.npy: bad .npy header: 'shape' has 65 dimensions, more than 64");
  // A version-2 header that claims (and has) 2 MiB.
  const std::string big =
      MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + std::string(2 << 20, ' '),
              std::string(8, '\0'), 2);
  EXPECT_HAS(ErrorOf([&] { ParseNpy(big, "big.npy"); }), "big.npy: .npy header of");
}

TEST(NpyTest, FinitenessHelpers) {
  Matrix m = Matrix::Ones(3, 4);
  NpyArray a = ParseNpy(EncodeNpy(m), "ok");
  EXPECT_EQ(FirstNonFinite(a), kNoFit);
  EXPECT_NO_THROW(RequireFinite(a, "W1.npy"));
  m(1, 2) = std::numeric_limits<double>::quiet_NaN();
  a = ParseNpy(EncodeNpy(m), "nan");
  EXPECT_EQ(FirstNonFinite(a), 6u);  // C order: row 1, column 2
  EXPECT_HAS(ErrorOf([&] { RequireFinite(a, "net.npz: 'W1'"); }),
             "net.npz: 'W1': element (1, 2) is nan; expected finite numbers");
  m(1, 2) = 1;
  m(2, 3) = -std::numeric_limits<double>::infinity();
  EXPECT_HAS(ErrorOf([&] { RequireFinite(ParseNpy(EncodeNpy(m), "inf"), "w"); }), "w: element (2, 3) is -inf");
}

TEST(NpyTest, DatasetRejectsNonFiniteValuesNamingTheFile) {
  const fs::path dir = testing::ScratchDir();
  Matrix X = Matrix::Ones(3, 2);
  X(2, 1) = std::numeric_limits<double>::infinity();
  WriteFile(dir / "X.npy", EncodeNpy(X));
  WriteFile(dir / "y.npy", EncodeNpy(Vector(Vector::Ones(3))));
  EXPECT_HAS(ErrorOf([&] { LoadNpyDataset(dir / "X.npy", dir / "y.npy"); }),
             (dir / "X.npy").string() + ": features: element (2, 1) is inf");
  Vector y = Vector::Ones(3);
  y(0) = std::numeric_limits<double>::quiet_NaN();
  WriteFile(dir / "X.npy", EncodeNpy(Matrix(Matrix::Ones(3, 2))));
  WriteFile(dir / "y.npy", EncodeNpy(y));
  EXPECT_HAS(ErrorOf([&] { LoadNpyDataset(dir / "X.npy", dir / "y.npy"); }),
             (dir / "y.npy").string() + ": labels: element (0,) is nan");
}

}  // namespace
}  // namespace marginlab
