// NumPy .npz archives: a zip file whose members are .npy files.
//
// Reading (ReadNpz / ParseNpz) accepts what numpy.savez and
// numpy.savez_compressed write: members stored (method 0) or deflated
// (method 8), with or without zip64 extra fields, located through the central
// directory; every member's CRC-32 is checked. Member names are returned
// without their ".npy" suffix, so numpy.savez(f, **{"init/W1": a}) is read
// back under the key "init/W1".
// Hostile archives: every offset and size from the file is bounds-checked
// without wrap-around (zip64 values up to 2^64 − 1); a member's declared
// uncompressed size, and the members together, must fit the memory budget
// (core/memory.hpp) — and the declared size is never trusted: inflation grows
// its buffer only as output arrives and stops as soon as the output exceeds
// it. Duplicate member names are an error. Values are not checked for
// finiteness here: loaders call RequireFinite (npy.hpp) on what they use.
//
// Writing (NpzWriter) stores members uncompressed (method 0) with a fixed
// timestamp (1980-01-01 00:00), so the same arrays give the same bytes; each
// member is a version-1.0 '<f8' C-order .npy (EncodeNpy), or '|u1' text (EncodeNpyText). numpy.load reads it.
// The file is written atomically (atomic_file.hpp). Archives are limited to
// 4 GiB (no zip64 on write).
// Format: PKWARE APPNOTE.TXT §4.3 (local header, central directory, end of
// central directory, zip64 end of central directory).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/data/npy.hpp"

namespace marginlab {

// Member name (without ".npy") → array, in name order. `name` (a path) appears
// in every error message (all InputError): not a zip, truncated, unsupported
// compression, CRC mismatch, sizes beyond the budget, or a member that is not
// a valid .npy.
std::map<std::string, NpyArray> ParseNpz(std::string_view bytes, const std::string& name);
std::map<std::string, NpyArray> ReadNpz(const std::filesystem::path& path);

class NpzWriter {
 public:
  // Adds a member "<key>.npy" holding `data` (C order) with `shape`.
  // Duplicate keys are an InternalError.
  void Add(const std::string& key, const double* data, const std::vector<std::size_t>& shape);
  void Add(const std::string& key, const Matrix& m);  // shape (rows, cols)
  void Add(const std::string& key, const Vector& v);  // shape (n,)
  void AddText(const std::string& key, std::string_view text);  // '|u1' UTF-8 bytes (EncodeNpyText)
  // The archive's bytes, and writing them atomically to `path`.
  std::string Encode() const;
  void Write(const std::filesystem::path& path) const;

 private:
  std::vector<std::pair<std::string, std::string>> members_;  // (file name, .npy bytes)
};

}  // namespace marginlab
