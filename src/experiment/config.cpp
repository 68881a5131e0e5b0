// TOML experiment configurations and sweep expansion (see config.hpp).
#include "marginlab/experiment/config.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "marginlab/core/data_dir.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/file_bytes.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/rng.hpp"

namespace marginlab::experiment {
namespace fs = std::filesystem;

namespace {

std::string Where(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

// A TOML scalar as parameter text.
std::string ScalarText(const toml::node& node, const std::string& path, const std::string& key) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) return FormatDouble(*node.value<double>());
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  throw InputError(Where(path, node) + ": '" + key + "' must be a string, number or boolean");
}

void CheckKeys(const toml::table& table, const std::string& path, const std::string& section,
               const std::set<std::string>& allowed) {
  for (const auto& [key, node] : table) {
    if (allowed.count(std::string(key.str()))) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw InputError(Where(path, node) + ": unknown key '" + std::string(key.str()) + "' in [" + section +
                     "] (expected one of: " + list + ")");
  }
}

ParamMap ReadParams(const toml::table& table, const std::string& path, const std::string& section) {
  ParamMap params(path + " [" + section + "]");
  for (const auto& [key, node] : table)
    params.Set(std::string(key.str()), ScalarText(node, path, std::string(key.str())));
  return params;
}

const toml::table& SubTable(const toml::node& node, const std::string& path, const std::string& name) {
  const toml::table* t = node.as_table();
  ML_REQUIRE(t) << Where(path, node) << ": [" << name << "] must be a table";
  return *t;
}

// Typed fields: a present key of the wrong type is an error naming the file, line and key
// (`trials = "2"` or `trials = 2.7` never silently becomes 1 trial).
std::optional<std::int64_t> IntField(const toml::table& t, const char* key, const std::string& path,
                                     const std::string& section) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  ML_REQUIRE(n->is_integer()) << Where(path, *n) << ": [" << section << "] " << key
                              << " must be an integer (without quotes or a decimal point)";
  return *n->value<std::int64_t>();
}

std::optional<double> NumberField(const toml::table& t, const char* key, const std::string& path,
                                  const std::string& section) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  ML_REQUIRE(n->is_number()) << Where(path, *n) << ": [" << section << "] " << key << " must be a number";
  return *n->value<double>();
}

std::string StringField(const toml::table& t, const char* key, const std::string& path,
                        const std::string& section) {
  const toml::node* n = t.get(key);
  if (!n) return "";
  ML_REQUIRE(n->is_string()) << Where(path, *n) << ": [" << section << "] " << key
                             << " must be a string (in quotes)";
  return *n->value<std::string>();
}

ScaleConfig ReadScale(const toml::table& t, const std::string& path, const std::string& name) {
  CheckKeys(t, path, "scale." + name, {"trials", "measured_seconds", "params", "sweep", "zip"});
  ScaleConfig s;
  const std::string section = "scale." + name;
  if (auto v = IntField(t, "trials", path, section)) s.trials = *v;
  ML_REQUIRE(s.trials >= 1 && s.trials <= kMaxTrials)
      << path << ": [scale." << name << "] trials must be an integer from 1 to " << kMaxTrials
      << ", got " << s.trials;
  if (auto v = NumberField(t, "measured_seconds", path, section)) s.measured_seconds = *v;
  ML_REQUIRE(s.measured_seconds >= 0 && std::isfinite(s.measured_seconds))
      << path << ": [scale." << name << "] measured_seconds must be a finite number >= 0";
  if (const toml::node* p = t.get("params"))
    s.params = ReadParams(SubTable(*p, path, "scale." + name + ".params"), path, "scale." + name + ".params");
  for (const char* table : {"sweep", "zip"}) {
    const toml::node* sw = t.get(table);
    if (!sw) continue;
    auto& axes = std::string(table) == "sweep" ? s.sweep : s.zip;
    for (const auto& [key, node] : SubTable(*sw, path, "scale." + name + "." + table)) {
      const toml::array* arr = node.as_array();
      ML_REQUIRE(arr && !arr->empty())
          << Where(path, node) << ": " << table << " '" << key.str() << "' must be a non-empty array";
      std::vector<std::string> values;
      for (const auto& v : *arr) values.push_back(ScalarText(v, path, std::string(key.str())));
      ML_REQUIRE(axes.empty() || std::string(table) == "sweep" || values.size() == axes.front().second.size())
          << Where(path, node) << ": zip '" << key.str() << "' has " << values.size() << " values, but '"
          << axes.front().first << "' has " << axes.front().second.size() << " (zipped lists vary together)";
      axes.emplace_back(std::string(key.str()), std::move(values));
    }
  }
  return s;
}

// Replaces {name} references in every value with the referenced values.
void Substitute(ParamMap& params, const std::string& context) {
  for (int round = 0; round < 4; ++round) {
    bool changed = false;
    for (const auto& [key, value] : std::vector(params.entries())) {
      std::string out;
      std::size_t pos = 0;
      while (pos < value.size()) {
        const std::size_t open = value.find('{', pos);
        if (open == std::string::npos) {
          out += value.substr(pos);
          break;
        }
        const std::size_t close = value.find('}', open);
        ML_REQUIRE(close != std::string::npos)
            << context << ": parameter '" << key << "' has an unclosed '{' in '" << value << "'";
        const std::string ref = value.substr(open + 1, close - open - 1);
        const std::string* sub = params.Find(ref);
        ML_REQUIRE(sub && ref != key) << context << ": parameter '" << key << "' refers to {" << ref
                                      << "}, which is not a parameter";
        out += value.substr(pos, open - pos);
        ML_REQUIRE(out.size() + sub->size() <= kMaxParamText)
            << context << ": parameter '" << key << "' grows past " << kMaxParamText
            << " characters through {…} references (references nested to repeat themselves?)";
        out += *sub;
        pos = close + 1;
      }
      ML_REQUIRE(out.size() <= kMaxParamText)
          << context << ": parameter '" << key << "' grows past " << kMaxParamText
          << " characters through {…} references (references nested to repeat themselves?)";
      if (out != value) {
        params.Set(key, out);
        changed = true;
      }
    }
    if (!changed) return;
  }
  throw InputError(context + ": parameter references are nested too deeply (a cycle?)");
}

}  // namespace

ParamMap KindParams(const ParamMap& params) {
  ParamMap out(params.context());
  for (const auto& [k, v] : params.entries())
    if (!IsTemplateVariable(k)) out.Set(k, v);
  return out;
}

const ScaleConfig& ExperimentConfig::Scale(const std::string& scale) const {
  auto it = scales.find(scale);
  if (it != scales.end()) return it->second;
  std::string known;
  for (const auto& [k, v] : scales) known += (known.empty() ? "" : ", ") + k;
  throw InputError(path + ": no scale '" + scale + "' (this experiment has: " + known + ")");
}

namespace {
constexpr std::string_view kOverrideLine = "# --set ";

// The TOML document `text`; InputError "<path>:<line>: invalid TOML: …".
toml::table ParseToml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) + ": invalid TOML: " +
                     std::string(e.description()));
  }
}
}  // namespace

void ApplyOverrides(ExperimentConfig& config, const std::vector<std::string>& sets) {
  std::set<std::string> seen;
  for (const auto& s : sets) {
    const std::size_t eq = s.find('=');
    ML_REQUIRE(eq != std::string::npos && eq > 0) << "--set: expected key=value, got '" << s << "'";
    ML_REQUIRE(s.find('\n') == std::string::npos) << "--set: '" << s.substr(0, eq) << "': a value holds no newline";
    const std::string key = s.substr(0, eq), value = s.substr(eq + 1);
    ML_REQUIRE(seen.insert(key).second) << "--set: '" << key << "' is given twice";
    config.params.Set(key, value);
    for (auto& [name, scale] : config.scales)
      if (scale.params.Has(key)) scale.params.Set(key, value);
    config.text += '\n';
    config.text += kOverrideLine;
    config.text += s;
  }
}

ExperimentConfig ConfigFromStoredText(const std::string& text, const std::string& path) {
  // ApplyOverrides appended "\n# --set key=value" per override, in order, after the file's text.
  std::string base = text;
  std::vector<std::string> sets;
  std::string marker = "\n";
  marker += kOverrideLine;
  if (const std::size_t at = base.find(marker); at != std::string::npos) {
    const std::string tail = base.substr(at);
    base.erase(at);
    for (std::size_t p = 0; p < tail.size();) {  // tail = (marker key=value)+
      ML_REQUIRE(tail.compare(p, marker.size(), marker) == 0)
          << path << ": the stored config text has text after its --set lines";
      const std::size_t start = p + marker.size(), next = tail.find(marker, start);
      sets.push_back(tail.substr(start, next == std::string::npos ? std::string::npos : next - start));
      p = next == std::string::npos ? tail.size() : next;
    }
  }
  ExperimentConfig config = ParseExperimentConfig(base, path);
  ApplyOverrides(config, sets);
  ML_REQUIRE(config.text == text) << path << ": the stored config text cannot be parsed back exactly";
  return config;
}

std::string ResultsDefiningText(const std::string& text, const std::string& path, const std::string& scale) {
  toml::table root = ParseToml(text, path);
  if (toml::table* scales = root["scale"].as_table()) {
    std::vector<std::string> others;
    for (const auto& [name, node] : *scales)
      if (name.str() != scale) others.emplace_back(name.str());
    for (const auto& name : others) scales->erase(name);
    if (toml::table* kept = (*scales)[scale].as_table()) kept->erase("measured_seconds");
  }
  std::ostringstream out;
  out << toml::toml_formatter(root, toml::format_flags::none);
  std::vector<std::string> overrides;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(kOverrideLine, 0) == 0) overrides.push_back(line);
  std::sort(overrides.begin(), overrides.end());
  for (const auto& line : overrides) out << '\n' << line;
  return out.str();
}

ExperimentConfig ParseExperimentConfig(const std::string& text, const std::string& path) {
  toml::table root = ParseToml(text, path);
  CheckKeys(root, path, "top level", {"experiment", "params", "scale"});
  ExperimentConfig c;
  c.path = path;
  c.text = text;
  const toml::node* exp = root.get("experiment");
  ML_REQUIRE(exp) << path << ": missing [experiment] table";
  const toml::table& e = SubTable(*exp, path, "experiment");
  CheckKeys(e, path, "experiment", {"name", "title", "source", "kind", "seed"});
  c.name = StringField(e, "name", path, "experiment");
  c.title = StringField(e, "title", path, "experiment");
  c.source = StringField(e, "source", path, "experiment");
  c.kind = StringField(e, "kind", path, "experiment");
  const std::int64_t seed = IntField(e, "seed", path, "experiment").value_or(0);
  ML_REQUIRE(seed >= 0) << path << ": [experiment] seed must be a non-negative integer, got " << seed;
  c.seed = static_cast<std::uint64_t>(seed);
  ML_REQUIRE(!c.name.empty()) << path << ": [experiment] needs name = \"…\"";
  // The name becomes a folder name (runs/<name>-<scale>): no separators, no leading dot.
  ML_REQUIRE(c.name.size() <= 100 && c.name[0] != '.' &&
             c.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                 std::string::npos)
      << path << ": [experiment] name must be letters, digits, '.', '_' or '-' (at most 100, not starting "
      << "with '.'), got '" << c.name << "'";
  ML_REQUIRE(!c.kind.empty()) << path << ": [experiment] needs kind = \"…\" (a trial kind)";
  if (const toml::node* p = root.get("params")) c.params = ReadParams(SubTable(*p, path, "params"), path, "params");
  const toml::node* scales = root.get("scale");
  ML_REQUIRE(scales) << path << ": needs at least one [scale.NAME] table (smoke, quick, paper)";
  for (const auto& [name, node] : SubTable(*scales, path, "scale"))
    c.scales[std::string(name.str())] =
        ReadScale(SubTable(node, path, "scale." + std::string(name.str())), path, std::string(name.str()));
  return c;
}

ExperimentConfig LoadExperimentConfig(const fs::path& path) {
  return ParseExperimentConfig(ReadFileBytes(path), path.string());
}

std::vector<TrialSpec> ExpandTrials(const ExperimentConfig& config, const std::string& scale) {
  const ScaleConfig& s = config.Scale(scale);
  // The size of the expansion, from the axes alone, before anything is built.
  std::uint64_t n_points = 1;
  if (!s.zip.empty()) n_points = s.zip.front().second.size();
  for (const auto& [axis, values] : s.sweep) n_points = SaturatingMul(n_points, values.size());
  const std::uint64_t n_trials = SaturatingMul(n_points, static_cast<std::uint64_t>(s.trials));
  ML_REQUIRE(n_trials <= static_cast<std::uint64_t>(kMaxTrials))
      << config.path << ": [scale." << scale << "] expands to "
      << (n_trials == kNoFit ? std::string("more than 2^64") : std::to_string(n_trials)) << " trials ("
      << n_points << " sweep points × " << s.trials << " trials), more than the limit of " << kMaxTrials;
  std::uint64_t text = 256;  // per trial: its merged parameters' text, roughly
  for (const auto& [k, v] : config.params.entries()) text += k.size() + v.size() + 64;
  for (const auto& [k, v] : s.params.entries()) text += k.size() + v.size() + 64;
  for (const auto& [axis, values] : s.sweep) text += axis.size() + 64;
  for (const auto& [axis, values] : s.zip) text += axis.size() + 64;
  RequireMemory(SaturatingMul(n_trials, text),
                config.path + ": [scale." + scale + "]'s " + std::to_string(n_trials) + " trials");
  // Sweep points in row-major order of the axes as listed.
  std::vector<std::vector<std::pair<std::string, std::string>>> points = {{}};
  // The zipped lists form one axis (outermost), then the sweep axes.
  std::vector<std::vector<std::pair<std::string, std::string>>> axes;
  if (!s.zip.empty()) {
    std::vector<std::pair<std::string, std::string>> zipped;
    for (std::size_t i = 0; i < s.zip.front().second.size(); ++i)
      for (const auto& [name, values] : s.zip) zipped.emplace_back(name, values[i]);
    axes.push_back(std::move(zipped));
  }
  std::vector<std::size_t> group_sizes;
  if (!s.zip.empty()) group_sizes.push_back(s.zip.size());
  for (const auto& [axis, values] : s.sweep) {
    std::vector<std::pair<std::string, std::string>> a;
    for (const auto& v : values) a.emplace_back(axis, v);
    axes.push_back(std::move(a));
    group_sizes.push_back(1);
  }
  for (std::size_t k = 0; k < axes.size(); ++k) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    const std::size_t g = group_sizes[k];
    for (const auto& p : points)
      for (std::size_t v = 0; v + g <= axes[k].size(); v += g) {
        next.push_back(p);
        for (std::size_t j = 0; j < g; ++j) next.back().push_back(axes[k][v + j]);
      }
    points = std::move(next);
  }
  std::vector<TrialSpec> trials;
  const Rng root(config.seed);
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (long t = 0; t < s.trials; ++t) {
      TrialSpec spec;
      spec.point = static_cast<long>(p);
      spec.trial = t;
      spec.seed = root.Split(static_cast<std::uint64_t>(t)).key();
      ParamMap merged(config.path + " [scale." + scale + "] point " + std::to_string(p));
      for (const auto& [k, v] : config.params.entries()) merged.Set(k, v);
      for (const auto& [k, v] : s.params.entries()) merged.Set(k, v);
      for (const auto& [k, v] : points[p]) merged.Set(k, v);
      merged.Set("trial", std::to_string(t));
      merged.Set("point", std::to_string(p));
      merged.Set("seed", std::to_string(spec.seed));
      Substitute(merged, merged.context());
      std::string ignored;
      merged.Take("trial", &ignored);
      merged.Take("point", &ignored);
      merged.Take("seed", &ignored);
      spec.params = std::move(merged);
      trials.push_back(std::move(spec));
    }
  }
  return trials;
}

std::vector<fs::path> ListExperimentFiles(const fs::path& dir) {
  const fs::path root = dir.empty() ? DataDir() / "experiments" : dir;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

fs::path ResolveExperiment(const std::string& arg) {
  if (fs::exists(arg)) return arg;
  for (const auto& f : ListExperimentFiles())
    if (f.stem() == arg) return f;
  std::string known;
  for (const auto& f : ListExperimentFiles()) known += (known.empty() ? "" : ", ") + f.stem().string();
  throw InputError("'" + arg + "' is neither a config file nor a built-in experiment (built-in: " +
                   (known.empty() ? "none" : known) + ")");
}

}  // namespace marginlab::experiment
