#include "park/telemetry/value.hpp"

namespace park::telemetry {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kFloat: return "float";
    case ValueType::kInteger: return "integer";
    case ValueType::kUnsigned: return "unsigned";
    case ValueType::kString: return "string";
    case ValueType::kBoolean: return "boolean";
  }
  return "unknown";
}

}  // namespace park::telemetry
