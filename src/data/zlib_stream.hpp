// The one wrapper of zlib (private to the library: zlib is not part of the public interface),
// used by the IDX reader/writer (gzip files, RFC 1952) and the .npz reader/writer (raw deflate
// members, RFC 1951, and the zip CRC-32).
//
// InflateStream decompresses a piece at a time, so the caller decides how much output to accept:
// nothing is allocated from what a file claims, only for output that actually arrives and that
// the caller asked for (a small file that inflates to gigabytes costs no more than the caller's
// limit). zlib counts in 32-bit uInt: input and output are fed in pieces of at most 1 GiB.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace marginlab::zlib_io {

enum class Format {
  kGzip,        // one or more gzip members (as gzip -d reads them); other trailing bytes are an error
  kRawDeflate,  // one raw deflate stream (a zip member); input after its end is ignored
};

bool IsGzip(std::string_view bytes);  // starts with the gzip magic 1f 8b

class InflateStream {
 public:
  // `name` prefixes every error message (a path, or "<archive>: member 'x'").
  InflateStream(std::string_view in, Format format, std::string name);
  ~InflateStream();
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;

  // Appends up to `n` more decompressed bytes to `out` (fewer only when the data end); the buffer
  // grows by doubling as output arrives. InputError naming the stream on corrupt or truncated
  // data ("corrupt gzip stream (…)", "truncated gzip stream (ends after N decompressed bytes)";
  // for raw deflate "corrupt deflate data (…)", "corrupt deflate data (truncated after N …)") and,
  // for gzip, on trailing bytes that are not another member.
  void Read(std::string& out, std::size_t n);
  // Decompresses and discards up to `n` bytes; returns how many there were.
  std::size_t Skip(std::size_t n);
  bool ended() const;            // the data ended (every gzip member, or the deflate stream)
  std::size_t produced() const;  // decompressed bytes so far

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// `in` as one gzip member (default level, no file name, mtime 0: the same input gives the same
// bytes).
std::string GzipCompress(std::string_view in, const std::string& name);

// The CRC-32 of zip and gzip (ISO 3309).
std::uint32_t Crc32(std::string_view data);

}  // namespace marginlab::zlib_io
