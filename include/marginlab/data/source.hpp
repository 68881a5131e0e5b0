// Data sources: the one place where a `--data` argument becomes a Dataset.
//
// A data argument is one of
//   - a generator spec   NAME:key=value,…      e.g. wei-d:d=20,n=200,seed=1
//   - a reader spec      csv:path=…,label=y    idx:images=…,pair=3/5
//                        npy:x=…,y=…           fashion-mnist:split=test,limit=100
//   - a path: a folder holding X.npy and y.npy; a .csv/.tsv/.txt file; an IDX
//     file (raw or .gz, recognised by name or by its magic bytes).
// New generators and readers register in DataSources() (source.cpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "marginlab/core/params.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct DataSource {
  std::string name;
  std::string kind;     // "generator" or "reader"
  std::string summary;  // one line
  std::vector<FieldInfo> params;
  std::function<Dataset(const ParamMap&)> load;
  std::function<void(const ParamMap&)> check;  // parse and validate only (CheckDataSpec)
};

const std::vector<DataSource>& DataSources();

// Resolves `arg` as described above. `what` names the argument in errors
// (e.g. "--data"). Throws InputError.
Dataset LoadData(const std::string& arg, const std::string& what = "--data");

// The data of the source `name` (DataSources()) with its parameters given one by one — values
// are never parsed out of a joined spec, so a value may hold ',', '=' or ':' (a file name; the
// Python module's keywords). The Dataset's `source` is the spec text. InputError names `what`.
Dataset LoadSource(const std::string& name, const ParamMap& params, const std::string& what);

// Checks `arg` without loading or generating anything: the source name, its parameters' names
// and values (a generator's sizes against the memory budget included); a path only for being
// there (its contents are read by LoadData). For pre-flight checks (experiment trial kinds).
void CheckDataSpec(const std::string& arg, const std::string& what = "--data");

// Where Debian's dataset-fashion-mnist package puts its IDX files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

}  // namespace marginlab
