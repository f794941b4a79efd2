// The Modbus poller: a thread per device with libmodbus (see poller.hpp for the contract).
#include "modbus/poller.hpp"

#include <modbus.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <nlohmann/json.hpp>

namespace park::modbus {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr size_t kLatenessSamples = 4096;
constexpr int64_t kMaxBackoffMs = 30'000;

// The error of the last libmodbus call as a code (what GET shows; the web app says it in the user's language).
Text LastError(int err, std::string_view stage) {
  const TextRef during{"modbus.stage." + std::string(stage)};
  if (err == ETIMEDOUT) return T("modbus.error.timeout", {{"during", during}});
  if (err >= MODBUS_ENOBASE && err <= MODBUS_ENOBASE + 11) {  // an exception response: the device answered
    return T("modbus.error.exception", {{"exception", std::to_string(err - MODBUS_ENOBASE)}, {"during", during}});
  }
  if (err > MODBUS_ENOBASE) return T("modbus.error.protocol", {{"during", during}});
  if (err == ECONNREFUSED) return T("modbus.error.refused", {{"during", during}});
  return T("modbus.error.network", {{"errno", std::to_string(err)}, {"during", during}});
}

}  // namespace

struct Poller::Worker {
  DeviceConfig config;
  std::vector<ReadRequest> plan;
  const Clock& clock;
  const Ingest& ingest;

  mutable std::mutex mu;  // guards status and stop
  std::condition_variable cv;
  bool stop = false;
  DeviceStatus status;
  size_t lateness_next = 0;
  std::thread thread;

  Worker(DeviceConfig c, const Clock& clk, const Ingest& in)
      : config(std::move(c)), plan(PlanReads(config.registers)), clock(clk), ingest(in) {
    status.running = true;
    thread = std::thread([this] { Run(); });
  }

  ~Worker() {
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    cv.notify_all();
    if (thread.joinable()) thread.join();
  }

  // Sleeps until `t` or until stopped; true when stopped.
  bool SleepUntil(Steady::time_point t) {
    std::unique_lock lock(mu);
    return cv.wait_until(lock, t, [this] { return stop; });
  }

  void Record(int64_t lateness_us) {
    if (status.lateness_us.size() < kLatenessSamples) {
      status.lateness_us.push_back(lateness_us);
    } else {
      status.lateness_us[lateness_next] = lateness_us;
    }
    lateness_next = (lateness_next + 1) % kLatenessSamples;
  }

  modbus_t* Connect(Text& error) {
    const std::string port = std::to_string(config.port);
    modbus_t* ctx = modbus_new_tcp_pi(config.host.c_str(), port.c_str());
    if (!ctx) {
      error = LastError(errno, "connect");
      return nullptr;
    }
    const auto sec = static_cast<uint32_t>(config.timeout_ms / 1000);
    const auto usec = static_cast<uint32_t>((config.timeout_ms % 1000) * 1000);
    modbus_set_response_timeout(ctx, sec, usec);  // also bounds connect() in libmodbus 3.1
    modbus_set_byte_timeout(ctx, sec, usec);
    modbus_set_slave(ctx, config.unit_id);
    if (modbus_connect(ctx) != 0) {
      error = LastError(errno, "connect");
      modbus_free(ctx);
      return nullptr;
    }
    return ctx;
  }

  // One cycle on a connected context: every request read and decoded, then one ingest. Error text when it failed.
  Text Cycle(modbus_t* ctx, int64_t ts_ms, size_t& values) {
    nlohmann::json vals = nlohmann::json::object();
    std::vector<uint16_t> words;
    for (const ReadRequest& req : plan) {
      words.assign(req.count, 0);
      const int n = req.table == Table::kHolding ? modbus_read_registers(ctx, req.address, req.count, words.data())
                                                 : modbus_read_input_registers(ctx, req.address, req.count, words.data());
      if (n < 0) return LastError(errno, "read");
      words.resize(static_cast<size_t>(n));
      auto readings = DecodeResponse(config.registers, req, words);
      if (!readings.ok()) return T("modbus.error.protocol", {{"during", TextRef{"modbus.stage.read"}}});
      for (const Reading& r : *readings) vals[config.registers[r.register_index].sensor_key] = r.value;
    }
    values = vals.size();
    if (vals.empty()) return {};
    const nlohmann::json body = nlohmann::json::array({{{"ts", ts_ms}, {"values", std::move(vals)}}});
    if (auto st = ingest(body.dump()); !st.ok()) {
      return T("modbus.error.ingest", {{"field", st.error().field}});
    }
    return {};
  }

  void Run() {
    const auto interval = milliseconds(config.poll_interval_ms);
    modbus_t* ctx = nullptr;
    int failures_in_row = 0;
    Steady::time_point next = Steady::now();
    while (!SleepUntil(next)) {
      const auto started = Steady::now();
      const int64_t lateness_us = std::chrono::duration_cast<std::chrono::microseconds>(started - next).count();
      const int64_t ts_ms = clock.NowMs();
      Text error;
      size_t values = 0;
      if (!ctx) ctx = Connect(error);
      if (ctx) error = Cycle(ctx, ts_ms, values);
      if (!error.empty() && ctx) {
        // After a timeout the connection may still deliver the old answer: start afresh.
        modbus_close(ctx);
        modbus_free(ctx);
        ctx = nullptr;
      }
      failures_in_row = error.empty() ? 0 : failures_in_row + 1;
      // Exponential backoff after consecutive failures: interval × 2^(n-1), at most 30 s (at least one interval).
      int64_t backoff_ms = 0;
      if (failures_in_row > 1) {
        const int shift = std::min(failures_in_row - 1, 16);
        backoff_ms = std::min<int64_t>(config.poll_interval_ms << shift, std::max(kMaxBackoffMs, config.poll_interval_ms));
      }
      // The next slot on the schedule: missed slots are skipped (and counted), never run back to back.
      const auto now = Steady::now();
      next += interval;
      int64_t skipped = 0;
      const auto earliest = now + milliseconds(backoff_ms);
      if (next < earliest) {
        const auto behind = (earliest - next + interval - Steady::duration(1)) / interval;
        next += interval * behind;
        if (backoff_ms == 0) skipped = behind;
      }
      std::lock_guard lock(mu);
      status.connected = ctx != nullptr;
      ++status.polls;
      status.last_poll_at = ts_ms;
      status.skipped += skipped;
      status.values += static_cast<int64_t>(values);
      Record(lateness_us);
      if (error.empty()) {
        status.last_ok_at = ts_ms;
        status.last_error = {};
        status.next_attempt_in_ms.reset();
      } else {
        ++status.failures;
        status.last_error = std::move(error);
        if (backoff_ms > 0) {
          status.next_attempt_in_ms = backoff_ms;
        } else {
          status.next_attempt_in_ms.reset();
        }
      }
    }
    if (ctx) {
      modbus_close(ctx);
      modbus_free(ctx);
    }
  }
};

Poller::Poller(const Clock& clock, Ingest ingest) : clock_(clock), ingest_(std::move(ingest)) {}

Poller::~Poller() { StopAll(); }

void Poller::Upsert(const DeviceConfig& device) {
  std::unique_ptr<Worker> old;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(device.id);
    if (it != workers_.end()) old = std::move(it->second);
  }
  old.reset();  // joined outside the lock: it may be waiting on its timeout
  auto w = std::make_unique<Worker>(device, clock_, ingest_);
  std::lock_guard lock(mu_);
  workers_[device.id] = std::move(w);
}

void Poller::Remove(int64_t id) {
  std::unique_ptr<Worker> old;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(id);
    if (it == workers_.end()) return;
    old = std::move(it->second);
    workers_.erase(it);
  }
}

void Poller::StopAll() {
  std::map<int64_t, std::unique_ptr<Worker>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(workers_);
  }
  // Ask every worker to stop first, then join: stopping 200 devices costs one timeout, not 200.
  for (auto& [id, w] : all) {
    std::lock_guard lock(w->mu);
    w->stop = true;
    w->cv.notify_all();
  }
  all.clear();
}

std::optional<DeviceStatus> Poller::Status(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = workers_.find(id);
  if (it == workers_.end()) return std::nullopt;
  std::lock_guard wlock(it->second->mu);
  return it->second->status;
}

std::vector<int64_t> Poller::Devices() const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (const auto& [id, w] : workers_) out.push_back(id);
  return out;
}

}  // namespace park::modbus
