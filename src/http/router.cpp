#include "park/http/router.hpp"

#include <cstdlib>
#include <map>

#include <spdlog/spdlog.h>

namespace park::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  if (path.empty() || path[0] != '/') return out;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool IsParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool PathMatches(std::string_view pattern, std::string_view path,
                 std::vector<std::pair<std::string, std::string>>* params) {
  const auto p = Segments(pattern);
  const auto s = Segments(path);
  if (p.size() != s.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (IsParam(p[i])) {
      if (s[i].empty()) return false;
      if (params) params->emplace_back(std::string(p[i].substr(1, p[i].size() - 2)), std::string(s[i]));
    } else if (p[i] != s[i]) {
      return false;
    }
  }
  return true;
}

// Two patterns that match exactly the same paths: literals equal, parameters in the same places.
bool SamePattern(std::string_view a, std::string_view b) {
  const auto sa = Segments(a);
  const auto sb = Segments(b);
  if (sa.size() != sb.size()) return false;
  for (size_t i = 0; i < sa.size(); ++i) {
    if (IsParam(sa[i]) != IsParam(sb[i])) return false;
    if (!IsParam(sa[i]) && sa[i] != sb[i]) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kAll = {Role::kParkAdmin, Role::kParkStaff,  Role::kEnterpriseUser,
                                         Role::kTechnician, Role::kDriver,     Role::kIntegrator,
                                         Role::kViewer,    Role::kGate};
  return kAll;
}

void Router::Add(Route route) {
  for (const auto& r : routes_) {
    if (r->method == route.method && SamePattern(r->pattern, route.pattern)) {
      spdlog::critical("router: duplicate route {} {}", MethodName(route.method), route.pattern);
      std::abort();
    }
  }
  routes_.push_back(std::make_unique<Route>(std::move(route)));
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match m;
  // Literal routes win over parameterised ones ("/users/me" before "/users/{id}"): try them first.
  for (int pass = 0; pass < 2 && !m.route; ++pass) {
    for (const auto& r : routes_) {
      const bool literal = r->pattern.find('{') == std::string::npos;
      if ((pass == 0) != literal) continue;
      std::vector<std::pair<std::string, std::string>> params;
      if (!PathMatches(r->pattern, path, &params)) continue;
      m.path_known = true;
      if (r->method == method) {
        m.route = r.get();
        m.params = std::move(params);
        break;
      }
    }
  }
  return m;
}

Json ObjectSchema(Json properties, std::vector<std::string> required) {
  Json s = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

Json PagedSchema(const Json& item_schema) {
  return ObjectSchema({{"items", {{"type", "array"}, {"items", item_schema}}},
                       {"page", {{"type", "integer"}}},
                       {"page_size", {{"type", "integer"}}},
                       {"total", {{"type", "integer"}}}},
                      {"items", "page", "page_size", "total"});
}

Json RefSchema(const std::string& component) { return Json{{"$ref", "#/components/schemas/" + component}}; }

Json Router::OpenApi(const std::string& title, const std::string& version) const {
  Json paths = Json::object();
  for (const auto& r : routes_) {
    const RouteDoc& d = r->doc;
    Json op = {{"summary", d.summary}, {"tags", {d.tag}}, {"operationId", Lower(MethodName(r->method)) + r->pattern}};
    Json parameters = Json::array();
    for (const auto& seg : Segments(r->pattern)) {
      if (IsParam(seg)) {
        const std::string name(seg.substr(1, seg.size() - 2));
        parameters.push_back({{"name", name}, {"in", "path"}, {"required", true},
                              {"schema", {{"type", name == "id" || name.ends_with("_id") ? "integer" : "string"}}}});
      }
    }
    for (const auto& q : d.query) {
      parameters.push_back({{"name", q.name}, {"in", "query"}, {"required", q.required},
                            {"description", q.description}, {"schema", {{"type", q.type}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (!d.request_schema.is_null()) {
      op["requestBody"] = {{"required", true}, {"content", {{d.request_content_type, {{"schema", d.request_schema}}}}}};
    }
    Json responses = Json::object();
    Json ok = {{"description", "success"}};
    if (!d.response_schema.is_null()) ok["content"] = {{d.response_content_type, {{"schema", d.response_schema}}}};
    responses[std::to_string(d.success_status)] = ok;
    const Json error_body = {{"description", "error"},
                             {"content", {{"application/json", {{"schema", RefSchema("Error")}}}}}};
    responses["default"] = error_body;
    if (r->authenticated) {
      responses["401"] = {{"description", "missing, expired or revoked token"},
                          {"content", {{"application/json", {{"schema", RefSchema("Error")}}}}}};
      op["security"] = Json::array({{{"bearer", Json::array()}}});
      std::string roles;
      for (Role role : r->roles) roles += (roles.empty() ? "" : ", ") + std::string(RoleName(role));
      op["x-roles"] = r->roles.size() == AllRoles().size() ? "any" : roles;
    }
    op["responses"] = responses;
    paths[r->pattern][Lower(MethodName(r->method))] = op;
  }
  const Json error_schema = ObjectSchema(
      {{"error", ObjectSchema({{"code", {{"type", "string"},
                                         {"enum", {"invalid_argument", "not_found", "already_exists", "conflict",
                                                   "unauthenticated", "permission_denied", "payload_too_large",
                                                   "resource_exhausted", "failed_precondition", "unavailable",
                                                   "internal"}}}},
                               {"message", {{"type", "string"}}},
                               {"field", {{"type", "string"}, {"description", "JSON path of the bad input, or empty"}}},
                               {"reason", {{"type", "string"},
                                           {"description", "the reason as a stable text code (catalogues in "
                                                           "web/src/i18n/text); absent for errors only machines see"}}},
                               {"params", {{"type", "object"}, {"description", "the text code's parameters"}}},
                               {"errors", {{"type", "array"},
                                           {"description", "every bad field at once"},
                                           {"items", ObjectSchema({{"field", {{"type", "string"}}},
                                                                   {"code", {{"type", "string"}}},
                                                                   {"params", {{"type", "object"}}},
                                                                   {"message", {{"type", "string"}}}},
                                                                  {"field", "code", "params", "message"})}}}},
                              {"code", "message", "field"})}},
      {"error"});
  return Json{{"openapi", "3.0.3"},
              {"info", {{"title", title}, {"version", version}}},
              {"paths", paths},
              {"components",
               {{"schemas", {{"Error", error_schema}}},
                {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace park::http
