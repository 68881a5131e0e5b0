// The zlib wrapper on its own: the CRC-32 check value, gzip round trips (one and two members,
// read in pieces), raw deflate ending mid-input, and the errors the readers rely on.
#include "data/zlib_stream.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/error.hpp"

namespace marginlab::zlib_io {
namespace {

TEST(ZlibStream, Crc32CheckValue) { EXPECT_EQ(Crc32("123456789"), 0xCBF43926u); }  // ISO 3309 check value

TEST(ZlibStream, GzipRoundTripInPiecesAndTwoMembers) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i * 7919 % 1000) + ",";
  const std::string gz = GzipCompress(text, "t");
  EXPECT_TRUE(IsGzip(gz));
  EXPECT_EQ(GzipCompress(text, "t"), gz);  // deterministic bytes
  InflateStream s(gz, Format::kGzip, "t.gz");
  std::string out;
  s.Read(out, 10);
  EXPECT_EQ(out, text.substr(0, 10));
  EXPECT_EQ(s.Skip(100), 100u);
  s.Read(out, text.size());  // asks for more than there is: stops at the end
  EXPECT_TRUE(s.ended());
  EXPECT_EQ(out, text.substr(0, 10) + text.substr(110));
  EXPECT_EQ(s.produced(), text.size());
  const std::string concatenated = gz + gz;  // the stream reads from a view: the bytes must outlive it
  InflateStream two(concatenated, Format::kGzip, "two.gz");  // as gzip -d reads concatenated members
  std::string both;
  two.Read(both, 3 * text.size());
  EXPECT_EQ(both, text + text);
}

TEST(ZlibStream, ErrorsNameTheStream) {
  const std::string gz = GzipCompress(std::string(1000, 'a'), "t");
  auto read_all = [](std::string_view in, Format f) {
    InflateStream s(in, f, "x.gz");
    std::string out;
    s.Read(out, 1 << 20);
  };
  auto message = [&](std::string_view in, Format f) {
    try {
      read_all(in, f);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(gz.substr(0, gz.size() / 2), Format::kGzip).rfind("x.gz: truncated gzip stream", 0), 0u);
  EXPECT_EQ(message(gz + "junk", Format::kGzip), "x.gz: 4 trailing bytes after the end of the gzip stream");
  EXPECT_EQ(message(std::string(64, '\xff'), Format::kRawDeflate).rfind("x.gz: corrupt deflate data (", 0), 0u);
}

}  // namespace
}  // namespace marginlab::zlib_io
