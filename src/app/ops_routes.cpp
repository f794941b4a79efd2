// Operations endpoints: health, Prometheus metrics and the OpenAPI document.
#include "app/ops_routes.hpp"

namespace park::app {

void RegisterOps(http::Router& router, store::Store& store, http::Metrics& metrics, http::LiveHub& hub,
                 std::string version) {
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/healthz";
    r.authenticated = false;
    r.doc.summary = "Liveness and database reachability (503 when the database cannot be read)";
    r.doc.tag = "ops";
    r.doc.response_schema = http::ObjectSchema(
        {{"status", {{"type", "string"}}}, {"db", {{"type", "string"}}}, {"version", {{"type", "string"}}}});
    r.handler = [&store, version](const http::Request&) {
      auto st = store.Read([](store::Tx& tx) -> Status {
        PARK_TRY(tx.Query("SELECT 1"));
        return {};
      });
      if (!st.ok()) return http::Response::FromError(Error{ErrorCode::kUnavailable, "database unavailable", {}});
      return http::Response::FromJson(
          {{"status", "ok"}, {"db", store.backend() == store::Backend::kSqlite ? "sqlite" : "postgresql"},
           {"version", version}});
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/metrics";
    r.authenticated = false;
    r.doc.summary = "Prometheus metrics: requests, latencies, errors, live-feed subscribers";
    r.doc.tag = "ops";
    r.doc.response_schema = {{"type", "string"}};
    r.doc.response_content_type = "text/plain";
    metrics.AddCollector([&hub](std::string& out) {
      out += "# HELP parkbrain_live_subscribers Open WebSocket live-feed connections.\n";
      out += "# TYPE parkbrain_live_subscribers gauge\n";
      out += "parkbrain_live_subscribers " + std::to_string(hub.size()) + "\n";
    });
    r.handler = [&metrics](const http::Request&) {
      return http::Response::Text(metrics.Render(), "text/plain; version=0.0.4");
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/openapi.json";
    r.authenticated = false;
    r.doc.summary = "This OpenAPI 3.0 document, generated from the routes themselves";
    r.doc.tag = "ops";
    r.doc.response_schema = {{"type", "object"}};
    r.handler = [&router, version](const http::Request&) {
      return http::Response::FromJson(router.OpenApi("ParkBrain API", version));
    };
    router.Add(std::move(r));
  }
}

}  // namespace park::app
