// HTTP endpoints of the auth module: sign-in, users, API tokens and the audit log.
#include "auth/service_impl.hpp"
#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/store/audit.hpp"

namespace park::auth {
namespace {

constexpr const char* kTag = "auth";  // OpenAPI tag of these routes

using http::Method;
using http::Request;
using http::Response;

constexpr std::string_view kSelectUser =
    "SELECT id, name, display_name, role, enterprise_id, disabled, created_at, updated_at FROM users WHERE id = $1";
constexpr std::string_view kListUsers =
    "SELECT id, name, display_name, role, enterprise_id, disabled, created_at, updated_at FROM users "
    "WHERE ($1 = '' OR role = $1) AND ($2 = 0 OR enterprise_id = $2) "
    "AND ($3 = '' OR lower(name) LIKE $3 ESCAPE '\\' OR lower(display_name) LIKE $3 ESCAPE '\\') "
    "ORDER BY id LIMIT $4 OFFSET $5";
constexpr std::string_view kCountUsers =
    "SELECT COUNT(*) FROM users WHERE ($1 = '' OR role = $1) AND ($2 = 0 OR enterprise_id = $2) "
    "AND ($3 = '' OR lower(name) LIKE $3 ESCAPE '\\' OR lower(display_name) LIKE $3 ESCAPE '\\')";
constexpr std::string_view kUpdateUser =
    "UPDATE users SET display_name = $2, role = $3, enterprise_id = $4, disabled = $5, updated_at = $6 WHERE id = $1";
constexpr std::string_view kUpdatePassword = "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
constexpr std::string_view kSelectPasswordHash = "SELECT password_hash FROM users WHERE id = $1";
constexpr std::string_view kRevokeUserSessions =
    "UPDATE tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id <> $3";
constexpr std::string_view kListTokens =
    "SELECT id, label, role, enterprise_id, created_at, expires_at, revoked_at FROM tokens WHERE kind = 'api' "
    "ORDER BY id LIMIT $1 OFFSET $2";
constexpr std::string_view kCountTokens = "SELECT COUNT(*) FROM tokens WHERE kind = 'api'";
constexpr std::string_view kSelectApiToken =
    "SELECT id, label, role, enterprise_id, created_at, expires_at, revoked_at FROM tokens WHERE id = $1 AND kind = 'api'";
constexpr std::string_view kRevokeToken = "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
constexpr std::string_view kListAudit =
    "SELECT id, at, actor_id, actor_name, action, entity, entity_id, enterprise_id, before, after FROM audit_log "
    "WHERE ($1 = '' OR entity = $1) AND ($2 = 0 OR entity_id = $2) AND ($3 = '' OR actor_name = $3) "
    "AND ($4 = '' OR action = $4) AND ($5 = 0 OR enterprise_id = $5) AND ($6 = 0 OR actor_id IS NOT NULL) "
    "ORDER BY id DESC LIMIT $7 OFFSET $8";
constexpr std::string_view kCountAudit =
    "SELECT COUNT(*) FROM audit_log WHERE ($1 = '' OR entity = $1) AND ($2 = 0 OR entity_id = $2) "
    "AND ($3 = '' OR actor_name = $3) AND ($4 = '' OR action = $4) AND ($5 = 0 OR enterprise_id = $5) "
    "AND ($6 = 0 OR actor_id IS NOT NULL)";

Json Nullable(std::optional<int64_t> v) { return v ? Json(*v) : Json(nullptr); }

Json TokenJson(const store::Row& r) {
  return Json{{"id", r.Int(0)},
              {"label", r.Text(1)},
              {"role", r.Text(2)},
              {"enterprise_id", Nullable(r.OptInt(3))},
              {"created_at", FormatInstantMs(r.Int(4))},
              {"expires_at", FormatInstantMs(r.Int(5))},
              {"revoked_at", r.IsNull(6) ? Json(nullptr) : Json(FormatInstantMs(r.Int(6)))}};
}

Json AuditJson(const store::Row& r) {
  auto parse = [](const store::Row& row, size_t i) {
    if (row.IsNull(i)) return Json(nullptr);
    return Json::parse(row.Text(i), nullptr, false);
  };
  return Json{{"id", r.Int(0)},
              {"at", FormatInstantMs(r.Int(1))},
              {"actor_id", Nullable(r.OptInt(2))},
              {"actor_name", r.Text(3)},
              {"action", r.Text(4)},
              {"entity", r.Text(5)},
              {"entity_id", Nullable(r.OptInt(6))},
              {"enterprise_id", Nullable(r.OptInt(7))},
              {"before", parse(r, 8)},
              {"after", parse(r, 9)}};
}

// 429 with a hint to retry: sign-ins locked out, or password hashing at its bound.
Response Busy(const Error& e) {
  Response r = Response::FromError(e);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

std::string LikePattern(std::optional<std::string_view> q) { return store::LikeContains(q.value_or(""), true); }

Result<Role> RoleField(http::Request const&, JsonReader& r, JsonReader::Need need, Role fallback) {
  auto name = r.String("role", need, 40);
  if (!name) return fallback;
  auto role = ParseRole(*name);
  if (!role) {
    r.Fail("role", T("auth.role"));
    return fallback;
  }
  return *role;
}

// Whether the body's role was read as a role (an optional one may be absent): rules that depend on the role are
// only checked when it was.
bool RoleRead(const Json& body, JsonReader::Need need) {
  const auto it = body.find("role");
  if (it == body.end() || it->is_null()) return need == JsonReader::kOptional;
  return it->is_string() && ParseRole(it->get<std::string>()).has_value();
}

const Json kUserSchema = http::ObjectSchema({{"id", {{"type", "integer"}}},
                                             {"name", {{"type", "string"}}},
                                             {"display_name", {{"type", "string"}}},
                                             {"role", {{"type", "string"}}},
                                             {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
                                             {"disabled", {{"type", "boolean"}}},
                                             {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                                             {"updated_at", {{"type", "string"}, {"format", "date-time"}}}});
const Json kTokenSchema = http::ObjectSchema({{"id", {{"type", "integer"}}},
                                              {"label", {{"type", "string"}}},
                                              {"role", {{"type", "string"}}},
                                              {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
                                              {"created_at", {{"type", "string"}}},
                                              {"expires_at", {{"type", "string"}}},
                                              {"revoked_at", {{"type", "string"}, {"nullable", true}}}});
const Json kAuditSchema = http::ObjectSchema({{"id", {{"type", "integer"}}},
                                              {"at", {{"type", "string"}}},
                                              {"actor_id", {{"type", "integer"}, {"nullable", true}}},
                                              {"actor_name", {{"type", "string"}}},
                                              {"action", {{"type", "string"}}},
                                              {"entity", {{"type", "string"}}},
                                              {"entity_id", {{"type", "integer"}, {"nullable", true}}},
                                              {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
                                              {"before", {{"nullable", true}}},
                                              {"after", {{"nullable", true}}}});

}  // namespace

void Service::Register(http::Router& router) {
  Impl* s = impl_.get();
  Service* self = this;
  const std::vector<Role> admin = {Role::kParkAdmin};

  {
    auto r = http::MakeRoute(kTag, Method::kPost, "/api/v1/auth/login", {}, "Sign in with a user name and password; returns a "
                       "bearer token (expiring, revocable). Repeated failures are rate limited (429).",
                       [self](const Request& req) {
                         auto body = ParseJsonObject(req.body);
                         if (!body.ok()) return Response::FromError(body.error());
                         JsonReader rd(*body);
                         auto name = rd.String("name", JsonReader::kRequired, 64);
                         auto password = rd.String("password", JsonReader::kRequired, 200);
                         if (auto st = rd.Finish(); !st.ok()) return Response::FromError(st.error());
                         auto res = self->Login(*name, *password, req.remote_ip);
                         if (!res.ok()) {
                           return res.error().code == ErrorCode::kResourceExhausted ? Busy(res.error())
                                                                                    : Response::FromError(res.error());
                         }
                         return Response::FromJson({{"token", res->token},
                                                    {"expires_at", FormatInstantMs(res->expires_at_ms)},
                                                    {"user", UserJson(res->user)}});
                       });
    r.doc.request_schema = http::ObjectSchema({{"name", {{"type", "string"}}}, {"password", {{"type", "string"}}}},
                                              {"name", "password"});
    r.doc.response_schema = http::ObjectSchema(
        {{"token", {{"type", "string"}}}, {"expires_at", {{"type", "string"}}}, {"user", kUserSchema}});
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kPost, "/api/v1/auth/logout", http::AllRoles(), "Revoke the token used for this call",
                       [self](const Request& req) {
                         auto st = self->Logout(req.Who());
                         return st.ok() ? Response::NoContent() : Response::FromError(st.error());
                       });
    r.doc.success_status = 204;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/auth/me", http::AllRoles(), "Who am I: the caller's user or token",
                       [s](const Request& req) {
                         const Principal& who = req.Who();
                         if (who.user_id == 0) {
                           return Response::FromJson({{"id", nullptr},
                                                      {"name", who.name},
                                                      {"display_name", who.name},
                                                      {"role", RoleName(who.role)},
                                                      {"enterprise_id", Nullable(who.enterprise_id)},
                                                      {"api_token", true}});
                         }
                         std::optional<store::Row> row;
                         auto st = s->store.Read([&](store::Tx& tx) -> Status {
                           PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(kSelectUser, {who.user_id}));
                           return {};
                         });
                         if (!st.ok()) return Response::FromError(st.error());
                         if (!row) {
                           return Response::FromError(
                               Error::NotFound(T("auth.user_not_found", {{"id", std::to_string(who.user_id)}})));
                         }
                         Json j = UserJson(UserFromRow(*row));
                         j["api_token"] = false;
                         return Response::FromJson(j);
                       });
    r.doc.response_schema = kUserSchema;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kPost, "/api/v1/auth/password", http::AllRoles(),
        "Change the caller's own password; other sessions of the user are signed out", [s](const Request& req) {
          const Principal& who = req.Who();
          if (who.user_id == 0) return Response::FromError(Error::Denied(T("auth.token_has_no_password")));
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Response::FromError(body.error());
          JsonReader rd(*body);
          auto current = rd.String("current_password", JsonReader::kRequired, 200);
          auto next = rd.String("new_password", JsonReader::kRequired, 200);
          if (next) {
            if (auto why = CheckPasswordStrength(*next); !why.empty()) rd.Fail("new_password", why);
          }
          if (auto st = rd.Finish(); !st.ok()) return Response::FromError(st.error());
          std::string hash;
          auto st = s->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectPasswordHash, {who.user_id}));
            if (row) hash = row->Text(0);
            return {};
          });
          if (!st.ok()) return Response::FromError(st.error());
          std::string new_hash;
          {
            auto slot = s->hash_gate.Enter(req.remote_ip, s->clock.NowMs());
            if (!slot.ok()) return Busy(slot.error());
            if (!VerifyPassword(hash, *current)) {
              return Response::FromError(Error::Invalid("current_password", T("auth.wrong_current_password")));
            }
            new_hash = HashPassword(*next);
          }
          st = s->store.Write([&](store::Tx& tx) -> Status {
            const int64_t now = s->clock.NowMs();
            PARK_TRY(tx.Exec(kUpdatePassword, {who.user_id, new_hash, now}));
            PARK_TRY(tx.Exec(kRevokeUserSessions, {who.user_id, now, who.token_id}));
            PARK_TRY(store::AppendAudit(tx, s->clock, &who,
                                        {"change_password", "user", who.user_id, who.enterprise_id, nullptr, nullptr}));
            return {};
          });
          if (!st.ok()) return Response::FromError(st.error());
          if (s->hub) s->hub->DisconnectUser(who.user_id, who.token_id);  // the other sessions were just revoked
          return Response::NoContent();
        });
    r.doc.request_schema = http::ObjectSchema(
        {{"current_password", {{"type", "string"}}}, {"new_password", {{"type", "string"}}}},
        {"current_password", "new_password"});
    r.doc.success_status = 204;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/users", admin, "List users (park admins)", [s](const Request& req) {
      auto page = http::ParsePage(req);
      if (!page.ok()) return Response::FromError(page.error());
      auto ent = http::QueryId(req, "enterprise_id");
      if (!ent.ok()) return Response::FromError(ent.error());
      const std::string role(req.Query("role").value_or(""));
      if (!role.empty() && !ParseRole(role)) return Response::FromError(Error::Invalid("role", T("auth.role")));
      const store::Params filter = {role, ent->value_or(0), LikePattern(req.Query("q"))};
      Json items = Json::array();
      int64_t total = 0;
      auto st = s->store.Read([&](store::Tx& tx) -> Status {
        store::Params p = filter;
        p.push_back(page->size);
        p.push_back(page->Offset());
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kListUsers, p));
        for (const auto& row : rows) items.push_back(UserJson(UserFromRow(row)));
        PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kCountUsers, filter));
        total = count->Int(0);
        return {};
      });
      if (!st.ok()) return Response::FromError(st.error());
      return Response::FromJson(http::PagedJson(std::move(items), *page, total));
    });
    r.doc.query = {{"page", "integer", "1-based page", false},
                   {"page_size", "integer", "1 to 200 (default 20)", false},
                   {"role", "string", "only this role", false},
                   {"enterprise_id", "integer", "only users of this enterprise", false},
                   {"q", "string", "text in the name or display name", false}};
    r.doc.response_schema = http::PagedSchema(kUserSchema);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kPost, "/api/v1/users", admin, "Create a user (park admins)",
                       [self](const Request& req) {
                         auto body = ParseJsonObject(req.body);
                         if (!body.ok()) return Response::FromError(body.error());
                         JsonReader rd(*body);
                         NewUser nu;
                         nu.name = rd.String("name", JsonReader::kRequired, 64).value_or("");
                         nu.display_name = rd.String("display_name", JsonReader::kOptional, 100).value_or("");
                         nu.role = *RoleField(req, rd, JsonReader::kRequired, Role::kDriver);
                         auto ent = rd.Integer("enterprise_id", JsonReader::kOptional);
                         nu.enterprise_id = ent;
                         auto password = rd.String("password", JsonReader::kRequired, 200);
                         nu.password = password.value_or("");
                         // The rules that need no database join the reader's findings, so that one answer names
                         // every mistake (a field keeps its first reason; a role that could not be read is not
                         // checked against the enterprise).
                         const bool role_read = RoleRead(*body, JsonReader::kRequired);
                         for (const auto& f : CheckNewUser(nu)) {
                           if (f.field == "password" && !password) continue;
                           if ((f.field == "role" || f.field == "enterprise_id") && !role_read) continue;
                           rd.Fail(f.field, f.text);
                         }
                         if (auto st = rd.Finish(); !st.ok()) return Response::FromError(st.error());
                         auto u = self->CreateUser(nu, &req.Who());
                         if (!u.ok()) return Response::FromError(u.error());
                         return Response::FromJson(UserJson(*u), 201);
                       });
    r.doc.request_schema = http::ObjectSchema({{"name", {{"type", "string"}}},
                                               {"display_name", {{"type", "string"}}},
                                               {"role", {{"type", "string"}}},
                                               {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
                                               {"password", {{"type", "string"}, {"minLength", 10}}}},
                                              {"name", "role", "password"});
    r.doc.response_schema = kUserSchema;
    r.doc.success_status = 201;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/users/{id}", admin, "Read a user (park admins)", [s](const Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Response::FromError(id.error());
      std::optional<store::Row> row;
      auto st = s->store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(kSelectUser, {*id}));
        return {};
      });
      if (!st.ok()) return Response::FromError(st.error());
      if (!row) return Response::FromError(Error::NotFound(T("auth.user_not_found", {{"id", std::to_string(*id)}})));
      return Response::FromJson(UserJson(UserFromRow(*row)));
    });
    r.doc.response_schema = kUserSchema;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kPatch, "/api/v1/users/{id}", admin,
        "Change a user's display name, role, enterprise, password or disable them (disabling signs them out)",
        [s](const Request& req) {
          auto id = req.IdParam();
          if (!id.ok()) return Response::FromError(id.error());
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Response::FromError(body.error());
          JsonReader rd(*body);
          rd.ReadOnly("id");
          rd.ReadOnly("name");
          rd.ReadOnly("created_at");
          rd.ReadOnly("updated_at");
          auto display = rd.String("display_name", JsonReader::kOptional, 100);
          std::optional<Role> role;
          if (rd.Has("role")) role = *RoleField(req, rd, JsonReader::kOptional, Role::kDriver);
          (void)rd.Integer("enterprise_id", JsonReader::kOptional);  // read below with null meaning "none"
          auto disabled = rd.Bool("disabled", JsonReader::kOptional);
          auto password = rd.String("password", JsonReader::kOptional, 200);
          if (password) {
            if (auto why = CheckPasswordStrength(*password); !why.empty()) rd.Fail("password", why);
          }
          if (auto st = rd.Finish(); !st.ok()) return Response::FromError(st.error());
          std::string hash;
          if (password) {
            auto slot = s->hash_gate.Enter(req.remote_ip, s->clock.NowMs());
            if (!slot.ok()) return Busy(slot.error());
            hash = HashPassword(*password);
          }
          Json entry;
          User after;
          auto st = s->store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectUser, {*id}));
            if (!row) return Error::NotFound(T("auth.user_not_found", {{"id", std::to_string(*id)}}));
            const User before = UserFromRow(*row);
            after = before;
            if (display) after.display_name = *display;
            if (role) after.role = *role;
            if (body->contains("enterprise_id")) {
              after.enterprise_id = (*body)["enterprise_id"].is_null()
                                        ? std::nullopt
                                        : std::optional<int64_t>((*body)["enterprise_id"].get<int64_t>());
            }
            if (disabled) after.disabled = *disabled;
            // Every rule at once: yourself, the role's enterprise, and that the enterprise exists.
            std::vector<FieldError> bad;
            if (after.id == req.Who().user_id && (after.disabled || after.role != Role::kParkAdmin)) {
              bad.push_back({after.disabled ? "disabled" : "role", T("auth.not_yourself")});
            }
            if (auto scope = CheckScope(tx, after.role, after.enterprise_id, "enterprise_id"); !scope.ok()) {
              if (scope.error().code != ErrorCode::kInvalidArgument) return scope.error();
              bad.push_back({scope.error().field, scope.error().text});
            }
            if (!bad.empty()) return Error::Invalid(std::move(bad));
            after.updated_at = s->clock.NowMs();
            PARK_TRY(tx.Exec(kUpdateUser, {after.id, after.display_name, std::string(RoleName(after.role)),
                                           store::OrNull(after.enterprise_id), int64_t{after.disabled ? 1 : 0},
                                           after.updated_at}));
            if (!hash.empty()) PARK_TRY(tx.Exec(kUpdatePassword, {after.id, hash, after.updated_at}));
            if (after.disabled || !hash.empty()) {
              PARK_TRY(tx.Exec(kRevokeUserSessions, {after.id, after.updated_at, int64_t{0}}));
            }
            Json after_json = UserJson(after);
            if (!hash.empty()) after_json["password"] = "changed";
            PARK_ASSIGN_OR_RETURN(entry, store::AppendAudit(tx, s->clock, &req.Who(),
                                                            {"update", "user", after.id, after.enterprise_id,
                                                             UserJson(before), after_json}));
            return {};
          });
          if (!st.ok()) return Response::FromError(st.error());
          s->Publish(entry);
          // What a live connection may see was fixed when it opened: any change to who the user is ends it.
          if (s->hub && (role || disabled || password || body->contains("enterprise_id"))) {
            s->hub->DisconnectUser(after.id);
          }
          return Response::FromJson(UserJson(after));
        });
    r.doc.request_schema = http::ObjectSchema({{"display_name", {{"type", "string"}}},
                                               {"role", {{"type", "string"}}},
                                               {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
                                               {"disabled", {{"type", "boolean"}}},
                                               {"password", {{"type", "string"}}}});
    r.doc.response_schema = kUserSchema;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/tokens", admin, "List API tokens for devices and gateways (park admins)",
                       [s](const Request& req) {
                         auto page = http::ParsePage(req);
                         if (!page.ok()) return Response::FromError(page.error());
                         Json items = Json::array();
                         int64_t total = 0;
                         auto st = s->store.Read([&](store::Tx& tx) -> Status {
                           PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kListTokens, {page->size, page->Offset()}));
                           for (const auto& row : rows) items.push_back(TokenJson(row));
                           PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kCountTokens));
                           total = count->Int(0);
                           return {};
                         });
                         if (!st.ok()) return Response::FromError(st.error());
                         return Response::FromJson(http::PagedJson(std::move(items), *page, total));
                       });
    r.doc.query = {{"page", "integer", "1-based page", false}, {"page_size", "integer", "1 to 200", false}};
    r.doc.response_schema = http::PagedSchema(kTokenSchema);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kPost, "/api/v1/tokens", admin,
        "Create an API token for a device or gateway; the token is shown once in the response",
        [self](const Request& req) {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Response::FromError(body.error());
          JsonReader rd(*body);
          auto label = rd.String("label", JsonReader::kRequired, 100);
          Role role = *RoleField(req, rd, JsonReader::kOptional, Role::kIntegrator);
          auto ent = rd.Integer("enterprise_id", JsonReader::kOptional);
          auto days = rd.Integer("expires_in_days", JsonReader::kOptional);
          // The token's rules join the reader's findings: one answer names every mistake.
          const bool role_read = RoleRead(*body, JsonReader::kOptional);
          for (const auto& f : CheckNewToken(label.value_or("x"), role, ent, days.value_or(365))) {
            if ((f.field == "role" || f.field == "enterprise_id") && !role_read) continue;
            rd.Fail(f.field, f.text);
          }
          if (auto st = rd.Finish(); !st.ok()) return Response::FromError(st.error());
          auto t = self->CreateApiToken(*label, role, ent, days.value_or(365), &req.Who());
          if (!t.ok()) return Response::FromError(t.error());
          return Response::FromJson({{"id", t->id}, {"token", t->token}, {"expires_at", FormatInstantMs(t->expires_at_ms)}},
                                    201);
        });
    r.doc.request_schema = http::ObjectSchema({{"label", {{"type", "string"}}},
                                               {"role", {{"type", "string"}, {"default", "integrator"},
                                                         {"description",
                                                          "viewer: a read-only wall-display link; device: may only "
                                                          "send telemetry (of its enterprise when scoped)"}}},
                                               {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
                                               {"expires_in_days", {{"type", "integer"}, {"default", 365}}}},
                                              {"label"});
    r.doc.response_schema = http::ObjectSchema(
        {{"id", {{"type", "integer"}}}, {"token", {{"type", "string"}}}, {"expires_at", {{"type", "string"}}}});
    r.doc.success_status = 201;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kDelete, "/api/v1/tokens/{id}", admin, "Revoke an API token at once",
                       [s](const Request& req) {
                         auto id = req.IdParam();
                         if (!id.ok()) return Response::FromError(id.error());
                         Json entry;
                         auto st = s->store.Write([&](store::Tx& tx) -> Status {
                           PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectApiToken, {*id}));
                           if (!row) return Error::NotFound(T("auth.token_not_found", {{"id", std::to_string(*id)}}));
                           const Json before = TokenJson(*row);
                           PARK_TRY(tx.Exec(kRevokeToken, {*id, s->clock.NowMs()}));
                           PARK_ASSIGN_OR_RETURN(auto after_row, tx.QueryOne(kSelectApiToken, {*id}));
                           PARK_ASSIGN_OR_RETURN(entry, store::AppendAudit(tx, s->clock, &req.Who(),
                                                                           {"revoke", "token", *id, row->OptInt(3),
                                                                            before, TokenJson(*after_row)}));
                           return {};
                         });
                         if (!st.ok()) return Response::FromError(st.error());
                         s->Publish(entry);
                         if (s->hub) s->hub->DisconnectToken(*id);
                         return Response::NoContent();
                       });
    r.doc.success_status = 204;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/audit", http::AuditReaders(),
                       "The audit log, newest first: who changed what, when, before and after (park admins)",
                       [s](const Request& req) {
                         auto page = http::ParsePage(req);
                         if (!page.ok()) return Response::FromError(page.error());
                         auto entity_id = http::QueryId(req, "entity_id");
                         if (!entity_id.ok()) return Response::FromError(entity_id.error());
                         auto ent = http::QueryId(req, "enterprise_id");
                         if (!ent.ok()) return Response::FromError(ent.error());
                         const std::string people(req.Query("people_only").value_or("false"));
                         if (people != "true" && people != "false") {
                           return Response::FromError(Error::Invalid("people_only", T("field.one_of", {{"allowed", "true, false"}})));
                         }
                         const store::Params filter = {std::string(req.Query("entity").value_or("")),
                                                       entity_id->value_or(0),
                                                       std::string(req.Query("actor").value_or("")),
                                                       std::string(req.Query("action").value_or("")),
                                                       ent->value_or(0),
                                                       int64_t{people == "true" ? 1 : 0}};
                         Json items = Json::array();
                         int64_t total = 0;
                         auto st = s->store.Read([&](store::Tx& tx) -> Status {
                           store::Params p = filter;
                           p.push_back(page->size);
                           p.push_back(page->Offset());
                           PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kListAudit, p));
                           for (const auto& row : rows) items.push_back(AuditJson(row));
                           PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kCountAudit, filter));
                           total = count->Int(0);
                           return {};
                         });
                         if (!st.ok()) return Response::FromError(st.error());
                         return Response::FromJson(http::PagedJson(std::move(items), *page, total));
                       });
    r.doc.tag = "audit";
    r.doc.query = {{"page", "integer", "1-based page", false},
                   {"page_size", "integer", "1 to 200", false},
                   {"entity", "string", "enterprise, facility, equipment, sensor, user, token, …", false},
                   {"entity_id", "integer", "one record", false},
                   {"actor", "string", "user name of who did it", false},
                   {"action", "string", "create, update, delete, login, login_failed, revoke, …", false},
                   {"enterprise_id", "integer", "changes to one enterprise's data", false},
                   {"people_only", "boolean",
                    "true: only what people did (hides the system's own entries: the simulator, the metering job, "
                    "alarms raised and cleared by the engine)",
                    false}};
    r.doc.response_schema = http::PagedSchema(kAuditSchema);
    router.Add(std::move(r));
  }
}

}  // namespace park::auth
