// Helpers shared by the subcommands (see command.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <iostream>
#include <sstream>

#include <cmath>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::cli {

CLI::Option* AddDataOption(CLI::App& cmd, std::string* target, const std::string& name,
                           bool required) {
  auto* opt = cmd.add_option(name, *target,
                             "data: a generator spec (e.g. wei-d:d=20,n=200,seed=1), a CSV or IDX "
                             "file, a folder with X.npy and y.npy, or a reader spec "
                             "(csv:/idx:/npy:/fashion-mnist:); see `marginlab data list`");
  if (required) opt->required();
  return opt;
}

nlohmann::json NetworkJson(const margin::TwoLayerNet& net, const Dataset& train, const Dataset* test,
                       const std::string& loss) {
  nlohmann::json j = {{"width", net.width()},
                      {"squared_norm", net.SquaredNorm()},
                      {"normalized_margin", nullptr},
                      {"train_error", margin::EvaluateTwoLayerNet(net, train.X, train.y, loss).error}};
  if (train.kind == LabelKind::kBinary && net.width() > 0) {
    const double g = net.NormalizedMargin(train.X, train.y);
    if (std::isfinite(g)) j["normalized_margin"] = g;
  }
  if (test) {
    const margin::NetEvaluation e = margin::EvaluateTwoLayerNet(net, test->X, test->y, loss);
    j["test_error"] = e.error;
    j["test_loss"] = e.loss;
  }
  return j;
}

nlohmann::json DescribeDataset(const Dataset& ds) {
  const DatasetStats s = ComputeStats(ds);
  nlohmann::json j = {{"source", ds.source},
                      {"n", s.n},
                      {"d", s.d},
                      {"label_kind", ToString(ds.kind)},
                      {"num_classes", ds.num_classes},
                      {"feature_min", s.min_value},
                      {"feature_max", s.max_value},
                      {"mean_norm", s.mean_norm},
                      {"max_norm", s.max_norm}};
  if (ds.kind == LabelKind::kReal) {
    j["label_mean"] = s.label_mean;
    j["label_std"] = s.label_std;
  } else {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [label, count] : s.label_counts) counts[FormatDouble(label)] = count;
    j["label_counts"] = counts;
  }
  return j;
}

std::string DescribeDatasetText(const Dataset& ds) {
  const DatasetStats s = ComputeStats(ds);
  std::ostringstream out;
  out << "source:      " << ds.source << "\n"
      << "examples:    " << s.n << "\n"
      << "features:    " << s.d << "\n"
      << "labels:      " << ToString(ds.kind);
  if (ds.kind == LabelKind::kClass) out << " (" << ds.num_classes << " classes)";
  out << "\n";
  if (ds.kind == LabelKind::kReal) {
    out << "label mean:  " << s.label_mean << "  std " << s.label_std << "\n";
  } else {
    out << "label count:";
    for (const auto& [label, count] : s.label_counts) out << "  " << label << ": " << count;
    out << "\n";
  }
  out << "features in: [" << s.min_value << ", " << s.max_value << "]\n"
      << "row norm:    mean " << s.mean_norm << ", max " << s.max_norm << "\n";
  return out.str();
}

namespace {

std::string Dashed(std::string s) {
  for (char& c : s)
    if (c == '_') c = '-';
  return s;
}

std::string Underscored(std::string s) {
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

}  // namespace

std::string FieldFlags::Flag(std::size_t i) const { return "--" + flag_prefix + Dashed(names[i]); }

std::size_t FieldFlags::Find(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw InternalError("FieldFlags: no field '" + name + "'");
  return static_cast<std::size_t>(it - names.begin());
}

void RefuseGivenFlags(const FieldFlags& flags, const std::string& why) {
  for (std::size_t i = 0; i < flags.names.size(); ++i) ML_REQUIRE(!flags.Given(i)) << flags.Flag(i) << ": " << why;
}

std::vector<FieldInfo> SelectFields(std::vector<FieldInfo> fields, const std::vector<std::string>& keep) {
  std::erase_if(fields, [&](const FieldInfo& f) { return std::find(keep.begin(), keep.end(), f.name) == keep.end(); });
  if (fields.size() != keep.size()) throw InternalError("SelectFields: a kept name is not a field");
  return fields;
}

void AddFieldFlags(CLI::App& cmd, FieldFlags& a, const std::vector<FieldInfo>& fields, const FieldFlagStyle& style) {
  a.flag_prefix = style.flag_prefix;
  for (const auto& f : fields) {
    const std::string flag = "--" + style.flag_prefix + Dashed(f.name);
    a.storage.push_back(std::make_unique<std::string>());
    std::string doc = style.doc_prefix + f.doc + " [" + f.type +
                      (f.default_value.empty() ? "" : ", default " + f.default_value) + "]";
    CLI::Option* opt;
    if (f.type == "bool") {
      opt = cmd.add_flag(flag + "{true}", *a.storage.back(), doc);
    } else {
      opt = cmd.add_option(flag, *a.storage.back(), doc);
    }
    a.names.push_back(f.name);
    a.types.push_back(f.type);
    a.options.push_back(opt);
  }
  if (style.config) cmd.add_option("--config", a.config, "TOML file with any of these options as keys");
}

ParamMap CollectFieldParams(const FieldFlags& a, const std::string& context) {
  const std::set<std::string> known(a.names.begin(), a.names.end());
  ParamMap p(a.config.empty() ? context : a.config);
  if (!a.config.empty()) {
    std::error_code ec;
    ML_REQUIRE(std::filesystem::is_regular_file(a.config, ec))
        << a.config << ": --config: expected a TOML file, "
        << (std::filesystem::exists(a.config, ec) ? "got a folder or a special file" : "no such file");
    toml::table t;
    try {
      t = toml::parse_file(a.config);
    } catch (const toml::parse_error& e) {
      throw InputError(a.config + ":" + std::to_string(e.source().begin.line) +
                       ": TOML parse error: " + std::string(e.description()));
    }
    for (const auto& [k, node] : t) {
      const std::string key = Underscored(std::string(k.str()));
      const std::string where = a.config + ":" + std::to_string(node.source().begin.line);
      if (!known.count(key)) {
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        throw InputError(where + ": unknown key '" + std::string(k.str()) + "' (expected one of: " + list + ")");
      }
      // A number or flag written as a string ("3") is a type error, as in experiment configs.
      const std::size_t at = static_cast<std::size_t>(
          std::find(a.names.begin(), a.names.end(), key) - a.names.begin());
      const std::string& type = at < a.types.size() ? a.types[at] : std::string("string");
      if (type != "string" && node.is_string())
        throw InputError(where + ": '" + key + "' is of type " + type + ": write it without quotes");
      std::string text;
      auto scalar = [&](const toml::node& n) -> std::string {
        if (n.is_string()) return *n.value<std::string>();
        if (n.is_integer()) return std::to_string(*n.value<std::int64_t>());
        if (n.is_floating_point()) return FormatDouble(*n.value<double>());
        if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
        throw InputError(where + ": '" + key + "' must be a string, number, boolean or array of numbers");
      };
      if (const toml::array* arr = node.as_array()) {
        for (const auto& v : *arr) text += (text.empty() ? "" : ";") + scalar(v);
      } else {
        text = scalar(node);
      }
      p.Set(key, text);
    }
  }
  // Flags override the file.
  for (std::size_t i = 0; i < a.options.size(); ++i) {
    if (a.options[i]->count() == 0) continue;
    ParamMap merged(p.context());
    for (const auto& e : p.entries())
      if (e.first != a.names[i]) merged.Set(e.first, e.second);
    merged.Set(a.names[i], *a.storage[i]);
    p = merged;
  }
  return p;
}

const CLI::Validator& NonNegativeInteger() {
  static const CLI::Validator v(
      [](std::string& s) {
        const bool ok = !s.empty() && s.size() <= 20 && s.find_first_not_of("0123456789") == std::string::npos;
        return ok ? std::string() : "expected a non-negative integer, got '" + s + "'";
      },
      "UINT");
  return v;
}

const CLI::Validator& NonEmptyText() {
  static const CLI::Validator v(
      [](std::string& s) { return s.empty() ? std::string("expected a value, got an empty string") : std::string(); },
      "");
  return v;
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

}  // namespace marginlab::cli
