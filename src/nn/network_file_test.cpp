// The saved-network format: round trip of layers, meta/ and the objective; every malformed
// member named in the error.
#include "marginlab/nn/network_file.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::nn {
namespace {

// InputError whose message contains every one of `parts`.
template <class F>
void ExpectInputError(F&& f, std::initializer_list<const char*> parts) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    for (const char* p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

Weights<double> Random(Rng& rng, const std::vector<Index>& dims) {
  Weights<double> W;
  for (std::size_t k = 0; k + 1 < dims.size(); ++k) W.push_back(rng.NormalMatrix(dims[k + 1], dims[k]));
  return W;
}

TEST(NetworkFile, RoundTripsLayersMetaAndTheObjective) {
  const auto dir = testing::ScratchDir();
  Rng rng(5);
  const std::vector<Index> dims = {4, 6, 5, 2};
  const std::vector<Weights<double>> init = {Random(rng, dims)};
  const std::vector<Weights<double>> final = {Random(rng, dims), Random(rng, dims), Random(rng, dims)};
  NetworkFileWriter w(dims, 0.25, true);
  w.AddLayers("init", init);
  w.AddLayers("final", final);
  const SavedObjective o{"cross-entropy", 1.0 / 3.0, 2.5, "ntk", "teacher:d=4,n=30", "test"};
  w.SetObjective(o);
  w.Extra().Add("extra", Vector(Vector::Ones(3)));
  w.Write(dir / "net.npz");

  const NetworkFile f = NetworkFile::Read(dir / "net.npz");
  EXPECT_TRUE(f.Has("init") && f.Has("final"));
  EXPECT_FALSE(f.Has("") || f.Has("net"));
  EXPECT_EQ(f.Depth("final"), 3);
  EXPECT_EQ(f.Trials("init"), 1);
  EXPECT_EQ(f.Trials("final"), 3);
  EXPECT_EQ(f.output_scale(), 0.25);
  EXPECT_TRUE(f.frozen_output());
  EXPECT_EQ(*f.dims(), dims);
  for (long t = 0; t < 3; ++t) EXPECT_EQ(f.Layers("final", t), final[t]);  // bitwise
  EXPECT_EQ(f.Layers("init", 0), init[0]);
  ASSERT_TRUE(f.objective().has_value());
  const SavedObjective& r = *f.objective();
  EXPECT_EQ(r.loss, o.loss);
  EXPECT_EQ(r.lambda, o.lambda);  // exactly: JSON numbers round-trip
  EXPECT_EQ(r.reg_power, 2.5);
  EXPECT_EQ(r.scaling, "ntk");
  EXPECT_EQ(r.data, o.data);
  EXPECT_EQ(r.written_by, "test");
  ExpectInputError([&] { f.Layers("final", 3); }, {"net.npz", "trial 3", "holds 3 trial(s)"});
  ExpectInputError([&] { f.Layers("init", 1); }, {"trial 1", "holds 1 trial(s)"});
  ExpectInputError([&] { f.Layers("best", 0); }, {"net.npz", "no member 'best/W1'", "it holds final/W1…W3, init/W1…W3"});
}

TEST(NetworkFile, AFileWithoutMetaOrObjectiveReads) {
  const auto dir = testing::ScratchDir();
  NpzWriter w;
  w.Add("W1", Matrix(Matrix::Ones(3, 2)));
  w.Add("W2", Matrix(Matrix::Ones(1, 3)));
  w.Write(dir / "bare.npz");
  const NetworkFile f = NetworkFile::Read(dir / "bare.npz");
  EXPECT_TRUE(f.Has(""));
  EXPECT_EQ(f.Depth(""), 2);
  EXPECT_FALSE(f.objective().has_value());
  EXPECT_FALSE(f.dims().has_value());
  EXPECT_EQ(f.output_scale(), 1.0);
  EXPECT_FALSE(f.frozen_output());
  EXPECT_EQ(f.Layers("", 0)[1], Matrix(Matrix::Ones(1, 3)));
  EXPECT_EQ(f.Contents(), "it holds W1…W2");
}

TEST(NetworkFile, MalformedMembersAreNamed) {
  const auto dir = testing::ScratchDir();
  const Matrix W1 = Matrix::Ones(3, 2), W2 = Matrix::Ones(1, 3);
  auto write = [&](const std::string& name, auto&& add) {
    NpzWriter w;
    w.Add("final/W1", W1);
    w.Add("final/W2", W2);
    add(w);
    w.Write(dir / name);
    return dir / name;
  };
  const auto not_json = write("a.npz", [](NpzWriter& w) { w.AddText("meta/objective", "{loss: logistic"); });
  ExpectInputError([&] { NetworkFile::Read(not_json); }, {"a.npz", "meta/objective", "JSON object"});
  const auto no_loss = write("b.npz", [](NpzWriter& w) { w.AddText("meta/objective", R"({"lambda": 0.1})"); });
  ExpectInputError([&] { NetworkFile::Read(no_loss); }, {"b.npz", "no 'loss'"});
  const auto neg = write("c.npz", [](NpzWriter& w) {
    w.AddText("meta/objective", R"({"loss": "logistic", "lambda": -1})");
  });
  ExpectInputError([&] { NetworkFile::Read(neg); }, {"c.npz", "'lambda' must be >= 0"});
  const auto text_lambda = write("d.npz", [](NpzWriter& w) {
    w.AddText("meta/objective", R"({"loss": "logistic", "lambda": "0.1"})");
  });
  ExpectInputError([&] { NetworkFile::Read(text_lambda); }, {"d.npz", "'lambda' must be a finite number"});
  const auto numeric = write("e.npz", [](NpzWriter& w) { w.Add("meta/objective", Vector(Vector::Ones(2))); });
  ExpectInputError([&] { NetworkFile::Read(numeric); }, {"e.npz", "meta/objective"});
  const auto scale = write("f.npz", [](NpzWriter& w) { w.Add("meta/output_scale", Vector(Vector::Zero(1))); });
  ExpectInputError([&] { NetworkFile::Read(scale); }, {"f.npz", "meta/output_scale", "> 0"});
  const auto dims = write("g.npz", [](NpzWriter& w) { w.Add("meta/dims", Vector((Vector(3) << 2, 4, 1).finished())); });
  ExpectInputError([&] { NetworkFile::Read(dims).Layers("final", 0); }, {"g.npz", "meta/dims does not match"});
  const auto nan = write("h.npz", [](NpzWriter& w) {
    Matrix W3 = Matrix::Ones(1, 1);
    W3(0, 0) = std::numeric_limits<double>::quiet_NaN();
    w.Add("final/W3", W3);
  });
  ExpectInputError([&] { NetworkFile::Read(nan).Layers("final", 0); },
                   {"h.npz", "'final/W3'", "NaN or infinite weights"});
  const auto mixed = write("i.npz", [&](NpzWriter& w) {
    std::vector<double> two(2 * 3 * 2, 1.0);
    w.Add("init/W1", two.data(), {2, 3, 2});
    w.Add("init/W2", W2);
  });
  ExpectInputError([&] { NetworkFile::Read(mixed).Trials("init"); }, {"i.npz", "'init/W2' holds 1 trials"});
  const auto rank = write("j.npz", [](NpzWriter& w) { w.Add("net/W1", Vector(Vector::Ones(3))); });
  ExpectInputError([&] { NetworkFile::Read(rank).Layers("net", 0); }, {"j.npz", "'net/W1' must be 2-D"});
}

}  // namespace
}  // namespace marginlab::nn
