// IDX files (the MNIST format of LeCun et al.), raw or gzip-compressed.
//
// Layout: two zero bytes, a type byte (0x08 ubyte, 0x09 sbyte, 0x0B int16,
// 0x0C int32, 0x0D float32, 0x0E float64), a byte with the number of
// dimensions, each dimension as a big-endian uint32, then the data, big-endian,
// row-major. Gzip input is detected by its magic bytes and read through zlib.
// Errors (InputError naming the file): bad magic, unknown type, data shorter
// or longer than the dimensions say, a truncated or corrupt gzip stream, a
// NaN or infinite float value in a data set.
// Memory: a gzip file's header is inflated first; its data only up to the
// size the dimensions imply (checked against the memory budget of
// core/memory.hpp first, with overflow-safe arithmetic), plus at most 1 MiB
// to count trailing bytes. The output buffer grows as output arrives, so a
// small file that declares or inflates to gigabytes is refused cheaply.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct IdxArray {
  std::uint8_t type = 0x08;
  std::vector<std::uint32_t> dims;
  std::vector<double> data;  // row-major, converted to double
};

IdxArray ReadIdx(const std::filesystem::path& path);
// The same from the file's bytes (raw or gzip); `name` appears in errors.
IdxArray ParseIdx(std::string_view bytes, const std::string& name);
// Writes `a` in its `type` (values are converted; ubyte values must be in
// [0, 255]); gzip = true compresses with zlib (deterministic: no name or time
// in the gzip header). Atomic (write-then-rename).
void WriteIdx(const std::filesystem::path& path, const IdxArray& a, bool gzip);

struct IdxOptions {
  std::string images;  // path to an idx3 (n×rows×cols) or idx2 (n×d) file
  std::string labels;  // path to the idx1 label file; "" derives it from images
                       // ("...images-idx3-ubyte..." → "...labels-idx1-ubyte...")
  std::string classes;  // "" = all; else keep only these classes, e.g. "0;3;7"
  std::string pair;     // "a/b": keep classes a and b, label a → +1, b → −1
  long limit = 0;       // keep the first `limit` examples after filtering (0 = all)
  bool scale = true;    // divide ubyte pixels by 255 (pixels in [0, 1])

  template <class V>
  void Fields(V& v) {
    v("images", images, "IDX image file (raw or .gz)");
    v("labels", labels, "IDX label file (default: derived from the image file's name)");
    v("classes", classes, "keep only these classes, separated by ';' (labels stay class indices)");
    v("pair", pair, "binary task a/b: keep classes a and b, a -> +1, b -> -1");
    v("limit", limit, "keep the first N examples after filtering (0 = all)");
    v("scale", scale, "divide ubyte pixel values by 255");
  }
  std::string Validate() const;
};

Dataset LoadIdxDataset(const IdxOptions& opts);
// The same from the two files' bytes; opts.images and opts.labels are used
// only as names in messages and in ds.source.
Dataset ParseIdxDataset(std::string_view images, std::string_view labels, const IdxOptions& opts);

}  // namespace marginlab
