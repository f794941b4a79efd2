// ThingsBoard-style JSON telemetry:
//   {"temp":81.2,"running":true}                       values at the server's receive time
//   {"ts":1700000000000,"values":{"temp":81.2}}        values at ts (milliseconds since the Unix epoch, UTC)
//   [ ...either of the above... ]                      several records in one body
// Values are numbers, booleans or strings; null, objects and arrays are refused with the field named.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/telemetry/value.hpp"

namespace park::telemetry {

struct JsonValue {
  std::string key;
  ValueType type = ValueType::kFloat;  // kFloat, kInteger (JSON integers), kUnsigned (above int64), kString, kBoolean
  double float_value = 0;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  bool bool_value = false;
  std::string string_value;
};

struct JsonRecord {
  int64_t timestamp_ms = 0;
  std::vector<JsonValue> values;  // sorted by key (the JSON object is a map; duplicate keys: the last one wins)
};

struct JsonTelemetryOptions {
  int64_t default_timestamp_ms = 0;  // the server's receive time, for records without "ts"
  size_t max_records = 10'000;
  size_t max_key_chars = 255;
  size_t max_string_chars = 4'096;
};

// Errors are kInvalidArgument and name the field as a JSON path: "values.temp", "[2].ts", "[0].values.mode".
Result<std::vector<JsonRecord>> ParseJsonTelemetry(std::string_view body, const JsonTelemetryOptions& options);

}  // namespace park::telemetry
