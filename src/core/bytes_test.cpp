// ByteWriter/ByteReader round trips exactly (NaN, ±inf, subnormals, empty shapes) and refuse
// bytes that end early; Hash128 sees every byte and the shape.
#include "marginlab/core/bytes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace {

TEST(Bytes, RoundTripIsExact) {
  Matrix m(2, 3);
  m << 1.5, -0.0, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::infinity(),
      std::nan(""), 1e300;
  Vector v(2);
  v << -3, 0.1;
  ByteWriter w;
  w.Long(-7), w.Double(0.1), w.Text(std::string("a\0b", 3)), w.Mat(m), w.Vec(v), w.Mat(Matrix(0, 4)), w.Vec(Vector());
  ByteReader r(w.bytes());
  EXPECT_EQ(r.Long(), -7);
  EXPECT_EQ(r.Double(), 0.1);
  EXPECT_EQ(r.Text(), std::string("a\0b", 3));
  const Matrix m2 = r.Mat();
  ASSERT_EQ(m2.rows(), 2);
  ASSERT_EQ(m2.cols(), 3);
  EXPECT_EQ(std::memcmp(m2.data(), m.data(), sizeof(double) * 6), 0);  // NaN and -0 bit for bit
  EXPECT_EQ(r.Vec(), v);
  EXPECT_EQ(r.Mat().cols(), 4);
  EXPECT_EQ(r.Vec().size(), 0);
  EXPECT_TRUE(r.AtEnd());
  EXPECT_THROW(r.Long(), InternalError);
}

TEST(Bytes, TruncatedOrImpossibleLengthsAreRefused) {
  ByteWriter w;
  w.Mat(Matrix::Ones(3, 3));
  const std::string cut = w.bytes().substr(0, w.bytes().size() - 1);
  ByteReader r(cut);
  EXPECT_THROW(r.Mat(), InternalError);
  ByteWriter big;
  big.Long(1L << 40);  // a vector "length" no buffer holds
  ByteReader rb(big.bytes());
  EXPECT_THROW(rb.Vec(), InternalError);
}

TEST(Bytes, HashSeesEveryByteAndTheShape) {
  Matrix a = Matrix::Zero(2, 3);
  Hash128 h0, h1, h2;
  h0.Add(a);
  a(1, 2) = std::nextafter(0.0, 1.0);
  h1.Add(a);
  h2.Add(Matrix(Matrix::Zero(3, 2)));
  EXPECT_NE(h0.Hex(), h1.Hex());
  EXPECT_NE(h0.Hex(), h2.Hex());
  EXPECT_EQ(h0.Hex().size(), 32u);
}

}  // namespace
}  // namespace marginlab
