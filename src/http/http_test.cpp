#include <gtest/gtest.h>

#include "park/http/http.hpp"
#include "park/http/live.hpp"
#include "park/http/metrics.hpp"
#include "park/http/router.hpp"

namespace park::http {
namespace {

TEST(ErrorMap, EveryCodeHasOneStatus) {
  struct Case {
    ErrorCode code;
    int status;
    const char* name;
  };
  const Case cases[] = {
      {ErrorCode::kInvalidArgument, 400, "invalid_argument"},
      {ErrorCode::kUnauthenticated, 401, "unauthenticated"},
      {ErrorCode::kPermissionDenied, 403, "permission_denied"},
      {ErrorCode::kNotFound, 404, "not_found"},
      {ErrorCode::kAlreadyExists, 409, "already_exists"},
      {ErrorCode::kConflict, 409, "conflict"},
      {ErrorCode::kPayloadTooLarge, 413, "payload_too_large"},
      {ErrorCode::kFailedPrecondition, 422, "failed_precondition"},
      {ErrorCode::kResourceExhausted, 429, "resource_exhausted"},
      {ErrorCode::kInternal, 500, "internal"},
      {ErrorCode::kUnavailable, 503, "unavailable"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(HttpStatusFor(c.code), c.status) << c.name;
    const Response r = Response::FromError(Error{c.code, "msg", "f"});
    EXPECT_EQ(r.status, c.status);
    const Json body = Json::parse(r.body);
    EXPECT_EQ(body, (Json{{"error", {{"code", c.name}, {"message", "msg"}, {"field", "f"}}}}));
  }
}

Route MakeRoute(Method m, std::string pattern, std::string tag) {
  Route r;
  r.method = m;
  r.pattern = std::move(pattern);
  r.roles = AllRoles();
  r.doc.summary = "s";
  r.doc.tag = tag;
  r.handler = [tag](const Request&) { return Response::Text(tag, "text/plain"); };
  return r;
}

TEST(Router, MatchesLiteralBeforeParameter) {
  Router router;
  router.Add(MakeRoute(Method::kGet, "/api/v1/users/{id}", "by-id"));
  router.Add(MakeRoute(Method::kGet, "/api/v1/users/me", "me"));
  router.Add(MakeRoute(Method::kDelete, "/api/v1/users/{id}", "delete"));
  router.Add(MakeRoute(Method::kGet, "/api/v1/enterprises/{id}/facilities", "nested"));

  struct Case {
    Method method;
    const char* path;
    const char* tag;  // nullptr: no route
    bool path_known;
    const char* id;
  };
  const Case cases[] = {
      {Method::kGet, "/api/v1/users/me", "me", true, ""},
      {Method::kGet, "/api/v1/users/42", "by-id", true, "42"},
      {Method::kDelete, "/api/v1/users/42", "delete", true, "42"},
      {Method::kPost, "/api/v1/users/42", nullptr, true, ""},
      {Method::kGet, "/api/v1/users", nullptr, false, ""},
      {Method::kGet, "/api/v1/users/", nullptr, false, ""},
      {Method::kGet, "/api/v1/enterprises/7/facilities", "nested", true, "7"},
      {Method::kGet, "/nothing", nullptr, false, ""},
  };
  for (const auto& c : cases) {
    const auto m = router.Find(c.method, c.path);
    EXPECT_EQ(m.path_known, c.path_known) << c.path;
    if (!c.tag) {
      EXPECT_EQ(m.route, nullptr) << c.path;
      continue;
    }
    ASSERT_NE(m.route, nullptr) << c.path;
    EXPECT_EQ(m.route->doc.tag, c.tag);
    Request req;
    req.params = m.params;
    EXPECT_EQ(req.Param("id"), c.id);
  }
}

TEST(Router, DuplicateRouteIsABug) {
  Router router;
  router.Add(MakeRoute(Method::kGet, "/a/{id}", "x"));
  EXPECT_DEATH(router.Add(MakeRoute(Method::kGet, "/a/{other}", "y")), "");
}

TEST(Router, OpenApiDescribesEveryRoute) {
  Router router;
  Route r = MakeRoute(Method::kPost, "/api/v1/things/{id}", "things");
  r.doc.request_schema = ObjectSchema({{"name", {{"type", "string"}}}}, {"name"});
  r.roles = {Role::kParkAdmin};
  router.Add(std::move(r));
  Route pub = MakeRoute(Method::kGet, "/healthz", "ops");
  pub.authenticated = false;
  pub.roles = {};
  router.Add(std::move(pub));
  const Json doc = router.OpenApi("ParkBrain", "1");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const Json& op = doc["paths"]["/api/v1/things/{id}"]["post"];
  EXPECT_EQ(op["x-roles"], "park_admin");
  EXPECT_EQ(op["parameters"][0]["name"], "id");
  EXPECT_EQ(op["parameters"][0]["schema"]["type"], "integer");
  EXPECT_TRUE(op.contains("requestBody"));
  EXPECT_FALSE(doc["paths"]["/healthz"]["get"].contains("security"));
}

TEST(Query, ParsesAndDecodes) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(ParseQueryString("q=%E5%8C%BB%E8%8D%AF&page=2&flag&x=a+b", q));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].second, "医药");
  EXPECT_EQ(q[2].first, "flag");
  EXPECT_EQ(q[3].second, "a b");
  std::vector<std::pair<std::string, std::string>> bad;
  EXPECT_FALSE(ParseQueryString("q=%E5%8", bad));
  EXPECT_FALSE(ParseQueryString("q=%zz", bad));
}

TEST(Paging, Validation) {
  struct Case {
    const char* page;
    const char* size;
    bool ok;
    const char* field;
  };
  const Case cases[] = {
      {"1", "20", true, ""},   {"3", "200", true, ""},     {"0", "20", false, "page"},
      {"-1", "20", false, "page"}, {"1", "201", false, "page_size"}, {"x", "20", false, "page"},
      {"1", "0", false, "page_size"},
  };
  for (const auto& c : cases) {
    Request req;
    req.query = {{"page", c.page}, {"page_size", c.size}};
    auto p = ParsePage(req);
    EXPECT_EQ(p.ok(), c.ok) << c.page << "/" << c.size;
    if (!p.ok()) {
      EXPECT_EQ(p.error().field, c.field);
    }
  }
  Request req;
  auto p = ParsePage(req);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->page, 1);
  EXPECT_EQ(p->size, 20);
}

TEST(LiveHub, ScopesEventsByEnterprise) {
  LiveHub hub;
  auto make = [](Role role, std::optional<int64_t> ent) {
    Principal p;
    p.role = role;
    p.enterprise_id = ent;
    return p;
  };
  std::vector<std::string> admin_got, ent1_got, ent2_got, driver_got;
  auto sink = [](std::vector<std::string>& v) {
    return [&v](std::shared_ptr<const std::string> s) {
      v.push_back(*s);
      return true;
    };
  };
  hub.Subscribe(make(Role::kParkAdmin, std::nullopt), sink(admin_got));
  hub.Subscribe(make(Role::kEnterpriseUser, 1), sink(ent1_got));
  hub.Subscribe(make(Role::kEnterpriseUser, 2), sink(ent2_got));
  hub.Subscribe(make(Role::kDriver, std::nullopt), sink(driver_got));
  const std::vector<Role> readers = {Role::kParkAdmin, Role::kEnterpriseUser};
  hub.Publish("alarm", Json{{"n", 1}}, 1, readers);
  hub.Publish("alarm", Json{{"n", 2}}, std::nullopt, readers);
  EXPECT_EQ(admin_got.size(), 2u);
  EXPECT_EQ(ent1_got.size(), 1u);
  EXPECT_EQ(ent2_got.size(), 0u);
  EXPECT_EQ(driver_got.size(), 0u) << "a role that may not read the twin route gets nothing";
  EXPECT_EQ(Json::parse(ent1_got[0])["type"], "alarm");
  // Audit events go to the audit log's readers only: not to an enterprise user, even of that enterprise.
  hub.Publish("audit", Json{{"n", 3}}, 1, AuditReaders());
  EXPECT_EQ(admin_got.size(), 3u);
  EXPECT_EQ(ent1_got.size(), 1u);
  // A subscriber that cannot keep up is dropped.
  hub.Subscribe(make(Role::kParkAdmin, std::nullopt), [](auto) { return false; });
  EXPECT_EQ(hub.size(), 5u);
  hub.Publish("x", Json::object(), std::nullopt, readers);
  EXPECT_EQ(hub.size(), 4u);
}

TEST(LiveHub, DisconnectsByTokenAndByUser) {
  LiveHub hub;
  auto make = [](int64_t user, int64_t token) {
    Principal p;
    p.role = Role::kParkStaff;
    p.user_id = user;
    p.token_id = token;
    return p;
  };
  std::vector<int64_t> closed;
  auto sub = [&](int64_t user, int64_t token) {
    hub.Subscribe(make(user, token), [](auto) { return true; }, [&closed, token] { closed.push_back(token); });
  };
  sub(1, 10);
  sub(1, 11);
  sub(2, 20);
  sub(0, 30);  // an API token
  hub.DisconnectToken(30);
  EXPECT_EQ(closed, (std::vector<int64_t>{30}));
  hub.DisconnectUser(1, 11);  // a password change keeps the session that made it
  EXPECT_EQ(closed, (std::vector<int64_t>{30, 10}));
  hub.DisconnectUser(1);
  EXPECT_EQ(closed, (std::vector<int64_t>{30, 10, 11}));
  EXPECT_EQ(hub.size(), 1u);
  hub.DisconnectUser(0);  // "no user" never matches API tokens
  EXPECT_EQ(hub.size(), 1u);
}

TEST(MediaType, ComparesTheTypeOnly) {
  struct Case {
    const char* header;
    bool json;
  };
  const Case cases[] = {
      {"application/json", true},   {"APPLICATION/JSON", true},  {"application/json; charset=utf-8", true},
      {" application/json ;x=y", true}, {"application/jsonx", false}, {"application/json-seq", false},
      {"text/json", false},         {"", false},                 {"application/", false},
  };
  for (const auto& c : cases) EXPECT_EQ(MediaTypeIs(c.header, "application/json"), c.json) << c.header;
}

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.Observe("GET", "/api/v1/enterprises/{id}", 200, 0.002);
  m.Observe("GET", "/api/v1/enterprises/{id}", 500, 0.2);
  m.AddCollector([](std::string& out) { out += "parkbrain_custom 7\n"; });
  const std::string text = m.Render();
  EXPECT_NE(text.find("parkbrain_http_requests_total{method=\"GET\",route=\"/api/v1/enterprises/{id}\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("parkbrain_http_server_errors_total 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.0025\"} 1"), std::string::npos);
  EXPECT_NE(text.find("parkbrain_custom 7"), std::string::npos);
}

}  // namespace
}  // namespace park::http
