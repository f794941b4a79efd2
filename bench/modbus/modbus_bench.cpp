// Does Modbus polling hold its interval at scale? 200 devices × 50 registers each (10 float32, 10 uint32 and 30
// int16/uint16 in mixed byte and word orders: 70 registers, one read request per device) polled every 1 s by the
// service's poller (a thread per device, libmodbus, 500 ms timeouts) against modbus_test_server listening on 200
// loopback ports. Values are handed to an ingest callback that builds nothing further (telemetry's write path is
// measured by bench_telemetry); what is measured is each cycle's start lateness against its schedule, polls per
// device against the elapsed time, failures and skipped cycles.
//
//   bench_modbus [--devices 200] [--registers 50] [--interval-ms 1000] [--seconds 30] [--server PATH]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "modbus/poller.hpp"

namespace {

using namespace park::modbus;

std::vector<Register> DeviceRegisters(int n) {
  std::vector<Register> regs;
  uint16_t address = 0;
  const ValueType types[] = {ValueType::kFloat32, ValueType::kUint32, ValueType::kInt16, ValueType::kUint16,
                             ValueType::kInt16};
  const Order orders[] = {Order::kABCD, Order::kCDAB, Order::kBADC, Order::kDCBA};
  for (int i = 0; i < n; ++i) {
    // 10 float32, 10 uint32 for 50 registers; the rest 16-bit.
    const ValueType t = i < n / 5 ? ValueType::kFloat32 : i < 2 * n / 5 ? ValueType::kUint32 : types[2 + i % 3];
    regs.push_back({.table = Table::kHolding, .address = address, .type = t, .order = orders[i % 4], .scale = 0.1,
                    .offset = 0, .sensor_key = "dev.r" + std::to_string(i)});
    address = static_cast<uint16_t>(address + Width(t));
  }
  return regs;
}

double Pct(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1)))]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  int devices = 200, registers = 50, interval_ms = 1000, seconds = 30;
  std::string server = PARK_MODBUS_TEST_SERVER;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--devices") devices = std::atoi(argv[i + 1]);
    else if (a == "--registers") registers = std::atoi(argv[i + 1]);
    else if (a == "--interval-ms") interval_ms = std::atoi(argv[i + 1]);
    else if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
    else if (a == "--server") server = argv[i + 1];
  }
  // The test server on `devices` ephemeral loopback ports; its first lines name them.
  int out[2];
  if (pipe(out) != 0) return 1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    const std::string ports = std::to_string(devices);
    execl(server.c_str(), server.c_str(), "--ports", ports.c_str(), "--fill", "4096", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* in = fdopen(out[0], "r");
  std::vector<int> ports;
  char line[128];
  while (static_cast<int>(ports.size()) < devices && std::fgets(line, sizeof line, in)) {
    unsigned port = 0;
    if (std::sscanf(line, "listening 127.0.0.1:%u", &port) == 1) ports.push_back(static_cast<int>(port));
  }
  if (static_cast<int>(ports.size()) != devices) {
    std::fprintf(stderr, "test server did not start (%s)\n", server.c_str());
    return 1;
  }

  park::SystemClock clock;
  std::atomic<int64_t> values{0}, batches{0};
  Poller poller(clock, [&](const std::string& body) -> park::Status {
    values += static_cast<int64_t>(std::count(body.begin(), body.end(), ':')) - 2;  // "ts", "values", one per value
    ++batches;
    return {};
  });
  const auto regs = DeviceRegisters(registers);
  const auto t0 = std::chrono::steady_clock::now();
  for (int d = 0; d < devices; ++d) {
    poller.Upsert({.id = d + 1, .host = "127.0.0.1", .port = ports[static_cast<size_t>(d)], .unit_id = 1,
                   .poll_interval_ms = interval_ms, .timeout_ms = std::min(500, interval_ms / 2), .registers = regs});
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<int64_t> lateness;
  int64_t polls = 0, failures = 0, skipped = 0, min_polls = INT64_MAX;
  for (int64_t id : poller.Devices()) {
    auto s = poller.Status(id);
    polls += s->polls;
    failures += s->failures;
    skipped += s->skipped;
    min_polls = std::min(min_polls, s->polls);
    lateness.insert(lateness.end(), s->lateness_us.begin(), s->lateness_us.end());
  }
  poller.StopAll();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  const double expected = elapsed * 1000.0 / interval_ms;
  std::printf("devices %d x registers %d (%zu read request(s) each) every %d ms for %.1f s\n", devices, registers,
              PlanReads(regs).size(), interval_ms, elapsed);
  std::printf("polls %lld (%.1f per device, %.1f expected; fewest %lld), failures %lld, skipped %lld, values %lld\n",
              static_cast<long long>(polls), static_cast<double>(polls) / devices, expected,
              static_cast<long long>(min_polls), static_cast<long long>(failures), static_cast<long long>(skipped),
              static_cast<long long>(values.load()));
  std::printf("cycle start lateness ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%zu cycles)\n",
              Pct(lateness, 0.5), Pct(lateness, 0.9), Pct(lateness, 0.99), Pct(lateness, 0.999), Pct(lateness, 1.0),
              lateness.size());
  const bool held = failures == 0 && skipped == 0 && static_cast<double>(min_polls) >= expected - 1.5;
  std::printf("interval %s\n", held ? "held" : "NOT held");
  return held ? 0 : 1;
}
