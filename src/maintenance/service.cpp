// Maintenance service: plans and work orders. See include/park/maintenance/service.hpp; the arithmetic and the
// state machine are the pure library's, here is storage, scope and HTTP.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/maintenance/workorder.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

using http::Method;
using http::Request;
using http::Response;

http::Response Fail(const Error& e) { return Response::FromError(e); }

http::RouteDoc Doc(std::string summary, Json request, Json response, int status) {
  http::RouteDoc d;
  d.summary = std::move(summary);
  d.tag = "maintenance";
  d.request_schema = std::move(request);
  d.response_schema = std::move(response);
  d.success_status = status;
  return d;
}

Json Obj(Json properties, std::vector<std::string> required) {
  Json j = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) j["required"] = required;
  return j;
}

Result<int64_t> EquipmentEnterprise(store::Tx& tx, const Principal& who, int64_t equipment_id, const char* field) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT enterprise_id FROM equipment WHERE id = $1", {equipment_id}));
  if (!row || !who.CanSeeEnterprise(row->Int(0))) return Error::Invalid(field, T("field.no_such_record"));
  return row->Int(0);
}

Result<std::optional<int64_t>> QueryInt(const http::Request& req, const char* key) { return http::QueryId(req, key); }

namespace {

Json Opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
Json Opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

constexpr std::string_view kPriorities[] = {"low", "normal", "high", "urgent"};
bool IsPriority(std::string_view p) {
  return std::find(std::begin(kPriorities), std::end(kPriorities), p) != std::end(kPriorities);
}

}  // namespace

Json OrderJson(const store::Row& r) {
  return {{"id", r.Int(0)},
          {"enterprise_id", r.Int(1)},
          {"equipment_id", r.Int(2)},
          {"title", r.Text(3)},
          {"description", r.Text(4)},
          {"priority", r.Text(5)},
          {"state", r.Text(6)},
          {"due_date", Opt(r.OptText(7))},
          {"assignee", Opt(r.OptText(8))},
          {"plan_id", Opt(r.OptInt(9))},
          {"alarm_id", Opt(r.OptInt(10))},
          {"note", r.Text(11)},
          {"done_by", r.Text(12)},
          {"done_signature", r.Text(13)},
          {"done_at", r.IsNull(14) ? Json(nullptr) : Json(FormatInstantMs(r.Int(14)))},
          {"verified_by", r.Text(15)},
          {"verified_signature", r.Text(16)},
          {"verified_at", r.IsNull(17) ? Json(nullptr) : Json(FormatInstantMs(r.Int(17)))},
          {"created_by", r.Text(18)},
          {"created_at", FormatInstantMs(r.Int(19))},
          {"updated_at", FormatInstantMs(r.Int(20))}};
}

// ---- Impl: telemetry reads, due dates, orders ----

Principal Service::Impl::System() const {
  Principal p;
  p.name = "maintenance";
  p.role = Role::kParkAdmin;
  return p;
}

namespace {

// GET a telemetry route in process as `who`; the body, or nullopt when the series is not there.
Result<std::optional<Json>> ReadRoute(const http::Router& router, const Principal& who, const std::string& path,
                                      std::vector<std::pair<std::string, std::string>> query) {
  const auto match = router.Find(Method::kGet, path);
  if (match.route == nullptr) return Error::Internal("maintenance: no route GET " + path);
  Request req;
  req.method = Method::kGet;
  req.path = path;
  req.query = std::move(query);
  req.params = match.params;
  req.request_id = "maintenance";
  req.principal = who;
  const Response resp = match.route->handler(req);
  if (resp.status == 404) return std::optional<Json>();
  Json body = Json::parse(resp.body, nullptr, false);
  if (resp.status != 200 || !body.is_object()) {
    return Error::Internal(fmt::format("maintenance: GET {} answered {}", path, resp.status));
  }
  return std::optional<Json>(std::move(body));
}

}  // namespace

Result<std::vector<Sample>> Service::Impl::Points(int64_t series_id, int64_t from_ms, int64_t to_ms) const {
  std::vector<Sample> out;
  const std::string path = fmt::format("/api/v1/series/{}/points", series_id);
  for (int page = 0; page < 100 && from_ms < to_ms; ++page) {
    PARK_ASSIGN_OR_RETURN(auto body, ReadRoute(src.router, System(), path,
                                               {{"from", FormatInstantMs(from_ms)},
                                                {"to", FormatInstantMs(to_ms)},
                                                {"limit", "100000"}}));
    if (!body || !(*body)["points"].is_array()) return out;
    for (const auto& p : (*body)["points"]) {
      PARK_ASSIGN_OR_RETURN(int64_t ts, ParseInstantMs(p["ts"].get<std::string>(), "ts"));
      out.push_back({ts, p["value"].get<double>()});
    }
    if (!body->value("truncated", false) || out.empty()) break;
    from_ms = out.back().timestamp_ms + 1;
  }
  return out;
}

Result<std::vector<Sample>> Service::Impl::HourlyMeans(int64_t series_id, int64_t from_ms, int64_t to_ms) const {
  PARK_ASSIGN_OR_RETURN(auto means, Means(series_id, from_ms, to_ms, "1h"));
  for (auto& m : means) m.timestamp_ms += 1'800'000;  // the middle of the hour
  return means;
}

Result<std::vector<Sample>> Service::Impl::Means(int64_t series_id, int64_t from_ms, int64_t to_ms,
                                                 const std::string& width) const {
  std::vector<Sample> out;
  PARK_ASSIGN_OR_RETURN(auto body, ReadRoute(src.router, System(), fmt::format("/api/v1/series/{}/buckets", series_id),
                                             {{"from", FormatInstantMs(from_ms)},
                                              {"to", FormatInstantMs(to_ms)},
                                              {"width", width}}));
  if (!body || !(*body)["buckets"].is_array()) return out;
  for (const auto& b : (*body)["buckets"]) {
    if (b.value("count", 0) == 0 || !b["mean"].is_number()) continue;
    PARK_ASSIGN_OR_RETURN(int64_t ts, ParseInstantMs(b["start"].get<std::string>(), "start"));
    out.push_back({ts, b["mean"].get<double>()});
  }
  return out;
}

Result<PlanDue> Service::Impl::Due(const store::Row& p) const {
  PlanDue d;
  const std::string kind = p.Text(4);
  const int64_t now = src.clock.NowMs();
  if (kind == "calendar") {
    CalendarPlan c;
    c.unit = ParseCalendarUnit(p.Text(5)).value_or(CalendarUnit::kMonth);
    c.every = static_cast<int64_t>(p.Real(6));
    c.anchor = ParseAnchor(p.Text(7)).value_or(Anchor::kFixed);
    PARK_ASSIGN_OR_RETURN(c.start, ParseLocalDate(p.Text(8), "start"));
    c.lead_days = static_cast<int64_t>(p.Real(9));
    const CalendarDue due = NextCalendarDue(c, p.OptInt(16), now, src.utc_offset_minutes);
    d.key = FormatLocalDate(due.due);
    d.remind = due.remind;
    d.due_now = due.due_now;
    d.overdue_days = due.overdue_days;
    d.due_date = d.key;
    d.json = {{"due_date", d.key},
              {"remind_on", FormatLocalDate(due.remind_on)},
              {"remind", due.remind},
              {"due_now", due.due_now},
              {"overdue_days", due.overdue_days},
              {"occurrence", due.occurrence},
              {"derivation", TextJson(due.derivation)}};
    return d;
  }
  if (kind == "meter") {
    MeterPlan m;
    m.basis = ParseMeterBasis(p.Text(10)).value_or(MeterBasis::kRunHours);
    m.every = p.Real(6);
    m.lead = p.Real(9);
    const int64_t from = p.OptInt(16).value_or(p.Int(13));
    std::vector<Sample> samples;
    std::optional<int64_t> series;
    PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM telemetry_series WHERE sensor_id = $1 ORDER BY id",
                                                  {p.Int(11)}));
      if (row) series = row->Int(0);
      return Status::Ok();
    }));
    // The library counts from the first reading at or after `from` (the last completion, or counted_from). A memo
    // of the same counting carries the count forward: only readings from its last one on are read.
    MeterCountOptions opts;
    opts.threshold = p.Real(12);
    MeterMemo memo;
    memo.series = series.value_or(0);
    memo.from = from;
    memo.threshold = opts.threshold;
    memo.basis = p.Text(10);
    memo.counted_whole_at = now;
    {
      std::lock_guard lock(meter_mutex);
      const auto it = meter_memo.find(p.Int(0));
      if (it != meter_memo.end() && it->second.series == memo.series && it->second.from == from &&
          it->second.threshold == memo.threshold && it->second.basis == memo.basis &&
          now - it->second.counted_whole_at < kMeterRecountMs) {
        memo = it->second;
      }
    }
    if (series) {
      const int64_t read_from = memo.progress.tail.empty() ? from : memo.progress.tail.back().timestamp_ms;
      PARK_ASSIGN_OR_RETURN(samples, Points(*series, read_from, now + 1));
    }
    memo.progress = AdvanceMeter(m.basis, std::move(memo.progress), samples, from, opts);
    const MeterCount count = memo.progress.count;
    {
      std::lock_guard lock(meter_mutex);
      meter_memo[p.Int(0)] = memo;
    }
    const MeterDue due = NextMeterDue(m, count);
    d.key = "meter:" + std::to_string(from);
    d.remind = due.remind;
    d.due_now = due.due_now;
    d.json = {{"used", count.used},
              {"remaining", due.remaining},
              {"samples", count.samples},
              {"resets", count.resets},
              {"counted_from", FormatInstantMs(from)},
              {"remind", due.remind},
              {"due_now", due.due_now},
              {"derivation", TextJson(due.derivation)}};
    return d;
  }
  d.key = "condition";
  d.json = {{"remind", false},
            {"due_now", false},
            {"derivation", TextJson(T("maintenance.due.condition", {{"rule", std::to_string(p.Int(14))}}))}};
  return d;
}

Json Service::Impl::PlanJson(const store::Row& p, const PlanDue& due, const Principal* who) const {
  Json j = {{"id", p.Int(0)},           {"enterprise_id", p.Int(1)}, {"equipment_id", p.Int(2)},
            {"name", p.Text(3)},        {"kind", p.Text(4)},         {"priority", p.Text(15)},
            {"last_done_at", p.IsNull(16) ? Json(nullptr) : Json(FormatInstantMs(p.Int(16)))},
            {"created_at", FormatInstantMs(p.Int(19))}, {"next_due", due.json}};
  // A robot's URL carries the token that lets anyone post into the group: whole only for park admins and the
  // plan's own enterprise, masked for everyone else and on the live feed.
  const std::string url = p.Text(20);
  const bool whole = who && (who->role == Role::kParkAdmin || who->enterprise_id == p.Int(1));
  j["webhook_url"] = url.empty() || whole ? url : MaskUrlSecrets(url);
  j["webhook_url_masked"] = !url.empty() && !whole;
  if (p.Text(4) == "calendar") {
    j["unit"] = p.Text(5);
    j["every"] = static_cast<int64_t>(p.Real(6));
    j["anchor"] = p.Text(7);
    j["start"] = p.Text(8);
    j["lead_days"] = static_cast<int64_t>(p.Real(9));
  } else if (p.Text(4) == "meter") {
    j["basis"] = p.Text(10);
    j["every"] = p.Real(6);
    j["lead"] = p.Real(9);
    j["sensor_id"] = p.Int(11);
    j["threshold"] = p.Real(12);
  } else {
    j["alarm_rule_id"] = p.Int(14);
  }
  // A plan made from a plan on an equipment type says so, with how its schedule or count was set.
  j["type_plan_id"] = p.IsNull(21) ? Json(nullptr) : Json(p.Int(21));
  if (auto origin = TypeOrigin(p)) j["from_type"] = *origin;
  return j;
}

Result<int64_t> Service::Impl::OpenOrder(store::Tx& tx, const Principal* who, int64_t enterprise_id,
                                         int64_t equipment_id, const std::string& title,
                                         const std::string& description, const std::string& priority,
                                         std::optional<std::string> due_date, std::optional<int64_t> plan_id,
                                         std::optional<int64_t> alarm_id) {
  const int64_t now = src.clock.NowMs();
  const std::string by = who ? who->name : std::string("system");
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "INSERT INTO work_orders (enterprise_id, equipment_id, title, description, priority, state, due_date, plan_id, "
      "alarm_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $10) "
      "RETURNING id",
      {enterprise_id, equipment_id, title, description, priority, store::OrNull(due_date), store::OrNull(plan_id),
       store::OrNull(alarm_id), by, now}));
  const int64_t id = row->Int(0);
  PARK_TRY(store::AppendAudit(tx, src.clock, who,
                              {"create", "work_order", id, enterprise_id, nullptr,
                               {{"equipment_id", equipment_id}, {"title", title}, {"priority", priority},
                                {"state", "open"}, {"plan_id", Opt(plan_id)}, {"alarm_id", Opt(alarm_id)}}}));
  return id;
}

void Service::Impl::PublishOrder(std::string_view event, const Json& order) const {
  if (!src.hub) return;
  src.hub->Publish("maintenance", {{"event", event}, {"work_order", order}}, order["enterprise_id"].get<int64_t>(),
                   kReaders);
}

// ---- plans ----

PlanSpec ReadPlanSpec(JsonReader& in, const OutboundPolicy& webhook_policy, bool by_type) {
  PlanSpec p;
  const auto name = in.String("name", JsonReader::kRequired, 200);
  const auto kind = in.String("kind", JsonReader::kRequired, 20);
  p.name = name.value_or("");
  p.kind = kind.value_or("");
  p.priority = in.String("priority", JsonReader::kOptional, 20).value_or("normal");
  if (!IsPriority(p.priority)) in.Fail("priority", T("field.one_of", {{"allowed", "low, normal, high, urgent"}}));
  const auto unit = in.String("unit", JsonReader::kOptional, 20);
  const auto anchor = in.String("anchor", JsonReader::kOptional, 20);
  const auto start = in.String("start", JsonReader::kOptional, 20);
  const auto basis = in.String("basis", JsonReader::kOptional, 20);
  const auto every = in.Number("every", JsonReader::kOptional);
  const auto lead_days = in.Integer("lead_days", JsonReader::kOptional);
  const auto lead = in.Number("lead", JsonReader::kOptional);
  if (!by_type) p.sensor = in.Integer("sensor_id", JsonReader::kOptional);
  p.threshold = in.Number("threshold", JsonReader::kOptional).value_or(0.5);
  p.rule = in.Integer("alarm_rule_id", JsonReader::kOptional);
  p.webhook_url = in.String("webhook_url", JsonReader::kOptional, 500).value_or("");
  if (!p.webhook_url.empty()) {
    if (auto target = CheckOutboundUrl(p.webhook_url, webhook_policy, "webhook_url"); !target.ok()) {
      in.Fail(target.error());
    }
  }
  if (auto text = in.String("counted_from", JsonReader::kOptional, 40)) {
    if (auto at = ParseInstantMs(*text, "counted_from"); at.ok()) p.counted_from = *at;
    else in.Fail(at.error());
  }
  // Fields of the chosen kind are required; the library checks their ranges.
  if (kind == std::optional<std::string>("calendar")) {
    if (!unit) in.Fail("unit", T("field.required"));
    else if (auto u = ParseCalendarUnit(*unit)) p.cal.unit = *u;
    else in.Fail("unit", T("field.one_of", {{"allowed", "day, week, month, year"}}));
    if (anchor) {
      if (auto a = ParseAnchor(*anchor)) p.cal.anchor = *a;
      else in.Fail("anchor", T("field.one_of", {{"allowed", "fixed, floating"}}));
    }
    if (!every) in.Fail("every", T("field.required"));
    else if (*every != std::floor(*every)) in.Fail("every", T("field.fraction"));
    else p.cal.every = static_cast<int64_t>(std::clamp(*every, -1e9, 1e9));
    if (!start) in.Fail("start", T("field.required"));
    else if (auto d = ParseLocalDate(*start, "start"); d.ok()) p.cal.start = *d;
    else in.Fail(d.error());
    p.cal.lead_days = lead_days.value_or(0);
    if (in.ok()) {
      if (auto st = ValidateCalendarPlan(p.cal); !st.ok()) in.Fail(st.error());
    }
  } else if (kind == std::optional<std::string>("meter")) {
    if (!basis) in.Fail("basis", T("field.required"));
    else if (auto b = ParseMeterBasis(*basis)) p.met.basis = *b;
    else in.Fail("basis", T("field.one_of", {{"allowed", "run_hours, starts, counter"}}));
    if (!every) in.Fail("every", T("field.required"));
    else p.met.every = *every;
    p.met.lead = lead.value_or(0);
    if (!by_type && !p.sensor) in.Fail("sensor_id", T("field.required"));
    if (in.ok()) {
      if (auto st = ValidateMeterPlan(p.met); !st.ok()) in.Fail(st.error());
    }
  } else if (kind == std::optional<std::string>("condition")) {
    if (!p.rule) in.Fail("alarm_rule_id", T("field.required"));
  } else if (kind) {
    in.Fail("kind", T("field.one_of", {{"allowed", "calendar, meter, condition"}}));
  }
  return p;
}

Json PlanSpecJson(const PlanSpec& p) {
  Json j = {{"name", p.name}, {"kind", p.kind}, {"priority", p.priority}};
  if (!p.webhook_url.empty()) j["webhook_url"] = p.webhook_url;
  if (p.kind == "calendar") {
    j["unit"] = CalendarUnitName(p.cal.unit);
    j["every"] = p.cal.every;
    j["anchor"] = AnchorName(p.cal.anchor);
    j["start"] = FormatLocalDate(p.cal.start);
    j["lead_days"] = p.cal.lead_days;
  } else if (p.kind == "meter") {
    j["basis"] = MeterBasisName(p.met.basis);
    j["every"] = p.met.every;
    j["lead"] = p.met.lead;
    j["threshold"] = p.threshold;
    if (p.counted_from) j["counted_from"] = FormatInstantMs(*p.counted_from);
  } else {
    j["alarm_rule_id"] = p.rule.value_or(0);
  }
  return j;
}

Status CheckPlanRule(store::Tx& tx, int64_t rule_id, int64_t enterprise_id) {
  PARK_ASSIGN_OR_RETURN(auto rrow, tx.QueryOne("SELECT enterprise_id FROM alarm_rules WHERE id = $1", {rule_id}));
  if (!rrow || (!rrow->IsNull(0) && rrow->Int(0) != enterprise_id)) {
    return Error::Invalid("alarm_rule_id", T("field.no_such_record"));
  }
  return Status::Ok();
}

Result<int64_t> InsertPlan(store::Tx& tx, const Clock& clock, const PlanSpec& spec, int64_t enterprise_id,
                           int64_t equipment_id, std::optional<int64_t> sensor_id, std::optional<int64_t> type_plan_id) {
  const int64_t now = clock.NowMs();
  const bool is_cal = spec.kind == "calendar";
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "INSERT INTO maintenance_plans (enterprise_id, equipment_id, name, kind, unit, every_n, anchor, start_date, "
      "lead_by, basis, sensor_id, threshold, counted_from, alarm_rule_id, priority, created_at, updated_at, "
      "webhook_url, type_plan_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
      "$16, $17, $18) RETURNING id",
      {enterprise_id, equipment_id, spec.name, spec.kind,
       is_cal ? std::string(CalendarUnitName(spec.cal.unit)) : std::string(),
       is_cal ? static_cast<double>(spec.cal.every) : spec.met.every,
       is_cal ? std::string(AnchorName(spec.cal.anchor)) : std::string(),
       is_cal ? store::Value(FormatLocalDate(spec.cal.start)) : store::Value(nullptr),
       is_cal ? static_cast<double>(spec.cal.lead_days) : spec.met.lead,
       spec.kind == "meter" ? std::string(MeterBasisName(spec.met.basis)) : std::string(), store::OrNull(sensor_id),
       spec.threshold, spec.counted_from.value_or(now), store::OrNull(spec.rule), spec.priority, now,
       spec.webhook_url, store::OrNull(type_plan_id)}));
  return row->Int(0);
}

void Service::Impl::RegisterPlans(http::Router& router) {
  Impl* s = this;
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/plans", kManagers,
        "A maintenance plan on one equipment: by calendar (unit, every, anchor, start, lead_days), by meter (basis, "
        "every, lead, sensor_id, threshold, counted_from) or by condition (alarm_rule_id); nothing is stored when a field is bad",
        [s](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto equipment = in.Integer("equipment_id", JsonReader::kRequired);
          const PlanSpec spec = ReadPlanSpec(in, s->src.webhook_policy, false);
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(int64_t ent, EquipmentEnterprise(tx, req.Who(), *equipment, "equipment_id"));
            if (spec.kind == "meter") {
              PARK_ASSIGN_OR_RETURN(auto srow, tx.QueryOne("SELECT equipment_id FROM sensors WHERE id = $1",
                                                          {*spec.sensor}));
              if (!srow || srow->Int(0) != *equipment) {
                return Error::Invalid("sensor_id", T("maintenance.plan.sensor_not_on_equipment"));
              }
            }
            if (spec.kind == "condition") PARK_TRY(CheckPlanRule(tx, *spec.rule, ent));
            PARK_ASSIGN_OR_RETURN(const int64_t id, InsertPlan(tx, s->src.clock, spec, ent, *equipment, spec.sensor,
                                                               std::nullopt));
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"create", "maintenance_plan", id, ent, nullptr, *body}));
            out["id"] = id;
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          // Read back with its next due (outside the write: a meter plan reads telemetry).
          std::optional<store::Row> plan;
          auto rd = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(plan, tx.QueryOne(fmt::format("SELECT {} FROM maintenance_plans WHERE id = $1",
                                                                kPlanCols), {out["id"].get<int64_t>()}));
            return Status::Ok();
          });
          if (!rd.ok()) return Fail(rd.error());
          auto due = s->Due(*plan);
          if (!due.ok()) return Fail(due.error());
          return Response::FromJson(s->PlanJson(*plan, *due, &req.Who()), 201);
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"equipment_id", {{"type", "integer"}}},
                     {"name", {{"type", "string"}}},
                     {"kind", {{"type", "string"}, {"enum", {"calendar", "meter", "condition"}}}},
                     {"priority", {{"type", "string"}, {"enum", {"low", "normal", "high", "urgent"}}}},
                     {"unit", {{"type", "string"}, {"enum", {"day", "week", "month", "year"}}}},
                     {"every", {{"type", "number"}}},
                     {"anchor", {{"type", "string"}, {"enum", {"fixed", "floating"}}}},
                     {"start", {{"type", "string"}, {"format", "date"}}},
                     {"lead_days", {{"type", "integer"}}},
                     {"basis", {{"type", "string"}, {"enum", {"run_hours", "starts", "counter"}}}},
                     {"lead", {{"type", "number"}}},
                     {"sensor_id", {{"type", "integer"}}},
                     {"threshold", {{"type", "number"}}},
                     {"counted_from", {{"type", "string"}, {"format", "date-time"}}},
                     {"webhook_url", {{"type", "string"}, {"maxLength", 500},
                                      {"description", "reminders are also posted here (DingTalk/WeCom robot)"}}},
                     {"alarm_rule_id", {{"type", "integer"}}}},
                    {"equipment_id", "name", "kind"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/plans", kReaders,
        "Plans in the caller's scope, each with its next due and how it was derived",
        [s](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          auto equipment = QueryInt(req, "equipment_id");
          if (!equipment.ok()) return Fail(equipment.error());
          std::vector<store::Row> rows;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(rows, tx.Query(fmt::format(
                "SELECT {} FROM maintenance_plans WHERE ($1 = 0 OR enterprise_id = $1) AND ($2 = 0 OR equipment_id = $2) "
                "ORDER BY id", kPlanCols), {scope->value_or(0), equipment->value_or(0)}));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          Json items = Json::array();
          for (const auto& p : rows) {
            auto due = s->Due(p);
            if (!due.ok()) return Fail(due.error());
            items.push_back(s->PlanJson(p, *due, &req.Who()));
          }
          return Response::FromJson({{"items", items}});
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise (an enterprise user always gets its own)"},
                   {"equipment_id", "integer", "one equipment"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/plans/{id}", kReaders,
        "One plan with its next due and its derivation",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          std::optional<store::Row> plan;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(plan, tx.QueryOne(fmt::format("SELECT {} FROM maintenance_plans WHERE id = $1",
                                                                kPlanCols), {*id}));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          if (!plan || !req.Who().CanSeeEnterprise(plan->Int(1))) {
            return Fail(Error::NotFound(T("maintenance.plan.not_found", {{"id", std::to_string(*id)}})));
          }
          auto due = s->Due(*plan);
          if (!due.ok()) return Fail(due.error());
          return Response::FromJson(s->PlanJson(*plan, *due, &req.Who()));
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
}

// ---- work orders ----

namespace {

Result<store::Row> LoadOrder(store::Tx& tx, const Principal& who, int64_t id) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format("SELECT {} FROM work_orders WHERE id = $1", kOrderCols), {id}));
  if (!row || !who.CanSeeEnterprise(row->Int(1))) {
    return Error::NotFound(T("maintenance.workorder.not_found", {{"id", std::to_string(id)}}));
  }
  return *row;
}

Result<Json> OrderDetail(store::Tx& tx, const store::Row& o) {
  Json j = OrderJson(o);
  Json time = Json::array(), parts = Json::array();
  PARK_ASSIGN_OR_RETURN(auto trows, tx.Query(
      "SELECT person, minutes, note, logged_at FROM work_order_time WHERE work_order_id = $1 ORDER BY id", {o.Int(0)}));
  int64_t total = 0;
  for (const auto& t : trows) {
    total += t.Int(1);
    time.push_back({{"person", t.Text(0)}, {"minutes", t.Int(1)}, {"note", t.Text(2)},
                    {"logged_at", FormatInstantMs(t.Int(3))}});
  }
  PARK_ASSIGN_OR_RETURN(auto prows, tx.Query(
      "SELECT w.part_id, p.part_no, p.name, p.store, w.quantity, p.unit, w.issued_by, w.issued_at FROM "
      "work_order_parts w JOIN spare_parts p ON p.id = w.part_id WHERE w.work_order_id = $1 ORDER BY w.id",
      {o.Int(0)}));
  for (const auto& p : prows) {
    parts.push_back({{"part_id", p.Int(0)}, {"part_no", p.Text(1)}, {"name", p.Text(2)}, {"store", p.Text(3)},
                     {"quantity", p.Real(4)}, {"unit", p.Text(5)}, {"issued_by", p.Text(6)},
                     {"issued_at", FormatInstantMs(p.Int(7))}});
  }
  j["time_log"] = time;
  j["minutes_total"] = total;
  j["parts"] = parts;
  std::vector<std::string> allowed;
  if (auto state = ParseState(o.Text(6))) {
    for (auto n : AllowedNext(*state)) allowed.emplace_back(StateName(n));
  }
  j["allowed"] = allowed;
  return j;
}

// A refused transition: 409 with the allowed next states beside the usual error shape.
Response Refused(const Error& e, const std::vector<std::string>& allowed) {
  Response r = Response::FromError(e);
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("error")) {
    body["error"]["allowed"] = allowed;
    r.body = body.dump();
  }
  return r;
}

}  // namespace

void Service::Impl::RegisterOrders(http::Router& router) {
  Impl* s = this;
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/work-orders", kManagers,
        "Open a work order on an equipment (priority, due date, the plan it serves)",
        [s](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto equipment = in.Integer("equipment_id", JsonReader::kRequired);
          const auto title = in.String("title", JsonReader::kRequired, 200);
          const auto description = in.String("description", JsonReader::kOptional, 4000).value_or("");
          const auto priority = in.String("priority", JsonReader::kOptional, 20).value_or("normal");
          if (!IsPriority(priority)) in.Fail("priority", T("field.one_of", {{"allowed", "low, normal, high, urgent"}}));
          auto due = in.String("due_date", JsonReader::kOptional, 20);
          if (due) {
            if (auto d = ParseLocalDate(*due, "due_date"); !d.ok()) in.Fail(d.error());
          }
          const auto plan = in.Integer("plan_id", JsonReader::kOptional);
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(int64_t ent, EquipmentEnterprise(tx, req.Who(), *equipment, "equipment_id"));
            if (plan) {
              PARK_ASSIGN_OR_RETURN(auto prow, tx.QueryOne("SELECT equipment_id FROM maintenance_plans WHERE id = $1", {*plan}));
              if (!prow || prow->Int(0) != *equipment) return Error::Invalid("plan_id", T("field.no_such_record"));
            }
            PARK_ASSIGN_OR_RETURN(int64_t id, s->OpenOrder(tx, &req.Who(), ent, *equipment, *title, description,
                                                           priority, due, plan, std::nullopt));
            PARK_ASSIGN_OR_RETURN(auto o, LoadOrder(tx, req.Who(), id));
            PARK_ASSIGN_OR_RETURN(out, OrderDetail(tx, o));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          s->PublishOrder("created", out);
          return Response::FromJson(out, 201);
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"equipment_id", {{"type", "integer"}}},
                     {"title", {{"type", "string"}, {"maxLength", 200}}},
                     {"description", {{"type", "string"}}},
                     {"priority", {{"type", "string"}, {"enum", {"low", "normal", "high", "urgent"}}}},
                     {"due_date", {{"type", "string"}, {"format", "date"}}},
                     {"plan_id", {{"type", "integer"}}}},
                    {"equipment_id", "title"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/work-orders", kReaders,
        "Work orders in the caller's scope, newest first",
        [s](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          auto equipment = QueryInt(req, "equipment_id");
          if (!equipment.ok()) return Fail(equipment.error());
          const std::string state = std::string(req.Query("state").value_or(""));
          if (!state.empty() && !ParseState(state)) {
            return Fail(Error::Invalid("state", T("field.one_of", {{"allowed", "open, assigned, in_progress, on_hold, "
                                                                                "done, verified, cancelled"}})));
          }
          Json items = Json::array();
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
                "SELECT {} FROM work_orders WHERE ($1 = 0 OR enterprise_id = $1) AND ($2 = 0 OR equipment_id = $2) "
                "AND ($3 = '' OR state = $3) ORDER BY id DESC LIMIT 1000", kOrderCols),
                {scope->value_or(0), equipment->value_or(0), state}));
            for (const auto& o : rows) items.push_back(OrderJson(o));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise"},
                   {"equipment_id", "integer", "one equipment"},
                   {"state", "string", "one state"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/work-orders/{id}", kReaders,
        "One work order with its time log, parts used and the states it may go to",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          Json out;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto o, LoadOrder(tx, req.Who(), *id));
            PARK_ASSIGN_OR_RETURN(out, OrderDetail(tx, o));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/work-orders/{id}/transition", kWorkers,
        "Move a work order to another state: assign (assignee), start, hold (note), done (signature), verify "
        "(signature, another person), cancel (note), send back (note); a step that does not exist is 409 with the "
        "allowed ones, a role that may not take it 403 naming the roles that may",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto to_name = in.String("to", JsonReader::kRequired, 20);
          const auto assignee = in.String("assignee", JsonReader::kOptional, 100);
          const auto signature = in.String("signature", JsonReader::kOptional, 200);
          const auto note = in.String("note", JsonReader::kOptional, 2000).value_or("");
          std::optional<WorkOrderState> to;
          if (to_name) {
            to = ParseState(*to_name);
            if (!to) in.Fail("to", T("field.one_of", {{"allowed", "open, assigned, in_progress, on_hold, done, verified, "
                                                                 "cancelled"}}));
          }
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          std::vector<std::string> allowed;
          bool refused = false;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto o, LoadOrder(tx, req.Who(), *id));
            const WorkOrderState from = ParseState(o.Text(6)).value_or(WorkOrderState::kOpen);
            for (auto n : AllowedNext(from)) allowed.emplace_back(StateName(n));
            TransitionInput t;
            t.from = from;
            t.to = *to;
            t.role = std::string(RoleName(req.Who().role));
            t.actor = req.Who().name;
            t.assignee = assignee;
            t.signature = signature;
            t.done_by = o.Text(12);
            t.note = note;
            if (auto check = CheckTransition(t); !check.ok()) {
              if (check.error().field == "state") {
                refused = true;
                return Error::Coded(ErrorCode::kConflict, check.error().text, "to");
              }
              return check.error();
            }
            if (*to == WorkOrderState::kAssigned) {
              PARK_ASSIGN_OR_RETURN(auto u, tx.QueryOne(
                  "SELECT role, enterprise_id FROM users WHERE name = $1 AND disabled = 0", {*assignee}));
              // The assignee works for the park (a technician) or for the order's own enterprise.
              if (!u || (u->Text(0) != "technician" && !(u->Text(0) == "enterprise_user" && u->Int(1) == o.Int(1)))) {
                return Error::Invalid("assignee", T("maintenance.workorder.assignee_unknown", {{"name", *assignee}}));
              }
            }
            const int64_t now = s->src.clock.NowMs();
            const std::string to_s(StateName(*to));
            std::optional<std::string> new_assignee = o.OptText(8);
            if (*to == WorkOrderState::kAssigned) new_assignee = *assignee;
            if (*to == WorkOrderState::kOpen) new_assignee.reset();
            PARK_TRY(tx.Exec("UPDATE work_orders SET state = $1, assignee = $2, note = $3, updated_at = $4 WHERE id = $5",
                             {to_s, store::OrNull(new_assignee), note, now, *id}));
            if (*to == WorkOrderState::kDone) {
              PARK_TRY(tx.Exec("UPDATE work_orders SET done_by = $1, done_signature = $2, done_at = $3 WHERE id = $4",
                               {req.Who().name, *signature, now, *id}));
              // The plan's completion: its next due is derived from here.
              if (auto plan = o.OptInt(9)) {
                PARK_TRY(tx.Exec("UPDATE maintenance_plans SET last_done_at = $1, updated_at = $1 WHERE id = $2",
                                 {now, *plan}));
              }
            }
            if (*to == WorkOrderState::kVerified) {
              PARK_TRY(tx.Exec("UPDATE work_orders SET verified_by = $1, verified_signature = $2, verified_at = $3 "
                               "WHERE id = $4", {req.Who().name, *signature, now, *id}));
            }
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"transition", "work_order", *id, o.Int(1),
                                         {{"state", o.Text(6)}, {"assignee", Opt(o.OptText(8))}},
                                         {{"state", to_s}, {"assignee", Opt(new_assignee)}, {"note", note},
                                          {"signature", signature ? Json(*signature) : Json(nullptr)}}}));
            PARK_ASSIGN_OR_RETURN(auto n, LoadOrder(tx, req.Who(), *id));
            PARK_ASSIGN_OR_RETURN(out, OrderDetail(tx, n));
            return Status::Ok();
          });
          if (!st.ok()) return refused ? Refused(st.error(), allowed) : Fail(st.error());
          s->PublishOrder("transition", out);
          return Response::FromJson(out);
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"to", {{"type", "string"},
                             {"enum", {"open", "assigned", "in_progress", "on_hold", "done", "verified", "cancelled"}}}},
                     {"assignee", {{"type", "string"}, {"description", "user name (to assigned)"}}},
                     {"signature", {{"type", "string"}, {"description", "the signer's name as signed (done, verified)"}}},
                     {"note", {{"type", "string"}, {"description", "reason (on hold, cancelled, sent back)"}}}},
                    {"to"}),
                Obj());
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/work-orders/{id}/time", kHands,
        "Log time spent on a work order (1 to 1440 minutes) while it is not finished",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto minutes = in.Integer("minutes", JsonReader::kRequired);
          if (minutes && (*minutes < 1 || *minutes > 1440)) {
            in.Fail("minutes", T("field.integer_range", {{"min", 1}, {"max", 1440}}));
          }
          const auto note = in.String("note", JsonReader::kOptional, 2000).value_or("");
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto o, LoadOrder(tx, req.Who(), *id));
            if (o.Text(6) == "verified" || o.Text(6) == "cancelled") {
              return Error::Conflict(T("maintenance.workorder.closed", {{"state", TextRef{"maintenance.state." + o.Text(6)}}}), "state");
            }
            PARK_TRY(tx.Exec("INSERT INTO work_order_time (work_order_id, person, minutes, note, logged_at) VALUES "
                             "($1, $2, $3, $4, $5)", {*id, req.Who().name, *minutes, note, s->src.clock.NowMs()}));
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"log_time", "work_order", *id, o.Int(1), nullptr,
                                         {{"minutes", *minutes}, {"note", note}}}));
            PARK_ASSIGN_OR_RETURN(out, OrderDetail(tx, o));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, Obj({{"minutes", {{"type", "integer"}}}, {"note", {{"type", "string"}}}}, {"minutes"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/work-orders/{id}/parts", kHands,
        "Issue a spare part from its store against a work order, in one transaction; stock never goes below zero "
        "(409 with nothing changed)",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto part = in.Integer("part_id", JsonReader::kRequired);
          const auto qty = in.Number("quantity", JsonReader::kRequired);
          if (qty && !(*qty > 0)) in.Fail("quantity", T("field.greater_than", {{"min", 0}}));
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto o, LoadOrder(tx, req.Who(), *id));
            if (o.Text(6) == "verified" || o.Text(6) == "cancelled") {
              return Error::Conflict(T("maintenance.workorder.closed", {{"state", TextRef{"maintenance.state." + o.Text(6)}}}), "state");
            }
            PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT enterprise_id, quantity FROM spare_parts WHERE id = $1", {*part}));
            if (!p || p->Int(0) != o.Int(1)) return Error::Invalid("part_id", T("field.no_such_record"));
            // The guard and the decrement are one statement: two issues at once cannot both pass the check.
            PARK_ASSIGN_OR_RETURN(int64_t changed, tx.Exec(
                "UPDATE spare_parts SET quantity = quantity - $1, updated_at = $2 WHERE id = $3 AND quantity >= $1",
                {*qty, s->src.clock.NowMs(), *part}));
            if (changed == 0) {
              PARK_ASSIGN_OR_RETURN(auto now_row, tx.QueryOne("SELECT quantity FROM spare_parts WHERE id = $1", {*part}));
              return Error::Coded(ErrorCode::kConflict,
                                  T("maintenance.parts.insufficient",
                                    {{"available", now_row ? now_row->Real(0) : 0.0}, {"requested", *qty}}),
                                  "quantity");
            }
            PARK_TRY(tx.Exec("INSERT INTO work_order_parts (work_order_id, part_id, quantity, issued_by, issued_at) "
                             "VALUES ($1, $2, $3, $4, $5)", {*id, *part, *qty, req.Who().name, s->src.clock.NowMs()}));
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"issue_part", "work_order", *id, o.Int(1), nullptr,
                                         {{"part_id", *part}, {"quantity", *qty}}}));
            PARK_ASSIGN_OR_RETURN(out, OrderDetail(tx, o));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, Obj({{"part_id", {{"type", "integer"}}}, {"quantity", {{"type", "number"}}}},
                                   {"part_id", "quantity"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/alarms/{id}/work-order", kHands,
        "Open a work order from an alarm, on the equipment of the alarm's sensor (one per alarm: a second call "
        "answers the first order with 200)",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto priority = in.String("priority", JsonReader::kOptional, 20).value_or("high");
          if (!IsPriority(priority)) in.Fail("priority", T("field.one_of", {{"allowed", "low, normal, high, urgent"}}));
          const auto title = in.String("title", JsonReader::kOptional, 200);
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          bool created = false;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto a, tx.QueryOne(
                "SELECT a.enterprise_id, s.equipment_id, r.name, a.severity FROM alarms a JOIN alarm_rules r ON "
                "r.id = a.rule_id JOIN telemetry_series t ON t.id = a.series_id LEFT JOIN sensors s ON s.id = "
                "t.sensor_id WHERE a.id = $1", {*id}));
            if (!a || a->IsNull(1) || !req.Who().CanSeeEnterprise(a->Int(0))) {
              return Error::NotFound(T("maintenance.alarm_not_found", {{"id", std::to_string(*id)}}));
            }
            PARK_ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT id FROM work_orders WHERE alarm_id = $1 ORDER BY id", {*id}));
            int64_t wo = 0;
            if (existing) {
              wo = existing->Int(0);
            } else {
              PARK_ASSIGN_OR_RETURN(auto eq, tx.QueryOne("SELECT enterprise_id FROM equipment WHERE id = $1", {a->Int(1)}));
              PARK_ASSIGN_OR_RETURN(wo, s->OpenOrder(tx, &req.Who(), eq->Int(0), a->Int(1), title.value_or(a->Text(2)),
                                                     "", priority, std::nullopt, std::nullopt, *id));
              created = true;
            }
            PARK_ASSIGN_OR_RETURN(auto o, LoadOrder(tx, req.Who(), wo));
            PARK_ASSIGN_OR_RETURN(out, OrderDetail(tx, o));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          if (created) s->PublishOrder("created", out);
          return Response::FromJson(out, created ? 201 : 200);
        });
    r.doc = Doc(r.doc.summary, Obj({{"priority", {{"type", "string"}, {"enum", {"low", "normal", "high", "urgent"}}}},
                                    {"title", {{"type", "string"}}}}),
                Obj(), 201);
    router.Add(std::move(r));
  }
}

// ---- the service ----

Service::Service(ServiceSources sources) : impl_(std::make_unique<Impl>(sources)) {
  auto rules = ParseStatutoryRules(DefaultStatutoryCsv());
  if (rules.ok()) impl_->rules = std::move(*rules);
}

Service::~Service() { Stop(); }

void Service::Register(http::Router& router) {
  impl_->RegisterPlans(router);
  impl_->RegisterOrders(router);
  impl_->RegisterStock(router);
  impl_->RegisterRegulated(router);
  impl_->RegisterHealth(router);
  impl_->RegisterScreen(router);
  impl_->RegisterTypePlans(router);
  impl_->RegisterPerformance(router);
  impl_->RegisterRounds(router);
  impl_->RegisterFiles(router);
}

std::unique_ptr<Service> Register(http::Router& router, ServiceSources sources) {
  auto s = std::make_unique<Service>(sources);
  s->Register(router);
  return s;
}

}  // namespace park::maintenance
