// libFuzzer target for the layout reader: any uploaded bytes must give a normalised layout or a list of errors,
// never a crash, a leak or a hang. A layout that is read once must read again to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "park/layout/layout.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto doc = park::ParseJsonObject(body);
  if (!doc.ok()) return 0;
  park::layout::Limits limits;
  limits.max_features = 64;
  limits.max_positions = 4096;
  auto layout = park::layout::ReadLayout(*doc, limits);
  if (!layout.ok()) {
    if (layout.error().fields.size() > limits.max_errors) std::abort();
    return 0;
  }
  auto again = park::layout::ReadLayout(*layout, limits);
  if (!again.ok() || *again != *layout) std::abort();
  return 0;
}
