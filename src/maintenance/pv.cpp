#include "park/maintenance/pv.hpp"

#include <cmath>

namespace park::maintenance {
namespace {

constexpr double kReferenceIrradiance = 1000;  // W/m², STC
constexpr double kReferenceTemperature = 25;   // °C, STC

}  // namespace

Status ValidatePvArray(const PvArray& array) {
  std::vector<FieldError> errors;
  if (!std::isfinite(array.rated_kw) || array.rated_kw <= 0) {
    errors.push_back({"rated_kw", T("maintenance.pv.rated_kw")});
  }
  if (!std::isfinite(array.gamma_per_c) || array.gamma_per_c < -0.02 || array.gamma_per_c > 0) {
    errors.push_back({"gamma_per_c", T("maintenance.pv.gamma", {{"min", -0.02}, {"max", 0}})});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

PerformanceRatio ComputePerformanceRatio(const PvArray& array, std::span<const PvSample> samples,
                                         double interval_s) {
  PerformanceRatio r;
  const double hours = interval_s / 3600.0;
  double corrected_expected_kwh = 0;
  for (const PvSample& s : samples) {
    if (!std::isfinite(s.poa_w_m2) || !std::isfinite(s.energy_kwh) || s.poa_w_m2 < 0 || s.energy_kwh < 0) continue;
    ++r.samples;
    r.energy_kwh += s.energy_kwh;
    r.irradiation_kwh_m2 += s.poa_w_m2 / 1000.0 * hours;
    double factor = 1;
    if (s.cell_temperature_c && std::isfinite(*s.cell_temperature_c)) {
      factor = 1 + array.gamma_per_c * (*s.cell_temperature_c - kReferenceTemperature);
      ++r.temperature_samples;
    }
    corrected_expected_kwh += array.rated_kw * factor * s.poa_w_m2 / kReferenceIrradiance * hours;
  }
  r.final_yield_h = array.rated_kw > 0 ? r.energy_kwh / array.rated_kw : 0;
  r.reference_yield_h = r.irradiation_kwh_m2 * 1000.0 / kReferenceIrradiance;
  if (r.reference_yield_h <= 0 || array.rated_kw <= 0) {
    r.explanation = T("maintenance.pv.no_irradiance", {{"samples", r.samples}});
    return r;
  }
  r.pr = r.final_yield_h / r.reference_yield_h;
  if (corrected_expected_kwh > 0) r.pr_temperature_corrected = r.energy_kwh / corrected_expected_kwh;
  r.explanation = T("maintenance.pv.explain",
                    {{"energy_kwh", r.energy_kwh},
                     {"rated_kw", array.rated_kw},
                     {"final_yield_h", r.final_yield_h},
                     {"irradiation_kwh_m2", r.irradiation_kwh_m2},
                     {"reference_yield_h", r.reference_yield_h},
                     {"pr_pct", *r.pr * 100},
                     {"gamma", array.gamma_per_c},
                     {"temperature_samples", r.temperature_samples},
                     {"samples", r.samples},
                     {"pr_corrected_pct", r.pr_temperature_corrected ? *r.pr_temperature_corrected * 100 : 0.0}});
  return r;
}

}  // namespace park::maintenance
