// Forecasts for the plan: the park's load from metered history, PV from a clear-sky model with a cloud
// factor, wind through the turbines' power curve; and the vanadium battery's defaults.
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <numbers>

#include <fmt/format.h>

#include "park/core/error.hpp"
#include "park/core/time.hpp"
#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

constexpr int kSlots = 96;  // 15-minute steps of a day
using DayValues = std::array<double, kSlots>;

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Days since 1970-01-01 to the proleptic Gregorian date (eras of 400 years, March-based years).
Civil CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// Meteorological seasons: 0 winter (Dec-Feb), 1 spring, 2 summer, 3 autumn.
int Season(int64_t day) { return static_cast<int>((CivilFromDays(day).month % 12) / 3); }
const char* SeasonCode(int season) {
  static constexpr const char* kCodes[] = {"dispatch.season.winter", "dispatch.season.spring", "dispatch.season.summer",
                                           "dispatch.season.autumn"};
  return kCodes[season];
}

struct Estimate {
  DayValues mw{};
  std::array<int, kSlots> used{};
  int days = 0;
};

// Mean of the same weekday in the `weeks` weeks before `day`, same season only.
Estimate SameWeekdayMean(const std::map<int64_t, DayValues>& by_day, int64_t day, int weeks) {
  Estimate e;
  const int season = Season(day);
  for (int w = 1; w <= weeks; ++w) {
    int64_t d = day - 7 * w;
    if (Season(d) != season) continue;
    auto it = by_day.find(d);
    if (it == by_day.end()) continue;
    bool any = false;
    for (int s = 0; s < kSlots; ++s) {
      if (std::isnan(it->second[s])) continue;
      e.mw[s] += it->second[s];
      e.used[s] += 1;
      any = true;
    }
    if (any) ++e.days;
  }
  for (int s = 0; s < kSlots; ++s) e.mw[s] = e.used[s] > 0 ? e.mw[s] / e.used[s] : std::nan("");
  return e;
}

}  // namespace

Result<LoadForecast> ForecastLoad(const std::vector<LoadSample>& history, int64_t day, int weeks, int eval_weeks) {
  if (weeks < 1 || weeks > 52) return Error::Invalid("weeks", T("dispatch.forecast.weeks_range", {{"value", static_cast<double>(weeks)}}));
  if (eval_weeks < 0 || eval_weeks > 52) return Error::Invalid("eval_weeks", T("dispatch.forecast.weeks_range", {{"value", static_cast<double>(eval_weeks)}}));
  std::map<int64_t, DayValues> by_day;
  for (size_t i = 0; i < history.size(); ++i) {
    const LoadSample& s = history[i];
    if (!std::isfinite(s.mw) || s.mw < 0) return Error::Invalid(fmt::format("history[{}].mw", i), T("dispatch.value_negative"));
    int64_t d = s.local_minute >= 0 ? s.local_minute / 1440 : (s.local_minute - 1439) / 1440;
    auto [it, inserted] = by_day.try_emplace(d);
    if (inserted) it->second.fill(std::nan(""));
    it->second[static_cast<size_t>((s.local_minute - d * 1440) / 15)] = s.mw;
  }
  Estimate e = SameWeekdayMean(by_day, day, weeks);
  if (e.days == 0) {
    return Error::Invalid("history", T("dispatch.forecast.no_history", {{"weeks", static_cast<double>(weeks)}}));
  }
  LoadForecast out;
  for (int s = 0; s < kSlots; ++s) {
    if (e.used[s] == 0) {
      return Error::Invalid("history", T("dispatch.forecast.slot_missing",
                                         {{"time", fmt::format("{:02d}:{:02d}", s / 4, (s % 4) * 15)}, {"weeks", static_cast<double>(weeks)}}));
    }
    out.mw.push_back(e.mw[s]);
    out.used_days.push_back(e.used[s]);
  }
  double sum = 0;
  int points = 0;
  for (int w = 1; w <= eval_weeks; ++w) {
    int64_t d = day - 7 * w;
    auto it = by_day.find(d);
    if (it == by_day.end()) continue;
    Estimate back = SameWeekdayMean(by_day, d, weeks);
    if (back.days == 0) continue;
    bool counted = false;
    for (int s = 0; s < kSlots; ++s) {
      double actual = it->second[s];
      if (std::isnan(actual) || actual <= 0 || std::isnan(back.mw[s])) continue;
      sum += std::abs(back.mw[s] - actual) / actual;
      ++points;
      counted = true;
    }
    if (counted) ++out.evaluated_days;
  }
  out.mape = points > 0 ? sum / points : 0.0;
  out.method = T("dispatch.forecast.load_method", {{"weeks", static_cast<double>(weeks)}, {"days", static_cast<double>(e.days)},
                                                   {"season", TextRef{SeasonCode(Season(day))}},
                                                   {"mape_pct", out.mape * 100.0}, {"evaluated_days", static_cast<double>(out.evaluated_days)}});
  return out;
}

Result<std::vector<double>> ForecastPv(const PvSite& site, int64_t day, double step_hours, const std::vector<double>& cloud) {
  std::vector<FieldError> errors;
  if (!(site.latitude_deg >= -90 && site.latitude_deg <= 90)) errors.push_back({"latitude_deg", T("dispatch.forecast.latitude_range")});
  if (!(site.longitude_deg >= -180 && site.longitude_deg <= 180)) errors.push_back({"longitude_deg", T("dispatch.forecast.longitude_range")});
  if (!(site.capacity_mw >= 0)) errors.push_back({"capacity_mw", T("dispatch.value_negative")});
  if (!(site.performance_ratio > 0 && site.performance_ratio <= 1)) errors.push_back({"performance_ratio", T("dispatch.fraction_open", {{"value", site.performance_ratio}})});
  if (!(step_hours > 0 && step_hours <= 24)) {
    errors.push_back({"step_hours", T("dispatch.value_positive")});
  } else {
    double expected = 24.0 / step_hours;
    if (std::abs(expected - static_cast<double>(cloud.size())) > 1e-9) {
      errors.push_back({"cloud", T("dispatch.series_length", {{"expected", expected}, {"actual", static_cast<double>(cloud.size())}})});
    }
  }
  for (size_t i = 0; i < cloud.size() && errors.empty(); ++i) {
    if (!(cloud[i] >= 0 && cloud[i] <= 1)) errors.push_back({fmt::format("cloud[{}]", i), T("dispatch.fraction", {{"value", cloud[i]}})});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  constexpr double kDeg = std::numbers::pi / 180.0;
  const Civil c = CivilFromDays(day);
  const double n = static_cast<double>(day - DaysFromCivil(c.year, 1, 1) + 1);
  const double declination = 23.45 * kDeg * std::sin(2 * std::numbers::pi * (284 + n) / 365.0);
  const double b = 2 * std::numbers::pi * (n - 81) / 365.0;
  const double eot_min = 9.87 * std::sin(2 * b) - 7.53 * std::cos(b) - 1.5 * std::sin(b);
  const double lat = site.latitude_deg * kDeg;
  std::vector<double> out;
  for (size_t i = 0; i < cloud.size(); ++i) {
    double clock = (static_cast<double>(i) + 0.5) * step_hours;
    double solar = clock + (4.0 * (site.longitude_deg - 15.0 * site.utc_offset_hours) + eot_min) / 60.0;
    double hour_angle = 15.0 * kDeg * (solar - 12.0);
    double cos_z = std::sin(lat) * std::sin(declination) + std::cos(lat) * std::cos(declination) * std::cos(hour_angle);
    double ghi = cos_z > 0 ? 1098.0 * cos_z * std::exp(-0.059 / cos_z) : 0.0;
    double cloud_factor = 1.0 - 0.75 * std::pow(cloud[i], 3.4);
    out.push_back(site.capacity_mw * ghi / 1000.0 * site.performance_ratio * cloud_factor);
  }
  return out;
}

Result<std::vector<double>> ForecastWind(const std::vector<PowerCurvePoint>& curve, int turbines, const std::vector<double>& speed_ms) {
  std::vector<FieldError> errors;
  if (curve.size() < 2) errors.push_back({"curve", T("dispatch.forecast.curve_short")});
  for (size_t i = 0; i < curve.size(); ++i) {
    if (!(curve[i].mw >= 0)) errors.push_back({fmt::format("curve[{}].mw", i), T("dispatch.value_negative")});
    if (!(curve[i].speed_ms >= 0) || (i > 0 && !(curve[i].speed_ms > curve[i - 1].speed_ms))) {
      errors.push_back({fmt::format("curve[{}].speed_ms", i), T("dispatch.forecast.curve_not_rising")});
    }
  }
  if (turbines < 0) errors.push_back({"turbines", T("dispatch.value_negative")});
  for (size_t i = 0; i < speed_ms.size(); ++i) {
    if (!(speed_ms[i] >= 0 && std::isfinite(speed_ms[i]))) {
      errors.push_back({fmt::format("speed_ms[{}]", i), T("dispatch.value_negative")});
      break;
    }
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  std::vector<double> out;
  out.reserve(speed_ms.size());
  for (double v : speed_ms) {
    double mw = 0;
    if (v >= curve.front().speed_ms && v <= curve.back().speed_ms) {
      for (size_t i = 1; i < curve.size(); ++i) {
        if (v <= curve[i].speed_ms) {
          double f = (v - curve[i - 1].speed_ms) / (curve[i].speed_ms - curve[i - 1].speed_ms);
          mw = curve[i - 1].mw + f * (curve[i].mw - curve[i - 1].mw);
          break;
        }
      }
    }
    out.push_back(mw * turbines);
  }
  return out;
}

Battery DefaultVanadiumBattery(double energy_mwh, double soc_initial) {
  std::map<std::string, double, std::less<>> value;
  std::string_view csv = VanadiumDefaultsCsv();
  size_t start = 0;
  while (start < csv.size()) {
    size_t end = csv.find('\n', start);
    std::string_view line = csv.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? csv.size() : end + 1;
    if (line.empty() || line.front() == '#') continue;
    size_t c1 = line.find(',');
    if (c1 == std::string_view::npos) continue;
    size_t c2 = line.find(',', c1 + 1);
    std::string_view number = line.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1);
    double v = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
    if (ec == std::errc() && p == number.data() + number.size()) value[std::string(line.substr(0, c1))] = v;
  }
  Battery b;
  b.energy_mwh = energy_mwh;
  double power = energy_mwh / value.at("duration");
  b.charge_mw = power;
  b.discharge_mw = power;
  b.charge_efficiency = value.at("charge_efficiency");
  b.discharge_efficiency = value.at("discharge_efficiency");
  b.auxiliary_mw = value.at("auxiliary_load") * power;
  b.self_discharge_per_day = value.at("self_discharge");
  b.soc_min = value.at("soc_min");
  b.soc_max = value.at("soc_max");
  b.soc_initial = soc_initial;
  return b;
}

}  // namespace park::dispatch
