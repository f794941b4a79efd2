#include "park/telemetry/json_telemetry.hpp"

#include <gtest/gtest.h>

namespace park::telemetry {
namespace {

constexpr int64_t kNowMs = 1'700'000'123'456;

Result<std::vector<JsonRecord>> Parse(std::string_view body) {
  return ParseJsonTelemetry(body, {.default_timestamp_ms = kNowMs});
}

TEST(JsonTelemetryTest, PlainObjectUsesServerTime) {
  auto r = Parse(R"({"temp":81.2,"count":3,"running":true,"mode":"auto"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const JsonRecord& rec = (*r)[0];
  EXPECT_EQ(rec.timestamp_ms, kNowMs);
  ASSERT_EQ(rec.values.size(), 4u);  // sorted by key: count, mode, running, temp
  EXPECT_EQ(rec.values[3].key, "temp");
  EXPECT_EQ(rec.values[3].type, ValueType::kFloat);
  EXPECT_DOUBLE_EQ(rec.values[3].float_value, 81.2);
  EXPECT_EQ(rec.values[0].type, ValueType::kInteger);
  EXPECT_EQ(rec.values[0].int_value, 3);
  EXPECT_EQ(rec.values[2].type, ValueType::kBoolean);
  EXPECT_TRUE(rec.values[2].bool_value);
  EXPECT_EQ(rec.values[1].type, ValueType::kString);
  EXPECT_EQ(rec.values[1].string_value, "auto");
}

TEST(JsonTelemetryTest, TimestampedAndArrayForms) {
  auto r = Parse(R"([{"ts":1700000000000,"values":{"temp":80}},{"pressure":0.4},
                     {"ts":1700000010000,"values":{"temp":80.5,"big":18446744073709551615}}])");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].timestamp_ms, 1700000000000);
  EXPECT_EQ((*r)[0].values[0].int_value, 80);
  EXPECT_EQ((*r)[1].timestamp_ms, kNowMs);
  EXPECT_EQ((*r)[2].values[0].type, ValueType::kUnsigned);
  EXPECT_EQ((*r)[2].values[0].uint_value, 18446744073709551615ULL);
}

TEST(JsonTelemetryTest, ErrorsNameTheField) {
  struct Case {
    std::string_view body;
    std::string_view field;
  };
  const Case cases[] = {
      {"", "body"},
      {"{", "body"},
      {"42", "body"},
      {"{}", "body"},
      {"[]", "body"},
      {"[1]", "[0]"},
      {R"({"temp":null})", "temp"},
      {R"({"temp":{"a":1}})", "temp"},
      {R"({"temp":[1]})", "temp"},
      {R"({"":1})", ""},
      {R"({"ts":"yesterday","values":{"t":1}})", "ts"},
      {R"({"ts":1.5,"values":{"t":1}})", "ts"},
      {R"({"ts":-1,"values":{"t":1}})", "ts"},
      {R"({"ts":1700000000000})", "values"},
      {R"({"values":{"t":1}})", "ts"},
      {R"({"ts":1,"values":{"t":1},"extra":2})", "extra"},
      {R"({"ts":1,"values":[1]})", "values"},
      {R"({"ts":1,"values":{}})", "values"},
      {R"([{"a":1},{"ts":1,"values":{"t":null}}])", "[1].values.t"},
      {R"([[[[[[[[[[1]]]]]]]]]])", "body"},
  };
  for (const Case& c : cases) {
    auto r = Parse(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.body;
    EXPECT_EQ(r.error().field, c.field) << c.body << ": " << r.error().message;
  }
}

TEST(JsonTelemetryTest, Limits) {
  std::string body = "[";
  for (int i = 0; i < 11; ++i) body += std::string(i ? "," : "") + R"({"a":1})";
  body += "]";
  EXPECT_FALSE(ParseJsonTelemetry(body, {.max_records = 10}).ok());
  EXPECT_TRUE(ParseJsonTelemetry(body, {.max_records = 11}).ok());
  EXPECT_FALSE(ParseJsonTelemetry(R"({"abc":1})", {.max_key_chars = 2}).ok());
  EXPECT_FALSE(ParseJsonTelemetry(R"({"a":"xyz"})", {.max_string_chars = 2}).ok());
}

}  // namespace
}  // namespace park::telemetry
