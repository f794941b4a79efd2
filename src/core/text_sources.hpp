// Private to core: the catalogue files compiled into the binary (see text_catalogue.cpp.in).
#pragma once

#include <string_view>
#include <vector>

namespace park::text_internal {

struct CatalogueSource {
  std::string_view file;    // "carbon.en.json"
  std::string_view locale;  // "en" or "zh-CN"
  std::string_view json;
};

const std::vector<CatalogueSource>& CatalogueSources();

}  // namespace park::text_internal
