// The Modbus service (issue 12, item 8) under /api/v1/modbus/…, storage in migration 0009: Modbus TCP devices
// (a numeric host, port, unit id, poll interval, timeout) with their register maps, and a poller that reads each
// device at its interval and hands the values to telemetry as points of the registers' sensors, so they are
// validated, stored, alarmed on (the no-data rules of an unreachable device's sensors included) and pushed live
// like every other ingest. park_admin and integrator configure devices, park_staff reads them; every write is
// audited. Devices whose sensors all belong to one enterprise are that enterprise's; scoped callers see only
// theirs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/result.hpp"
#include "park/http/metrics.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::modbus {

struct ServiceSources {
  store::Store& store;
  const Clock& clock;
  // Takes one JSON telemetry body ([{"ts":…,"values":{sensor_key: value}}]) into telemetry (the app wires it to
  // telemetry::Service::WriteJson with a park-wide device principal); an error when refused.
  std::function<Status(const std::string& json_body)> ingest;
};

class Service {
 public:
  explicit Service(ServiceSources sources);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void Register(http::Router& router);
  // parkbrain_modbus_* counters (polls, failures, values) for /metrics; the service must outlive `metrics`.
  void RegisterMetrics(http::Metrics& metrics);
  // Loads the stored devices and starts polling the enabled ones; Stop ends every device's thread.
  Status Start();
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A host a device may be polled at: a numeric IPv4 or IPv6 address (no names, so nothing is resolved), read with
// the same parser as the webhook check (every spelling of an address is recognised). Plant networks are private,
// and a gateway or the demo's simulator may run on this host, so global, private, shared (CGNAT) and loopback
// addresses are allowed; unspecified, link-local (cloud metadata), multicast, broadcast, documentation and
// reserved addresses are refused. Errors name `field`. Returns the address in canonical form.
Result<std::string> CheckDeviceHost(std::string_view host, const std::string& field);

// Stores a device from its JSON (the body POST takes) as the system (the demo seeder), checked like a request;
// returns its id. A running service picks it up at Start.
Result<int64_t> CreateDevice(store::Store& store, const Clock& clock, const Json& body);

}  // namespace park::modbus
