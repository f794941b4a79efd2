// The demo park's dispatch data, stored through the service's own routes (in process, as the system) so that it
// is exactly what an energy manager's client would have made. See include/park/dispatch/service.hpp.
#include <fmt/format.h>

#include "park/core/time.hpp"
#include "service_impl.hpp"

namespace park::dispatch {
namespace {

Result<Json> Call(const Service::Impl& s, http::Method method, const std::string& path, const Json& body) {
  const auto match = s.src.router.Find(method, path);
  if (match.route == nullptr) return Error::Internal("dispatch demo: no route " + path);
  http::Request req;
  req.method = method;
  req.path = path;
  req.params = match.params;
  req.body = body.dump();
  req.headers = {{"content-type", "application/json"}};
  req.request_id = "dispatch-demo";
  req.principal = s.System();
  const http::Response resp = match.route->handler(req);
  if (resp.status < 200 || resp.status >= 300) {
    return Error::Internal(fmt::format("dispatch demo: {} answered {}: {}", path, resp.status, resp.body.substr(0, 300)));
  }
  return Json::parse(resp.body, nullptr, false);
}

}  // namespace

Status SeedDemo(Service& service, const DemoInputs& in) {
  Service::Impl& s = *service.impl_for_demo();
  using http::Method;
  PARK_TRY(Call(s, Method::kPut, fmt::format("/api/v1/dispatch/profiles/{}", in.year),
                {{"load_mw", in.year_load_mw}, {"pv_mw", in.year_pv_mw}, {"wind_mw", in.year_wind_mw}}));
  Json samples = Json::array();
  for (const auto& [at, mw] : in.load_history) samples.push_back({{"at", at}, {"mw", mw}});
  PARK_TRY(Call(s, Method::kPost, "/api/v1/dispatch/load-history", {{"samples", samples}}));
  // Today's forecasts: the load from the metered history, PV and wind by model from the day's weather.
  if (!Call(s, Method::kPost, "/api/v1/dispatch/forecasts/model", {{"kind", "load"}, {"date", in.date}, {"weeks", 4}}).ok()) {
    // The first weeks of a season have no same-season history for the model: the day's profile is uploaded.
    PARK_TRY(Call(s, Method::kPost, "/api/v1/dispatch/forecasts", {{"kind", "load"}, {"date", in.date}, {"values_mw", in.load_mw}}));
  }
  PARK_TRY(Call(s, Method::kPost, "/api/v1/dispatch/forecasts/model", {{"kind", "pv"}, {"date", in.date}, {"cloud", in.cloud}}));
  PARK_TRY(Call(s, Method::kPost, "/api/v1/dispatch/forecasts/model", {{"kind", "wind"}, {"date", in.date}, {"speed_ms", in.speed_ms}}));
  for (const auto& t : in.tiers) {
    PARK_TRY(Call(s, Method::kPut, fmt::format("/api/v1/dispatch/enterprises/{}", t.enterprise_id),
                  {{"priority_tier", t.priority_tier}, {"interruptible_mw", t.interruptible_mw},
                   {"protected_mw", t.protected_mw}, {"protected_reason", t.protected_reason}}));
  }
  // The plan for the whole of today, then the afternoon's demand-response instruction and its re-plan (stored
  // directly: by the time the demo is seeded the afternoon may be over, which the route would refuse).
  PlanRequest day;
  day.date = in.date;
  day.reason = T("dispatch.plan.reason_requested");
  PARK_ASSIGN_OR_RETURN(Json plan, s.MakePlan(day));
  int64_t instruction = 0;
  PARK_TRY(s.src.store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO dispatch_instructions (kind, limit_mw, from_at, to_at, reference, created_at) VALUES "
        "('import_limit', $1, $2, $3, $4, $5) RETURNING id",
        {in.instruction_limit_mw, in.instruction_from, in.instruction_to, std::string("国网需求响应 DR-demo"),
         s.src.clock.NowMs()}));
    instruction = row->Int(0);
    return Status::Ok();
  }));
  PlanRequest replan = day;
  replan.kind = "instruction";
  replan.parent_id = plan["id"].get<int64_t>();
  replan.reason = T("dispatch.plan.reason_instruction", {{"id", std::to_string(instruction)}});
  PARK_TRY(s.MakePlan(replan));
  PARK_TRY(Call(s, Method::kPost, "/api/v1/dispatch/orders",
                {{"cut_mw", in.order_cut_mw}, {"from", in.order_from}, {"to", in.order_to}, {"reference", "有序用电 demo"}}));
  return Status::Ok();
}

}  // namespace park::dispatch
