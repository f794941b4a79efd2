// libFuzzer target: any body must parse without crashing, leaking or hanging, and every parsed line must be
// internally consistent (indices inside the batch, views readable, the series key buildable).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "park/telemetry/line_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace park::telemetry;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const Precision precision = static_cast<Precision>(size % 4);
  const LpBatch batch = ParseLineProtocol(body, {.precision = precision, .default_timestamp_ns = 42});
  size_t bytes = 0;
  for (const LpLine& line : batch.lines) {
    if (line.first_tag + line.tag_count > batch.tags.size()) std::abort();
    if (line.first_field + line.field_count > batch.fields.size()) std::abort();
    if (line.field_count == 0 || line.measurement.empty()) std::abort();
    bytes += SeriesKey(batch, line).size();
    for (uint32_t k = 0; k < line.field_count; ++k) {
      const LpField& f = batch.fields[line.first_field + k];
      bytes += f.key.size() + f.string_value.size();
    }
  }
  if (batch.error_count > 0) bytes += BatchError(batch).message.size();
  return bytes == static_cast<size_t>(-1) ? 1 : 0;
}
