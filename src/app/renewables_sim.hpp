// The demo park's wind turbines, PV arrays and flow battery, simulated so that their readings hang together the
// way the maintenance analysis expects of real plant: a turbine's power follows its nameplate curve at its wind
// speed, less what its yaw error costs; an array's power follows its irradiance and cell temperature; the battery's
// power is what moves its state of charge, with its losses. Two faults to find: WTG-103's yaw drifts and PV-104
// soils, both a little more every day.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/store/store.hpp"

namespace park::app {

struct RenewableSensor {
  int64_t equipment_id = 0;
  std::string equipment_type;  // wind_turbine, pv_array, flow_battery (others are not simulated here)
  std::string tag;             // "WTG-103"
  Json rated;                  // the equipment's nameplate
  std::string suffix;          // the sensor key's last part: wind_speed, power, irradiance, soc…
};

// Deterministic noise in [-1, 1] from a seed and the instant's 10-second step (the whole simulator's source of noise).
double SimNoise(int64_t seed, int64_t at_ms);
// A reading at a device's resolution (step 1, 0.1, 0.01): the double nearest the decimal, as a gateway parsing
// "81.2" would send it. Dividing by the power of ten rounds correctly; multiplying by 0.1 misses the nearest double
// for a third of readings, which the storage's decimal codec cannot then take.
double SimRound(double v, double step);
// Sunlight over the park's day (UTC+8): 0 at night, sin rising from 06:00 to 18:00.
double Daylight(int64_t at_ms);

// The reading at `at_ms`, or nullopt for a sensor this model does not simulate.
std::optional<double> RenewableValue(const RenewableSensor& s, int64_t at_ms);

// Alarm rules on the performance the maintenance service computes every hour (turbines under 90 % of their curve,
// arrays under a performance ratio of 75 %, the battery under a 60 % round trip) and, for every turbine, array and
// battery, a condition plan whose work order the alarm opens. Part of the telemetry demo's transaction.
Status SeedPerformanceDemo(store::Tx& tx, const Clock& clock);

}  // namespace park::app
