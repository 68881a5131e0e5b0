#include "marginlab/core/params.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace marginlab {
namespace {

struct DemoOptions {
  long n = 10;
  double rate = 0.5;
  bool flag = false;
  std::string name = "a";
  unsigned long seed = 0;
  template <class V>
  void Fields(V& v) {
    v("n", n, "count");
    v("rate", rate, "a rate");
    v("flag", flag, "a flag");
    v("name", name, "a name");
    v("seed", seed, "seed");
  }
  std::string Validate() const { return n > 0 ? "" : "n must be positive"; }
};

std::string ErrorOf(const std::string& spec) {
  DemoOptions o;
  try {
    ApplyParams(ParamMap::Parse(spec, "demo"), o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Params, ParsesAndApplies) {
  DemoOptions o;
  ApplyParams(ParamMap::Parse(" n = 3, rate=1e-3,flag=true,name=xyz,seed=18446744073709551615", "demo"), o);
  EXPECT_EQ(o.n, 3);
  EXPECT_DOUBLE_EQ(o.rate, 1e-3);
  EXPECT_TRUE(o.flag);
  EXPECT_EQ(o.name, "xyz");
  EXPECT_EQ(o.seed, 18446744073709551615ULL);
}

TEST(Params, EmptySpecKeepsDefaults) {
  DemoOptions o;
  ApplyParams(ParamMap::Parse("", "demo"), o);
  EXPECT_EQ(o.n, 10);
}

TEST(Params, ErrorsNameContextParameterAndExpectation) {
  EXPECT_NE(ErrorOf("n=12x").find("demo: parameter 'n': expected an integer, got '12x'"), std::string::npos);
  EXPECT_NE(ErrorOf("rate=fast").find("expected a finite number"), std::string::npos);
  EXPECT_NE(ErrorOf("rate=inf").find("expected a finite number"), std::string::npos);
  EXPECT_NE(ErrorOf("flag=maybe").find("expected true or false"), std::string::npos);
  EXPECT_NE(ErrorOf("seed=-1").find("non-negative"), std::string::npos);
  EXPECT_NE(ErrorOf("bogus=1").find("unknown parameter 'bogus' (expected one of: n rate flag name seed)"),
            std::string::npos);
  EXPECT_NE(ErrorOf("n=0").find("demo: n must be positive"), std::string::npos);
  EXPECT_NE(ErrorOf("n=1,n=2").find("given twice"), std::string::npos);
  EXPECT_NE(ErrorOf("n").find("expected key=value"), std::string::npos);
}

TEST(Params, DescribeAndRoundTrip) {
  const auto fields = DescribeFields(DemoOptions{});
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[1].name, "rate");
  EXPECT_EQ(fields[1].default_value, "0.5");
  EXPECT_EQ(ToParamMap(DemoOptions{}).ToString(), "n=10,rate=0.5,flag=false,name=a,seed=0");
}

TEST(Params, FormatDoubleRoundTrips) {
  for (double v : {0.1, 1.0 / 3.0, 1e-300, -2.5e17, 123456789.125}) {
    EXPECT_EQ(ParseDouble(FormatDouble(v), "v"), v);
  }
}

TEST(Params, OneSignAtMost) {
  EXPECT_EQ(ParseInt("+5", "n"), 5);
  EXPECT_EQ(ParseInt("-5", "n"), -5);
  EXPECT_EQ(ParseUInt("+3", "seed"), 3u);
  for (const char* bad : {"+-5", "-+5", "++5", "--5", "+", "-"}) {
    EXPECT_THROW(ParseInt(bad, "n"), InputError) << bad;
    EXPECT_THROW(ParseUInt(bad, "seed"), InputError) << bad;
  }
  EXPECT_THROW(ParseUInt("-3", "seed"), InputError);
  EXPECT_THROW(ParseInt("9223372036854775808", "n"), InputError);  // out of range
}

}  // namespace
}  // namespace marginlab

namespace marginlab {
namespace {
TEST(Params, JoinWordsMakesChoiceLists) {
  EXPECT_EQ(JoinWords({"auto", "exact", "bnb", "ascent"}), "auto, exact, bnb or ascent");
  EXPECT_EQ(JoinWords({"a", "b"}, " | ", " | "), "a | b");
  EXPECT_EQ(JoinWords({"only"}), "only");
  EXPECT_EQ(JoinWords({}), "");
}

// A field's choice list (the fourth argument of the Fields visitor) reaches its doc and
// FieldInfo::choices; parsing ignores it (Validate checks membership).
struct ChoiceOptions {
  std::string mode = "fast", kind = "x";
  long k = 1;
  static const std::vector<std::string>& Modes() {
    static const std::vector<std::string> m = {"fast", "exact"};
    return m;
  }
  template <class V>
  void Fields(V& v) {
    v("mode", mode, "how to solve", Modes());
    v("kind", kind, "{choices} (y: slow)", std::vector<std::string>{"x", "y"});
    v("k", k, "a count");
  }
  std::string Validate() const { return mode == "fast" || mode == "exact" ? "" : "mode: expected fast or exact"; }
};

TEST(Params, ChoiceListsReachTheDocAndNotTheParser) {
  const auto f = DescribeFields(ChoiceOptions{});
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].doc, "how to solve: fast | exact");
  EXPECT_EQ(f[0].choices, ChoiceOptions::Modes());
  EXPECT_EQ(f[1].doc, "x | y (y: slow)");
  EXPECT_TRUE(f[2].choices.empty());
  EXPECT_EQ(f[2].doc, "a count");
  EXPECT_EQ(DocWithChoices("", {"a", "b"}), "a | b");
  ChoiceOptions o;
  ApplyParams(ParamMap::Parse("mode=exact,kind=y", "demo"), o);
  EXPECT_EQ(o.mode, "exact");
  EXPECT_EQ(o.kind, "y");
  try {
    ApplyParams(ParamMap::Parse("mode=slow", "demo"), o);
    ADD_FAILURE() << "mode=slow was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "demo: mode: expected fast or exact");
  }
}
}  // namespace
}  // namespace marginlab
