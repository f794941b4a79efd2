// The Modbus poller: one thread per device, so a slow or dead device only ever waits on its own timeouts. Each
// thread reads its device's planned requests with libmodbus at the device's interval (a deadline schedule on the
// steady clock: a late cycle is measured, missed cycles are skipped, never bunched), hands the decoded values to
// the ingest callback as one JSON telemetry record, and reconnects with exponential backoff after a failure.
// Private to src/modbus.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/result.hpp"
#include "park/modbus/modbus.hpp"

namespace park::modbus {

struct DeviceConfig {
  int64_t id = 0;
  std::string host;  // a checked numeric address
  int port = 502;
  int unit_id = 1;
  int64_t poll_interval_ms = 1000;
  int64_t timeout_ms = 500;  // libmodbus connect and response timeout
  std::vector<Register> registers;
};

// What GET shows of a device's polling.
struct DeviceStatus {
  bool running = false;
  bool connected = false;
  int64_t polls = 0;      // cycles attempted
  int64_t failures = 0;   // cycles that failed (connect, timeout, exception, ingest)
  int64_t skipped = 0;    // cycles not started because the previous one overran its slot
  std::optional<int64_t> last_poll_at;  // epoch ms
  std::optional<int64_t> last_ok_at;
  Text last_error;        // empty when the last cycle succeeded
  int64_t values = 0;     // values handed to telemetry
  std::optional<int64_t> next_attempt_in_ms;  // during backoff
  std::vector<int64_t> lateness_us;           // start lateness of the last cycles (at most 4096), microseconds
};

// Takes one JSON telemetry body ([{"ts":…,"values":{sensor_key: value}}]) into telemetry; an error when refused.
using Ingest = std::function<Status(const std::string& json_body)>;

class Poller {
 public:
  Poller(const Clock& clock, Ingest ingest);
  ~Poller();  // stops every device
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Starts (or restarts with the new configuration) the device's thread.
  void Upsert(const DeviceConfig& device);
  void Remove(int64_t id);
  void StopAll();
  std::optional<DeviceStatus> Status(int64_t id) const;
  std::vector<int64_t> Devices() const;

  struct Worker;

 private:
  const Clock& clock_;
  Ingest ingest_;
  mutable std::mutex mu_;
  std::map<int64_t, std::unique_ptr<Worker>> workers_;
};

}  // namespace park::modbus
