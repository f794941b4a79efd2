#include "park/core/time.hpp"

#include <gtest/gtest.h>

namespace park {
namespace {

TEST(Dates, Validity) {
  struct Case {
    const char* text;
    bool valid;
  };
  const Case cases[] = {
      {"2024-02-29", true}, {"2023-02-29", false}, {"2000-02-29", true}, {"1900-02-29", false},
      {"2024-04-31", false}, {"2024-12-31", true}, {"2024-13-01", false}, {"2024-00-10", false},
      {"2024-1-01", false},  {"24-01-01", false},  {"2024-01-01T", false}, {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidDate(c.text), c.valid) << c.text;
}

TEST(Months, Validity) {
  EXPECT_TRUE(IsValidMonth("2024-01"));
  EXPECT_TRUE(IsValidMonth("2024-12"));
  EXPECT_FALSE(IsValidMonth("2024-13"));
  EXPECT_FALSE(IsValidMonth("2024-1"));
  EXPECT_FALSE(IsValidMonth("2024-01-01"));
}

TEST(Instants, RoundTrip) {
  struct Case {
    const char* text;
    int64_t ms;
    const char* formatted;
  };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00Z"},
      {"2024-03-01T08:00:00Z", 1709280000000, "2024-03-01T08:00:00Z"},
      {"2024-03-01T16:00:00+08:00", 1709280000000, "2024-03-01T08:00:00Z"},
      {"2024-03-01T08:00:00.5Z", 1709280000500, "2024-03-01T08:00:00.500Z"},
      {"1969-12-31T23:59:59Z", -1000, "1969-12-31T23:59:59Z"},
  };
  for (const auto& c : cases) {
    auto r = ParseInstantMs(c.text, "at");
    ASSERT_TRUE(r.ok()) << c.text;
    EXPECT_EQ(*r, c.ms) << c.text;
    EXPECT_EQ(FormatInstantMs(c.ms), c.formatted);
  }
  for (const char* bad : {"2024-03-01", "2024-03-01T08:00:00", "2024-03-01T25:00:00Z", "2024-02-30T00:00:00Z",
                          "2024-03-01T08:00:00+8", "2024-03-01T08:00:00Zjunk"}) {
    auto r = ParseInstantMs(bad, "at");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "at");
  }
}

}  // namespace
}  // namespace park
