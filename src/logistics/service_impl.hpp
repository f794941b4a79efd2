// The logistics service's insides, shared by its route files (service.cpp: records, docks, settings;
// service_bookings.cpp: bookings, gate, lot and calling; service_watch.cpp: warnings job, prediction, KPIs and the
// screen). Private to src/logistics.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "park/core/json.hpp"
#include "park/logistics/booking.hpp"
#include "park/logistics/goods.hpp"
#include "park/logistics/monitor.hpp"
#include "park/logistics/service.hpp"
#include "park/logistics/vehicle.hpp"

namespace park::logistics {

// Role lists of the routes (and of their live-feed twins).
extern const std::vector<Role> kStaff;         // park_admin, park_staff
extern const std::vector<Role> kAdmin;         // park_admin
extern const std::vector<Role> kEveryone;      // staff, enterprise_user, driver, gate
extern const std::vector<Role> kBookers;       // staff, enterprise_user, driver
extern const std::vector<Role> kDockKeepers;   // staff, enterprise_user
extern const std::vector<Role> kGateRoles;     // staff, gate
extern const std::vector<Role> kLotReaders;    // staff, gate, enterprise_user
extern const std::vector<Role> kScreenReaders;  // staff, viewer

// The park's rules as stored (settings row, JSON) with the call webhook.
struct Settings {
  ParkRules rules;
  std::string call_webhook_url;
};
Settings SettingsFrom(const Json& body);
Json SettingsJson(const Settings& s, bool with_webhook);

// One booking row with the names joined in (kBookingSelect ... WHERE ...).
extern const std::string kBookingSelect;
namespace col {
enum : size_t {
  kId, kPlate, kVehicle, kCarrier, kDriver, kEscort, kDock, kEnterprise, kOperation, kSlotStart, kSlotEnd,
  kServiceEnd, kGoods, kLabels, kStatus, kReason, kWalkIn, kZone, kGateIn, kCalled, kDockStart, kDockEnd, kGateOut,
  kCreated, kCarrierName, kDriverName, kDockName, kEnterpriseName, kZoneName, kDriverUser
};
}
Json BookingJson(const store::Row& r);

// A vehicle's documents from the columns kVehicleDocumentCols (alias v) starting at `first`; a person's
// qualification from (qualification_no, qualification_expires) starting at `first`.
inline constexpr std::string_view kVehicleDocumentCols =
    "v.tank, v.permit_no, v.permit_expires, v.tank_cert_no, v.tank_cert_expires";
void AddVehicleDocuments(const store::Row& r, size_t first, std::vector<Document>& docs, bool* tank = nullptr);
void AddPersonDocument(const store::Row& r, size_t first, DocumentKind kind, std::vector<Document>& docs);
std::vector<std::string> LabelsOf(const store::Row& r);

// An event to publish once the transaction that made it has committed.
struct Event {
  Event() = default;
  Event(std::string t, Json p, std::optional<int64_t> e, std::vector<Role> r, int64_t u = 0)
      : type(std::move(t)), payload(std::move(p)), enterprise_id(e), readers(std::move(r)), user_id(u) {}
  std::string type;
  Json payload;
  std::optional<int64_t> enterprise_id;
  std::vector<Role> readers;
  int64_t user_id = 0;  // > 0: to this user only
  std::string webhook_url;  // set: post {msgtype, text} with `webhook_text` there instead
  std::string webhook_text;
};

struct Service::Impl {
  explicit Impl(ServiceSources s) : src(std::move(s)) {}

  ServiceSources src;

  // The goods table: the shipped one plus the park's rows, rebuilt when the park adds one.
  std::mutex goods_mutex;
  std::shared_ptr<const GoodsTable> goods;
  Result<std::shared_ptr<const GoodsTable>> Goods(store::Tx& tx);
  void ForgetGoods();

  // The job's thread.
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::thread worker;
  void Loop();

  Principal System() const;
  void Publish(const std::vector<Event>& events);

  // Serialises the writes that count places (bookings, the lot, calls): SQLite has one writer anyway; on
  // PostgreSQL this row lock is held until the transaction ends.
  Status Lock(store::Tx& tx);
  // Lock, and the park's rules read in the same statement (the gate's path counts statements).
  Result<Settings> LockSettings(store::Tx& tx);
  Result<Settings> LoadSettings(store::Tx& tx);
  // The configured docks (id = facility id), with each dock's name.
  Result<std::vector<Dock>> LoadDocks(store::Tx& tx, std::map<int64_t, std::string>* names = nullptr);
  // The driver record of a driver user, or an error naming `field`.
  Result<int64_t> DriverOf(store::Tx& tx, const Principal& who);
  // The WHERE fragment ("" or " AND ...") that scopes bookings (alias b) to what `who` may see; `params` gets the
  // value appended.
  Result<std::string> Scope(store::Tx& tx, const Principal* who, store::Params& params);
  Result<std::optional<store::Row>> VisibleBooking(store::Tx& tx, const Principal* who, int64_t id);

  // The operations (one transaction each, the caller's).
  // walk_in: a vehicle that came without a booking, registered at the gate for now: every check but the slot's
  // (hours, grid, lead time, cutoff, places and class caps); it is called after the booked vehicles.
  Result<Json> Book(store::Tx& tx, const Principal* who, const Json& body, int64_t now, bool check_only,
                    std::vector<Event>& events, bool walk_in = false);
  // Moves booking `b` to `to` (history, audit and events) and returns its row after the change. extra_set: more
  // "column = $5, ..." assignments for the same UPDATE, with their values in `extra` ($1-$4 are taken).
  Result<store::Row> Transition(store::Tx& tx, const Principal* who, const store::Row& b, BookingStatus to,
                                const Text& reason, int64_t now, const std::string& extra_set,
                                const store::Params& extra, std::vector<Event>& events);
  Result<Json> Gate(store::Tx& tx, const Principal* who, const Json& body, int64_t now, std::vector<Event>& events);
  // Calls the next vehicle of the dock when it and the park have room (the caller holds Lock).
  Result<Json> TryCall(store::Tx& tx, const Settings& settings, int64_t dock_id, int64_t now,
                       std::vector<Event>& events);
  Result<Json> DockStep(store::Tx& tx, const Principal* who, int64_t id, bool start, int64_t now,
                        std::vector<Event>& events);
  Result<Json> CreateRecord(store::Tx& tx, const Principal* who, const std::string& what, const Json& body);
  Result<Json> PatchRecord(store::Tx& tx, const Principal* who, const std::string& what, int64_t id,
                           const Json& body);
  Status SaveDock(store::Tx& tx, const Principal* who, int64_t facility_id, const Json& body);
  Status SaveSettings(store::Tx& tx, const Principal* who, const Json& body);
  Status RunJob(int64_t now);

  // Reads for the monitor: visits with their documents for bookings whose slot lies in [from, to) or that are
  // inside now; and the waiting lot's zones with the vehicles in them.
  Result<std::vector<Visit>> LoadVisits(store::Tx& tx, int64_t from, int64_t to, bool with_documents = true);
  Result<std::vector<Zone>> LoadZones(store::Tx& tx, std::map<std::string, std::string>* names = nullptr);
  Result<std::vector<Document>> DocumentsOf(store::Tx& tx, int64_t vehicle_id, int64_t driver_id,
                                            std::optional<int64_t> escort_id, bool* tank = nullptr);

  void RegisterRecords(http::Router& router);
  void RegisterBookings(http::Router& router);
  void RegisterWatch(http::Router& router);
};

// Request helpers.
http::Response Fail(const Error& e);
http::RouteDoc Doc(std::string summary, Json request, Json response, int status = 200);
Json Obj(Json properties = Json::object(), std::vector<std::string> required = {});
Json ListOf(Json item);
// Parses the body (an empty body is {}), runs `fill` in one write transaction, publishes its events after commit.
template <typename Fill>
http::Response WriteRoute(Service::Impl& s, const http::Request& req, int status, Fill fill) {
  auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
  if (!body.ok()) return Fail(body.error());
  Json out;
  std::vector<Event> events;
  auto st = s.src.store.Write([&](store::Tx& tx) -> Status {
    events.clear();
    return fill(tx, *body, out, events);
  });
  if (!st.ok()) return Fail(st.error());
  s.Publish(events);
  return http::Response::FromJson(out, status);
}
// A park-local date query ("YYYY-MM-DD", default: today at `now`): the day number.
Result<int64_t> DateQuery(const http::Request& req, const char* key, int64_t now, int utc_offset_min);
std::string HourMinute(int minute);
Result<int> ParseHourMinute(std::string_view text, const std::string& field);

}  // namespace park::logistics
