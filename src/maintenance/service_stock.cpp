// Maintenance service: spare-part stock, regulated equipment and health. See include/park/maintenance/service.hpp.
#include <fmt/format.h>

#include <map>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/maintenance/health.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kPartCols =
    "id, enterprise_id, store, part_no, name, unit, quantity, reorder_point, updated_at";

Json PartJson(const store::Row& r) {
  return {{"id", r.Int(0)},           {"enterprise_id", r.Int(1)}, {"store", r.Text(2)},
          {"part_no", r.Text(3)},     {"name", r.Text(4)},         {"unit", r.Text(5)},
          {"quantity", r.Real(6)},    {"reorder_point", r.Real(7)},
          {"reorder", r.Real(6) <= r.Real(7)},  // at or below its reorder point: order more
          {"updated_at", FormatInstantMs(r.Int(8))}};
}

// The enterprise a scoped caller acts for, or the body's enterprise_id for park roles.
std::optional<int64_t> ActingEnterprise(const Principal& who, JsonReader& in) {
  const auto asked = in.Integer("enterprise_id", JsonReader::kOptional);
  if (who.enterprise_id) {
    if (asked && *asked != *who.enterprise_id) in.Fail("enterprise_id", T("auth.own_enterprise_only"));
    return who.enterprise_id;
  }
  if (!asked) in.Fail("enterprise_id", T("field.required"));
  return asked;
}

constexpr int64_t kStatutoryLeadDays = 30;

}  // namespace

void Service::Impl::RegisterStock(http::Router& router) {
  Impl* s = this;
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/parts", kReaders,
        "Spare-part stock per store and part in the caller's scope; `reorder` is true at or below the reorder point",
        [s](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          Json items = Json::array();
          int64_t reorder = 0;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
                "SELECT {} FROM spare_parts WHERE ($1 = 0 OR enterprise_id = $1) ORDER BY enterprise_id, store, part_no",
                kPartCols), {scope->value_or(0)}));
            for (const auto& p : rows) {
              items.push_back(PartJson(p));
              if (items.back()["reorder"].get<bool>()) ++reorder;
            }
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson({{"items", items}, {"reorder_count", reorder}}) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/parts", kManagers,
        "Add a part to a store with its opening stock and reorder point (an enterprise user for its own enterprise)",
        [s](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto ent = ActingEnterprise(req.Who(), in);
          const auto store_name = in.String("store", JsonReader::kRequired, 100);
          const auto part_no = in.String("part_no", JsonReader::kRequired, 100);
          const auto name = in.String("name", JsonReader::kRequired, 200);
          const auto unit = in.String("unit", JsonReader::kOptional, 20).value_or("pcs");
          const auto qty = in.Number("quantity", JsonReader::kOptional).value_or(0);
          if (qty < 0) in.Fail("quantity", T("field.at_least", {{"min", 0}}));
          const auto reorder = in.Number("reorder_point", JsonReader::kOptional).value_or(0);
          if (reorder < 0) in.Fail("reorder_point", T("field.at_least", {{"min", 0}}));
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto e, tx.QueryOne("SELECT id FROM enterprises WHERE id = $1", {*ent}));
            if (!e) return Error::Invalid("enterprise_id", T("field.no_such_record"));
            const int64_t now = s->src.clock.NowMs();
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                "INSERT INTO spare_parts (enterprise_id, store, part_no, name, unit, quantity, reorder_point, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                {*ent, *store_name, *part_no, *name, unit, qty, reorder, now}));
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"create", "spare_part", row->Int(0), *ent, nullptr, *body}));
            PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne(fmt::format("SELECT {} FROM spare_parts WHERE id = $1", kPartCols),
                                                      {row->Int(0)}));
            out = PartJson(*p);
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"enterprise_id", {{"type", "integer"}}},
                     {"store", {{"type", "string"}}},
                     {"part_no", {{"type", "string"}}},
                     {"name", {{"type", "string"}}},
                     {"unit", {{"type", "string"}}},
                     {"quantity", {{"type", "number"}, {"minimum", 0}}},
                     {"reorder_point", {{"type", "number"}, {"minimum", 0}}}},
                    {"store", "part_no", "name"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/parts/{id}/receive", kManagers,
        "Receive stock of a part into its store",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto qty = in.Number("quantity", JsonReader::kRequired);
          if (qty && !(*qty > 0)) in.Fail("quantity", T("field.greater_than", {{"min", 0}}));
          const auto note = in.String("note", JsonReader::kOptional, 500).value_or("");
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT enterprise_id FROM spare_parts WHERE id = $1", {*id}));
            if (!p || !req.Who().CanSeeEnterprise(p->Int(0))) {
              return Error::NotFound(T("maintenance.parts.not_found", {{"id", std::to_string(*id)}}));
            }
            PARK_TRY(tx.Exec("UPDATE spare_parts SET quantity = quantity + $1, updated_at = $2 WHERE id = $3",
                             {*qty, s->src.clock.NowMs(), *id}));
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {"receive", "spare_part", *id, p->Int(0), nullptr,
                                         {{"quantity", *qty}, {"note", note}}}));
            PARK_ASSIGN_OR_RETURN(auto n, tx.QueryOne(fmt::format("SELECT {} FROM spare_parts WHERE id = $1", kPartCols), {*id}));
            out = PartJson(*n);
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, Obj({{"quantity", {{"type", "number"}}}, {"note", {{"type", "string"}}}}, {"quantity"}),
                Obj());
    router.Add(std::move(r));
  }
}

// ---- regulated equipment ----

namespace {

constexpr std::string_view kRegulatedSelect =
    "SELECT r.equipment_id, r.enterprise_id, r.kind, r.registration_no, r.grade, r.entered_service, "
    "r.last_inspection, r.next_due_recorded, e.tag, e.name, n.name FROM regulated_equipment r JOIN equipment e ON "
    "e.id = r.equipment_id JOIN enterprises n ON n.id = r.enterprise_id";

int StatusRank(std::string_view s) {
  if (s == "out_of_use") return 3;
  if (s == "overdue") return 2;
  if (s == "due_soon") return 1;
  return 0;
}

Json RegulatedJson(const std::vector<StatutoryRule>& rules, const store::Row& r, const LocalDate& today) {
  RegulatedEquipment eq;
  eq.kind = r.Text(2);
  if (auto g = r.OptInt(4)) eq.grade = static_cast<int>(*g);
  if (auto d = ParseLocalDate(r.Text(5), "entered_service"); d.ok()) eq.entered_service = *d;
  if (auto t = r.OptText(6)) {
    if (auto d = ParseLocalDate(*t, "last_inspection"); d.ok()) eq.last_inspection = *d;
  }
  if (auto t = r.OptText(7)) {
    if (auto d = ParseLocalDate(*t, "next_due_recorded"); d.ok()) eq.next_due_recorded = *d;
  }
  Json dues = Json::array();
  std::string worst = "ok";
  std::optional<std::string> next;
  for (const auto& d : ComputeStatutoryDue(rules, eq, today, kStatutoryLeadDays)) {
    const std::string status(StatutoryStatusName(d.status));
    if (StatusRank(status) > StatusRank(worst)) worst = status;
    const std::optional<std::string> due = d.due ? std::optional(FormatLocalDate(*d.due)) : std::nullopt;
    if (due && (!next || *due < *next)) next = due;
    dues.push_back({{"inspection", d.inspection},
                    {"status", status},
                    {"due", due ? Json(*due) : Json(nullptr)},
                    {"days_left", d.days_left},
                    {"source", d.source},
                    {"source_status", d.source_status},
                    {"derivation", TextJson(d.derivation)}});
  }
  return {{"equipment_id", r.Int(0)},
          {"enterprise_id", r.Int(1)},
          {"enterprise", r.Text(10)},
          {"tag", r.Text(8)},
          {"name", r.Text(9)},
          {"kind", r.Text(2)},
          {"registration_no", r.Text(3)},
          {"grade", r.IsNull(4) ? Json(nullptr) : Json(r.Int(4))},
          {"entered_service", r.Text(5)},
          {"last_inspection", r.IsNull(6) ? Json(nullptr) : Json(r.Text(6))},
          {"next_due_recorded", r.IsNull(7) ? Json(nullptr) : Json(r.Text(7))},
          {"status", worst},
          {"next_due", next ? Json(*next) : Json(nullptr)},
          {"dues", dues}};
}

}  // namespace

void Service::Impl::RegisterRegulated(http::Router& router) {
  Impl* s = this;
  const std::vector<Role> regulators = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
  {
    auto r = http::MakeRoute("maintenance", Method::kPut, "/api/v1/maintenance/regulated/{id}", regulators,
        "Register an equipment as regulated (special) equipment or update it: kind as in the statutory inspection "
        "file, registration number, safety status grade, entered service, last inspection and the next date its "
        "report states",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto kind = in.String("kind", JsonReader::kRequired, 60);
          if (kind && std::none_of(s->rules.begin(), s->rules.end(),
                                   [&](const StatutoryRule& r) { return r.equipment_kind == *kind; })) {
            std::string allowed;
            for (const auto& r : s->rules) {
              if (allowed.find(r.equipment_kind) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + r.equipment_kind;
            }
            in.Fail("kind", T("field.one_of", {{"allowed", allowed}}));
          }
          const auto reg = in.String("registration_no", JsonReader::kRequired, 60);
          const auto grade = in.Integer("grade", JsonReader::kOptional);
          if (grade && (*grade < 1 || *grade > 5)) in.Fail("grade", T("field.integer_range", {{"min", 1}, {"max", 5}}));
          auto date = [&](const char* key, JsonReader::Need need) -> std::optional<std::string> {
            auto v = in.String(key, need, 20);
            if (v) {
              if (auto d = ParseLocalDate(*v, key); !d.ok()) in.Fail(d.error());
            }
            return v;
          };
          const auto entered = date("entered_service", JsonReader::kRequired);
          const auto last = date("last_inspection", JsonReader::kOptional);
          const auto recorded = date("next_due_recorded", JsonReader::kOptional);
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          Json out;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto eq, tx.QueryOne("SELECT enterprise_id FROM equipment WHERE id = $1", {*id}));
            if (!eq || !req.Who().CanSeeEnterprise(eq->Int(0))) {
              return Error::NotFound(T("maintenance.equipment_not_found", {{"id", std::to_string(*id)}}));
            }
            PARK_ASSIGN_OR_RETURN(auto before, tx.QueryOne(
                "SELECT kind, registration_no, grade, last_inspection FROM regulated_equipment WHERE equipment_id = $1", {*id}));
            const int64_t now = s->src.clock.NowMs();
            const store::Params p = {*id, eq->Int(0), *kind, *reg, store::OrNull(grade), *entered,
                                     store::OrNull(last), store::OrNull(recorded), now};
            if (before) {
              PARK_TRY(tx.Exec("UPDATE regulated_equipment SET enterprise_id = $2, kind = $3, registration_no = $4, "
                               "grade = $5, entered_service = $6, last_inspection = $7, next_due_recorded = $8, "
                               "updated_at = $9 WHERE equipment_id = $1", p));
            } else {
              PARK_TRY(tx.Exec("INSERT INTO regulated_equipment (equipment_id, enterprise_id, kind, registration_no, "
                               "grade, entered_service, last_inspection, next_due_recorded, updated_at) VALUES ($1, "
                               "$2, $3, $4, $5, $6, $7, $8, $9)", p));
            }
            Json prev = before ? Json{{"kind", before->Text(0)}, {"registration_no", before->Text(1)},
                                      {"grade", before->IsNull(2) ? Json(nullptr) : Json(before->Int(2))},
                                      {"last_inspection", before->Text(3)}}
                               : Json(nullptr);
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                        {before ? "update" : "create", "regulated_equipment", *id, eq->Int(0), prev, *body}));
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string(kRegulatedSelect) + " WHERE r.equipment_id = $1", {*id}));
            out = RegulatedJson(s->rules, *row, LocalDateOf(now, s->src.utc_offset_minutes));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson(out) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"kind", {{"type", "string"}}},
                     {"registration_no", {{"type", "string"}}},
                     {"grade", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5}}},
                     {"entered_service", {{"type", "string"}, {"format", "date"}}},
                     {"last_inspection", {{"type", "string"}, {"format", "date"}}},
                     {"next_due_recorded", {{"type", "string"}, {"format", "date"}}}},
                    {"kind", "registration_no", "entered_service"}),
                Obj());
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/regulated", regulators,
        "Regulated equipment in the caller's scope with each statutory obligation's due date and derivation; "
        "status=due lists only what is due within 30 days, overdue or out of use, grouped by enterprise",
        [s](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          const std::string status(req.Query("status").value_or(""));
          if (!status.empty() && status != "due") {
            return Fail(Error::Invalid("status", T("field.one_of", {{"allowed", "due"}})));
          }
          const LocalDate today = LocalDateOf(s->src.clock.NowMs(), s->src.utc_offset_minutes);
          Json items = Json::array();
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kRegulatedSelect) +
                " WHERE ($1 = 0 OR r.enterprise_id = $1) ORDER BY n.name, e.tag", {scope->value_or(0)}));
            for (const auto& row : rows) {
              Json j = RegulatedJson(s->rules, row, today);
              if (status == "due" && j["status"] == "ok") continue;
              items.push_back(std::move(j));
            }
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          // By enterprise: counts of overdue, due soon and out of use.
          std::map<int64_t, Json> by;
          for (const auto& j : items) {
            const int64_t e = j["enterprise_id"].get<int64_t>();
            auto& g = by[e];
            if (g.is_null()) g = {{"enterprise_id", e}, {"enterprise", j["enterprise"]}, {"overdue", 0}, {"due_soon", 0},
                                  {"out_of_use", 0}, {"ok", 0}};
            g[j["status"].get<std::string>()] = g[j["status"].get<std::string>()].get<int64_t>() + 1;
          }
          Json enterprises = Json::array();
          for (auto& [_, g] : by) enterprises.push_back(g);
          return Response::FromJson({{"today", FormatLocalDate(today)}, {"lead_days", kStatutoryLeadDays},
                                     {"items", items}, {"by_enterprise", enterprises}});
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise"}, {"status", "string", "due: only what needs action"}};
    router.Add(std::move(r));
  }
}

// ---- health ----

namespace {

struct EquipmentFacts {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string tag, name, type;
  std::optional<std::string> install_date;
  std::optional<double> design_life_years;
};

}  // namespace

Result<Json> Service::Impl::HealthOf(const Principal& who, std::optional<int64_t> scope, std::optional<int64_t> only,
                                     bool with_trends) const {
  const Impl* s = this;
  {
    std::vector<EquipmentFacts> equipment;
    std::map<int64_t, std::array<int64_t, 3>> alarms;  // critical, warning, info
    std::map<int64_t, std::vector<std::tuple<std::string, int64_t, std::optional<double>, std::optional<double>>>> sensors;
    std::vector<store::Row> plans;
    PARK_TRY(s->src.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
          "SELECT id, enterprise_id, tag, name, type, install_date, design_life_years FROM equipment WHERE ($1 = 0 OR "
          "enterprise_id = $1) AND ($2 = 0 OR id = $2) ORDER BY id", {scope.value_or(0), only.value_or(0)}));
      for (const auto& r : rows) {
        equipment.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.OptText(5), r.OptReal(6)});
      }
      PARK_ASSIGN_OR_RETURN(auto arows, tx.Query(
          "SELECT s.equipment_id, a.severity, COUNT(*) FROM alarms a JOIN telemetry_series t ON t.id = a.series_id "
          "JOIN sensors s ON s.id = t.sensor_id WHERE a.state IN ('active', 'acknowledged') AND ($1 = 0 OR "
          "s.enterprise_id = $1) GROUP BY s.equipment_id, a.severity", {scope.value_or(0)}));
      for (const auto& r : arows) {
        auto& a = alarms[r.Int(0)];
        const std::string sev = r.Text(1);
        a[sev == "critical" ? 0 : sev == "warning" ? 1 : 2] += r.Int(2);
      }
      if (with_trends) {
        PARK_ASSIGN_OR_RETURN(auto srows, tx.Query(
            "SELECT s.equipment_id, s.key, t.id, s.low_limit, s.high_limit FROM sensors s JOIN telemetry_series t ON "
            "t.sensor_id = s.id WHERE (s.low_limit IS NOT NULL OR s.high_limit IS NOT NULL) AND ($1 = 0 OR "
            "s.equipment_id = $1)", {only.value_or(0)}));
        for (const auto& r : srows) sensors[r.Int(0)].emplace_back(r.Text(1), r.Int(2), r.OptReal(3), r.OptReal(4));
      }
      PARK_ASSIGN_OR_RETURN(plans, tx.Query(fmt::format(
          "SELECT {} FROM maintenance_plans WHERE kind = 'calendar' AND ($1 = 0 OR enterprise_id = $1) AND "
          "($2 = 0 OR equipment_id = $2)", kPlanCols), {scope.value_or(0), only.value_or(0)}));
      return Status::Ok();
    }));
    std::map<int64_t, std::vector<int64_t>> overdue;
    for (const auto& p : plans) {
      PARK_ASSIGN_OR_RETURN(auto due, s->Due(p));
      if (due.overdue_days > 0) overdue[p.Int(2)].push_back(due.overdue_days);
    }
    const int64_t now = s->src.clock.NowMs();
    const LocalDate today = LocalDateOf(now, s->src.utc_offset_minutes);
    Json items = Json::array();
    double sum = 0;
    for (const auto& e : equipment) {
      if (!who.CanSeeEnterprise(e.enterprise_id)) continue;
      HealthInput in;
      if (e.install_date) {
        if (auto d = ParseLocalDate(*e.install_date, "install_date"); d.ok()) {
          in.age_years = static_cast<double>(DaysBetween(*d, today)) / 365.25;
        }
      }
      in.design_life_years = e.design_life_years;
      if (alarms.count(e.id)) {
        in.open_critical = alarms[e.id][0];
        in.open_warning = alarms[e.id][1];
        in.open_info = alarms[e.id][2];
      }
      if (overdue.count(e.id)) in.overdue_days = overdue[e.id];
      if (with_trends) {
        for (const auto& [key, series, low, high] : sensors[e.id]) {
          TrendInput t;
          t.sensor_key = key;
          t.low = low;
          t.high = high;
          PARK_ASSIGN_OR_RETURN(t.samples, s->HourlyMeans(series, now - 7 * 86'400'000LL, now + 1));
          if (t.samples.size() >= 2) in.trends.push_back(std::move(t));
        }
      }
      const Health h = ComputeHealth(in);
      Json terms = Json::array();
      for (const auto& t : h.terms) {
        terms.push_back({{"term", t.term}, {"scored", t.scored}, {"weight", t.weight}, {"penalty", t.penalty},
                         {"points", t.points}, {"formula", TextJson(t.formula)}, {"inputs", TextJson(t.inputs)}});
      }
      Json trends = Json::array();
      for (const auto& t : h.trends) {
        trends.push_back({{"sensor_key", t.sensor_key}, {"slope_per_day", t.slope_per_day}, {"fitted_now", t.fitted_now},
                          {"limit", t.limit ? Json(*t.limit) : Json(nullptr)},
                          {"days_to_limit", t.days_to_limit ? Json(*t.days_to_limit) : Json(nullptr)},
                          {"beyond_limit", t.beyond_limit}, {"penalty", t.penalty}});
      }
      sum += h.score;
      items.push_back({{"equipment_id", e.id}, {"enterprise_id", e.enterprise_id}, {"tag", e.tag}, {"name", e.name},
                       {"type", e.type}, {"score", h.score}, {"terms", terms}, {"trends", trends},
                       {"remaining_days", h.remaining_days ? Json(*h.remaining_days) : Json(nullptr)},
                       {"summary", TextJson(h.summary)}});
    }
    return Json{{"items", items}, {"mean_score", items.empty() ? Json(nullptr) : Json(sum / items.size())}};
  }
}

void Service::Impl::RegisterHealth(http::Router& router) {
  const Impl* s = this;
  auto compute = [s](const Principal& who, std::optional<int64_t> scope, std::optional<int64_t> only,
                     bool with_trends) { return s->HealthOf(who, scope, only, with_trends); };
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/health", kReaders,
        "The park's (or an enterprise's) equipment health overview: each equipment's score with its terms (age, "
        "open alarms, overdue plans; the trend of key readings on the one-equipment route), lowest first, and the "
        "mean",
        [compute](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          auto out = compute(req.Who(), *scope, std::nullopt, false);
          if (!out.ok()) return Fail(out.error());
          auto& items = (*out)["items"];
          std::stable_sort(items.begin(), items.end(),
                           [](const Json& a, const Json& b) { return a["score"].get<double>() < b["score"].get<double>(); });
          return Response::FromJson(*out);
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/health/{id}", kReaders,
        "One equipment's health score: each term with weight, penalty, points and inputs, the trends of its key "
        "readings (hourly means over 7 days) toward their limits and the time left",
        [compute](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto out = compute(req.Who(), std::nullopt, *id, true);
          if (!out.ok()) return Fail(out.error());
          if ((*out)["items"].empty()) {
            return Fail(Error::NotFound(T("maintenance.equipment_not_found", {{"id", std::to_string(*id)}})));
          }
          return Response::FromJson((*out)["items"][0]);
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
}

}  // namespace park::maintenance
