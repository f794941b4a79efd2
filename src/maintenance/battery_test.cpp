#include <gtest/gtest.h>

#include "park/maintenance/battery.hpp"

namespace park::maintenance {
namespace {

constexpr double kNominal = 200000;  // the demo park's 200 MWh vanadium flow battery

TEST(Battery, RoundTripAndCapacityWorkedCase) {
  // From 50 %: charge 2 × 58,000 kWh to 90 %, discharge 2 × 40,000 kWh back to 50 %.
  // RTE = 80,000 / 116,000; capacity = 80,000 kWh / (0.9 − 0.5) = 200,000 kWh = 100 % of nominal.
  const std::vector<BatteryInterval> iv = {{58000, 0, 0.7}, {58000, 0, 0.9}, {0, 40000, 0.7}, {0, 40000, 0.5}};
  const BatteryPerformance p = ComputeBatteryPerformance(kNominal, 0.5, iv);
  EXPECT_DOUBLE_EQ(p.charged_kwh, 116000);
  EXPECT_DOUBLE_EQ(p.discharged_kwh, 80000);
  ASSERT_TRUE(p.round_trip_efficiency);
  EXPECT_NEAR(*p.round_trip_efficiency, 80.0 / 116.0, 1e-12);
  ASSERT_TRUE(p.capacity_kwh);
  EXPECT_NEAR(*p.capacity_kwh, 200000, 1e-6);
  EXPECT_NEAR(*p.capacity_pct, 100, 1e-9);
  EXPECT_EQ(p.discharge_runs, 1);
  EXPECT_TRUE(HasText(p.efficiency_explanation.code));
  EXPECT_TRUE(HasText(p.capacity_explanation.code));
}

TEST(Battery, AFadedBatteryShowsLessCapacity) {
  // Two runs: 0.9 → 0.5 delivering 72,000 kWh, and 0.8 → 0.497 delivering 54,500 (with a 500 kWh tail):
  // 126,500 / 0.703 ≈ 179,943 kWh, 90 % of nominal.
  const std::vector<BatteryInterval> iv = {{100000, 0, 0.9}, {0, 36000, 0.7}, {0, 36000, 0.5}, {80000, 0, 0.8},
                                           {0, 54000, 0.5}, {0, 500, 0.497}};  // a short tail of the run
  const BatteryPerformance p = ComputeBatteryPerformance(kNominal, 0.4, iv);
  EXPECT_EQ(p.discharge_runs, 2);
  EXPECT_NEAR(*p.capacity_kwh, (72000 + 54500) / (0.4 + 0.303), 1e-6);
  EXPECT_NEAR(*p.capacity_pct, 89.97, 0.01);
  EXPECT_FALSE(p.round_trip_efficiency);  // 40 % → 49.7 %: energy still stored
  EXPECT_EQ(p.efficiency_explanation.code, "maintenance.battery.soc_differs");
  EXPECT_TRUE(HasText(p.efficiency_explanation.code));
}

TEST(Battery, NothingToMeasure) {
  const std::vector<BatteryInterval> iv = {{0, 1000, 0.45}};
  const BatteryPerformance p = ComputeBatteryPerformance(kNominal, 0.5, iv);
  EXPECT_FALSE(p.round_trip_efficiency);
  EXPECT_EQ(p.efficiency_explanation.code, "maintenance.battery.no_charge");
  EXPECT_FALSE(p.capacity_kwh);  // a fall of 5 % is too short a run
  EXPECT_EQ(p.capacity_explanation.code, "maintenance.battery.no_run");
  EXPECT_TRUE(HasText("maintenance.battery.no_charge"));
  EXPECT_TRUE(HasText("maintenance.battery.no_run"));
}

}  // namespace
}  // namespace park::maintenance
