// NumPy .npy files (format versions 1.0, 2.0 and 3.0), read and written.
//
// Reading accepts little- or big-endian floats (f4, f8), signed and unsigned
// integers (1, 2, 4, 8 bytes) and booleans, in C or Fortran order, and
// converts to double. Writing produces version 1.0, '<f8', C order, with the
// header padded so that the data starts at a multiple of 64 bytes — the same
// bytes numpy.save writes for a float64 array.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/core/memory.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct NpyArray {
  std::string descr;                 // e.g. "<f8" as stored in the file
  std::vector<std::size_t> shape;    // () for a scalar
  std::vector<double> data;          // C (row-major) order, converted to double
};

// Parses the bytes of one .npy file; `name` (a path or an archive member)
// appears in every error message. Throws InputError on bad magic, an
// unparseable header (over 1 MiB, more than 64 dimensions), an unsupported
// dtype, or a size mismatch, and — before allocating — when the array as
// doubles, or any one extent alone as doubles (so that (2^63, 0) is refused
// although it holds nothing), exceeds the memory budget (core/memory.hpp).
// Values are converted as stored: NaN and ±Inf are kept (see RequireFinite).
NpyArray ParseNpy(std::string_view bytes, const std::string& name);
NpyArray ReadNpy(const std::filesystem::path& path);  // also: file larger than the budget

// Finiteness. FirstNonFinite: the C-order index of the first NaN or ±Inf in
// a.data, or kNoFit (core/memory.hpp) when every value is finite.
// RequireFinite: throws InputError "<name>: element (i, j) is nan; expected
// finite numbers" — for loaders of data sets and network weights.
std::uint64_t FirstNonFinite(const NpyArray& a);
void RequireFinite(const NpyArray& a, const std::string& name);

// The bytes of a version-1.0 '<f8' C-order .npy holding `data` with `shape`.
std::string EncodeNpy(const double* data, const std::vector<std::size_t>& shape);
std::string EncodeNpy(const Matrix& m);  // shape (rows, cols)
std::string EncodeNpy(const Vector& v);  // shape (n,)
// Text as a 1-D '|u1' array of its UTF-8 bytes (numpy: bytes(a).decode()), and back: NpyText
// throws InputError naming `name` unless `a` is such an array.
std::string EncodeNpyText(std::string_view text);
std::string NpyText(const NpyArray& a, const std::string& name);

// Rank-2 array → Matrix; rank-1 (or n×1) → Vector. InputError names `name`.
Matrix NpyToMatrix(const NpyArray& a, const std::string& name);
Vector NpyToVector(const NpyArray& a, const std::string& name);

// X.npy (n×d) and y.npy (n) → Dataset. labels: "auto" (InferLabelKind),
// "binary", "class" or "real". A NaN or ±Inf feature or label is an InputError
// naming the file and the element.
Dataset LoadNpyDataset(const std::filesystem::path& x_path, const std::filesystem::path& y_path,
                       const std::string& labels = "auto");
// An .npz archive with members X (n×d) and y (n) — numpy.savez(path, X=X, y=y) — as a Dataset
// (the same checks; other members are ignored).
Dataset LoadNpzDataset(const std::filesystem::path& path, const std::string& labels = "auto");
// Writes dir/X.npy and dir/y.npy (dir is created if missing). Both files are
// written to temporaries first and renamed only when both are complete.
void WriteNpyDataset(const std::filesystem::path& dir, const Dataset& ds);

}  // namespace marginlab
