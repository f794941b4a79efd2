// The four registry entities. Enumerations here are persisted as text: add values freely, never rename one.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "park/core/time.hpp"
#include "park/core/validate.hpp"
#include "registry/spec.hpp"

namespace park::registry {
namespace {

constexpr std::string_view kEnterpriseOf = "SELECT id FROM enterprises WHERE id = $1";
constexpr std::string_view kFacilityOwner = "SELECT enterprise_id FROM facilities WHERE id = $1";
constexpr std::string_view kEquipmentOwner = "SELECT enterprise_id FROM equipment WHERE id = $1";

// A check's answer: nothing, or each reason at the field itself ("") or at a path inside it ("[1].phone").
using Why = std::vector<FieldError>;
Why Bad(Text text, std::string inside = {}) { return {FieldError{std::move(inside), std::move(text)}}; }

Why CheckCredit(const Json& v) {
  Text t = CheckCreditCode(v.get<std::string>());
  return t.empty() ? Why() : Bad(std::move(t));
}

// National industry classification (GB/T 4754-2017): a division (2 digits), group (3) or class (4) code.
Why CheckSector(const Json& v) {
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() < 2 || s.size() > 4 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Bad(T("registry.sector"));
  }
  return {};
}

Why CheckNonNegativeArea(const Json& v) {
  const double d = v.get<double>();
  if (d < 0 || d > 1e6) return Bad(T("registry.land_area", {{"max", 1e6}}));
  return {};
}

Text CheckPhone(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() < 5 || s.size() > 20) return T("registry.phone_length", {{"min", 5}, {"max", 20}});
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == ' ' || c == '(' || c == ')')) {
      return T("registry.phone_characters");
    }
  }
  return {};
}

Text CheckEmail(std::string_view s) {
  if (s.empty()) return {};
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('.', at) == std::string_view::npos || s.back() == '.' ||
      s.find(' ') != std::string_view::npos || s.size() > 200) {
    return T("registry.email");
  }
  return {};
}

// contacts: [{name, role, phone, email}], at most 20. Errors name the element, e.g. contacts[1].phone.
Why CheckContacts(const Json& v) {
  if (v.size() > 20) return Bad(T("registry.contacts_count", {{"max", 20}}));
  Why all;
  for (size_t i = 0; i < v.size(); ++i) {
    const Json& c = v[i];
    const std::string at = "[" + std::to_string(i) + "]";
    if (!c.is_object()) {
      all.push_back({at, T("field.not_object", {{"actual", c.is_array()    ? "an array"
                                                           : c.is_string() ? "a string"
                                                           : c.is_null()   ? "null"
                                                                           : "a number or boolean"}})});
      continue;
    }
    JsonReader r(c, at);
    (void)r.String("name", JsonReader::kRequired, 100);
    (void)r.String("role", JsonReader::kOptional, 100);
    auto phone = r.String("phone", JsonReader::kOptional, 40);
    auto email = r.String("email", JsonReader::kOptional, 200);
    if (phone) {
      if (auto why = CheckPhone(*phone); !why.empty()) r.Fail("phone", why);
    }
    if (email) {
      if (auto why = CheckEmail(*email); !why.empty()) r.Fail("email", why);
    }
    if (auto st = r.Finish(); !st.ok()) {
      for (const auto& f : st.error().fields) all.push_back(f);
    }
  }
  return all;
}

Why CheckNonNegative(const Json& v) {
  if (v.get<double>() < 0) return Bad(T("field.at_least", {{"min", 0}}));
  return {};
}

Why CheckPastDate(const Json& v) {
  const auto& s = v.get_ref<const std::string&>();
  if (s < "1950-01-01") return Bad(T("registry.date_after", {{"date", "1950-01-01"}}));
  return {};
}

Why CheckLife(const Json& v) {
  const double d = v.get<double>();
  if (d <= 0 || d > 100) return Bad(T("registry.life_years", {{"max", 100}}));
  return {};
}

// Rated parameters: a flat object of numbers or short strings, units in the keys (e.g. "pressure_mpa").
// Every bad parameter is named.
Why CheckRated(const Json& v) {
  if (v.size() > 50) return Bad(T("registry.rated_count", {{"max", 50}}));
  Why all;
  bool bad_name = false;
  for (const auto& [k, val] : v.items()) {
    if (k.empty() || k.size() > 64) {
      bad_name = true;
      continue;
    }
    if (!(val.is_number() || (val.is_string() && Utf8Length(val.get_ref<const std::string&>()) <= 100) ||
          val.is_boolean())) {
      all.push_back({"." + k, T("registry.rated_value", {{"max_chars", 100}})});
    }
  }
  if (bad_name) all.insert(all.begin(), {"", T("registry.rated_name", {{"max_chars", 64}})});
  return all;
}

Why CheckTag(const Json& v) {
  for (char c : v.get_ref<const std::string&>()) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/')) {
      return Bad(T("registry.tag_characters"));
    }
  }
  return {};
}

// A sensor's key names its time series (as in line protocol and MQTT topics).
Why CheckSeriesKey(const Json& v) {
  const auto& s = v.get_ref<const std::string&>();
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
          c == '-' || c == '.')) {
      return Bad(T("registry.key_characters"));
    }
  }
  return {};
}

// Units accepted per measured quantity. A cumulative quantity can be a meter.
struct QuantityUnits {
  std::vector<std::string> units;
  bool cumulative = false;
};
const std::map<std::string, QuantityUnits>& Quantities() {
  static const std::map<std::string, QuantityUnits> kQuantities = {
      {"temperature", {{"degC", "K"}}},
      {"pressure", {{"MPa", "kPa", "Pa", "bar"}}},
      {"level", {{"m", "mm", "%"}}},
      {"flow", {{"m3/h", "Nm3/h", "t/h", "L/s", "kg/h"}}},
      {"vibration", {{"mm/s", "um", "g"}}},
      {"current", {{"A", "kA"}}},
      {"voltage", {{"V", "kV"}}},
      {"power", {{"kW", "MW"}}},
      {"reactive_power", {{"kvar", "Mvar"}}},
      {"power_factor", {{"1"}}},
      {"frequency", {{"Hz"}}},
      {"speed", {{"rpm"}}},
      {"concentration", {{"mg/m3", "mg/L", "ppm", "%"}}},
      {"ph", {{"pH"}}},
      {"humidity", {{"%RH"}}},
      {"wind_speed", {{"m/s"}}},
      {"direction", {{"deg"}}},
      {"irradiance", {{"W/m2"}}},
      {"state_of_charge", {{"%"}}},
      // A computed figure written back as a series (the maintenance service's performance of a turbine, array or
      // battery), so that alarm rules, work orders and charts treat it like any reading.
      {"performance", {{"%"}}},
      {"state", {{"1"}}},
      {"energy", {{"kWh", "MWh"}, true}},
      {"gas_volume", {{"m3", "Nm3", "10^4 Nm3"}, true}},
      {"water_volume", {{"m3", "t"}, true}},
      {"steam_mass", {{"t", "kg"}, true}},
      {"heat", {{"GJ", "MJ"}, true}},
      {"run_hours", {{"h"}, true}},
      {"count", {{"1"}, true}},
  };
  return kQuantities;
}

std::vector<std::string> QuantityNames() {
  std::vector<std::string> out;
  for (const auto& [k, v] : Quantities()) out.push_back(k);
  return out;
}

// Screen (viewer) tokens read none of these: the big screen takes enterprise names and sectors from
// GET /api/v1/park, and contacts, phones and assets are no business of a wall display.
const std::vector<Role> kEveryone = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser,
                                     Role::kTechnician, Role::kDriver, Role::kIntegrator};
const std::vector<Role> kAssetReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser,
                                         Role::kTechnician, Role::kIntegrator};

// The sensor rules that relate fields: the unit suits the quantity, only a meter counts an activity item and
// counts up, and the high limit is above the low one. Fields already refused are null and skipped.
std::vector<FieldError> RelateSensor(const Json& record) {
  std::vector<FieldError> bad;
  const Json& quantity = record["quantity"];
  const Json& unit = record["unit"];
  const Json& kind = record["kind"];
  const QuantityUnits* q = quantity.is_string() ? &Quantities().at(quantity.get<std::string>()) : nullptr;
  if (q && unit.is_string() && std::find(q->units.begin(), q->units.end(), unit.get<std::string>()) == q->units.end()) {
    std::string list;
    for (const auto& u : q->units) list += (list.empty() ? "" : ", ") + u;
    bad.push_back(
        {"unit", T("registry.unit_for_quantity",
                   {{"quantity", TextRef{"registry.quantity." + quantity.get<std::string>()}}, {"units", list}})});
  }
  if (kind.is_string() && kind != "meter" && record["activity_item"].is_string()) {
    bad.push_back({"activity_item", T("registry.activity_item_meter_only")});
  }
  if (q && kind == "meter" && !q->cumulative) bad.push_back({"quantity", T("registry.meter_quantity")});
  const Json& lo = record["low_limit"];
  const Json& hi = record["high_limit"];
  if (lo.is_number() && hi.is_number() && lo.get<double>() >= hi.get<double>()) {
    bad.push_back({"high_limit", T("registry.high_above_low")});
  }
  return bad;
}

void SetOwner(Json& record, int64_t owner) { record["enterprise_id"] = owner; }

std::vector<EntitySpec> MakeSpecs() {
  std::vector<EntitySpec> specs;
  {
    EntitySpec e;
    e.entity = "enterprise";
    e.collection = "enterprises";
    e.table = "enterprises";
    e.scope_column = "id";
    e.fields = {
        {"name", FieldType::kText, true, true, 200, {}, nullptr, "registered name"},
        {"credit_code", FieldType::kText, true, true, 18, {}, CheckCredit,
         "unified social credit code (GB 32100-2015), 18 characters with check character"},
        {"sector", FieldType::kText, true, true, 4, {}, CheckSector, "GB/T 4754-2017 industry code, e.g. 2710"},
        {"land_area_mu", FieldType::kNumber, false, true, 0, {}, CheckNonNegativeArea, "land area in mu"},
        {"address", FieldType::kText, false, true, 300, {}, nullptr, ""},
        {"contacts", FieldType::kArray, false, true, 0, {}, CheckContacts, "[{name, role, phone, email}]"},
        {"kind", FieldType::kEnum, false, true, 0, {"enterprise", "external"}, nullptr,
         "enterprise: in the park (the default); external: an organisation outside the park that uses the platform, "
         "e.g. a hospital ordering isotopes (left out of park-wide figures)"},
    };
    e.filters = {{"sector", "sector", false}, {"kind", "kind", false}};
    e.admin_fields = {"kind"};
    e.derive = [](Json& record, int64_t) {
      if (!record.contains("kind") || record["kind"].is_null()) record["kind"] = "enterprise";
    };
    e.search_columns = {"name", "credit_code"};
    e.children = {{"facilities", "enterprise_id", "facilities"},
                  {"users", "enterprise_id", "users"},
                  {"carbon_activity", "enterprise_id", "carbon_activity"},
                  {"reduction_projects", "enterprise_id", "reduction_projects"}};
    e.read_roles = kEveryone;
    e.create_roles = {Role::kParkAdmin};
    e.update_roles = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
    e.delete_roles = {Role::kParkAdmin};
    specs.push_back(std::move(e));
  }
  {
    EntitySpec e;
    e.entity = "facility";
    e.collection = "facilities";
    e.table = "facilities";
    e.scope_column = "enterprise_id";
    e.fields = {
        {"enterprise_id", FieldType::kInteger, true, true, 0, {}, nullptr, "owning enterprise"},
        {"name", FieldType::kText, true, true, 200, {}, nullptr, ""},
        {"kind", FieldType::kEnum, true, true, 0,
         {"workshop", "tank_farm", "loading_dock", "parking_lot", "warehouse", "utility", "laboratory", "office"},
         nullptr, ""},
        {"location", FieldType::kText, false, true, 300, {}, nullptr, "where it is in the park"},
    };
    e.filters = {{"enterprise_id", "enterprise_id", true}, {"kind", "kind", false}};
    e.search_columns = {"name"};
    e.children = {{"equipment", "facility_id", "equipment"}};
    e.read_roles = kEveryone;  // drivers need the loading docks
    e.create_roles = e.update_roles = e.delete_roles = {Role::kParkAdmin, Role::kEnterpriseUser};
    e.parent_field = "enterprise_id";
    e.parent_sql = kEnterpriseOf;
    specs.push_back(std::move(e));
  }
  {
    EntitySpec e;
    e.entity = "equipment";
    e.collection = "equipment";
    e.table = "equipment";
    e.scope_column = "enterprise_id";
    e.fields = {
        {"enterprise_id", FieldType::kInteger, false, false, 0, {}, nullptr, "derived from the facility"},
        {"facility_id", FieldType::kInteger, true, true, 0, {}, nullptr, ""},
        {"tag", FieldType::kText, true, true, 64, {}, CheckTag, "plant tag, unique within the enterprise"},
        {"name", FieldType::kText, true, true, 200, {}, nullptr, ""},
        {"type", FieldType::kEnum, true, true, 0,
         {"reactor", "pressure_vessel", "storage_tank", "valve", "safety_valve", "pump", "compressor", "boiler",
          "distillation_tower", "heat_exchanger", "electrolyser", "transformer", "pv_array", "wind_turbine",
          "flow_battery", "dryer", "centrifuge", "online_monitor", "other"},
         nullptr, ""},
        {"model", FieldType::kText, false, true, 100, {}, nullptr, ""},
        {"manufacturer", FieldType::kText, false, true, 200, {}, nullptr, ""},
        {"serial", FieldType::kText, false, true, 100, {}, nullptr, ""},
        {"install_date", FieldType::kDate, false, true, 0, {}, CheckPastDate, "YYYY-MM-DD"},
        {"design_life_years", FieldType::kNumber, false, true, 0, {}, CheckLife, "design service life in years"},
        {"status", FieldType::kEnum, false, true, 0, {"in_service", "standby", "retired"}, nullptr,
         "default in_service"},
        {"rated", FieldType::kObject, false, true, 0, {}, CheckRated,
         "rated parameters, units in the keys, e.g. {\"pressure_mpa\": 2.5}"},
        {"inspection_due_date", FieldType::kDate, false, true, 0, {}, nullptr,
         "statutory periodic inspection due (pressure vessels, safety valves)"},
    };
    e.filters = {{"enterprise_id", "enterprise_id", true}, {"facility_id", "facility_id", true},
                 {"type", "type", false}, {"status", "status", false}};
    e.search_columns = {"name", "tag"};
    e.children = {{"sensors", "equipment_id", "sensors"}};
    e.read_roles = kAssetReaders;
    e.create_roles = e.delete_roles = {Role::kParkAdmin, Role::kEnterpriseUser};
    e.update_roles = {Role::kParkAdmin, Role::kEnterpriseUser, Role::kTechnician};
    e.parent_field = "facility_id";
    e.parent_sql = kFacilityOwner;
    e.derive = [](Json& record, int64_t owner) {
      SetOwner(record, owner);
      if (!record.contains("status") || record["status"].is_null()) record["status"] = "in_service";
    };
    specs.push_back(std::move(e));
  }
  {
    EntitySpec e;
    e.entity = "sensor";
    e.collection = "sensors";
    e.table = "sensors";
    e.scope_column = "enterprise_id";
    e.fields = {
        {"enterprise_id", FieldType::kInteger, false, false, 0, {}, nullptr, "derived from the equipment"},
        {"equipment_id", FieldType::kInteger, true, true, 0, {}, nullptr, ""},
        {"key", FieldType::kText, true, true, 128, {}, CheckSeriesKey, "series key, unique in the park"},
        {"name", FieldType::kText, true, true, 200, {}, nullptr, ""},
        {"kind", FieldType::kEnum, true, true, 0, {"sensor", "meter"}, nullptr,
         "meter: a cumulative counter (energy, volume, mass, heat, run hours)"},
        {"quantity", FieldType::kEnum, true, true, 0, QuantityNames(), nullptr, "what it measures"},
        {"unit", FieldType::kText, true, true, 20, {}, nullptr, "must suit the quantity"},
        {"activity_item", FieldType::kEnum, false, true, 0,
         {"electricity", "green_electricity", "natural_gas", "heat", "water", "diesel", "lpg", "raw_coal"}, nullptr,
         "meters only: the carbon-accounting activity item it measures (its monthly consumption becomes a metered "
         "activity row)"},
        {"low_limit", FieldType::kNumber, false, true, 0, {}, nullptr, "alarm below, in the sensor's unit"},
        {"high_limit", FieldType::kNumber, false, true, 0, {}, nullptr, "alarm above, in the sensor's unit"},
    };
    e.filters = {{"enterprise_id", "enterprise_id", true}, {"equipment_id", "equipment_id", true},
                 {"kind", "kind", false}, {"quantity", "quantity", false}};
    e.search_columns = {"name", "key"};
    e.read_roles = kAssetReaders;
    e.create_roles = e.update_roles = {Role::kParkAdmin, Role::kEnterpriseUser, Role::kIntegrator};
    e.delete_roles = {Role::kParkAdmin, Role::kEnterpriseUser};
    e.relate = RelateSensor;
    e.parent_field = "equipment_id";
    e.parent_sql = kEquipmentOwner;
    e.derive = SetOwner;
    specs.push_back(std::move(e));
  }
  {
    // Pollution- and carbon-reduction projects: registered like any other record; their economics (cost per
    // tonne, the abatement cost curve, planned vs achieved) are computed by the carbon module.
    EntitySpec e;
    e.entity = "reduction_project";
    e.collection = "reduction-projects";
    e.table = "reduction_projects";
    e.scope_column = "enterprise_id";
    e.fields = {
        {"enterprise_id", FieldType::kInteger, true, true, 0, {}, nullptr, "the enterprise carrying it out"},
        {"name", FieldType::kText, true, true, 200, {}, nullptr, ""},
        {"description", FieldType::kText, false, true, 2000, {}, nullptr, "what changes (baseline and after)"},
        {"status", FieldType::kEnum, true, true, 0, {"planned", "in_progress", "operating", "cancelled"}, nullptr, ""},
        {"baseline_t_co2_per_yr", FieldType::kNumber, true, true, 0, {}, CheckNonNegative,
         "emissions of the affected process before, tCO2/yr"},
        {"after_t_co2_per_yr", FieldType::kNumber, true, true, 0, {}, CheckNonNegative, "planned emissions after"},
        {"investment_10k_yuan", FieldType::kNumber, true, true, 0, {}, CheckNonNegative, "10^4 yuan"},
        {"annual_benefit_10k_yuan", FieldType::kNumber, true, true, 0, {}, CheckNonNegative,
         "savings and revenue per year, 10^4 yuan (extra costs go in annual_om_cost_10k_yuan)"},
        {"annual_om_cost_10k_yuan", FieldType::kNumber, false, true, 0, {}, CheckNonNegative,
         "extra operating cost per year, 10^4 yuan"},
        {"lifetime_years", FieldType::kNumber, true, true, 0, {}, CheckLife, "economic life for annualising"},
        {"achieved_t_co2_per_yr", FieldType::kNumber, false, true, 0, {}, CheckNonNegative,
         "measured abatement once operating"},
    };
    e.filters = {{"enterprise_id", "enterprise_id", true}, {"status", "status", false}};
    e.search_columns = {"name"};
    e.read_roles = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
    e.create_roles = e.update_roles = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
    e.delete_roles = {Role::kParkAdmin, Role::kEnterpriseUser};
    e.parent_field = "enterprise_id";
    e.parent_sql = kEnterpriseOf;
    specs.push_back(std::move(e));
  }
  return specs;
}

}  // namespace

const std::vector<EntitySpec>& Specs() {
  static const std::vector<EntitySpec> kSpecs = MakeSpecs();
  return kSpecs;
}

const EntitySpec* FindSpec(std::string_view entity) {
  for (const auto& s : Specs()) {
    if (s.entity == entity) return &s;
  }
  return nullptr;
}

}  // namespace park::registry
