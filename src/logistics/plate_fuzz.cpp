// libFuzzer target for the licence-plate parser: any bytes are refused with a plate error or parsed into a plate
// whose normalised text parses again to itself; never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "park/logistics/vehicle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace park::logistics;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plate = ParsePlate(text);
  if (!plate.ok()) {
    if (plate.error().field != "plate" || plate.error().text.code.rfind("logistics.plate.", 0) != 0) std::abort();
    return 0;
  }
  auto again = ParsePlate(plate->text);
  if (!again.ok() || again->text != plate->text || again->kind != plate->kind) std::abort();
  return 0;
}
