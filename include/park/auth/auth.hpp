// Identity, access and the audit trail's readers: users with roles, Argon2id passwords, hashed expiring session
// and API tokens, and login rate limiting.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/core/result.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::auth {

struct Config {
  int64_t session_ttl_ms = 12LL * 3600 * 1000;     // a login lasts this long
  int login_max_failures = 5;                      // per user name and address within the window
  int64_t login_window_ms = 15LL * 60 * 1000;
  int64_t api_token_default_days = 365;
  // Password hashing: how many at once, how many may wait, and how many a client address may start per minute.
  struct Hashing {
    int workers = 1;
    int queue = 1;
    int64_t max_wait_ms = 2000;
    int per_address_per_minute = 600;
  } hashing;
};

struct User {
  int64_t id = 0;
  std::string name;
  std::string display_name;
  Role role = Role::kDriver;
  std::optional<int64_t> enterprise_id;
  bool disabled = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};
Json UserJson(const User& u);

struct NewUser {
  std::string name;
  std::string display_name;
  Role role = Role::kDriver;
  std::optional<int64_t> enterprise_id;
  std::string password;
};

struct LoginResult {
  std::string token;  // shown once; only its hash is stored
  int64_t expires_at_ms = 0;
  User user;
};

struct IssuedToken {
  int64_t id = 0;
  std::string token;
  int64_t expires_at_ms = 0;
};

// Argon2id (libsodium, interactive limits). The hash string carries its own salt and parameters.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// SHA-256 of a token, hex: what the tokens table stores.
std::string TokenHash(std::string_view token);
// Checks a new password; empty when acceptable, else the reason.
Text CheckPasswordStrength(std::string_view password);

class Service {
 public:
  Service(store::Store& store, const Clock& clock, Config config, http::LiveHub* hub = nullptr);
  ~Service();

  Result<LoginResult> Login(std::string_view name, std::string_view password, std::string_view remote_ip);
  Result<Principal> Authenticate(std::string_view token);
  Status Logout(const Principal& who);

  // Password checks admitted and refused (429) by the hashing bound, for /metrics.
  struct HashingCounts {
    uint64_t admitted = 0;
    uint64_t refused = 0;
  };
  HashingCounts Hashing() const;

  // `actor` null: the system (CLI, demo seeder).
  Result<User> CreateUser(const NewUser& user, const Principal* actor);
  Result<IssuedToken> CreateApiToken(std::string label, Role role, std::optional<int64_t> enterprise_id,
                                     int64_t valid_days, const Principal* actor);

  // The HTTP endpoints: /api/v1/auth/*, /api/v1/users, /api/v1/tokens, /api/v1/audit.
  void Register(http::Router& router);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::auth
