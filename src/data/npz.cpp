// NumPy .npz archives (see npz.hpp). Zip structures per PKWARE APPNOTE.TXT.
#include "marginlab/data/npz.hpp"

#include "data/zlib_stream.hpp"

#include <algorithm>
#include <cstdint>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/file_bytes.hpp"
#include "marginlab/core/memory.hpp"

namespace marginlab {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEocdSig = 0x06054b50,
                        kZip64EocdSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;

// The `bytes`-byte little-endian integer at `pos`. The bounds check is written
// so that it cannot wrap: offsets come from the file and may be anything up to
// 2^64 − 1 (zip64).
std::uint64_t Le(std::string_view b, std::uint64_t pos, int bytes, const std::string& name) {
  if (pos > b.size() || static_cast<std::uint64_t>(bytes) > b.size() - pos)
    throw InputError(name + ": truncated or corrupt zip archive (a record at offset " + std::to_string(pos) +
                     " runs past the end of the " + std::to_string(b.size()) +
                     "-byte file; not a valid .npz)");
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  return v;
}

// A member name from the file, made safe for a one-line message.
std::string Printable(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 80; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  return out + (s.size() > 80 ? "..." : "");
}

void Put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

using zlib_io::Crc32;

// Inflates the raw deflate stream `in`, which the directory says expands to
// `expected` bytes (already checked against the memory budget). It is never
// trusted: the output buffer grows (doubling, from at most 64 KiB)
// only as output arrives, and inflation stops with an error as soon as the
// output would exceed `expected` — so a small archive that declares, or
// inflates to, gigabytes costs at most `expected` bytes and the time to
// produce them.
std::string Inflate(std::string_view in, std::uint64_t expected, const std::string& what) {
  zlib_io::InflateStream stream(in, zlib_io::Format::kRawDeflate, what);
  std::string out;
  stream.Read(out, static_cast<std::size_t>(expected));
  if (!stream.ended() && stream.Skip(1) > 0)
    throw InputError(what + ": inflates to more than the " + std::to_string(expected) +
                     " bytes its zip directory entry declares (corrupt archive)");
  if (out.size() != expected)
    throw InputError(what + ": corrupt archive: the member inflates to " + std::to_string(out.size()) +
                     " bytes, its zip directory entry declares " + std::to_string(expected));
  return out;
}

}  // namespace

std::map<std::string, NpyArray> ParseNpz(std::string_view b, const std::string& name) {
  // End of central directory: the last signature within the final 64 KiB + 22 bytes.
  if (b.size() < 22) throw InputError(name + ": too short to be a .npz (zip) archive");
  std::size_t eocd = std::string_view::npos;
  const std::size_t lowest = b.size() > 65557 ? b.size() - 65557 : 0;
  for (std::size_t p = b.size() - 22 + 1; p-- > lowest;)
    if (Le(b, p, 4, name) == kEocdSig) {
      eocd = p;
      break;
    }
  if (eocd == std::string_view::npos)
    throw InputError(name + ": not a .npz file (no zip end-of-central-directory record)");
  std::uint64_t entries = Le(b, eocd + 10, 2, name);
  std::uint64_t cd_offset = Le(b, eocd + 16, 4, name);
  if ((entries == 0xFFFF || cd_offset == 0xFFFFFFFF) && eocd >= 20 &&
      Le(b, eocd - 20, 4, name) == kZip64LocatorSig) {
    const std::uint64_t z64 = Le(b, eocd - 20 + 8, 8, name);
    if (Le(b, z64, 4, name) != kZip64EocdSig)
      throw InputError(name + ": bad zip64 end-of-central-directory record");
    entries = Le(b, z64 + 32, 8, name);
    cd_offset = Le(b, z64 + 48, 8, name);
  }
  std::map<std::string, NpyArray> out;
  // Memory held by the members read so far (their bytes while parsed, then
  // their values as doubles): with the member being read, it must fit the budget,
  // so an archive cannot multiply one large member through many directory
  // entries.
  std::uint64_t held = 0;
  std::uint64_t p = cd_offset;
  for (std::uint64_t e = 0; e < entries; ++e) {
    if (Le(b, p, 4, name) != kCentralSig)
      throw InputError(name + ": corrupt zip central directory (entry " + std::to_string(e) + ")");
    const auto method = Le(b, p + 10, 2, name);
    const auto crc = static_cast<std::uint32_t>(Le(b, p + 16, 4, name));
    std::uint64_t csize = Le(b, p + 20, 4, name), usize = Le(b, p + 24, 4, name);
    const auto name_len = Le(b, p + 28, 2, name), extra_len = Le(b, p + 30, 2, name),
               comment_len = Le(b, p + 32, 2, name);
    std::uint64_t local = Le(b, p + 42, 4, name);
    // p + 46 <= b.size() now, so these sums (each field < 2^16) cannot wrap.
    const std::uint64_t name_pos = p + 46, extra_pos = name_pos + name_len,
                        entry_end = extra_pos + extra_len + comment_len;
    if (entry_end > b.size())
      throw InputError(name + ": truncated zip central directory (entry " + std::to_string(e) + ")");
    std::string member(b.substr(name_pos, name_len));
    // zip64 extra field (id 1): the 0xFFFFFFFF fields in the order usize, csize, offset.
    for (std::uint64_t x = extra_pos; x + 4 <= extra_pos + extra_len;) {
      const auto id = Le(b, x, 2, name), len = Le(b, x + 2, 2, name);
      const std::uint64_t field_end = x + 4 + len;
      if (id == 1) {
        std::uint64_t q = x + 4;
        auto next = [&](std::uint64_t* v) {
          if (q + 8 > field_end || q + 8 > extra_pos + extra_len)
            throw InputError(name + ": corrupt zip64 extra field (entry " + std::to_string(e) + ")");
          *v = Le(b, q, 8, name);
          q += 8;
        };
        if (usize == 0xFFFFFFFF) next(&usize);
        if (csize == 0xFFFFFFFF) next(&csize);
        if (local == 0xFFFFFFFF) next(&local);
      }
      x = field_end;
    }
    p = entry_end;

    const std::string what = name + ": member '" + Printable(member) + "'";
    if (Le(b, local, 4, name) != kLocalSig) throw InputError(what + ": bad local header");
    // Le succeeded at local + 28, so local + 30 <= b.size(): no wrap.
    const std::uint64_t data_pos = local + 30 + Le(b, local + 26, 2, name) + Le(b, local + 28, 2, name);
    if (data_pos > b.size() || csize > b.size() - data_pos)
      throw InputError(what + ": truncated data (" + std::to_string(csize) + " bytes at offset " +
                       std::to_string(data_pos) + ", the file has " + std::to_string(b.size()) + ")");
    if (member.size() > 4 && member.compare(member.size() - 4, 4, ".npy") == 0)
      member.resize(member.size() - 4);
    if (out.count(member)) throw InputError(what + ": appears twice in the archive");
    std::string_view raw = b.substr(static_cast<std::size_t>(data_pos), static_cast<std::size_t>(csize));
    // The declared size is checked here but never trusted (see Inflate).
    RequireMemory(usize, what + ": its declared uncompressed size of " + std::to_string(usize) + " bytes");
    RequireMemory(SaturatingAdd(held, usize), what + ": with the members before it, the archive's contents");
    std::string inflated;
    if (method == 8) {
      inflated = Inflate(raw, usize, what);
      raw = inflated;
    } else if (method != 0) {
      throw InputError(what + ": unsupported zip compression method " + std::to_string(method) +
                       " (expected stored or deflate, as numpy.savez writes)");
    }
    if (raw.size() != usize)
      throw InputError(what + ": size mismatch (" + std::to_string(raw.size()) + " bytes stored, " +
                       std::to_string(usize) + " declared)");
    if (Crc32(raw) != crc) throw InputError(what + ": CRC-32 mismatch (corrupt archive)");
    NpyArray a = ParseNpy(raw, what);
    held = SaturatingAdd(held, SaturatingMul(a.data.size(), sizeof(double)));
    RequireMemory(held, what + ": with the members before it, the archive's values as doubles");
    out.emplace(std::move(member), std::move(a));
  }
  return out;
}

std::map<std::string, NpyArray> ReadNpz(const std::filesystem::path& path) {
  return ParseNpz(ReadFileBytes(path), path.string());
}

void NpzWriter::Add(const std::string& key, const double* data,
                    const std::vector<std::size_t>& shape) {
  const std::string file = key + ".npy";
  for (const auto& [f, bytes] : members_) ML_CHECK(f != file) << "duplicate npz member " << key;
  members_.emplace_back(file, EncodeNpy(data, shape));
}

void NpzWriter::AddText(const std::string& key, std::string_view text) {
  const std::string file = key + ".npy";
  for (const auto& [f, bytes] : members_) ML_CHECK(f != file) << "duplicate npz member " << key;
  members_.emplace_back(file, EncodeNpyText(text));
}

void NpzWriter::Add(const std::string& key, const Matrix& m) {
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
  Add(key, r.data(), {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())});
}

void NpzWriter::Add(const std::string& key, const Vector& v) {
  Add(key, v.data(), {static_cast<std::size_t>(v.size())});
}

std::string NpzWriter::Encode() const {
  std::string out, central;
  constexpr std::uint32_t kTime = 0, kDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01 00:00
  for (const auto& [file, bytes] : members_) {
    ML_CHECK(out.size() < 0xFFFFFFFFull && bytes.size() < 0xFFFFFFFFull)
        << "npz archives over 4 GiB are not supported";
    const std::uint32_t crc = Crc32(bytes);
    const std::size_t offset = out.size();
    Put(out, kLocalSig, 4);
    Put(out, 20, 2), Put(out, 0, 2), Put(out, 0, 2), Put(out, kTime, 2), Put(out, kDate, 2);
    Put(out, crc, 4), Put(out, bytes.size(), 4), Put(out, bytes.size(), 4);
    Put(out, file.size(), 2), Put(out, 0, 2);
    out += file;
    out += bytes;
    Put(central, kCentralSig, 4);
    Put(central, 20, 2), Put(central, 20, 2), Put(central, 0, 2), Put(central, 0, 2);
    Put(central, kTime, 2), Put(central, kDate, 2);
    Put(central, crc, 4), Put(central, bytes.size(), 4), Put(central, bytes.size(), 4);
    Put(central, file.size(), 2), Put(central, 0, 2), Put(central, 0, 2);
    Put(central, 0, 2), Put(central, 0, 2), Put(central, 0, 4), Put(central, offset, 4);
    central += file;
  }
  const std::size_t cd_offset = out.size();
  out += central;
  Put(out, kEocdSig, 4);
  Put(out, 0, 2), Put(out, 0, 2), Put(out, members_.size(), 2), Put(out, members_.size(), 2);
  Put(out, central.size(), 4), Put(out, cd_offset, 4), Put(out, 0, 2);
  return out;
}

void NpzWriter::Write(const std::filesystem::path& path) const {
  AtomicFile f(path);
  const std::string bytes = Encode();
  f.Write(bytes.data(), bytes.size());
  f.Commit();
}

}  // namespace marginlab
