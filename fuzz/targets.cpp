// libFuzzer targets (see targets.hpp).
#include "targets.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/csv.hpp"
#include "marginlab/data/idx.hpp"
#include "marginlab/data/linear.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/data/teacher.hpp"
#include "marginlab/experiment/config.hpp"

namespace marginlab::fuzz {
namespace {

// Runs fn; the expected refusals of bad input return normally.
template <class Fn>
int Guarded(Fn fn) {
  try {
    fn();
  } catch (const InputError&) {
  } catch (const UnavailableError&) {
  }
  return 0;
}

std::string_view Bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken property of a successful read: crash, so libFuzzer keeps the input.
[[noreturn]] void PropertyFailed(const char* what) {
  throw std::logic_error(std::string("fuzz property failed: ") + what);
}

}  // namespace

void Init() { SetMemoryBudget(kFuzzMemoryBudget); }

int FuzzIdx(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  if ((mode & 1) == 0) return Guarded([&] { ParseIdx(Bytes(data + 1, size - 1), "fuzz.idx"); });
  if (size < 3) return 0;
  const std::string_view rest = Bytes(data + 3, size - 3);
  const std::size_t split = (std::size_t{data[1]} | (std::size_t{data[2]} << 8)) % (rest.size() + 1);
  IdxOptions o;
  o.images = "images.idx";
  o.labels = "labels.idx";
  switch ((mode >> 1) & 3) {
    case 1: o.pair = "0/1"; break;
    case 2: o.classes = "1;3"; break;
    case 3: o.pair = "7/3"; break;
    default: break;
  }
  o.limit = (mode >> 3) & 3;
  o.scale = (mode & 0x20) != 0;
  return Guarded([&] {
    const Dataset ds = ParseIdxDataset(rest.substr(0, split), rest.substr(split), o);
    if (ds.n() <= 0 || ds.X.rows() != ds.y.size() || !ds.X.allFinite()) PropertyFailed("idx data set");
  });
}

int FuzzCsv(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t sel = data[0];
  static const char* kHeader[] = {"auto", "true", "false", "auto"};
  static const char* kDelimiter[] = {",", ";", "tab", " "};
  static const char* kLabels[] = {"auto", "binary", "class", "real"};
  static const char* kLabel[] = {"-1", "0", "y", "1"};
  CsvOptions o;
  o.path = "fuzz.csv";
  o.header = kHeader[sel & 3];
  o.delimiter = kDelimiter[(sel >> 2) & 3];
  o.labels = kLabels[(sel >> 4) & 3];
  o.label = kLabel[(sel >> 6) & 3];
  return Guarded([&] {
    const Dataset ds = ParseCsvDataset(Bytes(data + 1, size - 1), o);
    if (ds.n() <= 0 || ds.d() <= 0 || !ds.X.allFinite() || !ds.y.allFinite()) PropertyFailed("csv data set");
  });
}

int FuzzNpy(const std::uint8_t* data, std::size_t size) {
  return Guarded([&] {
    const NpyArray a = ParseNpy(Bytes(data, size), "fuzz.npy");
    std::uint64_t count = 1;
    for (std::size_t s : a.shape) count = SaturatingMul(count, s);
    if (count != a.data.size()) PropertyFailed("npy element count");
    FirstNonFinite(a);
    if (a.shape.size() == 2) {
      const Matrix m = NpyToMatrix(a, "fuzz.npy");
      if (static_cast<std::size_t>(m.size()) != a.data.size()) PropertyFailed("npy matrix size");
    }
    if (a.shape.size() == 1 || (a.shape.size() == 2 && a.shape[1] == 1)) NpyToVector(a, "fuzz.npy");
    // Writing the values back as '<f8' and reading them again keeps every bit.
    const NpyArray b = ParseNpy(EncodeNpy(a.data.data(), a.shape), "fuzz.npy (rewritten)");
    if (b.shape != a.shape || b.data.size() != a.data.size() ||
        (!a.data.empty() && std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(double)) != 0))
      PropertyFailed("npy round trip");
  });
}

int FuzzNpz(const std::uint8_t* data, std::size_t size) {
  return Guarded([&] {
    for (const auto& [name, a] : ParseNpz(Bytes(data, size), "fuzz.npz")) {
      std::uint64_t count = 1;
      for (std::size_t s : a.shape) count = SaturatingMul(count, s);
      if (count != a.data.size()) PropertyFailed("npz element count");
      FirstNonFinite(a);
    }
  });
}

int FuzzConfig(const std::uint8_t* data, std::size_t size) {
  return Guarded([&] {
    const experiment::ExperimentConfig config = experiment::ParseExperimentConfig(std::string(Bytes(data, size)), "fuzz.toml");
    for (const auto& [name, scale] : config.scales) {
      std::uint64_t count = scale.trials > 0 ? static_cast<std::uint64_t>(scale.trials) : 0;
      if (!scale.zip.empty()) count = SaturatingMul(count, scale.zip.front().second.size());
      for (const auto& [axis, values] : scale.sweep) count = SaturatingMul(count, values.size());
      if (count > 10'000 && count <= 10'000'000) continue;  // legitimate, only slow
      experiment::ExpandTrials(config, name);
    }
  });
}

int FuzzDataSpec(const std::uint8_t* data, std::size_t size) {
  const std::string spec(Bytes(data, size));
  if (spec.find('\0') != std::string::npos) return 0;
  const std::string name = spec.substr(0, spec.find(':'));
  bool generator = false;
  for (const DataSource& s : DataSources()) generator = generator || (s.name == name && s.kind == "generator");
  if (!generator) return 0;  // paths and reader specs would read arbitrary files
  return Guarded([&] {
    const std::size_t colon = spec.find(':');
    const ParamMap params = ParamMap::Parse(colon == std::string::npos ? "" : spec.substr(colon + 1), "fuzz");
    // The work of teacher and linear: every draw costs about d·(k + 10)
    // (a point on the sphere: d normal deviates; then k dot products), and
    // there are n draws, or up to n · max_draws_per_example with a margin;
    // teacher builds k sphere points first. Skip what would be slow, not
    // wrong: above 1e7 such units (about 0.5 s under the sanitizers).
    const auto u = [](auto v) { return static_cast<std::uint64_t>(v); };
    std::uint64_t work = 0;
    if (name == "teacher") {
      TeacherOptions o;
      ApplyParams(params, o);
      const std::uint64_t draws =
          SaturatingMul(u(o.n), o.task == "classification" && o.margin > 0 ? u(o.max_draws_per_example) : 1);
      work = SaturatingAdd(SaturatingMul(SaturatingMul(u(o.k), u(o.d)), 10),
                           SaturatingMul(SaturatingMul(draws, u(o.d)), SaturatingAdd(u(o.k), 10)));
    } else if (name == "linear") {
      LinearOptions o;
      ApplyParams(params, o);
      const std::uint64_t draws = SaturatingMul(u(o.n), o.margin > 0 ? u(o.max_draws_per_example) : 1);
      work = SaturatingMul(SaturatingMul(draws, u(o.d)), 11);
    }
    if (work > 10'000'000) return;
    const Dataset a = LoadData(spec, "--data");
    if (a.n() <= 0 || a.X.rows() != a.y.size()) PropertyFailed("generated data set");
    // The same spec gives the same bytes (checked on small sets).
    if (a.X.size() <= 10'000) {
      const Dataset b = LoadData(spec, "--data");
      if (a.X != b.X || a.y != b.y) PropertyFailed("generators are deterministic");
    }
  });
}

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = {
      {"idx", FuzzIdx},   {"csv", FuzzCsv},       {"npy", FuzzNpy},
      {"npz", FuzzNpz},   {"config", FuzzConfig}, {"data_spec", FuzzDataSpec},
  };
  return targets;
}

}  // namespace marginlab::fuzz
