// Request helpers of the isotope service; see service_util.hpp.
#include "service_util.hpp"

#include <stdexcept>

#include "park/core/time.hpp"

namespace park::isotope::detail {

Result<double> Number(const Json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Error::Invalid(field, T("field.required"));
  if (!it->is_number()) return Error::Invalid(field, T("field.not_number"));
  return it->get<double>();
}

Result<int64_t> Instant(const Json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Error::Invalid(field, T("field.required"));
  if (!it->is_number_integer()) return Error::Invalid(field, T("field.not_number"));
  return it->get<int64_t>();
}

std::string Str(const Json& body, const char* field) {
  const auto it = body.find(field);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::string> Code(const Json& body, const char* field, size_t max_chars) {
  std::string s = Str(body, field);
  if (s.empty()) return Error::Invalid(field, T("field.required"));
  if (s.size() > max_chars) return Error::Invalid(field, T("field.too_long", {{"max_chars", max_chars}}));
  return s;
}

Result<int64_t> InstantQuery(const http::Request& req, const char* key, int64_t fallback) {
  const auto q = req.Query(key);
  if (!q) return fallback;
  try {
    size_t used = 0;
    const int64_t at = std::stoll(std::string(*q), &used);
    if (used != q->size()) throw std::invalid_argument(key);
    return at;
  } catch (const std::exception&) {
    return Error::Invalid(key, T("field.not_number"));
  }
}

int64_t ParkMidnight(int64_t t) {
  constexpr int64_t kParkUtcOffsetMs = 8 * kMsPerHour;
  const int64_t local = t + kParkUtcOffsetMs;
  return local - ((local % kMsPerDay) + kMsPerDay) % kMsPerDay - kParkUtcOffsetMs;
}

Result<int64_t> ActingEnterprise(const Principal& who, const Json& body, const char* field) {
  if (who.enterprise_id) return *who.enterprise_id;
  const auto it = body.find(field);
  if (it == body.end() || !it->is_number_integer()) return Error::Invalid(field, T("field.required"));
  return it->get<int64_t>();
}

Status EnterpriseExists(store::Tx& tx, int64_t id, const char* field) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM enterprises WHERE id = $1", {id}));
  if (!row) return Error::Invalid(field, T("isotope.enterprise_unknown", {{"id", std::to_string(id)}}));
  return Status::Ok();
}

Status LicensedProducer(store::Tx& tx, int64_t id, int64_t at, const char* field) {
  PARK_TRY(EnterpriseExists(tx, id, field));
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT licence_expiry_at FROM isotope_producers WHERE enterprise_id = $1", {id}));
  if (!row) return Error::Invalid(field, T("isotope.producer.not_registered", {{"id", std::to_string(id)}}));
  if (row->Int(0) < at) {
    return Error::Coded(ErrorCode::kFailedPrecondition, T("isotope.producer.licence_expired", {{"date", FormatDateMs(row->Int(0))}}), field);
  }
  return Status::Ok();
}

http::RouteDoc Doc(std::string summary, std::string tag, Json request, Json response, int status) {
  http::RouteDoc d;
  d.summary = std::move(summary);
  d.tag = std::move(tag);
  d.request_schema = std::move(request);
  d.response_schema = std::move(response);
  d.success_status = status;
  return d;
}

}  // namespace park::isotope::detail
