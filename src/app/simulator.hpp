// The demo park's devices: every sensor and meter reports every 10 s through the same ingest path as a gateway,
// one HJ 212 data logger at the wastewater outlet sends real frames over TCP, and a few things go wrong on a
// schedule (a reactor overheats, a pump vibrates, a device drops off the network) so alarms happen.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/renewables_sim.hpp"
#include "park/core/clock.hpp"
#include "park/store/store.hpp"
#include "park/telemetry/service.hpp"

namespace park::app {

class DemoModbusDevice;  // demo_modbus.hpp

// The monitoring point the demo registers (its sensors' keys start with "<mn>.").
inline constexpr const char* kDemoMonitorMn = "33030400000001";

// Registers the demo's monitoring point and alarm rules (once, when the park is seeded).
Status SeedTelemetryDemo(store::Store& store, const Clock& clock);

// The demo park's layout map (demo_layout.cpp); after SeedTelemetryDemo, whose outlet monitor it places.
Status SeedLayoutDemo(store::Store& store, const Clock& clock);

class Simulator {
 public:
  Simulator(store::Store& store, telemetry::Service& telemetry, const Clock& clock, std::string hj212_address);
  ~Simulator();
  // Writes `hours` of history (5-minute readings; meters every 15 minutes for `meter_days`) so charts have data.
  Status Backfill(int hours, int meter_days);
  void Start();
  void Stop();

 private:
  struct Sensor {
    int64_t id = 0;
    std::string key;
    std::string kind;
    std::string quantity;
    std::optional<double> low, high;
    double phase = 0;
    double counter = 0;  // meters
    double rate = 0;     // meters: units per second
    std::optional<RenewableSensor> renewable;  // wind turbines, PV arrays and the battery
  };
  Status Load();
  double ValueAt(const Sensor& s, int64_t at_ms) const;
  std::string Lines(int64_t at_ms, bool meters_only);
  void Loop();
  void SendHj212(int64_t at_ms, std::string_view cn);

  store::Store& store_;
  telemetry::Service& telemetry_;
  const Clock& clock_;
  std::string hj212_address_;
  std::vector<Sensor> sensors_;
  std::string offline_key_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int hj212_fd_ = -1;
  std::unique_ptr<DemoModbusDevice> modbus_;  // the battery PCS, polled over Modbus TCP
};

}  // namespace park::app
