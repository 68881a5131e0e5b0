// `marginlab data sample|info|list`: write samples, describe a data set, list sources.
#include <filesystem>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/data/csv.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab::cli {
namespace fs = std::filesystem;

namespace {

struct SampleArgs {
  std::string data, format, out;
  bool json = false;
};

std::string InferFormat(const std::string& out) {
  const std::string ext = fs::path(out).extension().string();
  if (ext == ".csv") return "csv";
  if (ext == ".json") return "json";
  return "npy";
}

void RunSample(const SampleArgs& a) {
  const std::string format = a.format.empty() ? InferFormat(a.out) : a.format;
  const Dataset ds = LoadData(a.data, "--data");
  if (format == "csv") {
    WriteCsvDataset(a.out, ds);
  } else if (format == "json") {
    WriteJsonDataset(a.out, ds);
  } else if (format == "npy") {
    WriteNpyDataset(a.out, ds);
  } else {
    throw InputError("--format: expected csv, json or npy, got '" + format + "'");
  }
  if (a.json) {
    nlohmann::json j = DescribeDataset(ds);
    j["out"] = a.out;
    j["format"] = format;
    PrintJson(j);
  } else {
    std::cout << "wrote " << ds.n() << " examples x " << ds.d() << " features (" << ToString(ds.kind)
              << " labels) to " << a.out << (format == "npy" ? "/{X,y}.npy" : "") << "\n";
  }
}

void RunInfo(const std::string& path, bool json) {
  const Dataset ds = LoadData(path, "data info");
  if (json)
    PrintJson(DescribeDataset(ds));
  else
    std::cout << DescribeDatasetText(ds);
}

void RunList(bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : DataSources()) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& p : s.params)
        params.push_back({{"name", p.name}, {"type", p.type}, {"default", p.default_value}, {"doc", p.doc}});
      out.push_back({{"name", s.name}, {"kind", s.kind}, {"summary", s.summary}, {"params", params}});
    }
    PrintJson(out);
    return;
  }
  for (const auto& s : DataSources()) {
    std::cout << s.name << " (" << s.kind << "): " << s.summary << "\n";
    for (const auto& p : s.params)
      std::cout << "    " << p.name << "=" << (p.default_value.empty() ? "\"\"" : p.default_value) << "  ["
                << p.type << "] " << p.doc << "\n";
  }
}

}  // namespace

void RegisterData(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Generate, convert and describe data sets");
  data->require_subcommand(1);

  auto sample = std::make_shared<SampleArgs>();
  auto* s = data->add_subcommand("sample", "Write samples of a data source to a file");
  AddDataOption(*s, &sample->data);
  s->add_option("--format", sample->format,
                "csv (features then label per line), json, or npy (OUT is a folder receiving X.npy "
                "and y.npy); default from OUT's extension, else npy")
      ->check(CLI::IsMember({"csv", "json", "npy"}));
  s->add_option("--out", sample->out, "output file (csv, json) or folder (npy)")->required();
  s->add_flag("--json", sample->json, "machine-readable summary");
  s->callback([sample] { RunSample(*sample); });

  auto info_path = std::make_shared<std::string>();
  auto info_json = std::make_shared<bool>(false);
  auto* i = data->add_subcommand("info", "Describe a data file, folder or generator spec");
  i->add_option("PATH", *info_path, "file, folder or spec (as for --data)")->required();
  i->add_flag("--json", *info_json, "machine-readable output");
  i->callback([info_path, info_json] { RunInfo(*info_path, *info_json); });

  auto list_json = std::make_shared<bool>(false);
  auto* l = data->add_subcommand("list", "List the data generators and readers with their parameters");
  l->add_flag("--json", *list_json, "machine-readable output");
  l->callback([list_json] { RunList(*list_json); });
}

}  // namespace marginlab::cli
