// The registry of data sources and the resolution of a `--data` argument
// (see source.hpp). To add a generator or reader: write its Options struct
// with Fields()/Validate() and add one entry to DataSources() below.
#include "marginlab/data/source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "marginlab/core/error.hpp"
#include "marginlab/data/csv.hpp"
#include "marginlab/data/idx.hpp"
#include "marginlab/data/line1d.hpp"
#include "marginlab/data/linear.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/teacher.hpp"
#include "marginlab/data/wei_d.hpp"
#include "marginlab/data/xor.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {

// Makes a DataSource from an Options type and the function that uses it.
template <class Opts, class Fn>
DataSource Entry(std::string name, std::string kind, std::string summary, Fn fn) {
  DataSource s;
  s.name = std::move(name);
  s.kind = std::move(kind);
  s.summary = std::move(summary);
  s.params = DescribeFields(Opts{});
  s.load = [fn](const ParamMap& params) {
    Opts opts;
    ApplyParams(params, opts);
    return fn(opts);
  };
  s.check = [](const ParamMap& params) {
    Opts opts;
    ApplyParams(params, opts);  // parse and Validate() (sizes against the budget), no data
  };
  return s;
}

struct NpyPairOptions {
  std::string dir, x, y, labels = "auto";
  template <class V>
  void Fields(V& v) {
    v("dir", dir, "folder holding X.npy and y.npy");
    v("x", x, "features file (n×d), instead of dir");
    v("y", y, "labels file (n), instead of dir");
    v("labels", labels, "label kind: auto, binary, class or real");
  }
  std::string Validate() const {
    if (dir.empty() == (x.empty() || y.empty()))
      return "give either dir=FOLDER or both x=X.npy and y=y.npy";
    return "";
  }
};

struct FashionMnistOptions {
  std::string split = "train";
  std::string classes, pair;
  long limit = 0;
  template <class V>
  void Fields(V& v) {
    v("split", split, "train (60000 images) or test (10000 images)");
    v("classes", classes, "keep only these classes, separated by ';'");
    v("pair", pair, "binary task a/b: classes a -> +1, b -> -1");
    v("limit", limit, "keep the first N examples after filtering (0 = all)");
  }
  std::string Validate() const {
    if (split != "train" && split != "test") return "split must be train or test, got '" + split + "'";
    return "";
  }
};

Dataset LoadNpyPair(const NpyPairOptions& o) {
  if (!o.dir.empty()) return LoadNpyDataset(fs::path(o.dir) / "X.npy", fs::path(o.dir) / "y.npy", o.labels);
  return LoadNpyDataset(o.x, o.y, o.labels);
}

Dataset LoadFashionMnist(const FashionMnistOptions& o) {
  const std::string prefix = o.split == "train" ? "train" : "t10k";
  IdxOptions idx;
  idx.images = std::string(kFashionMnistDir) + "/" + prefix + "-images-idx3-ubyte.gz";
  idx.labels = std::string(kFashionMnistDir) + "/" + prefix + "-labels-idx1-ubyte.gz";
  ML_REQUIRE(fs::exists(idx.images))
      << "fashion-mnist: " << idx.images
      << " not found; install Debian's dataset-fashion-mnist package (scripts/setup does)";
  idx.classes = o.classes;
  idx.pair = o.pair;
  idx.limit = o.limit;
  return LoadIdxDataset(idx);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A file that is not CSV by name: IDX if its name says so or it starts with
// gzip or IDX magic bytes.
bool LooksLikeIdx(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.find("idx") != std::string::npos || EndsWith(name, "-ubyte") || EndsWith(name, "-ubyte.gz"))
    return true;
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[3] = {0, 0, 0};
  in.read(reinterpret_cast<char*>(magic), 3);
  if (in.gcount() < 3) return false;
  if (magic[0] == 0x1f && magic[1] == 0x8b) return true;
  return magic[0] == 0 && magic[1] == 0 && (magic[2] == 0x08 || magic[2] == 0x09 || magic[2] >= 0x0B);
}

Dataset LoadPath(const fs::path& path, const std::string& what) {
  if (fs::is_directory(path)) {
    ML_REQUIRE(fs::exists(path / "X.npy") && fs::exists(path / "y.npy"))
        << what << " '" << path.string() << "': a data folder must hold X.npy and y.npy";
    return LoadNpyDataset(path / "X.npy", path / "y.npy");
  }
  const std::string ext = path.extension().string();
  if (ext == ".npy")
    throw InputError(what + " '" + path.string() +
                     "': a .npy file holds one array; pass the folder holding X.npy and y.npy, "
                     "or npy:x=X.npy,y=y.npy");
  if (ext == ".npz") return LoadNpzDataset(path);
  if (ext == ".csv" || ext == ".tsv" || ext == ".txt") {
    CsvOptions o;
    o.path = path.string();
    if (ext == ".tsv") o.delimiter = "tab";
    return LoadCsvDataset(o);
  }
  if (LooksLikeIdx(path)) {
    IdxOptions o;
    o.images = path.string();
    return LoadIdxDataset(o);
  }
  CsvOptions o;
  o.path = path.string();
  return LoadCsvDataset(o);
}

}  // namespace

const std::vector<DataSource>& DataSources() {
  static const std::vector<DataSource> sources = {
      Entry<WeiDOptions>("wei-d", "generator", "Wei et al. eq. (2.1): signal in x1, x2; d-2 noise bits",
                         GenerateWeiD),
      Entry<XorOptions>("xor", "generator", "noisy 2-XOR (Ji §3.2.1): x ~ unif{±1}^d, y = x1 x2",
                        GenerateXor),
      Entry<TeacherOptions>("teacher", "generator",
                            "random two-layer ReLU teacher with k units (Wei et al. F.1-F.3)",
                            GenerateTeacher),
      Entry<Line1dOptions>("line1d", "generator",
                           "one-dimensional points with a bias coordinate (Wei et al. F.4)",
                           GenerateLine1d),
      Entry<LinearOptions>("linear", "generator",
                           "linearly separable: y = sign(u*.x) with |u*.x| >= margin, x on the sphere",
                           GenerateLinear),
      Entry<CsvOptions>("csv", "reader", "CSV file, one example per line", LoadCsvDataset),
      Entry<IdxOptions>("idx", "reader", "IDX (MNIST format) images and labels, raw or .gz",
                        LoadIdxDataset),
      Entry<NpyPairOptions>("npy", "reader", "NumPy X.npy (n×d) and y.npy (n)", LoadNpyPair),
      Entry<FashionMnistOptions>("fashion-mnist", "reader",
                                 "Fashion-MNIST from Debian's dataset-fashion-mnist package",
                                 LoadFashionMnist),
  };
  return sources;
}

namespace {
// The source a spec names, with its parameters in *params; nullptr for an existing path.
// Throws InputError for an empty argument or an unknown name.
const DataSource* Resolve(const std::string& arg, const std::string& what, ParamMap* params) {
  ML_REQUIRE(!arg.empty()) << what << ": expected a generator spec, a file or a folder, got ''";
  std::error_code ec;
  if (fs::exists(arg, ec)) return nullptr;
  const std::size_t colon = arg.find(':');
  const std::string name = arg.substr(0, colon);
  for (const auto& src : DataSources()) {
    if (src.name != name) continue;
    *params = ParamMap::Parse(colon == std::string::npos ? "" : arg.substr(colon + 1), what + " '" + arg + "'");
    return &src;
  }
  std::string known;
  for (const auto& src : DataSources()) known += (known.empty() ? "" : ", ") + src.name;
  if (colon == std::string::npos && (arg.find('/') != std::string::npos || arg.find('.') != std::string::npos))
    throw InputError(what + " '" + arg + "': no such file or folder");
  throw InputError(what + " '" + arg + "': not a file or folder, and '" + name +
                   "' is not a known data source (known: " + known + ")");
}
}  // namespace

Dataset LoadData(const std::string& arg, const std::string& what) {
  ParamMap params;
  const DataSource* src = Resolve(arg, what, &params);
  Dataset ds = src ? src->load(params) : LoadPath(arg, what);
  ds.Validate();
  return ds;
}

Dataset LoadSource(const std::string& name, const ParamMap& params, const std::string& what) {
  for (const auto& src : DataSources()) {
    if (src.name != name) continue;
    ParamMap p = params;
    p.set_context(what);
    Dataset ds = src.load(p);
    ds.Validate();
    return ds;
  }
  std::string known;
  for (const auto& src : DataSources()) known += (known.empty() ? "" : ", ") + src.name;
  throw InputError(what + ": '" + name + "' is not a known data source (known: " + known + ")");
}

void CheckDataSpec(const std::string& arg, const std::string& what) {
  ParamMap params;
  if (const DataSource* src = Resolve(arg, what, &params)) src->check(params);
}

}  // namespace marginlab
