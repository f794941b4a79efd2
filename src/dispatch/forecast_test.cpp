// Forecasts: load by same weekday and season with its measured error, clear-sky PV, wind power curves.
#include <gtest/gtest.h>

#include <cmath>

#include "park/core/time.hpp"
#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

// 15-minute history for the days [first, last]: `shape(day, slot)`.
template <typename F>
std::vector<LoadSample> History(int64_t first, int64_t last, F shape) {
  std::vector<LoadSample> h;
  for (int64_t d = first; d <= last; ++d) {
    for (int s = 0; s < 96; ++s) h.push_back({d * 1440 + s * 15, shape(d, s)});
  }
  return h;
}

TEST(LoadForecast, SameWeekdayMeanAndItsError) {
  const int64_t target = DaysFromCivil(2025, 4, 30);  // a Wednesday in spring
  // Wednesdays draw 20 + week number MW (the week before the target 20 + 1, ...); other days 5 MW.
  auto shape = [&](int64_t d, int) -> double {
    if ((target - d) % 7 != 0) return 5.0;
    return 20.0 + static_cast<double>((target - d) / 7);
  };
  auto h = History(target - 70, target - 1, shape);
  auto f = ForecastLoad(h, target, 4, 2);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->mw.size(), 96u);
  // Spring only: March 2025 onwards. The 4 Wednesdays before hold 21, 22, 23, 24: mean 22.5.
  EXPECT_NEAR(f->mw[40], 22.5, 1e-12);
  EXPECT_EQ(f->used_days[40], 4);
  // Backtests: 23 Apr (actual 21) from 22..25 = 23.5; 16 Apr (actual 22) from 23..26 = 24.5.
  // MAPE = mean(2.5/21, 2.5/22).
  EXPECT_EQ(f->evaluated_days, 2);
  EXPECT_NEAR(f->mape, (2.5 / 21 + 2.5 / 22) / 2, 1e-12);
  EXPECT_EQ(f->method.code, "dispatch.forecast.load_method");
}

TEST(LoadForecast, OtherSeasonsAreLeftOut) {
  const int64_t target = DaysFromCivil(2025, 3, 12);  // spring; two weeks back is still February (winter)
  auto h = History(target - 28, target - 1, [&](int64_t d, int) { return d >= DaysFromCivil(2025, 3, 1) ? 30.0 : 90.0; });
  auto f = ForecastLoad(h, target, 4, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->mw[0], 30.0);
  EXPECT_EQ(f->used_days[0], 1);
  EXPECT_FALSE(ForecastLoad({}, target).ok());
  EXPECT_EQ(ForecastLoad({}, target).error().field, "history");
}

TEST(PvForecast, ClearSkyNoonAndNight) {
  PvSite site;  // 30 N 120 E, UTC+8: solar noon near 12:00 local
  site.capacity_mw = 100;
  std::vector<double> clear(24, 0.0), overcast(24, 1.0);
  const int64_t equinox = DaysFromCivil(2025, 3, 20);
  auto pv = ForecastPv(site, equinox, 1.0, clear);
  ASSERT_TRUE(pv.ok()) << pv.error().message;
  EXPECT_DOUBLE_EQ((*pv)[2], 0.0);  // 02:30
  // 11:30 local: hour angle about -7 degrees, zenith ~ 31 deg: 1098 cos z exp(-0.059 / cos z) ~ 881 W/m2.
  const double kDeg = 3.14159265358979 / 180;
  double cos_z = std::cos(30 * kDeg) * std::cos(0.0) * std::cos(-7.5 * kDeg);  // declination ~0 at equinox
  double expected = 100 * 1098 * cos_z * std::exp(-0.059 / cos_z) / 1000 * 0.8;
  EXPECT_NEAR((*pv)[11], expected, 0.03 * expected);
  auto cloudy = ForecastPv(site, equinox, 1.0, overcast);
  ASSERT_TRUE(cloudy.ok());
  EXPECT_NEAR((*cloudy)[11], (*pv)[11] * 0.25, 1e-9);
  auto bad = ForecastPv(site, equinox, 0.25, clear);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "cloud");
}

TEST(WindForecast, PowerCurveWithCutOut) {
  std::vector<PowerCurvePoint> curve = {{3, 0}, {12, 4.5}, {25, 4.5}};
  auto w = ForecastWind(curve, 10, {2, 3, 7.5, 12, 20, 26});
  ASSERT_TRUE(w.ok());
  EXPECT_DOUBLE_EQ((*w)[0], 0);
  EXPECT_DOUBLE_EQ((*w)[1], 0);
  EXPECT_DOUBLE_EQ((*w)[2], 22.5);
  EXPECT_DOUBLE_EQ((*w)[3], 45);
  EXPECT_DOUBLE_EQ((*w)[4], 45);
  EXPECT_DOUBLE_EQ((*w)[5], 0);
  auto bad = ForecastWind({{5, 1}, {4, 2}}, 1, {5});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "curve[1].speed_ms");
}

TEST(Battery, VanadiumDefaultsFromTheData) {
  Battery b = DefaultVanadiumBattery(200, 0.5);
  EXPECT_DOUBLE_EQ(b.charge_mw, 50);
  EXPECT_DOUBLE_EQ(b.charge_efficiency, 0.83);
  EXPECT_DOUBLE_EQ(b.soc_min, 0.10);
  EXPECT_DOUBLE_EQ(b.auxiliary_mw, 1.0);
}

}  // namespace
}  // namespace park::dispatch
