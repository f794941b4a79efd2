// A minimal ZIP container (PKWARE APPNOTE 6.3): enough to read and write .xlsx packages. Private to the module.
// Reading supports the stored and deflate methods of a single-disk archive; zip64, encryption and other methods
// are refused. Writing produces deflated entries with fixed timestamps, so equal input gives equal bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/core/result.hpp"

namespace park::xlsx::internal {

// A view over the bytes of an archive, which must outlive it. Only the central directory is parsed on Open;
// entries are decompressed on demand.
class ZipReader {
 public:
  static Result<ZipReader> Open(std::string_view bytes);

  // Whether an entry of this name exists (exact match first, then ignoring ASCII case as Office does).
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // The decompressed content of the named entry after checking its size and CRC-32. `budget` is the number of
  // uncompressed bytes the caller still allows; an entry whose declared size is larger is refused before any
  // work, one that inflates beyond its declared size is refused as corrupt, and the budget shrinks by the size read.
  Result<std::string> Extract(std::string_view name, size_t& budget) const;

 private:
  struct Entry {
    std::string name;
    uint16_t method = 0;
    uint32_t crc = 0;
    uint32_t compressed_size = 0;
    uint32_t uncompressed_size = 0;
    uint32_t local_offset = 0;
  };
  const Entry* Find(std::string_view name) const;

  std::string_view bytes_;
  std::vector<Entry> entries_;
};

// An archive of these (name, content) entries in order. `compress` false stores them uncompressed. Entry names are
// taken as they are (ASCII expected). Sizes above 4 GiB are not supported (no zip64).
std::string WriteZip(const std::vector<std::pair<std::string, std::string>>& entries, bool compress = true);

}  // namespace park::xlsx::internal
