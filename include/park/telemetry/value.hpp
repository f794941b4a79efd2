// A telemetry field value as the ingest formats carry it.
#pragma once

#include <cstdint>
#include <string_view>

namespace park::telemetry {

// Persisted by the store as a column: do not renumber.
enum class ValueType : uint8_t {
  kFloat = 0,     // double; line protocol `1.5`, `1`; JSON non-integer numbers
  kInteger = 1,   // int64; line protocol `1i`; JSON integers
  kUnsigned = 2,  // uint64; line protocol `1u`
  kString = 3,
  kBoolean = 4,
};

std::string_view ValueTypeName(ValueType type);

}  // namespace park::telemetry
