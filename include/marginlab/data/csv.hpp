// CSV data files: one example per line, numeric fields, one of which is the label.
//
// header = "auto" treats the first line as a header when any of its fields is
// not a number. label names the label column by header name or by index
// (0-based; negative counts from the end; default −1, the last column).
// Errors (InputError naming file and line): ragged rows, a non-numeric field,
// an empty file, a label column that does not exist.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct CsvOptions {
  std::string path;
  std::string header = "auto";  // auto | true | false
  std::string label = "-1";     // column name or index
  std::string labels = "auto";  // auto | binary | class | real
  std::string delimiter = ",";  // one character; "tab" for \t

  template <class V>
  void Fields(V& v) {
    v("path", path, "CSV file");
    v("header", header, "auto, true or false: whether the first line names the columns");
    v("label", label, "label column: header name or 0-based index (negative from the end)");
    v("labels", labels, "label kind: auto, binary, class or real");
    v("delimiter", delimiter, "field separator: one character, or 'tab'");
  }
  std::string Validate() const;
};

// Reads opts.path. Before the n × d matrix is allocated, every line too short
// to hold the first line's number of fields is reported as ragged, and the
// matrix is checked against the memory budget (core/memory.hpp).
Dataset LoadCsvDataset(const CsvOptions& opts);
// The same from the file's text; opts.path names it in messages.
Dataset ParseCsvDataset(std::string_view text, const CsvOptions& opts);

// One line per example: the d features then the label, comma-separated, each
// number in the shortest text that reads back to the same double. No header.
void WriteCsvDataset(const std::filesystem::path& path, const Dataset& ds);
// {"source", "n", "d", "label_kind", "num_classes", "X": [[…], …], "y": […]}.
void WriteJsonDataset(const std::filesystem::path& path, const Dataset& ds);

}  // namespace marginlab
