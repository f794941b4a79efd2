// Maintenance service: plans on an equipment type (issue 12, item 1). A type plan is one enterprise's plan for every
// equipment of one kind (the registry's equipment `type`, as alarm rules' equipment_kind): it keeps the definition
// (the fields POST /plans takes) and each such equipment, there now or added later, gets a plan of its own made
// from it, with its own due dates, completions and work orders, and a derivation saying where it came from. The
// job applies type plans to equipment added since; a meter type plan counts each equipment's first sensor of the
// quantity it names, so an equipment without one waits (listed as not covered) until it has one.
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr std::string_view kTypePlanCols =
    "id, enterprise_id, equipment_type, sensor_quantity, definition, created_by, created_at";

// The stored definition read back as a spec (it was validated when stored; the webhook URL is kept as stored, not
// checked again against today's outbound policy).
std::optional<PlanSpec> StoredSpec(const std::string& definition) {
  Json def = Json::parse(definition, nullptr, false);
  if (!def.is_object()) return std::nullopt;
  const std::string url = def.value("webhook_url", "");
  def.erase("webhook_url");
  JsonReader in(def);
  PlanSpec spec = ReadPlanSpec(in, OutboundPolicy{}, true);
  if (!in.Finish().ok()) return std::nullopt;
  spec.webhook_url = url;
  return spec;
}

}  // namespace

Result<std::vector<int64_t>> Service::Impl::ApplyTypePlans(store::Tx& tx, std::optional<int64_t> only) const {
  std::vector<int64_t> made;
  PARK_ASSIGN_OR_RETURN(auto types, tx.Query(fmt::format(
      "SELECT {} FROM maintenance_type_plans WHERE ($1 = 0 OR id = $1) ORDER BY id", kTypePlanCols),
      {only.value_or(0)}));
  const int64_t now = src.clock.NowMs();
  const LocalDate today = LocalDateOf(now, src.utc_offset_minutes);
  for (const auto& t : types) {
    PARK_ASSIGN_OR_RETURN(auto missing, tx.Query(
        "SELECT e.id FROM equipment e WHERE e.enterprise_id = $1 AND e.type = $2 AND NOT EXISTS (SELECT 1 FROM "
        "maintenance_plans p WHERE p.type_plan_id = $3 AND p.equipment_id = e.id) ORDER BY e.id",
        {t.Int(1), t.Text(2), t.Int(0)}));
    if (missing.empty()) continue;
    auto stored = StoredSpec(t.Text(4));
    if (!stored) {
      spdlog::error("maintenance: type plan {} has a definition that no longer reads", t.Int(0));
      continue;
    }
    PlanSpec spec = *stored;
    // Equipment there when the plan is stored follows its schedule from the start; equipment that joins later falls
    // into the same schedule from the day it joins (not overdue since the start), and counts its meter from then.
    const bool joining = !only;
    if (joining && spec.kind == "calendar") spec.cal.start = FirstOccurrenceOnOrAfter(spec.cal, today);
    if (joining && spec.kind == "meter") spec.counted_from = std::max(spec.counted_from.value_or(now), now);
    for (const auto& e : missing) {
      std::optional<int64_t> sensor;
      if (spec.kind == "meter") {
        PARK_ASSIGN_OR_RETURN(auto srow, tx.QueryOne(
            "SELECT id FROM sensors WHERE equipment_id = $1 AND quantity = $2 ORDER BY id LIMIT 1",
            {e.Int(0), t.Text(3)}));
        if (!srow) continue;  // not covered until it has a sensor of that quantity
        sensor = srow->Int(0);
      }
      PARK_ASSIGN_OR_RETURN(const int64_t id, InsertPlan(tx, src.clock, spec, t.Int(1), e.Int(0), sensor, t.Int(0)));
      PARK_TRY(store::AppendAudit(tx, src.clock, nullptr,
                                  {"create", "maintenance_plan", id, t.Int(1), nullptr,
                                   {{"type_plan_id", t.Int(0)}, {"equipment_id", e.Int(0)},
                                    {"sensor_id", sensor ? Json(*sensor) : Json(nullptr)}}}));
      made.push_back(id);
    }
  }
  return made;
}

std::optional<Json> Service::Impl::TypeOrigin(const store::Row& p) const {
  if (p.IsNull(21)) return std::nullopt;
  const int64_t type_plan = p.Int(21);
  std::string equipment_type, quantity;
  {
    std::lock_guard lock(meter_mutex);
    if (auto it = type_plan_kinds.find(type_plan); it != type_plan_kinds.end()) {
      equipment_type = it->second.first;
      quantity = it->second.second;
    }
  }
  if (equipment_type.empty()) {
    auto st = src.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
          "SELECT equipment_type, sensor_quantity FROM maintenance_type_plans WHERE id = $1", {type_plan}));
      if (row) {
        equipment_type = row->Text(0);
        quantity = row->Text(1);
      }
      return Status::Ok();
    });
    if (!st.ok() || equipment_type.empty()) return std::nullopt;
    std::lock_guard lock(meter_mutex);  // type plans never change: their kind is kept once read
    type_plan_kinds[type_plan] = {equipment_type, quantity};
  }
  const std::string applied_on = FormatLocalDate(LocalDateOf(p.Int(19), src.utc_offset_minutes));
  const std::string kind = p.Text(4);
  Text how;
  if (kind == "calendar") {
    how = T("maintenance.plan.from_type.calendar", {{"type_plan", type_plan}, {"equipment_type", equipment_type},
                                                     {"applied_on", applied_on}, {"start", p.Text(8)}});
  } else if (kind == "meter") {
    how = T("maintenance.plan.from_type.meter",
            {{"type_plan", type_plan}, {"equipment_type", equipment_type}, {"applied_on", applied_on},
             {"quantity", quantity}, {"sensor", p.Int(11)}, {"counted_from", FormatInstantMs(p.Int(13))}});
  } else {
    how = T("maintenance.plan.from_type.condition", {{"type_plan", type_plan}, {"equipment_type", equipment_type},
                                                      {"applied_on", applied_on}, {"rule", p.Int(14)}});
  }
  return Json{{"type_plan_id", type_plan}, {"equipment_type", equipment_type}, {"derivation", TextJson(how)}};
}

void Service::Impl::RegisterTypePlans(http::Router& router) {
  Impl* s = this;
  // A type plan as GET shows it: its definition, each equipment's plan with its next due, and the equipment of its
  // kind it does not cover yet (a meter plan's equipment without a sensor of the quantity).
  auto show = [s](const store::Row& t, const Principal& who) -> Result<Json> {
    std::vector<store::Row> plans, uncovered;
    PARK_TRY(s->src.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(plans, tx.Query(fmt::format(
          "SELECT {}, (SELECT tag FROM equipment e WHERE e.id = maintenance_plans.equipment_id) FROM "
          "maintenance_plans WHERE type_plan_id = $1 ORDER BY equipment_id", kPlanCols), {t.Int(0)}));
      PARK_ASSIGN_OR_RETURN(uncovered, tx.Query(
          "SELECT e.id, e.tag FROM equipment e WHERE e.enterprise_id = $1 AND e.type = $2 AND NOT EXISTS (SELECT 1 "
          "FROM maintenance_plans p WHERE p.type_plan_id = $3 AND p.equipment_id = e.id) ORDER BY e.id",
          {t.Int(1), t.Text(2), t.Int(0)}));
      return Status::Ok();
    }));
    Json definition = Json::parse(t.Text(4), nullptr, false);
    if (definition.is_object() && definition.contains("webhook_url")) {
      const std::string url = definition["webhook_url"].get<std::string>();
      const bool whole = who.role == Role::kParkAdmin || who.enterprise_id == t.Int(1);
      if (!whole) definition["webhook_url"] = MaskUrlSecrets(url);
    }
    Json items = Json::array();
    for (const auto& p : plans) {
      PARK_ASSIGN_OR_RETURN(auto due, s->Due(p));
      Json j = s->PlanJson(p, due, &who);
      j["equipment_tag"] = p.Text(22);
      items.push_back(std::move(j));
    }
    Json missing = Json::array();
    for (const auto& e : uncovered) {
      missing.push_back({{"equipment_id", e.Int(0)}, {"equipment_tag", e.Text(1)},
                         {"reason", TextJson(T("maintenance.plan.no_sensor_of_quantity",
                                               {{"quantity", t.Text(3)}}))}});
    }
    return Json{{"id", t.Int(0)},
                {"enterprise_id", t.Int(1)},
                {"equipment_type", t.Text(2)},
                {"sensor_quantity", t.Text(3).empty() ? Json(nullptr) : Json(t.Text(3))},
                {"definition", definition},
                {"created_by", t.Text(5)},
                {"created_at", FormatInstantMs(t.Int(6))},
                {"plans", items},
                {"not_covered", missing}};
  };
  {
    auto r = http::MakeRoute("maintenance", Method::kPost, "/api/v1/maintenance/type-plans", kManagers,
        "A maintenance plan on an equipment type: every equipment of that kind (the registry's equipment type) of one "
        "enterprise gets a plan of its own, those there now and those added later (by the job), each with its own "
        "due dates and work orders. The plan's fields are those of POST /plans; a meter plan names the quantity of "
        "the sensor it counts on each equipment (sensor_quantity) instead of one sensor. Nothing is stored when a "
        "field is bad",
        [s, show](const Request& req) -> Response {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader in(*body);
          const auto equipment_type = in.String("equipment_type", JsonReader::kRequired, 100);
          if (equipment_type && equipment_type->empty()) in.Fail("equipment_type", T("field.required"));
          auto enterprise = in.Integer("enterprise_id", JsonReader::kOptional);
          const auto quantity = in.String("sensor_quantity", JsonReader::kOptional, 100);
          const PlanSpec spec = ReadPlanSpec(in, s->src.webhook_policy, true);
          if (spec.kind == "meter" && (!quantity || quantity->empty())) in.Fail("sensor_quantity", T("field.required"));
          const Principal& who = req.Who();
          if (who.enterprise_id) {
            if (enterprise && *enterprise != *who.enterprise_id) in.Fail("enterprise_id", T("field.no_such_record"));
            enterprise = who.enterprise_id;
          } else if (!enterprise) {
            in.Fail("enterprise_id", T("field.required"));
          }
          if (auto st = in.Finish(); !st.ok()) return Fail(st.error());
          std::optional<store::Row> stored;
          auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto ent, tx.QueryOne("SELECT id FROM enterprises WHERE id = $1", {*enterprise}));
            if (!ent) return Error::Invalid("enterprise_id", T("field.no_such_record"));
            if (spec.kind == "condition") PARK_TRY(CheckPlanRule(tx, *spec.rule, *enterprise));
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                "INSERT INTO maintenance_type_plans (enterprise_id, equipment_type, sensor_quantity, definition, "
                "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                {*enterprise, *equipment_type, spec.kind == "meter" ? quantity.value_or("") : std::string(),
                 PlanSpecJson(spec).dump(), who.name, s->src.clock.NowMs()}));
            const int64_t id = row->Int(0);
            PARK_TRY(store::AppendAudit(tx, s->src.clock, &who,
                                        {"create", "maintenance_type_plan", id, *enterprise, nullptr, *body}));
            PARK_ASSIGN_OR_RETURN(auto made, s->ApplyTypePlans(tx, id));
            (void)made;
            PARK_ASSIGN_OR_RETURN(stored, tx.QueryOne(fmt::format(
                "SELECT {} FROM maintenance_type_plans WHERE id = $1", kTypePlanCols), {id}));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          auto out = show(*stored, who);
          return out.ok() ? Response::FromJson(*out, 201) : Fail(out.error());
        });
    r.doc = Doc(r.doc.summary,
                Obj({{"equipment_type", {{"type", "string"}, {"maxLength", 100},
                                         {"description", "the registry's equipment type, e.g. pump"}}},
                     {"enterprise_id", {{"type", "integer"},
                                        {"description", "whose equipment (an enterprise user: always its own)"}}},
                     {"sensor_quantity", {{"type", "string"},
                                          {"description", "meter: the quantity of each equipment's sensor counted"}}},
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
                     {"threshold", {{"type", "number"}}},
                     {"counted_from", {{"type", "string"}, {"format", "date-time"}}},
                     {"webhook_url", {{"type", "string"}, {"maxLength", 500}}},
                     {"alarm_rule_id", {{"type", "integer"}}}},
                    {"equipment_type", "name", "kind"}),
                Obj(), 201);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/type-plans", kReaders,
        "Plans on an equipment type in the caller's scope, each with the plans it made (one per equipment, with the "
        "next due and how it was derived) and the equipment of its kind it does not cover yet",
        [s, show](const Request& req) -> Response {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          std::vector<store::Row> rows;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(rows, tx.Query(fmt::format(
                "SELECT {} FROM maintenance_type_plans WHERE ($1 = 0 OR enterprise_id = $1) ORDER BY id",
                kTypePlanCols), {scope->value_or(0)}));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          Json items = Json::array();
          for (const auto& t : rows) {
            if (!req.Who().CanSeeEnterprise(t.Int(1))) continue;
            auto one = show(t, req.Who());
            if (!one.ok()) return Fail(one.error());
            items.push_back(std::move(*one));
          }
          return Response::FromJson({{"items", items}});
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    r.doc.query = {{"enterprise_id", "integer", "one enterprise (an enterprise user always gets its own)"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/type-plans/{id}", kReaders,
        "One plan on an equipment type with the plans it made and the equipment it does not cover yet",
        [s, show](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          std::optional<store::Row> row;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(fmt::format(
                "SELECT {} FROM maintenance_type_plans WHERE id = $1", kTypePlanCols), {*id}));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(st.error());
          if (!row || !req.Who().CanSeeEnterprise(row->Int(1))) {
            return Fail(Error::NotFound(T("maintenance.plan.not_found", {{"id", std::to_string(*id)}})));
          }
          auto out = show(*row, req.Who());
          return out.ok() ? Response::FromJson(*out) : Fail(out.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
}

}  // namespace park::maintenance
