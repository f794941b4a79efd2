// GET and PUT /api/v1/park/layout: the stored layout, with each plot and outlet resolved to the enterprise and
// sensor it names (within the caller's scope), and its replacement by a park administrator.
#include "park/layout/service.hpp"

#include <map>

#include "park/core/time.hpp"
#include "park/layout/layout.hpp"
#include "park/store/audit.hpp"

namespace park::layout {
namespace {

constexpr std::string_view kSelectLayout = "SELECT body, updated_at FROM park_layout WHERE id = 1";
constexpr std::string_view kDeleteLayout = "DELETE FROM park_layout WHERE id = 1";
constexpr std::string_view kInsertLayout = "INSERT INTO park_layout (id, body, updated_at) VALUES (1, $1, $2)";
constexpr std::string_view kSelectEnterprises = "SELECT id, credit_code, name, sector FROM enterprises";
constexpr std::string_view kSelectSensors =
    "SELECT id, key, name, unit, quantity, high_limit, enterprise_id FROM sensors";

struct EnterpriseRef {
  int64_t id;
  std::string name, sector;
};
struct SensorRef {
  int64_t id;
  std::string name, unit, quantity;
  std::optional<double> high_limit;
  int64_t enterprise_id;
};

// The registry records a layout may name: enterprises by credit code, sensors by key.
struct Refs {
  std::map<std::string, EnterpriseRef> enterprises;
  std::map<std::string, SensorRef> sensors;
};

Result<Refs> LoadRefs(store::Tx& tx) {
  Refs refs;
  PARK_ASSIGN_OR_RETURN(auto erows, tx.Query(kSelectEnterprises));
  for (const auto& r : erows) refs.enterprises[r.Text(1)] = {r.Int(0), r.Text(2), r.Text(3)};
  PARK_ASSIGN_OR_RETURN(auto srows, tx.Query(kSelectSensors));
  for (const auto& r : srows) {
    std::optional<double> high;
    if (!r.IsNull(5)) high = r.Real(5);
    refs.sensors[r.Text(1)] = {r.Int(0), r.Text(2), r.Text(3), r.Text(4), high, r.OptInt(6).value_or(0)};
  }
  return refs;
}

// A stored layout as the caller may see it: plots and points outside the caller's enterprise keep their shape
// but lose every name and link, so a map shows the park without telling one enterprise about another.
Json Resolve(Json layout, const Refs& refs, const Principal& who) {
  for (auto& f : layout["features"]) {
    Json& p = f["properties"];
    const std::string kind = p.value("kind", "");
    if (const auto code = p.find("credit_code"); code != p.end()) {
      const auto e = refs.enterprises.find(code->get<std::string>());
      if (e != refs.enterprises.end() && who.CanSeeEnterprise(e->second.id)) {
        p["enterprise_id"] = e->second.id;
        p["enterprise_name"] = e->second.name;
        p["sector"] = e->second.sector;
      } else if (kind == "plot") {
        p.erase("name");
      }
      p.erase("credit_code");  // an identifier of the enterprise: the id above is what the app links with
    }
    if (const auto key = p.find("sensor_key"); key != p.end()) {
      const auto s = refs.sensors.find(key->get<std::string>());
      if (s != refs.sensors.end() && who.CanSeeEnterprise(s->second.enterprise_id)) {
        p["sensor_id"] = s->second.id;
        p["sensor_name"] = s->second.name;
        p["unit"] = s->second.unit;
        p["quantity"] = s->second.quantity;
        p["enterprise_id"] = s->second.enterprise_id;
        if (s->second.high_limit) p["high_limit"] = *s->second.high_limit;
      } else {
        p.erase("sensor_key");
        p.erase("name");
      }
    }
  }
  return layout;
}

// The stored layout resolved for the caller, as GET answers it.
Result<Json> Resolved(store::Tx& tx, const Principal& who) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectLayout));
  if (!row) return Json{{"layout", nullptr}, {"updated_at", nullptr}};
  Json layout = Json::parse(row->Text(0), nullptr, false);
  if (!layout.is_object()) return Error::Internal("the stored park layout is not JSON");
  PARK_ASSIGN_OR_RETURN(auto refs, LoadRefs(tx));
  return Json{{"layout", Resolve(std::move(layout), refs, who)}, {"updated_at", row->Int(1)}};
}

// Every plot names a registered enterprise and every outlet or monitor a registered sensor.
Status CheckReferences(const Refs& refs, const Json& layout) {
  std::vector<FieldError> errors;
  const Json& features = layout["features"];
  for (size_t i = 0; i < features.size() && errors.size() < 50; ++i) {
    const Json& p = features[i]["properties"];
    const std::string at = "features[" + std::to_string(i) + "].properties.";
    if (const auto code = p.find("credit_code");
        code != p.end() && !refs.enterprises.contains(code->get<std::string>())) {
      errors.push_back({at + "credit_code", T("layout.unknown_enterprise", {{"credit_code", code->get<std::string>()}})});
    }
    if (const auto key = p.find("sensor_key"); key != p.end() && !refs.sensors.contains(key->get<std::string>())) {
      errors.push_back({at + "sensor_key", T("layout.unknown_sensor", {{"sensor_key", key->get<std::string>()}})});
    }
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

// Checks and stores `doc` against `refs`; returns the layout as stored (normalised) and when.
Result<std::pair<Json, int64_t>> Store(store::Tx& tx, const Clock& clock, const Principal* actor, const Json& doc,
                                       const Refs& refs) {
  PARK_ASSIGN_OR_RETURN(Json layout, ReadLayout(doc));
  PARK_TRY(CheckReferences(refs, layout));
  PARK_ASSIGN_OR_RETURN(auto before, tx.QueryOne(kSelectLayout));
  const int64_t now = clock.NowMs();
  PARK_TRY(tx.Exec(kDeleteLayout));
  PARK_TRY(tx.Exec(kInsertLayout, {layout.dump(), now}));
  Json summary = {{"features", layout["features"].size()}};
  store::AuditEntry entry{"update", "park_layout", 1, std::nullopt,
                          before ? Json{{"updated_at", before->Int(1)}} : Json(nullptr), summary};
  PARK_TRY(store::AppendAudit(tx, clock, actor, entry));
  return std::pair<Json, int64_t>{std::move(layout), now};
}

Json LayoutResponseSchema() {
  return http::ObjectSchema(
      {{"layout",
        {{"type", "object"},
         {"nullable", true},
         {"description",
          "GeoJSON FeatureCollection; properties: kind, name, and resolved within the caller's scope "
          "enterprise_id, enterprise_name, sector (plots), sensor_id, sensor_name, unit, quantity, high_limit "
          "(outlets, monitors)"}}},
       {"updated_at", {{"type", "integer"}, {"nullable", true}, {"description", "epoch milliseconds"}}}});
}

}  // namespace

Status SaveLayout(store::Tx& tx, const Clock& clock, const Principal* actor, const Json& doc) {
  PARK_ASSIGN_OR_RETURN(auto refs, LoadRefs(tx));
  PARK_TRY(Store(tx, clock, actor, doc, refs));
  return Status::Ok();
}

void Register(http::Router& router, store::Store& store, const Clock& clock) {
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/park/layout";
    r.roles = http::AllRoles();
    r.doc.summary = "The park's layout map (GeoJSON) with plots and outlets resolved within the caller's scope";
    r.doc.tag = "park";
    r.doc.response_schema = LayoutResponseSchema();
    r.handler = [&store](const http::Request& req) {
      Json out;
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(out, Resolved(tx, req.Who()));
        return Status::Ok();
      });
      return st.ok() ? http::Response::FromJson(out) : http::Response::FromError(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPut;
    r.pattern = "/api/v1/park/layout";
    r.roles = {Role::kParkAdmin};
    r.doc.summary =
        "Replace the park's layout map: a GeoJSON FeatureCollection of plots (credit_code), outlets and monitors "
        "(sensor_key), gates, docks and background shapes; every bad place is reported at once";
    r.doc.tag = "park";
    r.doc.request_schema = http::ObjectSchema({{"type", {{"type", "string"}, {"enum", {"FeatureCollection"}}}},
                                               {"features", {{"type", "array"}}}},
                                              {"type", "features"});
    r.doc.response_schema = LayoutResponseSchema();
    r.doc.also_accepted_content_types = {"application/geo+json"};
    r.handler = [&store, &clock](const http::Request& req) {
      auto doc = ParseJsonObject(req.body);
      if (!doc.ok()) return http::Response::FromError(doc.error());
      Json out;
      auto st = store.Write([&](store::Tx& tx) -> Status {
        // The registry is read once: to check the references and to resolve the answer.
        PARK_ASSIGN_OR_RETURN(auto refs, LoadRefs(tx));
        PARK_ASSIGN_OR_RETURN(auto stored, Store(tx, clock, &req.Who(), *doc, refs));
        out = {{"layout", Resolve(std::move(stored.first), refs, req.Who())}, {"updated_at", stored.second}};
        return Status::Ok();
      });
      return st.ok() ? http::Response::FromJson(out) : http::Response::FromError(st.error());
    };
    router.Add(std::move(r));
  }
}

}  // namespace park::layout
