// Tests for the .npz reader and writer: archives written by numpy.savez
// (stored, zip64 extra fields) and numpy.savez_compressed (deflate), a round
// trip through NpzWriter, and corrupt input.
#include "marginlab/data/npz.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/error.hpp"
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

}  // namespace
}  // namespace marginlab
