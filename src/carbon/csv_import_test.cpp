#include "park/carbon/csv_import.hpp"

#include <gtest/gtest.h>

namespace park::carbon {
namespace {

TEST(CsvImportTest, ParsesAGoodFile) {
  const std::string text =
      "\xEF\xBB\xBF"
      "enterprise_code,period,item,amount,unit,use,note\r\n"
      "E001,2023-01,raw_coal,1000,t,fuel,\"boiler, no. 2\"\r\n"
      "E001,2023-01,electricity,1200000,kWh,,\r\n"
      "\r\n"
      "E001,2023-01,natural_gas,3,10^4 Nm3,feedstock,\"says \"\"hi\"\"\non two lines\"\r\n"
      "E002,2023-02,cod,1500,kg,,\r\n";
  ActivityImport r = ParseActivityCsv(text);
  ASSERT_TRUE(r.ok()) << r.errors.front().line << " " << r.errors.front().reason;
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[0].note, "boiler, no. 2");
  EXPECT_DOUBLE_EQ(r.rows[1].amount_canonical, 1200);
  EXPECT_EQ(r.rows[2].line, 5);
  EXPECT_EQ(r.rows[2].use, Use::kFeedstock);
  EXPECT_EQ(r.rows[2].note, "says \"hi\"\non two lines");
  EXPECT_EQ(r.rows[3].line, 7);
  EXPECT_DOUBLE_EQ(r.rows[3].amount_canonical, 1.5);
}

TEST(CsvImportTest, AcceptsColumnsInAnyOrderAndOptionalColumnsMissing) {
  ActivityImport r = ParseActivityCsv("item,amount,unit,period,enterprise_code\ndiesel,2,t,2024-03,E9\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].enterprise_code, "E9");
  EXPECT_EQ(r.rows[0].item, Item::kDiesel);
}

TEST(CsvImportTest, ReturnsEveryBadRowAndNoRows) {
  const std::string text =
      "enterprise_code,period,item,amount,unit,use,note\n"
      "E001,2023-01,raw_coal,1000,t,fuel,\n"         // 2 good
      "E001,2023-1,raw_coal,1000,t,fuel,\n"          // 3 period
      "E001,2023-01,moonrock,1000,t,fuel,\n"         // 4 item
      "E001,2023-01,diesel,12.5.1,t,fuel,\n"         // 5 amount
      "E001,2023-01,diesel,1,m3,fuel,\n"             // 6 unit
      "E001,2023-01,diesel,1,t\n"                    // 7 field count
      "E001,2023-01,electricity,1,MWh,feedstock,\n"  // 8 use
      "E001,2023-01,diesel,1,t,fuel,\"open\n";       // 9 unterminated quote
  ActivityImport r = ParseActivityCsv(text);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.rows.empty());
  struct Expect {
    int line;
    const char* field;
    const char* code;
    const char* content;  // the row as it was in the file
  } expected[] = {{3, "period", "time.month_format", "E001,2023-1,raw_coal,1000,t,fuel,"},
                  {4, "item", "carbon.activity.item", "E001,2023-01,moonrock,1000,t,fuel,"},
                  {5, "amount", "carbon.activity.amount_decimal", "E001,2023-01,diesel,12.5.1,t,fuel,"},
                  {6, "unit", "carbon.activity.unit", "E001,2023-01,diesel,1,m3,fuel,"},
                  {7, "", "carbon.import.field_count", "E001,2023-01,diesel,1,t"},
                  {8, "use", "carbon.activity.feedstock", "E001,2023-01,electricity,1,MWh,feedstock,"},
                  {9, "", "carbon.import.malformed", ""}};
  ASSERT_EQ(r.errors.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(r.errors[i].line, expected[i].line) << i;
    EXPECT_EQ(r.errors[i].field, expected[i].field) << i;
    EXPECT_EQ(r.errors[i].text.code, expected[i].code) << i;
    EXPECT_EQ(r.errors[i].content, expected[i].content) << i;
    EXPECT_FALSE(r.errors[i].reason.empty());
  }
  // The accepted values travel with the reason: the units a diesel amount may be in.
  EXPECT_EQ(std::get<std::string>(*r.errors[3].text.Find("units")), "t, kg, 10^4 t");
  const Error summary = SummariseRowErrors(r.errors);
  EXPECT_EQ(summary.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(summary.text.code, "carbon.import.rejected");
  EXPECT_EQ(std::get<double>(*summary.text.Find("count")), 7);
  EXPECT_EQ(summary.field, "line 3.period");
}

TEST(CsvImportTest, RefusesBadHeaders) {
  struct Case {
    const char* text;
    const char* field;
  } cases[] = {
      {"", ""},
      {"enterprise_code,period,item,amount\nE1,2023-01,diesel,1\n", "unit"},
      {"enterprise_code,period,item,amount,unit,colour\n", "colour"},
      {"enterprise_code,period,item,amount,unit,unit\n", "unit"},
  };
  for (const Case& c : cases) {
    ActivityImport r = ParseActivityCsv(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.errors.front().line, 1);
    EXPECT_EQ(r.errors.front().field, c.field) << c.text;
  }
}

TEST(CsvImportTest, HeaderWithoutRowsIsAnError) {
  ActivityImport r = ParseActivityCsv("enterprise_code,period,item,amount,unit,use,note\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors.front().text.code, "carbon.import.no_rows");
}

TEST(CsvImportTest, TextAfterClosingQuoteIsAnErrorAndParsingContinues) {
  ActivityImport r = ParseActivityCsv(
      "enterprise_code,period,item,amount,unit\n"
      "\"E1\"x,2023-01,diesel,1,t\n"
      "E1,2023-01,diesel,1,kg\n"
      "E1,2023-02,diesel,1,lb\n");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[1].line, 4);
  EXPECT_EQ(r.errors[1].field, "unit");
}

TEST(CsvImportTest, SkipsRowsOfEmptyCells) {
  ActivityImport r = ParseActivityCsv(
      "enterprise_code,period,item,amount,unit,use,note\r\n"
      "E1,2023-01,diesel,1,t,,\r\n"
      ",,,,,,\r\n"
      " , ,,,,,\r\n");
  ASSERT_TRUE(r.ok()) << r.errors.front().reason;
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST(CsvImportTest, LastLineWithoutNewline) {
  ActivityImport r = ParseActivityCsv("enterprise_code,period,item,amount,unit\r\nE1,2023-01,water,5,m3");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r.rows[0].amount_canonical, 5);
  EXPECT_EQ(r.rows[0].unit, "m3");
}

}  // namespace
}  // namespace park::carbon
