// Request helpers shared by the isotope service's route files (service.cpp: batches and orders; stores.cpp:
// producers, generators and the waste register). Private to src/isotope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/result.hpp"
#include "park/http/router.hpp"
#include "park/isotope/isotope.hpp"
#include "park/store/store.hpp"

namespace park::isotope::detail {

inline http::Response Fail(const Error& e) { return http::Response::FromError(e); }

// A required number field of the body.
Result<double> Number(const Json& body, const char* field);
// A required instant (epoch milliseconds) of the body.
Result<int64_t> Instant(const Json& body, const char* field);
// An optional string field ("" when absent or not a string).
std::string Str(const Json& body, const char* field);
// A required string of 1..max_chars characters.
Result<std::string> Code(const Json& body, const char* field, size_t max_chars = 64);
// An instant query parameter (epoch milliseconds), `fallback` when absent; not a number -> Invalid naming `key`.
Result<int64_t> InstantQuery(const http::Request& req, const char* key, int64_t fallback);
// The `at` query parameter, `now` when absent.
inline Result<int64_t> AtQuery(const http::Request& req, int64_t now) { return InstantQuery(req, "at", now); }
// Midnight of the park's civil day (UTC+8) that contains `t`.
int64_t ParkMidnight(int64_t t);
// The enterprise a scoped caller acts for, or the body's `field` for park roles.
Result<int64_t> ActingEnterprise(const Principal& who, const Json& body, const char* field);
Status EnterpriseExists(store::Tx& tx, int64_t id, const char* field);
// A licensed producer: registered with the park, its licence valid at `at`.
Status LicensedProducer(store::Tx& tx, int64_t id, int64_t at, const char* field);

http::RouteDoc Doc(std::string summary, std::string tag, Json request, Json response, int status = 200);
inline Json Obj() { return {{"type", "object"}}; }

// A producer's open orders allocated to its batches (the allocate route; also the demo park's seeding). `who` is
// nullptr for the system.
Result<Json> AllocateOrders(store::Tx& tx, const Clock& clock, const Principal* who, int64_t producer);
// An allocated order packed, classified and dispatched (the dispatch route; also the demo's seeding). `who`, when
// given, must see the producer.
Result<Json> DispatchOrder(store::Tx& tx, const Clock& clock, const Principal* who, int64_t id, Form form,
                           std::optional<double> dose_rate_1m_msv_h, std::optional<double> surface_dose_msv_h);

// A generator as GET /generators/{id} answers it at `at`, without the caller's scope (the demo's seeding).
Result<Json> GeneratorAt(store::Tx& tx, int64_t id, int64_t at);

// The producers, generators and waste register routes (stores.cpp).
void RegisterStores(http::Router& router, store::Store& store, const Clock& clock);

// A write route's common shape: parse the JSON object body (an empty body reads as {}), run `fill` in one write
// transaction, answer its JSON with `status`.
template <typename Fill>
http::Response WriteJson(store::Store& store, const http::Request& req, int status, Fill fill) {
  auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
  if (!body.ok()) return Fail(body.error());
  Json out;
  auto st = store.Write([&](store::Tx& tx) -> Status { return fill(tx, *body, out); });
  return st.ok() ? http::Response::FromJson(out, status) : Fail(st.error());
}

}  // namespace park::isotope::detail
