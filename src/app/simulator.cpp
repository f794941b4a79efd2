#include "app/simulator.hpp"
#include "app/demo_modbus.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

#include "park/core/time.hpp"
#include "park/registry/registry.hpp"
#include "park/telemetry/hj212.hpp"

namespace park::app {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kStepMs = 10'000;  // every sensor reports every 10 s

constexpr std::string_view kSensors =
    "SELECT s.id, s.key, s.kind, s.quantity, s.low_limit, s.high_limit, s.equipment_id, e.type, e.tag, e.rated "
    "FROM sensors s LEFT JOIN equipment e ON e.id = s.equipment_id ORDER BY s.id";
constexpr std::string_view kApiMaker = "SELECT enterprise_id FROM users WHERE name = 'ent-user'";
constexpr std::string_view kSensorId = "SELECT id FROM sensors WHERE key = $1";
constexpr std::string_view kInsertRule =
    "INSERT INTO alarm_rules (name, enterprise_id, sensor_id, equipment_kind, quantity, kind, high, low, deadband, "
    "max_rate_per_s, timeout_s, severity, webhook_url, webhook_format, enabled, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, '', 'dingtalk', 1, $12, $12)";


// Minutes into a repeating window, for the scheduled incidents.
int64_t MinuteOf(int64_t at_ms, int64_t window_minutes) { return (at_ms / 60'000) % window_minutes; }

// The sensor whose gateway drops off the network for 5 minutes of every 30: the first transformer's oil
// temperature.
constexpr std::string_view kOfflineSensor = "SELECT key FROM sensors WHERE key LIKE '%.oil_temp' ORDER BY id LIMIT 1";

bool IsOffline(const std::string& key, const std::string& offline_key, int64_t at_ms) {
  return key == offline_key && MinuteOf(at_ms, 30) >= 15 && MinuteOf(at_ms, 30) < 20;
}

}  // namespace

Status SeedTelemetryDemo(store::Store& store, const Clock& clock) {
  return store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto ent, tx.QueryOne(kApiMaker));
    if (!ent) return Error::Internal("demo: the enterprise user is missing");
    const int64_t enterprise = ent->Int(0);
    PARK_ASSIGN_OR_RETURN(int64_t facility, registry::Create(tx, clock, "facility",
                                                             {{"enterprise_id", enterprise},
                                                              {"name", "污水处理站"},
                                                              {"kind", "utility"},
                                                              {"location", "排污口 DW001"}},
                                                             nullptr));
    PARK_ASSIGN_OR_RETURN(int64_t monitor, registry::Create(tx, clock, "equipment",
                                                            {{"facility_id", facility},
                                                             {"tag", "DW001-CEMS"},
                                                             {"name", "废水排放口在线监测 (HJ 212 数采仪)"},
                                                             {"type", "online_monitor"},
                                                             {"model", "HJ 212-2017"}},
                                                            nullptr));
    struct MonitorSensor {
      const char* code;
      const char* name;
      const char* quantity;
      const char* unit;
      std::optional<double> high;
    };
    // Limits: COD 100 mg/L and NH3-N 15 mg/L (GB 8978-1996 grade 1, as a demo discharge permit).
    const MonitorSensor kMonitorSensors[] = {{"w01018", "COD 实时浓度", "concentration", "mg/L", 100.0},
                                             {"w21003", "氨氮 实时浓度", "concentration", "mg/L", 15.0},
                                             {"w00000", "废水流量", "flow", "L/s", std::nullopt},
                                             {"w01001", "pH", "ph", "pH", 9.0}};
    for (const auto& m : kMonitorSensors) {
      Json s = {{"equipment_id", monitor},
                {"key", fmt::format("{}.{}-rtd", kDemoMonitorMn, m.code)},
                {"name", fmt::format("DW001 {}", m.name)},
                {"kind", "sensor"},
                {"quantity", m.quantity},
                {"unit", m.unit}};
      if (m.high) {
        s["low_limit"] = std::string_view(m.code) == "w01001" ? 6.0 : 0.0;
        s["high_limit"] = *m.high;
      }
      PARK_TRY(registry::Create(tx, clock, "sensor", s, nullptr));
    }
    const int64_t now = clock.NowMs();
    PARK_ASSIGN_OR_RETURN(auto offline, tx.QueryOne(kOfflineSensor));
    const std::string offline_key = offline ? offline->Text(0) : "";
    auto sensor_id = [&](const std::string& key) -> Result<store::Value> {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSensorId, {key}));
      if (!row) return Error::Internal("demo: no sensor " + key);
      return store::Value(row->Int(0));
    };
    struct Rule {
      std::string name;
      std::string sensor_key;
      std::string equipment_type, quantity, kind;
      std::optional<double> high;
      double deadband;
      std::optional<int64_t> timeout_s;
      std::string severity;
    };
    const Rule kRules[] = {
        {"R-101 釜温超限 (>120 °C)", "e01.r_101.temp", "", "", "threshold", 120.0, 3.0, std::nullopt, "critical"},
        {"泵振动超限 (ISO 10816, >7.1 mm/s)", "", "pump", "vibration", "threshold", 7.1, 0.5, std::nullopt, "warning"},
        {"DW001 COD 超标 (>100 mg/L)", fmt::format("{}.w01018-rtd", kDemoMonitorMn), "", "", "threshold", 100.0, 5.0,
         std::nullopt, "critical"},
        {"变压器油温数据中断 (60 s)", offline_key, "", "", "no_data", std::nullopt, 0, 60, "warning"},
    };
    for (const auto& r : kRules) {
      store::Params p;
      p.emplace_back(r.name);
      p.emplace_back(nullptr);
      if (r.sensor_key.empty()) {
        p.emplace_back(nullptr);
      } else {
        auto id = sensor_id(r.sensor_key);
        if (!id.ok()) {
          spdlog::warn("demo: alarm rule '{}' skipped: {}", r.name, id.error().message);
          continue;
        }
        p.push_back(*id);
      }
      p.emplace_back(r.equipment_type);
      p.emplace_back(r.quantity);
      p.emplace_back(r.kind);
      p.emplace_back(store::OrNull(r.high));
      p.emplace_back(nullptr);
      p.emplace_back(r.deadband);
      p.emplace_back(store::OrNull(r.timeout_s));
      p.emplace_back(r.severity);
      p.emplace_back(now);
      PARK_TRY(tx.Exec(kInsertRule, p));
    }
    return SeedPerformanceDemo(tx, clock);
  });
}

Simulator::Simulator(store::Store& store, telemetry::Service& telemetry, const Clock& clock,
                     std::string hj212_address)
    : store_(store), telemetry_(telemetry), clock_(clock), hj212_address_(std::move(hj212_address)) {}

Simulator::~Simulator() { Stop(); }

Status Simulator::Load() {
  sensors_.clear();
  return store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto offline, tx.QueryOne(kOfflineSensor));
    offline_key_ = offline ? offline->Text(0) : "";
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSensors));
    for (const auto& r : rows) {
      Sensor s;
      s.id = r.Int(0);
      s.key = r.Text(1);
      s.kind = r.Text(2);
      s.quantity = r.Text(3);
      s.low = r.OptReal(4);
      s.high = r.OptReal(5);
      s.phase = static_cast<double>(s.id % 97) / 97.0 * 2 * kPi;
      if (s.quantity == "performance") continue;  // computed by the maintenance service, not measured
      if (const std::string type = r.Text(7); type == "wind_turbine" || type == "pv_array" || type == "flow_battery") {
        const Json rated = Json::parse(r.Text(9).empty() ? "{}" : r.Text(9), nullptr, false);
        s.renewable = RenewableSensor{r.Int(6), type, r.Text(8), rated.is_object() ? rated : Json::object(),
                                      s.key.substr(s.key.rfind('.') + 1)};
      }
      if (s.key.rfind(kDemoMonitorMn, 0) == 0) continue;  // fed by the HJ 212 data logger
      if (s.key.rfind(kDemoModbusKeyPrefix, 0) == 0) continue;  // read over Modbus from the simulated PCS
      if (s.kind == "meter") {
        // Counters run from 2026-01-01 at a steady rate per kind, so they continue across restarts.
        if (s.quantity == "energy") s.rate = 0.02 + static_cast<double>(s.id % 7) * 0.015;  // kWh/s: 72..450 kW
        else if (s.quantity == "gas_volume") s.rate = 0.03 + static_cast<double>(s.id % 5) * 0.01;  // Nm3/s
        else if (s.quantity == "run_hours") s.rate = 1.0 / 3600;
        else s.rate = 0.01;
      }
      sensors_.push_back(s);
    }
    return {};
  });
}

double Simulator::ValueAt(const Sensor& s, int64_t at_ms) const {
  if (s.kind == "meter") {
    constexpr int64_t kEpochMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
    double v = s.rate * static_cast<double>(at_ms - kEpochMs) / 1000.0;
    if (s.key.find("pv_") != std::string::npos) v *= 0.2;  // PV yields only by day: a smaller average rate
    return SimRound(v, 0.1);
  }
  if (s.renewable) {
    if (auto v = RenewableValue(*s.renewable, at_ms)) return *v;
  }
  const double t = static_cast<double>(at_ms) / 1000.0;
  const double wave = std::sin(2 * kPi * t / 3600.0 + s.phase);
  const double noise = SimNoise(s.id, at_ms);
  if (s.key == "e01.r_101.temp" && MinuteOf(at_ms, 30) < 3) {
    return SimRound(122.0 + 1.5 * static_cast<double>(MinuteOf(at_ms, 30)) + noise, 0.1);  // overheating
  }
  if (s.quantity == "vibration" && s.key.find(".p_") != std::string::npos && s.id % 22 == 0 &&
      MinuteOf(at_ms, 60) >= 7 && MinuteOf(at_ms, 60) < 10) {
    return SimRound(8.2 + 0.4 * noise, 0.01);  // a worn bearing
  }
  if (s.quantity == "irradiance") return SimRound(900 * Daylight(at_ms) * (0.9 + 0.1 * noise), 1);
  if (s.quantity == "wind_speed") return SimRound(std::max(0.0, 7 + 4 * wave + noise), 0.1);
  if (s.quantity == "direction") return SimRound(std::fmod(200 + 40 * wave + 5 * noise + 360, 360), 1);
  if (s.quantity == "power") return SimRound(1200 + 800 * wave + 50 * noise, 0.1);
  if (s.low && s.high && *s.high > *s.low) {
    const double span = *s.high - *s.low;
    return SimRound(*s.low + span * (0.5 + 0.15 * wave + 0.02 * noise), span >= 50 ? 0.1 : 0.01);
  }
  return SimRound(50 + 10 * wave + noise, 0.1);
}

std::string Simulator::Lines(int64_t at_ms, bool meters_only) {
  std::string body;
  body.reserve(sensors_.size() * 48);
  for (const auto& s : sensors_) {
    if (meters_only && s.kind != "meter") continue;
    if (IsOffline(s.key, offline_key_, at_ms)) continue;
    body += fmt::format("{} value={} {}\n", s.key, ValueAt(s, at_ms), at_ms);
  }
  return body;
}

Status Simulator::Backfill(int hours, int meter_days) {
  PARK_TRY(Load());
  Principal gateway;
  gateway.name = "demo-simulator";
  gateway.role = Role::kDevice;
  const int64_t now = clock_.NowMs() / kStepMs * kStepMs;
  for (int64_t at = now - meter_days * 86'400'000LL; at < now - hours * 3'600'000LL; at += 15 * 60'000) {
    PARK_TRY(telemetry_.WriteLineProtocol(gateway, Lines(at, true), telemetry::Precision::kMilliseconds));
  }
  for (int64_t at = now - hours * 3'600'000LL; at < now; at += 5 * 60'000) {
    PARK_TRY(telemetry_.WriteLineProtocol(gateway, Lines(at, false), telemetry::Precision::kMilliseconds));
  }
  for (int64_t at = (now - hours * 3'600'000LL) / 3'600'000 * 3'600'000; at < now; at += 3'600'000) {
    SendHj212(at, telemetry::hj212::kCnHourData);
  }
  return telemetry_.Flush();
}

void Simulator::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
  modbus_ = std::make_unique<DemoModbusDevice>(clock_);
  if (auto st = modbus_->Start(); !st.ok()) spdlog::warn("simulator: {}", st.error().message);
}

void Simulator::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  modbus_.reset();
  if (hj212_fd_ >= 0) ::close(hj212_fd_);
  hj212_fd_ = -1;
}

void Simulator::Loop() {
  if (sensors_.empty()) {
    if (auto st = Load(); !st.ok()) spdlog::error("simulator: {}", st.error().message);
  }
  Principal gateway;
  gateway.name = "demo-simulator";
  gateway.role = Role::kDevice;
  int64_t next = (clock_.NowMs() / kStepMs + 1) * kStepMs;
  int64_t last_hour = clock_.NowMs() / 3'600'000;
  while (!stop_) {
    if (clock_.NowMs() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    const int64_t at = next;
    next += kStepMs;
    auto r = telemetry_.WriteLineProtocol(gateway, Lines(at, false), telemetry::Precision::kMilliseconds);
    if (!r.ok()) spdlog::warn("simulator: write refused: {}", r.error().message);
    if (at % 60'000 == 0) SendHj212(at, telemetry::hj212::kCnRealTimeData);
    if (at / 3'600'000 != last_hour) {
      last_hour = at / 3'600'000;
      SendHj212(last_hour * 3'600'000 - 3'600'000, telemetry::hj212::kCnHourData);
    }
  }
}

// One upload from the wastewater outlet's data logger, as real frames over TCP; waits for the centre's reply.
void Simulator::SendHj212(int64_t at_ms, std::string_view cn) {
  if (hj212_address_.empty()) return;
  namespace hj = telemetry::hj212;
  // The logger's clock shows Beijing time: "YYYYMMDDhhmmss" from the ISO form of the local instant.
  std::string stamp;
  for (char c : FormatInstantMs(at_ms + 8 * 3'600'000LL).substr(0, 19)) {
    if (c >= '0' && c <= '9') stamp += c;
  }
  hj::Packet p;
  p.qn = stamp + fmt::format("{:03d}", at_ms % 1000);
  p.st = "32";
  p.cn = std::string(cn);
  p.pw = "123456";
  p.mn = kDemoMonitorMn;
  p.flag = 5;  // HJ 212-2017, reply wanted
  p.data_time = stamp;
  const double n = SimNoise(7, at_ms);
  const bool exceed = MinuteOf(at_ms, 60) >= 30 && MinuteOf(at_ms, 60) < 34;  // a COD excursion each hour
  const double cod = exceed ? 112 + 4 * n : 58 + 12 * std::sin(static_cast<double>(at_ms) / 3.6e6) + 3 * n;
  const double nh3 = 6 + 1.5 * n;
  const double flow = 12.5 + 1.2 * n;  // L/s
  const double ph = 7.2 + 0.2 * n;
  auto meas = [&](const char* code, double v, bool hour) {
    hj::Measurement me;
    me.code = code;
    if (hour) {
      me.avg = SimRound(v, 0.01);
      me.min = SimRound(v * 0.9, 0.01);
      me.max = SimRound(v * 1.1, 0.01);
    } else {
      me.rtd = SimRound(v, 0.01);
    }
    me.flag = "N";
    return me;
  };
  const bool hour = cn == hj::kCnHourData;
  p.measurements = {meas("w01018", hour ? 60 + 5 * n : cod, hour), meas("w21003", nh3, hour), meas("w00000", flow, hour),
                    meas("w01001", ph, hour)};
  if (hour) {
    p.measurements[2].cou = SimRound(flow * 3.6, 0.01);  // m3 in the hour (L/s x 3600 s / 1000)
    p.measurements[0].cou = SimRound((60 + 5 * n) * flow * 3.6 / 1000, 0.001);
    p.measurements[1].cou = SimRound(nh3 * flow * 3.6 / 1000, 0.001);
    p.measurements[3].min = p.measurements[3].max = std::nullopt;
  }
  const std::string frame = hj::BuildFrame(hj::BuildDataSegment(p));
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (hj212_fd_ < 0) {
      const auto colon = hj212_address_.rfind(':');
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(std::stoi(hj212_address_.substr(colon + 1))));
      inet_pton(AF_INET, hj212_address_.substr(0, colon).c_str(), &addr.sin_addr);
      hj212_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (hj212_fd_ < 0 || ::connect(hj212_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        spdlog::warn("simulator: cannot reach the HJ 212 listener at {}", hj212_address_);
        if (hj212_fd_ >= 0) ::close(hj212_fd_);
        hj212_fd_ = -1;
        return;
      }
    }
    if (::send(hj212_fd_, frame.data(), frame.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(frame.size())) {
      pollfd pfd{hj212_fd_, POLLIN, 0};
      char buf[512];
      if (::poll(&pfd, 1, 3000) == 1 && ::recv(hj212_fd_, buf, sizeof buf, 0) > 0) return;  // the 9014 reply
    }
    ::close(hj212_fd_);
    hj212_fd_ = -1;
  }
  spdlog::warn("simulator: HJ 212 upload at {} got no reply", stamp);
}

}  // namespace park::app
