// Logistics service: the warnings job (overstay, late, no-show, expired documents, incompatible goods in a zone,
// repeated violations -> blacklist) with warnings raised, acknowledged and closed like alarms; prediction, KPIs and
// the big screen.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::logistics {

using http::Response;

namespace {

constexpr std::string_view kWarningCols =
    "id, kind, booking_id, plate, text, since, status, raised_at, acknowledged_at, acknowledged_by, closed_at, "
    "closed_by, note, enterprise_id";

Json WarningJson(const store::Row& r) {
  const Json text = Json::parse(r.Text(4), nullptr, false);
  return {{"id", r.Int(0)},
          {"kind", r.Text(1)},
          {"booking_id", r.IsNull(2) ? Json(nullptr) : Json(r.Int(2))},
          {"plate", r.Text(3)},
          {"text", text.is_discarded() ? Json(nullptr) : text},
          {"since", r.Int(5)},
          {"status", r.Text(6)},
          {"raised_at", r.Int(7)},
          {"acknowledged_at", r.IsNull(8) ? Json(nullptr) : Json(r.Int(8))},
          {"acknowledged_by", r.Text(9)},
          {"closed_at", r.IsNull(10) ? Json(nullptr) : Json(r.Int(10))},
          {"closed_by", r.Text(11)},
          {"note", r.Text(12)}};
}

std::optional<int64_t> EnterpriseOf(const store::Row& w) { return w.IsNull(13) ? std::nullopt : w.OptInt(13); }

}  // namespace

Result<std::vector<Visit>> Service::Impl::LoadVisits(store::Tx& tx, int64_t from, int64_t to, bool with_documents) {
  const std::string where =
      " WHERE (b.slot_start >= $1 AND b.slot_start < $2) OR (b.gate_in_at IS NOT NULL AND b.gate_out_at IS NULL)";
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBookingSelect + where + " ORDER BY b.slot_start, b.id", {from, to}));
  // The documents of every vehicle and person of these visits in two reads, not three per visit: the job reads
  // thousands of visits every few seconds.
  std::map<int64_t, store::Row> vehicles, people;
  if (with_documents && !rows.empty()) {
    PARK_ASSIGN_OR_RETURN(auto vrows, tx.Query(
        "SELECT v.id, " + std::string(kVehicleDocumentCols) + " FROM logistics_vehicles v WHERE v.id IN "
        "(SELECT b.vehicle_id FROM logistics_bookings b" + where + ")", {from, to}));
    for (auto& v : vrows) vehicles.emplace(v.Int(0), std::move(v));
    PARK_ASSIGN_OR_RETURN(auto prows, tx.Query(
        "SELECT p.id, p.qualification_no, p.qualification_expires FROM logistics_people p WHERE p.id IN "
        "(SELECT b.driver_id FROM logistics_bookings b" + where + ") OR p.id IN "
        "(SELECT b.escort_id FROM logistics_bookings b" + where + ")", {from, to}));
    for (auto& p : prows) people.emplace(p.Int(0), std::move(p));
  }
  std::vector<Visit> visits;
  for (const auto& b : rows) {
    Visit v;
    v.booking_id = std::to_string(b.Int(col::kId));
    v.plate = b.Text(col::kPlate);
    v.driver_id = std::to_string(b.Int(col::kDriver));
    v.carrier_id = std::to_string(b.Int(col::kCarrier));
    v.dock_id = std::to_string(b.Int(col::kDock));
    v.status = ParseStatus(b.Text(col::kStatus)).value_or(BookingStatus::kScheduled);
    v.operation = b.Text(col::kOperation) == "unloading" ? Operation::kUnloading : Operation::kLoading;
    v.walk_in = b.Int(col::kWalkIn) != 0;
    v.slot_start_ms = b.Int(col::kSlotStart);
    v.arrived_ms = b.OptInt(col::kGateIn);
    v.dock_start_ms = b.OptInt(col::kDockStart);
    v.dock_end_ms = b.OptInt(col::kDockEnd);
    v.departed_ms = b.OptInt(col::kGateOut);
    if (with_documents) {
      if (auto it = vehicles.find(b.Int(col::kVehicle)); it != vehicles.end()) {
        AddVehicleDocuments(it->second, 1, v.documents);
      }
      if (auto it = people.find(b.Int(col::kDriver)); it != people.end()) {
        AddPersonDocument(it->second, 1, DocumentKind::kDriverQualification, v.documents);
      }
      if (auto escort = b.OptInt(col::kEscort)) {
        if (auto it = people.find(*escort); it != people.end()) {
          AddPersonDocument(it->second, 1, DocumentKind::kEscortQualification, v.documents);
        }
      }
    }
    visits.push_back(std::move(v));
  }
  return visits;
}

Status Service::Impl::RunJob(int64_t now) {
  // First a read (a snapshot beside the writer: the gate and bookings never wait for it): the visits of three days
  // with their documents, the rules' warnings, and which of them are new. Most runs end here without writing.
  const int64_t from = now - 2 * kMsPerDay, to = now + kMsPerDay;
  const FixedClock clock(now);
  std::vector<Warning> warnings;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(Settings settings, LoadSettings(tx));
    PARK_ASSIGN_OR_RETURN(auto zones, LoadZones(tx));
    PARK_ASSIGN_OR_RETURN(auto visits, LoadVisits(tx, from, to));
    auto all = Warnings(visits, zones, MixingMatrix::Default(), settings.rules, clock);
    if (all.empty()) return Status::Ok();
    PARK_ASSIGN_OR_RETURN(auto raised, tx.Query(
        "SELECT w.cause FROM logistics_warnings w JOIN logistics_bookings b ON b.id = w.booking_id WHERE "
        "(b.slot_start >= $1 AND b.slot_start < $2) OR (b.gate_in_at IS NOT NULL AND b.gate_out_at IS NULL)",
        {from, to}));
    std::set<std::string> known;
    for (const auto& r : raised) known.insert(r.Text(0));
    for (auto& w : all) {
      if (!known.contains(w.key)) warnings.push_back(std::move(w));
    }
    return Status::Ok();
  }));
  if (warnings.empty()) return Status::Ok();
  // Then one write for the new warnings, under the lock (a no-show changes a booking's status; raising is
  // idempotent by cause, so a warning another instance raised meanwhile is not raised twice).
  std::vector<Event> events;
  PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
    events.clear();
    PARK_ASSIGN_OR_RETURN(Settings settings, LockSettings(tx));
    const ParkRules& rules = settings.rules;
    std::set<std::pair<std::string, std::string>> violated;  // subjects with a new violation
    auto violation = [&](const store::Row& b, WarningKind kind) -> Status {
      for (auto [subject, id] : {std::pair{"plate", b.Text(col::kPlate)},
                                 std::pair{"driver", std::to_string(b.Int(col::kDriver))},
                                 std::pair{"carrier", std::to_string(b.Int(col::kCarrier))}}) {
        PARK_ASSIGN_OR_RETURN(int64_t added, tx.Exec(
            "INSERT INTO logistics_violations (subject, subject_id, kind, at, booking_id) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (subject, subject_id, kind, booking_id) DO NOTHING",
            {std::string(subject), id, std::string(WarningKindName(kind)), now, b.Int(col::kId)}));
        if (added > 0) violated.emplace(subject, id);
      }
      return Status::Ok();
    };
    auto raise = [&](const std::string& kind, const std::string& cause, std::optional<int64_t> booking,
                     std::optional<int64_t> enterprise, const std::string& plate, const Text& text,
                     int64_t since) -> Result<bool> {
      PARK_ASSIGN_OR_RETURN(int64_t added, tx.Exec(
          "INSERT INTO logistics_warnings (kind, cause, booking_id, enterprise_id, plate, text, since, status, raised_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, 'raised', $8) ON CONFLICT (cause) DO NOTHING",
          {kind, cause, store::OrNull(booking), store::OrNull(enterprise), plate, TextJson(text).dump(), since, now}));
      if (added == 0) return false;
      PARK_ASSIGN_OR_RETURN(auto w, tx.QueryOne(fmt::format("SELECT {} FROM logistics_warnings WHERE cause = $1", kWarningCols), {cause}));
      const Json j = WarningJson(*w);
      PARK_TRY(store::AppendAudit(tx, src.clock, nullptr, {"raise", "logistics_warning", w->Int(0), enterprise, nullptr, j}));
      events.push_back({"logistics.warning", {{"event", "raise"}, {"warning", j}}, enterprise, kLotReaders});
      return true;
    };
    for (const auto& w : warnings) {
      const int64_t booking_id = std::stoll(w.booking_id);
      PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(kBookingSelect + " WHERE b.id = $1", {booking_id}));
      if (!b) continue;
      PARK_ASSIGN_OR_RETURN(bool fresh, raise(std::string(WarningKindName(w.kind)), w.key, booking_id,
                                              b->Int(col::kEnterprise), b->Text(col::kPlate), w.text, w.since_ms));
      if (!fresh) continue;
      if (w.kind == WarningKind::kNoShow) {
        if (b->Text(col::kStatus) == "scheduled") {
          PARK_TRY(Transition(tx, nullptr, *b, BookingStatus::kNoShow, T("logistics.reason.no_show_grace"), now, "", {},
                              events));
        }
        PARK_TRY(violation(*b, w.kind));
      } else if (w.kind == WarningKind::kOverstay) {
        PARK_TRY(violation(*b, w.kind));
      }
    }
    // Repeated violations: the blacklist.
    for (const auto& [subject, id] : violated) {
      PARK_ASSIGN_OR_RETURN(auto vrows, tx.Query(
          "SELECT kind, at FROM logistics_violations WHERE subject = $1 AND subject_id = $2", {subject, id}));
      std::vector<Violation> list;
      for (const auto& v : vrows) list.push_back({subject, id, WarningKind::kOverstay, v.Int(1)});
      const auto decision = DecideBlacklist(list, subject, id, rules, clock);
      if (!decision) continue;
      PARK_ASSIGN_OR_RETURN(auto already, tx.QueryOne(
          "SELECT id FROM logistics_blacklist WHERE subject = $1 AND subject_id = $2 AND until_at >= $3",
          {subject, id, decision->entry.until_ms}));
      if (already) continue;
      PARK_TRY(tx.Exec("INSERT INTO logistics_blacklist (subject, subject_id, until_at, reason, created_at) VALUES "
                       "($1, $2, $3, $4, $5)",
                       {subject, id, decision->entry.until_ms, TextJson(decision->text).dump(), now}));
      PARK_TRY(store::AppendAudit(tx, src.clock, nullptr, {"blacklist", "logistics_" + subject, std::nullopt, std::nullopt,
                                                           nullptr, {{"id", id}, {"until", decision->entry.until_ms},
                                                                     {"violations", decision->count}}}));
      PARK_TRY(raise("blacklist", fmt::format("blacklist:{}:{}:{}", subject, id, decision->entry.until_ms), std::nullopt,
                     std::nullopt, subject == "plate" ? id : std::string(), decision->text, now));
    }
    return Status::Ok();
  }));
  Publish(events);
  return Status::Ok();
}

void Service::Impl::RegisterWatch(http::Router& router) {
  Impl* s = this;
  const Json str = {{"type", "string"}}, integer = {{"type", "integer"}}, number = {{"type", "number"}};
  const Json arr = {{"type", "array"}};
  const Json text = Obj({{"code", str}, {"params", Obj()}, {"message", str}});
  const Json warning = Obj({{"id", integer}, {"kind", str}, {"booking_id", integer}, {"plate", str}, {"text", text},
                            {"since", integer}, {"status", str}, {"raised_at", integer}});
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/warnings";
    r.roles = kLotReaders;
    r.doc = Doc("Warnings (overstay, late arrival, no-show, expired documents, incompatible goods in one zone, "
                "blacklisting): open ones (raised or acknowledged) by default; an enterprise user sees its docks' ones",
                nullptr, ListOf(warning));
    r.doc.query = {{"status", "string", "open (default) or all"}};
    r.handler = [s](const http::Request& req) {
      const std::string status(req.Query("status").value_or("open"));
      if (status != "open" && status != "all") return Fail(Error::Invalid("status", T("logistics.warning.status_filter")));
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
            "SELECT {} FROM logistics_warnings{} ORDER BY raised_at DESC, id DESC LIMIT 500", kWarningCols,
            status == "open" ? " WHERE status <> 'closed'" : "")));
        for (const auto& w : rows) {
          const auto ent = EnterpriseOf(w);
          if (req.Who().enterprise_id && (!ent || *ent != *req.Who().enterprise_id)) continue;
          items.push_back(WarningJson(w));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  for (bool close : {false, true}) {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = close ? "/api/v1/logistics/warnings/{id}/close" : "/api/v1/logistics/warnings/{id}/acknowledge";
    r.roles = kStaff;
    r.doc = Doc(close ? "Close a warning (handled), with a note" : "Acknowledge a warning (someone is on it), with a note",
                Obj({{"note", str}}), warning);
    r.handler = [s, close](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteRoute(*s, req, 200, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>& events) -> Status {
        JsonReader rd(body);
        auto note = rd.String("note", JsonReader::kOptional, 500);
        PARK_TRY(rd.Finish());
        PARK_ASSIGN_OR_RETURN(auto w, tx.QueryOne(fmt::format("SELECT {} FROM logistics_warnings WHERE id = $1", kWarningCols), {*id}));
        if (!w) return Error::NotFound(T("logistics.warning.not_found", {{"id", std::to_string(*id)}}));
        const std::string was = w->Text(6);
        if (was == "closed" || (!close && was == "acknowledged")) {
          return Error::Conflict(T("logistics.warning.already", {{"status", TextRef{"logistics.warning.status." + was}}}), "status");
        }
        const int64_t now = s->src.clock.NowMs();
        const std::string who = req.Who().name;
        if (close) {
          PARK_TRY(tx.Exec("UPDATE logistics_warnings SET status = 'closed', closed_at = $1, closed_by = $2, "
                           "note = CASE WHEN $3 = '' THEN note ELSE $3 END WHERE id = $4",
                           {now, who, note.value_or(""), *id}));
        } else {
          PARK_TRY(tx.Exec("UPDATE logistics_warnings SET status = 'acknowledged', acknowledged_at = $1, "
                           "acknowledged_by = $2, note = $3 WHERE id = $4", {now, who, note.value_or(""), *id}));
        }
        PARK_ASSIGN_OR_RETURN(auto nw, tx.QueryOne(fmt::format("SELECT {} FROM logistics_warnings WHERE id = $1", kWarningCols), {*id}));
        out = WarningJson(*nw);
        PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(), {close ? "close" : "acknowledge", "logistics_warning",
                                                                   *id, EnterpriseOf(*nw), {{"status", was}},
                                                                   {{"status", out["status"]}, {"note", out["note"]}}}));
        events.push_back({"logistics.warning", {{"event", close ? "close" : "acknowledge"}, {"warning", out}},
                          EnterpriseOf(*nw), kLotReaders});
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/blacklist";
    r.roles = kGateRoles;
    r.doc = Doc("Vehicles, drivers, escorts and carriers on the blacklist now, with until when and why", nullptr,
                ListOf(Obj({{"id", integer}, {"subject", str}, {"subject_id", str}, {"until", integer}, {"reason", text}})));
    r.handler = [s](const http::Request&) {
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
            "SELECT id, subject, subject_id, until_at, reason FROM logistics_blacklist WHERE until_at > $1 ORDER BY id",
            {s->src.clock.NowMs()}));
        for (const auto& b : rows) {
          const Json reason = Json::parse(b.Text(4), nullptr, false);
          items.push_back({{"id", b.Int(0)}, {"subject", b.Text(1)}, {"subject_id", b.Text(2)}, {"until", b.Int(3)},
                           {"reason", reason.is_discarded() ? Json(nullptr) : reason}});
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/logistics/blacklist";
    r.roles = kAdmin;
    r.doc = Doc("Put a vehicle (plate), driver, escort or carrier on the blacklist for `days` (default the park's "
                "blacklist days) with a note",
                Obj({{"subject", str}, {"subject_id", str}, {"days", integer}, {"note", str}}, {"subject", "subject_id"}),
                Obj(), 201);
    r.handler = [s](const http::Request& req) {
      return WriteRoute(*s, req, 201, [&](store::Tx& tx, const Json& body, Json& out, std::vector<Event>&) -> Status {
        JsonReader rd(body);
        auto subject = rd.String("subject", JsonReader::kRequired, 10);
        auto id = rd.String("subject_id", JsonReader::kRequired, 32);
        auto days = rd.Integer("days", JsonReader::kOptional);
        auto note = rd.String("note", JsonReader::kOptional, 500);
        const std::set<std::string> subjects = {"plate", "driver", "escort", "carrier"};
        if (subject && !subjects.count(*subject)) rd.Fail("subject", T("logistics.blacklist.subject"));
        if (days && (*days < 1 || *days > 3650)) rd.Fail("days", T("logistics.settings.range", {{"min", 1}, {"max", 3650}}));
        std::string key = id.value_or("");
        if (subject && *subject == "plate" && id) {
          auto p = ParsePlate(*id, "subject_id");
          if (p.ok()) key = p->text; else rd.Fail(p.error());
        }
        PARK_TRY(rd.Finish());
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LoadSettings(tx));
        const int64_t now = s->src.clock.NowMs();
        const int64_t until = now + days.value_or(settings.rules.blacklist_days) * kMsPerDay;
        const Text why = T("logistics.reason.note", {{"note", note.value_or("")}});
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO logistics_blacklist (subject, subject_id, until_at, reason, created_at) VALUES ($1, $2, $3, $4, $5) "
            "RETURNING id", {*subject, key, until, TextJson(why).dump(), now}));
        out = {{"id", row->Int(0)}, {"subject", *subject}, {"subject_id", key}, {"until", until}, {"reason", TextJson(why)}};
        PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(), {"blacklist", "logistics_" + *subject, row->Int(0),
                                                                   std::nullopt, nullptr, out}));
        return Status::Ok();
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/prediction/waits";
    r.roles = kEveryone;
    r.doc = Doc("Expected wait per dock and hour of a day: the vehicles still to be served played through each dock's "
                "places with the lateness and service times observed so far (an enterprise user: its docks)",
                nullptr, Obj({{"items", arr}, {"model", Obj()}, {"explanation", text}}));
    r.doc.query = {{"date", "string", "park-local day YYYY-MM-DD (default today)"}};
    r.handler = [s](const http::Request& req) {
      const int64_t now = s->src.clock.NowMs();
      auto day = DateQuery(req, "date", now, kChinaUtcOffsetMin);
      if (!day.ok()) return Fail(day.error());
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        std::map<int64_t, std::string> names;
        PARK_ASSIGN_OR_RETURN(auto docks, s->LoadDocks(tx, &names));
        const int64_t from = DayStartMs(*day, kChinaUtcOffsetMin);
        PARK_ASSIGN_OR_RETURN(auto visits, s->LoadVisits(tx, from, from + kMsPerDay, false));
        std::erase_if(visits, [&](const Visit& v) { return v.slot_start_ms < from || v.slot_start_ms >= from + kMsPerDay; });
        const FixedClock clock(now);
        WaitModel model;
        const auto waits = PredictWaits(visits, docks, clock, &model);
        Json items = Json::array();
        for (const auto& w : waits) {
          const int64_t dock_id = std::stoll(w.dock_id);
          const auto d = std::find_if(docks.begin(), docks.end(), [&](const Dock& x) { return x.id == w.dock_id; });
          if (d != docks.end() && !req.Who().CanSeeEnterprise(std::stoll(d->enterprise_id))) continue;
          items.push_back({{"dock_id", dock_id}, {"dock_name", names[dock_id]}, {"hour_start", w.hour_start_ms},
                           {"vehicles", w.vehicles}, {"mean_wait_min", w.mean_wait_min}, {"max_wait_min", w.max_wait_min}});
        }
        Json service = Json::array();
        for (const auto& [dock, minutes] : model.service_min) {
          service.push_back({{"dock_id", std::stoll(dock)}, {"minutes", minutes}});
        }
        out = {{"date", FormatDay(*day)},
               {"items", items},
               {"model", {{"mean_lateness_min", model.mean_lateness_min}, {"service_min", service}}},
               {"explanation", TextJson(T("logistics.prediction.explanation",
                                          {{"lateness_min", model.mean_lateness_min}}))}};
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/prediction/risk";
    r.roles = kLotReaders;
    r.doc = Doc("A risk score per booking of a day with its reasons: the goods and quantity, the vehicle's and "
                "driver's violations and no-shows on record, documents expired or near expiry",
                nullptr, ListOf(Obj({{"booking_id", integer}, {"plate", str}, {"score", integer}, {"level", str},
                                     {"terms", arr}})));
    r.doc.query = {{"date", "string", "park-local day YYYY-MM-DD (default today)"}};
    r.handler = [s](const http::Request& req) {
      const int64_t now = s->src.clock.NowMs();
      auto day = DateQuery(req, "date", now, kChinaUtcOffsetMin);
      if (!day.ok()) return Fail(day.error());
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LoadSettings(tx));
        PARK_ASSIGN_OR_RETURN(auto goods, s->Goods(tx));
        const int64_t from = DayStartMs(*day, kChinaUtcOffsetMin);
        store::Params params = {from, from + kMsPerDay};
        PARK_ASSIGN_OR_RETURN(std::string scope, s->Scope(tx, &req.Who(), params));
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBookingSelect +
            " WHERE b.slot_start >= $1 AND b.slot_start < $2 AND b.status NOT IN ('cancelled', 'refused')" + scope +
            " ORDER BY b.slot_start, b.id", params));
        const int64_t window_from = now - settings.rules.violation_window_days * kMsPerDay;
        const FixedClock clock(now);
        for (const auto& b : rows) {
          RiskInput in;
          const Json lines = Json::parse(b.Text(col::kGoods), nullptr, false);
          if (lines.is_array()) {
            for (const auto& l : lines) {
              if (const auto* g = goods->Find(l.value("un_number", ""))) in.goods.emplace_back(g, l.value("quantity_kg", 0.0));
            }
          }
          PARK_ASSIGN_OR_RETURN(auto v, tx.QueryOne(
              "SELECT COUNT(*), SUM(CASE WHEN kind = 'no_show' THEN 1 ELSE 0 END) FROM logistics_violations WHERE "
              "at >= $1 AND ((subject = 'plate' AND subject_id = $2) OR (subject = 'driver' AND subject_id = $3))",
              {window_from, b.Text(col::kPlate), std::to_string(b.Int(col::kDriver))}));
          in.no_shows = static_cast<int>(v->Int(1));
          in.violations = static_cast<int>(v->Int(0)) - in.no_shows;
          PARK_ASSIGN_OR_RETURN(in.documents, s->DocumentsOf(tx, b.Int(col::kVehicle), b.Int(col::kDriver), b.OptInt(col::kEscort)));
          const Risk risk = RiskScore(in, settings.rules, clock);
          Json terms = Json::array();
          for (const auto& t : risk.terms) terms.push_back({{"points", t.points}, {"reason", TextJson(t.reason)}});
          items.push_back({{"booking_id", b.Int(col::kId)}, {"plate", b.Text(col::kPlate)}, {"status", b.Text(col::kStatus)},
                           {"slot_start", b.Int(col::kSlotStart)}, {"dock_name", b.Text(col::kDockName)},
                           {"score", risk.score}, {"level", risk.level}, {"terms", terms}});
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
    r.pattern = "/api/v1/logistics/kpis";
    r.roles = kDockKeepers;
    r.doc = Doc("KPIs over park-local days per dock, enterprise or carrier: bookings, arrivals, completions, no-shows, "
                "mean dwell (gate in to out) and turn time (dock start to gate out), on-time and no-show rates, dock "
                "utilisation (booked slot minutes over open minutes times places); an enterprise user sees its own rows",
                nullptr, Obj({{"group", str}, {"from", str}, {"to", str}, {"items", arr}, {"explanation", arr}}));
    r.doc.query = {{"from", "string", "first day YYYY-MM-DD (default 6 days before to)"},
                   {"to", "string", "last day YYYY-MM-DD (default today)"},
                   {"group", "string", "dock (default), enterprise or carrier"}};
    r.handler = [s](const http::Request& req) {
      const int64_t now = s->src.clock.NowMs();
      auto to = DateQuery(req, "to", now, kChinaUtcOffsetMin);
      if (!to.ok()) return Fail(to.error());
      auto from = req.Query("from") ? DateQuery(req, "from", now, kChinaUtcOffsetMin) : Result<int64_t>(*to - 6);
      if (!from.ok()) return Fail(from.error());
      if (*from > *to || *to - *from > 366) return Fail(Error::Invalid("from", T("logistics.kpi.window")));
      const std::string group(req.Query("group").value_or("dock"));
      KpiGroup g = KpiGroup::kDock;
      if (group == "enterprise") {
        g = KpiGroup::kEnterprise;
      } else if (group == "carrier") {
        g = KpiGroup::kCarrier;
      } else if (group != "dock") {
        return Fail(Error::Invalid("group", T("logistics.kpi.group")));
      }
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LoadSettings(tx));
        std::map<int64_t, std::string> dock_names;
        PARK_ASSIGN_OR_RETURN(auto docks, s->LoadDocks(tx, &dock_names));
        const int64_t start = DayStartMs(*from, kChinaUtcOffsetMin), end = DayStartMs(*to + 1, kChinaUtcOffsetMin);
        PARK_ASSIGN_OR_RETURN(auto visits, s->LoadVisits(tx, start, end, false));
        // An enterprise user: only its docks' visits.
        if (const auto ent = req.Who().enterprise_id) {
          std::erase_if(docks, [&](const Dock& d) { return d.enterprise_id != std::to_string(*ent); });
          std::erase_if(visits, [&](const Visit& v) {
            return std::none_of(docks.begin(), docks.end(), [&](const Dock& d) { return d.id == v.dock_id; });
          });
        }
        std::map<std::string, std::string> names;
        for (const auto& [id, name] : dock_names) names[std::to_string(id)] = name;
        PARK_ASSIGN_OR_RETURN(auto erows, tx.Query(
            g == KpiGroup::kCarrier ? "SELECT id, name FROM logistics_carriers" : "SELECT id, name FROM enterprises"));
        std::map<std::string, std::string> other;
        for (const auto& e : erows) other[std::to_string(e.Int(0))] = e.Text(1);
        const auto rows = Kpis(visits, docks, g, *from, *to, settings.rules);
        Json items = Json::array();
        auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
        for (const auto& k : rows) {
          const std::string name = g == KpiGroup::kDock ? names[k.key] : other[k.key];
          items.push_back({{"key", k.key}, {"name", name}, {"bookings", k.bookings}, {"arrived", k.arrived},
                           {"completed", k.completed}, {"no_shows", k.no_shows}, {"mean_dwell_min", opt(k.mean_dwell_min)},
                           {"mean_turn_min", opt(k.mean_turn_min)}, {"on_time_rate", opt(k.on_time_rate)},
                           {"no_show_rate", opt(k.no_show_rate)}, {"utilisation", opt(k.utilisation)}});
        }
        Json explanation = Json::array();
        for (const char* k : {"dwell", "turn", "on_time", "no_show", "utilisation"}) {
          explanation.push_back(TextJson(T(std::string("logistics.kpi.explain.") + k,
                                           {{"tolerance_min", settings.rules.on_time_tolerance_min}})));
        }
        out = {{"group", group}, {"from", FormatDay(*from)}, {"to", FormatDay(*to)}, {"items", items},
               {"explanation", explanation}};
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/logistics/screen";
    // The big screen's wall display (a viewer token): plates and classes only, no names, phones or quantities.
    r.roles = kScreenReaders;
    r.doc = Doc("The big screen's hazardous-goods panel: vehicles in the park by class and by lot zone, the queue for "
                "the docks and the warnings being handled (plates and danger labels only)",
                nullptr, Obj({{"in_park", integer}, {"park_cap", integer}, {"inside", integer}, {"by_class", arr},
                              {"zones", arr}, {"queue", arr}, {"warnings", arr}}));
    r.handler = [s](const http::Request&) {
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(Settings settings, s->LoadSettings(tx));
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kBookingSelect +
            " WHERE b.gate_in_at IS NOT NULL AND b.gate_out_at IS NULL ORDER BY b.gate_in_at, b.id"));
        std::map<std::string, int> by_class;
        int in_park = 0;
        Json queue = Json::array();
        std::map<int64_t, Json> zone_vehicles;
        for (const auto& b : rows) {
          const auto labels = LabelsOf(b);
          if (!labels.empty()) ++by_class[labels.front()];
          const bool lot = b.Text(col::kStatus) == "arrived" && b.IsNull(col::kCalled);
          if (!b.IsNull(col::kCalled)) ++in_park;
          if (lot) {
            queue.push_back({{"plate", b.Text(col::kPlate)}, {"dock_name", b.Text(col::kDockName)}, {"labels", labels},
                             {"walk_in", b.Int(col::kWalkIn) != 0}, {"appointment", b.Int(col::kSlotStart)}});
            if (!b.IsNull(col::kZone)) zone_vehicles[b.Int(col::kZone)].push_back({{"plate", b.Text(col::kPlate)}, {"labels", labels}});
          }
        }
        Json classes = Json::array();
        for (const auto& [label, n] : by_class) classes.push_back({{"label", label}, {"count", n}});
        PARK_ASSIGN_OR_RETURN(auto zrows, tx.Query("SELECT id, name, capacity FROM logistics_zones ORDER BY id"));
        Json zones = Json::array();
        for (const auto& z : zrows) {
          zones.push_back({{"id", z.Int(0)}, {"name", z.Text(1)}, {"capacity", z.Int(2)},
                           {"vehicles", zone_vehicles.count(z.Int(0)) ? zone_vehicles[z.Int(0)] : Json::array()}});
        }
        PARK_ASSIGN_OR_RETURN(auto wrows, tx.Query(fmt::format(
            "SELECT {} FROM logistics_warnings WHERE status <> 'closed' ORDER BY raised_at DESC, id DESC LIMIT 50", kWarningCols)));
        Json warnings = Json::array();
        for (const auto& w : wrows) {
          const Json j = WarningJson(w);
          warnings.push_back({{"id", j["id"]}, {"kind", j["kind"]}, {"plate", j["plate"]}, {"text", j["text"]},
                              {"status", j["status"]}, {"since", j["since"]}});
        }
        out = {{"in_park", in_park}, {"park_cap", settings.rules.park_vehicle_cap}, {"inside", rows.size()},
               {"by_class", classes}, {"zones", zones}, {"queue", queue}, {"warnings", warnings}};
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
}

}  // namespace park::logistics
