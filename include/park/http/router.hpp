// Routes and their documentation. Every route carries what the OpenAPI document needs, so the document is built
// from the router itself and cannot drift from it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "park/http/http.hpp"

namespace park::http {

struct QueryParamDoc {
  std::string name;
  std::string type;  // "string", "integer", "number", "boolean"
  std::string description;
  bool required = false;
};

struct RouteDoc {
  std::string summary;              // one line, required
  std::string tag;                  // groups operations in the document, required
  Json request_schema;              // JSON schema of the body (POST/PATCH/PUT), null for none
  Json response_schema;             // JSON schema of a 2xx body, null for none (e.g. 204)
  int success_status = 200;
  std::vector<QueryParamDoc> query;
  std::string request_content_type = "application/json";
  // Other media types taken as request_content_type, e.g. what curl --data-binary ("application/x-www-form-
  // urlencoded") and InfluxDB clients send to the line-protocol endpoints; "" accepts a missing Content-Type.
  std::vector<std::string> also_accepted_content_types;
  std::string response_content_type = "application/json";
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;  // "/api/v1/enterprises/{id}"
  // Who may call: empty = public (no token); otherwise the roles allowed (checked before the handler runs).
  std::vector<Role> roles;
  bool authenticated = true;
  Handler handler;
  RouteDoc doc;
};

// Every role: for routes any logged-in principal may call (the handler still scopes by enterprise).
const std::vector<Role>& AllRoles();

class Router {
 public:
  // Adds a route; patterns are literal segments and {name} segments. Aborts on a duplicate (a programming bug).
  void Add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    bool path_known = false;  // some route has this path (for 405 vs 404)
  };
  Match Find(Method method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

  // The OpenAPI 3.0 document of every route.
  Json OpenApi(const std::string& title, const std::string& version) const;

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

// Schema helpers for RouteDoc.
Json ObjectSchema(Json properties, std::vector<std::string> required = {});
Json PagedSchema(const Json& item_schema);
Json RefSchema(const std::string& component);

}  // namespace park::http
