// Error codes and the error value that every module returns for expected failures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "park/core/text.hpp"

namespace park {

// What went wrong, independent of transport. The server maps each code to one HTTP status in
// src/server/error_map.cpp; when you add a code, add it there, to ErrorCodeName(), and to the OpenAPI
// `Error` schema description.
enum class ErrorCode {
  kInvalidArgument,     // the request or input is malformed or fails validation (names a field)
  kNotFound,            // the addressed thing does not exist (or is outside the caller's scope)
  kAlreadyExists,       // a unique key would be duplicated
  kConflict,            // the change conflicts with the current state (e.g. still referenced)
  kUnauthenticated,     // no or bad credentials
  kPermissionDenied,    // authenticated, but not allowed
  kPayloadTooLarge,     // request body above the configured limit
  kResourceExhausted,   // rate limited or a queue is full; try again later
  kFailedPrecondition,  // valid request that cannot be carried out now (e.g. infeasible plan)
  kUnavailable,         // a dependency is down or overloaded; try again
  kInternal,            // a bug or broken infrastructure; details only in the log
};

std::string_view ErrorCodeName(ErrorCode code);

// One bad field: where, and why as a code with parameters.
struct FieldError {
  std::string field;  // JSON path like "contacts[0].phone", a query parameter, or "" for the whole body
  Text text;
};

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m, std::string f = {}, Text t = {}, std::vector<FieldError> fs = {})
      : code(c), message(std::move(m)), field(std::move(f)), text(std::move(t)), fields(std::move(fs)) {}

  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // English, safe to show to the client; rendered from `text` when there is one
  std::string field;    // the offending input field (JSON path like "contacts[0].phone"), or empty
  Text text;            // the reason as a code with parameters, for the user's language; may be empty for
                        // errors only machines see (device protocols, configuration files)
  std::vector<FieldError> fields;  // every bad field, when the input was checked as a whole (first = field)

  // `text` rendered in English becomes `message`.
  static Error Invalid(std::string field, Text text);
  // Every bad field at once; `fields` must not be empty.
  static Error Invalid(std::vector<FieldError> fields);
  // English only: for errors that reach devices, integrators or operators, never the web app's forms.
  static Error Invalid(std::string field, std::string message) {
    return {ErrorCode::kInvalidArgument, std::move(message), std::move(field), {}, {}};
  }
  static Error Invalid(std::string field, const char* message) { return Invalid(std::move(field), std::string(message)); }
  static Error NotFound(Text text);
  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message), {}, {}, {}}; }
  static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message), {}, {}, {}}; }
  static Error Denied(Text text);
  static Error Denied(std::string message) { return {ErrorCode::kPermissionDenied, std::move(message), {}, {}, {}}; }
  static Error Conflict(Text text, std::string field = {});
  static Error Conflict(std::string message, std::string field = {}) {
    return {ErrorCode::kConflict, std::move(message), std::move(field), {}, {}};
  }
  // Any code with a text.
  static Error Coded(ErrorCode code, Text text, std::string field = {});
};

}  // namespace park
