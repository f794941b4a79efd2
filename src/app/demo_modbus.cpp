// The demo's Modbus device (see demo_modbus.hpp): the battery PCS's registers and their configuration.
#include "app/demo_modbus.hpp"

#include <modbus.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <vector>

#include "park/modbus/modbus.hpp"
#include "park/modbus/service.hpp"
#include "park/registry/registry.hpp"

namespace park::app {
namespace {

constexpr std::string_view kBattery = "SELECT id FROM equipment WHERE type = 'flow_battery' ORDER BY id LIMIT 1";
constexpr double kPi = 3.14159265358979323846;

// The PCS's registers: what a typical PCS map looks like (a float in word-swapped order, a little-endian counter,
// scaled 16-bit values, one of them byte-swapped in the input table).
struct PcsRegister {
  const char* suffix;
  const char* name;
  const char* kind;
  const char* quantity;
  const char* unit;
  modbus::Table table;
  uint16_t address;
  modbus::ValueType type;
  modbus::Order order;
  double scale;
};
const PcsRegister kPcs[] = {
    {"active_power", "PCS 有功功率", "sensor", "power", "kW", modbus::Table::kHolding, 0, modbus::ValueType::kFloat32,
     modbus::Order::kCDAB, 1},
    {"energy_total", "PCS 交流侧电量累计", "meter", "energy", "kWh", modbus::Table::kHolding, 2,
     modbus::ValueType::kUint32, modbus::Order::kDCBA, 0.1},
    {"igbt_temp", "PCS IGBT 温度", "sensor", "temperature", "degC", modbus::Table::kHolding, 4,
     modbus::ValueType::kInt16, modbus::Order::kABCD, 0.1},
    {"soc", "PCS 上报荷电状态", "sensor", "state_of_charge", "%", modbus::Table::kInput, 0,
     modbus::ValueType::kUint16, modbus::Order::kBADC, 0.01},
};

// Raw register values at `now_ms`: a 20 MW charge/discharge swing over two hours and what follows from it.
void Fill(modbus_mapping_t* m, int64_t now_ms) {
  const double t_s = static_cast<double>(now_ms % 86'400'000) / 1000.0;
  const double power_kw = 20'000 * std::sin(2 * kPi * t_s / 7200);
  const double energy_kwh = static_cast<double>(now_ms - 1'767'225'600'000) / 3'600'000.0 * 9'000;  // since 2026
  const double temp_c = 38 + 0.0004 * std::abs(power_kw) + 2 * std::sin(t_s / 900);
  const double soc_pct = 50 - 30 * std::cos(2 * kPi * t_s / 7200);
  const double raw[] = {power_kw, energy_kwh / 0.1, temp_c / 0.1, soc_pct / 0.01};
  for (size_t i = 0; i < std::size(kPcs); ++i) {
    const auto words = modbus::EncodeRaw(kPcs[i].type, kPcs[i].order, raw[i]);
    uint16_t* regs = kPcs[i].table == modbus::Table::kHolding ? m->tab_registers : m->tab_input_registers;
    for (size_t w = 0; w < words.size(); ++w) regs[kPcs[i].address + w] = words[w];
  }
}

}  // namespace

Status SeedModbusDemo(store::Store& store, const Clock& clock) {
  Json registers = Json::array();
  PARK_TRY(store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto battery, tx.QueryOne(kBattery));
    if (!battery) return {};
    for (const auto& r : kPcs) {
      const std::string key = std::string(kDemoModbusKeyPrefix) + r.suffix;
      PARK_TRY(registry::Create(tx, clock, "sensor",
                                {{"equipment_id", battery->Int(0)}, {"key", key}, {"name", r.name}, {"kind", r.kind},
                                 {"quantity", r.quantity}, {"unit", r.unit}},
                                nullptr));
      registers.push_back({{"table", modbus::TableName(r.table)}, {"address", r.address},
                           {"type", modbus::TypeName(r.type)}, {"order", modbus::OrderName(r.order)},
                           {"scale", r.scale}, {"sensor_key", key}});
    }
    return {};
  }));
  if (registers.empty()) return {};
  const Json device = {{"name", "储能 PCS (Modbus TCP)"}, {"host", "127.0.0.1"}, {"port", kDemoModbusPort},
                       {"unit_id", 1}, {"poll_interval_ms", 5000}, {"timeout_ms", 1000}, {"registers", registers}};
  PARK_TRY(modbus::CreateDevice(store, clock, device));
  return {};
}

Status DemoModbusDevice::Start() {
  modbus_t* ctx = modbus_new_tcp("127.0.0.1", kDemoModbusPort);
  const int listener = ctx ? modbus_tcp_listen(ctx, 4) : -1;
  if (ctx) modbus_free(ctx);
  if (listener < 0) {
    return Error{ErrorCode::kUnavailable, "cannot serve the demo Modbus device on 127.0.0.1:" +
                                              std::to_string(kDemoModbusPort)};
  }
  stop_ = false;
  thread_ = std::thread([this, listener] { Serve(listener); });
  return {};
}

void DemoModbusDevice::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void DemoModbusDevice::Serve(int listener) {
  modbus_t* ctx = modbus_new_tcp("127.0.0.1", kDemoModbusPort);
  modbus_mapping_t* mapping = modbus_mapping_new(0, 0, 16, 16);
  std::vector<pollfd> fds = {{listener, POLLIN, 0}};
  std::vector<uint8_t> query(MODBUS_TCP_MAX_ADU_LENGTH);
  while (!stop_ && ctx && mapping) {
    if (poll(fds.data(), fds.size(), 200) < 0 && errno != EINTR) break;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (i == 0) {
        const int c = accept(listener, nullptr, nullptr);
        if (c >= 0 && fds.size() < 9) fds.push_back({c, POLLIN, 0});
        else if (c >= 0) ::close(c);
        continue;
      }
      modbus_set_socket(ctx, fds[i].fd);
      const int n = modbus_receive(ctx, query.data());
      if (n > 0) {
        Fill(mapping, clock_.NowMs());
        modbus_reply(ctx, query.data(), n, mapping);
      } else if (n < 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
    std::erase_if(fds, [](const pollfd& p) { return p.fd < 0; });
  }
  for (size_t i = 1; i < fds.size(); ++i) ::close(fds[i].fd);
  ::close(listener);
  if (mapping) modbus_mapping_free(mapping);
  if (ctx) {
    modbus_set_socket(ctx, -1);
    modbus_free(ctx);
  }
}

}  // namespace park::app
