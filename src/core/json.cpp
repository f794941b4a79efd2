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

// The JSON type found, for the English message only (the Chinese one names what is expected).
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

Text WrongType(std::string_view expected, const Json& v) {
  return T("field.not_" + std::string(expected), {{"actual", TypeName(v)}});
}

// C0 controls and DEL, which have no place in a name or a note and hide in logs, exports and screens (a NUL
// truncates a C string). Tab, line feed and carriage return are kept: notes and descriptions may span lines.
bool IsRefusedControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
}

}  // namespace

Result<Json> ParseJsonObject(std::string_view body) {
  if (body.empty()) return Error::Invalid("", T("body.empty"));
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
    if (too_deep) return Error::Invalid("", T("body.too_deep", {{"max", kMaxDepth}}));
    if (duplicate) return Error::Invalid(*duplicate, T("field.duplicate"));
    // nlohmann's message carries the byte position; keep it, it helps the caller find the mistake.
    std::string what = e.what();
    const auto pos = what.find("parse error");
    return Error::Invalid("", T("body.not_json", {{"detail", pos == std::string::npos ? what : what.substr(pos)}}));
  }
  if (duplicate) return Error::Invalid(*duplicate, T("field.duplicate"));
  if (too_deep || parsed.is_discarded()) return Error::Invalid("", T("body.too_deep", {{"max", kMaxDepth}}));
  if (!parsed.is_object()) return Error::Invalid("", T("body.not_object"));
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

void JsonReader::Fail(std::string_view key, Text why) {
  const std::string path = PathOf(key);
  for (const auto& f : errors_) {
    if (f.field == path) return;  // one reason per field: the first
  }
  errors_.push_back({path, std::move(why)});
}

void JsonReader::Fail(FieldError error) { errors_.push_back(std::move(error)); }

void JsonReader::Fail(const Error& error) {
  if (!error.fields.empty()) {
    for (const auto& f : error.fields) Fail(f);
  } else {
    Fail({error.field, error.text.empty() ? T("field.invalid", {{"detail", error.message}}) : error.text});
  }
}

void JsonReader::ReadOnly(std::string_view key) {
  seen_.emplace(key);
  if (object_.contains(key)) Fail(key, T("field.read_only"));
}

const Json* JsonReader::Lookup(std::string_view key, Need need, bool& ok_out) {
  seen_.emplace(key);
  ok_out = true;
  const auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) {
    if (need == kRequired) {
      Fail(key, T("field.required"));
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
    Fail(key, WrongType("string", *v));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (const auto bad = std::find_if(s.begin(), s.end(), IsRefusedControl); bad != s.end()) {
    char code[8];
    std::snprintf(code, sizeof code, "%04X", static_cast<unsigned>(static_cast<unsigned char>(*bad)));
    Fail(key, T("field.control_character", {{"code_point", std::string("U+") + code}}));
    return std::nullopt;
  }
  if (Utf8Length(s) > max_chars) {
    Fail(key, T("field.too_long", {{"max_chars", max_chars}}));
    return std::nullopt;
  }
  if (need == kRequired && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    Fail(key, T("field.empty"));
    return std::nullopt;
  }
  return s;
}

std::optional<double> JsonReader::Number(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    Fail(key, WrongType("number", *v));
    return std::nullopt;
  }
  const double d = v->get<double>();
  if (!std::isfinite(d)) {
    Fail(key, T("field.not_finite"));
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
  Fail(key, v->is_number() ? T("field.fraction") : WrongType("integer", *v));
  return std::nullopt;
}

std::optional<bool> JsonReader::Bool(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(key, WrongType("boolean", *v));
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* JsonReader::Object(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (v && !v->is_object()) {
    Fail(key, WrongType("object", *v));
    return nullptr;
  }
  return v;
}

const Json* JsonReader::Array(std::string_view key, Need need) {
  bool ok;
  const Json* v = Lookup(key, need, ok);
  if (v && !v->is_array()) {
    Fail(key, WrongType("array", *v));
    return nullptr;
  }
  return v;
}

Status JsonReader::Finish() const {
  std::vector<FieldError> all = errors_;
  for (const auto& [key, value] : object_.items()) {
    if (!seen_.contains(key)) all.push_back({PathOf(key), T("field.unknown")});
  }
  if (all.empty()) return Status::Ok();
  return Error::Invalid(std::move(all));
}

Json TextParamsJson(const Text& text) {
  Json params = Json::object();
  for (const auto& p : text.params) {
    if (const auto* s = std::get_if<std::string>(&p.value)) {
      params[p.name] = *s;
    } else if (const auto* r = std::get_if<TextRef>(&p.value)) {
      params[p.name] = {{"code", r->code}};
    } else {
      params[p.name] = std::get<double>(p.value);
    }
  }
  return params;
}

Json TextJson(const Text& text) {
  return {{"code", text.code}, {"params", TextParamsJson(text)}, {"message", RenderText(text, Locale::kEn)}};
}

Json FieldErrorJson(const FieldError& error) {
  return {{"field", error.field},
          {"code", error.text.code},
          {"params", TextParamsJson(error.text)},
          {"message", RenderText(error.text, Locale::kEn)}};
}

Json TextListJson(const std::vector<Text>& texts) {
  Json out = Json::array();
  for (const auto& t : texts) out.push_back(TextJson(t));
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace park
