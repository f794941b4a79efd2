// Strict reading of JSON input: every field is type-checked, errors name the field, unknown fields are refused.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "park/core/result.hpp"

namespace park {

using Json = nlohmann::json;

// Parses a request body that must hold one JSON object. Nesting deeper than 32 levels is refused.
Result<Json> ParseJsonObject(std::string_view body);

// Reads the fields of one JSON object. Getters record an error for the field and return nullopt; call Finish()
// at the end to get every bad field at once (one reason per field), fields nobody asked for included.
//
//   JsonReader r(body);
//   auto name = r.String("name", JsonReader::kRequired, 200);
//   auto area = r.Number("land_area_mu", JsonReader::kOptional);
//   PARK_TRY(r.Finish());
class JsonReader {
 public:
  enum Need { kRequired, kOptional };

  explicit JsonReader(const Json& object, std::string path_prefix = {});

  // Present and not null.
  bool Has(std::string_view key) const;

  std::optional<std::string> String(std::string_view key, Need need, size_t max_chars = 500);
  std::optional<double> Number(std::string_view key, Need need);
  std::optional<int64_t> Integer(std::string_view key, Need need);
  std::optional<bool> Bool(std::string_view key, Need need);
  // Marks the key as known and returns the raw value (object or array), checked for the JSON type.
  const Json* Object(std::string_view key, Need need);
  const Json* Array(std::string_view key, Need need);

  // Records a validation failure for `key` (a field keeps its first reason).
  void Fail(std::string_view key, Text why);
  // Records an error whose field is already a full path (e.g. from a nested check).
  void Fail(FieldError error);
  // Records an error from a nested check, keeping its fields (which are already full paths).
  void Fail(const Error& error);
  // Refuses the field if present: server-managed fields such as id and created_at.
  void ReadOnly(std::string_view key);

  bool ok() const { return errors_.empty(); }
  // Every recorded error and every unknown field, else OK.
  Status Finish() const;
  // The full path of a key under this reader, e.g. "contacts[1].phone".
  std::string PathOf(std::string_view key) const;

 private:
  const Json* Lookup(std::string_view key, Need need, bool& ok_out);

  const Json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
  std::vector<FieldError> errors_;
};

// Text on the wire: {"code", "params", "message"} with the English message rendered from the catalogue.
Json TextJson(const Text& text);
Json TextParamsJson(const Text& text);
// {"field", "code", "params", "message"}: one bad field of an error's "errors" list.
Json FieldErrorJson(const FieldError& error);
Json TextListJson(const std::vector<Text>& texts);

// Length of a UTF-8 string in code points (invalid UTF-8 counts bytes).
size_t Utf8Length(std::string_view s);

}  // namespace park
