// The hazardous-chemical vehicle appointments service (issue 13) under /api/v1/logistics/…, storage in migration
// 0011: carriers, vehicles, drivers and escorts with their documents, the enterprises' loading docks, the park's
// goods and rules, bookings through the library's checks and status machine, gate events answered with a decision
// and a waiting-lot zone, calling vehicles to their docks, warnings from a periodic job, prediction, KPIs and the
// big screen. A driver sees its own bookings, an enterprise user the bookings at its docks, park roles all.
// Capacity checks and the insert run in one write transaction that first updates the settings row: SQLite writes
// one transaction at a time, PostgreSQL holds the row lock until commit, so no slot or class cap is overbooked.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/outbound.hpp"
#include "park/core/principal.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::logistics {

struct ServiceSources {
  store::Store& store;
  const Clock& clock;
  http::LiveHub* hub = nullptr;  // bookings, gate events, calls and warnings go to the live feed
  int64_t job_interval_ms = 5000;  // how often the warnings job runs
  // A call is also posted to the park's call webhook (an SMS gateway or a DingTalk/WeCom robot): the app's sender,
  // which connects only to addresses the policy allows; the same policy checks the URL when the settings are saved.
  std::function<Status(const std::string& url, const std::string& json_body)> webhook;
  OutboundPolicy webhook_policy;
};

class Service {
 public:
  explicit Service(ServiceSources sources);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void Register(http::Router& router);
  void Start();
  void Stop();
  // One pass of the warnings job at the clock's now: warnings raised, no-shows set, violations recorded and the
  // blacklist decided.
  Status RunOnce();

  // The service's own operations as the routes run them, for the demo's seeding. `who` nullptr: the system.
  // `now_ms` is the instant the operation happens at (a booking made the day before, a gate event at 07:50).
  Result<Json> Book(const Principal* who, const Json& body, int64_t now_ms);
  Result<Json> GateEvent(const Principal* who, const Json& body, int64_t now_ms);
  Result<Json> DockStart(const Principal* who, int64_t booking_id, int64_t now_ms);
  Result<Json> DockFinish(const Principal* who, int64_t booking_id, int64_t now_ms);
  Result<Json> Create(const Principal* who, const std::string& what, const Json& body);  // carriers, vehicles, ...
  Status ConfigureDock(const Principal* who, int64_t facility_id, const Json& body);
  Status UpdateSettings(const Principal* who, const Json& body);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Creates the service and registers its routes; the caller keeps it and starts it with the server.
std::unique_ptr<Service> Register(http::Router& router, ServiceSources sources);

// The demo park's hazardous-goods traffic around the clock's now (PRODUCT.md section 6): zones, carriers,
// vehicles, drivers and escorts (the first driver linked to `driver_user_id`), docks at `dock_facilities`, a day of
// bookings and gate events through the service's own code, an overstay, a no-show, an expired tank certificate
// refused at booking and an incompatible pair kept apart in the lot.
Status SeedDemo(Service& service, store::Store& store, const Clock& clock, int64_t driver_user_id,
                const std::vector<int64_t>& dock_facilities);

}  // namespace park::logistics
