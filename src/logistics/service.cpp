// Logistics service: the records (carriers, vehicles, drivers and escorts, zones, goods), the docks, the park's
// settings, the helpers every route file shares, and the service's life. See include/park/logistics/service.hpp.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::logistics {

const std::vector<Role> kStaff = {Role::kParkAdmin, Role::kParkStaff};
const std::vector<Role> kAdmin = {Role::kParkAdmin};
const std::vector<Role> kEveryone = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser, Role::kDriver,
                                     Role::kGate};
const std::vector<Role> kBookers = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser, Role::kDriver};
const std::vector<Role> kDockKeepers = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
const std::vector<Role> kGateRoles = {Role::kParkAdmin, Role::kParkStaff, Role::kGate};
const std::vector<Role> kLotReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kGate, Role::kEnterpriseUser};
const std::vector<Role> kScreenReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kViewer};

using http::Response;

// ---- helpers ----------------------------------------------------------------------------------------------

Response Fail(const Error& e) { return Response::FromError(e); }

http::RouteDoc Doc(std::string summary, Json request, Json response, int status) {
  http::RouteDoc d;
  d.summary = std::move(summary);
  d.tag = "logistics";
  d.request_schema = std::move(request);
  d.response_schema = std::move(response);
  d.success_status = status;
  return d;
}

Json Obj(Json properties, std::vector<std::string> required) {
  return http::ObjectSchema(std::move(properties), std::move(required));
}

Json ListOf(Json item) { return Obj({{"items", {{"type", "array"}, {"items", std::move(item)}}}}, {"items"}); }

std::string HourMinute(int minute) { return fmt::format("{:02d}:{:02d}", minute / 60, minute % 60); }

Result<int> ParseHourMinute(std::string_view text, const std::string& field) {
  const bool shape = text.size() == 5 && text[2] == ':' && std::isdigit(static_cast<unsigned char>(text[0])) &&
                     std::isdigit(static_cast<unsigned char>(text[1])) &&
                     std::isdigit(static_cast<unsigned char>(text[3])) && std::isdigit(static_cast<unsigned char>(text[4]));
  if (shape) {
    const int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
    if ((h < 24 && m < 60) || (h == 24 && m == 0)) return h * 60 + m;
  }
  return Error::Invalid(field, T("logistics.time.format", {{"value", std::string(text)}}));
}

Result<int64_t> DateQuery(const http::Request& req, const char* key, int64_t now, int utc_offset_min) {
  const auto q = req.Query(key);
  if (!q || q->empty()) return DayOf(now, utc_offset_min);
  return ParseDay(*q, key);
}

namespace {

Json Str() { return {{"type", "string"}}; }
Json Int() { return {{"type", "integer"}}; }
Json Num() { return {{"type", "number"}}; }
Json Bool() { return {{"type", "boolean"}}; }
Json Arr(Json item) { return {{"type", "array"}, {"items", std::move(item)}}; }

template <typename T>
T Clamp(std::optional<int64_t> v, T fallback, int64_t lo, int64_t hi) {
  return v && *v >= lo && *v <= hi ? static_cast<T>(*v) : fallback;
}

// A date field ("YYYY-MM-DD"): the text as stored, checked.
std::optional<std::string> DateField(JsonReader& r, const char* key, JsonReader::Need need) {
  auto s = r.String(key, need, 10);
  if (!s) return std::nullopt;
  if (auto d = ParseDay(*s, r.PathOf(key)); !d.ok()) {
    r.Fail(d.error());
    return std::nullopt;
  }
  return s;
}

Status Exists(store::Tx& tx, const char* table, int64_t id, const char* field) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format("SELECT id FROM {} WHERE id = $1", table), {id}));
  if (!row) return Error::Invalid(field, T("field.no_such_record"));
  return Status::Ok();
}

Json CarrierJson(const store::Row& r) {
  return {{"id", r.Int(0)}, {"name", r.Text(1)}, {"licence_no", r.Text(2)}, {"phone", r.Text(3)}};
}
constexpr std::string_view kCarrierCols = "id, name, licence_no, phone";

constexpr std::string_view kVehicleCols =
    "v.id, v.plate, v.carrier_id, c.name, v.tank, v.permit_no, v.permit_expires, v.tank_cert_no, v.tank_cert_expires";
Json VehicleJson(const store::Row& r) {
  return {{"id", r.Int(0)},          {"plate", r.Text(1)},         {"carrier_id", r.Int(2)},
          {"carrier_name", r.Text(3)}, {"tank", r.Int(4) != 0},      {"permit_no", r.Text(5)},
          {"permit_expires", r.Text(6)}, {"tank_cert_no", r.Text(7)},
          {"tank_cert_expires", r.IsNull(8) ? Json(nullptr) : Json(r.Text(8))}};
}

constexpr std::string_view kPersonCols =
    "id, kind, name, carrier_id, qualification_no, qualification_expires, user_id, phone";
Json PersonJson(const store::Row& r) {
  return {{"id", r.Int(0)},
          {"kind", r.Text(1)},
          {"name", r.Text(2)},
          {"carrier_id", r.Int(3)},
          {"qualification_no", r.Text(4)},
          {"qualification_expires", r.Text(5)},
          {"user_id", r.IsNull(6) ? Json(nullptr) : Json(r.Int(6))},
          {"phone", r.Text(7)}};
}

Json ZoneJson(const store::Row& r) { return {{"id", r.Int(0)}, {"name", r.Text(1)}, {"capacity", r.Int(2)}}; }

Json DockJson(const Dock* d, const store::Row& f) {
  Json j = {{"id", f.Int(0)}, {"name", f.Text(1)}, {"enterprise_id", f.Int(2)}, {"enterprise_name", f.Text(3)},
            {"configured", d != nullptr}};
  const Dock def;
  const Dock& x = d ? *d : def;
  j["open"] = HourMinute(x.open_minute);
  j["close"] = HourMinute(x.close_minute);
  j["slot_minutes"] = x.slot_minutes;
  j["parallel_capacity"] = x.parallel_capacity;
  j["labels"] = x.allowed_labels;
  j["loading_minutes"] = x.loading_minutes;
  j["unloading_minutes"] = x.unloading_minutes;
  j["requires_approval"] = x.requires_approval;
  return j;
}

Json GoodsJson(const Goods& g) {
  return {{"un_number", g.un_number}, {"name_en", g.name_en},          {"name_zh", g.name_zh},
          {"labels", g.labels},       {"packing_group", g.packing_group}, {"status", g.status}};
}

const Json kSettingsSchema = Obj({{"lead_time_min", Int()},
                                  {"next_day_cutoff_minute", Int()},
                                  {"max_days_ahead", Int()},
                                  {"park_vehicle_cap", Int()},
                                  {"class_caps", Arr(Obj({{"label", Str()}, {"cap", Int()}}))},
                                  {"overstay_hours", Num()},
                                  {"late_grace_min", Int()},
                                  {"no_show_grace_min", Int()},
                                  {"on_time_tolerance_min", Int()},
                                  {"violations_for_blacklist", Int()},
                                  {"violation_window_days", Int()},
                                  {"blacklist_days", Int()},
                                  {"document_warning_days", Int()},
                                  {"call_webhook_url", Str()}});

}  // namespace

// ---- settings ---------------------------------------------------------------------------------------------

Settings SettingsFrom(const Json& b) {
  Settings s;
  ParkRules& r = s.rules;
  auto i = [&](const char* k) -> std::optional<int64_t> {
    return b.contains(k) && b[k].is_number_integer() ? std::optional<int64_t>(b[k].get<int64_t>()) : std::nullopt;
  };
  r.lead_time_min = Clamp<int>(i("lead_time_min"), r.lead_time_min, 0, 7 * 24 * 60);
  r.next_day_cutoff_minute = Clamp<int>(i("next_day_cutoff_minute"), r.next_day_cutoff_minute, 0, 24 * 60);
  r.max_days_ahead = Clamp<int>(i("max_days_ahead"), r.max_days_ahead, 1, 90);
  r.park_vehicle_cap = Clamp<int>(i("park_vehicle_cap"), r.park_vehicle_cap, 1, 10000);
  if (b.contains("overstay_hours") && b["overstay_hours"].is_number()) {
    r.overstay_min = static_cast<int>(std::lround(b["overstay_hours"].get<double>() * 60));
  }
  r.late_grace_min = Clamp<int>(i("late_grace_min"), r.late_grace_min, 0, 24 * 60);
  r.no_show_grace_min = Clamp<int>(i("no_show_grace_min"), r.no_show_grace_min, 0, 24 * 60);
  r.on_time_tolerance_min = Clamp<int>(i("on_time_tolerance_min"), r.on_time_tolerance_min, 0, 24 * 60);
  r.violations_for_blacklist = Clamp<int>(i("violations_for_blacklist"), r.violations_for_blacklist, 1, 100);
  r.violation_window_days = Clamp<int>(i("violation_window_days"), r.violation_window_days, 1, 3650);
  r.blacklist_days = Clamp<int>(i("blacklist_days"), r.blacklist_days, 1, 3650);
  r.document_warning_days = Clamp<int>(i("document_warning_days"), r.document_warning_days, 0, 365);
  if (b.contains("class_caps") && b["class_caps"].is_array()) {
    for (const auto& c : b["class_caps"]) {
      if (c.is_object() && c.value("label", "") != "" && c.contains("cap") && c["cap"].is_number_integer()) {
        r.class_caps.emplace_back(c["label"].get<std::string>(), c["cap"].get<int>());
      }
    }
  }
  if (b.contains("call_webhook_url") && b["call_webhook_url"].is_string()) {
    s.call_webhook_url = b["call_webhook_url"].get<std::string>();
  }
  return s;
}

Json SettingsJson(const Settings& s, bool with_webhook) {
  const ParkRules& r = s.rules;
  Json caps = Json::array();
  for (const auto& [label, cap] : r.class_caps) caps.push_back({{"label", label}, {"cap", cap}});
  return {{"lead_time_min", r.lead_time_min},
          {"next_day_cutoff_minute", r.next_day_cutoff_minute},
          {"max_days_ahead", r.max_days_ahead},
          {"park_vehicle_cap", r.park_vehicle_cap},
          {"class_caps", caps},
          {"overstay_hours", r.overstay_min / 60.0},
          {"late_grace_min", r.late_grace_min},
          {"no_show_grace_min", r.no_show_grace_min},
          {"on_time_tolerance_min", r.on_time_tolerance_min},
          {"violations_for_blacklist", r.violations_for_blacklist},
          {"violation_window_days", r.violation_window_days},
          {"blacklist_days", r.blacklist_days},
          {"document_warning_days", r.document_warning_days},
          {"call_webhook_url", with_webhook ? s.call_webhook_url : std::string()}};
}

namespace {

Settings SettingsOfRow(const std::optional<store::Row>& row) {
  const Json body = row ? Json::parse(row->Text(0), nullptr, false) : Json::object();
  return SettingsFrom(body.is_object() ? body : Json::object());
}

}  // namespace

// On SQLite a write transaction already holds the database's one write lock (BEGIN IMMEDIATE, also against other
// processes), so the row lock would only add a page to every commit; PostgreSQL needs it.
Status Service::Impl::Lock(store::Tx& tx) {
  if (src.store.backend() == store::Backend::kSqlite) return Status::Ok();
  PARK_TRY(tx.Exec("UPDATE logistics_settings SET lock_seq = lock_seq + 1 WHERE id = 1"));
  return Status::Ok();
}

Result<Settings> Service::Impl::LockSettings(store::Tx& tx) {
  if (src.store.backend() == store::Backend::kSqlite) return LoadSettings(tx);
  PARK_ASSIGN_OR_RETURN(auto row,
                        tx.QueryOne("UPDATE logistics_settings SET lock_seq = lock_seq + 1 WHERE id = 1 RETURNING body"));
  return SettingsOfRow(row);
}

Result<Settings> Service::Impl::LoadSettings(store::Tx& tx) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT body FROM logistics_settings WHERE id = 1"));
  return SettingsOfRow(row);
}

Status Service::Impl::SaveSettings(store::Tx& tx, const Principal* who, const Json& body) {
  JsonReader r(body);
  PARK_ASSIGN_OR_RETURN(Settings before, LoadSettings(tx));
  Json merged = SettingsJson(before, true);
  auto ranged = [&](const char* key, int64_t lo, int64_t hi) {
    if (auto v = r.Integer(key, JsonReader::kOptional)) {
      if (*v < lo || *v > hi) {
        r.Fail(key, T("logistics.settings.range", {{"min", lo}, {"max", hi}}));
      } else {
        merged[key] = *v;
      }
    }
  };
  ranged("lead_time_min", 0, 7 * 24 * 60);
  ranged("next_day_cutoff_minute", 0, 24 * 60);
  ranged("max_days_ahead", 1, 90);
  ranged("park_vehicle_cap", 1, 10000);
  ranged("late_grace_min", 0, 24 * 60);
  ranged("no_show_grace_min", 0, 24 * 60);
  ranged("on_time_tolerance_min", 0, 24 * 60);
  ranged("violations_for_blacklist", 1, 100);
  ranged("violation_window_days", 1, 3650);
  ranged("blacklist_days", 1, 3650);
  ranged("document_warning_days", 0, 365);
  if (auto h = r.Number("overstay_hours", JsonReader::kOptional)) {
    if (!(*h >= 0.5 && *h <= 72)) {
      r.Fail("overstay_hours", T("logistics.settings.range", {{"min", 0.5}, {"max", 72}}));
    } else {
      merged["overstay_hours"] = *h;
    }
  }
  if (const Json* caps = r.Array("class_caps", JsonReader::kOptional)) {
    Json out = Json::array();
    for (size_t i = 0; i < caps->size(); ++i) {
      const std::string at = "class_caps[" + std::to_string(i) + "]";
      const Json& c = (*caps)[i];
      if (!c.is_object()) {
        r.Fail(FieldError{at, T("field.not_object", {{"actual", std::string(c.type_name())}})});
        continue;
      }
      JsonReader cr(c, at);
      auto label = cr.String("label", JsonReader::kRequired, 8);
      auto cap = cr.Integer("cap", JsonReader::kRequired);
      if (label && !IsHazardClass(*label)) cr.Fail("label", T("logistics.label.unknown", {{"label", *label}}));
      if (cap && (*cap < 0 || *cap > 10000)) cr.Fail("cap", T("logistics.settings.range", {{"min", 0}, {"max", 10000}}));
      if (auto st = cr.Finish(); !st.ok()) {
        r.Fail(st.error());
      } else {
        out.push_back({{"label", *label}, {"cap", *cap}});
      }
    }
    merged["class_caps"] = out;
  }
  if (auto url = r.String("call_webhook_url", JsonReader::kOptional, 500)) {
    if (!url->empty()) {
      if (auto t = CheckOutboundUrl(*url, src.webhook_policy, "call_webhook_url"); !t.ok()) r.Fail(t.error());
    }
    merged["call_webhook_url"] = *url;
  }
  PARK_TRY(r.Finish());
  const Settings after = SettingsFrom(merged);
  const Json stored = SettingsJson(after, true);
  PARK_TRY(tx.Exec("UPDATE logistics_settings SET body = $1, updated_at = $2 WHERE id = 1",
                   {stored.dump(), src.clock.NowMs()}));
  Json audit_after = stored, audit_before = SettingsJson(before, true);
  audit_after["call_webhook_url"] = MaskUrlSecrets(after.call_webhook_url);
  audit_before["call_webhook_url"] = MaskUrlSecrets(before.call_webhook_url);
  PARK_TRY(store::AppendAudit(tx, src.clock, who, {"update", "logistics_settings", 1, std::nullopt, audit_before,
                                                   audit_after}));
  return Status::Ok();
}

// ---- goods ------------------------------------------------------------------------------------------------

Result<std::shared_ptr<const GoodsTable>> Service::Impl::Goods(store::Tx& tx) {
  {
    std::lock_guard lock(goods_mutex);
    if (goods) return goods;
  }
  auto table = std::make_shared<GoodsTable>(GoodsTable::Default());
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      "SELECT un_number, name_en, name_zh, labels, packing_group FROM logistics_goods ORDER BY un_number"));
  for (const auto& r : rows) {
    logistics::Goods g;
    g.un_number = r.Text(0);
    g.name_en = r.Text(1);
    g.name_zh = r.Text(2);
    const Json labels = Json::parse(r.Text(3), nullptr, false);
    if (labels.is_array()) {
      for (const auto& l : labels) {
        if (l.is_string()) g.labels.push_back(l.get<std::string>());
      }
    }
    g.packing_group = r.Text(4);
    g.status = "park";
    if (auto st = table->Add(std::move(g)); !st.ok()) spdlog::warn("logistics: park goods row {} skipped", r.Text(0));
  }
  std::lock_guard lock(goods_mutex);
  goods = table;
  return goods;
}

void Service::Impl::ForgetGoods() {
  std::lock_guard lock(goods_mutex);
  goods.reset();
}

// ---- the common parts -------------------------------------------------------------------------------------

Principal Service::Impl::System() const {
  Principal p;
  p.name = "logistics";
  p.role = Role::kParkAdmin;
  return p;
}

void Service::Impl::Publish(const std::vector<Event>& events) {
  for (const auto& e : events) {
    if (!e.webhook_url.empty()) {
      if (!src.webhook) continue;
      // DingTalk's and WeCom's robots (and the park's SMS gateway) take a text message of this shape.
      const Json body = {{"msgtype", "text"}, {"text", {{"content", e.webhook_text}}}};
      if (auto sent = src.webhook(e.webhook_url, body.dump()); !sent.ok()) {
        spdlog::warn("logistics: call webhook to {} failed: {}", MaskUrlSecrets(e.webhook_url), sent.error().message);
      }
      continue;
    }
    if (!src.hub) continue;
    if (e.user_id > 0) {
      src.hub->PublishToUser(e.user_id, e.type, e.payload, e.readers);
    } else {
      src.hub->Publish(e.type, e.payload, e.enterprise_id, e.readers);
    }
  }
}

Result<std::vector<Dock>> Service::Impl::LoadDocks(store::Tx& tx, std::map<int64_t, std::string>* names) {
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      "SELECT d.facility_id, d.enterprise_id, d.open_minute, d.close_minute, d.slot_minutes, d.parallel_capacity, "
      "d.labels, d.loading_minutes, d.unloading_minutes, d.requires_approval, f.name FROM logistics_docks d "
      "JOIN facilities f ON f.id = d.facility_id ORDER BY d.facility_id"));
  std::vector<Dock> docks;
  for (const auto& r : rows) {
    Dock d;
    d.id = std::to_string(r.Int(0));
    d.enterprise_id = std::to_string(r.Int(1));
    d.open_minute = static_cast<int>(r.Int(2));
    d.close_minute = static_cast<int>(r.Int(3));
    d.slot_minutes = static_cast<int>(r.Int(4));
    d.parallel_capacity = static_cast<int>(r.Int(5));
    const Json labels = Json::parse(r.Text(6), nullptr, false);
    if (labels.is_array()) {
      for (const auto& l : labels) {
        if (l.is_string()) d.allowed_labels.push_back(l.get<std::string>());
      }
    }
    d.loading_minutes = static_cast<int>(r.Int(7));
    d.unloading_minutes = static_cast<int>(r.Int(8));
    d.requires_approval = r.Int(9) != 0;
    d.name = r.Text(10);
    if (names) (*names)[r.Int(0)] = d.name;
    docks.push_back(std::move(d));
  }
  return docks;
}

Result<int64_t> Service::Impl::DriverOf(store::Tx& tx, const Principal& who) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "SELECT id FROM logistics_people WHERE user_id = $1 AND kind = 'driver'", {who.user_id}));
  if (!row) return Error::Coded(ErrorCode::kFailedPrecondition, T("logistics.person.not_linked"), "driver_id");
  return row->Int(0);
}

Result<std::string> Service::Impl::Scope(store::Tx& tx, const Principal* who, store::Params& params) {
  if (!who) return std::string();
  if (who->role == Role::kDriver) {
    auto id = DriverOf(tx, *who);
    params.push_back(id.ok() ? *id : int64_t{-1});  // a driver user without a record sees nothing
    return fmt::format(" AND b.driver_id = ${}", params.size());
  }
  if (who->enterprise_id) {
    params.push_back(*who->enterprise_id);
    return fmt::format(" AND b.enterprise_id = ${}", params.size());
  }
  return std::string();
}

Result<std::optional<store::Row>> Service::Impl::VisibleBooking(store::Tx& tx, const Principal* who, int64_t id) {
  store::Params params = {id};
  PARK_ASSIGN_OR_RETURN(std::string scope, Scope(tx, who, params));
  return tx.QueryOne(kBookingSelect + " WHERE b.id = $1" + scope, params);
}

namespace {

int64_t DayOrZero(const std::string& text) {
  auto d = ParseDay(text, "date");
  return d.ok() ? *d : 0;
}

}  // namespace

void AddVehicleDocuments(const store::Row& r, size_t first, std::vector<Document>& docs, bool* tank) {
  docs.push_back({DocumentKind::kRoadTransportPermit, r.Text(first + 1), std::nullopt, DayOrZero(r.Text(first + 2))});
  const bool is_tank = r.Int(first) != 0;
  if (is_tank && !r.IsNull(first + 4)) {
    docs.push_back({DocumentKind::kTankInspection, r.Text(first + 3), std::nullopt, DayOrZero(r.Text(first + 4))});
  }
  if (tank) *tank = is_tank;
}

void AddPersonDocument(const store::Row& r, size_t first, DocumentKind kind, std::vector<Document>& docs) {
  docs.push_back({kind, r.Text(first), std::nullopt, DayOrZero(r.Text(first + 1))});
}

Result<std::vector<Document>> Service::Impl::DocumentsOf(store::Tx& tx, int64_t vehicle_id, int64_t driver_id,
                                                         std::optional<int64_t> escort_id, bool* tank) {
  std::vector<Document> docs;
  // One statement for the vehicle's and the people's documents (the gate reads them on every check-in); each part
  // may be missing, so everything hangs off a one-row select.
  PARK_ASSIGN_OR_RETURN(auto r, tx.QueryOne(
      "SELECT v.id, " + std::string(kVehicleDocumentCols) + ", d.id, d.qualification_no, d.qualification_expires, "
      "e.id, e.qualification_no, e.qualification_expires FROM (SELECT 1 AS one) o "
      "LEFT JOIN logistics_vehicles v ON v.id = $1 LEFT JOIN logistics_people d ON d.id = $2 "
      "LEFT JOIN logistics_people e ON e.id = $3",
      {vehicle_id, driver_id, store::OrNull(escort_id)}));
  if (!r) return docs;
  if (!r->IsNull(0)) AddVehicleDocuments(*r, 1, docs, tank);
  if (!r->IsNull(6)) AddPersonDocument(*r, 7, DocumentKind::kDriverQualification, docs);
  if (escort_id && !r->IsNull(9)) AddPersonDocument(*r, 10, DocumentKind::kEscortQualification, docs);
  return docs;
}

// ---- records ----------------------------------------------------------------------------------------------

Result<Json> Service::Impl::CreateRecord(store::Tx& tx, const Principal* who, const std::string& what,
                                         const Json& body) {
  JsonReader r(body);
  const int64_t now = src.clock.NowMs();
  int64_t id = 0;
  Json out;
  if (what == "carrier") {
    auto name = r.String("name", JsonReader::kRequired, 200);
    auto licence = r.String("licence_no", JsonReader::kOptional, 64);
    auto phone = r.String("phone", JsonReader::kOptional, 32);
    PARK_TRY(r.Finish());
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO logistics_carriers (name, licence_no, phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) "
        "RETURNING id", {*name, licence.value_or(""), phone.value_or(""), now}));
    id = row->Int(0);
    PARK_ASSIGN_OR_RETURN(auto c, tx.QueryOne(fmt::format("SELECT {} FROM logistics_carriers WHERE id = $1", kCarrierCols), {id}));
    out = CarrierJson(*c);
  } else if (what == "vehicle") {
    auto plate_text = r.String("plate", JsonReader::kRequired, 32);
    std::optional<Plate> plate;
    if (plate_text) {
      auto p = ParsePlate(*plate_text, "plate");
      if (p.ok()) {
        plate = *p;
      } else {
        r.Fail(p.error());
      }
    }
    auto carrier = r.Integer("carrier_id", JsonReader::kRequired);
    auto tank = r.Bool("tank", JsonReader::kOptional);
    auto permit_no = r.String("permit_no", JsonReader::kRequired, 64);
    auto permit_expires = DateField(r, "permit_expires", JsonReader::kRequired);
    auto tank_no = r.String("tank_cert_no", JsonReader::kOptional, 64);
    auto tank_expires = DateField(r, "tank_cert_expires", JsonReader::kOptional);
    PARK_TRY(r.Finish());
    PARK_TRY(Exists(tx, "logistics_carriers", *carrier, "carrier_id"));
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO logistics_vehicles (plate, carrier_id, tank, permit_no, permit_expires, tank_cert_no, "
        "tank_cert_expires, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        {plate->text, *carrier, int64_t{tank.value_or(true) ? 1 : 0}, *permit_no, *permit_expires,
         tank_no.value_or(""), store::OrNull(tank_expires), now}));
    id = row->Int(0);
  } else if (what == "person") {
    auto kind = r.String("kind", JsonReader::kRequired, 10);
    if (kind && *kind != "driver" && *kind != "escort") r.Fail("kind", T("logistics.person.kind"));
    auto name = r.String("name", JsonReader::kRequired, 100);
    auto carrier = r.Integer("carrier_id", JsonReader::kRequired);
    auto qual_no = r.String("qualification_no", JsonReader::kRequired, 64);
    auto qual_expires = DateField(r, "qualification_expires", JsonReader::kRequired);
    auto user = r.Integer("user_id", JsonReader::kOptional);
    auto phone = r.String("phone", JsonReader::kOptional, 32);
    PARK_TRY(r.Finish());
    PARK_TRY(Exists(tx, "logistics_carriers", *carrier, "carrier_id"));
    if (user) {
      PARK_ASSIGN_OR_RETURN(auto u, tx.QueryOne("SELECT role FROM users WHERE id = $1", {*user}));
      if (!u) return Error::Invalid("user_id", T("field.no_such_record"));
      if (u->Text(0) != "driver" || *kind != "driver") return Error::Invalid("user_id", T("logistics.person.user_role"));
    }
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO logistics_people (kind, name, carrier_id, qualification_no, qualification_expires, user_id, phone, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        {*kind, *name, *carrier, *qual_no, *qual_expires, store::OrNull(user), phone.value_or(""), now}));
    id = row->Int(0);
    PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne(fmt::format("SELECT {} FROM logistics_people WHERE id = $1", kPersonCols), {id}));
    out = PersonJson(*p);
  } else if (what == "zone") {
    auto name = r.String("name", JsonReader::kRequired, 64);
    auto capacity = r.Integer("capacity", JsonReader::kRequired);
    if (capacity && (*capacity < 1 || *capacity > 1000)) {
      r.Fail("capacity", T("logistics.settings.range", {{"min", 1}, {"max", 1000}}));
    }
    PARK_TRY(r.Finish());
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO logistics_zones (name, capacity, created_at) VALUES ($1, $2, $3) RETURNING id",
        {*name, *capacity, now}));
    id = row->Int(0);
    PARK_ASSIGN_OR_RETURN(auto z, tx.QueryOne("SELECT id, name, capacity FROM logistics_zones WHERE id = $1", {id}));
    out = ZoneJson(*z);
  } else if (what == "goods") {
    auto un = r.String("un_number", JsonReader::kRequired, 16);
    auto name_en = r.String("name_en", JsonReader::kRequired, 200);
    auto name_zh = r.String("name_zh", JsonReader::kRequired, 200);
    auto pg = r.String("packing_group", JsonReader::kOptional, 3);
    const Json* labels = r.Array("labels", JsonReader::kRequired);
    PARK_TRY(r.Finish());
    logistics::Goods g;
    g.un_number = *un;
    g.name_en = *name_en;
    g.name_zh = *name_zh;
    g.packing_group = pg.value_or("");
    for (const auto& l : *labels) {
      if (!l.is_string()) return Error::Invalid("labels", T("logistics.label.unknown", {{"label", l.dump()}}));
      g.labels.push_back(l.get<std::string>());
    }
    GoodsTable check;  // the library validates the number and the labels
    PARK_TRY(check.Add(g));
    g = check.all().front();
    PARK_TRY(tx.Exec("DELETE FROM logistics_goods WHERE un_number = $1", {g.un_number}));
    PARK_TRY(tx.Exec("INSERT INTO logistics_goods (un_number, name_en, name_zh, labels, packing_group, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     {g.un_number, g.name_en, g.name_zh, Json(g.labels).dump(), g.packing_group, now}));
    g.status = "park";
    out = GoodsJson(g);
    PARK_TRY(store::AppendAudit(tx, src.clock, who, {"create", "logistics_goods", std::nullopt, std::nullopt, nullptr, out}));
    return out;
  } else {
    return Error::Internal("unknown logistics record " + what);
  }
  if (what == "vehicle") {
    PARK_ASSIGN_OR_RETURN(auto v, tx.QueryOne(fmt::format(
        "SELECT {} FROM logistics_vehicles v JOIN logistics_carriers c ON c.id = v.carrier_id WHERE v.id = $1",
        kVehicleCols), {id}));
    out = VehicleJson(*v);
  }
  PARK_TRY(store::AppendAudit(tx, src.clock, who, {"create", "logistics_" + what, id, std::nullopt, nullptr, out}));
  return out;
}

Result<Json> Service::Impl::PatchRecord(store::Tx& tx, const Principal* who, const std::string& what, int64_t id,
                                        const Json& body) {
  JsonReader r(body);
  std::vector<std::pair<std::string, store::Value>> sets;
  auto text = [&](const char* key, size_t max) {
    if (auto v = r.String(key, JsonReader::kOptional, max)) sets.emplace_back(key, *v);
  };
  auto date = [&](const char* key) {
    if (auto v = DateField(r, key, JsonReader::kOptional)) sets.emplace_back(key, *v);
  };
  std::string table, cols, from;
  if (what == "carrier") {
    table = "logistics_carriers";
    text("name", 200);
    text("licence_no", 64);
    text("phone", 32);
  } else if (what == "vehicle") {
    table = "logistics_vehicles";
    if (auto c = r.Integer("carrier_id", JsonReader::kOptional)) sets.emplace_back("carrier_id", *c);
    if (auto t = r.Bool("tank", JsonReader::kOptional)) sets.emplace_back("tank", int64_t{*t ? 1 : 0});
    text("permit_no", 64);
    date("permit_expires");
    text("tank_cert_no", 64);
    date("tank_cert_expires");
    r.ReadOnly("plate");
  } else if (what == "person") {
    table = "logistics_people";
    text("name", 100);
    text("qualification_no", 64);
    date("qualification_expires");
    text("phone", 32);
    r.ReadOnly("kind");
    r.ReadOnly("user_id");
  } else if (what == "zone") {
    table = "logistics_zones";
    text("name", 64);
    if (auto c = r.Integer("capacity", JsonReader::kOptional)) {
      if (*c < 1 || *c > 1000) {
        r.Fail("capacity", T("logistics.settings.range", {{"min", 1}, {"max", 1000}}));
      } else {
        sets.emplace_back("capacity", *c);
      }
    }
  }
  PARK_TRY(r.Finish());
  PARK_ASSIGN_OR_RETURN(auto exists, tx.QueryOne(fmt::format("SELECT id FROM {} WHERE id = $1", table), {id}));
  if (!exists) return Error::NotFound(T("logistics.record.not_found", {{"id", std::to_string(id)}}));
  for (const auto& [k, v] : sets) {
    if (k == "carrier_id") PARK_TRY(Exists(tx, "logistics_carriers", std::get<int64_t>(v), "carrier_id"));
    PARK_TRY(tx.Exec(fmt::format("UPDATE {} SET {} = $1 WHERE id = $2", table, k), {v, id}));
  }
  if (what != "zone") PARK_TRY(tx.Exec(fmt::format("UPDATE {} SET updated_at = $1 WHERE id = $2", table), {src.clock.NowMs(), id}));
  Json out;
  if (what == "carrier") {
    PARK_ASSIGN_OR_RETURN(auto c, tx.QueryOne(fmt::format("SELECT {} FROM logistics_carriers WHERE id = $1", kCarrierCols), {id}));
    out = CarrierJson(*c);
  } else if (what == "vehicle") {
    PARK_ASSIGN_OR_RETURN(auto v, tx.QueryOne(fmt::format(
        "SELECT {} FROM logistics_vehicles v JOIN logistics_carriers c ON c.id = v.carrier_id WHERE v.id = $1",
        kVehicleCols), {id}));
    out = VehicleJson(*v);
  } else if (what == "person") {
    PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne(fmt::format("SELECT {} FROM logistics_people WHERE id = $1", kPersonCols), {id}));
    out = PersonJson(*p);
  } else {
    PARK_ASSIGN_OR_RETURN(auto z, tx.QueryOne("SELECT id, name, capacity FROM logistics_zones WHERE id = $1", {id}));
    out = ZoneJson(*z);
  }
  PARK_TRY(store::AppendAudit(tx, src.clock, who, {"update", "logistics_" + what, id, std::nullopt, nullptr, out}));
  return out;
}

Status Service::Impl::SaveDock(store::Tx& tx, const Principal* who, int64_t facility_id, const Json& body) {
  PARK_ASSIGN_OR_RETURN(auto f, tx.QueryOne("SELECT enterprise_id, kind FROM facilities WHERE id = $1", {facility_id}));
  if (!f || f->Text(1) != "loading_dock" || (who && !who->CanSeeEnterprise(f->Int(0)))) {
    return Error::NotFound(T("logistics.dock.unknown", {{"dock", std::to_string(facility_id)}}));
  }
  JsonReader r(body);
  auto open = r.String("open", JsonReader::kRequired, 5);
  auto close = r.String("close", JsonReader::kRequired, 5);
  auto slot = r.Integer("slot_minutes", JsonReader::kRequired);
  auto capacity = r.Integer("parallel_capacity", JsonReader::kRequired);
  const Json* labels = r.Array("labels", JsonReader::kRequired);
  auto loading = r.Integer("loading_minutes", JsonReader::kRequired);
  auto unloading = r.Integer("unloading_minutes", JsonReader::kRequired);
  auto approval = r.Bool("requires_approval", JsonReader::kOptional);
  std::optional<int> open_min, close_min;
  if (open) {
    if (auto m = ParseHourMinute(*open, "open"); m.ok()) open_min = *m; else r.Fail(m.error());
  }
  if (close) {
    if (auto m = ParseHourMinute(*close, "close"); m.ok()) close_min = *m; else r.Fail(m.error());
  }
  if (open_min && close_min && *close_min <= *open_min) r.Fail("close", T("logistics.dock.hours"));
  auto range = [&](const char* key, std::optional<int64_t> v, int64_t lo, int64_t hi) {
    if (v && (*v < lo || *v > hi)) r.Fail(key, T("logistics.settings.range", {{"min", lo}, {"max", hi}}));
  };
  range("slot_minutes", slot, 5, 24 * 60);
  range("parallel_capacity", capacity, 1, 100);
  range("loading_minutes", loading, 5, 24 * 60);
  range("unloading_minutes", unloading, 5, 24 * 60);
  std::vector<std::string> allowed;
  if (labels) {
    for (const auto& l : *labels) {
      if (!l.is_string() || !IsHazardClass(l.get<std::string>())) {
        r.Fail("labels", T("logistics.label.unknown", {{"label", l.is_string() ? l.get<std::string>() : l.dump()}}));
        break;
      }
      allowed.push_back(l.get<std::string>());
    }
    if (allowed.empty() && r.ok()) r.Fail("labels", T("logistics.label.missing"));
  }
  PARK_TRY(r.Finish());
  const int64_t now = src.clock.NowMs();
  PARK_ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT facility_id FROM logistics_docks WHERE facility_id = $1", {facility_id}));
  const store::Params values = {facility_id, f->Int(0), int64_t{*open_min}, int64_t{*close_min}, *slot, *capacity,
                                Json(allowed).dump(), *loading, *unloading, int64_t{approval.value_or(false) ? 1 : 0}, now};
  if (existing) {
    PARK_TRY(tx.Exec("UPDATE logistics_docks SET enterprise_id = $2, open_minute = $3, close_minute = $4, "
                     "slot_minutes = $5, parallel_capacity = $6, labels = $7, loading_minutes = $8, "
                     "unloading_minutes = $9, requires_approval = $10, updated_at = $11 WHERE facility_id = $1", values));
  } else {
    PARK_TRY(tx.Exec("INSERT INTO logistics_docks (facility_id, enterprise_id, open_minute, close_minute, slot_minutes, "
                     "parallel_capacity, labels, loading_minutes, unloading_minutes, requires_approval, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)", values));
  }
  Json after = body;
  PARK_TRY(store::AppendAudit(tx, src.clock, who, {"update", "logistics_dock", facility_id, f->Int(0), nullptr, after}));
  return Status::Ok();
}

// ---- routes ------------------------------------------------------------------------------------------------

void Service::Impl::RegisterRecords(http::Router& router) {
  Impl* s = this;
  const Json carrier = Obj({{"id", Int()}, {"name", Str()}, {"licence_no", Str()}, {"phone", Str()}});
  const Json vehicle = Obj({{"id", Int()}, {"plate", Str()}, {"carrier_id", Int()}, {"carrier_name", Str()},
                            {"tank", Bool()}, {"permit_no", Str()}, {"permit_expires", Str()}, {"tank_cert_no", Str()},
                            {"tank_cert_expires", Str()}});
  const Json person = Obj({{"id", Int()}, {"kind", Str()}, {"name", Str()}, {"carrier_id", Int()},
                           {"qualification_no", Str()}, {"qualification_expires", Str()}, {"user_id", Int()},
                           {"phone", Str()}});
  const Json zone = Obj({{"id", Int()}, {"name", Str()}, {"capacity", Int()}});
  const Json goods = Obj({{"un_number", Str()}, {"name_en", Str()}, {"name_zh", Str()}, {"labels", Arr(Str())},
                          {"packing_group", Str()}, {"status", Str()}});
  const Json dock = Obj({{"id", Int()}, {"name", Str()}, {"enterprise_id", Int()}, {"enterprise_name", Str()},
                         {"configured", Bool()}, {"open", Str()}, {"close", Str()}, {"slot_minutes", Int()},
                         {"parallel_capacity", Int()}, {"labels", Arr(Str())}, {"loading_minutes", Int()},
                         {"unloading_minutes", Int()}, {"requires_approval", Bool()}});

  struct Kind {
    const char* what;
    const char* path;
    const char* noun;
    std::vector<Role> create_roles;
    Json schema;
    Json create_body;
    std::vector<std::string> required;
  };
  const std::vector<Kind> kinds = {
      {"carrier", "carriers", "a carrier (transport company)", kStaff, carrier,
       Obj({{"name", Str()}, {"licence_no", Str()}, {"phone", Str()}}), {"name"}},
      {"vehicle", "vehicles",
       "a vehicle: plate (checked as a Chinese plate), carrier, tank or not, road transport permit and tank inspection "
       "certificate with their expiry dates",
       kStaff, vehicle,
       Obj({{"plate", Str()}, {"carrier_id", Int()}, {"tank", Bool()}, {"permit_no", Str()}, {"permit_expires", Str()},
            {"tank_cert_no", Str()}, {"tank_cert_expires", Str()}}),
       {"plate", "carrier_id", "permit_no", "permit_expires"}},
      {"person", "people",
       "a driver or escort with the qualification certificate and its expiry; a driver may be linked to a user of role "
       "driver, who then sees its own bookings",
       kStaff, person,
       Obj({{"kind", Str()}, {"name", Str()}, {"carrier_id", Int()}, {"qualification_no", Str()},
            {"qualification_expires", Str()}, {"user_id", Int()}, {"phone", Str()}}),
       {"kind", "name", "carrier_id", "qualification_no", "qualification_expires"}},
      {"zone", "zones", "a zone of the waiting lot with its places", kAdmin, zone,
       Obj({{"name", Str()}, {"capacity", Int()}}), {"name", "capacity"}},
  };
  for (const auto& k : kinds) {
    const std::string what = k.what;
    const std::string base = std::string("/api/v1/logistics/") + k.path;
    {
      http::Route r;
      r.method = http::Method::kPost;
      r.pattern = base;
      r.roles = k.create_roles;
      r.doc = Doc(std::string("Record ") + k.noun, Obj(k.create_body["properties"], k.required), k.schema, 201);
      r.handler = [s, what](const http::Request& req) {
        return WriteRoute(*s, req, 201, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>&) -> Status {
          PARK_ASSIGN_OR_RETURN(out, s->CreateRecord(tx, &req.Who(), what, body));
          return Status::Ok();
        });
      };
      router.Add(std::move(r));
    }
    {
      http::Route r;
      r.method = http::Method::kPatch;
      r.pattern = base + "/{id}";
      r.roles = k.create_roles;
      r.doc = Doc(std::string("Change ") + k.noun + " (the fields given)", k.create_body, k.schema);
      r.handler = [s, what](const http::Request& req) {
        auto id = req.IdParam();
        if (!id.ok()) return Fail(id.error());
        return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>&) -> Status {
          PARK_ASSIGN_OR_RETURN(out, s->PatchRecord(tx, &req.Who(), what, *id, body));
          return Status::Ok();
        });
      };
      router.Add(std::move(r));
    }
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/carriers";
    r.roles = kEveryone;
    r.doc = Doc("Carriers", nullptr, ListOf(carrier));
    r.handler = [s](const http::Request&) {
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format("SELECT {} FROM logistics_carriers ORDER BY id", kCarrierCols)));
        for (const auto& c : rows) items.push_back(CarrierJson(c));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/vehicles";
    r.roles = kEveryone;
    r.doc = Doc("Vehicles with their documents and any blacklisting; a driver sees the vehicles of its carrier", nullptr,
                ListOf(vehicle));
    r.handler = [s](const http::Request& req) {
      Json items = Json::array();
      const int64_t now = s->src.clock.NowMs();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        std::string where;
        store::Params params;
        if (req.Who().role == Role::kDriver) {
          PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT carrier_id FROM logistics_people WHERE user_id = $1", {req.Who().user_id}));
          params.push_back(p ? p->Int(0) : int64_t{-1});
          where = " WHERE v.carrier_id = $1";
        }
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
            "SELECT {} FROM logistics_vehicles v JOIN logistics_carriers c ON c.id = v.carrier_id{} ORDER BY v.id",
            kVehicleCols, where), params));
        PARK_ASSIGN_OR_RETURN(auto black, tx.Query(
            "SELECT subject_id, until_at FROM logistics_blacklist WHERE subject = 'plate' AND until_at > $1", {now}));
        for (const auto& v : rows) {
          Json j = VehicleJson(v);
          j["blacklisted_until"] = nullptr;
          for (const auto& b : black) {
            if (b.Text(0) == v.Text(1)) j["blacklisted_until"] = b.Int(1);
          }
          items.push_back(std::move(j));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/people";
    r.roles = kEveryone;
    r.doc = Doc("Drivers and escorts with their qualification; a driver sees the drivers and escorts of its own carrier "
                "(to pick its escort when booking): of the others only what a booking needs (id, kind, name, carrier, "
                "qualification number and expiry), no phone and no user; all of its own record",
                nullptr, ListOf(person));
    r.doc.query = {{"kind", "string", "driver or escort"}};
    r.handler = [s](const http::Request& req) {
      Json items = Json::array();
      const std::string kind(req.Query("kind").value_or(""));
      const bool driver = req.Who().role == Role::kDriver;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        store::Params params;
        std::string where = " WHERE 1 = 1";
        if (driver) {
          // The carrier of the driver's own record; a driver user with no record sees nobody.
          PARK_ASSIGN_OR_RETURN(auto own, tx.QueryOne(
              "SELECT carrier_id FROM logistics_people WHERE user_id = $1", {req.Who().user_id}));
          params.push_back(own ? own->Int(0) : int64_t{-1});
          where += " AND carrier_id = $1";
        }
        if (!kind.empty()) {
          params.push_back(kind);
          where += fmt::format(" AND kind = ${}", params.size());
        }
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format("SELECT {} FROM logistics_people{} ORDER BY id", kPersonCols, where), params));
        for (const auto& p : rows) {
          Json j = PersonJson(p);
          if (driver && (p.IsNull(6) || p.Int(6) != req.Who().user_id)) {
            j.erase("phone");
            j.erase("user_id");
          }
          items.push_back(std::move(j));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/zones";
    r.roles = kLotReaders;
    r.doc = Doc("The waiting lot's zones", nullptr, ListOf(zone));
    r.handler = [s](const http::Request&) {
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, name, capacity FROM logistics_zones ORDER BY id"));
        for (const auto& z : rows) items.push_back(ZoneJson(z));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/goods";
    r.roles = kEveryone;
    r.doc = Doc("Dangerous goods by UN number (the shipped table and the park's own rows) and the hazard classes",
                nullptr, Obj({{"items", Arr(goods)}, {"classes", Arr(Obj())}}));
    r.handler = [s](const http::Request&) {
      Json items = Json::array(), classes = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto table, s->Goods(tx));
        for (const auto& g : table->all()) items.push_back(GoodsJson(g));
        return Status::Ok();
      });
      for (const auto& c : HazardClasses()) {
        classes.push_back({{"class", c.klass}, {"division", c.division}, {"name_en", c.name_en}, {"name_zh", c.name_zh}});
      }
      return st.ok() ? Response::FromJson({{"items", items}, {"classes", classes}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/goods";
    r.roles = kAdmin;
    r.doc = Doc("Add (or replace) one of the park's own goods rows: a UN number with its danger labels",
                Obj({{"un_number", Str()}, {"name_en", Str()}, {"name_zh", Str()}, {"labels", Arr(Str())},
                     {"packing_group", Str()}}, {"un_number", "name_en", "name_zh", "labels"}),
                goods, 201);
    r.handler = [s](const http::Request& req) {
      auto resp = WriteRoute(*s, req, 201, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>&) -> Status {
        PARK_ASSIGN_OR_RETURN(out, s->CreateRecord(tx, &req.Who(), "goods", body));
        return Status::Ok();
      });
      s->ForgetGoods();
      return resp;
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/settings";
    r.roles = kEveryone;
    r.doc = Doc("The park's rules: lead time, next-day cutoff, caps per class and in the park, overstay, grace "
                "periods, blacklisting (the call webhook only for park staff)",
                nullptr, kSettingsSchema);
    r.handler = [s](const http::Request& req) {
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto settings, s->LoadSettings(tx));
        out = SettingsJson(settings, req.Who().IsPark());
        if (req.Who().IsPark()) out["call_webhook_url"] = MaskUrlSecrets(settings.call_webhook_url);
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPut;
    r.pattern = "/api/v1/logistics/settings";
    r.roles = kAdmin;
    r.doc = Doc("Change the park's rules (the fields given)", kSettingsSchema, kSettingsSchema);
    r.handler = [s](const http::Request& req) {
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>&) -> Status {
        PARK_TRY(s->SaveSettings(tx, &req.Who(), body));
        PARK_ASSIGN_OR_RETURN(auto settings, s->LoadSettings(tx));
        out = SettingsJson(settings, true);
        out["call_webhook_url"] = MaskUrlSecrets(settings.call_webhook_url);
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/docks";
    r.roles = kEveryone;
    r.doc = Doc("Loading docks (registry facilities of kind loading_dock) with their hours, capacity, accepted labels "
                "and service times; an enterprise user sees its own",
                nullptr, ListOf(dock));
    r.handler = [s](const http::Request& req) {
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto docks, s->LoadDocks(tx));
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
            "SELECT f.id, f.name, f.enterprise_id, e.name FROM facilities f JOIN enterprises e ON e.id = f.enterprise_id "
            "WHERE f.kind = 'loading_dock' ORDER BY f.id"));
        for (const auto& f : rows) {
          if (!req.Who().CanSeeEnterprise(f.Int(2))) continue;
          const auto it = std::find_if(docks.begin(), docks.end(),
                                       [&](const Dock& d) { return d.id == std::to_string(f.Int(0)); });
          items.push_back(DockJson(it == docks.end() ? nullptr : &*it, f));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPut;
    r.pattern = "/api/v1/logistics/docks/{id}";
    r.roles = {Role::kParkAdmin, Role::kEnterpriseUser};
    r.doc = Doc("Configure a loading dock: opening hours (HH:MM), slot length, vehicles served at once, hazard "
                "classes or divisions accepted, service minutes per operation and whether bookings need approval",
                Obj({{"open", Str()}, {"close", Str()}, {"slot_minutes", Int()}, {"parallel_capacity", Int()},
                     {"labels", Arr(Str())}, {"loading_minutes", Int()}, {"unloading_minutes", Int()},
                     {"requires_approval", Bool()}},
                    {"open", "close", "slot_minutes", "parallel_capacity", "labels", "loading_minutes",
                     "unloading_minutes"}),
                dock);
    r.handler = [s](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>&) -> Status {
        PARK_TRY(s->SaveDock(tx, &req.Who(), *id, body));
        PARK_ASSIGN_OR_RETURN(auto docks, s->LoadDocks(tx));
        PARK_ASSIGN_OR_RETURN(auto f, tx.QueryOne(
            "SELECT f.id, f.name, f.enterprise_id, e.name FROM facilities f JOIN enterprises e ON e.id = f.enterprise_id "
            "WHERE f.id = $1", {*id}));
        const auto it = std::find_if(docks.begin(), docks.end(), [&](const Dock& d) { return d.id == std::to_string(*id); });
        out = DockJson(it == docks.end() ? nullptr : &*it, *f);
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
}

// ---- the service ----------------------------------------------------------------------------------------

Service::Service(ServiceSources sources) : impl_(std::make_unique<Impl>(std::move(sources))) {}
Service::~Service() { Stop(); }

void Service::Register(http::Router& router) {
  impl_->RegisterRecords(router);
  impl_->RegisterBookings(router);
  impl_->RegisterWatch(router);
}

void Service::Impl::Loop() {
  std::unique_lock lock(mutex);
  while (!stopping) {
    cv.wait_for(lock, std::chrono::milliseconds(src.job_interval_ms), [&] { return stopping; });
    if (stopping) break;
    lock.unlock();
    try {
      if (auto st = RunJob(src.clock.NowMs()); !st.ok()) spdlog::warn("logistics: job: {}", st.error().message);
    } catch (const std::exception& e) {
      spdlog::error("logistics: job: {}", e.what());
    }
    lock.lock();
  }
}

void Service::Start() {
  if (impl_->worker.joinable()) return;
  impl_->stopping = false;
  impl_->worker = std::thread([s = impl_.get()] { s->Loop(); });
}

void Service::Stop() {
  if (!impl_->worker.joinable()) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->worker.join();
}

Status Service::RunOnce() { return impl_->RunJob(impl_->src.clock.NowMs()); }

Result<Json> Service::Book(const Principal* who, const Json& body, int64_t now_ms) {
  Json out;
  std::vector<Event> events;
  PARK_TRY(impl_->src.store.Write([&](store::Tx& tx) -> Status {
    events.clear();
    PARK_ASSIGN_OR_RETURN(out, impl_->Book(tx, who, body, now_ms, false, events));
    return Status::Ok();
  }));
  impl_->Publish(events);
  return out;
}

Result<Json> Service::GateEvent(const Principal* who, const Json& body, int64_t now_ms) {
  Json out;
  std::vector<Event> events;
  PARK_TRY(impl_->src.store.Write([&](store::Tx& tx) -> Status {
    events.clear();
    PARK_ASSIGN_OR_RETURN(out, impl_->Gate(tx, who, body, now_ms, events));
    return Status::Ok();
  }));
  impl_->Publish(events);
  return out;
}

Result<Json> Service::DockStart(const Principal* who, int64_t booking_id, int64_t now_ms) {
  Json out;
  std::vector<Event> events;
  PARK_TRY(impl_->src.store.Write([&](store::Tx& tx) -> Status {
    events.clear();
    PARK_ASSIGN_OR_RETURN(out, impl_->DockStep(tx, who, booking_id, true, now_ms, events));
    return Status::Ok();
  }));
  impl_->Publish(events);
  return out;
}

Result<Json> Service::DockFinish(const Principal* who, int64_t booking_id, int64_t now_ms) {
  Json out;
  std::vector<Event> events;
  PARK_TRY(impl_->src.store.Write([&](store::Tx& tx) -> Status {
    events.clear();
    PARK_ASSIGN_OR_RETURN(out, impl_->DockStep(tx, who, booking_id, false, now_ms, events));
    return Status::Ok();
  }));
  impl_->Publish(events);
  return out;
}

Result<Json> Service::Create(const Principal* who, const std::string& what, const Json& body) {
  Json out;
  PARK_TRY(impl_->src.store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(out, impl_->CreateRecord(tx, who, what, body));
    return Status::Ok();
  }));
  if (what == "goods") impl_->ForgetGoods();
  return out;
}

Status Service::ConfigureDock(const Principal* who, int64_t facility_id, const Json& body) {
  return impl_->src.store.Write([&](store::Tx& tx) { return impl_->SaveDock(tx, who, facility_id, body); });
}

Status Service::UpdateSettings(const Principal* who, const Json& body) {
  return impl_->src.store.Write([&](store::Tx& tx) { return impl_->SaveSettings(tx, who, body); });
}

std::unique_ptr<Service> Register(http::Router& router, ServiceSources sources) {
  auto service = std::make_unique<Service>(std::move(sources));
  service->Register(router);
  return service;
}

}  // namespace park::logistics
