#include "xlsx/zip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace park::xlsx::internal {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndSize = 22;
constexpr size_t kCentralSize = 46;
constexpr size_t kLocalSize = 30;
constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflate = 8;

Error Bad(std::string reason) { return Error::Invalid("file", std::move(reason)); }

uint16_t Get16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | static_cast<uint8_t>(b[at + 1]) << 8);
}
uint32_t Get32(std::string_view b, size_t at) { return Get16(b, at) | static_cast<uint32_t>(Get16(b, at + 2)) << 16; }

void Put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xffff);
  Put16(out, v >> 16);
}

bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // crc32 takes a uInt length; feed large inputs in pieces.
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

// Inflates a raw deflate stream that must produce exactly `size` bytes.
Result<std::string> Inflate(std::string_view in, uint32_t size, const std::string& name) {
  std::string out(static_cast<size_t>(size) + 1, '\0');  // one spare byte detects output beyond the declared size
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return Error::Internal("zlib inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int ret = Z_OK;
  while (ret == Z_OK && zs.avail_out > 0 && zs.avail_in > 0) ret = inflate(&zs, Z_NO_FLUSH);
  const size_t produced = out.size() - zs.avail_out;
  inflateEnd(&zs);
  if (ret == Z_STREAM_END && produced == size) {
    out.resize(size);
    return out;
  }
  if (produced > size) return Bad("entry " + name + " inflates beyond its declared size");
  if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_MEM_ERROR) return Bad("entry " + name + " is corrupt");
  return Bad("entry " + name + " is truncated or its size is wrong");
}

}  // namespace

Result<ZipReader> ZipReader::Open(std::string_view bytes) {
  if (bytes.size() < kEndSize) return Bad("the file is not an XLSX (ZIP) file");
  // The end record sits in the last 22 + 65535 bytes (its comment is at most 64 KiB). Search backwards for one
  // whose comment length reaches exactly to the end of the file, then for any.
  const size_t lowest = bytes.size() >= kEndSize + 0xffff ? bytes.size() - kEndSize - 0xffff : 0;
  size_t end = std::string_view::npos;
  for (size_t at = bytes.size() - kEndSize + 1; at-- > lowest;) {
    if (Get32(bytes, at) != kEndSig) continue;
    if (at + kEndSize + Get16(bytes, at + 20) == bytes.size()) {
      end = at;
      break;
    }
    if (end == std::string_view::npos) end = at;
  }
  if (end == std::string_view::npos) {
    if (bytes.size() >= 4 && Get32(bytes, 0) == kLocalSig) return Bad("the ZIP file is truncated");
    return Bad("the file is not an XLSX (ZIP) file");
  }
  if (end >= 20 && Get32(bytes, end - 20) == kZip64LocatorSig) return Bad("zip64 archives are not supported");
  const uint16_t disk = Get16(bytes, end + 4), cd_disk = Get16(bytes, end + 6);
  const uint16_t count_disk = Get16(bytes, end + 8), count = Get16(bytes, end + 10);
  const uint32_t cd_size = Get32(bytes, end + 12), cd_offset = Get32(bytes, end + 16);
  if (count == 0xffff || cd_size == 0xffffffff || cd_offset == 0xffffffff) {
    return Bad("zip64 archives are not supported");
  }
  if (disk != 0 || cd_disk != 0 || count_disk != count) return Bad("multi-part ZIP archives are not supported");
  if (static_cast<uint64_t>(cd_offset) + cd_size > end) return Bad("the ZIP central directory is truncated");

  ZipReader zip;
  zip.bytes_ = bytes;
  zip.entries_.reserve(count);
  size_t at = cd_offset;
  for (uint16_t i = 0; i < count; ++i) {
    if (at + kCentralSize > end || Get32(bytes, at) != kCentralSig) return Bad("the ZIP central directory is corrupt");
    Entry e;
    const uint16_t flags = Get16(bytes, at + 8);
    e.method = Get16(bytes, at + 10);
    e.crc = Get32(bytes, at + 16);
    e.compressed_size = Get32(bytes, at + 20);
    e.uncompressed_size = Get32(bytes, at + 24);
    const size_t name_len = Get16(bytes, at + 28), extra_len = Get16(bytes, at + 30),
                 comment_len = Get16(bytes, at + 32);
    e.local_offset = Get32(bytes, at + 42);
    const size_t next = at + kCentralSize + name_len + extra_len + comment_len;
    if (next > end) return Bad("the ZIP central directory is corrupt");
    e.name.assign(bytes.substr(at + kCentralSize, name_len));
    if (flags & 0x41) return Bad("encrypted ZIP entries are not supported (" + e.name + ")");
    if (e.compressed_size == 0xffffffff || e.uncompressed_size == 0xffffffff || e.local_offset == 0xffffffff) {
      return Bad("zip64 archives are not supported");
    }
    zip.entries_.push_back(std::move(e));
    at = next;
  }
  return zip;
}

const ZipReader::Entry* ZipReader::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  for (const Entry& e : entries_) {
    if (EqualIgnoringCase(e.name, name)) return &e;
  }
  return nullptr;
}

Result<std::string> ZipReader::Extract(std::string_view name, size_t& budget) const {
  const Entry* e = Find(name);
  if (e == nullptr) return Bad("the package has no " + std::string(name));
  if (e->uncompressed_size > budget) {
    return Bad("entry " + e->name + " is larger than the limit of " + std::to_string(budget) + " bytes");
  }
  const size_t at = e->local_offset;
  if (at + kLocalSize > bytes_.size() || Get32(bytes_, at) != kLocalSig) {
    return Bad("entry " + e->name + " has no valid local header");
  }
  const size_t data_at = at + kLocalSize + Get16(bytes_, at + 26) + Get16(bytes_, at + 28);
  if (data_at > bytes_.size() || bytes_.size() - data_at < e->compressed_size) {
    return Bad("entry " + e->name + " is truncated");
  }
  const std::string_view data = bytes_.substr(data_at, e->compressed_size);
  std::string out;
  if (e->method == kMethodStored) {
    if (e->compressed_size != e->uncompressed_size) return Bad("entry " + e->name + " has inconsistent sizes");
    out.assign(data);
  } else if (e->method == kMethodDeflate) {
    PARK_ASSIGN_OR_RETURN(out, Inflate(data, e->uncompressed_size, e->name));
  } else {
    return Bad("entry " + e->name + " uses an unsupported compression method (" + std::to_string(e->method) + ")");
  }
  if (Crc32(out) != e->crc) return Bad("entry " + e->name + " fails its CRC check (the file is corrupt)");
  budget -= out.size();
  return out;
}

std::string WriteZip(const std::vector<std::pair<std::string, std::string>>& entries, bool compress) {
  constexpr uint16_t kVersion = 20;    // 2.0: deflate
  constexpr uint16_t kDosTime = 0;     // 00:00:00
  constexpr uint16_t kDosDate = 0x21;  // 1980-01-01: fixed, so the output depends on the content only
  std::string out, central;
  for (const auto& entry : entries) {
    const std::string& name = entry.first;  // not a structured binding: clang 15 cannot capture those
    const std::string& content = entry.second;
    std::string packed;
    uint16_t method = kMethodStored;
    if (compress && !content.empty()) {
      z_stream zs{};
      if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
        packed.resize(deflateBound(&zs, static_cast<uLong>(content.size())));
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
        zs.avail_in = static_cast<uInt>(content.size());
        zs.next_out = reinterpret_cast<Bytef*>(packed.data());
        zs.avail_out = static_cast<uInt>(packed.size());
        const int ret = deflate(&zs, Z_FINISH);
        packed.resize(packed.size() - zs.avail_out);
        deflateEnd(&zs);
        if (ret == Z_STREAM_END && packed.size() < content.size()) method = kMethodDeflate;
      }
    }
    const std::string_view data = method == kMethodDeflate ? std::string_view(packed) : std::string_view(content);
    const uint32_t crc = Crc32(content);
    const uint32_t offset = static_cast<uint32_t>(out.size());
    auto common = [&](std::string& h) {
      Put16(h, 0);  // flags
      Put16(h, method);
      Put16(h, kDosTime);
      Put16(h, kDosDate);
      Put32(h, crc);
      Put32(h, static_cast<uint32_t>(data.size()));
      Put32(h, static_cast<uint32_t>(content.size()));
      Put16(h, static_cast<uint32_t>(name.size()));
      Put16(h, 0);  // extra field length
    };
    Put32(out, kLocalSig);
    Put16(out, kVersion);
    common(out);
    out.append(name);
    out.append(data);

    Put32(central, kCentralSig);
    Put16(central, kVersion);  // made by: MS-DOS, 2.0
    Put16(central, kVersion);
    common(central);
    Put16(central, 0);  // comment length
    Put16(central, 0);  // disk
    Put16(central, 0);  // internal attributes
    Put32(central, 0);  // external attributes
    Put32(central, offset);
    central.append(name);
  }
  const uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out.append(central);
  Put32(out, kEndSig);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint32_t>(entries.size()));
  Put16(out, static_cast<uint32_t>(entries.size()));
  Put32(out, static_cast<uint32_t>(central.size()));
  Put32(out, cd_offset);
  Put16(out, 0);  // comment length
  return out;
}

}  // namespace park::xlsx::internal
