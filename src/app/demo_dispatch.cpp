// The demo park's energy dispatch (issue 14): see demo_dispatch.hpp. Every series is deterministic in the date, so
// two seedings of the same day agree; the weather comes from the same clear-sky and power-curve models the
// dispatch service forecasts with, over the demo park's own PV arrays and turbines.
#include "app/demo_dispatch.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "app/renewables_sim.hpp"
#include "park/core/json.hpp"
#include "park/core/time.hpp"
#include "park/dispatch/dispatch.hpp"
#include "park/maintenance/wind.hpp"

namespace park::app {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kParkOffsetMs = 8 * 3'600'000;  // the park's local time, UTC+8

// The park's load in MW at a local instant: a base with a working-day shift, more in summer (cooling) and a little
// in winter (heating), and deterministic noise.
double LoadMw(int64_t local_ms) {
  const double day = static_cast<double>(local_ms) / kDayMs;
  const double hour = std::fmod(day, 1.0) * 24;
  const int64_t days = local_ms / kDayMs;
  const bool weekend = ((days + 3) % 7) >= 5;  // 1970-01-01 was a Thursday
  const double season = std::cos(2 * kPi * (day - 200) / 365.25);  // +1 mid-July, -1 mid-January
  const double shift = hour >= 8 && hour < 20 ? 1.0 : (hour >= 6 && hour < 8) || (hour >= 20 && hour < 22) ? 0.5 : 0.0;
  const double base = 48 + (weekend ? 3 : 12) * shift + 6 * std::max(0.0, season) + 3 * std::max(0.0, -season);
  return base + 1.5 * SimNoise(17, local_ms);
}

// Cloud cover 0..1 of a local day: a few spells of weather per month, more cloud in the plum-rain season (June).
double CloudOfDay(int64_t day) {
  const double spell = 0.5 + 0.5 * SimNoise(29, day * 4 * kDayMs);
  const double month = std::fmod(static_cast<double>(day) / 30.44, 12.0);
  const double rainy = std::exp(-std::pow(month - 5.2, 2) / 0.5);
  return std::clamp(0.15 + 0.5 * spell + 0.3 * rainy, 0.0, 1.0);
}

// Wind speed at hub height in m/s: windier in winter and at night, with synoptic swings of a few days.
double SpeedMs(int64_t local_ms) {
  const double day = static_cast<double>(local_ms) / kDayMs;
  const double hour = std::fmod(day, 1.0) * 24;
  const double season = std::cos(2 * kPi * (day - 15) / 365.25);
  const double synoptic = std::sin(2 * kPi * day / 3.7) + 0.5 * std::sin(2 * kPi * day / 9.3);
  return std::max(0.0, 6.5 + 1.5 * season + 2.2 * synoptic + 0.8 * std::cos(2 * kPi * hour / 24) +
                           0.6 * SimNoise(31, local_ms));
}

Json Rated(const std::string& text) {
  Json j = Json::parse(text.empty() ? "{}" : text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

double Number(const Json& j, const char* key, double fallback) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

}  // namespace

Status SeedDispatchDemo(store::Store& store, const Clock& clock, dispatch::Service& service) {
  dispatch::PvSite site;
  std::vector<dispatch::PowerCurvePoint> curve;
  int turbines = 0;
  dispatch::DemoInputs in;
  PARK_TRY(store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto pv, tx.Query("SELECT rated FROM equipment WHERE type = 'pv_array'"));
    for (const auto& r : pv) site.capacity_mw += Number(Rated(r.Text(0)), "peak_kw", 0) / 1000;
    PARK_ASSIGN_OR_RETURN(auto wtg, tx.Query("SELECT rated FROM equipment WHERE type = 'wind_turbine' ORDER BY id"));
    turbines = static_cast<int>(wtg.size());
    if (!wtg.empty()) {
      const Json r = Rated(wtg.front().Text(0));
      PARK_ASSIGN_OR_RETURN(auto c, maintenance::NameplateCurve(Number(r, "rated_kw", 5000), Number(r, "cut_in_ms", 3),
                                                                Number(r, "rated_ms", 10.5), Number(r, "cut_out_ms", 25)));
      for (const auto& p : c.points) curve.push_back({p.wind_ms, p.power_kw / 1000});
    }
    // Priority tiers: the park's own utilities are not cut; pharmaceutical makers (sector 27xx) keep a protected
    // continuous-process load; tiers 2 to 4 in turn (tier 1 is left for an emergency list the park may add).
    PARK_ASSIGN_OR_RETURN(auto ents, tx.Query(
        "SELECT e.id, e.sector FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM equipment q WHERE q.enterprise_id = "
        "e.id AND q.type IN ('pv_array', 'wind_turbine', 'flow_battery')) ORDER BY e.id LIMIT 12"));
    int k = 0;
    for (const auto& r : ents) {
      const bool pharma = r.Text(1).rfind("27", 0) == 0;
      in.tiers.push_back({r.Int(0), 2 + k % 3, 0.8 + 0.4 * (k % 5), pharma ? 1.5 + 0.5 * (k % 3) : 0.0,
                          pharma ? "连续生产工艺与安全环保设施" : ""});
      ++k;
    }
    return Status::Ok();
  }));
  if (turbines == 0 || curve.empty()) return Error::Internal("the demo park has no wind turbines");

  const int64_t now = clock.NowMs();
  const int64_t today = (now + kParkOffsetMs) / kDayMs;  // local days since 1970-01-01
  const int64_t today_start = today * kDayMs - kParkOffsetMs;
  in.date = FormatDateMs(today * kDayMs);
  const int year = std::stoi(in.date.substr(0, 4)) - 1;  // the last whole year
  in.year = year;
  const int64_t year_start = DaysFromCivil(year, 1, 1), year_end = DaysFromCivil(year + 1, 1, 1);
  for (int64_t d = year_start; d < year_end; ++d) {
    PARK_ASSIGN_OR_RETURN(auto pv, dispatch::ForecastPv(site, d, 1.0, std::vector<double>(24, CloudOfDay(d))));
    std::vector<double> speed;
    for (int h = 0; h < 24; ++h) {
      in.year_load_mw.push_back(LoadMw(d * kDayMs + h * 3'600'000 + 1'800'000));
      speed.push_back(SpeedMs(d * kDayMs + h * 3'600'000 + 1'800'000));
    }
    PARK_ASSIGN_OR_RETURN(auto wind, dispatch::ForecastWind(curve, turbines, speed));
    in.year_pv_mw.insert(in.year_pv_mw.end(), pv.begin(), pv.end());
    in.year_wind_mw.insert(in.year_wind_mw.end(), wind.begin(), wind.end());
  }
  // Eight weeks of metered load before today, per 15 minutes, for the load forecast and its error.
  for (int64_t at = today_start - 56 * kDayMs; at < today_start; at += 900'000) {
    in.load_history.emplace_back(at, std::round(LoadMw(at + kParkOffsetMs) * 1000) / 1000);
  }
  for (int i = 0; i < 96; ++i) {
    const int64_t local = today * kDayMs + i * 900'000 + 450'000;
    in.cloud.push_back(CloudOfDay(today));
    in.load_mw.push_back(std::round(LoadMw(local) * 1000) / 1000);
    in.speed_ms.push_back(std::round(SpeedMs(local) * 10) / 10);
  }
  // This afternoon the grid asks the park to keep import at or below 35 MW from 17:00 to 20:00, and orders a cut of
  // 6 MW from 18:00 to 20:00 (orderly power use).
  in.instruction_limit_mw = 35;
  in.instruction_from = today_start + 17 * 3'600'000;
  in.instruction_to = today_start + 20 * 3'600'000;
  in.order_cut_mw = 6;
  in.order_from = today_start + 18 * 3'600'000;
  in.order_to = today_start + 20 * 3'600'000;
  return dispatch::SeedDemo(service, in);
}

}  // namespace park::app
