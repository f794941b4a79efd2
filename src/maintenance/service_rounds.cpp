// Inspection rounds (issue 12 item 4): routes of checkpoints, their schedule, the rounds due, missed and late,
// starting and submitting a round (idempotent by the client's round id), findings and the work orders they open,
// and the live event of a missed round. The rules are the pure library's (park/maintenance/rounds.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/maintenance/rounds.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kRouteCols =
    "id, enterprise_id, name, schedule_kind, starts, checkpoints, active_from, created_by, created_at";
constexpr std::string_view kRoundCols =
    "id, client_id, route_id, enterprise_id, slot, window_end, started_at, started_by, submitted_at, submitted_by, "
    "answers, status";
constexpr int64_t kDayMs = 86'400'000;

RoundSchedule ScheduleOf(const store::Row& r) {
  RoundSchedule s;
  s.kind = ParseScheduleKind(r.Text(3)).value_or(ScheduleKind::kDaily);
  const std::string starts = r.Text(4);
  size_t pos = 0;
  while (pos <= starts.size()) {
    const size_t comma = std::min(starts.find(',', pos), starts.size());
    if (auto m = ParseClock(std::string_view(starts).substr(pos, comma - pos), "starts"); m.ok())
      s.starts.push_back(*m);
    pos = comma + 1;
  }
  return s;
}

Result<InspectionRoute> RouteOf(const store::Row& r) {
  Json cps = Json::parse(r.Text(5), nullptr, false);
  return RouteFromJson({{"name", r.Text(2)}, {"checkpoints", cps}});
}

Json RouteJson(const store::Row& r) {
  const RoundSchedule s = ScheduleOf(r);
  Json starts = Json::array();
  for (int m : s.starts) starts.push_back(FormatClock(m));
  return {{"id", r.Int(0)},
          {"enterprise_id", r.Int(1)},
          {"name", r.Text(2)},
          {"schedule", {{"kind", ScheduleKindName(s.kind)}, {"starts", starts}}},
          {"checkpoints", Json::parse(r.Text(5), nullptr, false)},
          {"active_from", FormatInstantMs(r.Int(6))},
          {"created_by", r.Text(7)},
          {"created_at", FormatInstantMs(r.Int(8))}};
}

Result<store::Row> LoadRoute(store::Tx& tx, const Principal& who, int64_t id) {
  PARK_ASSIGN_OR_RETURN(auto row,
                        tx.QueryOne(fmt::format("SELECT {} FROM inspection_routes WHERE id = $1", kRouteCols), {id}));
  if (!row || !who.CanSeeEnterprise(row->Int(1))) {
    return Error::NotFound(T("maintenance.round.route_not_found", {{"id", std::to_string(id)}}));
  }
  return *row;
}

Json Instant(const std::optional<int64_t>& v) { return v ? Json(FormatInstantMs(*v)) : Json(nullptr); }

Result<Json> RoundDetail(store::Tx& tx, const store::Row& r) {
  Json j = {{"id", r.Int(0)},
            {"client_id", r.Text(1)},
            {"route_id", r.Int(2)},
            {"enterprise_id", r.Int(3)},
            {"slot", r.Text(4)},
            {"window_end", FormatInstantMs(r.Int(5))},
            {"started_at", FormatInstantMs(r.Int(6))},
            {"started_by", r.Text(7)},
            {"submitted_at", Instant(r.OptInt(8))},
            {"submitted_by", r.Text(9)},
            {"answers", r.IsNull(10) ? Json(nullptr) : Json::parse(r.Text(10), nullptr, false)},
            {"status", r.Text(11)}};
  Json findings = Json::array();
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, equipment_id, item, reason, work_order_id, created_at FROM "
                                            "inspection_findings WHERE round_id = $1 "
                                            "ORDER BY id",
                                            {r.Int(0)}));
  for (const auto& f : rows) {
    findings.push_back({{"id", f.Int(0)},
                        {"equipment_id", f.Int(1)},
                        {"item", f.Text(2)},
                        {"reason", Json::parse(f.Text(3), nullptr, false)},
                        {"work_order_id", f.IsNull(4) ? Json(nullptr) : Json(f.Int(4))},
                        {"created_at", FormatInstantMs(f.Int(5))}});
  }
  j["findings"] = std::move(findings);
  // Its photos and documents (without their bytes; each downloads from its href).
  Json files = Json::array();
  PARK_ASSIGN_OR_RETURN(auto arows, tx.Query("SELECT id, kind, content_type, filename, size_bytes FROM "
                                             "maintenance_attachments WHERE round_id = $1 ORDER BY id",
                                             {r.Int(0)}));
  for (const auto& a : arows) {
    files.push_back({{"id", a.Int(0)},
                     {"kind", a.Text(1)},
                     {"content_type", a.Text(2)},
                     {"filename", a.Text(3)},
                     {"size_bytes", a.Int(4)},
                     {"href", fmt::format("/api/v1/maintenance/attachments/{}", a.Int(0))}});
  }
  j["attachments"] = std::move(files);
  return j;
}

// The client's round id: what a phone generates (a UUID, or any 8..64 letters, digits, '-' and '_').
bool IsClientId(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// One window of a route with what became of it.
struct WindowState {
  RoundWindow window;
  RoundStatus status = RoundStatus::kDue;
  std::optional<store::Row> round;
};

Result<std::vector<WindowState>> WindowStates(store::Tx& tx, const store::Row& route, int64_t from, int64_t to,
                                              int64_t now, int utc_offset_minutes) {
  const RoundSchedule s = ScheduleOf(route);
  std::vector<WindowState> out;
  const auto windows = WindowsBetween(s, std::max(from, route.Int(6)), to, utc_offset_minutes, 2000);
  if (windows.empty()) return out;
  PARK_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(
          fmt::format("SELECT {} FROM inspection_rounds WHERE route_id = $1 AND slot >= $2 AND slot <= $3", kRoundCols),
          {route.Int(0), windows.front().slot, windows.back().slot}));
  for (const auto& w : windows) {
    WindowState ws;
    ws.window = w;
    for (const auto& r : rows) {
      if (r.Text(4) == w.slot) ws.round = r;
    }
    ws.status = StatusOf(w, ws.round ? std::optional<int64_t>(ws.round->Int(6)) : std::nullopt,
                         ws.round ? ws.round->OptInt(8) : std::nullopt, now);
    out.push_back(std::move(ws));
  }
  return out;
}

Json WindowJson(const store::Row& route, const WindowState& ws) {
  return {{"route_id", route.Int(0)},
          {"route", route.Text(2)},
          {"enterprise_id", route.Int(1)},
          {"slot", ws.window.slot},
          {"window_start", FormatInstantMs(ws.window.start_ms)},
          {"window_end", FormatInstantMs(ws.window.end_ms)},
          {"status", RoundStatusName(ws.status)},
          {"round_id", ws.round ? Json(ws.round->Int(0)) : Json(nullptr)},
          {"client_id", ws.round ? Json(ws.round->Text(1)) : Json(nullptr)}};
}

Result<std::optional<int64_t>> QueryInstant(const Request& req, const char* key) {
  const auto v = req.Query(key);
  if (!v) return std::optional<int64_t>();
  PARK_ASSIGN_OR_RETURN(int64_t ms, ParseInstantMs(*v, key));
  return std::optional<int64_t>(ms);
}

Json RoundRequestSchema() {
  return Obj({{"id", {{"type", "string"}, {"minLength", 8}, {"maxLength", 64}}},
              {"route_id", {{"type", "integer"}}},
              {"started_at", {{"type", "string"}, {"format", "date-time"}}},
              {"answers",
               {{"type", "array"},
                {"items", Obj({{"equipment_id", {{"type", "integer"}}},
                               {"item", {{"type", "string"}}},
                               {"value", Json::object()},
                               {"remark", {{"type", "string"}}}},
                              {"equipment_id", "item"})}}}},
             {"id", "route_id"});
}

}  // namespace

Status Service::Impl::FlagMissedRounds() {
  const int64_t now = src.clock.NowMs();
  std::vector<store::Row> routes;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(routes, tx.Query(fmt::format("SELECT {} FROM inspection_routes ORDER BY id", kRouteCols)));
    return Status::Ok();
  }));
  for (const auto& route : routes) {
    std::vector<WindowState> missed;
    PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
      // Windows that ended in the last two days; older ones were announced then (or the service was down).
      PARK_ASSIGN_OR_RETURN(auto states, WindowStates(tx, route, now - 2 * kDayMs, now, now, src.utc_offset_minutes));
      for (auto& ws : states) {
        if (ws.status != RoundStatus::kMissed) continue;
        PARK_ASSIGN_OR_RETURN(auto seen,
                              tx.QueryOne("SELECT 1 FROM inspection_missed WHERE route_id = $1 AND slot = $2",
                                          {route.Int(0), ws.window.slot}));
        if (seen) continue;
        PARK_TRY(tx.Exec("INSERT INTO inspection_missed (route_id, slot, published_at) VALUES ($1, $2, $3)",
                         {route.Int(0), ws.window.slot, now}));
        missed.push_back(std::move(ws));
      }
      return Status::Ok();
    }));
    if (!src.hub) continue;
    for (const auto& ws : missed) {
      // The REST twin is GET /api/v1/maintenance/rounds?status=missed (kReaders, the route's enterprise).
      src.hub->Publish(
          "maintenance",
          {{"event", "round_missed"},
           {"round", WindowJson(route, ws)},
           {"text", TextJson(T("maintenance.round.missed", {{"route", route.Text(2)}, {"slot", ws.window.slot}}))}},
          route.Int(1), kReaders);
    }
  }
  return Status::Ok();
}

void Service::Impl::RegisterRounds(http::Router& router) {
  Impl* s = this;
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kPost, "/api/v1/maintenance/inspection-routes", kManagers,
        "An inspection route: its checkpoints (equipment of one enterprise) with checklist items (number with low/high "
        "limits and unit, pass_fail, text, photo) and its schedule (daily: one start time; shift: 2 to 6 start "
        "times, each window running to the next start)",
        [s](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          Json rest = *body;
          Json sched = rest.contains("schedule") ? rest["schedule"] : Json(nullptr);
          rest.erase("schedule");
          std::vector<FieldError> errors;
          // Windows are counted from active_from: now, or up to 31 days back for a route kept on paper until now.
          const int64_t now = s->src.clock.NowMs();
          int64_t active_from = now;
          if (rest.contains("active_from")) {
            const Json af = rest["active_from"];
            rest.erase("active_from");
            auto ms = af.is_string() ? ParseInstantMs(af.get<std::string>(), "active_from")
                                     : Result<int64_t>(Error::Invalid("active_from", T("field.not_string")));
            if (!ms.ok()) {
              errors.push_back({"active_from", ms.error().text});
            } else if (*ms > now || *ms < now - 31 * kDayMs) {
              errors.push_back({"active_from", T("maintenance.round.active_from", {{"max_days", 31.0}})});
            } else {
              active_from = *ms;
            }
          }
          RoundSchedule schedule;
          if (!sched.is_object()) {
            errors.push_back({"schedule", sched.is_null() ? T("field.required") : T("field.not_object")});
          } else {
            JsonReader sr(sched, "schedule");
            const auto kind = sr.String("kind", JsonReader::kRequired, 20);
            if (kind) {
              if (auto k = ParseScheduleKind(*kind)) {
                schedule.kind = *k;
              } else {
                sr.Fail("kind", T("field.one_of", {{"allowed", "daily, shift"}}));
              }
            }
            if (const Json* starts = sr.Array("starts", JsonReader::kRequired)) {
              for (size_t i = 0; i < starts->size(); ++i) {
                const std::string f = fmt::format("schedule.starts[{}]", i);
                if (!(*starts)[i].is_string()) {
                  sr.Fail(FieldError{f, T("field.not_string")});
                  continue;
                }
                auto m = ParseClock((*starts)[i].get<std::string>(), f);
                if (!m.ok()) {
                  sr.Fail(m.error());
                } else {
                  schedule.starts.push_back(*m);
                }
              }
            }
            if (auto st = sr.Finish(); !st.ok()) {
              for (const auto& fe : st.error().fields) errors.push_back(fe);
              if (st.error().fields.empty()) errors.push_back({st.error().field, st.error().text});
            } else if (auto vs = ValidateSchedule(schedule); !vs.ok()) {
              errors.push_back({vs.error().field, vs.error().text});
            }
          }
          auto route = RouteFromJson(rest);
          if (!route.ok()) {
            for (const auto& fe : route.error().fields) errors.push_back(fe);
            if (route.error().fields.empty()) errors.push_back({route.error().field, route.error().text});
          }
          if (!errors.empty()) return Fail(Error::Invalid(std::move(errors)));
          std::string starts;
          for (int m : schedule.starts) starts += (starts.empty() ? "" : ",") + FormatClock(m);
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            std::optional<int64_t> ent;
            for (size_t i = 0; i < route->checkpoints.size(); ++i) {
              const std::string f = fmt::format("checkpoints[{}].equipment_id", i);
              PARK_ASSIGN_OR_RETURN(int64_t e,
                                    EquipmentEnterprise(tx, req.Who(), route->checkpoints[i].equipment_id, f.c_str()));
              if (ent && *ent != e) return Error::Invalid(f, T("maintenance.round.one_enterprise"));
              ent = e;
            }
            PARK_ASSIGN_OR_RETURN(
                auto row,
                tx.QueryOne(
                    "INSERT INTO inspection_routes (enterprise_id, name, schedule_kind, starts, checkpoints, "
                    "active_from, "
                    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                    {*ent, route->name, std::string(ScheduleKindName(schedule.kind)), starts,
                     CheckpointsJson(route->checkpoints).dump(), active_from, req.Who().name, now}));
            PARK_ASSIGN_OR_RETURN(auto saved, LoadRoute(tx, req.Who(), row->Int(0)));
            out = RouteJson(saved);
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"create", "inspection_route", row->Int(0), *ent, nullptr, out}));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
        });
    Json item = Obj({{"key", {{"type", "string"}, {"pattern", "^[a-z0-9_]{1,40}$"}}},
                     {"label", {{"type", "string"}, {"maxLength", 200}}},
                     {"kind", {{"type", "string"}, {"enum", {"number", "pass_fail", "text", "photo"}}}},
                     {"low", {{"type", "number"}}},
                     {"high", {{"type", "number"}}},
                     {"unit", {{"type", "string"}}},
                     {"required", {{"type", "boolean"}}}},
                    {"key", "label", "kind"});
    r.doc = Doc(
        r.doc.summary,
        Obj({{"name", {{"type", "string"}, {"maxLength", 200}}},
             {"active_from", {{"type", "string"}, {"format", "date-time"}}},
             {"schedule",
              Obj({{"kind", {{"type", "string"}, {"enum", {"daily", "shift"}}}},
                   {"starts", {{"type", "array"}, {"items", {{"type", "string"}, {"pattern", "^\\d\\d:\\d\\d$"}}}}}},
                  {"kind", "starts"})},
             {"checkpoints",
              {{"type", "array"},
               {"items", Obj({{"equipment_id", {{"type", "integer"}}}, {"items", {{"type", "array"}, {"items", item}}}},
                             {"equipment_id", "items"})}}}},
            {"name", "schedule", "checkpoints"}),
        Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kGet, "/api/v1/maintenance/inspection-routes", kReaders,
        "Inspection routes in the caller's scope", [s](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          Json items = Json::array();
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(
                auto rows,
                tx.Query(
                    fmt::format("SELECT {} FROM inspection_routes WHERE ($1 = 0 OR enterprise_id = $1) ORDER BY id",
                                kRouteCols),
                    {scope->value_or(0)}));
            for (const auto& row : rows) items.push_back(RouteJson(row));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/inspection-routes/{id}", kReaders,
                             "One inspection route", [s](const Request& req) -> Response {
                               auto id = req.IdParam();
                               if (!id.ok()) return Fail(id.error());
                               Json out;
                               auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
                                 PARK_ASSIGN_OR_RETURN(auto row, LoadRoute(tx, req.Who(), *id));
                                 out = RouteJson(row);
                                 return Status::Ok();
                               });
                               return st.ok() ? Response::FromJson(out) : Fail(st.error());
                             });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kGet, "/api/v1/maintenance/inspection-routes/{id}/schedule", kReaders,
        "A route's round windows over [from, to) (default: the day before and the day after now, at most 31 days) "
        "with each window's status (upcoming, due, in_progress, done, late, missed) and its round",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          const int64_t now = s->src.clock.NowMs();
          auto from = QueryInstant(req, "from");
          if (!from.ok()) return Fail(from.error());
          auto to = QueryInstant(req, "to");
          if (!to.ok()) return Fail(to.error());
          const int64_t f = from->value_or(now - kDayMs), t = to->value_or(now + kDayMs);
          if (t <= f || t - f > 31 * kDayMs) {
            return Fail(Error::Invalid("to", T("maintenance.round.range", {{"max_days", 31.0}})));
          }
          Json windows = Json::array();
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto route, LoadRoute(tx, req.Who(), *id));
            PARK_ASSIGN_OR_RETURN(auto states, WindowStates(tx, route, f, t, now, s->src.utc_offset_minutes));
            for (const auto& ws : states) windows.push_back(WindowJson(route, ws));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson({{"windows", windows}}) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"from", "string", "RFC 3339 instant"}, {"to", "string", "RFC 3339 instant"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kGet, "/api/v1/maintenance/rounds", kReaders,
        "Rounds of every route in the caller's scope over the last `days` (default 7, at most 31): those due now, "
        "in progress, missed (not started by the end of their window) and late (submitted after it); `status` "
        "narrows to one, and status=done lists the rounds done in time",
        [s](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          const std::string status = std::string(req.Query("status").value_or(""));
          if (!status.empty() && !ParseRoundStatus(status)) {
            return Fail(Error::Invalid(
                "status", T("field.one_of", {{"allowed", "upcoming, due, in_progress, done, late, missed"}})));
          }
          int64_t days = 7;
          if (auto d = req.Query("days")) {
            try {
              days = std::stoll(std::string(*d));
            } catch (...) {
              days = 0;
            }
            if (days < 1 || days > 31) {
              return Fail(Error::Invalid("days", T("field.integer_range", {{"min", 1.0}, {"max", 31.0}})));
            }
          }
          const int64_t now = s->src.clock.NowMs();
          Json items = Json::array();
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(
                auto routes,
                tx.Query(
                    fmt::format("SELECT {} FROM inspection_routes WHERE ($1 = 0 OR enterprise_id = $1) ORDER BY id",
                                kRouteCols),
                    {scope->value_or(0)}));
            for (const auto& route : routes) {
              PARK_ASSIGN_OR_RETURN(
                  auto states, WindowStates(tx, route, now - days * kDayMs, now + 1, now, s->src.utc_offset_minutes));
              for (const auto& ws : states) {
                const std::string_view name = RoundStatusName(ws.status);
                if (status.empty() ? (ws.status == RoundStatus::kDone || ws.status == RoundStatus::kUpcoming)
                                   : name != status) {
                  continue;
                }
                items.push_back(WindowJson(route, ws));
              }
            }
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise"},
                   {"status", "string", "upcoming, due, in_progress, done, late or missed"},
                   {"days", "integer", "how far back, 1 to 31"}};
    router.Add(std::move(r));
  }
  // Start and submit share the lookup of a round by its client id (creating it in the window of its start).
  struct Begun {
    store::Row round;
    store::Row route;
    bool created = false;
  };
  auto begin = [s](store::Tx& tx, const Principal& who, const std::string& client_id, int64_t route_id,
                   std::optional<int64_t> started_at) -> Result<Begun> {
    PARK_ASSIGN_OR_RETURN(auto route, LoadRoute(tx, who, route_id));
    PARK_ASSIGN_OR_RETURN(
        auto existing,
        tx.QueryOne(fmt::format("SELECT {} FROM inspection_rounds WHERE client_id = $1", kRoundCols), {client_id}));
    if (existing) {
      if (!who.CanSeeEnterprise(existing->Int(3))) {
        return Error::NotFound(T("maintenance.round.not_found", {{"id", client_id}}));
      }
      if (existing->Int(2) != route_id) {
        return Error::Conflict(T("maintenance.round.other_route", {{"round", client_id}}), "route_id");
      }
      return Begun{*existing, route, false};
    }
    const int64_t now = s->src.clock.NowMs();
    const int64_t start = started_at.value_or(now);
    if (start > now + 60'000) return Error::Invalid("started_at", T("maintenance.round.started_ahead"));
    const RoundWindow w = WindowAt(ScheduleOf(route), start, s->src.utc_offset_minutes);
    PARK_ASSIGN_OR_RETURN(
        auto taken,
        tx.QueryOne("SELECT client_id FROM inspection_rounds WHERE route_id = $1 AND slot = $2", {route_id, w.slot}));
    if (taken) return Error::Conflict(T("maintenance.round.window_taken", {{"round", taken->Text(0)}}), "id");
    PARK_ASSIGN_OR_RETURN(auto row,
                          tx.QueryOne("INSERT INTO inspection_rounds (client_id, route_id, enterprise_id, slot, "
                                      "window_end, started_at, started_by, "
                                      "status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'in_progress') RETURNING id",
                                      {client_id, route_id, route.Int(1), w.slot, w.end_ms, start, who.name}));
    PARK_TRY(store::AppendAudit(tx, s->src.clock, &who,
                                {"start",
                                 "inspection_round",
                                 row->Int(0),
                                 route.Int(1),
                                 nullptr,
                                 {{"client_id", client_id},
                                  {"route_id", route_id},
                                  {"slot", w.slot},
                                  {"started_at", FormatInstantMs(start)}}}));
    PARK_ASSIGN_OR_RETURN(
        auto saved,
        tx.QueryOne(fmt::format("SELECT {} FROM inspection_rounds WHERE id = $1", kRoundCols), {row->Int(0)}));
    return Begun{*saved, route, true};
  };
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kPost, "/api/v1/maintenance/rounds", kHands,
        "Start a round of a route with the id the client generated (201; the same id again answers 200 with the "
        "round); it belongs to the window of its start (started_at, for a phone that started offline, else now)",
        [s, begin](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto client_id = in.String("id", JsonReader::kRequired, 64);
          if (client_id && !IsClientId(*client_id)) in.Fail("id", T("maintenance.round.client_id"));
          const auto route_id = in.Integer("route_id", JsonReader::kRequired);
          const auto started = in.String("started_at", JsonReader::kOptional, 40);
          std::optional<int64_t> started_at;
          if (started) {
            auto ms = ParseInstantMs(*started, "started_at");
            if (ms.ok())
              started_at = *ms;
            else
              in.Fail(ms.error());
          }
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          bool created = false;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto b, begin(tx, req.Who(), *client_id, *route_id, started_at));
            created = b.created;
            PARK_ASSIGN_OR_RETURN(out, RoundDetail(tx, b.round));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out, created ? 201 : 200) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"id", {{"type", "string"}, {"minLength", 8}, {"maxLength", 64}}},
                     {"route_id", {{"type", "integer"}}},
                     {"started_at", {{"type", "string"}, {"format", "date-time"}}}},
                    {"id", "route_id"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kPost, "/api/v1/maintenance/rounds/submit", kHands,
        "Submit a round's answers in one request under the client's round id (started before, or started now, or at "
        "started_at for a phone that was offline): 201 with the findings; the same sheet again answers 200 with the "
        "stored round, a different one under the same id 409. Answers out of limits and failed checks are findings",
        [s, begin](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto client_id = in.String("id", JsonReader::kRequired, 64);
          if (client_id && !IsClientId(*client_id)) in.Fail("id", T("maintenance.round.client_id"));
          const auto route_id = in.Integer("route_id", JsonReader::kRequired);
          const auto started = in.String("started_at", JsonReader::kOptional, 40);
          std::optional<int64_t> started_at;
          if (started) {
            auto ms = ParseInstantMs(*started, "started_at");
            if (ms.ok())
              started_at = *ms;
            else
              in.Fail(ms.error());
          }
          const Json* answers = in.Array("answers", JsonReader::kRequired);
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          // What tells a retry from another sheet: the route and the answers, canonical (keys sorted).
          const std::string sheet = Json{{"route_id", *route_id}, {"answers", *answers}}.dump();
          Json out;
          int status = 201;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto b, begin(tx, req.Who(), *client_id, *route_id, started_at));
            const int64_t round_id = b.round.Int(0);
            if (!b.round.IsNull(8)) {
              if (b.round.Text(10) != sheet) {
                return Error::Conflict(T("maintenance.round.submitted_differently", {{"round", *client_id}}), "id");
              }
              status = 200;
              PARK_ASSIGN_OR_RETURN(out, RoundDetail(tx, b.round));
              return Status::Ok();
            }
            PARK_ASSIGN_OR_RETURN(auto route, RouteOf(b.route));
            PARK_ASSIGN_OR_RETURN(auto parsed, AnswersFromJson(*answers, route));
            PARK_ASSIGN_OR_RETURN(auto findings, Evaluate(route, parsed));
            for (size_t i = 0; i < parsed.size(); ++i) {
              if (!parsed[i].photo_id) continue;
              PARK_ASSIGN_OR_RETURN(
                  auto photo,
                  tx.QueryOne(
                      "SELECT 1 FROM maintenance_attachments WHERE id = $1 AND round_id = $2 AND kind = 'photo'",
                      {*parsed[i].photo_id, round_id}));
              if (!photo) {
                return Error::Invalid(fmt::format("answers[{}].value", i),
                                      T("maintenance.round.not_photo", {{"id", std::to_string(*parsed[i].photo_id)}}));
              }
            }
            const int64_t now = s->src.clock.NowMs();
            RoundWindow w;
            w.end_ms = b.round.Int(5);
            w.start_ms = std::min(b.round.Int(6), w.end_ms);
            const RoundStatus rs = StatusOf(w, b.round.Int(6), now, now);
            PARK_TRY(
                tx.Exec("UPDATE inspection_rounds SET submitted_at = $1, submitted_by = $2, answers = $3, "
                        "status = $4 WHERE id = $5",
                        {now, req.Who().name, sheet, std::string(RoundStatusName(rs)), round_id}));
            Json audit_findings = Json::array();
            for (const auto& f : findings) {
              const Json reason = TextJson(f.reason);
              PARK_ASSIGN_OR_RETURN(
                  auto frow, tx.QueryOne("INSERT INTO inspection_findings (round_id, enterprise_id, equipment_id, "
                                         "item, reason, created_at) "
                                         "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                         {round_id, b.round.Int(3), f.equipment_id, f.item, reason.dump(), now}));
              audit_findings.push_back(
                  {{"id", frow->Int(0)}, {"equipment_id", f.equipment_id}, {"item", f.item}, {"reason", reason}});
            }
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"submit",
                                         "inspection_round",
                                         round_id,
                                         b.round.Int(3),
                                         nullptr,
                                         {{"client_id", *client_id},
                                          {"route_id", *route_id},
                                          {"slot", b.round.Text(4)},
                                          {"status", RoundStatusName(rs)},
                                          {"findings", audit_findings}}}));
            PARK_ASSIGN_OR_RETURN(
                auto saved,
                tx.QueryOne(fmt::format("SELECT {} FROM inspection_rounds WHERE id = $1", kRoundCols), {round_id}));
            PARK_ASSIGN_OR_RETURN(out, RoundDetail(tx, *saved));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out, status) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, RoundRequestSchema(), Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kGet, "/api/v1/maintenance/rounds/{id}", kReaders,
        "One round with its answers and findings", [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          Json out;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(
                auto row,
                tx.QueryOne(fmt::format("SELECT {} FROM inspection_rounds WHERE id = $1", kRoundCols), {*id}));
            if (!row || !req.Who().CanSeeEnterprise(row->Int(3))) {
              return Error::NotFound(T("maintenance.round.not_found", {{"id", std::to_string(*id)}}));
            }
            PARK_ASSIGN_OR_RETURN(out, RoundDetail(tx, *row));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kPost, "/api/v1/maintenance/findings/{id}/work-order", kHands,
        "Open a work order for an inspection finding on its equipment, the finding linked to it (201; a finding "
        "that has one answers 200 with it)",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto title = in.String("title", JsonReader::kOptional, 200);
          const auto priority = in.String("priority", JsonReader::kOptional, 20).value_or("high");
          if (priority != "low" && priority != "normal" && priority != "high" && priority != "urgent") {
            in.Fail("priority", T("field.one_of", {{"allowed", "low, normal, high, urgent"}}));
          }
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          bool created = false;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(
                auto f,
                tx.QueryOne(
                    "SELECT f.enterprise_id, f.equipment_id, f.reason, f.work_order_id, f.round_id, r.client_id "
                    "FROM inspection_findings f JOIN inspection_rounds r ON r.id = f.round_id WHERE f.id = $1",
                    {*id}));
            if (!f || !req.Who().CanSeeEnterprise(f->Int(0))) {
              return Error::NotFound(T("maintenance.round.finding_not_found", {{"id", std::to_string(*id)}}));
            }
            int64_t order = 0;
            if (!f->IsNull(3)) {
              order = f->Int(3);
            } else {
              // The title, unless given, is the finding as the park reads it (the catalogue's Chinese text).
              const Json rj = Json::parse(f->Text(2), nullptr, false);
              Text reason = T(rj.value("code", std::string()));
              if (rj.contains("params") && rj["params"].is_object()) {
                for (const auto& [k, v] : rj["params"].items()) {
                  if (v.is_number())
                    reason.params.emplace_back(k, v.get<double>());
                  else if (v.is_string())
                    reason.params.emplace_back(k, v.get<std::string>());
                }
              }
              const std::string default_title = RenderText(reason, Locale::kZhCN);
              PARK_ASSIGN_OR_RETURN(
                  order, s->OpenOrder(tx, &req.Who(), f->Int(0), f->Int(1), title.value_or(default_title),
                                      fmt::format("inspection round {}, finding {}", f->Text(5), *id), priority,
                                      std::nullopt, std::nullopt, std::nullopt));
              PARK_TRY(tx.Exec("UPDATE inspection_findings SET work_order_id = $1 WHERE id = $2", {order, *id}));
              PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                          {"open_work_order",
                                           "inspection_finding",
                                           *id,
                                           f->Int(0),
                                           nullptr,
                                           {{"work_order_id", order}, {"round_id", f->Int(4)}}}));
              created = true;
            }
            PARK_ASSIGN_OR_RETURN(
                auto o, tx.QueryOne(fmt::format("SELECT {} FROM work_orders WHERE id = $1", kOrderCols), {order}));
            out = OrderJson(*o);
            out["finding_id"] = *id;
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          if (created) s->PublishOrder("created", out);
          return Response::FromJson(out, created ? 201 : 200);
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"title", {{"type", "string"}, {"maxLength", 200}}},
                     {"priority", {{"type", "string"}, {"enum", {"low", "normal", "high", "urgent"}}}}}),
                Obj(), 201);
    r.doc.also_accepted_content_types = {""};
    router.Add(std::move(r));
  }
}

}  // namespace park::maintenance
