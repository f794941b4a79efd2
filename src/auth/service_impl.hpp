// Private to the auth module: the service's state and helpers shared by service.cpp and routes.cpp.
#pragma once

#include "auth/hash_gate.hpp"
#include "auth/rate_limit.hpp"
#include "park/auth/auth.hpp"

namespace park::auth {

std::string NewToken();  // crypto.cpp
User UserFromRow(const store::Row& r);  // columns as in kUserColumns
Text CheckUserName(std::string_view name);
// The catalogue name of a role ("auth.role_name.park_admin"), for texts that name one.
Text RoleNameText(Role role);
// The role/enterprise pairing every user and token must satisfy, without the database: empty when fine.
Text ScopeRule(Role role, std::optional<int64_t> enterprise_id);
// Viewer and device roles are for API tokens only: empty when a user may have the role.
Text UserRoleRule(Role role);
// Every problem of a new user that needs no database (name, role, enterprise pairing, password), each at its field.
std::vector<FieldError> CheckNewUser(const NewUser& nu);
// Likewise for a new API token (label, role, enterprise pairing, expires_in_days).
std::vector<FieldError> CheckNewToken(std::string_view label, Role role, std::optional<int64_t> enterprise_id,
                                      int64_t valid_days);
// The pairing, and that the enterprise exists.
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
