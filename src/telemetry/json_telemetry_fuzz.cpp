// libFuzzer target: any body must parse or be refused with a named field, never crash, leak or recurse deeply.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "park/telemetry/json_telemetry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace park::telemetry;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto records = ParseJsonTelemetry(body, {.default_timestamp_ms = 1, .max_records = 100});
  if (!records.ok()) {
    if (records.error().code != park::ErrorCode::kInvalidArgument) std::abort();
    return 0;
  }
  for (const JsonRecord& r : *records) {
    if (r.values.empty()) std::abort();
    for (const JsonValue& v : r.values) {
      if (v.key.empty()) std::abort();
    }
  }
  return 0;
}
