// PV array performance ratio from plane-of-array irradiance (IEC 61724-1): PR = Y_f / Y_r, the final yield
// (energy / rated power) over the reference yield (irradiation / 1000 W/m²); and the temperature-corrected PR'
// where each interval's expected energy is scaled by 1 + γ × (T_cell − 25 °C). Pure; explains itself in codes.
#pragma once

#include <optional>
#include <span>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::maintenance {

struct PvArray {
  double rated_kw = 0;             // P₀ at STC (DC nameplate)
  double gamma_per_c = -0.004;     // power temperature coefficient, 1/°C
};

Status ValidatePvArray(const PvArray& array);

struct PvSample {
  double poa_w_m2 = 0;             // mean plane-of-array irradiance over the interval
  double energy_kwh = 0;           // energy delivered in the interval
  std::optional<double> cell_temperature_c;
};

struct PerformanceRatio {
  double energy_kwh = 0;
  double irradiation_kwh_m2 = 0;
  double final_yield_h = 0;        // Y_f = E / P₀
  double reference_yield_h = 0;    // Y_r = H / 1 kW/m²
  std::optional<double> pr;        // undefined without irradiance
  std::optional<double> pr_temperature_corrected;
  int64_t samples = 0;
  int64_t temperature_samples = 0; // samples with a cell temperature (the others use factor 1)
  Text explanation;                // maintenance.pv.explain or maintenance.pv.no_irradiance
};

// Each sample stands for `interval_s` seconds. Non-finite and negative irradiance or energy are skipped.
PerformanceRatio ComputePerformanceRatio(const PvArray& array, std::span<const PvSample> samples, double interval_s);

}  // namespace park::maintenance
