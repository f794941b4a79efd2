// Error codes and the error value that every module returns for expected failures.
#pragma once

#include <string>
#include <string_view>

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

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // safe to show to the client
  std::string field;    // the offending input field (JSON path like "contacts[0].phone"), or empty

  static Error Invalid(std::string field, std::string message) {
    return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message), {}}; }
  static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message), {}}; }
  static Error Denied(std::string message) { return {ErrorCode::kPermissionDenied, std::move(message), {}}; }
  static Error Conflict(std::string message, std::string field = {}) {
    return {ErrorCode::kConflict, std::move(message), std::move(field)};
  }
};

}  // namespace park
