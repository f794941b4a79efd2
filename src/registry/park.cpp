// GET /api/v1/park: the park at a glance, scoped to the caller's enterprise when they have one.
#include "park/core/time.hpp"
#include "park/registry/registry.hpp"

namespace park::registry {

void RegisterCrud(http::Router& router, store::Store& store, const Clock& clock, http::LiveHub& hub);

namespace {

constexpr std::string_view kCounts =
    "SELECT (SELECT COUNT(*) FROM enterprises WHERE kind = 'enterprise' AND ($1 = 0 OR id = $1)), "
    "(SELECT COUNT(*) FROM facilities WHERE $1 = 0 OR enterprise_id = $1), "
    "(SELECT COUNT(*) FROM equipment WHERE $1 = 0 OR enterprise_id = $1), "
    "(SELECT COUNT(*) FROM sensors WHERE $1 = 0 OR enterprise_id = $1), "
    "(SELECT COALESCE(SUM(land_area_mu), 0) FROM enterprises WHERE kind = 'enterprise' AND ($1 = 0 OR id = $1))";
constexpr std::string_view kBySector =
    "SELECT sector, COUNT(*) FROM enterprises WHERE kind = 'enterprise' AND ($1 = 0 OR id = $1) GROUP BY sector ORDER BY COUNT(*) DESC, sector";
constexpr std::string_view kByType =
    "SELECT type, COUNT(*) FROM equipment WHERE $1 = 0 OR enterprise_id = $1 GROUP BY type ORDER BY COUNT(*) DESC, type";
// The enterprises' plots for the big screen's map: name and sector only, never contacts or credit codes, so that
// a screen (viewer) token needs no access to the enterprise records themselves.
constexpr std::string_view kPlots =
    "SELECT id, name, sector FROM enterprises WHERE kind = 'enterprise' AND ($1 = 0 OR id = $1) ORDER BY id LIMIT 500";
constexpr std::string_view kInspectionsDue =
    "SELECT COUNT(*) FROM equipment WHERE ($1 = 0 OR enterprise_id = $1) AND inspection_due_date IS NOT NULL "
    "AND inspection_due_date <= $2";

}  // namespace

void Register(http::Router& router, store::Store& store, const Clock& clock, http::LiveHub& hub, ParkInfo park) {
  RegisterCrud(router, store, clock, hub);
  http::Route r;
  r.method = http::Method::kGet;
  r.pattern = "/api/v1/park";
  r.roles = http::AllRoles();
  r.doc.summary = "The park at a glance: counts of enterprises, facilities, equipment and sensors, by sector and type";
  r.doc.tag = "park";
  r.doc.response_schema = http::ObjectSchema(
      {{"name", {{"type", "string"}}},
       {"name_en", {{"type", "string"}}},
       {"enterprise_count", {{"type", "integer"}}},
       {"facility_count", {{"type", "integer"}}},
       {"equipment_count", {{"type", "integer"}}},
       {"sensor_count", {{"type", "integer"}}},
       {"land_area_mu", {{"type", "number"}}},
       {"inspections_due_30d", {{"type", "integer"}, {"description", "statutory inspections due within 30 days"}}},
       {"by_sector", {{"type", "array"}}},
       {"equipment_by_type", {{"type", "array"}}},
       {"plots",
        {{"type", "array"},
         {"description", "the enterprises' plots for the big screen: id, name and sector only (at most 500)"}}}});
  r.handler = [&store, &clock, park](const http::Request& req) {
    const int64_t scope = req.Who().enterprise_id.value_or(0);
    Json out = {{"name", park.name}, {"name_en", park.name_en}};
    auto st = store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto c, tx.QueryOne(kCounts, {scope}));
      out["enterprise_count"] = c->Int(0);
      out["facility_count"] = c->Int(1);
      out["equipment_count"] = c->Int(2);
      out["sensor_count"] = c->Int(3);
      out["land_area_mu"] = c->Real(4);
      // Dates are text YYYY-MM-DD, so they compare correctly as strings.
      const int64_t in30 = clock.NowMs() + 30LL * 86400000;
      const std::string due = FormatDateMs(in30);
      PARK_ASSIGN_OR_RETURN(auto d, tx.QueryOne(kInspectionsDue, {scope, due}));
      out["inspections_due_30d"] = d->Int(0);
      Json sectors = Json::array();
      PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBySector, {scope}));
      for (const auto& row : rows) sectors.push_back({{"sector", row.Text(0)}, {"count", row.Int(1)}});
      out["by_sector"] = sectors;
      Json types = Json::array();
      PARK_ASSIGN_OR_RETURN(auto trows, tx.Query(kByType, {scope}));
      for (const auto& row : trows) types.push_back({{"type", row.Text(0)}, {"count", row.Int(1)}});
      out["equipment_by_type"] = types;
      Json plots = Json::array();
      PARK_ASSIGN_OR_RETURN(auto prows, tx.Query(kPlots, {scope}));
      for (const auto& row : prows) {
        plots.push_back({{"id", row.Int(0)}, {"name", row.Text(1)}, {"sector", row.Text(2)}});
      }
      out["plots"] = plots;
      return {};
    });
    return st.ok() ? http::Response::FromJson(out) : http::Response::FromError(st.error());
  };
  router.Add(std::move(r));
}

}  // namespace park::registry
