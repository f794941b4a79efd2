#include "park/maintenance/battery.hpp"

#include <cmath>

namespace park::maintenance {

BatteryPerformance ComputeBatteryPerformance(double nominal_kwh, double soc_start,
                                             std::span<const BatteryInterval> intervals,
                                             const BatteryOptions& options) {
  BatteryPerformance p;
  p.soc_start = soc_start;
  double soc = soc_start;
  double run_energy = 0, run_soc_from = 0;
  bool in_run = false;
  double runs_energy = 0, runs_soc = 0;
  auto close_run = [&](double soc_to) {
    if (in_run && run_soc_from - soc_to >= options.min_run_soc) {
      runs_energy += run_energy;
      runs_soc += run_soc_from - soc_to;
      ++p.discharge_runs;
    }
    in_run = false;
    run_energy = 0;
  };
  for (const BatteryInterval& i : intervals) {
    if (!std::isfinite(i.charge_kwh) || !std::isfinite(i.discharge_kwh) || !std::isfinite(i.soc_end) ||
        i.charge_kwh < 0 || i.discharge_kwh < 0) {
      continue;
    }
    p.charged_kwh += i.charge_kwh;
    p.discharged_kwh += i.discharge_kwh;
    const bool discharging = i.discharge_kwh > 0 && i.charge_kwh == 0;
    if (discharging) {
      if (!in_run) {
        in_run = true;
        run_soc_from = soc;
      }
      run_energy += i.discharge_kwh;
    } else {
      close_run(soc);
    }
    soc = i.soc_end;
  }
  close_run(soc);
  p.soc_end = soc;

  if (p.charged_kwh <= 0) {
    p.efficiency_explanation = T("maintenance.battery.no_charge");
  } else if (std::fabs(p.soc_end - p.soc_start) > options.soc_tolerance) {
    p.efficiency_explanation = T("maintenance.battery.soc_differs", {{"soc_start_pct", p.soc_start * 100},
                                                                      {"soc_end_pct", p.soc_end * 100},
                                                                      {"tolerance_pct", options.soc_tolerance * 100}});
  } else {
    p.round_trip_efficiency = p.discharged_kwh / p.charged_kwh;
    p.efficiency_explanation = T("maintenance.battery.rte", {{"discharged_kwh", p.discharged_kwh},
                                                              {"charged_kwh", p.charged_kwh},
                                                              {"rte_pct", *p.round_trip_efficiency * 100},
                                                              {"soc_start_pct", p.soc_start * 100},
                                                              {"soc_end_pct", p.soc_end * 100}});
  }
  if (runs_soc > 0) {
    p.capacity_kwh = runs_energy / runs_soc;
    if (nominal_kwh > 0) p.capacity_pct = *p.capacity_kwh / nominal_kwh * 100;
    p.capacity_explanation = T("maintenance.battery.capacity", {{"energy_kwh", runs_energy},
                                                                 {"soc_fall_pct", runs_soc * 100},
                                                                 {"runs", p.discharge_runs},
                                                                 {"capacity_kwh", *p.capacity_kwh},
                                                                 {"nominal_kwh", nominal_kwh},
                                                                 {"capacity_pct", p.capacity_pct.value_or(0)}});
  } else {
    p.capacity_explanation = T("maintenance.battery.no_run", {{"min_run_pct", options.min_run_soc * 100}});
  }
  return p;
}

}  // namespace park::maintenance
