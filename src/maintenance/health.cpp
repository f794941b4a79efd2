#include "park/maintenance/health.hpp"

#include <algorithm>
#include <cmath>

namespace park::maintenance {
namespace {

constexpr double kAgeWeight = 0.25;
constexpr double kAlarmWeight = 0.30;
constexpr double kOverdueWeight = 0.25;
constexpr double kTrendWeight = 0.20;
constexpr double kTrendSoonDays = 7;
constexpr double kTrendFarDays = 90;

TrendResult AssessTrend(const TrendInput& in) {
  TrendResult r;
  r.sensor_key = in.sensor_key;
  const auto fit = FitTrend(in.samples);
  if (!fit) return r;
  r.slope_per_day = fit->slope_per_day;
  r.fitted_now = fit->fitted_last;
  if ((in.high && r.fitted_now >= *in.high) || (in.low && r.fitted_now <= *in.low)) {
    r.beyond_limit = true;
    r.limit = in.high && r.fitted_now >= *in.high ? in.high : in.low;
    r.days_to_limit = 0;
    r.penalty = 1;
    return r;
  }
  if (r.slope_per_day > 0 && in.high) r.limit = in.high;
  if (r.slope_per_day < 0 && in.low) r.limit = in.low;
  if (!r.limit) return r;
  const double days = (*r.limit - r.fitted_now) / r.slope_per_day;
  r.days_to_limit = days;
  if (days <= kTrendSoonDays) {
    r.penalty = 1;
  } else if (days < kTrendFarDays) {
    r.penalty = (kTrendFarDays - days) / (kTrendFarDays - kTrendSoonDays);
  }
  return r;
}

}  // namespace

std::optional<Trend> FitTrend(std::span<const Sample> samples) {
  std::vector<Sample> s;
  for (const Sample& x : samples) {
    if (std::isfinite(x.value)) s.push_back(x);
  }
  if (s.size() < 2) return std::nullopt;
  const int64_t t0 = std::min_element(s.begin(), s.end(), [](const Sample& a, const Sample& b) {
                       return a.timestamp_ms < b.timestamp_ms;
                     })->timestamp_ms;
  int64_t t_last = t0;
  double sx = 0, sy = 0;
  for (const Sample& x : s) {
    sx += static_cast<double>(x.timestamp_ms - t0) / 86400000.0;
    sy += x.value;
    t_last = std::max(t_last, x.timestamp_ms);
  }
  const double n = static_cast<double>(s.size());
  const double mx = sx / n, my = sy / n;
  double sxx = 0, sxy = 0;
  for (const Sample& x : s) {
    const double dx = static_cast<double>(x.timestamp_ms - t0) / 86400000.0 - mx;
    sxx += dx * dx;
    sxy += dx * (x.value - my);
  }
  if (sxx <= 0) return std::nullopt;
  Trend t;
  t.slope_per_day = sxy / sxx;
  t.fitted_last = my + t.slope_per_day * (static_cast<double>(t_last - t0) / 86400000.0 - mx);
  return t;
}

Health ComputeHealth(const HealthInput& in) {
  Health h;
  HealthTerm age{"age", false, kAgeWeight, 0, 0, {}, {}};
  age.formula = T("maintenance.health.formula.age");
  if (in.age_years && in.design_life_years && *in.design_life_years > 0 && *in.age_years >= 0) {
    age.scored = true;
    age.penalty = std::min(1.0, *in.age_years / *in.design_life_years);
    age.inputs = T("maintenance.health.inputs.age",
                   {{"age_years", *in.age_years}, {"design_life_years", *in.design_life_years}});
  } else {
    age.inputs = T("maintenance.health.not_scored.age");
  }

  HealthTerm alarms{"alarms", true, kAlarmWeight, 0, 0, T("maintenance.health.formula.alarms"), {}};
  const double alarm_load = 1.0 * static_cast<double>(in.open_critical) +
                            0.4 * static_cast<double>(in.open_warning) + 0.1 * static_cast<double>(in.open_info);
  alarms.penalty = std::min(1.0, alarm_load / 2.0);
  alarms.inputs = T("maintenance.health.inputs.alarms", {{"critical", in.open_critical},
                                                          {"warning", in.open_warning},
                                                          {"info", in.open_info}});

  HealthTerm overdue{"overdue", true, kOverdueWeight, 0, 0, T("maintenance.health.formula.overdue"), {}};
  int64_t overdue_total = 0;
  for (int64_t d : in.overdue_days) overdue_total += std::max<int64_t>(0, d);
  overdue.penalty = std::min(1.0, static_cast<double>(overdue_total) / 30.0);
  overdue.inputs = T("maintenance.health.inputs.overdue",
                     {{"plans", static_cast<int64_t>(in.overdue_days.size())}, {"days", overdue_total}});

  HealthTerm trend{"trend", false, kTrendWeight, 0, 0, T("maintenance.health.formula.trend"), {}};
  const TrendResult* worst = nullptr;
  for (const TrendInput& t : in.trends) {
    TrendResult r = AssessTrend(t);
    if (r.days_to_limit && (!h.remaining_days || *r.days_to_limit < *h.remaining_days)) {
      h.remaining_days = r.days_to_limit;
    }
    h.trends.push_back(std::move(r));
  }
  for (const TrendResult& r : h.trends) {
    if (!worst || r.penalty > worst->penalty) worst = &r;
  }
  if (worst) {
    trend.scored = true;
    trend.penalty = worst->penalty;
    trend.inputs = T("maintenance.health.inputs.trend",
                     {{"sensor", worst->sensor_key},
                      {"slope_per_day", worst->slope_per_day},
                      {"value", worst->fitted_now},
                      {"limit", worst->limit ? FormatTextNumber(*worst->limit) : std::string("-")},
                      {"days", worst->days_to_limit ? FormatTextNumber(*worst->days_to_limit) : std::string("-")}});
  } else {
    trend.inputs = T("maintenance.health.not_scored.trend");
  }

  h.terms = {age, alarms, overdue, trend};
  double weight_sum = 0, weighted = 0;
  for (const HealthTerm& t : h.terms) {
    if (!t.scored) continue;
    weight_sum += t.weight;
    weighted += t.weight * t.penalty;
  }
  for (HealthTerm& t : h.terms) {
    if (t.scored && weight_sum > 0) t.points = 100.0 * t.weight * t.penalty / weight_sum;
  }
  h.score = weight_sum > 0 ? 100.0 * (1.0 - weighted / weight_sum) : 100.0;
  h.summary = T("maintenance.health.summary", {{"score", h.score}, {"weight_sum", weight_sum}});
  return h;
}

}  // namespace park::maintenance
