// The demo park's Modbus TCP device: the battery's power conversion system (PCS), served by the simulator on
// 127.0.0.1:kDemoModbusPort with a few registers in different types and orders, and the device configuration
// the demo seeds so `make demo` polls it through the Modbus service.
#pragma once

#include <atomic>
#include <thread>

#include "park/core/clock.hpp"
#include "park/store/store.hpp"

namespace park::app {

inline constexpr int kDemoModbusPort = 1502;
// Sensors under this key prefix are read by the Modbus poller, not written by the simulator's gateway.
inline constexpr const char* kDemoModbusKeyPrefix = "bess.pcs.";

// Adds the PCS sensors to the park's flow battery and the Modbus device that feeds them (once, when seeded).
Status SeedModbusDemo(store::Store& store, const Clock& clock);

// The simulated PCS: a libmodbus server on 127.0.0.1 whose registers follow the clock.
class DemoModbusDevice {
 public:
  explicit DemoModbusDevice(const Clock& clock) : clock_(clock) {}
  ~DemoModbusDevice() { Stop(); }
  Status Start();
  void Stop();

 private:
  void Serve(int listener);
  const Clock& clock_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace park::app
