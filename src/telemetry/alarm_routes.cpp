// Alarms on the API: the list with its filters, one alarm with its history, handling it to closure (acknowledge
// with a note, assign, comment, close with a cause) and statistics per enterprise and rule.
#include <fmt/format.h>

#include "park/core/json.hpp"
#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/store/audit.hpp"
#include "telemetry/alarms.hpp"

namespace park::telemetry {

const std::string kAlarmSelect =
    "SELECT a.id, a.rule_id, a.series_id, a.enterprise_id, a.condition, a.state, a.severity, a.raised_at, "
    "a.acknowledged_at, a.acknowledged_by, a.cleared_at, a.trigger_value, a.last_value, a.repeats, r.name, "
    "t.key, t.sensor_id, s.name, s.unit, e.name, eq.id, eq.name, eq.tag, f.name, f.location, a.ack_note, "
    "a.assignee_id, COALESCE(NULLIF(u.display_name, ''), u.name), a.assigned_at, a.closed_at, a.closed_by, "
    "a.close_cause, a.close_note, a.comment_count "
    "FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id JOIN telemetry_series t ON t.id = a.series_id "
    "LEFT JOIN sensors s ON s.id = t.sensor_id LEFT JOIN enterprises e ON e.id = a.enterprise_id "
    "LEFT JOIN equipment eq ON eq.id = s.equipment_id LEFT JOIN facilities f ON f.id = eq.facility_id "
    "LEFT JOIN users u ON u.id = a.assignee_id ";

namespace {

constexpr const char* kTag = "telemetry";

using http::Method;
using http::Request;
using http::Response;

const std::vector<Role> kHandlers = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser, Role::kTechnician};
// The screen (viewer) role reads the list but sees no assets or people in it.
const std::vector<Role> kScreenOnly = {Role::kViewer};
const std::vector<Role> kFullReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser, Role::kTechnician,
                                        Role::kIntegrator};

// Filters: $1 enterprise (0: all), $2 state filter, $3 rule (0: all), $4 assignee (0: anyone).
constexpr std::string_view kAlarmWhere =
    "WHERE ($1 = 0 OR a.enterprise_id = $1) AND ($2 = '' "
    "OR ($2 = 'open' AND a.state <> 'cleared' AND a.closed_at IS NULL) "
    "OR ($2 = 'to_close' AND a.state = 'cleared' AND a.closed_at IS NULL) "
    "OR ($2 = 'closed' AND a.closed_at IS NOT NULL) "
    "OR (a.state = $2 AND a.closed_at IS NULL)) "
    "AND ($3 = 0 OR a.rule_id = $3) AND ($4 = 0 OR a.assignee_id = $4) ";
const std::string kAlarmsPage =
    kAlarmSelect + std::string(kAlarmWhere) + "ORDER BY a.raised_at DESC, a.id DESC LIMIT $5 OFFSET $6";
const std::string kAlarmsCount = "SELECT COUNT(*) FROM alarms a " + std::string(kAlarmWhere);
const std::string kAlarmById = kAlarmSelect + "WHERE a.id = $1";
constexpr std::string_view kAlarmScope = "SELECT enterprise_id, closed_at, closed_by FROM alarms WHERE id = $1";
constexpr std::string_view kComments =
    "SELECT id, at, author_name, body FROM alarm_comments WHERE alarm_id = $1 ORDER BY at, id";
constexpr std::string_view kHistory =
    "SELECT at, actor_name, action, after FROM audit_log WHERE entity = 'alarm' AND entity_id = $1 "
    "ORDER BY at, id LIMIT 500";
constexpr std::string_view kInsertComment =
    "INSERT INTO alarm_comments (alarm_id, at, author_id, author_name, body) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kCountComment = "UPDATE alarms SET comment_count = comment_count + 1 WHERE id = $1";
constexpr std::string_view kAssign = "UPDATE alarms SET assignee_id = $2, assigned_at = $3 WHERE id = $1";
constexpr std::string_view kUser =
    "SELECT id, name, COALESCE(NULLIF(display_name, ''), name), role, enterprise_id, disabled FROM users WHERE id = $1";
// People who may handle an alarm of enterprise $1 (0: a park-wide alarm); $2 limits them to one enterprise's staff
// (0: no limit), for enterprise users choosing among their colleagues.
constexpr std::string_view kCandidates =
    "SELECT id, name, COALESCE(NULLIF(display_name, ''), name), role, enterprise_id FROM users "
    "WHERE disabled = 0 AND role IN ('park_admin', 'park_staff', 'technician', 'enterprise_user') "
    "AND (enterprise_id IS NULL OR enterprise_id = $1) AND ($2 = 0 OR enterprise_id = $2) "
    "ORDER BY role, name LIMIT 500";
const std::string kStatsRows =
    "SELECT a.enterprise_id, e.name, a.rule_id, r.name, a.severity, a.raised_at, a.acknowledged_at, a.cleared_at, "
    "a.closed_at FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id LEFT JOIN enterprises e ON e.id = "
    "a.enterprise_id WHERE ($1 = 0 OR a.enterprise_id = $1) AND a.raised_at >= $2 AND a.raised_at < $3 LIMIT 200000";

Json OptInt(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Int(i)); }
Json OptText(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Text(i)); }
Json Instant(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(FormatInstantMs(r.Int(i))); }
Response Fail(const Error& e) { return Response::FromError(e); }

bool MayHandle(Role role) { return std::find(kHandlers.begin(), kHandlers.end(), role) != kHandlers.end(); }

// The alarm's enterprise when `who` may see it; NotFound otherwise (an alarm of another enterprise does not exist
// for them). `open_only`: a closed alarm is a conflict.
Result<std::optional<int64_t>> Visible(store::Tx& tx, int64_t id, const Principal& who, bool open_only) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kAlarmScope, {id}));
  if (!row) return Error::NotFound(T("telemetry.alarm.not_found"));
  const auto enterprise = row->OptInt(0);
  if (enterprise ? !who.CanSeeEnterprise(*enterprise) : who.enterprise_id.has_value()) {
    return Error::NotFound(T("telemetry.alarm.not_found"));
  }
  if (open_only && !row->IsNull(1)) return Error::Conflict(T("telemetry.alarm.already_closed", {{"by", row->Text(2)}}));
  return enterprise;
}

// The alarm of the path and the request's JSON object (an empty body reads as {} where one may be left out).
struct AlarmRequest {
  int64_t id = 0;
  Json body;
};
Result<AlarmRequest> ReadAlarmRequest(const Request& req, bool body_optional) {
  PARK_ASSIGN_OR_RETURN(int64_t id, req.IdParam());
  if (body_optional && req.body.empty()) return AlarmRequest{id, Json::object()};
  PARK_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
  return AlarmRequest{id, std::move(body)};
}

// Audits a handling step, then publishes the alarm as it now stands (in the same transaction's view).
Status AuditAndRead(store::Tx& tx, Service::Impl& s, const Principal& who, std::string_view action, int64_t id,
                    std::optional<int64_t> enterprise, Json after, std::optional<store::Row>& row) {
  PARK_TRY(store::AppendAudit(tx, s.clock, &who, {std::string(action), "alarm", id, enterprise, nullptr, std::move(after)}));
  PARK_ASSIGN_OR_RETURN(row, ReadAlarmRow(tx, id));
  return {};
}

Json CandidateJson(const store::Row& r) {
  return {{"id", r.Int(0)}, {"name", r.Text(1)}, {"display_name", r.Text(2)}, {"role", r.Text(3)},
          {"enterprise_id", OptInt(r, 4)}};
}

Json TallyJson(const AlarmTally& t) {
  auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"raised", t.raised},     {"critical", t.critical}, {"open", t.open}, {"to_close", t.to_close},
          {"closed", t.closed},     {"mean_minutes_to_acknowledge", opt(t.mean_minutes_to_acknowledge)},
          {"mean_minutes_to_close", opt(t.mean_minutes_to_close)}};
}

// Local days YYYY-MM-DD; default: this month so far (to = tomorrow).
struct Days {
  int64_t from_ms = 0, to_ms = 0;
  std::string from, to;
};
Result<Days> DaysOf(const Request& req, const Service::Impl& s) {
  const int64_t offset_ms = static_cast<int64_t>(s.config.utc_offset_minutes) * 60'000;
  const int64_t local_now = s.clock.NowMs() + offset_ms;
  Days d;
  d.from = FormatDateMs(local_now).substr(0, 8) + "01";
  d.to = FormatDateMs(local_now + 86'400'000);
  std::vector<FieldError> bad;
  for (auto [field, out] : {std::pair{"from", &d.from}, std::pair{"to", &d.to}}) {
    if (auto q = req.Query(field)) {
      if (IsValidDate(*q)) {
        *out = std::string(*q);
      } else {
        bad.push_back({field, T("field.date_format")});
      }
    }
  }
  if (!bad.empty()) return Error::Invalid(std::move(bad));
  auto ms = [&](const std::string& day) {
    return DaysFromCivil(std::stoi(day.substr(0, 4)), static_cast<unsigned>(std::stoi(day.substr(5, 2))),
                         static_cast<unsigned>(std::stoi(day.substr(8, 2)))) * 86'400'000 - offset_ms;
  };
  d.from_ms = ms(d.from);
  d.to_ms = ms(d.to);
  if (d.from_ms >= d.to_ms) return Error::Invalid("from", T("time.from_before_to"));
  if (d.to_ms - d.from_ms > 400LL * 86'400'000) return Error::Invalid("from", T("time.range_too_long", {{"max_days", 400}}));
  return d;
}

}  // namespace

Json AlarmRowJson(const store::Row& r, bool screen) {
  Json j = {{"id", r.Int(0)},
            {"rule_id", r.Int(1)},
            {"series_id", r.Int(2)},
            {"enterprise_id", OptInt(r, 3)},
            {"condition", r.Text(4)},
            {"state", r.Text(5)},
            {"severity", r.Text(6)},
            {"raised_at", Instant(r, 7)},
            {"acknowledged_at", Instant(r, 8)},
            {"cleared_at", Instant(r, 10)},
            {"trigger_value", r.Real(11)},
            {"last_value", r.Real(12)},
            {"repeats", r.Int(13)},
            {"rule", r.Text(14)},
            {"sensor_key", r.Text(15)},
            {"sensor_id", OptInt(r, 16)},
            {"sensor_name", OptText(r, 17)},
            {"unit", OptText(r, 18)},
            {"enterprise_name", OptText(r, 19)},
            {"closed_at", Instant(r, 29)},
            {"close_cause", r.Text(31)}};
  if (screen) return j;  // a wall screen shows what is wrong where, not the park's assets or people
  j["acknowledged_by"] = r.Text(9);
  j["equipment_id"] = OptInt(r, 20);
  j["equipment_name"] = OptText(r, 21);
  j["equipment_tag"] = OptText(r, 22);
  j["facility_name"] = OptText(r, 23);
  j["location"] = OptText(r, 24);
  j["ack_note"] = r.Text(25);
  j["assignee_id"] = OptInt(r, 26);
  j["assignee"] = OptText(r, 27);
  j["assigned_at"] = Instant(r, 28);
  j["closed_by"] = r.Text(30);
  j["close_note"] = r.Text(32);
  j["comment_count"] = r.Int(33);
  return j;
}

Result<std::optional<store::Row>> ReadAlarmRow(store::Tx& tx, int64_t id) { return tx.QueryOne(kAlarmById, {id}); }

void PublishAlarm(http::LiveHub* hub, std::string_view event, const store::Row& row) {
  if (!hub) return;
  const auto enterprise = row.OptInt(3);
  hub->Publish("alarm", {{"event", event}, {"alarm", AlarmRowJson(row, false)}}, enterprise, kFullReaders);
  hub->Publish("alarm", {{"event", event}, {"alarm", AlarmRowJson(row, true)}}, enterprise, kScreenOnly);
}

void RegisterAlarmRoutes(Service::Impl& s, http::Router& router) {
  Service::Impl* sp = &s;
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/alarms", kScreenTelemetryReaders, "List alarms, newest first",
        [sp](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          auto page = http::ParsePage(req);
          if (!page.ok()) return Fail(page.error());
          auto rule = http::QueryId(req, "rule_id");
          if (!rule.ok()) return Fail(rule.error());
          const std::string state(req.Query("state").value_or(""));
          static const std::vector<std::string> kStates = {"open",  "active", "acknowledged",
                                                           "cleared", "to_close", "closed"};
          if (!state.empty() && std::find(kStates.begin(), kStates.end(), state) == kStates.end()) {
            return Fail(Error::Invalid("state", T("field.one_of",
                                                  {{"allowed", "open, active, acknowledged, cleared, to_close, closed"}})));
          }
          const std::string assignee(req.Query("assignee").value_or(""));
          if (!assignee.empty() && assignee != "me") {
            return Fail(Error::Invalid("assignee", T("field.one_of", {{"allowed", "me"}})));
          }
          const int64_t mine = assignee == "me" ? std::max<int64_t>(req.Who().user_id, -1) : 0;
          const bool screen = req.Who().role == Role::kViewer;
          const store::Params filter = {scope->value_or(0), state, rule->value_or(0), mine};
          Json items = Json::array();
          int64_t total = 0;
          auto st = sp->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kAlarmsCount, filter));
            total = count->Int(0);
            store::Params p = filter;
            p.emplace_back(page->size);
            p.emplace_back(page->Offset());
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kAlarmsPage, p));
            for (const auto& row : rows) items.push_back(AlarmRowJson(row, screen));
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          return Response::FromJson(http::PagedJson(std::move(items), *page, total));
        });
    r.doc.query = {{"state", "string",
                    "open (the condition holds, not closed), active, acknowledged, cleared (the condition ended), "
                    "to_close (ended, not closed yet) or closed",
                    false},
                   {"enterprise_id", "integer", "this enterprise's alarms", false},
                   {"rule_id", "integer", "this rule's alarms", false},
                   {"assignee", "string", "me: the alarms assigned to the caller", false},
                   {"page", "integer", "1-based", false},
                   {"page_size", "integer", "items per page (at most 200)", false}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/alarms/stats", kTelemetryReaders,
        "Alarms raised in a window of local days, per enterprise and per rule: counts by step, the means to "
        "acknowledge and to close",
        [sp](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          auto days = DaysOf(req, *sp);
          if (!days.ok()) return Fail(days.error());
          std::vector<AlarmRecord> by_enterprise, by_rule, all;
          std::map<std::string, Json> enterprise_names, rule_names;
          auto st = sp->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kStatsRows, {scope->value_or(0), days->from_ms, days->to_ms}));
            for (const auto& row : rows) {
              AlarmRecord rec{"", row.Text(4), row.Int(5), row.IsNull(6) ? 0 : row.Int(6),
                              row.IsNull(7) ? 0 : row.Int(7), row.IsNull(8) ? 0 : row.Int(8)};
              rec.group = row.IsNull(0) ? "" : std::to_string(row.Int(0));
              enterprise_names[rec.group] = OptText(row, 1);
              by_enterprise.push_back(rec);
              rec.group = std::to_string(row.Int(2));
              rule_names[rec.group] = row.Text(3);
              by_rule.push_back(rec);
              rec.group = "all";
              all.push_back(std::move(rec));
            }
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          Json enterprises = Json::array();
          for (const auto& t : TallyAlarms(by_enterprise)) {
            Json j = TallyJson(t);
            j["enterprise_id"] = t.group.empty() ? Json(nullptr) : Json(std::stoll(t.group));
            j["name"] = enterprise_names[t.group];
            enterprises.push_back(std::move(j));
          }
          Json rules = Json::array();
          for (const auto& t : TallyAlarms(by_rule)) {
            Json j = TallyJson(t);
            j["rule_id"] = std::stoll(t.group);
            j["name"] = rule_names[t.group];
            rules.push_back(std::move(j));
          }
          const auto total = TallyAlarms(all);
          return Response::FromJson({{"from", days->from},
                                     {"to", days->to},
                                     {"total", total.empty() ? TallyJson(AlarmTally{}) : TallyJson(total.front())},
                                     {"by_enterprise", std::move(enterprises)},
                                     {"by_rule", std::move(rules)}});
        });
    r.doc.query = {{"from", "string", "first local day YYYY-MM-DD; default the first of this month", false},
                   {"to", "string", "local day after the last; default tomorrow", false},
                   {"enterprise_id", "integer", "this enterprise's alarms", false}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/alarms/{id}", kTelemetryReaders,
        "One alarm with its comments and its history (raised, acknowledged, assigned, commented, cleared, closed)",
        [sp](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          Json out;
          auto st = sp->store.Read([&](store::Tx& tx) -> Status {
            PARK_TRY(Visible(tx, *id, req.Who(), false));
            PARK_ASSIGN_OR_RETURN(auto row, ReadAlarmRow(tx, *id));
            if (!row) return Error::NotFound(T("telemetry.alarm.not_found"));
            out = AlarmRowJson(*row, false);
            Json comments = Json::array();
            PARK_ASSIGN_OR_RETURN(auto cs, tx.Query(kComments, {*id}));
            for (const auto& c : cs) {
              comments.push_back({{"id", c.Int(0)}, {"at", FormatInstantMs(c.Int(1))}, {"author", c.Text(2)},
                                  {"body", c.Text(3)}});
            }
            out["comments"] = std::move(comments);
            Json history = Json::array();
            PARK_ASSIGN_OR_RETURN(auto hs, tx.Query(kHistory, {*id}));
            for (const auto& h : hs) {
              Json step = {{"at", FormatInstantMs(h.Int(0))}, {"actor", h.Text(1)}, {"action", h.Text(2)}};
              // What the step said: the note of an acknowledgement, the cause of a closure, the assignee.
              if (!h.IsNull(3)) {
                const Json after = Json::parse(h.Text(3), nullptr, false);
                if (after.is_object()) {
                  for (const char* key : {"note", "cause", "assignee", "last_value"}) {
                    if (after.contains(key)) step[key] = after[key];
                  }
                }
              }
              history.push_back(std::move(step));
            }
            out["history"] = std::move(history);
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          return Response::FromJson(out);
        });
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kPost, "/api/v1/alarms/{id}/acknowledge", kHandlers,
        "Acknowledge an active alarm with an optional note (it clears by itself when the condition ends)",
        [sp](const Request& req) -> Response {
          auto in = ReadAlarmRequest(req, true);
          if (!in.ok()) return Fail(in.error());
          JsonReader rd(in->body);
          const std::string note = rd.String("note", JsonReader::kOptional, kMaxHandlingNote).value_or("");
          if (auto st = rd.Finish(); !st.ok()) return Fail(st.error());
          auto a = sp->alarms->Acknowledge(in->id, req.Who(), note);
          if (!a.ok()) return Fail(a.error());
          return Response::FromJson(*a);
        });
    r.doc.request_schema = http::ObjectSchema(
        {{"note", {{"type", "string"}, {"description", "optional: what is being done about it"}}}});
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/alarms/{id}/assignees", kHandlers,
        "The people an alarm may be assigned to: park staff, technicians and the enterprise's own users (an "
        "enterprise user chooses among the enterprise's)",
        [sp](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          Json items = Json::array();
          auto st = sp->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto enterprise, Visible(tx, *id, req.Who(), false));
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kCandidates, {enterprise.value_or(0),
                                                                   req.Who().enterprise_id.value_or(0)}));
            for (const auto& row : rows) items.push_back(CandidateJson(row));
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          return Response::FromJson({{"items", std::move(items)}});
        });
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kPost, "/api/v1/alarms/{id}/assign", kHandlers,
        "Assign an alarm to a person who may handle it (null: nobody)",
        [sp](const Request& req) -> Response {
          auto in = ReadAlarmRequest(req, true);
          if (!in.ok()) return Fail(in.error());
          const int64_t id = in->id;
          JsonReader rd(in->body);
          const auto assignee = rd.Integer("assignee_id", JsonReader::kOptional);
          if (!in->body.contains("assignee_id")) rd.Fail("assignee_id", T("field.required"));
          if (auto st = rd.Finish(); !st.ok()) return Fail(st.error());
          const Principal& who = req.Who();
          std::optional<store::Row> row;
          auto st = sp->store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto enterprise, Visible(tx, id, who, true));
            Json after = {{"assignee_id", nullptr}, {"assignee", ""}};
            if (assignee) {
              PARK_ASSIGN_OR_RETURN(auto user, tx.QueryOne(kUser, {*assignee}));
              // The person must be able to see and handle this alarm, and (for an enterprise user assigning) be
              // one of the enterprise's own.
              const bool ok = user && user->Int(5) == 0 && ParseRole(user->Text(3)) && MayHandle(*ParseRole(user->Text(3))) &&
                              (user->IsNull(4) || (enterprise && user->Int(4) == *enterprise)) &&
                              (!who.enterprise_id || (!user->IsNull(4) && user->Int(4) == *who.enterprise_id));
              if (!ok) return Error::Invalid("assignee_id", T("telemetry.alarm.cannot_assign"));
              after = {{"assignee_id", *assignee}, {"assignee", user->Text(2)}};
            }
            PARK_TRY(tx.Exec(kAssign, {id, store::OrNull(assignee), assignee ? store::Value(sp->clock.NowMs())
                                                                               : store::Value(nullptr)}));
            return AuditAndRead(tx, *sp, who, "assign", id, enterprise, std::move(after), row);
          });
          if (!st.ok()) return Fail(st.error());
          PublishAlarm(sp->hub, "assign", *row);
          return Response::FromJson(AlarmRowJson(*row, false));
        });
    r.doc.request_schema = http::ObjectSchema(
        {{"assignee_id", {{"type", {"integer", "null"}}, {"description", "a user id from …/assignees, or null"}}}},
        {"assignee_id"});
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kPost, "/api/v1/alarms/{id}/comments", kHandlers, "Comment on an alarm",
        [sp](const Request& req) -> Response {
          auto in = ReadAlarmRequest(req, false);
          if (!in.ok()) return Fail(in.error());
          const int64_t id = in->id;
          JsonReader rd(in->body);
          const std::string text = rd.String("body", JsonReader::kRequired, kMaxHandlingNote).value_or("");
          if (auto st = rd.Finish(); !st.ok()) return Fail(st.error());
          if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
            return Fail(Error::Invalid("body", T("field.empty")));
          }
          const Principal& who = req.Who();
          std::optional<store::Row> row;
          auto st = sp->store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto enterprise, Visible(tx, id, who, false));
            PARK_TRY(tx.Exec(kInsertComment, {id, sp->clock.NowMs(), who.user_id ? store::Value(who.user_id)
                                                                                 : store::Value(nullptr),
                                              who.name, text}));
            PARK_TRY(tx.Exec(kCountComment, {id}));
            return AuditAndRead(tx, *sp, who, "comment", id, enterprise, {{"note", text}}, row);
          });
          if (!st.ok()) return Fail(st.error());
          PublishAlarm(sp->hub, "comment", *row);
          return Response::FromJson(AlarmRowJson(*row, false), 201);
        });
    r.doc.request_schema = http::ObjectSchema({{"body", {{"type", "string"}, {"maxLength", kMaxHandlingNote}}}}, {"body"});
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kPost, "/api/v1/alarms/{id}/close", kHandlers,
        "Close an alarm with its cause. Closing one whose condition still holds clears it; the next abnormal "
        "reading raises a new alarm",
        [sp](const Request& req) -> Response {
          auto in = ReadAlarmRequest(req, false);
          if (!in.ok()) return Fail(in.error());
          JsonReader rd(in->body);
          Closure c;
          c.cause = rd.String("cause", JsonReader::kRequired, 40).value_or("");
          c.note = rd.String("note", JsonReader::kOptional, kMaxHandlingNote).value_or("");
          std::vector<FieldError> bad;
          if (auto read = rd.Finish(); !read.ok()) bad = read.error().fields;
          if (auto v = ValidateClosure(c); !v.ok()) {
            for (auto& f : v.error().fields) {
              if (std::none_of(bad.begin(), bad.end(), [&](const FieldError& b) { return b.field == f.field; })) {
                bad.push_back(f);
              }
            }
          }
          if (!bad.empty()) return Fail(Error::Invalid(std::move(bad)));
          auto a = sp->alarms->Close(in->id, req.Who(), c);
          if (!a.ok()) return Fail(a.error());
          return Response::FromJson(*a);
        });
    Json causes = Json::array();
    for (auto c : kCloseCauses) causes.push_back(c);
    r.doc.request_schema = http::ObjectSchema(
        {{"cause", {{"type", "string"}, {"enum", causes}}},
         {"note", {{"type", "string"}, {"description", "what was found and done; required for the cause other"}}}},
        {"cause"});
    router.Add(std::move(r));
  }
}

}  // namespace park::telemetry
