#include <gtest/gtest.h>

#include "park/report/report.hpp"

namespace park::report {
namespace {

Json ParkReport() {
  return Json::parse(R"json({
    "kind": "park", "period": "2025-03", "generated_at": "2025-04-02T01:00:00Z",
    "title": {"code": "report.title.park", "params": {"period": "2025-03"}},
    "enterprise": null,
    "energy": {"tce": 5.861976, "tce_equal_value": 7.1796, "cost_yuan": 5274.464, "unpriced": ["natural_gas"],
               "previous": {"change_pct": -54.8}, "last_year": {"change_pct": null},
               "carriers": [{"carrier": "electricity", "unit": "kWh", "amount": 7440, "tce": 0.914376,
                             "cost_yuan": 5274.464, "previous": {"change_pct": 121.4}, "last_year": null,
                             "cost_basis": {"code": "energy.cost.not_priced",
                                            "params": {"carrier": {"code": "energy.carrier.natural_gas"}}}}]},
    "emissions": {"total_t_co2": 12.5},
    "pollutants": {"cod_t": 0.25},
    "alarms": {"total": {"raised": 3},
               "by_rule": [{"rule_id": 1, "name": "=HYPERLINK(\"http://x\")", "raised": 3, "critical": 1, "open": 0, "closed": 3}],
               "by_enterprise": [{"enterprise_id": 7, "name": "@SUM(A1)", "raised": 3, "critical": 1, "open": 0, "closed": 3}]},
    "ratings": {"year": 2024, "items": [{"name": "+cmd", "credit_code": "91330200000000001X", "class": "D", "score": 41.5}]},
    "enterprises": [{"enterprise_id": 7, "name": "-绿源", "credit_code": "91330200000000001X", "tce": 5.86,
                     "cost_yuan": null, "total_t_co2": 12.5, "cod_t": null, "nh3n_t": null, "alarms_raised": 3,
                     "rating_class": "D"}],
    "notes": [{"code": "report.note.rating_year", "params": {"year": "2024"}}]
  })json");
}

TEST(MonthlySheets, SayEveryHeaderInTheReadersLanguage) {
  const auto zh = MonthlySheets(ParkReport(), Locale::kZhCN);
  ASSERT_EQ(zh.size(), 6u);
  EXPECT_EQ(zh[0].name, "概况");
  EXPECT_EQ(zh[0].rows[0][0], "园区月报 2025-03");
  EXPECT_EQ(zh[1].rows[0][0], "能源品种");
  EXPECT_EQ(zh[1].rows[1][0], "电力");
  EXPECT_EQ(zh[1].rows[1][7], "未计价：未配置天然气价格");
  const auto en = MonthlySheets(ParkReport(), Locale::kEn);
  EXPECT_EQ(en[0].name, "Summary");
  EXPECT_EQ(en[1].rows[1][0], "electricity");
  // An enterprise's report has no enterprises sheet.
  Json ent = ParkReport();
  ent["kind"] = "enterprise";
  ent["enterprise"] = {{"id", 7}, {"name", "绿源"}, {"credit_code", "91330200000000001X"}};
  EXPECT_EQ(MonthlySheets(ent, Locale::kZhCN).size(), 5u);
  EXPECT_EQ(FileName(ent), "enterprise-7-report-2025-03.xlsx");
  EXPECT_EQ(FileName(ParkReport()), "park-report-2025-03.xlsx");
}

TEST(MonthlySheets, NamesNeverStartAFormulaAndNumbersStayNumbers) {
  const auto sheets = MonthlySheets(ParkReport(), Locale::kZhCN);
  const auto bytes = xlsx::Write(sheets);
  for (const auto& s : sheets) {
    auto back = xlsx::Read(bytes, {}, s.name);
    ASSERT_TRUE(back.ok()) << s.name;
    for (const auto& row : back->rows) {
      for (const auto& cell : row) {
        if (cell.empty()) continue;
        const char c = cell.front();
        // Numbers we wrote may be negative; text may not start a formula.
        if (c == '-' && cell.find_first_not_of("-0123456789.eE") == std::string::npos) continue;
        EXPECT_TRUE(c != '=' && c != '+' && c != '-' && c != '@') << s.name << ": " << cell;
      }
    }
  }
  auto alarms = xlsx::Read(bytes, {}, "告警");
  ASSERT_TRUE(alarms.ok());
  EXPECT_EQ(alarms->rows[1][0], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(alarms->rows[1][1], "3");
  auto energy = xlsx::Read(bytes, {}, "能源");
  EXPECT_EQ(energy->rows[1][2], "7440");
  EXPECT_EQ(energy->rows[1][4], "5274.464");
  EXPECT_EQ(energy->rows.back()[5], "-54.8");
  auto ents = xlsx::Read(bytes, {}, "企业");
  EXPECT_EQ(ents->rows[1][0], "'-绿源");
  EXPECT_EQ(ents->rows[1][3], "");  // not priced: empty, never 0
}

}  // namespace
}  // namespace park::report
