#include "park/telemetry/json_telemetry.hpp"

#include "park/core/json.hpp"

namespace park::telemetry {
namespace {

constexpr int kMaxDepth = 8;  // records are at most array > object > values object; deeper input is refused early

std::string Join(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

Status ReadValues(const Json& object, const std::string& path, const JsonTelemetryOptions& options,
                  JsonRecord& record) {
  if (object.empty()) return Error::Invalid(path.empty() ? "body" : path, "no telemetry values");
  record.values.reserve(object.size());
  for (const auto& [key, v] : object.items()) {
    const std::string field = Join(path, key);
    if (key.empty()) return Error::Invalid(field, "a telemetry key must not be empty");
    if (Utf8Length(key) > options.max_key_chars) {
      return Error::Invalid(field, "a telemetry key is longer than " + std::to_string(options.max_key_chars));
    }
    JsonValue value;
    value.key = key;
    switch (v.type()) {
      case Json::value_t::number_float:
        value.type = ValueType::kFloat;
        value.float_value = v.get<double>();
        break;
      case Json::value_t::number_integer:
        value.type = ValueType::kInteger;
        value.int_value = v.get<int64_t>();
        break;
      case Json::value_t::number_unsigned:
        if (v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
          value.type = ValueType::kInteger;
          value.int_value = static_cast<int64_t>(v.get<uint64_t>());
        } else {
          value.type = ValueType::kUnsigned;
          value.uint_value = v.get<uint64_t>();
        }
        break;
      case Json::value_t::boolean:
        value.type = ValueType::kBoolean;
        value.bool_value = v.get<bool>();
        break;
      case Json::value_t::string:
        value.type = ValueType::kString;
        value.string_value = v.get<std::string>();
        if (Utf8Length(value.string_value) > options.max_string_chars) {
          return Error::Invalid(field, "a string value is longer than " + std::to_string(options.max_string_chars));
        }
        break;
      case Json::value_t::null: return Error::Invalid(field, "value is null; send a number, boolean or string");
      default: return Error::Invalid(field, "nested objects and arrays are not telemetry values");
    }
    record.values.push_back(std::move(value));
  }
  return Status::Ok();
}

Status ReadRecord(const Json& item, const std::string& path, const JsonTelemetryOptions& options, JsonRecord& record) {
  if (!item.is_object()) return Error::Invalid(path.empty() ? "body" : path, "a telemetry record must be an object");
  const auto ts = item.find("ts");
  const auto values = item.find("values");
  if (ts == item.end() && values == item.end()) {
    record.timestamp_ms = options.default_timestamp_ms;
    return ReadValues(item, path, options, record);
  }
  // The {"ts":..., "values":{...}} form: exactly these two keys, so a plain object with a "ts" sensor is not
  // silently read as a timestamp.
  if (ts == item.end()) return Error::Invalid(Join(path, "ts"), "\"values\" needs a \"ts\" in milliseconds");
  if (values == item.end()) return Error::Invalid(Join(path, "values"), "\"ts\" needs a \"values\" object");
  for (const auto& [key, v] : item.items()) {
    if (key != "ts" && key != "values") {
      return Error::Invalid(Join(path, key), "unknown field next to \"ts\" and \"values\"");
    }
  }
  if (ts->is_number_unsigned() || ts->is_number_integer()) {
    if (ts->is_number_unsigned() && ts->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return Error::Invalid(Join(path, "ts"), "timestamp out of range");
    }
    record.timestamp_ms = ts->get<int64_t>();
  } else {
    return Error::Invalid(Join(path, "ts"), "ts must be an integer number of milliseconds since 1970-01-01 UTC");
  }
  if (record.timestamp_ms < 0) return Error::Invalid(Join(path, "ts"), "ts must not be negative");
  if (!values->is_object()) return Error::Invalid(Join(path, "values"), "values must be an object");
  return ReadValues(*values, Join(path, "values"), options, record);
}

}  // namespace

Result<std::vector<JsonRecord>> ParseJsonTelemetry(std::string_view body, const JsonTelemetryOptions& options) {
  if (body.empty()) return Error::Invalid("body", "request body is empty");
  bool too_deep = false;
  auto limit = [&](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxDepth) {
      too_deep = true;
    }
    return !too_deep;
  };
  Json parsed = Json::parse(body.begin(), body.end(), limit, /*allow_exceptions=*/false);
  if (too_deep) return Error::Invalid("body", "JSON nests too deeply for telemetry");
  if (parsed.is_discarded()) return Error::Invalid("body", "body is not valid JSON");

  std::vector<JsonRecord> records;
  if (parsed.is_array()) {
    if (parsed.empty()) return Error::Invalid("body", "no telemetry records");
    if (parsed.size() > options.max_records) {
      return Error::Invalid("body", "more than " + std::to_string(options.max_records) + " records in one body");
    }
    records.resize(parsed.size());
    for (size_t i = 0; i < parsed.size(); ++i) {
      std::string path = "[";  // appended piecewise: GCC 12 flags literal + std::string chains with a false -Wrestrict
      path.append(std::to_string(i)).push_back(']');
      PARK_TRY(ReadRecord(parsed[i], path, options, records[i]));
    }
    return records;
  }
  records.resize(1);
  PARK_TRY(ReadRecord(parsed, "", options, records[0]));
  return records;
}

}  // namespace park::telemetry
