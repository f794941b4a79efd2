#include "park/carbon/inventory.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "park/carbon/csv_import.hpp"

namespace park::carbon {
namespace {

ActivityRow Row(std::string code, int month, Item item, double amount, std::string unit, Use use = Use::kFuel,
                int line = 0) {
  ActivityRow r;
  r.enterprise_code = std::move(code);
  r.year = 2023;
  r.month = month;
  r.item = item;
  r.amount = amount;
  r.unit = std::move(unit);
  auto canonical = ToCanonical(item, amount, r.unit);
  EXPECT_TRUE(canonical.ok());
  r.amount_canonical = canonical.ok() ? *canonical : 0;
  r.use = use;
  r.line = line;
  r.id = line;
  return r;
}

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lib = DefaultFactorLibrary();
    ASSERT_TRUE(lib.ok()) << lib.error().message;
    library_ = std::move(*lib);
    config_.year = 2023;
  }

  EnterpriseInventory Compute(const std::vector<ActivityRow>& rows, const CalcConfig* config = nullptr) {
    auto inv = ComputeEnterprise(library_, config ? *config : config_, enterprise_, rows);
    EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().message);
    return inv.ok() ? std::move(*inv) : EnterpriseInventory{};
  }

  FactorLibrary library_;
  CalcConfig config_;
  EnterpriseInfo enterprise_{"E001", "API maker", "2710", 100, false};
};

// The worked checks of shared/data/README.md.
TEST_F(InventoryTest, WorkedCheckRawCoal) {
  const auto inv = Compute({Row("E001", 1, Item::kRawCoal, 1000, "t")});
  EXPECT_NEAR(inv.Year()[Metric::kScope1TCo2], 1900.3, 0.05);
  EXPECT_NEAR(inv.Year()[Metric::kCombustionTCo2], 1000 * 20.908 * 0.02637 * 0.94 * 44.0 / 12.0, 1e-9);
  EXPECT_NEAR(inv.Year()[Metric::kEnergyTceEquivalent], 714.3, 1e-9);
  EXPECT_NEAR(inv.Year()[Metric::kEnergyTceEqualValue], 714.3, 1e-9);
  EXPECT_NEAR(inv.periods[1][Metric::kScope1TCo2], 1900.3, 0.05);
  EXPECT_DOUBLE_EQ(inv.periods[2][Metric::kScope1TCo2], 0);
}

TEST_F(InventoryTest, WorkedCheckPurchasedElectricity2023) {
  const auto inv = Compute({Row("E001", 6, Item::kElectricity, 10000, "MWh")});
  EXPECT_NEAR(inv.Year()[Metric::kScope2LocationTCo2], 5306, 1e-6);
  EXPECT_NEAR(inv.Year()[Metric::kEnergyTceEquivalent], 1229, 1e-6);
  EXPECT_NEAR(inv.Year()[Metric::kEnergyTceEqualValue], 3000, 1e-6);  // 0.3000 kgce/kWh (status check)
  EXPECT_NEAR(inv.Year()[Metric::kScope2MarketTCo2], 6096, 1e-6);
  EXPECT_NEAR(inv.Year()[Metric::kTotalTCo2], 5306, 1e-6);
  EXPECT_DOUBLE_EQ(inv.Year()[Metric::kScope1TCo2], 0);
}

// One row at a time, hand-checked from the factor tables.
TEST_F(InventoryTest, OneRowPerItem) {
  struct Case {
    const char* name;
    Item item;
    double amount;
    const char* unit;
    Use use;
    double scope1_t_co2;
    double scope2_location_t_co2;
    double scope2_market_t_co2;
    double tce_equivalent;
    double tce_equal_value;
  } cases[] = {
      // 100 × 42.652 × 0.0202 × 0.98 × 44/12; 100,000 kg × 1.4571 kgce/kg
      {"diesel", Item::kDiesel, 100, "t", Use::kFuel, 309.5909637, 0, 0, 145.71, 145.71},
      // same, typed in kg
      {"diesel kg", Item::kDiesel, 100000, "kg", Use::kFuel, 309.5909637, 0, 0, 145.71, 145.71},
      // 10 × 389.31 × 0.0153 × 0.99 × 44/12; 100,000 m3 × 1.3300 kgce/m3
      {"natural gas", Item::kNaturalGas, 100000, "m3", Use::kFuel, 216.2188809, 0, 0, 133, 133},
      // 50 × 41.816 × 0.0211 × 0.98 × 44/12; 50,000 kg × 1.4286
      {"fuel oil", Item::kFuelOil, 50, "t", Use::kFuel, 158.5230621, 0, 0, 71.43, 71.43},
      // 10 × 50.179 × 0.0172 × 0.98 × 44/12; 10,000 kg × 1.7143
      {"lpg", Item::kLpg, 10, "t", Use::kFuel, 31.01329821, 0, 0, 17.143, 17.143},
      // 10 × 28.435 × 0.0294 × 0.93 × 44/12; 10,000 kg × 0.9714
      {"coke", Item::kCoke, 10, "t", Use::kFuel, 28.5072249, 0, 0, 9.714, 9.714},
      // IPCC only: 100 × 26.7 GJ/t × 98,300 kgCO2/TJ / 10^6 × 1; no GB/T 2589 row, so 2,670 GJ / 29.3076
      {"anthracite", Item::kAnthracite, 100, "t", Use::kFuel, 262.461, 0, 0, 2670 / 29.3076, 2670 / 29.3076},
      // IPCC: 10 × 44.3 × 69,300 / 10^6; GB/T 2589 1.4714 kgce/kg
      {"gasoline", Item::kGasoline, 10, "t", Use::kFuel, 30.6999, 0, 0, 14.714, 14.714},
      // Feedstock: counted neither as combustion nor as energy.
      {"feedstock gas", Item::kNaturalGas, 50, "10^4 Nm3", Use::kFeedstock, 0, 0, 0, 0, 0},
      {"feedstock coal", Item::kRawCoal, 1000, "t", Use::kFeedstock, 0, 0, 0, 0, 0},
      // 1,000 GJ × 0.11; 1,000,000 MJ × 0.03412 kgce/MJ
      {"heat", Item::kHeat, 1000, "GJ", Use::kFuel, 0, 110, 110, 34.12, 34.12},
      {"heat Gcal", Item::kHeat, 100, "Gcal", Use::kFuel, 0, 46.0548, 46.0548, 14.2853616, 14.2853616},
      {"electricity kWh", Item::kElectricity, 2'000'000, "kWh", Use::kFuel, 0, 1061.2, 1219.2, 245.8, 600},
      {"process", Item::kProcessCo2, 120, "t", Use::kFuel, 120, 0, 0, 0, 0},
      {"recovered", Item::kCo2Recovered, 300, "t", Use::kFuel, -300, 0, 0, 0, 0},
      {"water", Item::kWater, 5000, "m3", Use::kFuel, 0, 0, 0, 0, 0},
  };
  for (const Case& c : cases) {
    const auto inv = Compute({Row("E001", 3, c.item, c.amount, c.unit, c.use)});
    const PeriodValues& y = inv.Year();
    EXPECT_NEAR(y[Metric::kScope1TCo2], c.scope1_t_co2, 1e-6) << c.name;
    EXPECT_NEAR(y[Metric::kScope2LocationTCo2], c.scope2_location_t_co2, 1e-6) << c.name;
    EXPECT_NEAR(y[Metric::kScope2MarketTCo2], c.scope2_market_t_co2, 1e-6) << c.name;
    EXPECT_NEAR(y[Metric::kEnergyTceEquivalent], c.tce_equivalent, 1e-6) << c.name;
    EXPECT_NEAR(y[Metric::kEnergyTceEqualValue], c.tce_equal_value, 1e-6) << c.name;
  }
}

TEST_F(InventoryTest, MarketBasedSubtractsGreenPower) {
  const auto inv =
      Compute({Row("E001", 1, Item::kElectricity, 10000, "MWh"), Row("E001", 1, Item::kGreenElectricity, 4000, "MWh")});
  const PeriodValues& y = inv.Year();
  EXPECT_NEAR(y[Metric::kScope2LocationTCo2], 5306, 1e-6);         // green power is still electricity
  EXPECT_NEAR(y[Metric::kScope2MarketTCo2], 6000 * 0.6096, 1e-6);  // 3,657.6
  EXPECT_NEAR(y[Metric::kEnergyTceEquivalent], 1229, 1e-6);
  EXPECT_DOUBLE_EQ(y[Metric::kGreenElectricityMwh], 4000);
  EXPECT_NEAR(y[Metric::kTotalMarketTCo2], 3657.6, 1e-6);
}

TEST_F(InventoryTest, GreenPowerAboveElectricityIsAnError) {
  auto inv = ComputeEnterprise(library_, config_, enterprise_,
                               std::vector<ActivityRow>{Row("E001", 2, Item::kElectricity, 100, "MWh"),
                                                        Row("E001", 2, Item::kGreenElectricity, 101, "MWh")});
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().field, "green_electricity");
  EXPECT_NE(inv.error().message.find("2023-02"), std::string::npos);
}

TEST_F(InventoryTest, RegionalAndYearlyGridFactors) {
  struct Case {
    int year;
    const char* region;
    double location_t_co2;
  } cases[] = {{2023, "national", 5306}, {2023, "east", 5500},    {2022, "national", 5366},
               {2022, "east", 5366},     {2022, "sichuan", 1404}, {2024, "national", 5306}};
  for (const Case& c : cases) {
    CalcConfig config = config_;
    config.year = c.year;
    config.electricity_region = c.region;
    ActivityRow row = Row("E001", 1, Item::kElectricity, 10000, "MWh");
    row.year = c.year;
    const auto inv = Compute({row}, &config);
    EXPECT_NEAR(inv.Year()[Metric::kScope2LocationTCo2], c.location_t_co2, 1e-6) << c.year << " " << c.region;
  }
}

TEST_F(InventoryTest, MissingFactorNamesTheItem) {
  // Washed coal has a standard-coal coefficient but no combustion factors in the shipped data.
  auto inv = ComputeEnterprise(library_, config_, enterprise_,
                               std::vector<ActivityRow>{Row("E001", 1, Item::kWashedCoal, 10, "t")});
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().code, ErrorCode::kNotFound);
  EXPECT_NE(inv.error().message.find("washed_coal"), std::string::npos);
  // As feedstock it needs no factor.
  EXPECT_TRUE(ComputeEnterprise(library_, config_, enterprise_,
                                std::vector<ActivityRow>{Row("E001", 1, Item::kWashedCoal, 10, "t", Use::kFeedstock)})
                  .ok());
  // No grid factor before 2022.
  CalcConfig old = config_;
  old.year = 2021;
  ActivityRow row = Row("E001", 1, Item::kElectricity, 1, "MWh");
  row.year = 2021;
  EXPECT_FALSE(ComputeEnterprise(library_, old, enterprise_, std::vector<ActivityRow>{row}).ok());
}

TEST_F(InventoryTest, MeasuredFactorWinsAndResultsKeepTheirRevision) {
  Factor measured;
  measured.id = "e001.ncv.raw_coal";
  measured.kind = FactorKind::kFuelNcv;
  measured.subject = "raw_coal";
  measured.value = 22.0;
  measured.unit = "GJ/t";
  measured.level = ScopeLevel::kMeasured;
  measured.enterprise_code = "E001";
  measured.source = "lab report 2023-014";
  ASSERT_TRUE(library_.Add(measured).ok());

  const std::vector<ActivityRow> rows = {Row("E001", 1, Item::kRawCoal, 1000, "t")};
  const auto before = Compute(rows);
  EXPECT_NEAR(before.Year()[Metric::kScope1TCo2], 1000 * 22.0 * 0.02637 * 0.94 * 44 / 12.0, 1e-9);
  ASSERT_EQ(before.lines.size(), 1u);
  EXPECT_EQ(before.lines[0].factors[0]->id, "e001.ncv.raw_coal");
  EXPECT_EQ(before.lines[0].factors[0]->revision, 1);

  // Another enterprise still gets the national default.
  EnterpriseInfo other{"E002", "other", "26", 10, false};
  ActivityRow other_row = Row("E002", 1, Item::kRawCoal, 1000, "t");
  auto other_inv = ComputeEnterprise(library_, config_, other, std::vector<ActivityRow>{other_row});
  ASSERT_TRUE(other_inv.ok());
  EXPECT_EQ(other_inv->lines[0].factors[0]->id, "cn.ncv.raw_coal");

  // Superseding: the old result still points at revision 1, a new computation uses revision 2.
  measured.value = 21.5;
  measured.source = "lab report 2023-015 (re-test)";
  ASSERT_TRUE(library_.Supersede(measured).ok());
  EXPECT_EQ(before.lines[0].factors[0]->revision, 1);
  EXPECT_DOUBLE_EQ(before.lines[0].factors[0]->value, 22.0);
  const auto after = Compute(rows);
  EXPECT_EQ(after.lines[0].factors[0]->revision, 2);
  EXPECT_NEAR(after.Year()[Metric::kScope1TCo2], 1000 * 21.5 * 0.02637 * 0.94 * 44 / 12.0, 1e-9);
  const Explanation e = Explain(before, Metric::kScope1TCo2);
  bool found = false;
  for (const FactorUse& f : e.factors) found = found || (f.id == "e001.ncv.raw_coal" && f.revision == 1);
  EXPECT_TRUE(found);
}

TEST_F(InventoryTest, IntensitiesAndPollutants) {
  const auto inv = Compute({
      Row("E001", 1, Item::kRawCoal, 1000, "t"),
      Row("E001", 1, Item::kElectricity, 10000, "MWh"),
      Row("E001", 1, Item::kProcessCo2, 100, "t"),
      Row("E001", 1, Item::kCo2Recovered, 50, "t"),
      Row("E001", 1, Item::kOutputValue, 5000, "10^4 yuan"),
      Row("E001", 2, Item::kOutputValue, 5000, "10^4 yuan"),
      Row("E001", 1, Item::kAddedValue, 2000, "10^4 yuan"),
      Row("E001", 1, Item::kCod, 2000, "kg"),
      Row("E001", 2, Item::kCod, 3, "t"),
      Row("E001", 2, Item::kNox, 4, "t"),
  });
  const PeriodValues& y = inv.Year();
  const double scope1 = 1000 * 20.908 * 0.02637 * 0.94 * 44 / 12.0 + 100 - 50;
  EXPECT_NEAR(y[Metric::kScope1TCo2], scope1, 1e-9);
  EXPECT_NEAR(y[Metric::kProcessTCo2], 100, 1e-12);
  EXPECT_NEAR(y[Metric::kRecoveredTCo2], 50, 1e-12);
  EXPECT_NEAR(y[Metric::kTotalTCo2], scope1 + 5306, 1e-9);
  EXPECT_NEAR(*y.Get(Metric::kIntensityTCo2Per10kYuanOutput), (scope1 + 5306) / 10000, 1e-12);
  EXPECT_NEAR(*y.Get(Metric::kIntensityTCo2Per10kYuanAddedValue), (scope1 + 5306) / 2000, 1e-12);
  EXPECT_NEAR(*y.Get(Metric::kEnergyIntensityTcePer10kYuanOutput), (714.3 + 1229) / 10000, 1e-12);
  EXPECT_NEAR(y[Metric::kCodT], 5, 1e-12);
  EXPECT_NEAR(*y.Get(Metric::kCodTPer10kYuanOutput), 5.0 / 10000, 1e-15);
  EXPECT_NEAR(*y.Get(Metric::kNoxTPer10kYuanOutput), 4.0 / 10000, 1e-15);
  // February has output but no added value: its added-value intensity is undefined, not zero or infinite.
  EXPECT_FALSE(inv.periods[2].Get(Metric::kIntensityTCo2Per10kYuanAddedValue).has_value());
  EXPECT_TRUE(inv.periods[2].Get(Metric::kIntensityTCo2Per10kYuanOutput).has_value());
  EXPECT_FALSE(inv.periods[5].Get(Metric::kIntensityTCo2Per10kYuanOutput).has_value());
}

TEST_F(InventoryTest, ExplanationsCarryFormulaFactorsAndRows) {
  const auto inv = Compute({
      Row("E001", 1, Item::kRawCoal, 1000, "t", Use::kFuel, 2),
      Row("E001", 1, Item::kNaturalGas, 5, "10^4 Nm3", Use::kFeedstock, 3),
      Row("E001", 2, Item::kElectricity, 10000, "MWh", Use::kFuel, 4),
      Row("E001", 2, Item::kOutputValue, 100, "10^4 yuan", Use::kFuel, 5),
  });
  const Explanation s1 = Explain(inv, Metric::kScope1TCo2);
  EXPECT_EQ(s1.figure, "scope1_t_co2");
  EXPECT_EQ(s1.period, "2023");
  EXPECT_EQ(s1.formula.code, "carbon.formula.scope1_t_co2");
  EXPECT_NE(RenderText(s1.formula).find("44/12"), std::string::npos);
  ASSERT_EQ(s1.inputs.size(), 2u);  // the coal row, and the feedstock row shown with zero contribution
  EXPECT_EQ(s1.inputs[0].line, 2);
  EXPECT_NEAR(s1.inputs[0].contribution, 1900.3, 0.05);
  // Factor values exactly as the library holds them, in English and in Chinese.
  EXPECT_EQ(s1.inputs[0].formula.code, "carbon.line.combustion_cc");
  EXPECT_EQ(RenderText(s1.inputs[0].formula),
            "1,000 t × NCV 20.908 GJ/t × CC 0.02637 tC/GJ × OF 0.94 × 44/12 = 1,900 tCO₂");
  EXPECT_NE(RenderText(s1.inputs[0].formula, Locale::kZhCN).find("低位发热量 20.908 GJ/t"), std::string::npos);
  EXPECT_EQ(s1.inputs[1].line, 3);
  EXPECT_EQ(s1.inputs[1].contribution, 0);
  EXPECT_EQ(s1.inputs[1].formula.code, "carbon.line.feedstock");
  std::vector<std::string> ids;
  for (const auto& f : s1.factors) ids.push_back(f.id + "@" + std::to_string(f.revision));
  EXPECT_EQ(ids, (std::vector<std::string>{"cn.cc.raw_coal@1", "cn.ncv.raw_coal@1", "cn.of.raw_coal@1"}));
  EXPECT_FALSE(s1.factors[0].source.empty());
  EXPECT_EQ(s1.factors[0].status, "check");
  EXPECT_FALSE(s1.notes.empty());  // check-status factors are called out

  const Explanation s2 = Explain(inv, Metric::kScope2LocationTCo2, 2);
  EXPECT_EQ(s2.period, "2023-02");
  ASSERT_EQ(s2.inputs.size(), 1u);
  ASSERT_EQ(s2.factors.size(), 1u);
  EXPECT_EQ(s2.factors[0].id, "grid.2023.national.average");
  EXPECT_NEAR(*s2.value, 5306, 1e-6);

  const Explanation energy = Explain(inv, Metric::kEnergyTceEquivalent);
  std::vector<std::string> energy_ids;
  for (const auto& f : energy.factors) energy_ids.push_back(f.id);
  EXPECT_EQ(energy_ids, (std::vector<std::string>{"gbt2589.electricity_equivalent", "gbt2589.raw_coal"}));

  const Explanation ratio = Explain(inv, Metric::kIntensityTCo2Per10kYuanOutput);
  EXPECT_EQ(RenderText(ratio.formula), "Carbon intensity (per output value) = Total emissions / Industrial output value (undefined "
                                       "when the denominator is 0)");
  EXPECT_EQ(ratio.inputs.size(), 4u);
  EXPECT_EQ(ratio.inputs[0].part, "total_t_co2");  // coal, feedstock (context), electricity, output value
  const Explanation empty_month = Explain(inv, Metric::kIntensityTCo2Per10kYuanOutput, 1);
  EXPECT_FALSE(empty_month.value.has_value());
}

TEST_F(InventoryTest, ParkTotalsBySectorAndFailures) {
  const std::vector<EnterpriseInfo> enterprises = {
      {"E001", "API maker", "2710", 100, false},
      {"E002", "Chemicals", "2614", 50, false},
      {"E003", "Battery materials", "3841", 80, false},
      {"E004", "Broken data", "2710", 10, false},
  };
  std::vector<ActivityRow> rows = {
      Row("E001", 1, Item::kRawCoal, 1000, "t"),
      Row("E001", 1, Item::kOutputValue, 1000, "10^4 yuan"),
      Row("E002", 1, Item::kElectricity, 10000, "MWh"),
      Row("E002", 1, Item::kOutputValue, 3000, "10^4 yuan"),
      Row("E003", 7, Item::kHeat, 1000, "GJ"),
      Row("E004", 1, Item::kWashedCoal, 1, "t"),  // no combustion factor
      Row("E999", 1, Item::kDiesel, 1, "t"),      // not registered
  };
  ActivityRow other_year = Row("E001", 1, Item::kRawCoal, 1e6, "t");
  other_year.year = 2022;
  rows.push_back(other_year);

  const ParkInventory park = ComputePark(library_, config_, enterprises, rows);
  ASSERT_EQ(park.enterprises.size(), 3u);
  ASSERT_EQ(park.failures.size(), 2u);
  EXPECT_EQ(park.failures[0].enterprise_code, "E004");
  EXPECT_EQ(park.failures[1].enterprise_code, "E999");
  const double coal = 1000 * 20.908 * 0.02637 * 0.94 * 44 / 12.0;
  EXPECT_NEAR(park.park[0][Metric::kTotalTCo2], coal + 5306 + 110, 1e-9);
  EXPECT_NEAR(park.park[7][Metric::kTotalTCo2], 110, 1e-9);
  EXPECT_NEAR(*park.park[0].Get(Metric::kIntensityTCo2Per10kYuanOutput), (coal + 5306 + 110) / 4000, 1e-12);
  ASSERT_EQ(park.by_sector.size(), 3u);  // "27", "26", "38"
  EXPECT_NEAR(park.by_sector.at("27")[Metric::kTotalTCo2], coal, 1e-9);
  EXPECT_NEAR(park.by_sector.at("26")[Metric::kTotalTCo2], 5306, 1e-9);
  ASSERT_NE(park.Find("E003"), nullptr);
  EXPECT_EQ(park.Find("E004"), nullptr);

  const Explanation e = ExplainPark(park, Metric::kTotalTCo2);
  EXPECT_EQ(e.parts.size(), 3u);
  EXPECT_FALSE(e.notes.empty());
  const Explanation sector = ExplainSector(park, "26", Metric::kTotalTCo2);
  ASSERT_EQ(sector.parts.size(), 1u);
  EXPECT_EQ(sector.parts[0].first, "E002");
  EXPECT_NEAR(*sector.value, 5306, 1e-9);
  const Explanation ratio = ExplainPark(park, Metric::kIntensityTCo2Per10kYuanOutput);
  EXPECT_EQ(ratio.formula.code, "carbon.formula.park_ratio");
  EXPECT_NE(RenderText(ratio.formula).find("ratio of sums"), std::string::npos);
  EXPECT_EQ(ratio.notes[0].code, "carbon.explain.sum_parts");
  EXPECT_EQ(std::get<double>(*ratio.notes[0].Find("denominator_value")), 4000);
  EXPECT_FALSE(ExplainSector(park, "99", Metric::kTotalTCo2).value.has_value());
}

TEST_F(InventoryTest, YearOnYear) {
  PeriodValues before;
  PeriodValues now;
  before[Metric::kCombustionTCo2] = 1000;  // FinishPeriod derives scope 1 and the totals
  now[Metric::kCombustionTCo2] = 900;
  before[Metric::kOutputValue10kYuan] = 1000;
  now[Metric::kOutputValue10kYuan] = 1500;
  FinishPeriod(before);
  FinishPeriod(now);
  const auto changes = CompareYears(before, now);
  ASSERT_EQ(changes.size(), static_cast<size_t>(kMetricCount));
  const YearOnYear& total = changes[static_cast<size_t>(Metric::kTotalTCo2)];
  EXPECT_DOUBLE_EQ(*total.change, -100);
  EXPECT_DOUBLE_EQ(*total.change_pct, -10);
  const YearOnYear& intensity = changes[static_cast<size_t>(Metric::kIntensityTCo2Per10kYuanOutput)];
  EXPECT_NEAR(*intensity.change_pct, (0.6 - 1.0) / 1.0 * 100, 1e-9);
  const YearOnYear& added = changes[static_cast<size_t>(Metric::kIntensityTCo2Per10kYuanAddedValue)];
  EXPECT_FALSE(added.change.has_value());
  EXPECT_FALSE(changes[static_cast<size_t>(Metric::kCodT)].change_pct.has_value());  // 0 → 0
}

TEST(MetricTest, NamesRoundTripAndMatchTheApi) {
  for (int i = 0; i < kMetricCount; ++i) {
    const Metric m = static_cast<Metric>(i);
    EXPECT_EQ(MetricFromName(MetricName(m)), m);
  }
  EXPECT_EQ(MetricName(Metric::kScope1TCo2), "scope1_t_co2");
  EXPECT_EQ(MetricName(Metric::kScope2LocationTCo2), "scope2_location_t_co2");
  EXPECT_EQ(MetricName(Metric::kScope2MarketTCo2), "scope2_market_t_co2");
  EXPECT_EQ(MetricName(Metric::kTotalTCo2), "total_t_co2");
  EXPECT_EQ(MetricName(Metric::kEnergyTceEquivalent), "energy_tce_equivalent");
  EXPECT_EQ(MetricName(Metric::kEnergyTceEqualValue), "energy_tce_equal_value");
  EXPECT_EQ(MetricName(Metric::kIntensityTCo2Per10kYuanOutput), "intensity_t_co2_per_10k_yuan_output");
  EXPECT_EQ(MetricName(Metric::kIntensityTCo2Per10kYuanAddedValue), "intensity_t_co2_per_10k_yuan_added_value");
  EXPECT_EQ(MetricName(PollutantIntensityMetric(Item::kVocs)), "vocs_t_per_10k_yuan_output");
}

}  // namespace
}  // namespace park::carbon

namespace park::carbon {
namespace {

TEST_F(InventoryTest, EqualValueCoefficientPerYear) {
  // The shipped 0.3000 kgce/kWh applies to any year; a row for 2023 takes precedence for 2023 only.
  Factor ev;
  ev.id = "ev.electricity.2023";
  ev.kind = FactorKind::kElectricityEqualValue;
  ev.subject = "electricity";
  ev.year = 2023;
  ev.value = 0.3031;
  ev.unit = "kgce/kWh";
  ev.status = FactorStatus::kCheck;
  ev.source = "test: the 2023 thermal-power coal rate";
  ASSERT_TRUE(library_.Add(ev).ok());
  const auto inv = Compute({Row("E001", 1, Item::kElectricity, 10000, "MWh")});
  EXPECT_NEAR(inv.Year()[Metric::kEnergyTceEqualValue], 3031, 1e-6);
  EXPECT_NEAR(inv.Year()[Metric::kEnergyTceEquivalent], 1229, 1e-6);
  CalcConfig other_year = config_;
  other_year.year = 2022;
  ActivityRow row = Row("E001", 1, Item::kElectricity, 10000, "MWh");
  row.year = 2022;
  const auto inv2022 = Compute({row}, &other_year);
  EXPECT_NEAR(inv2022.Year()[Metric::kEnergyTceEqualValue], 3000, 1e-6);
}

TEST_F(InventoryTest, ImportedFileToInventory) {
  const ActivityImport imported = ParseActivityCsv(
      "enterprise_code,period,item,amount,unit,use,note\n"
      "E001,2023-01,raw_coal,1000,t,,\n"
      "E001,2023-02,electricity,10000000,kWh,,\n"
      "E001,2023-02,green_electricity,2000,MWh,,certificates GEC-1\n"
      "E001,2023-03,natural_gas,200000,m3,feedstock,ammonia synthesis\n"
      "E001,2023-03,output_value,20000,10^4 yuan,,\n");
  ASSERT_TRUE(imported.ok());
  const auto inv = Compute(imported.rows);
  const PeriodValues& y = inv.Year();
  EXPECT_NEAR(y[Metric::kScope1TCo2], 1900.3, 0.05);
  EXPECT_NEAR(y[Metric::kScope2LocationTCo2], 5306, 1e-6);
  EXPECT_NEAR(y[Metric::kScope2MarketTCo2], 8000 * 0.6096, 1e-6);
  EXPECT_NEAR(y[Metric::kEnergyTceEquivalent], 714.3 + 1229, 1e-6);
  EXPECT_NEAR(*y.Get(Metric::kIntensityTCo2Per10kYuanOutput), (y[Metric::kScope1TCo2] + 5306) / 20000, 1e-12);
  const Explanation market = Explain(inv, Metric::kScope2MarketTCo2);
  ASSERT_EQ(market.inputs.size(), 2u);
  EXPECT_EQ(market.inputs[0].line, 3);
  EXPECT_EQ(market.inputs[1].line, 4);
  EXPECT_NEAR(market.inputs[1].contribution, -2000 * 0.6096, 1e-9);
  ASSERT_EQ(market.factors.size(), 1u);
  EXPECT_EQ(market.factors[0].id, "grid.2023.national.excluding_market_green_power");
}

}  // namespace
}  // namespace park::carbon

namespace park::carbon {
namespace {

TEST_F(InventoryTest, ParkYearOnYear) {
  const std::vector<EnterpriseInfo> enterprises = {{"E001", "API maker", "2710", 100, false},
                                                   {"E002", "Newcomer", "2614", 10, false}};
  std::vector<ActivityRow> rows_2022 = {Row("E001", 1, Item::kElectricity, 10000, "MWh"),
                                        Row("E001", 1, Item::kOutputValue, 10000, "10^4 yuan")};
  for (auto& r : rows_2022) r.year = 2022;
  const std::vector<ActivityRow> rows_2023 = {Row("E001", 1, Item::kElectricity, 10000, "MWh"),
                                              Row("E001", 1, Item::kOutputValue, 12000, "10^4 yuan"),
                                              Row("E002", 1, Item::kDiesel, 1, "t")};
  CalcConfig config_2022 = config_;
  config_2022.year = 2022;
  const ParkInventory before = ComputePark(library_, config_2022, enterprises, rows_2022);
  const ParkInventory now = ComputePark(library_, config_, enterprises, rows_2023);
  const ParkComparison cmp = CompareParks(before, now);
  const auto& e1 = cmp.by_enterprise.at("E001")[static_cast<size_t>(Metric::kScope2LocationTCo2)];
  EXPECT_NEAR(*e1.previous, 5366, 1e-6);  // 2022 grid factor
  EXPECT_NEAR(*e1.current, 5306, 1e-6);   // 2023 grid factor
  EXPECT_NEAR(*e1.change_pct, (5306.0 - 5366.0) / 5366.0 * 100, 1e-9);
  const auto& intensity = cmp.by_enterprise.at("E001")[static_cast<size_t>(Metric::kIntensityTCo2Per10kYuanOutput)];
  EXPECT_NEAR(*intensity.change_pct, (5306.0 / 12000 - 5366.0 / 10000) / (5366.0 / 10000) * 100, 1e-9);
  // E002 had no 2022 rows: it was computed with zeros, so its change is from 0 (percentage undefined).
  const auto& e2 = cmp.by_enterprise.at("E002")[static_cast<size_t>(Metric::kScope1TCo2)];
  EXPECT_FALSE(e2.change_pct.has_value());
  EXPECT_TRUE(cmp.by_sector.count("27"));
  EXPECT_DOUBLE_EQ(*cmp.by_sector.at("26")[static_cast<size_t>(Metric::kScope1TCo2)].previous, 0);
  // Against a park without those enterprises and sectors, previous values are undefined rather than zero.
  const ParkComparison fresh = CompareParks(ParkInventory{}, now);
  EXPECT_FALSE(fresh.by_enterprise.at("E001")[static_cast<size_t>(Metric::kScope1TCo2)].previous.has_value());
  EXPECT_FALSE(fresh.by_sector.at("26")[static_cast<size_t>(Metric::kScope1TCo2)].previous.has_value());
  EXPECT_NEAR(*cmp.park[static_cast<size_t>(Metric::kTotalTCo2)].previous, 5366, 1e-6);
}

TEST_F(InventoryTest, InvalidConfig) {
  CalcConfig config = config_;
  config.year = 0;
  EXPECT_EQ(ComputeEnterprise(library_, config, enterprise_, {}).error().field, "year");
  const std::vector<EnterpriseInfo> enterprises = {enterprise_};
  const ParkInventory park = ComputePark(library_, config, enterprises, {});
  ASSERT_EQ(park.failures.size(), 1u);
  EXPECT_EQ(park.failures[0].error.field, "year");
  config = config_;
  config.electricity_region.clear();
  EXPECT_EQ(ValidateCalcConfig(config).error().field, "electricity_region");
}

TEST_F(InventoryTest, DuplicateEnterpriseIsAFailure) {
  const std::vector<EnterpriseInfo> enterprises = {{"E001", "a", "2710", 1, false}, {"E001", "b", "2710", 1, false}};
  const ParkInventory park = ComputePark(library_, config_, enterprises, {});
  EXPECT_EQ(park.enterprises.size(), 1u);
  ASSERT_EQ(park.failures.size(), 1u);
  EXPECT_EQ(park.failures[0].error.field, "enterprise_code");
}

TEST_F(InventoryTest, ExplanationNotesAnEarlierYearsFactor) {
  CalcConfig config = config_;
  config.year = 2024;
  ActivityRow row = Row("E001", 1, Item::kElectricity, 10, "MWh");
  row.year = 2024;
  const auto inv = Compute({row}, &config);
  const Explanation e = Explain(inv, Metric::kScope2LocationTCo2);
  bool noted = false;
  for (const auto& n : e.notes) {
    noted = noted || (n.code == "carbon.explain.older_factor" &&
                      std::get<std::string>(*n.Find("factor")) == "grid.2023.national.average" &&
                      std::get<std::string>(*n.Find("factor_year")) == "2023");
  }
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace park::carbon
