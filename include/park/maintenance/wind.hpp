// Wind turbine performance against its power curve: the expected power at the measured wind speed normalised to
// the curve's air density (IEC 61400-12-1: v_n = v × (ρ / ρ₀)^(1/3), ρ = p / (R × T)), the energy lost against
// it over a window, the measured power binned by normalised wind speed (the scatter's curve), and the yaw
// misalignment (wind direction against nacelle position, as a circular mean). Pure; explains itself in codes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::maintenance {

struct CurvePoint {
  double wind_ms = 0;
  double power_kw = 0;
};

// Points in increasing wind speed; below the first point and above the last (cut-out) the turbine gives 0.
struct PowerCurve {
  std::vector<CurvePoint> points;
  double air_density = 1.225;  // kg/m³ the curve is stated for
};

// At least two points, strictly increasing speed, power ≥ 0; errors name "points[i].wind_ms" and so on.
Status ValidatePowerCurve(const PowerCurve& curve);
// A generic curve from the nameplate when the maker's table is not on record: zero below cut-in, the cube of the
// wind speed between cut-in and rated speed, P = P_r × (v³ − v_in³) / (v_r³ − v_in³), rated power up to cut-out;
// points every `step_ms`. Needs 0 < cut_in < rated < cut_out and rated power > 0 (errors name the field).
Result<PowerCurve> NameplateCurve(double rated_kw, double cut_in_ms, double rated_ms, double cut_out_ms,
                                  double step_ms = 0.5);
// Linear interpolation between the curve's points.
double ExpectedPowerKw(const PowerCurve& curve, double wind_ms);
// ρ = p / (287.05 × T) in kg/m³, from pressure in hPa and temperature in °C.
double AirDensity(double pressure_hpa, double temperature_c);

struct TurbineSample {
  double wind_ms = 0;
  double power_kw = 0;
  std::optional<double> temperature_c;
  std::optional<double> pressure_hpa;
  std::optional<double> wind_direction_deg;
  std::optional<double> nacelle_deg;
};

struct CurveBin {
  double wind_from_ms = 0;  // [from, from + width)
  int64_t count = 0;
  double mean_measured_kw = 0;
  double mean_expected_kw = 0;
};

struct TurbineAnalysis {
  int64_t samples = 0;
  int64_t density_corrected = 0;  // samples with temperature and pressure
  double expected_kwh = 0;
  double measured_kwh = 0;
  double lost_kwh = 0;            // expected − measured, over samples with measured below expected only
  double performance_pct = 0;     // measured / expected × 100 (0 when nothing was expected)
  std::vector<CurveBin> bins;     // by normalised wind speed
  std::optional<double> yaw_misalignment_deg;  // circular mean of (wind direction − nacelle), in (−180, 180]
  int64_t yaw_samples = 0;
  Text explanation;               // maintenance.wind.explain
};

// Each sample stands for `interval_s` seconds (600 for 10-minute data). Non-finite values are skipped.
TurbineAnalysis AnalyseTurbine(const PowerCurve& curve, std::span<const TurbineSample> samples, double interval_s,
                               double bin_width_ms = 0.5);

}  // namespace park::maintenance
