// libFuzzer target for the JSON request layer: parsing a body and reading it strictly must never crash, leak or
// hang, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "park/core/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = park::ParseJsonObject(body);
  if (!parsed.ok()) return 0;
  park::JsonReader r(*parsed, "body");
  (void)r.String("name", park::JsonReader::kRequired, 200);
  (void)r.Number("land_area_mu", park::JsonReader::kOptional);
  (void)r.Integer("id", park::JsonReader::kOptional);
  (void)r.Bool("active", park::JsonReader::kOptional);
  if (const park::Json* contacts = r.Array("contacts", park::JsonReader::kOptional)) {
    for (const auto& c : *contacts) {
      if (!c.is_object()) continue;
      park::JsonReader cr(c, "contacts");
      (void)cr.String("phone", park::JsonReader::kOptional);
      (void)cr.Finish();
    }
  }
  (void)r.Finish();
  return 0;
}
