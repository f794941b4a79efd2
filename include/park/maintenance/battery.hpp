// A storage battery (the park's vanadium flow battery) from its metered charge and discharge: the AC round-trip
// efficiency over a window that starts and ends at the same state of charge (within a tolerance; otherwise the
// energy still stored would count as lost, so the figure is undefined and says why), and the usable capacity
// from discharge runs: energy delivered / fall in state of charge. Pure; explains itself in codes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "park/core/text.hpp"

namespace park::maintenance {

struct BatteryInterval {
  double charge_kwh = 0;     // metered into the battery in the interval
  double discharge_kwh = 0;  // metered out of it
  double soc_end = 0;        // state of charge at the end of the interval, 0 … 1
};

struct BatteryPerformance {
  double charged_kwh = 0;
  double discharged_kwh = 0;
  double soc_start = 0;
  double soc_end = 0;
  std::optional<double> round_trip_efficiency;  // discharged / charged when the SoC came back
  std::optional<double> capacity_kwh;           // from discharge runs falling ≥ min_run_soc
  std::optional<double> capacity_pct;           // of nominal
  int64_t discharge_runs = 0;
  Text efficiency_explanation;  // maintenance.battery.rte | soc_differs | no_charge
  Text capacity_explanation;    // maintenance.battery.capacity | no_run
};

struct BatteryOptions {
  double soc_tolerance = 0.02;  // |SoC end − SoC start| allowed for a round-trip efficiency
  double min_run_soc = 0.2;     // a discharge run must lower the SoC by this much to estimate the capacity
};

BatteryPerformance ComputeBatteryPerformance(double nominal_kwh, double soc_start,
                                             std::span<const BatteryInterval> intervals,
                                             const BatteryOptions& options = {});

}  // namespace park::maintenance
