// Logistics service: bookings through the library's checks and status machine, gate events answered with a
// decision and a waiting-lot zone, the lot and the calling of vehicles to their docks.
#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::logistics {

using http::Response;

const std::string kBookingSelect =
    "SELECT b.id, b.plate, b.vehicle_id, b.carrier_id, b.driver_id, b.escort_id, b.dock_id, b.enterprise_id, "
    "b.operation, b.slot_start, b.slot_end, b.service_end, b.goods, b.labels, b.status, b.reason, b.walk_in, b.zone_id, "
    "b.gate_in_at, b.called_at, b.dock_start_at, b.dock_end_at, b.gate_out_at, b.created_at, c.name, p.name, f.name, "
    "e.name, z.name, p.user_id FROM logistics_bookings b JOIN logistics_carriers c ON c.id = b.carrier_id "
    "JOIN logistics_people p ON p.id = b.driver_id JOIN facilities f ON f.id = b.dock_id "
    "JOIN enterprises e ON e.id = b.enterprise_id LEFT JOIN logistics_zones z ON z.id = b.zone_id";

namespace {

Json OptInt(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Int(i)); }

Json ParsedOr(const std::string& text, Json fallback) {
  if (text.empty()) return fallback;
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

// Vehicles inside the park: the partial index logistics_bookings_inside (migration 0014) serves exactly this
// condition, so reading who is inside stays as cheap with years of history as on the first day.
constexpr std::string_view kInside = "gate_in_at IS NOT NULL AND gate_out_at IS NULL";

constexpr std::string_view kHolding = "('requested', 'scheduled', 'arrived', 'in_progress', 'completed')";

Text Reason(const std::string& code) { return T(code); }

}  // namespace

Json BookingJson(const store::Row& r) {
  using namespace col;
  return {{"id", r.Int(kId)},
          {"plate", r.Text(kPlate)},
          {"vehicle_id", OptInt(r, kVehicle)},
          {"carrier_id", r.Int(kCarrier)},
          {"carrier_name", r.Text(kCarrierName)},
          {"driver_id", r.Int(kDriver)},
          {"driver_name", r.Text(kDriverName)},
          {"escort_id", OptInt(r, kEscort)},
          {"dock_id", r.Int(kDock)},
          {"dock_name", r.Text(kDockName)},
          {"enterprise_id", r.Int(kEnterprise)},
          {"enterprise_name", r.Text(kEnterpriseName)},
          {"operation", r.Text(kOperation)},
          {"slot_start", r.Int(kSlotStart)},
          {"slot_end", r.Int(kSlotEnd)},
          {"service_end", r.Int(kServiceEnd)},
          {"goods", ParsedOr(r.Text(kGoods), Json::array())},
          {"labels", ParsedOr(r.Text(kLabels), Json::array())},
          {"status", r.Text(kStatus)},
          {"reason", ParsedOr(r.Text(kReason), nullptr)},
          {"walk_in", r.Int(kWalkIn) != 0},
          {"zone_id", OptInt(r, kZone)},
          {"zone_name", r.IsNull(kZoneName) ? Json(nullptr) : Json(r.Text(kZoneName))},
          {"gate_in_at", OptInt(r, kGateIn)},
          {"called_at", OptInt(r, kCalled)},
          {"dock_start_at", OptInt(r, kDockStart)},
          {"dock_end_at", OptInt(r, kDockEnd)},
          {"gate_out_at", OptInt(r, kGateOut)},
          {"created_at", r.Int(kCreated)}};
}

std::vector<std::string> LabelsOf(const store::Row& r) {
  std::vector<std::string> out;
  const Json j = ParsedOr(r.Text(col::kLabels), Json::array());
  for (const auto& l : j) {
    if (l.is_string()) out.push_back(l.get<std::string>());
  }
  return out;
}

namespace {

// The events of a booking that changed: the staff, gate and the dock's enterprise, and the driver's own.
void BookingEvents(const store::Row& b, const std::string& what, std::vector<Event>& events) {
  const Json payload = {{"event", what}, {"booking", BookingJson(b)}};
  events.push_back({"logistics.booking", payload, b.Int(col::kEnterprise), kLotReaders});
  if (!b.IsNull(col::kDriverUser)) {
    events.push_back({"logistics.booking", payload, std::nullopt, {Role::kDriver}, b.Int(col::kDriverUser)});
  }
}

}  // namespace

Result<Json> Service::Impl::Book(store::Tx& tx, const Principal* who, const Json& body, int64_t now, bool check_only,
                                 std::vector<Event>& events, bool walk_in) {
  JsonReader r(body);
  auto plate_text = r.String("plate", JsonReader::kRequired, 32);
  auto dock_id = r.Integer("dock_id", JsonReader::kRequired);
  // A walk-in is checked as if booked for the next minute at a dock open round the clock with room for it.
  auto slot = walk_in ? std::optional<int64_t>((now / kMsPerMinute + 1) * kMsPerMinute)
                      : r.Integer("slot_start", JsonReader::kRequired);
  auto op_text = r.String("operation", JsonReader::kRequired, 16);
  const Json* goods_in = r.Array("goods", JsonReader::kRequired);
  auto driver_in = r.Integer("driver_id", JsonReader::kOptional);
  auto escort_in = r.Integer("escort_id", JsonReader::kOptional);
  Operation op = Operation::kLoading;
  if (op_text) {
    if (*op_text == "unloading") {
      op = Operation::kUnloading;
    } else if (*op_text != "loading") {
      r.Fail("operation", T("logistics.operation.unknown", {{"value", *op_text}}));
    }
  }
  std::vector<GoodsLine> lines;
  if (goods_in) {
    for (size_t i = 0; i < goods_in->size(); ++i) {
      const std::string at = "goods[" + std::to_string(i) + "]";
      const Json& item = (*goods_in)[i];
      if (!item.is_object()) {
        r.Fail(FieldError{at, T("field.not_object", {{"actual", std::string(item.type_name())}})});
        continue;
      }
      JsonReader gr(item, at);
      auto un = gr.String("un_number", JsonReader::kRequired, 16);
      auto qty = gr.Number("quantity_kg", JsonReader::kRequired);
      if (auto st = gr.Finish(); !st.ok()) r.Fail(st.error());
      lines.push_back({un.value_or(""), qty.value_or(0)});
    }
  }
  PARK_TRY(r.Finish());

  // Bookings one at a time: SQLite's write transaction already is; on PostgreSQL this row lock is held to commit,
  // so the places counted below are the places taken.
  if (!check_only) PARK_TRY(Lock(tx));
  PARK_ASSIGN_OR_RETURN(Settings settings, LoadSettings(tx));
  PARK_ASSIGN_OR_RETURN(std::vector<Dock> docks, LoadDocks(tx));
  PARK_ASSIGN_OR_RETURN(auto goods, Goods(tx));
  // An enterprise user books only at its own docks; others are as unknown to it.
  if (who && who->enterprise_id) {
    std::erase_if(docks, [&](const Dock& d) { return d.enterprise_id != std::to_string(*who->enterprise_id); });
  }

  std::vector<FieldError> pre;
  // The driver: a driver user books as itself.
  std::optional<int64_t> driver_id = driver_in;
  if (who && who->role == Role::kDriver) {
    PARK_ASSIGN_OR_RETURN(driver_id, DriverOf(tx, *who));
  }
  if (!driver_id) {
    pre.push_back({"driver_id", T("field.required")});
  } else {
    PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT kind FROM logistics_people WHERE id = $1", {*driver_id}));
    if (!p || p->Text(0) != "driver") pre.push_back({"driver_id", T("logistics.person.unknown", {{"kind", TextRef{"logistics.person.kind_name.driver"}}})});
  }
  if (escort_in) {
    PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT kind FROM logistics_people WHERE id = $1", {*escort_in}));
    if (!p || p->Text(0) != "escort") pre.push_back({"escort_id", T("logistics.person.unknown", {{"kind", TextRef{"logistics.person.kind_name.escort"}}})});
  }
  // The vehicle, by its plate.
  std::optional<int64_t> vehicle_id, carrier_id;
  auto plate = ParsePlate(*plate_text, "plate");
  bool vehicle_unknown = false;
  if (plate.ok()) {
    PARK_ASSIGN_OR_RETURN(auto v, tx.QueryOne("SELECT id, carrier_id FROM logistics_vehicles WHERE plate = $1", {plate->text}));
    if (v) {
      vehicle_id = v->Int(0);
      carrier_id = v->Int(1);
    } else {
      vehicle_unknown = true;
      pre.push_back({"plate", T("logistics.vehicle.unknown", {{"plate", plate->text}})});
    }
  }
  BookingRequest req;
  req.plate = *plate_text;
  req.dock_id = std::to_string(*dock_id);
  req.slot_start_ms = *slot;
  req.operation = op;
  req.goods = lines;
  req.driver_id = driver_id ? std::to_string(*driver_id) : "";
  req.escort_id = escort_in ? std::to_string(*escort_in) : "";
  req.carrier_id = carrier_id ? std::to_string(*carrier_id) : "";
  if (vehicle_id) {
    bool tank = false;
    PARK_ASSIGN_OR_RETURN(req.documents.documents, DocumentsOf(tx, *vehicle_id, driver_id.value_or(0), escort_in, &tank));
    req.documents.tank_vehicle = tank;
  }

  const std::vector<Dock> real_docks = docks;
  if (walk_in) {
    for (auto& d : docks) {
      d.open_minute = 0;
      d.close_minute = 24 * 60;
      d.slot_minutes = 1;
      d.parallel_capacity = 1 << 20;
      d.requires_approval = false;
    }
    settings.rules.lead_time_min = 0;
    settings.rules.next_day_cutoff_minute = 24 * 60;
    settings.rules.class_caps.clear();
  }
  Scheduler scheduler(*goods, MixingMatrix::Default(), settings.rules, docks);
  std::vector<BlacklistEntry> black;
  PARK_ASSIGN_OR_RETURN(auto brows, tx.Query(
      "SELECT subject, subject_id, until_at FROM logistics_blacklist WHERE until_at > $1", {now}));
  for (const auto& b : brows) black.push_back({b.Text(0), b.Text(1), b.Int(2)});
  scheduler.SetBlacklist(std::move(black));
  // The places already taken around the slot: the dock's slot and every class cap the slot overlaps.
  PARK_ASSIGN_OR_RETURN(auto taken, tx.Query(fmt::format(
      "SELECT dock_id, slot_start, slot_end, labels FROM logistics_bookings WHERE walk_in = 0 AND status IN {} "
      "AND slot_start < $1 AND slot_end > $2 AND $3 = 0", kHolding), {*slot + kMsPerDay, *slot - kMsPerDay,
                                                                   int64_t{walk_in ? 1 : 0}}));
  for (const auto& t : taken) {
    CheckedBooking c;
    c.dock_id = std::to_string(t.Int(0));
    c.slot_start_ms = t.Int(1);
    c.slot_end_ms = t.Int(2);
    for (const auto& l : ParsedOr(t.Text(3), Json::array())) {
      if (l.is_string()) c.labels.push_back(l.get<std::string>());
    }
    scheduler.Reserve(c);
  }
  auto checked = scheduler.Check(req, now);
  if (!checked.ok() && checked.error().code == ErrorCode::kInvalidArgument) {
    const auto& e = checked.error();
    std::vector<FieldError> all = pre;
    for (const auto& f : e.fields.empty() ? std::vector<FieldError>{{e.field, e.text}} : e.fields) {
      // Without a known vehicle its documents cannot be checked: only say what is known.
      if ((vehicle_unknown || !plate.ok()) && f.field.starts_with("documents.")) continue;
      all.push_back(f);
    }
    return Error::Invalid(std::move(all));
  }
  if (!pre.empty()) return Error::Invalid(std::move(pre));
  if (!checked.ok()) return checked.error();

  const Dock* dock = scheduler.FindDock(req.dock_id);
  if (walk_in) {
    // Stored at its arrival, for the dock's real service time; it holds no slot.
    const auto real = std::find_if(real_docks.begin(), real_docks.end(), [&](const Dock& d) { return d.id == req.dock_id; });
    checked->slot_start_ms = now;
    checked->slot_end_ms = now + real->slot_minutes * kMsPerMinute;
    checked->service_end_ms = now + real->service_minutes(op) * kMsPerMinute;
    checked->status = BookingStatus::kScheduled;
  }
  if (check_only) {
    return Json{{"ok", true}, {"status", StatusName(checked->status)}, {"labels", checked->labels},
                {"slot_end", checked->slot_end_ms}, {"service_end", checked->service_end_ms}};
  }
  Json goods_json = Json::array();
  for (size_t i = 0; i < checked->goods.size(); ++i) {
    const auto* g = checked->goods[i];
    goods_json.push_back({{"un_number", g->un_number}, {"name_en", g->name_en}, {"name_zh", g->name_zh},
                          {"labels", g->labels}, {"quantity_kg", lines[i].quantity_kg}});
  }
  const std::string status(StatusName(checked->status));
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "INSERT INTO logistics_bookings (plate, vehicle_id, carrier_id, driver_id, escort_id, dock_id, enterprise_id, "
      "operation, slot_start, slot_end, service_end, goods, labels, status, created_by, created_at, updated_at, walk_in) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id",
      {checked->plate.text, *vehicle_id, *carrier_id, *driver_id, store::OrNull(escort_in), *dock_id,
       std::stoll(dock->enterprise_id), std::string(OperationName(op)), checked->slot_start_ms, checked->slot_end_ms,
       checked->service_end_ms, goods_json.dump(), Json(checked->labels).dump(), status,
       who ? who->user_id : int64_t{0}, now, int64_t{walk_in ? 1 : 0}}));
  const int64_t id = row->Int(0);
  PARK_TRY(tx.Exec("INSERT INTO logistics_booking_history (booking_id, status, reason, at, by_name) VALUES ($1, $2, '', $3, $4)",
                   {id, status, now, who ? who->name : std::string("system")}));
  PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {id}));
  Json out = BookingJson(*b);
  PARK_TRY(store::AppendAudit(tx, src.clock, who, {"create", "logistics_booking", id, b->Int(col::kEnterprise), nullptr,
                                                   {{"plate", out["plate"]}, {"dock_id", *dock_id},
                                                    {"slot_start", out["slot_start"]}, {"status", status},
                                                    {"goods", goods_json}}}));
  BookingEvents(*b, "created", events);
  return out;
}

Result<store::Row> Service::Impl::Transition(store::Tx& tx, const Principal* who, const store::Row& b,
                                             BookingStatus to, const Text& reason, int64_t now,
                                             const std::string& extra_set, const store::Params& extra,
                                             std::vector<Event>& events) {
  const auto from = ParseStatus(b.Text(col::kStatus)).value_or(BookingStatus::kRequested);
  PARK_TRY(CheckTransition(from, to, reason));
  const std::string reason_json = reason.empty() ? std::string() : TextJson(reason).dump();
  const std::string to_name(StatusName(to));
  const int64_t id = b.Int(col::kId);
  store::Params params = {to_name, reason_json, now, id};
  params.insert(params.end(), extra.begin(), extra.end());
  PARK_TRY(tx.Exec("UPDATE logistics_bookings SET status = $1, reason = $2, updated_at = $3" +
                       (extra_set.empty() ? std::string() : ", " + extra_set) + " WHERE id = $4",
                   params));
  PARK_TRY(tx.Exec("INSERT INTO logistics_booking_history (booking_id, status, reason, at, by_name) VALUES ($1, $2, $3, $4, $5)",
                   {id, to_name, reason_json, now, who ? who->name : std::string("system")}));
  PARK_TRY(store::AppendAudit(tx, src.clock, who, {"update", "logistics_booking", id, b.Int(col::kEnterprise),
                                                   {{"status", b.Text(col::kStatus)}},
                                                   {{"status", to_name}, {"reason", ParsedOr(reason_json, nullptr)}}}));
  PARK_ASSIGN_OR_RETURN(auto nb, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {id}));
  if (!nb) return Error::Internal("booking vanished in its transaction");
  BookingEvents(*nb, to_name, events);
  return *std::move(nb);
}

Result<std::vector<Zone>> Service::Impl::LoadZones(store::Tx& tx, std::map<std::string, std::string>* names) {
  PARK_ASSIGN_OR_RETURN(auto zrows, tx.Query("SELECT id, name, capacity FROM logistics_zones ORDER BY id"));
  std::vector<Zone> zones;
  std::map<int64_t, size_t> index;
  for (const auto& z : zrows) {
    index[z.Int(0)] = zones.size();
    zones.push_back({z.Text(1), static_cast<int>(z.Int(2)), {}});
    if (names) (*names)[z.Text(1)] = std::to_string(z.Int(0));
  }
  PARK_ASSIGN_OR_RETURN(auto in_lot, tx.Query(
      "SELECT id, plate, labels, zone_id FROM logistics_bookings WHERE " + std::string(kInside) +
      " AND status = 'arrived' AND called_at IS NULL AND zone_id IS NOT NULL ORDER BY gate_in_at, id"));
  for (const auto& v : in_lot) {
    const auto it = index.find(v.Int(3));
    if (it == index.end()) continue;
    Parked p{std::to_string(v.Int(0)), v.Text(1), {}};
    for (const auto& l : ParsedOr(v.Text(2), Json::array())) {
      if (l.is_string()) p.labels.push_back(l.get<std::string>());
    }
    zones[it->second].vehicles.push_back(std::move(p));
  }
  return zones;
}

Result<Json> Service::Impl::Gate(store::Tx& tx, const Principal* who, const Json& body, int64_t now,
                                 std::vector<Event>& events) {
  JsonReader r(body);
  auto plate_text = r.String("plate", JsonReader::kRequired, 32);
  auto direction = r.String("direction", JsonReader::kRequired, 8);
  auto gate = r.String("gate", JsonReader::kRequired, 64);
  auto at_in = r.Integer("at", JsonReader::kOptional);
  if (direction && *direction != "in" && *direction != "out") r.Fail("direction", T("logistics.gate.direction"));
  std::optional<Plate> plate;
  if (plate_text) {
    auto p = ParsePlate(*plate_text, "plate");
    if (p.ok()) {
      plate = *p;
    } else {
      r.Fail(p.error());
    }
  }
  PARK_TRY(r.Finish());
  // The gate answers while a truck waits at the barrier: every statement here counts (see docs/BENCHMARKS.md).
  // Two check-ins at once must not both take the last fitting zone: the lock is the first statement.
  PARK_ASSIGN_OR_RETURN(Settings settings, LockSettings(tx));
  const int64_t at = at_in.value_or(now);
  const int off = settings.rules.utc_offset_min;
  const int64_t day = DayOf(at, off), day_start = DayStartMs(day, off);

  auto record = [&](const std::string& decision, const Text& reason, std::optional<int64_t> booking,
                    std::optional<int64_t> zone) -> Result<Json> {
    const std::string reason_json = TextJson(reason).dump();
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO logistics_gate_events (plate, direction, gate, at, decision, reason, booking_id, zone_id, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        {plate->text, *direction, *gate, at, decision, reason_json, store::OrNull(booking), store::OrNull(zone),
         src.clock.NowMs()}));
    Json ev = {{"id", row->Int(0)}, {"plate", plate->text}, {"direction", *direction}, {"gate", *gate}, {"at", at},
               {"decision", decision}, {"reason", TextJson(reason)},
               {"booking_id", booking ? Json(*booking) : Json(nullptr)}, {"zone_id", zone ? Json(*zone) : Json(nullptr)}};
    events.push_back({"logistics.gate", ev, std::nullopt, kGateRoles});
    Json out = {{"decision", decision}, {"reason", TextJson(reason)}, {"event_id", row->Int(0)},
                {"booking_id", ev["booking_id"]}, {"zone_id", ev["zone_id"]}, {"zone_name", nullptr}, {"call", nullptr}};
    return out;
  };

  // The plate's bookings that matter at a gate, in one read: the one inside (if any) and today's not yet arrived.
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      kBookingSelect + " WHERE b.plate = $1 AND ((b.gate_in_at IS NOT NULL AND b.gate_out_at IS NULL) OR "
      "(b.status IN ('scheduled', 'requested') AND b.slot_start >= $2 AND b.slot_start < $3))",
      {plate->text, day_start, day_start + kMsPerDay}));
  // Today's: a scheduled booking before a requested one, then the earliest slot.
  const auto today_order = [](const store::Row& b) {
    return std::tuple(b.Text(col::kStatus) == "scheduled" ? 0 : 1, b.Int(col::kSlotStart), b.Int(col::kId));
  };
  const store::Row* inside = nullptr;
  const store::Row* booking = nullptr;
  for (const auto& row : rows) {
    if (!row.IsNull(col::kGateIn) && row.IsNull(col::kGateOut)) {
      if (!inside || row.Int(col::kGateIn) > inside->Int(col::kGateIn)) inside = &row;
    } else if (!booking || today_order(row) < today_order(*booking)) {
      booking = &row;
    }
  }

  if (*direction == "out") {
    if (!inside) return Error::Conflict(T("logistics.gate.not_inside", {{"plate", plate->text}}), "plate");
    const std::string status = inside->Text(col::kStatus);
    const int64_t id = inside->Int(col::kId);
    std::optional<store::Row> after;
    if (status == "in_progress") {
      PARK_ASSIGN_OR_RETURN(after, Transition(tx, who, *inside, BookingStatus::kCompleted, {}, at,
                                              "dock_end_at = $5, gate_out_at = $5", {at}, events));
    } else if (status == "arrived") {
      PARK_ASSIGN_OR_RETURN(after, Transition(tx, who, *inside, BookingStatus::kCancelled,
                                              Reason("logistics.reason.left_unserved"), at, "gate_out_at = $5", {at},
                                              events));
    } else {
      PARK_TRY(tx.Exec("UPDATE logistics_bookings SET gate_out_at = $1, updated_at = $1 WHERE id = $2", {at, id}));
      PARK_ASSIGN_OR_RETURN(after, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {id}));
    }
    PARK_ASSIGN_OR_RETURN(Json out, record("checked_out", T("logistics.gate.checked_out", {{"plate", plate->text}}), id,
                                           std::nullopt));
    if (after) BookingEvents(*after, "gate_out", events);
    // A place in the park freed: call the next vehicle for its dock.
    PARK_ASSIGN_OR_RETURN(out["call"], TryCall(tx, settings, inside->Int(col::kDock), at, events));
    return out;
  }

  // In.
  if (inside) {
    return Error::Conflict(T("logistics.gate.already_inside", {{"plate", plate->text},
                                                               {"since", FormatDay(DayOf(inside->Int(col::kGateIn), off))}}),
                           "plate");
  }
  // The blacklist, in one read: the plate, and the booking's driver, escort and carrier.
  const auto id_text = [&](size_t c) {
    return booking && !booking->IsNull(c) ? std::to_string(booking->Int(c)) : std::string();
  };
  const std::string driver = id_text(col::kDriver), escort = id_text(col::kEscort), carrier = id_text(col::kCarrier);
  PARK_ASSIGN_OR_RETURN(auto listed, tx.Query(
      "SELECT subject, subject_id, until_at FROM logistics_blacklist WHERE until_at > $1 AND ("
      "(subject = 'plate' AND subject_id = $2) OR (subject = 'driver' AND subject_id = $3) OR "
      "(subject = 'escort' AND subject_id = $4) OR (subject = 'carrier' AND subject_id = $5))",
      {at, plate->text, driver, escort, carrier}));
  auto blacklisted = [&](const std::string& subject, const std::string& value) -> std::optional<int64_t> {
    if (value.empty()) return std::nullopt;
    for (const auto& l : listed) {
      if (l.Text(0) == subject && l.Text(1) == value) return l.Int(2);
    }
    return std::nullopt;
  };
  auto refuse_listed = [&](const std::string& subject, const std::string& value, int64_t until,
                           std::optional<int64_t> booking_id) {
    return record("refused", T("logistics.blacklisted", {{"subject", TextRef{"logistics.subject." + subject}},
                                                         {"id", value},
                                                         {"until", FormatDay(DayOf(until, off))}}),
                  booking_id, std::nullopt);
  };
  if (auto until = blacklisted("plate", plate->text)) return refuse_listed("plate", plate->text, *until, std::nullopt);
  if (!booking || booking->IsNull(col::kVehicle)) {
    PARK_ASSIGN_OR_RETURN(auto vehicle,
                          tx.QueryOne("SELECT id FROM logistics_vehicles WHERE plate = $1", {plate->text}));
    if (!vehicle) {
      return record("refused", T("logistics.gate.unknown_plate", {{"plate", plate->text}}), std::nullopt, std::nullopt);
    }
  }
  if (!booking) {
    return record("refused", T("logistics.gate.not_booked_today", {{"plate", plate->text}, {"day", FormatDay(day)}}),
                  std::nullopt, std::nullopt);
  }
  const int64_t id = booking->Int(col::kId);
  if (booking->Text(col::kStatus) == "requested") {
    return record("refused", T("logistics.gate.not_approved", {{"plate", plate->text}}), id, std::nullopt);
  }
  for (const auto& [subject, value] : {std::pair<std::string, std::string>{"driver", driver},
                                       std::pair<std::string, std::string>{"escort", escort},
                                       std::pair<std::string, std::string>{"carrier", carrier}}) {
    if (auto until = blacklisted(subject, value)) return refuse_listed(subject, value, *until, id);
  }
  // Documents valid today.
  bool tank = false;
  DocumentCheckInput docs;
  PARK_ASSIGN_OR_RETURN(docs.documents, DocumentsOf(tx, booking->Int(col::kVehicle), booking->Int(col::kDriver),
                                                    booking->OptInt(col::kEscort), &tank));
  docs.tank_vehicle = tank;
  if (auto st = CheckDocuments(docs, day); !st.ok()) {
    const auto& e = st.error();
    const Text why = e.fields.empty() ? e.text : e.fields.front().text;
    return record("refused", why, id, std::nullopt);
  }
  // A zone of the waiting lot where nothing incompatible stands.
  std::map<std::string, std::string> zone_ids;
  PARK_ASSIGN_OR_RETURN(auto zones, LoadZones(tx, &zone_ids));
  const ZoneChoice choice = AssignZone(MixingMatrix::Default(), zones, LabelsOf(*booking));
  if (!choice.zone_id) {
    PARK_ASSIGN_OR_RETURN(Json out, record("waiting", choice.reason, id, std::nullopt));
    Json refusals = Json::array();
    for (const auto& z : choice.refusals) refusals.push_back({{"zone", z.zone_id}, {"reason", TextJson(z.reason)}});
    out["zone_refusals"] = refusals;
    return out;
  }
  const int64_t zone_id = std::stoll(zone_ids.at(*choice.zone_id));
  PARK_TRY(Transition(tx, who, *booking, BookingStatus::kArrived, {}, at, "gate_in_at = $5, zone_id = $6",
                      {at, zone_id}, events));
  PARK_ASSIGN_OR_RETURN(Json out, record("checked_in", T("logistics.gate.checked_in", {{"plate", plate->text},
                                                                                        {"zone", *choice.zone_id}}),
                                         id, zone_id));
  out["zone_name"] = *choice.zone_id;
  PARK_ASSIGN_OR_RETURN(out["call"], TryCall(tx, settings, booking->Int(col::kDock), at, events));
  return out;
}

Result<Json> Service::Impl::TryCall(store::Tx& tx, const Settings& settings, int64_t dock_id, int64_t now,
                                    std::vector<Event>& events) {
  PARK_ASSIGN_OR_RETURN(auto dock, tx.QueryOne(
      "SELECT d.parallel_capacity, f.name FROM logistics_docks d JOIN facilities f ON f.id = d.facility_id "
      "WHERE d.facility_id = $1", {dock_id}));
  if (!dock) return Json(nullptr);
  const std::string dock_key = std::to_string(dock_id), dock_name = dock->Text(1);
  // Everyone inside in one read: the park's count, the dock's count and the dock's queue in the lot.
  CallState state;
  state.park_cap = settings.rules.park_vehicle_cap;
  state.dock_capacity = static_cast<int>(dock->Int(0));
  state.dock_name = dock_name;
  std::vector<Waiting> lot;
  PARK_ASSIGN_OR_RETURN(auto inside, tx.Query(
      "SELECT id, dock_id, status, walk_in, slot_start, gate_in_at, called_at, dock_end_at FROM logistics_bookings "
      "WHERE " + std::string(kInside)));
  for (const auto& v : inside) {
    const std::string status = v.Text(2);
    const bool called = !v.IsNull(6), here = v.Int(1) == dock_id;
    const bool serving = status == "arrived" || status == "in_progress";
    if (called && (serving || status == "completed")) ++state.in_park;
    if (here && called && serving && v.IsNull(7)) ++state.dock_busy;
    if (here && !called && status == "arrived") {
      lot.push_back({std::to_string(v.Int(0)), dock_key, v.Int(3) != 0, v.Int(4), v.Int(5)});
    }
  }
  const Call call = NextToCall(lot, dock_key, state);
  Json out = {{"dock_id", dock_id}, {"dock_name", dock_name}, {"booking_id", nullptr}, {"plate", nullptr},
              {"reason", TextJson(call.reason)}};
  if (!call.booking_id) return out;
  const int64_t id = std::stoll(*call.booking_id);
  PARK_TRY(tx.Exec("UPDATE logistics_bookings SET called_at = $1, updated_at = $1 WHERE id = $2", {now, id}));
  PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {id}));
  out["booking_id"] = id;
  out["plate"] = b->Text(col::kPlate);
  out["zone_id"] = OptInt(*b, col::kZone);
  out["zone_name"] = b->IsNull(col::kZoneName) ? Json(nullptr) : Json(b->Text(col::kZoneName));
  out["called_at"] = now;
  PARK_TRY(store::AppendAudit(tx, src.clock, nullptr, {"call", "logistics_booking", id, b->Int(col::kEnterprise), nullptr,
                                                       {{"dock_id", dock_id}, {"reason", out["reason"]}}}));
  events.push_back({"logistics.call", out, b->Int(col::kEnterprise), kDockKeepers});
  events.push_back({"logistics.call", out, std::nullopt, {Role::kParkAdmin, Role::kParkStaff, Role::kGate}});
  if (!b->IsNull(col::kDriverUser)) {
    events.push_back({"logistics.call", out, std::nullopt, {Role::kDriver}, b->Int(col::kDriverUser)});
  }
  if (!settings.call_webhook_url.empty()) {
    Event hook;
    hook.webhook_url = settings.call_webhook_url;
    hook.webhook_text = RenderText(T("logistics.call.message", {{"plate", b->Text(col::kPlate)},
                                                                 {"dock", dock_name},
                                                                 {"enterprise", b->Text(col::kEnterpriseName)}}),
                                   Locale::kZhCN);
    events.push_back(std::move(hook));
  }
  return out;
}

Result<Json> Service::Impl::DockStep(store::Tx& tx, const Principal* who, int64_t id, bool start, int64_t now,
                                     std::vector<Event>& events) {
  PARK_ASSIGN_OR_RETURN(Settings settings, LockSettings(tx));
  PARK_ASSIGN_OR_RETURN(auto b, VisibleBooking(tx, who, id));
  if (!b) {
    return Error::NotFound(T("logistics.booking.not_found", {{"id", std::to_string(id)}}));
  }
  Json out;
  if (start) {
    PARK_ASSIGN_OR_RETURN(auto nb, Transition(tx, who, *b, BookingStatus::kInProgress, {}, now,
                                              "dock_start_at = $5, called_at = COALESCE(called_at, $5)", {now}, events));
    return BookingJson(nb);
  }
  PARK_ASSIGN_OR_RETURN(auto nb, Transition(tx, who, *b, BookingStatus::kCompleted, {}, now, "dock_end_at = $5", {now},
                                            events));
  out["booking"] = BookingJson(nb);
  PARK_ASSIGN_OR_RETURN(out["call"], TryCall(tx, settings, b->Int(col::kDock), now, events));
  return out;
}

// ---- routes -------------------------------------------------------------------------------------------------

void Service::Impl::RegisterBookings(http::Router& router) {
  Impl* s = this;
  const Json str = {{"type", "string"}}, integer = {{"type", "integer"}}, number = {{"type", "number"}};
  const Json text = Obj({{"code", str}, {"params", Obj()}, {"message", str}});
  const Json booking = Obj({{"id", integer}, {"plate", str}, {"dock_id", integer}, {"dock_name", str},
                            {"enterprise_id", integer}, {"driver_id", integer}, {"status", str}, {"slot_start", integer},
                            {"slot_end", integer}, {"goods", {{"type", "array"}}}, {"labels", {{"type", "array"}}},
                            {"zone_id", integer}, {"reason", text}});
  const Json book_body = Obj({{"plate", str},
                              {"dock_id", integer},
                              {"slot_start", integer},
                              {"operation", {{"type", "string"}, {"enum", {"loading", "unloading"}}}},
                              {"goods", {{"type", "array"},
                                         {"items", Obj({{"un_number", str}, {"quantity_kg", number}},
                                                       {"un_number", "quantity_kg"})}}},
                              {"driver_id", integer},
                              {"escort_id", integer}},
                             {"plate", "dock_id", "slot_start", "operation", "goods"});
  const Json reason_body = Obj({{"reason", str}, {"note", str}});
  const Json call = Obj({{"dock_id", integer}, {"dock_name", str}, {"booking_id", integer}, {"plate", str}, {"reason", text}});

  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/bookings";
    r.roles = kBookers;
    r.doc = Doc("Book a loading dock's slot with the goods carried: documents valid on the day, the dock accepts every "
                "label, slot capacity, park-wide caps per class, lead time and next-day cutoff, the blacklist; refused "
                "with the coded reason and the field, nothing stored. A driver books as itself, an enterprise user at "
                "its own docks. Scheduled at once, or requested when the dock needs the enterprise's approval",
                book_body, booking, 201);
    r.handler = [s](const http::Request& req) {
      return WriteRoute(*s, req, 201, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>& events) -> Status {
        PARK_ASSIGN_OR_RETURN(out, s->Book(tx, &req.Who(), body, s->src.clock.NowMs(), false, events));
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/bookings/walk-in";
    r.roles = kGateRoles;
    r.doc = Doc("Register a vehicle that came without a booking, for now (the gate): every check of a booking but the "
                "slot's (plate, goods and their mixed load, the dock's classes, documents today, the blacklist); it holds "
                "no slot and is called after the booked vehicles",
                Obj({{"plate", str}, {"dock_id", integer}, {"operation", {{"type", "string"}, {"enum", {"loading", "unloading"}}}},
                     {"goods", {{"type", "array"}, {"items", Obj({{"un_number", str}, {"quantity_kg", number}},
                                                                 {"un_number", "quantity_kg"})}}},
                     {"driver_id", integer}, {"escort_id", integer}},
                    {"plate", "dock_id", "operation", "goods", "driver_id"}),
                booking, 201);
    r.handler = [s](const http::Request& req) {
      return WriteRoute(*s, req, 201, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>& events) -> Status {
        PARK_ASSIGN_OR_RETURN(out, s->Book(tx, &req.Who(), body, s->src.clock.NowMs(), false, events, true));
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/bookings/check";
    r.roles = kBookers;
    r.doc = Doc("Every check of a booking, nothing stored (the phone's form checks before it books)", book_body,
                Obj({{"ok", {{"type", "boolean"}}}, {"status", str}, {"labels", {{"type", "array"}}}}));
    r.handler = [s](const http::Request& req) {
      auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
      if (!body.ok()) return Fail(body.error());
      Json out;
      std::vector<Event> events;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(out, s->Book(tx, &req.Who(), *body, s->src.clock.NowMs(), true, events));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/bookings";
    r.roles = kEveryone;
    r.doc = Doc("Bookings of a day (default today): a driver sees its own, an enterprise user those at its docks, park "
                "roles and the gate all",
                nullptr, ListOf(booking));
    r.doc.query = {{"date", "string", "park-local day YYYY-MM-DD (default today)"},
                   {"status", "string", "only this status"},
                   {"dock_id", "integer", "only this dock"},
                   {"days", "integer", "this many days from date (default 1, at most 31)"}};
    r.handler = [s](const http::Request& req) {
      const int off = kChinaUtcOffsetMin;
      auto day = DateQuery(req, "date", s->src.clock.NowMs(), off);
      if (!day.ok()) return Fail(day.error());
      int64_t days = 1;
      if (auto q = req.Query("days")) {
        try {
          days = std::stoll(std::string(*q));
        } catch (const std::exception&) {
          days = 0;
        }
        if (days < 1 || days > 31) return Fail(Error::Invalid("days", T("logistics.settings.range", {{"min", 1}, {"max", 31}})));
      }
      const std::string status(req.Query("status").value_or(""));
      if (!status.empty() && !ParseStatus(status)) return Fail(Error::Invalid("status", T("logistics.status.unknown", {{"value", status}})));
      std::optional<int64_t> dock;
      if (auto q = req.Query("dock_id")) {
        try {
          dock = std::stoll(std::string(*q));
        } catch (const std::exception&) {
          return Fail(Error::Invalid("dock_id", T("field.not_number")));
        }
      }
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        const int64_t from = DayStartMs(*day, off);
        store::Params params = {from, from + days * kMsPerDay};
        std::string where = " WHERE b.slot_start >= $1 AND b.slot_start < $2";
        if (!status.empty()) {
          params.push_back(status);
          where += fmt::format(" AND b.status = ${}", params.size());
        }
        if (dock) {
          params.push_back(*dock);
          where += fmt::format(" AND b.dock_id = ${}", params.size());
        }
        PARK_ASSIGN_OR_RETURN(std::string scope, s->Scope(tx, &req.Who(), params));
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBookingSelect + where + scope + " ORDER BY b.slot_start, b.id", params));
        for (const auto& b : rows) items.push_back(BookingJson(b));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/bookings/{id}";
    r.roles = kEveryone;
    r.doc = Doc("One booking with its status history (404 when the caller may not see it)", nullptr, booking);
    r.handler = [s](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto b, s->VisibleBooking(tx, &req.Who(), *id));
        if (!b) return Error::NotFound(T("logistics.booking.not_found", {{"id", std::to_string(*id)}}));
        out = BookingJson(*b);
        Json history = Json::array();
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
            "SELECT status, reason, at, by_name FROM logistics_booking_history WHERE booking_id = $1 ORDER BY id", {*id}));
        for (const auto& h : rows) {
          history.push_back({{"status", h.Text(0)}, {"reason", ParsedOr(h.Text(1), nullptr)}, {"at", h.Int(2)},
                             {"by", h.Text(3)}});
        }
        out["history"] = history;
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  // Status changes by people: approve, refuse, cancel.
  struct Step {
    const char* path;
    BookingStatus to;
    const char* default_reason;  // "" : none
    std::vector<Role> roles;
    const char* summary;
  };
  const std::vector<Step> steps = {
      {"approve", BookingStatus::kScheduled, "", kDockKeepers,
       "Approve a requested booking (the dock's enterprise or park staff): requested -> scheduled"},
      {"refuse", BookingStatus::kRefused, "logistics.reason.approval_declined", kDockKeepers,
       "Refuse a booking (requested, or arrived with goods or documents not in order) with the reason"},
      {"cancel", BookingStatus::kCancelled, "", kBookers,
       "Cancel a booking (the driver its own, the dock's enterprise, park staff) with the reason"},
  };
  for (const auto& step : steps) {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = std::string("/api/v1/logistics/bookings/{id}/") + step.path;
    r.roles = step.roles;
    r.doc = Doc(step.summary, reason_body, booking);
    r.handler = [s, step](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>& events) -> Status {
        JsonReader rd(body);
        auto reason = rd.String("reason", JsonReader::kOptional, 80);
        auto note = rd.String("note", JsonReader::kOptional, 500);
        PARK_TRY(rd.Finish());
        Text why;
        if (reason && !reason->empty()) {
          if (!reason->starts_with("logistics.reason.") || !HasText(*reason)) {
            return Error::Invalid("reason", T("logistics.reason.unknown", {{"value", *reason}}));
          }
          why = T(*reason);
        } else if (note && !note->empty()) {
          why = T("logistics.reason.note", {{"note", *note}});
        } else if (std::string_view(step.path) == "cancel") {
          why = T(req.Who().role == Role::kDriver ? "logistics.reason.driver_request"
                  : req.Who().enterprise_id      ? "logistics.reason.enterprise_request"
                                                 : "logistics.reason.park_request");
        } else if (*step.default_reason) {
          why = T(step.default_reason);
        }
        PARK_ASSIGN_OR_RETURN(auto b, s->VisibleBooking(tx, &req.Who(), *id));
        if (!b) return Error::NotFound(T("logistics.booking.not_found", {{"id", std::to_string(*id)}}));
        // A driver may only cancel its own booking before it arrives.
        PARK_TRY(s->Transition(tx, &req.Who(), *b, step.to, why, s->src.clock.NowMs(), "", {}, events));
        PARK_ASSIGN_OR_RETURN(auto nb, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {*id}));
        out = BookingJson(*nb);
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  for (bool start : {true, false}) {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = start ? "/api/v1/logistics/bookings/{id}/dock-start" : "/api/v1/logistics/bookings/{id}/dock-finish";
    r.roles = kDockKeepers;
    r.doc = start ? Doc("The vehicle starts at its dock: arrived -> in_progress", Obj(), booking)
                  : Doc("The vehicle is done at its dock: in_progress -> completed; the dock frees, and the next "
                        "vehicle is called if the park is under its cap",
                        Obj(), Obj({{"booking", booking}, {"call", call}}));
    r.handler = [s, start](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json&, Json& out, std::vector<Event>& events) -> Status {
        PARK_ASSIGN_OR_RETURN(out, s->DockStep(tx, &req.Who(), *id, start, s->src.clock.NowMs(), events));
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/bookings/{id}/move";
    r.roles = kGateRoles;
    r.doc = Doc("Move a vehicle waiting in the lot to another zone by hand (the warnings job flags incompatible goods "
                "in one zone)",
                Obj({{"zone_id", integer}}, {"zone_id"}), booking);
    r.handler = [s](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>& events) -> Status {
        JsonReader rd(body);
        auto zone = rd.Integer("zone_id", JsonReader::kRequired);
        PARK_TRY(rd.Finish());
        PARK_TRY(s->Lock(tx));
        PARK_ASSIGN_OR_RETURN(auto z, tx.QueryOne("SELECT id FROM logistics_zones WHERE id = $1", {*zone}));
        if (!z) return Error::Invalid("zone_id", T("field.no_such_record"));
        PARK_ASSIGN_OR_RETURN(auto b, s->VisibleBooking(tx, &req.Who(), *id));
        if (!b) return Error::NotFound(T("logistics.booking.not_found", {{"id", std::to_string(*id)}}));
        if (b->Text(col::kStatus) != "arrived" || !b->IsNull(col::kCalled) || !b->IsNull(col::kGateOut)) {
          return Error::Conflict(T("logistics.zone.not_in_lot", {{"plate", b->Text(col::kPlate)}}), "zone_id");
        }
        PARK_TRY(tx.Exec("UPDATE logistics_bookings SET zone_id = $1, updated_at = $2 WHERE id = $3",
                         {*zone, s->src.clock.NowMs(), *id}));
        PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(), {"move", "logistics_booking", *id, b->Int(col::kEnterprise),
                                                                   {{"zone_id", OptInt(*b, col::kZone)}}, {{"zone_id", *zone}}}));
        PARK_ASSIGN_OR_RETURN(auto nb, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {*id}));
        BookingEvents(*nb, "moved", events);
        out = BookingJson(*nb);
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/gate/events";
    r.roles = kGateRoles;
    r.doc = Doc("A plate read at a gate (the camera's API token or a guard), answered with the decision: refused with "
                "the reason (unknown plate, not booked today, blacklisted, documents), checked in with its waiting-lot "
                "zone (never beside incompatible goods), waiting at the gate when no zone fits, or checked out; a "
                "vehicle already inside is 409",
                Obj({{"plate", str}, {"direction", {{"type", "string"}, {"enum", {"in", "out"}}}}, {"gate", str},
                     {"at", integer}},
                    {"plate", "direction", "gate"}),
                Obj({{"decision", str}, {"reason", text}, {"booking_id", integer}, {"zone_id", integer},
                     {"zone_name", str}, {"event_id", integer}, {"call", call}}));
    r.handler = [s](const http::Request& req) {
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>& events) -> Status {
        PARK_ASSIGN_OR_RETURN(out, s->Gate(tx, &req.Who(), body, s->src.clock.NowMs(), events));
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/gate/events";
    r.roles = kGateRoles;
    r.doc = Doc("Gate events of a day with their decisions, newest first", nullptr, ListOf(Obj()));
    r.doc.query = {{"date", "string", "park-local day YYYY-MM-DD (default today)"}};
    r.handler = [s](const http::Request& req) {
      auto day = DateQuery(req, "date", s->src.clock.NowMs(), kChinaUtcOffsetMin);
      if (!day.ok()) return Fail(day.error());
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        const int64_t from = DayStartMs(*day, kChinaUtcOffsetMin);
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
            "SELECT g.id, g.plate, g.direction, g.gate, g.at, g.decision, g.reason, g.booking_id, g.zone_id, z.name "
            "FROM logistics_gate_events g LEFT JOIN logistics_zones z ON z.id = g.zone_id WHERE g.at >= $1 AND g.at < $2 "
            "ORDER BY g.at DESC, g.id DESC LIMIT 500", {from, from + kMsPerDay}));
        for (const auto& g : rows) {
          items.push_back({{"id", g.Int(0)}, {"plate", g.Text(1)}, {"direction", g.Text(2)}, {"gate", g.Text(3)},
                           {"at", g.Int(4)}, {"decision", g.Text(5)}, {"reason", ParsedOr(g.Text(6), nullptr)},
                           {"booking_id", OptInt(g, 7)}, {"zone_id", OptInt(g, 8)},
                           {"zone_name", g.IsNull(9) ? Json(nullptr) : Json(g.Text(9))}});
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
    r.pattern = "/api/v1/logistics/lot";
    r.roles = kLotReaders;
    r.doc = Doc("The waiting lot now: zones with their vehicles and goods, vehicles waiting at the gate, each dock's "
                "queue in calling order and the count in the park against its cap (an enterprise user: its docks' "
                "vehicles only)",
                nullptr, Obj({{"in_park", integer}, {"park_cap", integer}, {"zones", {{"type", "array"}}},
                              {"waiting_at_gate", {{"type", "array"}}}, {"queues", {{"type", "array"}}}}));
    r.handler = [s](const http::Request& req) {
      Json out;
      const int64_t now = s->src.clock.NowMs();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LoadSettings(tx));
        const auto& who = req.Who();
        auto visible = [&](const store::Row& b) { return who.CanSeeEnterprise(b.Int(col::kEnterprise)); };
        PARK_ASSIGN_OR_RETURN(auto in_park, tx.QueryOne(
            "SELECT COUNT(*) FROM logistics_bookings WHERE called_at IS NOT NULL AND gate_out_at IS NULL AND "
            "status IN ('arrived', 'in_progress', 'completed')"));
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBookingSelect +
            " WHERE b.gate_in_at IS NOT NULL AND b.gate_out_at IS NULL ORDER BY b.gate_in_at, b.id"));
        PARK_ASSIGN_OR_RETURN(auto zrows, tx.Query("SELECT id, name, capacity FROM logistics_zones ORDER BY id"));
        Json zones = Json::array();
        for (const auto& z : zrows) {
          Json vehicles = Json::array();
          for (const auto& b : rows) {
            if (b.Text(col::kStatus) != "arrived" || !b.IsNull(col::kCalled) || b.IsNull(col::kZone) ||
                b.Int(col::kZone) != z.Int(0) || !visible(b)) {
              continue;
            }
            Json goods = Json::array();
            for (const auto& g : ParsedOr(b.Text(col::kGoods), Json::array())) {
              goods.push_back({{"un_number", g.value("un_number", "")}, {"name_en", g.value("name_en", "")},
                               {"name_zh", g.value("name_zh", "")}, {"labels", g.value("labels", Json::array())}});
            }
            vehicles.push_back({{"booking_id", b.Int(col::kId)}, {"plate", b.Text(col::kPlate)},
                                {"labels", ParsedOr(b.Text(col::kLabels), Json::array())}, {"goods", goods},
                                {"dock_id", b.Int(col::kDock)}, {"dock_name", b.Text(col::kDockName)},
                                {"gate_in_at", b.Int(col::kGateIn)}});
          }
          zones.push_back({{"id", z.Int(0)}, {"name", z.Text(1)}, {"capacity", z.Int(2)}, {"vehicles", vehicles}});
        }
        // Waiting at the gate: today's last event of a plate is "waiting".
        const int64_t from = DayStartMs(DayOf(now, kChinaUtcOffsetMin), kChinaUtcOffsetMin);
        PARK_ASSIGN_OR_RETURN(auto grows, tx.Query(
            "SELECT g.plate, g.booking_id, g.reason, g.at, b.enterprise_id FROM logistics_gate_events g "
            "LEFT JOIN logistics_bookings b ON b.id = g.booking_id WHERE g.at >= $1 AND g.decision = 'waiting' AND "
            "NOT EXISTS (SELECT 1 FROM logistics_gate_events l WHERE l.plate = g.plate AND l.at >= g.at AND l.id > g.id) "
            "ORDER BY g.at", {from}));
        Json waiting = Json::array();
        for (const auto& g : grows) {
          if (!g.IsNull(4) && !who.CanSeeEnterprise(g.Int(4))) continue;
          waiting.push_back({{"plate", g.Text(0)}, {"booking_id", OptInt(g, 1)}, {"reason", ParsedOr(g.Text(2), nullptr)},
                             {"at", g.Int(3)}});
        }
        std::map<int64_t, std::string> names;
        PARK_ASSIGN_OR_RETURN(auto docks, s->LoadDocks(tx, &names));
        Json queues = Json::array();
        for (const auto& d : docks) {
          const int64_t dock_id = std::stoll(d.id);
          if (!who.CanSeeEnterprise(std::stoll(d.enterprise_id))) continue;
          std::vector<Waiting> lot;
          std::map<std::string, const store::Row*> by_id;
          int busy = 0;
          for (const auto& b : rows) {
            if (b.Int(col::kDock) != dock_id) continue;
            if (b.Text(col::kStatus) == "arrived" && b.IsNull(col::kCalled)) {
              lot.push_back({std::to_string(b.Int(col::kId)), d.id, b.Int(col::kWalkIn) != 0, b.Int(col::kSlotStart),
                             b.Int(col::kGateIn)});
              by_id[std::to_string(b.Int(col::kId))] = &b;
            } else if (!b.IsNull(col::kCalled) && b.IsNull(col::kDockEnd) &&
                       (b.Text(col::kStatus) == "arrived" || b.Text(col::kStatus) == "in_progress")) {
              ++busy;
            }
          }
          Json queue = Json::array();
          for (const auto& w : CallingOrder(lot, d.id)) {
            const auto* b = by_id[w.booking_id];
            queue.push_back({{"booking_id", b->Int(col::kId)}, {"plate", b->Text(col::kPlate)}, {"walk_in", w.walk_in},
                             {"appointment", w.appointment_ms}, {"arrived_at", w.arrived_ms},
                             {"labels", ParsedOr(b->Text(col::kLabels), Json::array())}});
          }
          queues.push_back({{"dock_id", dock_id}, {"dock_name", names[dock_id]}, {"busy", busy},
                            {"capacity", d.parallel_capacity}, {"queue", queue}});
        }
        out = {{"in_park", in_park->Int(0)}, {"park_cap", settings.rules.park_vehicle_cap}, {"zones", zones},
               {"waiting_at_gate", waiting}, {"queues", queues}};
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/docks/{id}/call";
    r.roles = kDockKeepers;
    r.doc = Doc("Call the next vehicle to a dock now (booked vehicles first by appointment, then walk-ins), if the dock "
                "has a free place and the park is under its cap; the answer says whom, or why nobody",
                Obj(), call);
    r.handler = [s](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json&, Json& out, std::vector<Event>& events) -> Status {
        PARK_ASSIGN_OR_RETURN(auto d, tx.QueryOne("SELECT enterprise_id FROM logistics_docks WHERE facility_id = $1", {*id}));
        if (!d || !req.Who().CanSeeEnterprise(d->Int(0))) {
          return Error::NotFound(T("logistics.dock.unknown", {{"dock", std::to_string(*id)}}));
        }
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LockSettings(tx));
        PARK_ASSIGN_OR_RETURN(out, s->TryCall(tx, settings, *id, s->src.clock.NowMs(), events));
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/me";
    r.roles = {Role::kDriver};
    r.doc = Doc("A driver's own page: its record, its bookings from yesterday on, and the call it has now (where to go)",
                nullptr, Obj({{"person", Obj()}, {"bookings", {{"type", "array"}}}, {"call", Obj()}}));
    r.handler = [s](const http::Request& req) {
      Json out = {{"person", nullptr}, {"bookings", Json::array()}, {"call", nullptr}};
      const int64_t now = s->src.clock.NowMs();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto p, tx.QueryOne(
            "SELECT id, kind, name, carrier_id, qualification_no, qualification_expires, user_id, phone "
            "FROM logistics_people WHERE user_id = $1 AND kind = 'driver'", {req.Who().user_id}));
        if (!p) return Status::Ok();
        out["person"] = {{"id", p->Int(0)}, {"kind", p->Text(1)}, {"name", p->Text(2)}, {"carrier_id", p->Int(3)},
                         {"qualification_no", p->Text(4)}, {"qualification_expires", p->Text(5)},
                         {"user_id", p->Int(6)}, {"phone", p->Text(7)}};
        const int64_t from = DayStartMs(DayOf(now, kChinaUtcOffsetMin) - 1, kChinaUtcOffsetMin);
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBookingSelect +
            " WHERE b.driver_id = $1 AND (b.slot_start >= $2 OR (b.gate_in_at IS NOT NULL AND b.gate_out_at IS NULL)) "
            "ORDER BY b.slot_start, b.id", {p->Int(0), from}));
        for (const auto& b : rows) {
          Json j = BookingJson(b);
          out["bookings"].push_back(j);
          if (!b.IsNull(col::kCalled) && b.Text(col::kStatus) == "arrived" && b.IsNull(col::kGateOut)) out["call"] = j;
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/docks/{id}/slots";
    r.roles = kEveryone;
    r.doc = Doc("A dock's slots on a day with their places taken and free, and whether each can still be booked "
                "(with the reason when not)",
                nullptr, ListOf(Obj({{"start", integer}, {"end", integer}, {"capacity", integer}, {"taken", integer},
                                     {"free", integer}, {"bookable", {{"type", "boolean"}}}, {"reason", text}})));
    r.doc.query = {{"date", "string", "park-local day YYYY-MM-DD (default today)"}};
    r.handler = [s](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      const int64_t now = s->src.clock.NowMs();
      auto day = DateQuery(req, "date", now, kChinaUtcOffsetMin);
      if (!day.ok()) return Fail(day.error());
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LoadSettings(tx));
        std::map<int64_t, std::string> names;
        PARK_ASSIGN_OR_RETURN(auto docks, s->LoadDocks(tx, &names));
        const auto d = std::find_if(docks.begin(), docks.end(), [&](const Dock& x) { return x.id == std::to_string(*id); });
        if (d == docks.end() || !req.Who().CanSeeEnterprise(std::stoll(d->enterprise_id))) {
          return Error::NotFound(T("logistics.dock.unknown", {{"dock", std::to_string(*id)}}));
        }
        const ParkRules& rules = settings.rules;
        const int off = rules.utc_offset_min;
        const int64_t midnight = DayStartMs(*day, off), today = DayOf(now, off);
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
            "SELECT slot_start, COUNT(*) FROM logistics_bookings WHERE dock_id = $1 AND walk_in = 0 AND status IN {} "
            "AND slot_start >= $2 AND slot_start < $3 GROUP BY slot_start", kHolding), {*id, midnight, midnight + kMsPerDay}));
        std::map<int64_t, int64_t> taken;
        for (const auto& t : rows) taken[t.Int(0)] = t.Int(1);
        Json items = Json::array();
        for (int m = d->open_minute; m + d->slot_minutes <= d->close_minute; m += d->slot_minutes) {
          const int64_t start = midnight + m * kMsPerMinute;
          const int64_t n = taken.count(start) ? taken[start] : 0;
          Text why;
          if (start <= now) {
            why = T("logistics.slot.past");
          } else if (start - now < rules.lead_time_min * kMsPerMinute) {
            why = T("logistics.slot.lead_time", {{"lead_time_min", rules.lead_time_min}});
          } else if (*day == today + 1 && MinuteOfDay(now, off) >= rules.next_day_cutoff_minute) {
            why = T("logistics.slot.cutoff", {{"cutoff", HourMinute(rules.next_day_cutoff_minute)}});
          } else if (*day > today + rules.max_days_ahead) {
            why = T("logistics.slot.too_far", {{"days", rules.max_days_ahead}});
          } else if (n >= d->parallel_capacity) {
            why = T("logistics.slot.full", {{"dock", d->DisplayName()}, {"capacity", d->parallel_capacity}});
          }
          items.push_back({{"start", start}, {"end", start + d->slot_minutes * kMsPerMinute},
                           {"capacity", d->parallel_capacity}, {"taken", n},
                           {"free", std::max<int64_t>(0, d->parallel_capacity - n)}, {"bookable", why.empty()},
                           {"reason", why.empty() ? Json(nullptr) : TextJson(why)}});
        }
        out = {{"dock_id", *id}, {"dock_name", names[*id]}, {"date", FormatDay(*day)}, {"items", items}};
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
}

}  // namespace park::logistics
