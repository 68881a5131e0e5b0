// Helpers shared by the subcommands (see command.hpp).
#include <cstdio>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "marginlab/core/params.hpp"

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

void PrintJson(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

}  // namespace marginlab::cli
