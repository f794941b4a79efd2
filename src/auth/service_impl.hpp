// Private to the auth module: the service's state and helpers shared by service.cpp and routes.cpp.
#pragma once

#include "auth/hash_gate.hpp"
#include "auth/rate_limit.hpp"
#include "park/auth/auth.hpp"

namespace park::auth {

std::string NewToken();  // crypto.cpp
User UserFromRow(const store::Row& r);  // columns as in kUserColumns
std::string CheckUserName(std::string_view name);
Status CheckScope(store::Tx& tx, Role role, std::optional<int64_t> enterprise_id, std::string_view field);

struct Service::Impl {
  Impl(store::Store& s, const Clock& c, Config cfg, http::LiveHub* h)
      : store(s),
        clock(c),
        config(cfg),
        hub(h),
        limiter(cfg.login_max_failures, cfg.login_window_ms),
        hash_gate(cfg.hashing) {}

  store::Store& store;
  const Clock& clock;
  Config config;
  http::LiveHub* hub;
  LoginLimiter limiter;
  HashGate hash_gate;  // every Argon2id hash or verification passes it

  void Publish(const Json& entry) {
    if (hub) hub->Publish("audit", Json{{"entry", entry}}, entry["enterprise_id"].is_null()
                                                                ? std::nullopt
                                                                : std::optional<int64_t>(entry["enterprise_id"].get<int64_t>()),
                          http::AuditReaders());
  }
};


}  // namespace park::auth
