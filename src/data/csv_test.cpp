// Tests for the CSV reader and the CSV / JSON writers: exact round trips,
// header and label-column handling, line endings, and every bad-input case
// with the file and line named in the message.
#include "marginlab/data/csv.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {

namespace fs = std::filesystem;

// EXPECT_HAS(text, part): text contains part (printed in full when not).
#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

template <class Fn>
std::string ErrorOf(Fn fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError thrown";
  return "";
}

// Writes `text` to dir/name and returns options reading it.
CsvOptions Csv(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  CsvOptions o;
  o.path = (dir / name).string();
  return o;
}

Dataset Tricky() {
  Dataset ds;
  ds.X.resize(3, 3);
  ds.X << 0.1, 1.0 / 3.0, -0.0,                                          //
      5e-324, std::numeric_limits<double>::max(), 123456789012345680.0,  //
      -2.5, 1e-7, 7;
  ds.y.resize(3);
  ds.y << 1, -1, 1;
  ds.source = "tricky";
  return ds;
}

TEST(CsvTest, RoundTripIsExact) {
  const fs::path dir = testing::ScratchDir();
  const Dataset ds = Tricky();
  WriteCsvDataset(dir / "d.csv", ds);
  const std::string text = testing::ReadFileBytes(dir / "d.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')), "0.1,0.3333333333333333,-0,1");
  CsvOptions o;
  o.path = (dir / "d.csv").string();
  const Dataset back = LoadCsvDataset(o);
  ASSERT_EQ(back.n(), 3);
  ASSERT_EQ(back.d(), 3);
  for (Index i = 0; i < 3; ++i)
    for (Index j = 0; j < 3; ++j)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(back.X(i, j)), std::bit_cast<std::uint64_t>(ds.X(i, j)));
  EXPECT_EQ(back.y, ds.y);
  EXPECT_EQ(back.kind, LabelKind::kBinary);
  // Deterministic bytes.
  WriteCsvDataset(dir / "e.csv", ds);
  EXPECT_EQ(testing::ReadFileBytes(dir / "e.csv"), text);
}

TEST(CsvTest, HeaderAndLabelColumn) {
  const fs::path dir = testing::ScratchDir();
  CsvOptions o = Csv(dir, "h.csv", "a,\"b\",y\n1,2,1\n3,4,-1\n");
  Dataset ds = LoadCsvDataset(o);  // header auto-detected, label = last column
  EXPECT_EQ(ds.X, (Matrix(2, 2) << 1, 2, 3, 4).finished());
  EXPECT_EQ(ds.y, (Vector(2) << 1, -1).finished());
  o.label = "b";
  ds = LoadCsvDataset(o);
  EXPECT_EQ(ds.X, (Matrix(2, 2) << 1, 1, 3, -1).finished());
  EXPECT_EQ(ds.kind, LabelKind::kClass);
  EXPECT_EQ(ds.num_classes, 5);
  o.label = "0";
  EXPECT_EQ(LoadCsvDataset(o).y, (Vector(2) << 1, 3).finished());
  o.label = "-2";
  EXPECT_EQ(LoadCsvDataset(o).y, (Vector(2) << 2, 4).finished());
  o.labels = "real";
  EXPECT_EQ(LoadCsvDataset(o).kind, LabelKind::kReal);
  // header=false on a numeric first line; header=true on a numeric first line.
  o = Csv(dir, "n.csv", "1,2,0.5\n3,4,1.5\n");
  o.header = "false";
  EXPECT_EQ(LoadCsvDataset(o).n(), 2);
  o.header = "true";
  EXPECT_EQ(LoadCsvDataset(o).n(), 1);
  EXPECT_EQ(LoadCsvDataset(o).kind, LabelKind::kReal);
}

TEST(CsvTest, LineEndingsDelimitersAndBlankLines) {
  const fs::path dir = testing::ScratchDir();
  CsvOptions o = Csv(dir, "crlf.csv", "x1,x2,y\r\n1,2,1\r\n\r\n3, 4 ,-1\r\n\r\n\n  \n");
  Dataset ds = LoadCsvDataset(o);
  EXPECT_EQ(ds.X, (Matrix(2, 2) << 1, 2, 3, 4).finished());
  o = Csv(dir, "t.tsv", "1\t2\t0\n3\t4\t1\n5\t6\t2");  // no final newline
  o.delimiter = "tab";
  ds = LoadCsvDataset(o);
  EXPECT_EQ(ds.n(), 3);
  EXPECT_EQ(ds.kind, LabelKind::kClass);
  EXPECT_EQ(ds.num_classes, 3);
  o = Csv(dir, "s.txt", "  1   2  -1\n3 4 1\n");
  o.delimiter = " ";
  EXPECT_EQ(LoadCsvDataset(o).X, (Matrix(2, 2) << 1, 2, 3, 4).finished());
  o = Csv(dir, "semi.csv", "1;+2;1e-3\n");
  o.delimiter = ";";
  EXPECT_EQ(LoadCsvDataset(o).y(0), 1e-3);
}

TEST(CsvTest, RaggedRow) {
  const fs::path dir = testing::ScratchDir();
  const CsvOptions o = Csv(dir, "r.csv", "a,b,y\n1,2,1\n3,4\n");
  const std::string msg = ErrorOf([&] { LoadCsvDataset(o); });
  EXPECT_HAS(msg, o.path + ":3: expected 3 fields (as on line 1), got 2");
}

TEST(CsvTest, NonNumericFieldNamesLineAndColumn) {
  const fs::path dir = testing::ScratchDir();
  CsvOptions o = Csv(dir, "b.csv", "a,b,y\n1,2,1\n\n3,abc,1\n");
  std::string msg = ErrorOf([&] { LoadCsvDataset(o); });
  EXPECT_HAS(msg, o.path + ":4: column 2 (b) is 'abc', expected a finite number");
  o = Csv(dir, "c.csv", "1,2,1\n3,nan,1\n");
  msg = ErrorOf([&] { LoadCsvDataset(o); });
  EXPECT_HAS(msg, o.path + ":2: column 2 is 'nan', expected a finite number");
  o = Csv(dir, "d.csv", "1,2,1\n3,1e999,1\n");
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ":2: column 2 is '1e999'");
  o = Csv(dir, "e.csv", "1,2,1\n3,,1\n");
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ":2: column 2 is ''");
}

TEST(CsvTest, MissingLabelColumn) {
  const fs::path dir = testing::ScratchDir();
  CsvOptions o = Csv(dir, "m.csv", "a,b,y\n1,2,1\n");
  o.label = "z";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ": no column named 'z' (columns: a, b, y)");
  o.label = "3";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }),
             o.path + ": label column 3 does not exist (the file has 3 columns)");
  o.label = "-4";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), "label column -4 does not exist");
  o = Csv(dir, "n.csv", "1,2,1\n");
  o.label = "y";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }),
             "label column 'y' is not a column index and the file has no header");
}

TEST(CsvTest, EmptyAndDegenerateFiles) {
  const fs::path dir = testing::ScratchDir();
  CsvOptions o = Csv(dir, "empty.csv", "");
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ": empty file");
  o = Csv(dir, "blank.csv", "\n \r\n\n");
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ": empty file");
  o = Csv(dir, "header.csv", "a,b,y\n");
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ": no data lines after the header");
  o = Csv(dir, "one.csv", "1\n2\n");
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), o.path + ":1: expected at least 2 columns");
  o.path = (dir / "absent.csv").string();
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), "absent.csv: no such file");
}

TEST(CsvTest, ExplicitLabelKinds) {
  const fs::path dir = testing::ScratchDir();
  CsvOptions o = Csv(dir, "k.csv", "1,2,0\n3,4,1\n");
  o.labels = "binary";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), "label of example 0 is 0, expected -1 or +1");
  o.labels = "class";
  const Dataset ds = LoadCsvDataset(o);
  EXPECT_EQ(ds.kind, LabelKind::kClass);
  EXPECT_EQ(ds.num_classes, 2);
  o = Csv(dir, "f.csv", "1,2,0.5\n");
  o.labels = "class";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), "expected a class index");
}

TEST(CsvTest, OptionsValidate) {
  CsvOptions o;
  EXPECT_HAS(o.Validate(), "path");
  o.path = "x.csv";
  EXPECT_EQ(o.Validate(), "");
  o.header = "yes";
  EXPECT_HAS(o.Validate(), "header must be auto, true or false");
  o.header = "auto";
  o.labels = "int";
  EXPECT_HAS(o.Validate(), "labels must be auto, binary, class or real");
  o.labels = "auto";
  o.delimiter = ";;";
  EXPECT_HAS(o.Validate(), "delimiter must be one character or 'tab'");
  o.delimiter = ".";
  EXPECT_HAS(o.Validate(), "cannot separate numbers");
  o.delimiter = "tab";
  EXPECT_EQ(o.Validate(), "");
  o.header = "maybe";
  EXPECT_HAS(ErrorOf([&] { LoadCsvDataset(o); }), "csv: header must be");
}

TEST(CsvTest, JsonRoundTrip) {
  const fs::path dir = testing::ScratchDir();
  Dataset ds = Tricky();
  WriteJsonDataset(dir / "d.json", ds);
  const std::string text = testing::ReadFileBytes(dir / "d.json");
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["source"], "tricky");
  EXPECT_EQ(j["n"], 3);
  EXPECT_EQ(j["d"], 3);
  EXPECT_EQ(j["label_kind"], "binary");
  EXPECT_EQ(j["num_classes"], 2);
  ASSERT_EQ(j["X"].size(), 3u);
  for (Index i = 0; i < 3; ++i) {
    ASSERT_EQ(j["X"][i].size(), 3u);
    for (Index k = 0; k < 3; ++k) EXPECT_EQ(j["X"][i][k].get<double>(), ds.X(i, k)) << i << "," << k;
    EXPECT_EQ(j["y"][i].get<double>(), ds.y(i));
  }
  EXPECT_EQ(text.find("\"source\""), 1u);  // documented key order
  WriteJsonDataset(dir / "e.json", ds);
  EXPECT_EQ(testing::ReadFileBytes(dir / "e.json"), text);
}

TEST(CsvTest, WritersFailCleanly) {
  const fs::path dir = testing::ScratchDir();
  Dataset ds = Tricky();
  EXPECT_HAS(ErrorOf([&] { WriteCsvDataset(dir / "missing" / "d.csv", ds); }), "does not exist");
  ds.X(1, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_HAS(ErrorOf([&] { WriteCsvDataset(dir / "d.csv", ds); }),
             "d.csv: cannot write a data set with non-finite values");
  EXPECT_HAS(ErrorOf([&] { WriteJsonDataset(dir / "d.json", ds); }), "d.json: cannot write");
  ds = Tricky();
  ds.y.resize(2);
  EXPECT_HAS(ErrorOf([&] { WriteCsvDataset(dir / "d.csv", ds); }), "cannot write 3 examples with 2 labels");
  EXPECT_TRUE(fs::is_empty(dir));
}


struct BudgetScope {
  explicit BudgetScope(std::uint64_t bytes) { SetMemoryBudget(bytes); }
  ~BudgetScope() { SetMemoryBudget(0); }
};

TEST(CsvTest, WideFirstLineIsRaggedBeforeAnythingIsAllocated) {
  // A first line of 200,000 fields, then 200,000 one-field lines: the matrix
  // used to be sized 200,000 × 199,999 (320 GB, std::bad_alloc) before line 2
  // was found ragged.
  std::string text;
  for (int j = 0; j < 200000; ++j) text += "1,";
  text.back() = '\n';
  for (int i = 0; i < 200000; ++i) text += "1\n";
  CsvOptions o;
  o.path = "wide.csv";
  EXPECT_HAS(ErrorOf([&] { ParseCsvDataset(text, o); }), "wide.csv:2: expected 200000 fields (as on line 1), got 1");
}

TEST(CsvTest, RaggedRowsAreReportedInLineOrder) {
  CsvOptions o;
  o.path = "r.csv";
  EXPECT_HAS(ErrorOf([&] { ParseCsvDataset("1,2,1\n1,2,3,4,5\n1\n", o); }), "r.csv:2: expected 3 fields");
}

TEST(CsvTest, MatrixMustFitTheMemoryBudget) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "1,2,3,4,5,6,7,8,9,1\n";
  CsvOptions o;
  o.path = "big.csv";
  EXPECT_EQ(ParseCsvDataset(text, o).n(), 1000);
  BudgetScope budget(64 << 10);
  EXPECT_HAS(ErrorOf([&] { ParseCsvDataset(text, o); }), "big.csv: 1000 lines x 10 columns as doubles would need");
}

}  // namespace
}  // namespace marginlab
