#include "park/core/csv.hpp"

#include <gtest/gtest.h>

namespace park {
namespace {

TEST(Csv, NeutralisesTextThatAFormulaCouldStartWith) {
  struct Case {
    std::string_view text;
    std::string want;
  };
  const Case cases[] = {
      {R"(=HYPERLINK("http://x","Open"))", R"x('=HYPERLINK("http://x","Open"))x"},
      {"@SUM(1)", "'@SUM(1)"},
      {"+1", "'+1"},
      {"-1+2", "'-1+2"},
      {"-1", "'-1"},  // as text (an enterprise named "-1") it is neutralised; numbers go through AppendCsvNumber
      {"\tcmd", "'\tcmd"},
      {"\rcmd", "'\rcmd"},
      {"绿源原料药", "绿源原料药"},
      {"a=b", "a=b"},
      {"'quoted", "'quoted"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(NeutraliseFormula(c.text), c.want) << c.text;
}

TEST(Csv, TextCellsAreNeutralisedThenQuoted) {
  struct Case {
    std::string_view text;
    std::string want;
  };
  const Case cases[] = {
      {R"(=HYPERLINK("http://x","Open"))", R"x("'=HYPERLINK(""http://x"",""Open"")")x"},
      {"-1+2", "'-1+2"},
      {"a,b", "\"a,b\""},
      {"line\nbreak", "\"line\nbreak\""},
      {"\rx", "\"'\rx\""},
      {"plain", "plain"},
  };
  for (const auto& c : cases) {
    std::string out;
    AppendCsvText(out, c.text);
    EXPECT_EQ(out, c.want) << c.text;
  }
}

TEST(Csv, NumberCellsStayNumbersUnlessTheyAreNot) {
  struct Case {
    std::string_view text;
    std::string want;
  };
  const Case cases[] = {
      {"-3.5", "-3.5"},   {"12", "12"},         {"1e-07", "1e-07"},   {"-2.5E+10", "-2.5E+10"}, {"", ""},
      {"-inf", "'-inf"},  {"-1+2", "'-1+2"},    {"=1", "'=1"},         {"nan", "nan"},          {"1.", "1."},
      {"--1", "'--1"},    {"- 1", "'- 1"},
  };
  for (const auto& c : cases) {
    std::string out;
    AppendCsvNumber(out, c.text);
    EXPECT_EQ(out, c.want) << c.text;
  }
}

TEST(Csv, FieldsForOurOwnParserAreOnlyQuoted) {
  std::string out;
  AppendCsvField(out, "-5");
  out += ',';
  AppendCsvField(out, "=x,\"y\"");
  EXPECT_EQ(out, "-5,\"=x,\"\"y\"\"\"");
}

}  // namespace
}  // namespace park
