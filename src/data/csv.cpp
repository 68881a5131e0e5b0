// CSV data files (see csv.hpp): the reader, and the CSV and JSON writers.
//
// Format source: RFC 4180 for the line/field structure, restricted to numeric
// data: fields are split on the delimiter (no quoted delimiters), surrounding
// spaces and one pair of surrounding double quotes are stripped, CRLF line
// ends are accepted and blank lines are skipped. With delimiter ' ', runs of
// spaces separate fields. Numbers are parsed with std::from_chars (locale-free)
// and written with FormatDouble (shortest round-trip text). Line and column
// numbers in messages are 1-based.
#include "marginlab/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <system_error>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/file_bytes.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {

char DelimiterChar(const std::string& d) { return d == "tab" ? '\t' : d.empty() ? ',' : d[0]; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Text from the file made safe for a one-line message.
std::string Clean(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 40; ++i)
    out += (static_cast<unsigned char>(s[i]) < 0x20 || s[i] == 0x7f) ? '?' : s[i];
  return out + (s.size() > 40 ? "..." : "");
}
std::string Quoted(std::string_view s) {
  std::string out = "'";
  out += Clean(s);
  out += '\'';
  return out;
}

void SplitFields(std::string_view line, char delim, std::vector<std::string_view>* out) {
  out->clear();
  if (delim == ' ') {  // whitespace-separated: runs of spaces are one separator
    line = Trim(line);
    while (!line.empty()) {
      const std::size_t end = std::min(line.find(' '), line.size());
      out->push_back(line.substr(0, end));
      line = Trim(line.substr(end));
    }
    return;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = line.find(delim, start);
    std::string_view f = Trim(line.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = Trim(f.substr(1, f.size() - 2));
    out->push_back(f);
    if (pos == std::string_view::npos) return;
    start = pos + 1;
  }
}

bool ParseNumber(std::string_view f, double* v) {
  if (!f.empty() && f.front() == '+') {
    f.remove_prefix(1);
    if (!f.empty() && f.front() == '-') return false;
  }
  const auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), *v);
  return !f.empty() && ec == std::errc() && p == f.data() + f.size() && std::isfinite(*v);
}

bool ParseColumnIndex(std::string_view t, long* out) {
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
  return !t.empty() && ec == std::errc() && p == t.data() + t.size();
}

struct Line {
  std::size_t number;  // 1-based
  std::string_view text;
};

// Non-blank lines of `text`, with their numbers; CR before LF removed.
std::vector<Line> SplitLines(std::string_view text, const std::string& path) {
  const std::uint64_t count = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  RequireMemory(SaturatingMul(count, sizeof(Line)), path + ": an index of its " + std::to_string(count) + " lines");
  std::vector<Line> lines;
  lines.reserve(static_cast<std::size_t>(count));
  std::size_t start = 0, number = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!Trim(line).empty()) lines.push_back({number, line});
    start = end + 1;
    ++number;
  }
  return lines;
}

// The label column's index for a file of `ncols` columns.
std::size_t ResolveLabel(const CsvOptions& opts, const std::vector<std::string_view>& names, std::size_t ncols) {
  for (std::size_t j = 0; j < names.size(); ++j)
    if (names[j] == opts.label) return j;
  long idx = 0;
  if (ParseColumnIndex(opts.label, &idx)) {
    const long resolved = idx < 0 ? idx + static_cast<long>(ncols) : idx;
    ML_REQUIRE(resolved >= 0 && resolved < static_cast<long>(ncols))
        << opts.path << ": label column " << idx << " does not exist (the file has " << ncols << " columns)";
    return static_cast<std::size_t>(resolved);
  }
  if (names.empty())
    throw InputError(opts.path + ": label column '" + opts.label +
                     "' is not a column index and the file has no header line");
  std::string list;
  for (std::size_t j = 0; j < names.size() && j < 20; ++j) list += (j ? ", " : "") + Clean(names[j]);
  if (names.size() > 20) list += ", ... " + std::to_string(names.size()) + " in all";
  throw InputError(opts.path + ": no column named '" + opts.label + "' (columns: " + list + ")");
}

bool IsHeader(const CsvOptions& opts, const std::vector<std::string_view>& first) {
  if (opts.header != "auto") return opts.header == "true";
  double v = 0;
  for (std::string_view f : first)
    if (!ParseNumber(f, &v)) return true;
  return false;
}

void SetLabelKind(Dataset& ds, const std::string& labels, const std::string& what) {
  if (labels == "auto") {
    ds.kind = InferLabelKind(ds.y, &ds.num_classes);
    return;
  }
  ds.kind = ParseLabelKind(labels, what);
  ds.num_classes = ds.kind == LabelKind::kBinary ? 2 : 0;
  if (ds.kind == LabelKind::kClass) {
    const double m = ds.y.size() ? ds.y.maxCoeff() : 0.0;
    ds.num_classes = m >= 0 && m < 1e9 ? static_cast<int>(m) + 1 : 1;
  }
}

void RequireShapes(const fs::path& path, const Dataset& ds) {
  ML_REQUIRE(ds.X.rows() == ds.y.size())
      << path.string() << ": cannot write " << ds.X.rows() << " examples with " << ds.y.size() << " labels";
  ML_REQUIRE(ds.X.allFinite() && ds.y.allFinite())
      << path.string() << ": cannot write a data set with non-finite values (" << ds.source << ")";
}

}  // namespace

std::string CsvOptions::Validate() const {
  if (path.empty()) return "path: give the CSV file";
  if (header != "auto" && header != "true" && header != "false")
    return "header must be auto, true or false, got '" + header + "'";
  if (labels != "auto" && labels != "binary" && labels != "class" && labels != "real")
    return "labels must be auto, binary, class or real, got '" + labels + "'";
  if (delimiter != "tab" && delimiter.size() != 1)
    return "delimiter must be one character or 'tab', got '" + delimiter + "'";
  if (delimiter == "\"" || delimiter == "\n" || delimiter == "\r" || delimiter == "." || delimiter == "-" ||
      delimiter == "+" || (delimiter[0] >= '0' && delimiter[0] <= '9'))
    return "delimiter '" + delimiter + "' cannot separate numbers";
  if (label.empty()) return "label: give a column name or index";
  return "";
}

Dataset LoadCsvDataset(const CsvOptions& opts) {
  ValidateOrThrow(opts, "csv");
  return ParseCsvDataset(ReadFileBytes(opts.path), opts);
}

Dataset ParseCsvDataset(std::string_view text, const CsvOptions& opts) {
  ValidateOrThrow(opts, "csv");
  const std::vector<Line> lines = SplitLines(text, opts.path);
  ML_REQUIRE(!lines.empty()) << opts.path << ": empty file, expected lines of numbers";
  const char delim = DelimiterChar(opts.delimiter);
  std::vector<std::string_view> fields;
  SplitFields(lines[0].text, delim, &fields);
  const std::size_t ncols = fields.size();
  std::vector<std::string_view> names;  // views into `text`
  const bool header = IsHeader(opts, fields);
  if (header) names = fields;
  ML_REQUIRE(ncols >= 2) << opts.path << ":" << lines[0].number
                         << ": expected at least 2 columns (features and a label) "
                         << "separated by " << Quoted(std::string(1, delim)) << ", got " << ncols;
  const std::size_t label = ResolveLabel(opts, names, ncols);
  const std::size_t first = header ? 1 : 0, n = lines.size() - first;
  ML_REQUIRE(n > 0) << opts.path << ": no data lines after the header";
  const auto ragged = [&](const Line& line, std::size_t got) {
    return InputError(opts.path + ":" + std::to_string(line.number) + ": expected " + std::to_string(ncols) +
                      " fields (as on line " + std::to_string(lines[0].number) + "), got " +
                      std::to_string(got));
  };
  // Every line's field count is checked before the n × (ncols − 1) matrix is
  // allocated (a first line of 200,000 fields followed by many short lines
  // used to allocate 200,000 × n doubles before finding line 2 ragged); then
  // the matrix is checked against the memory budget.
  for (std::size_t i = first; i < lines.size(); ++i) {
    SplitFields(lines[i].text, delim, &fields);
    if (fields.size() != ncols) throw ragged(lines[i], fields.size());
  }
  RequireMemory(ArrayBytes({static_cast<long long>(n), static_cast<long long>(ncols)}, sizeof(double)),
                opts.path + ": " + std::to_string(n) + " lines x " + std::to_string(ncols) +
                    " columns as doubles");

  Dataset ds;
  ds.source = "csv:" + ToParamMap(opts).ToString();
  ds.X.resize(static_cast<Index>(n), static_cast<Index>(ncols - 1));
  ds.y.resize(static_cast<Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const Line& line = lines[first + i];
    SplitFields(line.text, delim, &fields);
    if (fields.size() != ncols) throw ragged(line, fields.size());
    for (std::size_t j = 0, col = 0; j < ncols; ++j) {
      double v = 0;
      ML_REQUIRE(ParseNumber(fields[j], &v)) << opts.path << ":" << line.number << ": column " << j + 1
                                             << (names.empty() ? "" : " (" + Clean(names[j]) + ")") << " is "
                                             << Quoted(fields[j]) << ", expected a finite number";
      if (j == label)
        ds.y(static_cast<Index>(i)) = v;
      else
        ds.X(static_cast<Index>(i), static_cast<Index>(col++)) = v;
    }
  }
  SetLabelKind(ds, opts.labels, opts.path + ": labels");
  ds.Validate();
  return ds;
}

void WriteCsvDataset(const fs::path& path, const Dataset& ds) {
  RequireShapes(path, ds);
  AtomicFile f(path);
  std::string row;
  for (Index i = 0; i < ds.n(); ++i) {
    row.clear();
    for (Index j = 0; j < ds.d(); ++j) row += FormatDouble(ds.X(i, j)) + ',';
    row += FormatDouble(ds.y(i));
    row += '\n';
    f.Write(row.data(), row.size());
  }
  f.Commit();
}

void WriteJsonDataset(const fs::path& path, const Dataset& ds) {
  RequireShapes(path, ds);
  // Streamed value by value (the same bytes as dumping one JSON document): a document tree of
  // n·d numbers took ~40 bytes each (3 GB for xor:n=2,d=1e8, then std::bad_alloc).
  auto text = [](const nlohmann::ordered_json& v) {
    return v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  AtomicFile f(path);
  std::ostream& out = f.stream();
  out << "{\"source\":" << text(ds.source) << ",\"n\":" << ds.n() << ",\"d\":" << ds.d()
      << ",\"label_kind\":" << text(ToString(ds.kind)) << ",\"num_classes\":" << ds.num_classes << ",\"X\":[";
  std::string row;
  for (Index i = 0; i < ds.n(); ++i) {
    row = i ? ",[" : "[";
    for (Index k = 0; k < ds.d(); ++k) {
      if (k) row += ',';
      row += text(ds.X(i, k));
    }
    out << row << ']';
  }
  out << "],\"y\":[";
  for (Index i = 0; i < ds.n(); ++i) out << (i ? "," : "") << text(ds.y[i]);
  out << "]}\n";
  f.Commit();
}

}  // namespace marginlab
