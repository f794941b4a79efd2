// The dispatch LP on small cases whose optimum is known by hand, tariffs, baselines and the MPS cross-check.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "park/core/error.hpp"
#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

// Hourly steps, a lossy battery (0.9 each way: 0.81 round trip) of 10 MWh and 10 MW, empty, no PV or wind.
Problem TwoHours(double price1, double price2) {
  Problem p;
  p.step_hours = 1;
  p.load_mw = {10, 10};
  p.price_yuan_per_kwh = {price1, price2};
  p.battery.energy_mwh = 10;
  p.battery.charge_mw = 10;
  p.battery.discharge_mw = 10;
  p.battery.charge_efficiency = 0.9;
  p.battery.discharge_efficiency = 0.9;
  p.battery.soc_initial = 0;
  return p;
}

TEST(Plan, SpreadWorthCycling) {
  // 1 MWh bought at 300 yuan returns 0.81 MWh that saves 810 yuan at the peak: charge at full power
  // (9 MWh stored), discharge 8.1 MWh. Cost 0.3e3 x 20 + 1e3 x (10 - 8.1) = 7,900 yuan.
  auto plan = Optimise(TwoHours(0.3, 1.0));
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(plan->steps[0].charge, 10, 1e-6);
  EXPECT_NEAR(plan->steps[0].soc_mwh, 9, 1e-6);
  EXPECT_NEAR(plan->steps[1].discharge, 8.1, 1e-6);
  EXPECT_NEAR(plan->steps[1].import_mw, 1.9, 1e-6);
  EXPECT_NEAR(plan->costs.total_yuan, 7900, 1e-4);
  EXPECT_NEAR(plan->lp_objective, 7900, 1e-4);
  EXPECT_TRUE(plan->shortfalls.empty());
}

TEST(Plan, SpreadNotWorthTheLosses) {
  // 500 yuan buys 0.81 MWh at the peak worth 486 yuan: the battery stays idle. Cost 5,000 + 6,000.
  auto plan = Optimise(TwoHours(0.5, 0.6));
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(plan->steps[0].charge, 0, 1e-6);
  EXPECT_NEAR(plan->steps[1].discharge, 0, 1e-6);
  EXPECT_NEAR(plan->costs.total_yuan, 11000, 1e-4);
}


TEST(Plan, FullBatteryCurtailsSurplusPv) {
  // 20 MW of PV against 10 MW of load, nowhere to export and a full battery that must end full: 10 MW is
  // curtailed in the first hour, nothing is imported then.
  Problem p = TwoHours(0.5, 0.5);
  p.pv_available_mw = {20, 0};
  p.battery.soc_initial = 1;
  auto plan = Optimise(p);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(plan->steps[0].charge, 0, 1e-6);
  EXPECT_NEAR(plan->steps[0].curtailment, 10, 1e-6);
  EXPECT_NEAR(plan->steps[0].import_mw, 0, 1e-6);
  EXPECT_NEAR(plan->steps[1].import_mw, 10, 1e-6);
  EXPECT_NEAR(plan->renewable_self_consumption, 0.5, 1e-9);
  // Without the end condition, the full battery serves 9 MWh of the second hour's load (0.9 discharge).
  p.battery.end_at_least_initial = false;
  auto drained = Optimise(p);
  ASSERT_TRUE(drained.ok());
  EXPECT_NEAR(drained->steps[1].discharge, 9, 1e-6);
  EXPECT_NEAR(drained->costs.total_yuan, 500.0 * 1, 1e-4);
}

TEST(Plan, ImportLimitThatBinds) {
  // Flat price, lossless battery, 10 yuan/MWh throughput: idle without the instruction. Keep import <= 6 MW
  // in the second hour: charge 4 MW in the first, discharge 4 MW in the second. 6,000 + 80 yuan.
  Problem p = TwoHours(0.3, 0.3);
  p.battery.charge_efficiency = 1;
  p.battery.discharge_efficiency = 1;
  p.battery.throughput_cost_yuan_per_mwh = 10;
  auto idle = Optimise(p);
  ASSERT_TRUE(idle.ok());
  EXPECT_NEAR(idle->steps[0].charge, 0, 1e-6);
  p.instructions.push_back({6, 1, 1});
  auto plan = Optimise(p);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(plan->steps[0].import_mw, 14, 1e-6);
  EXPECT_NEAR(plan->steps[1].import_mw, 6, 1e-6);
  EXPECT_NEAR(plan->costs.total_yuan, 6080, 1e-4);
  EXPECT_TRUE(plan->shortfalls.empty());
}

TEST(Plan, InfeasibleInstructionReportsItsShortfall) {
  // A full lossless 10 MWh battery, 10 MW of load for three hours, keep import <= 6 MW from 18:00 to 21:00:
  // that needs 12 MWh from the battery; it has 10, so the closest plan imports 2 MWh above the limit.
  Problem p;
  p.step_hours = 1;
  p.start_minute = 18 * 60;
  p.load_mw = {10, 10, 10};
  p.price_yuan_per_kwh = {1, 1, 1};
  p.battery.energy_mwh = 10;
  p.battery.charge_mw = 10;
  p.battery.discharge_mw = 10;
  p.battery.soc_initial = 1;
  p.battery.end_at_least_initial = false;
  p.instructions.push_back({6, 0, 2});
  auto plan = Optimise(p);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->shortfalls.size(), 1u);
  const Shortfall& s = plan->shortfalls[0];
  EXPECT_NEAR(s.mwh_short, 2, 1e-6);
  EXPECT_EQ(s.text.code, "dispatch.instruction.short");
  ASSERT_NE(s.text.Find("from"), nullptr);
  EXPECT_EQ(std::get<std::string>(*s.text.Find("from")), "18:00");
  EXPECT_EQ(std::get<std::string>(*s.text.Find("to")), "21:00");
  double battery = 0;
  for (const Step& st : plan->steps) battery += st.discharge;
  EXPECT_NEAR(battery, 10, 1e-6);  // the closest plan empties the battery inside the window
  // The cost excludes the penalty; the LP objective includes it.
  EXPECT_NEAR(plan->costs.total_yuan, 20000, 1e-3);
  EXPECT_NEAR(LpObjective(p, *plan), plan->lp_objective, 1e-6 * plan->lp_objective);
}

TEST(Plan, DemandChargeShavesThePeak) {
  // Flat energy price, 2,000 yuan per MW of peak, loads 4 and 12 MW, lossless 10 MWh battery starting at
  // 4 MWh that must end there: charging 4 MW in the first hour and discharging 4 MW in the second flattens
  // the import to 8 MW. Energy 16 MWh x 500 + 8 MW x 2,000 = 24,000 yuan.
  Problem p = TwoHours(0.5, 0.5);
  p.load_mw = {4, 12};
  p.battery.charge_efficiency = 1;
  p.battery.discharge_efficiency = 1;
  p.battery.soc_initial = 0.4;
  p.demand_charge_yuan_per_mw = 2000;
  auto plan = Optimise(p);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(plan->peak_import_mw, 8, 1e-6);
  EXPECT_NEAR(plan->costs.total_yuan, 24000, 1e-4);
}

TEST(Plan, GridConnectionTooSmallIsAnError) {
  Problem p = TwoHours(0.5, 0.5);
  p.battery = Battery{};
  p.import_max_mw = 7;
  auto plan = Optimise(p);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(plan.error().text.code, "dispatch.plan.infeasible");
  EXPECT_NEAR(std::get<double>(*plan.error().text.Find("deficit_mw")), 3, 1e-9);
}

TEST(Plan, FlexibleLoadMovesToTheCheapHour) {
  Problem p = TwoHours(0.3, 1.0);
  p.battery = Battery{};
  p.flexible.push_back({"furnace", 5, 5, 0, 1});
  auto plan = Optimise(p);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(plan->steps[0].flexible, 5, 1e-6);
  EXPECT_NEAR(plan->steps[0].import_mw, 15, 1e-6);
  EXPECT_NEAR(plan->costs.total_yuan, 15 * 300 + 10 * 1000, 1e-4);
}

TEST(Plan, BadInputNamesEveryField) {
  Problem p = TwoHours(0.3, 1.0);
  p.battery.energy_mwh = -1;
  p.battery.charge_efficiency = 1.2;
  p.pv_available_mw = {1};
  auto plan = Optimise(p);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldError& f : plan.error().fields) fields.push_back(f.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "battery.energy_mwh"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "battery.charge_efficiency"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "pv_available_mw"), fields.end());
}

TEST(Baselines, SavingsAgainstRuleBasedAndNoBattery) {
  // Valley then peak: the rule-based controller charges 10 MW in the valley (9 MWh stored) and discharges
  // up to the load at the peak (8.1 MWh) — the same as the optimum here, which must end no lower than it
  // started; without a battery the cost is 13,000.
  Problem p = TwoHours(0.3, 1.0);
  p.band = {"valley", "peak"};
  auto cmp = Compare(p);
  ASSERT_TRUE(cmp.ok()) << cmp.error().message;
  EXPECT_NEAR(cmp->no_battery.costs.total_yuan, 13000, 1e-4);
  EXPECT_NEAR(cmp->saving_vs_no_battery_yuan, 5100, 1e-4);
  EXPECT_NEAR(cmp->rule_based.steps[0].charge, 10, 1e-9);
  EXPECT_NEAR(cmp->rule_based.steps[1].discharge, 8.1, 1e-9);
  EXPECT_NEAR(cmp->saving_vs_rule_based_yuan, 0, 1e-4);
  // With a 0.5 / 0.6 spread the rule still cycles and loses money that the optimum keeps.
  Problem q = TwoHours(0.5, 0.6);
  q.band = {"valley", "peak"};
  auto cmp2 = Compare(q);
  ASSERT_TRUE(cmp2.ok());
  // Rule: import 20 MWh at 500 then 1.9 MWh at 600 = 10,000 + 1,140 = 11,140 vs the optimum's 11,000.
  EXPECT_NEAR(cmp2->rule_based.costs.total_yuan, 11140, 1e-4);
  EXPECT_NEAR(cmp2->saving_vs_rule_based_yuan, 140, 1e-4);
  EXPECT_EQ(cmp2->explanation.size(), 2u);
}

// ---------------------------------------------------------------------------------------------------------
// Tariffs

Tariff ThreeBands() {
  Tariff t;
  t.province = "zhejiang";
  t.category = "large_industry";
  t.effective_from = "2024-01-01";
  t.bands = {{"peak", {{8, 22}}, 1.0}, {"valley", {{22, 8}}, 0.3}};
  return t;
}

TEST(Tariff, ExampleParsesAndCoversTheDay) {
  auto tariffs = ParseTariffCsv(DefaultTariffCsv());
  ASSERT_TRUE(tariffs.ok()) << tariffs.error().message;
  ASSERT_EQ(tariffs->size(), 1u);
  const Tariff& t = tariffs->front();
  EXPECT_EQ(BandAt(t, 10).band, "critical_peak");
  EXPECT_EQ(BandAt(t, 3).band, "valley");
  EXPECT_EQ(BandAt(t, 23).band, "valley");
  EXPECT_EQ(BandAt(t, 18).band, "peak");
  EXPECT_DOUBLE_EQ(BandAt(t, 12).price_yuan_per_kwh, 0.3356);
}

TEST(Tariff, OverlapNamesTheBandAndHour) {
  Tariff t = ThreeBands();
  t.bands[1].hours = {{21, 8}};
  Status s = ValidateTariff(t);
  ASSERT_FALSE(s.ok());
  ASSERT_FALSE(s.error().fields.empty());
  EXPECT_EQ(s.error().fields[0].field, "bands[1].hours");
  EXPECT_EQ(s.error().fields[0].text.code, "dispatch.tariff.band_overlap");
  EXPECT_EQ(std::get<std::string>(*s.error().fields[0].text.Find("hour")), "21:00");
}

TEST(Tariff, GapNamesTheHour) {
  Tariff t = ThreeBands();
  t.bands[0].hours = {{8, 21}};
  Status s = ValidateTariff(t);
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(s.error().fields.size(), 1u);
  EXPECT_EQ(s.error().fields[0].field, "bands");
  EXPECT_EQ(s.error().fields[0].text.code, "dispatch.tariff.hour_uncovered");
  EXPECT_EQ(std::get<std::string>(*s.error().fields[0].text.Find("hour")), "21:00");
  EXPECT_TRUE(ValidateTariff(ThreeBands()).ok());
}

TEST(Tariff, CsvWithAGapIsRefused) {
  auto r = ParseTariffCsv("province,category,effective_from,band,band_zh,hours,price_yuan_per_kWh,status\n"
                          "x,y,2024-01-01,peak,高峰,08-20,1.0,ok\nx,y,2024-01-01,valley,低谷,22-08,0.3,ok\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields[0].text.code, "dispatch.tariff.hour_uncovered");
}

TEST(Tariff, InForceByDateAndSeason) {
  Tariff old_t = ThreeBands();
  Tariff new_t = ThreeBands();
  new_t.effective_from = "2025-07-01";
  new_t.bands[0].price_yuan_per_kwh = 1.2;
  Tariff summer = ThreeBands();
  summer.effective_from = "2025-01-01";
  summer.months = {7, 8};
  summer.bands[0].price_yuan_per_kwh = 1.5;
  std::vector<Tariff> all = {old_t, new_t, summer};
  auto june = TariffInForce(all, "zhejiang", "large_industry", "", "2025-06-30");
  ASSERT_TRUE(june.ok());
  EXPECT_EQ(june->effective_from, "2024-01-01");
  auto july = TariffInForce(all, "zhejiang", "large_industry", "", "2025-07-15");
  ASSERT_TRUE(july.ok());
  EXPECT_EQ(july->effective_from, "2025-07-01");
  auto august = TariffInForce(all, "zhejiang", "large_industry", "", "2025-08-15");
  ASSERT_TRUE(august.ok());
  EXPECT_EQ(august->effective_from, "2025-07-01");  // the later start wins over the older seasonal tariff
  EXPECT_FALSE(TariffInForce(all, "zhejiang", "large_industry", "", "2023-12-31").ok());
  EXPECT_EQ(TariffInForce(all, "jiangsu", "large_industry", "", "2025-08-15").error().code, ErrorCode::kNotFound);
}

TEST(Tariff, AppliedPerStepWithProratedDemandCharge) {
  Tariff t = ThreeBands();
  t.demand_charge_yuan_per_kw_month = 36.5;
  Problem p;
  p.step_hours = 0.25;
  p.load_mw.assign(96, 1);
  ApplyTariff(t, p);
  EXPECT_EQ(p.band[31], "valley");  // 07:45
  EXPECT_EQ(p.band[32], "peak");    // 08:00
  EXPECT_DOUBLE_EQ(p.price_yuan_per_kwh[88], 0.3);
  EXPECT_NEAR(p.demand_charge_yuan_per_mw, 36500 * 24 / 730.0, 1e-9);
}

// ---------------------------------------------------------------------------------------------------------
// MPS cross-check with an independent solver

Problem DayWithEverything() {
  auto tariffs = ParseTariffCsv(DefaultTariffCsv());
  Problem p;
  p.step_hours = 0.25;
  for (int t = 0; t < 96; ++t) {
    double h = t / 4.0;
    p.load_mw.push_back(30 + 10 * std::sin((h - 6) / 24 * 2 * 3.14159265358979));
    p.pv_available_mw.push_back(std::max(0.0, 40 * std::sin((h - 6) / 12 * 3.14159265358979)));
    p.wind_available_mw.push_back(8 + 4 * std::cos(h / 5));
  }
  Tariff t = tariffs->front();
  t.demand_charge_yuan_per_kw_month = 40;
  t.export_price_yuan_per_kwh = 0.2;
  ApplyTariff(t, p);
  p.export_max_mw = 5;
  p.import_max_mw = 60;
  p.carbon_price_yuan_per_t = 90;
  p.grid_factor_t_per_mwh = 0.5703;
  p.battery = DefaultVanadiumBattery(100, 0.5);
  p.battery.throughput_cost_yuan_per_mwh = 20;
  p.flexible.push_back({"electrolysis", 40, 10, 40, 80});
  p.instructions.push_back({0, 72, 95});  // no import 18:00-24:00: more than the battery holds
  return p;
}

TEST(Mps, GlpsolFindsTheSameObjective) {
  Problem p = DayWithEverything();
  auto plan = Optimise(p);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NEAR(LpObjective(p, *plan), plan->lp_objective, 1e-6 * std::abs(plan->lp_objective));
  auto mps = ToMps(p);
  ASSERT_TRUE(mps.ok());
  std::string glpsol = PARK_GLPSOL;
  if (glpsol.empty() || glpsol.find("NOTFOUND") != std::string::npos || !std::filesystem::exists(glpsol)) {
    GTEST_SKIP() << "glpsol not found: install Debian's glpk-utils (scripts/bootstrap does) to cross-check the MPS";
  }
  auto dir = std::filesystem::temp_directory_path() / ("park_dispatch_mps_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "plan.mps") << *mps;
  std::string cmd = glpsol + " --freemps " + (dir / "plan.mps").string() + " -o " + (dir / "out.txt").string() + " > " +
                    (dir / "log.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dir / "out.txt");
  std::stringstream text;
  text << in.rdbuf();
  // The solution report's header line: "Objective:  COST = 123.45 (MINimum)".
  std::string out = text.str();
  size_t at = out.find("COST = ");
  ASSERT_NE(at, std::string::npos) << out.substr(0, 500);
  double glpk = std::strtod(out.c_str() + at + 7, nullptr);
  std::filesystem::remove_all(dir);
  EXPECT_NEAR(glpk, plan->lp_objective, 1e-6 * std::abs(plan->lp_objective));
  EXPECT_FALSE(plan->shortfalls.empty());  // the case exercises the shortfall columns too
}

}  // namespace
}  // namespace park::dispatch
