#include <gtest/gtest.h>

#include "park/maintenance/pv.hpp"

namespace park::maintenance {
namespace {

TEST(Pv, PerformanceRatioWorkedCase) {
  // 100 kW, γ = −0.4 %/°C. Hour 1: 800 W/m², 45 °C, 72 kWh; hour 2: 500 W/m², 35 °C, 48 kWh.
  // Y_f = 120 / 100 = 1.2 h; Y_r = 0.8 + 0.5 = 1.3 h; PR = 1.2 / 1.3.
  // PR' = 120 / (100 × 0.92 × 0.8 + 100 × 0.96 × 0.5) = 120 / 121.6.
  const PvArray array{100, -0.004};
  const std::vector<PvSample> s = {{800, 72, 45.0}, {500, 48, 35.0}};
  const PerformanceRatio r = ComputePerformanceRatio(array, s, 3600);
  EXPECT_NEAR(r.final_yield_h, 1.2, 1e-12);
  EXPECT_NEAR(r.reference_yield_h, 1.3, 1e-12);
  EXPECT_NEAR(*r.pr, 1.2 / 1.3, 1e-12);
  EXPECT_NEAR(*r.pr_temperature_corrected, 120 / 121.6, 1e-12);
  EXPECT_EQ(r.temperature_samples, 2);
  EXPECT_EQ(r.explanation.code, "maintenance.pv.explain");
  EXPECT_TRUE(HasText(r.explanation.code));
}

TEST(Pv, IntervalsWithoutTemperatureAreNotCorrectedAndNightIsUndefined) {
  const PvArray array{100, -0.004};
  // 15-minute samples: 1000 W/m² for 0.25 h gives 0.25 kWh/m²; 20 kWh → PR = 0.2 / 0.25 = 0.8.
  std::vector<PvSample> s = {{1000, 20, std::nullopt}, {-5, 1, std::nullopt}};  // the negative one is skipped
  PerformanceRatio r = ComputePerformanceRatio(array, s, 900);
  EXPECT_EQ(r.samples, 1);
  EXPECT_NEAR(*r.pr, 0.8, 1e-12);
  EXPECT_NEAR(*r.pr_temperature_corrected, 0.8, 1e-12);
  s = {{0, 0, 10.0}};
  r = ComputePerformanceRatio(array, s, 900);
  EXPECT_FALSE(r.pr);
  EXPECT_EQ(r.explanation.code, "maintenance.pv.no_irradiance");
  EXPECT_TRUE(HasText(r.explanation.code));
}

TEST(Pv, BadArraysNameTheField) {
  EXPECT_TRUE(ValidatePvArray({100, -0.004}).ok());
  const auto st = ValidatePvArray({0, 0.01});
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.error().fields.size(), 2u);
  EXPECT_EQ(st.error().fields[0].field, "rated_kw");
  EXPECT_EQ(st.error().fields[1].field, "gamma_per_c");
  EXPECT_TRUE(HasText("maintenance.pv.rated_kw"));
  EXPECT_TRUE(HasText("maintenance.pv.gamma"));
}

}  // namespace
}  // namespace park::maintenance
