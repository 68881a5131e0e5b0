// NumPy .npz archives (see npz.hpp). Zip structures per PKWARE APPNOTE.TXT.
#include "marginlab/data/npz.hpp"

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"

namespace marginlab {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEocdSig = 0x06054b50,
                        kZip64EocdSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;

std::uint64_t Le(std::string_view b, std::size_t pos, int bytes, const std::string& name) {
  if (pos + bytes > b.size()) throw InputError(name + ": truncated zip archive (not a valid .npz)");
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  return v;
}

void Put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t pos = 0;
  while (pos < data.size()) {  // zlib takes uInt lengths
    const std::size_t chunk = std::min<std::size_t>(data.size() - pos, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + pos), static_cast<uInt>(chunk));
    pos += chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

std::string Inflate(std::string_view in, std::uint64_t out_size, const std::string& what) {
  std::string out(out_size, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw InputError(what + ": cannot initialise zlib");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  const std::uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != out_size)
    throw InputError(what + ": corrupt deflate data (expected " + std::to_string(out_size) +
                     " bytes)");
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
  std::size_t p = cd_offset;
  for (std::uint64_t e = 0; e < entries; ++e) {
    if (Le(b, p, 4, name) != kCentralSig)
      throw InputError(name + ": corrupt zip central directory (entry " + std::to_string(e) + ")");
    const auto method = Le(b, p + 10, 2, name);
    const auto crc = static_cast<std::uint32_t>(Le(b, p + 16, 4, name));
    std::uint64_t csize = Le(b, p + 20, 4, name), usize = Le(b, p + 24, 4, name);
    const auto name_len = Le(b, p + 28, 2, name), extra_len = Le(b, p + 30, 2, name),
               comment_len = Le(b, p + 32, 2, name);
    std::uint64_t local = Le(b, p + 42, 4, name);
    if (p + 46 + name_len > b.size()) throw InputError(name + ": truncated zip central directory");
    std::string member(b.substr(p + 46, name_len));
    // zip64 extra field (id 1): the 0xFFFFFFFF fields in the order usize, csize, offset.
    for (std::size_t x = p + 46 + name_len; x + 4 <= p + 46 + name_len + extra_len;) {
      const auto id = Le(b, x, 2, name), len = Le(b, x + 2, 2, name);
      if (id == 1) {
        std::size_t q = x + 4;
        if (usize == 0xFFFFFFFF) usize = Le(b, q, 8, name), q += 8;
        if (csize == 0xFFFFFFFF) csize = Le(b, q, 8, name), q += 8;
        if (local == 0xFFFFFFFF) local = Le(b, q, 8, name), q += 8;
      }
      x += 4 + len;
    }
    p += 46 + name_len + extra_len + comment_len;

    const std::string what = name + ": member '" + member + "'";
    if (Le(b, local, 4, name) != kLocalSig) throw InputError(what + ": bad local header");
    const std::size_t data_pos =
        local + 30 + Le(b, local + 26, 2, name) + Le(b, local + 28, 2, name);
    if (data_pos + csize > b.size()) throw InputError(what + ": truncated data");
    std::string_view raw = b.substr(data_pos, csize);
    std::string inflated;
    if (method == 8) {
      inflated = Inflate(raw, usize, what);
      raw = inflated;
    } else if (method != 0) {
      throw InputError(what + ": unsupported zip compression method " + std::to_string(method) +
                       " (expected stored or deflate, as numpy.savez writes)");
    }
    if (raw.size() != usize) throw InputError(what + ": size mismatch");
    if (Crc32(raw) != crc) throw InputError(what + ": CRC-32 mismatch (corrupt archive)");
    if (member.size() > 4 && member.compare(member.size() - 4, 4, ".npy") == 0)
      member.resize(member.size() - 4);
    out[member] = ParseNpy(raw, what);
  }
  return out;
}

std::map<std::string, NpyArray> ReadNpz(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open .npz file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseNpz(ss.str(), path.string());
}

void NpzWriter::Add(const std::string& key, const double* data,
                    const std::vector<std::size_t>& shape) {
  const std::string file = key + ".npy";
  for (const auto& [f, bytes] : members_) ML_CHECK(f != file) << "duplicate npz member " << key;
  members_.emplace_back(file, EncodeNpy(data, shape));
}

void NpzWriter::Add(const std::string& key, const Matrix& m) {
  members_.emplace_back(key + ".npy", EncodeNpy(m));
}

void NpzWriter::Add(const std::string& key, const Vector& v) {
  members_.emplace_back(key + ".npy", EncodeNpy(v));
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
