#include "park/maintenance/wind.hpp"

#include <cmath>
#include <numbers>
#include <string>

namespace park::maintenance {
namespace {

constexpr double kGasConstant = 287.05;  // J/(kg·K), dry air

}  // namespace

Status ValidatePowerCurve(const PowerCurve& curve) {
  std::vector<FieldError> errors;
  if (curve.points.size() < 2) errors.push_back({"points", T("maintenance.wind.curve_points", {{"min", 2}})});
  for (size_t i = 0; i < curve.points.size(); ++i) {
    const auto& p = curve.points[i];
    const std::string at = "points[" + std::to_string(i) + "]";
    if (!std::isfinite(p.wind_ms) || p.wind_ms < 0 || (i > 0 && p.wind_ms <= curve.points[i - 1].wind_ms)) {
      errors.push_back({at + ".wind_ms", T("maintenance.wind.curve_increasing")});
    }
    if (!std::isfinite(p.power_kw) || p.power_kw < 0) {
      errors.push_back({at + ".power_kw", T("maintenance.wind.curve_power")});
    }
  }
  if (!std::isfinite(curve.air_density) || curve.air_density <= 0) {
    errors.push_back({"air_density", T("maintenance.wind.curve_density")});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

Result<PowerCurve> NameplateCurve(double rated_kw, double cut_in_ms, double rated_ms, double cut_out_ms,
                                  double step_ms) {
  if (!(rated_kw > 0)) return Error::Invalid("rated_kw", T("maintenance.wind.nameplate_positive"));
  if (!(cut_in_ms > 0)) return Error::Invalid("cut_in_ms", T("maintenance.wind.nameplate_positive"));
  if (!(rated_ms > cut_in_ms)) return Error::Invalid("rated_ms", T("maintenance.wind.nameplate_order"));
  if (!(cut_out_ms > rated_ms)) return Error::Invalid("cut_out_ms", T("maintenance.wind.nameplate_order"));
  if (!(step_ms > 0)) return Error::Invalid("step_ms", T("maintenance.wind.nameplate_positive"));
  const double in3 = cut_in_ms * cut_in_ms * cut_in_ms;
  const double span3 = rated_ms * rated_ms * rated_ms - in3;
  PowerCurve curve;
  for (int i = 0;; ++i) {
    const double v = std::min(cut_in_ms + i * step_ms, cut_out_ms);
    const double p = v >= rated_ms ? rated_kw : rated_kw * (v * v * v - in3) / span3;
    curve.points.push_back({v, p});
    if (v >= cut_out_ms) break;
  }
  return curve;
}

double ExpectedPowerKw(const PowerCurve& curve, double v) {
  const auto& p = curve.points;
  if (p.size() < 2 || !(v >= p.front().wind_ms) || v > p.back().wind_ms) return 0;
  size_t lo = 0, hi = p.size() - 1;  // binary search: p[lo].wind_ms <= v <= p[hi].wind_ms
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    (p[mid].wind_ms <= v ? lo : hi) = mid;
  }
  const double f = (v - p[lo].wind_ms) / (p[hi].wind_ms - p[lo].wind_ms);
  return p[lo].power_kw + f * (p[hi].power_kw - p[lo].power_kw);
}

double AirDensity(double pressure_hpa, double temperature_c) {
  return pressure_hpa * 100.0 / (kGasConstant * (temperature_c + 273.15));
}

TurbineAnalysis AnalyseTurbine(const PowerCurve& curve, std::span<const TurbineSample> samples, double interval_s,
                               double bin_width_ms) {
  TurbineAnalysis a;
  const double hours = interval_s / 3600.0;
  double sin_sum = 0, cos_sum = 0;
  std::vector<CurveBin> bins;
  for (const TurbineSample& s : samples) {
    if (!std::isfinite(s.wind_ms) || !std::isfinite(s.power_kw) || s.wind_ms < 0) continue;
    double v = s.wind_ms;
    if (s.temperature_c && s.pressure_hpa && std::isfinite(*s.temperature_c) && std::isfinite(*s.pressure_hpa)) {
      v *= std::cbrt(AirDensity(*s.pressure_hpa, *s.temperature_c) / curve.air_density);
      ++a.density_corrected;
    }
    const double expected = ExpectedPowerKw(curve, v);
    ++a.samples;
    a.expected_kwh += expected * hours;
    a.measured_kwh += s.power_kw * hours;
    if (s.power_kw < expected) a.lost_kwh += (expected - s.power_kw) * hours;
    const size_t bin = static_cast<size_t>(v / bin_width_ms);
    if (bin >= bins.size()) {
      const size_t from = bins.size();
      bins.resize(bin + 1);
      for (size_t i = from; i < bins.size(); ++i) bins[i].wind_from_ms = static_cast<double>(i) * bin_width_ms;
    }
    ++bins[bin].count;
    bins[bin].mean_measured_kw += s.power_kw;
    bins[bin].mean_expected_kw += expected;
    if (s.wind_direction_deg && s.nacelle_deg && std::isfinite(*s.wind_direction_deg) &&
        std::isfinite(*s.nacelle_deg)) {
      const double d = (*s.wind_direction_deg - *s.nacelle_deg) * std::numbers::pi / 180.0;
      sin_sum += std::sin(d);
      cos_sum += std::cos(d);
      ++a.yaw_samples;
    }
  }
  for (CurveBin& b : bins) {
    if (b.count == 0) continue;
    b.mean_measured_kw /= static_cast<double>(b.count);
    b.mean_expected_kw /= static_cast<double>(b.count);
    a.bins.push_back(b);
  }
  if (a.yaw_samples > 0) {
    double deg = std::atan2(sin_sum, cos_sum) * 180.0 / std::numbers::pi;
    if (deg <= -180.0) deg += 360.0;
    a.yaw_misalignment_deg = deg;
  }
  a.performance_pct = a.expected_kwh > 0 ? 100.0 * a.measured_kwh / a.expected_kwh : 0;
  a.explanation = T("maintenance.wind.explain",
                    {{"samples", a.samples},
                     {"corrected", a.density_corrected},
                     {"density", curve.air_density},
                     {"expected_kwh", a.expected_kwh},
                     {"measured_kwh", a.measured_kwh},
                     {"lost_kwh", a.lost_kwh},
                     {"pct", a.performance_pct}});
  return a;
}

}  // namespace park::maintenance
