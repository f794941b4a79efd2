#include "park/core/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <vector>

namespace park {
namespace {

constexpr int kMaxDepth = 32;

std::string_view TypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::discarded: return "invalid";
    default: return "a number";
  }
}

// C0 controls and DEL, which have no place in a name or a note and hide in logs, exports and screens (a NUL
// truncates a C string). Tab, line feed and carriage return are kept: notes and descriptions may span lines.
bool IsRefusedControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
}

}  // namespace

Result<Json> ParseJsonObject(std::string_view body) {
  if (body.empty()) return Error::Invalid("", "request body is empty; a JSON object is required");
  int depth = 0;
  bool too_deep = false;
  // Keys seen in each open object, innermost last. A repeated key is refused rather than the last one winning:
  // {"password":"x","password":"y"} must not mean one thing to a proxy or a log and another to us.
  std::vector<std::set<std::string, std::less<>>> keys;
  std::optional<std::string> duplicate;
  auto limit = [&](int d, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        keys.emplace_back();
        [[fallthrough]];
      case Json::parse_event_t::array_start:
        depth = d;
        if (d >= kMaxDepth) too_deep = true;
        break;
      case Json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second && !duplicate) {
          duplicate = parsed.get<std::string>();
        }
        break;
      case Json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      default:
        break;
    }
    return !too_deep && !duplicate;
  };
  Json parsed;
  try {
    parsed = Json::parse(body.begin(), body.end(), limit, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    if (too_deep) return Error::Invalid("", "JSON nests deeper than 32 levels");
    if (duplicate) return Error::Invalid(*duplicate, "appears more than once in one object");
    // nlohmann's message carries the byte position; keep it, it helps the caller find the mistake.
    std::string what = e.what();
    const auto pos = what.find("parse error");
    return Error::Invalid("", "body is not valid JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  }
  if (duplicate) return Error::Invalid(*duplicate, "appears more than once in one object");
  if (too_deep || parsed.is_discarded()) return Error::Invalid("", "JSON nests deeper than 32 levels");
  if (!parsed.is_object()) return Error::Invalid("", "body must be a JSON object");
  (void)depth;
  return parsed;
}

JsonReader::JsonReader(const Json& object, std::string path_prefix)
    : object_(object), prefix_(std::move(path_prefix)) {}

std::string JsonReader::PathOf(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

bool JsonReader::Has(std::string_view key) const {
  const auto it = object_.find(key);
  return it != object_.end() && !it->is_null();
}

void JsonReader::Fail(std::string_view key, std::string message) {
  if (!error_) error_ = Error::Invalid(PathOf(key), std::move(message));
}

void JsonReader::ReadOnly(std::string_view key) {
  seen_.emplace(key);
  if (object_.contains(key)) Fail(key, "is read-only");
}

const Json* JsonReader::Lookup(std::string_view key, Need need, bool& ok_out) {
  seen_.emplace(key);
  ok_out = true;
  const auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) {
    if (need == kRequired) {
      Fail(key, "is required");
      ok_out = false;
    }
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonReader::String(std::string_view key, Need need, size_t max_chars) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, "must be a string, not " + std::string(TypeName(*v)));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (const auto bad = std::find_if(s.begin(), s.end(), IsRefusedControl); bad != s.end()) {
    char code[8];
    std::snprintf(code, sizeof code, "%04X", static_cast<unsigned>(static_cast<unsigned char>(*bad)));
    Fail(key, std::string("must not contain control characters (found U+") + code + ")");
    return std::nullopt;
  }
  if (Utf8Length(s) > max_chars) {
    Fail(key, "must be at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  if (need == kRequired && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    Fail(key, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<double> JsonReader::Number(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    Fail(key, "must be a number, not " + std::string(TypeName(*v)));
    return std::nullopt;
  }
  const double d = v->get<double>();
  if (!std::isfinite(d)) {
    Fail(key, "must be a finite number");
    return std::nullopt;
  }
  return d;
}

std::optional<int64_t> JsonReader::Integer(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    const auto u = v->get<uint64_t>();
    if (u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
  }
  Fail(key, "must be an integer" + (v->is_number() ? std::string() : ", not " + std::string(TypeName(*v))));
  return std::nullopt;
}

std::optional<bool> JsonReader::Bool(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(key, "must be true or false, not " + std::string(TypeName(*v)));
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* JsonReader::Object(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (v && !v->is_object()) {
    Fail(key, "must be an object, not " + std::string(TypeName(*v)));
    return nullptr;
  }
  return v;
}

const Json* JsonReader::Array(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (v && !v->is_array()) {
    Fail(key, "must be an array, not " + std::string(TypeName(*v)));
    return nullptr;
  }
  return v;
}

Status JsonReader::Finish() const {
  if (error_) return *error_;
  for (const auto& [key, value] : object_.items()) {
    if (!seen_.contains(key)) return Error::Invalid(PathOf(key), "is not a known field");
  }
  return Status::Ok();
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace park
