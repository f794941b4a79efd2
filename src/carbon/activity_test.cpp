#include "park/carbon/activity.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace park::carbon {
namespace {

TEST(ActivityTest, ConvertsUnitsToCanonical) {
  struct Case {
    Item item;
    double amount;
    const char* unit;
    double expected;  // in the item's canonical unit
  } cases[] = {
      {Item::kRawCoal, 1000, "t", 1000},
      {Item::kRawCoal, 2500, "kg", 2.5},
      {Item::kRawCoal, 1.2, "10^4 t", 12000},
      {Item::kDiesel, 3, "吨", 3},
      {Item::kNaturalGas, 10000, "m3", 1},
      {Item::kNaturalGas, 25000, "Nm3", 2.5},
      {Item::kNaturalGas, 3, "10^4 m3", 3},
      {Item::kNaturalGas, 0.5, "10^8 m3", 5000},
      {Item::kElectricity, 1'000'000, "kWh", 1000},
      {Item::kElectricity, 2, "GWh", 2000},
      {Item::kElectricity, 150, "10^4 kWh", 1500},
      {Item::kElectricity, 150, "万千瓦时", 1500},
      {Item::kGreenElectricity, 500, "MWh", 500},
      {Item::kHeat, 5000, "MJ", 5},
      {Item::kHeat, 2, "TJ", 2000},
      {Item::kHeat, 10, "Gcal", 41.868},
      {Item::kOutputValue, 3'000'000, "yuan", 300},
      {Item::kAddedValue, 1.5, "10^8 yuan", 15000},
      {Item::kAddedValue, 20, "万元", 20},
      {Item::kWater, 800, "m3", 800},
      {Item::kWater, 1.5, "10^4 m3", 15000},
      {Item::kCod, 1500, "kg", 1.5},
      {Item::kProcessCo2, 12, "t", 12},
      {Item::kCo2Recovered, 30, "10^4 t", 300000},
  };
  for (const Case& c : cases) {
    auto r = ToCanonical(c.item, c.amount, c.unit);
    ASSERT_TRUE(r.ok()) << ItemName(c.item) << " " << c.unit << ": " << r.error().message;
    EXPECT_NEAR(*r, c.expected, 1e-9 * std::max(1.0, c.expected)) << ItemName(c.item) << " " << c.unit;
  }
}

TEST(ActivityTest, RefusesUnitsOfTheWrongDimension) {
  struct Case {
    Item item;
    const char* unit;
  } cases[] = {
      {Item::kRawCoal, "m3"},    {Item::kNaturalGas, "t"}, {Item::kElectricity, "GJ"}, {Item::kHeat, "kWh"},
      {Item::kOutputValue, "t"}, {Item::kCod, "mg"},       {Item::kDiesel, "L"},       {Item::kWater, "Nm3"},
  };
  for (const Case& c : cases) {
    auto r = ToCanonical(c.item, 1, c.unit);
    ASSERT_FALSE(r.ok()) << ItemName(c.item) << " " << c.unit;
    EXPECT_EQ(r.error().field, "unit");
  }
}

TEST(ActivityTest, ConvertsBetweenArbitraryUnits) {
  auto r = ConvertUnit(Dimension::kElectricity, 1, "MWh", "kWh");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(*r, 1000);
  r = ConvertUnit(Dimension::kGasVolume, 1, "10^4 Nm3", "m3");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(*r, 10000);
  EXPECT_FALSE(ConvertUnit(Dimension::kMass, 1, "t", "furlong").ok());
}

TEST(ActivityTest, ItemNamesRoundTrip) {
  for (int i = 0; i < kItemCount; ++i) {
    const Item item = static_cast<Item>(i);
    auto back = ItemFromName(ItemName(item));
    ASSERT_TRUE(back.has_value()) << ItemName(item);
    EXPECT_EQ(*back, item);
  }
  EXPECT_FALSE(ItemFromName("unobtainium").has_value());
  EXPECT_EQ(PollutantAt(PollutantIndex(Item::kVocs)), Item::kVocs);
  EXPECT_EQ(PollutantIndex(Item::kCod), 0);
}

TEST(ActivityTest, BuildsAValidRow) {
  auto row = MakeActivityRow({"E001", "2023-04", "natural_gas", "12000", "m3", "", "boiler"});
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->year, 2023);
  EXPECT_EQ(row->month, 4);
  EXPECT_EQ(row->item, Item::kNaturalGas);
  EXPECT_DOUBLE_EQ(row->amount_canonical, 1.2);
  EXPECT_EQ(row->use, Use::kFuel);
  EXPECT_EQ(PeriodText(row->year, row->month), "2023-04");
}

TEST(ActivityTest, ReportsEveryBadField) {
  struct Case {
    ActivityInput input;
    std::vector<std::string> fields;
  } cases[] = {
      {{"", "2023-01", "diesel", "1", "t", "", ""}, {"enterprise_code"}},
      {{"E1", "2023-13", "diesel", "1", "t", "", ""}, {"period"}},
      {{"E1", "2023/01", "diesel", "1", "t", "", ""}, {"period"}},
      {{"E1", "2023-01", "dilithium", "1", "t", "", ""}, {"item"}},
      {{"E1", "2023-01", "diesel", "-1", "t", "", ""}, {"amount"}},
      {{"E1", "2023-01", "diesel", "1,000", "t", "", ""}, {"amount"}},
      {{"E1", "2023-01", "diesel", "inf", "t", "", ""}, {"amount"}},
      {{"E1", "2023-01", "diesel", "1e999", "t", "", ""}, {"amount"}},
      {{"E1", "2023-01", "diesel", "", "t", "", ""}, {"amount"}},
      {{"E1", "2023-01", "diesel", "1", "m3", "", ""}, {"unit"}},
      {{"E1", "2023-01", "diesel", "1", "", "", ""}, {"unit"}},
      {{"E1", "2023-01", "diesel", "1", "t", "burnt", ""}, {"use"}},
      {{"E1", "2023-01", "electricity", "1", "MWh", "feedstock", ""}, {"use"}},
      {{"E1", "2023-01", "diesel", "1", "t", "", std::string(501, 'x')}, {"note"}},
      {{"E1", "2023-01", "diesel", "2e12", "t", "", ""}, {"amount"}},
      {{"E1", "2023-01", "electricity", "2e15", "kWh", "", ""}, {"amount"}},
      {{"", "20-1", "x", "y", "z", "w", ""}, {"enterprise_code", "period", "item", "amount", "use"}},
  };
  for (const Case& c : cases) {
    std::vector<FieldError> errors;
    EXPECT_FALSE(BuildActivityRow(c.input, errors).has_value());
    std::vector<std::string> fields;
    for (const auto& e : errors) fields.push_back(e.field);
    EXPECT_EQ(fields, c.fields) << c.input.item << " " << c.input.amount << " " << c.input.unit;
  }
}

TEST(ActivityTest, NumericAmountFromTheApi) {
  ActivityInput input{"E1", "2023-01", "electricity", "", "kWh", "", ""};
  input.amount_number = 2500;
  auto row = MakeActivityRow(input);
  ASSERT_TRUE(row.ok());
  EXPECT_DOUBLE_EQ(row->amount_canonical, 2.5);
  input.amount_number = -1;
  EXPECT_EQ(MakeActivityRow(input).error().field, "amount");
  input.amount_number = std::numeric_limits<double>::infinity();
  EXPECT_EQ(MakeActivityRow(input).error().field, "amount");
}

TEST(ActivityTest, FeedstockIsAcceptedForFuels) {
  auto row = MakeActivityRow({"E1", "2023-01", "natural_gas", "5", "10^4 Nm3", "feedstock", ""});
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->use, Use::kFeedstock);
}

TEST(ReportingYear, TheLatestYearSomeoneReportedWholeElseTheLatestWithData) {
  EXPECT_EQ(DefaultReportingYear({}), std::nullopt);
  // 2026 has only this month's metered rows: the pages open on 2025, which three enterprises reported in full.
  EXPECT_EQ(DefaultReportingYear({{2024, 12, 18, 18}, {2025, 12, 18, 3}, {2026, 2, 20, 0}}), 2025);
  // Nobody has a whole year yet: the latest year with anything.
  EXPECT_EQ(DefaultReportingYear({{2025, 4, 2, 0}, {2026, 1, 1, 0}}), 2026);
  EXPECT_EQ(DefaultReportingYear({{2027, 0, 0, 0}, {2026, 3, 1, 0}}), 2026);
}

}  // namespace
}  // namespace park::carbon
