#include <algorithm>
#include <cctype>

#include <spdlog/spdlog.h>

#include "auth/service_impl.hpp"
#include "park/auth/auth.hpp"
#include "park/core/time.hpp"
#include "park/store/audit.hpp"

namespace park::auth {

namespace {

constexpr std::string_view kSelectUserByName =
    "SELECT id, name, display_name, role, enterprise_id, disabled, created_at, updated_at, password_hash "
    "FROM users WHERE name = $1";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (name, display_name, role, enterprise_id, password_hash, disabled, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, 0, $6, $6) RETURNING id";
constexpr std::string_view kInsertToken =
    "INSERT INTO tokens (token_hash, kind, user_id, label, role, enterprise_id, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr std::string_view kSelectTokenForAuth =
    "SELECT t.id, t.kind, t.user_id, t.label, t.role, t.enterprise_id, t.expires_at, t.revoked_at, "
    "u.name, u.role, u.enterprise_id, u.disabled "
    "FROM tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1";
constexpr std::string_view kRevokeToken = "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
constexpr std::string_view kEnterpriseExists = "SELECT 1 FROM enterprises WHERE id = $1";

// A hash of a random password, verified when the user does not exist so that the answer takes as long as for a
// real user and does not reveal which names exist.
const std::string& DummyHash() {
  static const std::string h = HashPassword("not-a-real-password-0");
  return h;
}

}  // namespace


Json UserJson(const User& u) {
  return Json{{"id", u.id},
              {"name", u.name},
              {"display_name", u.display_name},
              {"role", RoleName(u.role)},
              {"enterprise_id", u.enterprise_id ? Json(*u.enterprise_id) : Json(nullptr)},
              {"disabled", u.disabled},
              {"created_at", FormatInstantMs(u.created_at)},
              {"updated_at", FormatInstantMs(u.updated_at)}};
}

User UserFromRow(const store::Row& r) {
  User u;
  u.id = r.Int(0);
  u.name = r.Text(1);
  u.display_name = r.Text(2);
  u.role = ParseRole(r.Text(3)).value_or(Role::kDriver);
  u.enterprise_id = r.OptInt(4);
  u.disabled = r.Int(5) != 0;
  u.created_at = r.Int(6);
  u.updated_at = r.Int(7);
  return u;
}

Text RoleNameText(Role role) { return T("auth.role_name." + std::string(RoleName(role))); }

Text ScopeRule(Role role, std::optional<int64_t> enterprise_id) {
  const bool needs = role == Role::kEnterpriseUser;
  const bool forbidden =
      role == Role::kParkAdmin || role == Role::kParkStaff || role == Role::kDriver || role == Role::kViewer ||
      role == Role::kGate;
  if (needs && !enterprise_id) return T("auth.enterprise_required");
  if (forbidden && enterprise_id) return T("auth.enterprise_forbidden", {{"role", TextRef{RoleNameText(role).code}}});
  return {};
}

// Checks the role/enterprise pairing every user and token must satisfy, and that the enterprise exists.
Status CheckScope(store::Tx& tx, Role role, std::optional<int64_t> enterprise_id, std::string_view field) {
  if (Text why = ScopeRule(role, enterprise_id); !why.empty()) return Error::Invalid(std::string(field), std::move(why));
  if (enterprise_id) {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEnterpriseExists, {*enterprise_id}));
    if (!row) return Error::Invalid(std::string(field), T("field.no_such_record"));
  }
  return {};
}

Text UserRoleRule(Role role) {
  if (role == Role::kViewer || role == Role::kDevice) {
    return T("auth.token_only_role", {{"role", TextRef{RoleNameText(role).code}}});
  }
  return {};
}

std::vector<FieldError> CheckNewUser(const NewUser& nu) {
  std::vector<FieldError> bad;
  if (Text why = CheckUserName(nu.name); !why.empty()) bad.push_back({"name", std::move(why)});
  if (Text why = UserRoleRule(nu.role); !why.empty()) bad.push_back({"role", std::move(why)});
  if (Text why = ScopeRule(nu.role, nu.enterprise_id); !why.empty()) bad.push_back({"enterprise_id", std::move(why)});
  if (Text why = CheckPasswordStrength(nu.password); !why.empty()) bad.push_back({"password", std::move(why)});
  return bad;
}

std::vector<FieldError> CheckNewToken(std::string_view label, Role role, std::optional<int64_t> enterprise_id,
                                      int64_t valid_days) {
  std::vector<FieldError> bad;
  if (label.empty() || Utf8Length(label) > 100) bad.push_back({"label", T("auth.label_length", {{"max_chars", 100}})});
  if (role == Role::kParkAdmin) bad.push_back({"role", T("auth.token_not_admin")});
  if (Text why = ScopeRule(role, enterprise_id); !why.empty()) bad.push_back({"enterprise_id", std::move(why)});
  if (valid_days < 1 || valid_days > 3650) {
    bad.push_back({"expires_in_days", T("field.integer_range", {{"min", 1}, {"max", 3650}})});
  }
  return bad;
}

Text CheckUserName(std::string_view name) {
  if (name.size() < 3 || name.size() > 64) return T("auth.name_length", {{"min", 3}, {"max", 64}});
  for (unsigned char c : name) {
    if (!(std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-')) {
      return T("auth.name_characters");
    }
  }
  return {};
}

Service::Service(store::Store& store, const Clock& clock, Config config, http::LiveHub* hub)
    : impl_(std::make_unique<Impl>(store, clock, config, hub)) {}

Service::~Service() = default;

Service::HashingCounts Service::Hashing() const {
  return {impl_->hash_gate.admitted(), impl_->hash_gate.refused()};
}

Result<LoginResult> Service::Login(std::string_view name, std::string_view password, std::string_view remote_ip) {
  Impl& s = *impl_;
  const int64_t now = s.clock.NowMs();
  const std::string key = std::string(name) + "|" + std::string(remote_ip);
  if (const int64_t wait = s.limiter.RetryAfterMs(key, now); wait > 0) {
    return Error::Coded(ErrorCode::kResourceExhausted,
                        T("auth.locked_out", {{"minutes", (wait + 59999) / 60000}}));
  }
  std::optional<store::Row> row;
  PARK_TRY(s.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(kSelectUserByName, {std::string(name)}));
    return {};
  }));
  bool verified = false;
  {
    PARK_ASSIGN_OR_RETURN(auto slot, s.hash_gate.Enter(std::string(remote_ip), now));
    verified = VerifyPassword(row ? row->Text(8) : DummyHash(), password);
  }
  const bool allowed = row && verified && row->Int(5) == 0;
  if (!allowed) {
    s.limiter.Fail(key, now);
    // Failed sign-ins are kept for the committee's security review.
    auto logged = s.store.Write([&](store::Tx& tx) -> Status {
      Principal who;
      who.name = std::string(name).substr(0, 64);
      store::AuditEntry e{"login_failed", "user", row ? std::optional<int64_t>(row->Int(0)) : std::nullopt,
                          std::nullopt, nullptr, Json{{"remote_ip", remote_ip}}};
      PARK_TRY(store::AppendAudit(tx, s.clock, &who, e));
      return {};
    });
    if (!logged.ok()) spdlog::warn("auth: could not record a failed login: {}", logged.error().message);
    return Error::Coded(ErrorCode::kUnauthenticated, T("auth.login_failed"));
  }
  s.limiter.Reset(key);
  LoginResult result;
  result.user = UserFromRow(*row);
  result.token = NewToken();
  result.expires_at_ms = now + s.config.session_ttl_ms;
  Json entry;
  PARK_TRY(s.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(tx.Exec(kInsertToken, {TokenHash(result.token), std::string("session"), result.user.id,
                                    std::string("login"), std::string(RoleName(result.user.role)),
                                    store::OrNull(result.user.enterprise_id), now, result.expires_at_ms}));
    Principal who;
    who.user_id = result.user.id;
    who.name = result.user.name;
    PARK_ASSIGN_OR_RETURN(entry, store::AppendAudit(tx, s.clock, &who,
                                                    {"login", "user", result.user.id, result.user.enterprise_id,
                                                     nullptr, Json{{"remote_ip", remote_ip}}}));
    return {};
  }));
  return result;
}

Result<Principal> Service::Authenticate(std::string_view token) {
  Impl& s = *impl_;
  if (token.size() < 10 || token.size() > 200) {
    return Error::Coded(ErrorCode::kUnauthenticated, T("auth.token_invalid"));
  }
  std::optional<store::Row> row;
  PARK_TRY(s.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(kSelectTokenForAuth, {TokenHash(token)}));
    return {};
  }));
  if (!row) return Error::Coded(ErrorCode::kUnauthenticated, T("auth.token_invalid"));
  if (!row->IsNull(7)) return Error::Coded(ErrorCode::kUnauthenticated, T("auth.token_revoked"));
  if (row->Int(6) <= s.clock.NowMs()) return Error::Coded(ErrorCode::kUnauthenticated, T("auth.token_expired"));
  Principal p;
  p.token_id = row->Int(0);
  p.api_token = row->Text(1) == "api";
  if (!row->IsNull(2)) {
    // A user's session: role and scope come from the user now, so a change applies at once.
    if (row->Int(11) != 0) return Error::Coded(ErrorCode::kUnauthenticated, T("auth.account_disabled"));
    p.user_id = row->Int(2);
    p.name = row->Text(8);
    p.role = ParseRole(row->Text(9)).value_or(Role::kDriver);
    p.enterprise_id = row->OptInt(10);
  } else {
    p.name = "token:" + row->Text(3);
    p.role = ParseRole(row->Text(4)).value_or(Role::kIntegrator);
    p.enterprise_id = row->OptInt(5);
  }
  return p;
}

Status Service::Logout(const Principal& who) {
  Impl& s = *impl_;
  PARK_TRY(s.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(tx.Exec(kRevokeToken, {who.token_id, s.clock.NowMs()}));
    PARK_TRY(store::AppendAudit(tx, s.clock, &who, {"logout", "token", who.token_id, std::nullopt, nullptr, nullptr}));
    return {};
  }));
  if (s.hub) s.hub->DisconnectToken(who.token_id);
  return {};
}

Result<User> Service::CreateUser(const NewUser& nu, const Principal* actor) {
  Impl& s = *impl_;
  // Every mistake at once, the enterprise's existence included, before the slow hash.
  std::vector<FieldError> bad = CheckNewUser(nu);
  const bool scope_named = std::any_of(bad.begin(), bad.end(), [](const FieldError& f) { return f.field == "enterprise_id"; });
  if (nu.enterprise_id && !scope_named) {
    bool exists = false;
    PARK_TRY(s.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEnterpriseExists, {*nu.enterprise_id}));
      exists = row.has_value();
      return {};
    }));
    if (!exists) bad.push_back({"enterprise_id", T("field.no_such_record")});
  }
  if (!bad.empty()) return Error::Invalid(std::move(bad));
  std::string hash;
  {
    PARK_ASSIGN_OR_RETURN(auto slot, s.hash_gate.Enter(actor ? "user:" + actor->name : "local", s.clock.NowMs()));
    hash = HashPassword(nu.password);  // slow on purpose: outside the transaction
  }
  User u;
  Json entry;
  PARK_TRY(s.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(CheckScope(tx, nu.role, nu.enterprise_id, "enterprise_id"));
    const int64_t now = s.clock.NowMs();
    auto row = tx.QueryOne(kInsertUser, {nu.name, nu.display_name, std::string(RoleName(nu.role)),
                                         store::OrNull(nu.enterprise_id), hash, now});
    if (!row.ok() && row.error().code == ErrorCode::kAlreadyExists) {
      return Error::Coded(ErrorCode::kAlreadyExists, T("auth.name_taken"), "name");
    }
    if (!row.ok()) return row.error();
    u = User{(*row)->Int(0), nu.name, nu.display_name, nu.role, nu.enterprise_id, false, now, now};
    PARK_ASSIGN_OR_RETURN(entry, store::AppendAudit(tx, s.clock, actor,
                                                    {"create", "user", u.id, u.enterprise_id, nullptr, UserJson(u)}));
    return {};
  }));
  s.Publish(entry);
  return u;
}

Result<IssuedToken> Service::CreateApiToken(std::string label, Role role, std::optional<int64_t> enterprise_id,
                                            int64_t valid_days, const Principal* actor) {
  Impl& s = *impl_;
  if (auto bad = CheckNewToken(label, role, enterprise_id, valid_days); !bad.empty()) {
    return Error::Invalid(std::move(bad));
  }
  IssuedToken t;
  t.token = NewToken();
  Json entry;
  PARK_TRY(s.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(CheckScope(tx, role, enterprise_id, "enterprise_id"));
    const int64_t now = s.clock.NowMs();
    t.expires_at_ms = now + valid_days * 86400000;
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertToken, {TokenHash(t.token), std::string("api"), nullptr, label,
                                                               std::string(RoleName(role)), store::OrNull(enterprise_id), now,
                                                               t.expires_at_ms}));
    t.id = row->Int(0);
    Json after = {{"id", t.id},
                  {"label", label},
                  {"role", RoleName(role)},
                  {"enterprise_id", enterprise_id ? Json(*enterprise_id) : Json(nullptr)},
                  {"expires_at", FormatInstantMs(t.expires_at_ms)}};
    PARK_ASSIGN_OR_RETURN(entry, store::AppendAudit(tx, s.clock, actor, {"create", "token", t.id, enterprise_id,
                                                                          nullptr, after}));
    return {};
  }));
  s.Publish(entry);
  return t;
}

}  // namespace park::auth
