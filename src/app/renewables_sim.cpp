// See renewables_sim.hpp. Deterministic in the equipment and the instant, so a backfill and the live loop agree.
#include "app/renewables_sim.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "park/maintenance/wind.hpp"

namespace park::app {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr int64_t kStepMs = 10'000;
constexpr int64_t kDriftStartMs = 1'793'491'200'000;  // 2026-11-01T00:00:00Z: the faults start then
constexpr double kChargeEfficiency = 0.83;             // data/dispatch's VRFB defaults: √(AC round trip 0.69)
constexpr double kDischargeEfficiency = 0.83;

// Noise of one channel of one equipment.
double Noise(int64_t id, int channel, int64_t at_ms) { return SimNoise(id * 131 + channel, at_ms); }

double Wave(int64_t id, int64_t at_ms, double period_h) {
  const double phase = static_cast<double>(id % 89) / 89.0 * 2 * kPi;
  return std::sin(2 * kPi * static_cast<double>(at_ms) / (period_h * 3.6e6) + phase);
}

double DaysOfDrift(int64_t at_ms) { return std::max(0.0, static_cast<double>(at_ms - kDriftStartMs) / 86'400'000.0); }

double Rated(const Json& rated, const char* key, double fallback) {
  const auto it = rated.find(key);
  return it != rated.end() && it->is_number() ? it->get<double>() : fallback;
}


std::optional<double> Turbine(const RenewableSensor& s, int64_t at) {
  const double wind = std::max(0.0, 7.5 + 3.5 * Wave(s.equipment_id, at, 3) + 1.0 * Noise(s.equipment_id, 1, at));
  const double direction = 220 + 35 * Wave(s.equipment_id, at, 5) + 4 * Noise(s.equipment_id, 2, at);
  const double drift = s.tag == "WTG-103" ? std::min(25.0, 4 + 0.5 * DaysOfDrift(at)) : 0.0;
  const double yaw_error = drift + 1.5 * Noise(s.equipment_id, 3, at);
  if (s.suffix == "wind_speed") return SimRound(wind, 0.1);
  if (s.suffix == "wind_direction") return SimRound(std::fmod(direction + 360, 360), 1);
  if (s.suffix == "nacelle_direction") return SimRound(std::fmod(direction - yaw_error + 720, 360), 1);
  if (s.suffix == "power") {
    auto curve = maintenance::NameplateCurve(Rated(s.rated, "rated_kw", 5000), Rated(s.rated, "cut_in_ms", 3),
                                             Rated(s.rated, "rated_ms", 10.5), Rated(s.rated, "cut_out_ms", 25));
    if (!curve.ok()) return std::nullopt;
    const double c = std::cos(yaw_error * kPi / 180);
    return SimRound(maintenance::ExpectedPowerKw(*curve, wind) * c * c * c * (1 + 0.02 * Noise(s.equipment_id, 4, at)), 0.1);
  }
  return std::nullopt;
}

std::optional<double> PvArray(const RenewableSensor& s, int64_t at) {
  const double poa = 950 * Daylight(at) * (0.92 + 0.08 * Noise(s.equipment_id, 1, at));
  const double cell_c = 20 + 0.03 * poa;  // a module runs about 30 °C above the air at 1000 W/m²
  if (s.suffix == "irradiance") return SimRound(poa, 1);
  if (s.suffix == "module_temp") return SimRound(cell_c, 0.1);
  if (s.suffix == "power") {
    const double soiling = s.tag == "PV-104" ? std::max(0.7, 1 - 0.004 * DaysOfDrift(at)) : 1.0;
    const double kw = Rated(s.rated, "peak_kw", 2000) * poa / 1000 * 0.86 * (1 - 0.004 * (cell_c - 25)) * soiling;
    return SimRound(std::max(0.0, kw), 0.1);
  }
  return std::nullopt;
}

// State of charge on a daily cycle; the power at the grid side is what moves it, with the losses each way
// (positive: discharging).
std::optional<double> Battery(const RenewableSensor& s, int64_t at) {
  const double day_ms = 86'400'000.0;
  const double angle = 2 * kPi * static_cast<double>(at) / day_ms;
  const double soc = 0.55 + 0.33 * std::sin(angle);
  if (s.suffix == "soc") return SimRound(soc * 100, 0.1);
  if (s.suffix == "power") {
    const double energy_mwh = Rated(s.rated, "energy_kwh", 200000) / 1000;
    const double stored_mw = energy_mwh * 0.33 * std::cos(angle) * 2 * kPi / 24;  // d(energy)/dt in MWh per h
    const double grid_mw = stored_mw > 0 ? -stored_mw / kChargeEfficiency : -stored_mw * kDischargeEfficiency;
    return SimRound(grid_mw, 0.01);
  }
  if (s.suffix == "electrolyte_temp") return SimRound(28 + 3 * std::sin(angle) + 0.3 * Noise(s.equipment_id, 5, at), 0.1);
  return std::nullopt;
}

}  // namespace

double SimNoise(int64_t seed, int64_t at_ms) {
  uint64_t x = static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(at_ms / kStepMs);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<double>(x % 20001) / 10000.0 - 1.0;
}

double SimRound(double v, double step) {
  const double per = std::round(1 / step);
  return std::round(v * per) / per;
}

double Daylight(int64_t at_ms) {
  const double h = std::fmod(static_cast<double>(at_ms) / 3.6e6 + 8.0, 24.0);  // park time, UTC+8
  return h < 6 || h > 18 ? 0.0 : std::sin((h - 6) / 12 * kPi);
}

std::optional<double> RenewableValue(const RenewableSensor& s, int64_t at_ms) {
  if (s.equipment_type == "wind_turbine") return Turbine(s, at_ms);
  if (s.equipment_type == "pv_array") return PvArray(s, at_ms);
  if (s.equipment_type == "flow_battery") return Battery(s, at_ms);
  return std::nullopt;
}

Status SeedPerformanceDemo(store::Tx& tx, const Clock& clock) {
  struct Watch {
    const char* equipment_type;
    const char* rule;
    double low;
    const char* plan;
  };
  constexpr Watch kWatches[] = {
      {"wind_turbine", "风电机组发电性能偏低 (<90% 功率曲线)", 90, "发电性能偏低排查：偏航对风、叶片、功率曲线"},
      {"pv_array", "光伏阵列性能比偏低 (<75%)", 75, "性能比偏低排查：组件清洗、遮挡、组串与逆变器"},
      {"flow_battery", "储能往返效率偏低 (<60%)", 60, "往返效率偏低排查：电堆、电解液平衡、辅机能耗"},
  };
  const int64_t now = clock.NowMs();
  for (const auto& w : kWatches) {
    PARK_ASSIGN_OR_RETURN(auto rule, tx.QueryOne(
        "INSERT INTO alarm_rules (name, enterprise_id, sensor_id, equipment_kind, quantity, kind, high, low, deadband, "
        "max_rate_per_s, timeout_s, severity, webhook_url, webhook_format, enabled, created_at, updated_at) VALUES "
        "($1, NULL, NULL, $2, 'performance', 'threshold', NULL, $3, 2, NULL, NULL, 'warning', '', 'dingtalk', 1, $4, $4) "
        "RETURNING id", {std::string(w.rule), std::string(w.equipment_type), w.low, now}));
    PARK_ASSIGN_OR_RETURN(auto equipment, tx.Query(
        "SELECT e.id, e.enterprise_id FROM equipment e WHERE e.type = $1 ORDER BY e.id", {std::string(w.equipment_type)}));
    for (const auto& e : equipment) {
      PARK_TRY(tx.Exec(
          "INSERT INTO maintenance_plans (enterprise_id, equipment_id, name, kind, alarm_rule_id, priority, created_at, "
          "updated_at) VALUES ($1, $2, $3, 'condition', $4, 'high', $5, $5)",
          {e.Int(1), e.Int(0), std::string(w.plan), rule->Int(0), now}));
    }
  }
  return Status::Ok();
}

}  // namespace park::app
