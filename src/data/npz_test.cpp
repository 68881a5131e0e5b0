// Tests for the .npz reader and writer: archives written by numpy.savez
// (stored, zip64 extra fields) and numpy.savez_compressed (deflate), a round
// trip through NpzWriter, and corrupt input.
#include "marginlab/data/npz.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <cstdint>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {

std::string FromHex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// numpy 1.24: np.savez(f, **{"a": np.arange(6.0).reshape(2, 3), "init/W1": [[1.5, -2.0]],
//                            "k": np.arange(3, dtype=np.int32)})
const char* kSavez =
    "504b030414000000000000002100f0cd3b46b0000000b000000005001400612e6e707901001000b000000000000000b0"
    "00000000000000934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572"
    "273a2046616c73652c20277368617065273a2028322c2033292c207d2020202020202020202020202020202020202020"
    "20202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000000"
    "0000000000f03f0000000000000040000000000000084000000000000010400000000000001440504b03041400000000"
    "000000210075d8b17e90000000900000000b001400696e69742f57312e6e707901001000900000000000000090000000"
    "00000000934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a20"
    "46616c73652c20277368617065273a2028312c2032292c207d2020202020202020202020202020202020202020202020"
    "20202020202020202020202020202020202020202020202020202020202020202020200a000000000000f83f00000000"
    "000000c0504b03041400000000000000210002ecbda98c0000008c000000050014006b2e6e7079010010008c00000000"
    "0000008c00000000000000934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f"
    "72646572273a2046616c73652c20277368617065273a2028332c292c207d202020202020202020202020202020202020"
    "2020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000001"
    "00000002000000504b0102140314000000000000002100f0cd3b46b0000000b000000005000000000000000000000080"
    "0100000000612e6e7079504b010214031400000000000000210075d8b17e90000000900000000b000000000000000000"
    "00008001e7000000696e69742f57312e6e7079504b010214031400000000000000210002ecbda98c0000008c00000005"
    "00000000000000000000008001b40100006b2e6e7079504b050600000000030003009f000000770200000000";
// The same arrays with np.savez_compressed.
const char* kSavezCompressed =
    "504b030414000000080000002100f0cd3b4657000000b000000005001400612e6e707901001000b00000000000000057"
    "000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9366a1aea3a09e965f54529498179f5f94920a"
    "12774bcc294e058a17672416a402f91a463a0ac69a3a0ab50a64032e0614f0c11eca7080501c505a004a8b380000504b"
    "03041400000008000000210075d8b17e4f000000900000000b001400696e69742f57312e6e7079010010009000000000"
    "0000004f000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9366a1aea3a09e965f54529498179f"
    "5f94920a12774bcc294e058a17672416a402f91a863a0a469a3a0ab50a64032e0630f8610fa1190e0000504b03041400"
    "000008000000210002ecbda94c0000008c000000050014006b2e6e7079010010008c000000000000004c000000000000"
    "009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9369a2aea3a09e965f54529498179f5f94920a12774bcc294e"
    "058a17672416a402f91ac63a9a3a0ab50a14002e062060046226200600504b0102140314000000080000002100f0cd3b"
    "4657000000b0000000050000000000000000000000800100000000612e6e7079504b0102140314000000080000002100"
    "75d8b17e4f000000900000000b000000000000000000000080018e000000696e69742f57312e6e7079504b0102140314"
    "00000008000000210002ecbda94c0000008c00000005000000000000000000000080011a0100006b2e6e7079504b0506"
    "00000000030003009f0000009d0100000000";

void ExpectNumpyArrays(const std::map<std::string, NpyArray>& m) {
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.at("a").shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(m.at("a").data, (std::vector<double>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(m.at("init/W1").shape, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(m.at("init/W1").data, (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(m.at("k").data, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(m.at("k").descr, "<i4");
}

TEST(Npz, ReadsNumpySavez) { ExpectNumpyArrays(ParseNpz(FromHex(kSavez), "savez.npz")); }

TEST(Npz, ReadsNumpySavezCompressed) {
  ExpectNumpyArrays(ParseNpz(FromHex(kSavezCompressed), "savez_compressed.npz"));
}

TEST(Npz, WriterRoundTripsAndIsDeterministic) {
  const auto dir = testing::ScratchDir();
  Matrix W(2, 3);
  W << 1, 2, 3, 4, 5, 6;
  NpzWriter w;
  w.Add("init/W1", W);
  w.Add("final/W2", Vector(Vector::Constant(4, -0.25)));
  const double cube[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  w.Add("t", cube, {2, 2, 2});
  w.Write(dir / "p.npz");
  const auto m = ReadNpz(dir / "p.npz");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(NpyToMatrix(m.at("init/W1"), "W1"), W);  // row-major on disk, (out, in) shape
  EXPECT_EQ(m.at("init/W1").data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(m.at("final/W2").shape, (std::vector<std::size_t>{4}));
  EXPECT_EQ(m.at("t").shape, (std::vector<std::size_t>{2, 2, 2}));
  EXPECT_EQ(w.Encode(), w.Encode());
  EXPECT_EQ(testing::ReadFileBytes(dir / "p.npz"), w.Encode());
}

TEST(Npz, TextMembersRoundTrip) {
  NpzWriter w;
  w.Add("final/W1", Matrix(Matrix::Identity(2, 2)));
  w.AddText("meta/objective", "{\"lambda\": 0.0001, \"loss\": \"logistic\"}");
  const auto m = ParseNpz(w.Encode(), "net.npz");
  EXPECT_EQ(m.at("meta/objective").descr, "|u1");
  EXPECT_EQ(NpyText(m.at("meta/objective"), "net.npz: meta/objective"), "{\"lambda\": 0.0001, \"loss\": \"logistic\"}");
  EXPECT_THROW(NpyText(m.at("final/W1"), "net.npz: final/W1"), InputError);
}

TEST(Npz, RejectsCorruptArchives) {
  std::string bytes = FromHex(kSavez);
  EXPECT_THROW(ParseNpz("not a zip file at all, definitely", "x.npz"), InputError);
  EXPECT_THROW(ParseNpz(bytes.substr(0, bytes.size() / 2), "half.npz"), InputError);
  bytes[200] ^= 0x5a;  // inside the first member's data
  try {
    ParseNpz(bytes, "flipped.npz");
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("flipped.npz"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ReadNpz("/nonexistent/file.npz"), InputError);
}


// --- Hostile archives (issue 18) ----------------------------------------------

void Put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string RawDeflate(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
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

// A one-member zip archive whose central directory declares `csize`, `usize`
// (with a zip64 extra field when either needs 64 bits) and the local header
// at offset 0; `data` follows the local header as is.
std::string OneMemberZip(const std::string& data, int method, std::uint64_t csize, std::uint64_t usize,
                         std::uint32_t crc = 0, std::uint16_t local_name_len = 5) {
  const std::string name = "a.npy";
  const bool z64 = csize >= 0xFFFFFFFF || usize >= 0xFFFFFFFF;
  std::string out;
  Put(out, 0x04034b50, 4), Put(out, 20, 2), Put(out, 0, 2), Put(out, method, 2), Put(out, 0, 4);
  Put(out, crc, 4), Put(out, data.size(), 4), Put(out, data.size(), 4);
  Put(out, local_name_len, 2), Put(out, 0, 2);
  out += name + data;
  const std::size_t cd = out.size();
  std::string extra;
  if (z64) Put(extra, 1, 2), Put(extra, 16, 2), Put(extra, usize, 8), Put(extra, csize, 8);
  Put(out, 0x02014b50, 4), Put(out, 45, 2), Put(out, 45, 2), Put(out, 0, 2), Put(out, method, 2), Put(out, 0, 4);
  Put(out, crc, 4), Put(out, z64 ? 0xFFFFFFFF : csize, 4), Put(out, z64 ? 0xFFFFFFFF : usize, 4);
  Put(out, name.size(), 2), Put(out, extra.size(), 2), Put(out, 0, 2), Put(out, 0, 2), Put(out, 0, 2);
  Put(out, 0, 4), Put(out, 0, 4);
  out += name + extra;
  const std::size_t cd_size = out.size() - cd;
  Put(out, 0x06054b50, 4), Put(out, 0, 4), Put(out, 1, 2), Put(out, 1, 2), Put(out, cd_size, 4), Put(out, cd, 4);
  Put(out, 0, 2);
  return out;
}

// The InputError message of ParseNpz(bytes, name); fails the test on any other outcome.
std::string NpzError(const std::string& bytes, const std::string& name) {
  try {
    ParseNpz(bytes, name);
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an InputError: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error";
  return "";
}

std::uint64_t PeakRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024;
}

struct BudgetScope {
  explicit BudgetScope(std::uint64_t bytes) { SetMemoryBudget(bytes); }
  ~BudgetScope() { SetMemoryBudget(0); }
};

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST(Npz, Zip64RecordOffsetsCannotWrap) {
  // The 42-byte file: a zip64 locator pointing near 2^64 and an end record that
  // defers to it. `pos + 4 > size` wrapped and read before the buffer.
  for (std::uint64_t z64 : {~std::uint64_t{0}, ~std::uint64_t{0} - 3, std::uint64_t{1} << 63, std::uint64_t{43}}) {
    std::string b;
    Put(b, 0x07064b50, 4), Put(b, 0, 4), Put(b, z64, 8), Put(b, 1, 4);
    Put(b, 0x06054b50, 4), Put(b, 0, 4), Put(b, 0xFFFF, 2), Put(b, 0xFFFF, 2), Put(b, 0xFFFFFFFF, 4);
    Put(b, 0xFFFFFFFF, 4), Put(b, 0, 2);
    ASSERT_EQ(b.size(), 42u);
    EXPECT_HAS(NpzError(b, "z64.npz"), "z64.npz: truncated or corrupt zip archive");
  }
  // A valid zip64 end record whose central directory offset is near 2^64.
  std::string b;
  Put(b, 0x06064b50, 4), Put(b, 44, 8), Put(b, 45, 2), Put(b, 45, 2), Put(b, 0, 8);
  Put(b, 1, 8), Put(b, 1, 8), Put(b, 46, 8), Put(b, ~std::uint64_t{0} - 1, 8);
  Put(b, 0x07064b50, 4), Put(b, 0, 4), Put(b, 0, 8), Put(b, 1, 4);
  Put(b, 0x06054b50, 4), Put(b, 0, 4), Put(b, 0xFFFF, 2), Put(b, 0xFFFF, 2), Put(b, 0xFFFFFFFF, 4);
  Put(b, 0xFFFFFFFF, 4), Put(b, 0, 2);
  EXPECT_HAS(NpzError(b, "cd.npz"), "cd.npz: truncated or corrupt zip archive");
}

TEST(Npz, MemberDataRangeCannotWrap) {
  // The local header's name length puts the data past the end of the file and
  // csize (zip64) brings data_pos + csize back round to 0: substr threw
  // std::out_of_range, which named no file.
  const std::uint16_t name_len = 1000;
  const std::uint64_t data_pos = 30 + name_len;
  const std::string b = OneMemberZip("", 0, ~data_pos + 1, 1, 0, name_len);
  ASSERT_LT(b.size(), data_pos);
  EXPECT_HAS(NpzError(b, "wrap.npz"), "wrap.npz: member 'a.npy': truncated data");
  // csize just past the end, without wrapping.
  EXPECT_HAS(NpzError(OneMemberZip("abc", 0, 1000, 1000), "short.npz"), "short.npz: member 'a.npy': truncated data");
}

TEST(Npz, DeclaredSizeIsCheckedAndNeverTrusted) {
  // 1 MiB of zeros deflates to about 1 KB; the directory claims 4 GiB + 4 bytes.
  const std::string deflated = RawDeflate(std::string(1 << 20, '\0'));
  ASSERT_LT(deflated.size(), 4096u);
  const std::uint64_t claimed = (std::uint64_t{1} << 32) + 4;
  const std::string bomb = OneMemberZip(deflated, 8, deflated.size(), claimed);
  {
    BudgetScope budget(std::uint64_t{1} << 30);
    const std::string msg = NpzError(bomb, "bomb.npz");
    EXPECT_HAS(msg, "bomb.npz: member 'a.npy': its declared uncompressed size of 4294967300 bytes would need");
    EXPECT_HAS(msg, "memory budget");
  }
  {
    // A budget that admits the claim: inflation still only allocates what arrives.
    BudgetScope budget(std::uint64_t{1} << 40);
    const std::uint64_t before = PeakRssBytes();
    const std::string msg = NpzError(bomb, "bomb.npz");
    EXPECT_HAS(msg, "bomb.npz: member 'a.npy': corrupt archive: the member inflates to 1048576 bytes, its zip "
                    "directory entry declares 4294967300");
    EXPECT_LT(PeakRssBytes(), before + (std::uint64_t{256} << 20));
  }
  // Declaring less than the stream holds stops at the declared size.
  EXPECT_HAS(NpzError(OneMemberZip(deflated, 8, deflated.size(), 1000), "more.npz"),
             "more.npz: member 'a.npy': inflates to more than the 1000 bytes");
  // Corrupt deflate data and a stream cut short.
  EXPECT_HAS(NpzError(OneMemberZip(std::string(64, '\xff'), 8, 64, 100), "bad.npz"),
             "bad.npz: member 'a.npy': corrupt deflate data");
  EXPECT_HAS(NpzError(OneMemberZip(deflated.substr(0, deflated.size() / 2), 8, deflated.size() / 2, 1 << 20),
                      "cut.npz"),
             "cut.npz: member 'a.npy': corrupt deflate data (truncated");
}

TEST(Npz, MembersMustFitTheBudgetTogether) {
  NpzWriter w;
  for (int k = 0; k < 10; ++k) w.Add("m" + std::to_string(k), Vector(Vector::Constant(10000, 1.0)));
  const std::string bytes = w.Encode();
  EXPECT_EQ(ParseNpz(bytes, "ten.npz").size(), 10u);
  BudgetScope budget(500 << 10);  // each member: 80 KB of bytes, then 80 KB of doubles
  EXPECT_HAS(NpzError(bytes, "ten.npz"), "with the members before it");
}

TEST(Npz, DuplicateMembersAreAnError) {
  NpzWriter w;
  w.Add("a", Vector(Vector::Constant(2, 1.0)));
  w.Add("b", Vector(Vector::Constant(2, 2.0)));
  std::string bytes = w.Encode();
  for (std::size_t at = bytes.find("b.npy"); at != std::string::npos; at = bytes.find("b.npy")) bytes[at] = 'a';
  EXPECT_HAS(NpzError(bytes, "dup.npz"), "dup.npz: member 'a.npy': appears twice");
  EXPECT_THROW(w.Add("a", Vector(Vector::Constant(2, 1.0))), InternalError);
}

TEST(Npz, EveryCorruptionIsAnInputErrorNamingTheFile) {
  // Every truncation and every single-byte change of the two numpy archives:
  // an InputError naming the file, or a successful read — never another exception.
  for (const char* hex : {kSavez, kSavezCompressed}) {
    const std::string good = FromHex(hex);
    std::vector<std::string> variants;
    for (std::size_t len = 0; len < good.size(); ++len) variants.push_back(good.substr(0, len));
    for (std::size_t i = 0; i < good.size(); ++i)
      for (int x : {0x01, 0x80, 0xff}) {
        std::string v = good;
        v[i] = static_cast<char>(v[i] ^ x);
        variants.push_back(std::move(v));
      }
    for (const std::string& v : variants) {
      try {
        ParseNpz(v, "m.npz");
      } catch (const InputError& e) {
        ASSERT_EQ(std::string(e.what()).rfind("m.npz", 0), 0u) << e.what();
      } catch (const std::exception& e) {
        FAIL() << "not an InputError: " << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace marginlab
