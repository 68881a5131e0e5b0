// The zlib wrapper (see the header).
#include "data/zlib_stream.hpp"

#include <zlib.h>

#include <algorithm>

#include "marginlab/core/error.hpp"

namespace marginlab::zlib_io {

namespace {
constexpr std::size_t kChunk = std::size_t{1} << 30;  // zlib counts in uInt
}  // namespace

bool IsGzip(std::string_view b) { return b.size() >= 2 && b[0] == '\x1f' && b[1] == '\x8b'; }

struct InflateStream::State {
  std::string_view in;
  Format format;
  std::string name;
  z_stream zs{};
  std::size_t in_pos = 0, produced = 0;
  bool ended = false;

  const char* what() const { return format == Format::kGzip ? "gzip stream" : "deflate data"; }

  // One call of inflate into out[0, n); returns the bytes produced.
  std::size_t Step(Bytef* out, std::size_t n) {
    if (zs.avail_in == 0 && in_pos < in.size()) {
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      zs.avail_in = static_cast<uInt>(std::min(kChunk, in.size() - in_pos));
      in_pos += zs.avail_in;
    }
    zs.next_out = out;
    zs.avail_out = static_cast<uInt>(std::min(kChunk, n));
    const uInt out_before = zs.avail_out, in_before = zs.avail_in;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    const std::size_t got = out_before - zs.avail_out;
    produced += got;
    const bool input_done = zs.avail_in == 0 && in_pos == in.size();
    if (ret == Z_STREAM_END) {
      if (input_done || format == Format::kRawDeflate) {
        ended = true;
        return got;
      }
      const std::size_t rest = zs.avail_in + (in.size() - in_pos);
      const char* next = reinterpret_cast<const char*>(zs.next_in);
      ML_REQUIRE(zs.avail_in >= 2 && IsGzip(std::string_view(next, 2)))
          << name << ": " << rest << " trailing bytes after the end of the gzip stream";
      ML_REQUIRE(inflateReset(&zs) == Z_OK) << name << ": zlib inflateReset failed";
      return got;
    }
    if (ret == Z_OK || ret == Z_BUF_ERROR) {
      // No more input, or none consumed and nothing produced: the data stop mid-stream.
      const bool stuck = zs.avail_out > 0 && (input_done || (got == 0 && zs.avail_in == in_before));
      if (stuck && format == Format::kGzip)
        throw InputError(name + ": truncated gzip stream (ends after " + std::to_string(produced) +
                         " decompressed bytes)");
      if (stuck)
        throw InputError(name + ": corrupt deflate data (truncated after " + std::to_string(produced) +
                         " decompressed bytes)");
      return got;
    }
    throw InputError(name + ": corrupt " + what() + " (" + (zs.msg ? zs.msg : "zlib error " + std::to_string(ret)) +
                     ")");
  }
};

InflateStream::InflateStream(std::string_view in, Format format, std::string name)
    : s_(std::make_unique<State>()) {
  s_->in = in;
  s_->format = format;
  s_->name = std::move(name);
  const int bits = format == Format::kGzip ? 15 + 32 : -MAX_WBITS;  // 15 + 32: detect the gzip header
  ML_REQUIRE(inflateInit2(&s_->zs, bits) == Z_OK) << s_->name << ": zlib inflateInit2 failed";
}

InflateStream::~InflateStream() { inflateEnd(&s_->zs); }

void InflateStream::Read(std::string& out, std::size_t n) {
  while (n > 0 && !s_->ended) {  // the buffer grows (doubling) as output arrives
    const std::size_t old = out.size();
    const std::size_t chunk = std::min(n, std::max<std::size_t>(std::size_t{1} << 16, old));
    out.resize(old + chunk);
    std::size_t got = 0;
    while (got < chunk && !s_->ended) got += s_->Step(reinterpret_cast<Bytef*>(out.data() + old + got), chunk - got);
    out.resize(old + got);
    n -= got;
  }
}

std::size_t InflateStream::Skip(std::size_t n) {
  Bytef scratch[1 << 14];
  std::size_t got = 0;
  while (got < n && !s_->ended) got += s_->Step(scratch, std::min(n - got, sizeof scratch));
  return got;
}

bool InflateStream::ended() const { return s_->ended; }
std::size_t InflateStream::produced() const { return s_->produced; }

std::string GzipCompress(std::string_view in, const std::string& name) {
  z_stream zs{};
  ML_REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK)
      << name << ": zlib deflateInit2 failed";
  struct End {
    z_stream* z;
    ~End() { deflateEnd(z); }
  } end{&zs};
  std::string out(deflateBound(&zs, static_cast<uLong>(std::min(kChunk, in.size()))) + 64, '\0');
  std::size_t in_pos = 0, produced = 0;
  int ret = Z_OK;
  while (ret != Z_STREAM_END) {
    if (zs.avail_in == 0 && in_pos < in.size()) {
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      zs.avail_in = static_cast<uInt>(std::min(kChunk, in.size() - in_pos));
      in_pos += zs.avail_in;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min(kChunk, out.size() - produced));
    const uInt before = zs.avail_out;
    ret = deflate(&zs, in_pos == in.size() ? Z_FINISH : Z_NO_FLUSH);
    ML_CHECK(ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR) << "deflate returned " << ret;
    produced += before - zs.avail_out;
  }
  out.resize(produced);
  return out;
}

std::uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t chunk = std::min<std::size_t>(data.size() - pos, kChunk);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + pos), static_cast<uInt>(chunk));
    pos += chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace marginlab::zlib_io
