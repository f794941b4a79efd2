#include <gtest/gtest.h>

#include "park/maintenance/wind.hpp"

namespace park::maintenance {
namespace {

PowerCurve Curve() { return {{{3, 0}, {5, 200}, {10, 2000}, {25, 2000}}, 1.225}; }

TEST(Wind, ExpectedPowerInterpolatesAndCutsOut) {
  const PowerCurve c = Curve();
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 7.5), 1100);  // 200 + 0.5 × 1800
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 4), 100);
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 3), 0);
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 2.9), 0);    // below cut-in
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 25), 2000);
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 25.1), 0);   // above cut-out
  EXPECT_NEAR(AirDensity(1013.25, 15), 1.225, 1e-4);  // the standard atmosphere at sea level
}

TEST(Wind, NameplateCurveIsCubicToRatedThenFlat) {
  // The demo's 5 MW turbine: cut-in 3, rated 10.5, cut-out 25 m/s. At 7 m/s: 5000 × (343 − 27) / (1157.625 − 27).
  const PowerCurve c = NameplateCurve(5000, 3, 10.5, 25).value();
  EXPECT_DOUBLE_EQ(c.points.front().wind_ms, 3);
  EXPECT_DOUBLE_EQ(c.points.front().power_kw, 0);
  EXPECT_DOUBLE_EQ(c.points.back().wind_ms, 25);
  EXPECT_NEAR(ExpectedPowerKw(c, 7), 5000.0 * 316 / 1130.625, 1e-9);
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 10.5), 5000);
  EXPECT_DOUBLE_EQ(ExpectedPowerKw(c, 18), 5000);
  EXPECT_EQ(c.points.size(), 45u);  // 3, 3.5, …, 25
  EXPECT_TRUE(ValidatePowerCurve(c).ok());
  EXPECT_EQ(NameplateCurve(5000, 3, 3, 25).error().field, "rated_ms");
  EXPECT_EQ(NameplateCurve(5000, 3, 10.5, 10).error().field, "cut_out_ms");
  EXPECT_EQ(NameplateCurve(0, 3, 10.5, 25).error().field, "rated_kw");
}

TEST(Wind, EnergyLostAgainstTheCurveOverAWindow) {
  // Three 10-minute samples: 7.5 m/s at 1000 kW (expected 1100), 10 m/s at 2000 (expected 2000), 4 m/s at 150
  // (expected 100: above the curve, no loss).
  const std::vector<TurbineSample> s = {{7.5, 1000, {}, {}, {}, {}}, {10, 2000, {}, {}, {}, {}},
                                        {4, 150, {}, {}, {}, {}}};
  const TurbineAnalysis a = AnalyseTurbine(Curve(), s, 600);
  EXPECT_EQ(a.samples, 3);
  EXPECT_NEAR(a.expected_kwh, 3200.0 / 6, 1e-9);
  EXPECT_NEAR(a.measured_kwh, 3150.0 / 6, 1e-9);
  EXPECT_NEAR(a.lost_kwh, 100.0 / 6, 1e-9);
  EXPECT_NEAR(a.performance_pct, 98.4375, 1e-9);
  ASSERT_EQ(a.bins.size(), 3u);
  EXPECT_DOUBLE_EQ(a.bins[0].wind_from_ms, 4);
  EXPECT_DOUBLE_EQ(a.bins[1].wind_from_ms, 7.5);
  EXPECT_DOUBLE_EQ(a.bins[1].mean_measured_kw, 1000);
  EXPECT_DOUBLE_EQ(a.bins[1].mean_expected_kw, 1100);
  EXPECT_FALSE(a.yaw_misalignment_deg);
  EXPECT_TRUE(HasText(a.explanation.code));
}

TEST(Wind, ThinAirNormalisesTheWindSpeedDown) {
  // ρ = 0.729 ρ₀: v_n = 10 × 0.9 = 9 m/s, expected 200 + 0.8 × 1800 = 1640 kW.
  const double t = 15;
  const double p = 0.729 * 1.225 * 287.05 * (t + 273.15) / 100;
  const std::vector<TurbineSample> s = {{10, 1640, t, p, {}, {}}};
  const TurbineAnalysis a = AnalyseTurbine(Curve(), s, 3600);
  EXPECT_EQ(a.density_corrected, 1);
  EXPECT_NEAR(a.expected_kwh, 1640, 1e-6);
  EXPECT_NEAR(a.lost_kwh, 0, 1e-6);
}

TEST(Wind, YawMisalignmentIsACircularMean) {
  std::vector<TurbineSample> s = {{8, 1000, {}, {}, 5.0, 0.0}, {8, 1000, {}, {}, 15.0, 0.0}};
  EXPECT_NEAR(*AnalyseTurbine(Curve(), s, 600).yaw_misalignment_deg, 10, 1e-9);
  // Across north: 355 against 345 and 5 against 355 are both +10°, not a mean of −170.
  s = {{8, 1000, {}, {}, 355.0, 345.0}, {8, 1000, {}, {}, 5.0, 355.0}};
  EXPECT_NEAR(*AnalyseTurbine(Curve(), s, 600).yaw_misalignment_deg, 10, 1e-9);
  s = {{8, 1000, {}, {}, 350.0, 10.0}, {8, 1000, {}, {}, 10.0, 350.0}};  // −20 and +20
  EXPECT_NEAR(*AnalyseTurbine(Curve(), s, 600).yaw_misalignment_deg, 0, 1e-9);
}

TEST(Wind, BadCurvesNameThePoint) {
  EXPECT_TRUE(ValidatePowerCurve(Curve()).ok());
  const auto st = ValidatePowerCurve({{{3, 0}, {3, 100}, {5, -1}}, 1.225});
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.error().fields.size(), 2u);
  EXPECT_EQ(st.error().fields[0].field, "points[1].wind_ms");
  EXPECT_EQ(st.error().fields[1].field, "points[2].power_kw");
  EXPECT_EQ(ValidatePowerCurve({{{3, 0}}, 0}).error().fields.size(), 2u);
  for (const char* code : {"maintenance.wind.curve_points", "maintenance.wind.curve_increasing",
                           "maintenance.wind.curve_power", "maintenance.wind.curve_density"}) {
    EXPECT_TRUE(HasText(code)) << code;
  }
}

}  // namespace
}  // namespace park::maintenance
