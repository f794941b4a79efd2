#include "park/core/error.hpp"

namespace park {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace park

namespace park {

Error Error::Coded(ErrorCode code, Text text, std::string field) {
  Error e{code, RenderText(text, Locale::kEn), std::move(field), std::move(text), {}};
  return e;
}

Error Error::Invalid(std::string field, Text text) {
  return Coded(ErrorCode::kInvalidArgument, std::move(text), std::move(field));
}

Error Error::Invalid(std::vector<FieldError> fields) {
  Error e = fields.empty() ? Coded(ErrorCode::kInvalidArgument, T("request.invalid"))
                           : Coded(ErrorCode::kInvalidArgument, fields.front().text, fields.front().field);
  e.fields = std::move(fields);
  return e;
}

Error Error::NotFound(Text text) { return Coded(ErrorCode::kNotFound, std::move(text)); }
Error Error::Denied(Text text) { return Coded(ErrorCode::kPermissionDenied, std::move(text)); }
Error Error::Conflict(Text text, std::string field) {
  return Coded(ErrorCode::kConflict, std::move(text), std::move(field));
}

}  // namespace park
