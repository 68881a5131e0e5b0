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
// unparseable header, an unsupported dtype, or a size mismatch.
NpyArray ParseNpy(std::string_view bytes, const std::string& name);
NpyArray ReadNpy(const std::filesystem::path& path);

// The bytes of a version-1.0 '<f8' C-order .npy holding `data` with `shape`.
std::string EncodeNpy(const double* data, const std::vector<std::size_t>& shape);
std::string EncodeNpy(const Matrix& m);  // shape (rows, cols)
std::string EncodeNpy(const Vector& v);  // shape (n,)

// Rank-2 array → Matrix; rank-1 (or n×1) → Vector. InputError names `name`.
Matrix NpyToMatrix(const NpyArray& a, const std::string& name);
Vector NpyToVector(const NpyArray& a, const std::string& name);

// X.npy (n×d) and y.npy (n) → Dataset. labels: "auto" (InferLabelKind),
// "binary", "class" or "real".
Dataset LoadNpyDataset(const std::filesystem::path& x_path, const std::filesystem::path& y_path,
                       const std::string& labels = "auto");
// Writes dir/X.npy and dir/y.npy (dir is created if missing). Both files are
// written to temporaries first and renamed only when both are complete.
void WriteNpyDataset(const std::filesystem::path& dir, const Dataset& ds);

}  // namespace marginlab
