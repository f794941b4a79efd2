#include "park/telemetry/line_protocol.hpp"

#include <gtest/gtest.h>

namespace park::telemetry {
namespace {

LpBatch Parse(std::string_view body, Precision precision = Precision::kNanoseconds, int64_t now_ns = 777) {
  return ParseLineProtocol(body, {.precision = precision, .default_timestamp_ns = now_ns});
}

const LpField& FieldOf(const LpBatch& b, size_t line, size_t k) { return b.fields[b.lines[line].first_field + k]; }
const LpTag& TagOf(const LpBatch& b, size_t line, size_t k) { return b.tags[b.lines[line].first_tag + k]; }

TEST(LineProtocolTest, ParsesThePeerDataSetShape) {
  const std::string_view body =
      "equipment,park=tzb,enterprise=E030,asset=P-0000,kind=pump temp=60.81,pressure=0.323,vibration=1.51 "
      "1700000000000000000\n"
      "equipment,park=tzb,enterprise=E001,asset=R-0001,kind=reactor temp=81.2,pressure=0.4,vibration=2 "
      "1700000010000000000\n";
  const LpBatch b = Parse(body);
  ASSERT_EQ(b.error_count, 0u) << b.errors[0].message;
  ASSERT_EQ(b.lines.size(), 2u);
  EXPECT_EQ(b.lines[0].measurement, "equipment");
  ASSERT_EQ(b.lines[0].tag_count, 4u);
  EXPECT_EQ(TagOf(b, 0, 2).key, "asset");
  EXPECT_EQ(TagOf(b, 0, 2).value, "P-0000");
  ASSERT_EQ(b.lines[0].field_count, 3u);
  EXPECT_EQ(FieldOf(b, 0, 0).key, "temp");
  EXPECT_EQ(FieldOf(b, 0, 0).type, ValueType::kFloat);
  EXPECT_DOUBLE_EQ(FieldOf(b, 0, 0).float_value, 60.81);
  EXPECT_EQ(b.lines[0].timestamp_ns, 1700000000000000000);
  EXPECT_EQ(b.lines[1].line_number, 2u);
  EXPECT_EQ(b.field_value_count(), 6u);
  // Zero-copy: names point into the body.
  EXPECT_GE(b.lines[0].measurement.data(), body.data());
  EXPECT_LT(b.lines[0].measurement.data(), body.data() + body.size());
}

TEST(LineProtocolTest, FieldTypes) {
  const LpBatch b = Parse("m f=1.5,g=-2,h=1e3,i=-42i,u=42u,s=\"hi there\",t=t,T=TRUE,x=false,y=F,z=True,e=\"\" 1");
  ASSERT_EQ(b.error_count, 0u) << b.errors[0].message;
  struct Case {
    size_t index;
    ValueType type;
  };
  const Case cases[] = {{0, ValueType::kFloat},   {1, ValueType::kFloat},    {2, ValueType::kFloat},
                        {3, ValueType::kInteger}, {4, ValueType::kUnsigned}, {5, ValueType::kString},
                        {6, ValueType::kBoolean}, {7, ValueType::kBoolean},  {8, ValueType::kBoolean},
                        {9, ValueType::kBoolean}, {10, ValueType::kBoolean}, {11, ValueType::kString}};
  for (const Case& c : cases) EXPECT_EQ(FieldOf(b, 0, c.index).type, c.type) << "field " << c.index;
  EXPECT_EQ(FieldOf(b, 0, 1).float_value, -2);
  EXPECT_EQ(FieldOf(b, 0, 2).float_value, 1000);
  EXPECT_EQ(FieldOf(b, 0, 3).int_value, -42);
  EXPECT_EQ(FieldOf(b, 0, 4).uint_value, 42u);
  EXPECT_EQ(FieldOf(b, 0, 5).string_value, "hi there");
  EXPECT_TRUE(FieldOf(b, 0, 6).bool_value);
  EXPECT_TRUE(FieldOf(b, 0, 7).bool_value);
  EXPECT_FALSE(FieldOf(b, 0, 8).bool_value);
  EXPECT_FALSE(FieldOf(b, 0, 9).bool_value);
  EXPECT_TRUE(FieldOf(b, 0, 10).bool_value);
  EXPECT_EQ(FieldOf(b, 0, 11).string_value, "");
}

TEST(LineProtocolTest, Escapes) {
  const LpBatch b =
      Parse(R"(my\ meas\,ure=x,tag\ key\=1=va\,l\ u\=e field\,k\=e\ y="say \"hi\" \\ back\slash",plain=1 5)");
  ASSERT_EQ(b.error_count, 0u) << b.errors[0].message;
  EXPECT_EQ(b.lines[0].measurement, "my meas,ure=x");
  EXPECT_EQ(TagOf(b, 0, 0).key, "tag key=1");
  EXPECT_EQ(TagOf(b, 0, 0).value, "va,l u=e");
  EXPECT_EQ(FieldOf(b, 0, 0).key, "field,k=e y");
  EXPECT_EQ(FieldOf(b, 0, 0).string_value, R"(say "hi" \ back\slash)");
  EXPECT_EQ(SeriesKey(b, b.lines[0]), R"(my\ meas\,ure=x,tag\ key\=1=va\,l\ u\=e)");
  // A string may hold commas, spaces and equals signs unescaped.
  const LpBatch s = Parse("m msg=\"a, b = c\" 1");
  ASSERT_EQ(s.error_count, 0u);
  EXPECT_EQ(FieldOf(s, 0, 0).string_value, "a, b = c");
}

TEST(LineProtocolTest, CommentsBlankLinesAndCrlf) {
  const LpBatch b = Parse("# header comment\n\n   \r\nm v=1 1\r\n  # indented comment\nm v=2 2\n\n");
  ASSERT_EQ(b.error_count, 0u) << b.errors[0].message;
  ASSERT_EQ(b.lines.size(), 2u);
  EXPECT_EQ(b.lines[0].line_number, 4u);
  EXPECT_EQ(b.lines[1].line_number, 6u);
  EXPECT_EQ(b.lines[1].timestamp_ns, 2);
}

TEST(LineProtocolTest, NewlinesInsideStringFields) {
  const LpBatch b = Parse(
      "log,host=a msg=\"first\nsecond\",n=1i 1\n"
      "m,q=\"x v=1 2\n"                      // a quote in a tag value is literal and does not continue the line
      "log msg=\"say \\\"hi\\\"\nbye\" 3\n"  // escaped quotes inside, newline after them
      "bad v=2 x\n"
      "# a comment with a \" quote\n"
      "m v=3 4\n");
  ASSERT_EQ(b.lines.size(), 4u);
  EXPECT_EQ(FieldOf(b, 0, 0).string_value, "first\nsecond");
  EXPECT_EQ(b.lines[0].line_number, 1u);
  EXPECT_EQ(TagOf(b, 1, 0).value, "\"x");
  EXPECT_EQ(b.lines[1].line_number, 3u);
  EXPECT_EQ(FieldOf(b, 2, 0).string_value, "say \"hi\"\nbye");
  EXPECT_EQ(b.lines[2].line_number, 4u);
  ASSERT_EQ(b.error_count, 1u);
  EXPECT_EQ(b.errors[0].line_number, 6u);
  EXPECT_EQ(b.lines[3].line_number, 8u);
  // An unterminated string swallows the rest of the body: one error, at the line where it began.
  const LpBatch open = Parse("m v=1 1\nm s=\"open 2\nm v=2 3\n");
  EXPECT_EQ(open.lines.size(), 1u);
  ASSERT_EQ(open.error_count, 1u);
  EXPECT_EQ(open.errors[0].line_number, 2u);
  EXPECT_EQ(open.errors[0].message, "unterminated string value for field 's'");
}

TEST(LineProtocolTest, PrecisionAndDefaultTimestamp) {
  struct Case {
    Precision precision;
    std::string_view body;
    int64_t want_ns;
  };
  const Case cases[] = {
      {Precision::kNanoseconds, "m v=1 1700000000000000001", 1700000000000000001},
      {Precision::kMicroseconds, "m v=1 1700000000000001", 1700000000000001000},
      {Precision::kMilliseconds, "m v=1 1700000000001", 1700000000001000000},
      {Precision::kSeconds, "m v=1 1700000000", 1700000000000000000},
      {Precision::kSeconds, "m v=1 -1", -1000000000},
      {Precision::kSeconds, "m v=1", 777},
      {Precision::kSeconds, "m v=1   ", 777},
  };
  for (const Case& c : cases) {
    const LpBatch b = Parse(c.body, c.precision);
    ASSERT_EQ(b.error_count, 0u) << c.body;
    EXPECT_EQ(b.lines[0].timestamp_ns, c.want_ns) << c.body;
  }
  EXPECT_EQ(Parse("m v=1 9223372036854775807", Precision::kSeconds).error_count, 1u);
  EXPECT_EQ(*ParsePrecision("ms"), Precision::kMilliseconds);
  EXPECT_EQ(*ParsePrecision(""), Precision::kNanoseconds);
  EXPECT_FALSE(ParsePrecision("h").ok());
}

TEST(LineProtocolTest, ErrorsCarryLineNumberAndReason) {
  struct Case {
    std::string_view line;
    std::string_view reason;
  };
  const Case cases[] = {
      {"m", "missing fields"},
      {"m,t=1", "missing fields"},
      {",t=1 v=1", "missing measurement"},
      {"m,t v=1", "missing tag value for key 't'"},
      {"m,t= v=1", "missing tag value for key 't'"},
      {"m,=x v=1", "missing tag key"},
      {"m,t=1,t=2 v=1", "duplicate tag key 't'"},
      {"m v=1,v=2", "duplicate field key 'v'"},
      {"m v", "missing value for field 'v'"},
      {"m v=", "missing value for field 'v'"},
      {"m =1", "missing field key"},
      {"m v=1,", "missing field key"},
      {"m v=abc", "invalid number 'abc' for field 'v'"},
      {"m v=nan", "invalid number 'nan' for field 'v'"},
      {"m v=1e999", "invalid number '1e999' for field 'v'"},
      {"m v=tru", "invalid boolean value 'tru' for field 'v'"},
      {"m v=1.5i", "invalid integer value '1.5i' for field 'v'"},
      {"m v=99999999999999999999i", "integer out of range for field 'v'"},
      {"m v=-1u", "invalid unsigned value '-1u' for field 'v'"},
      {"m v=1 12x", "invalid timestamp '12x'"},
      {"m v=1 1 2", "unexpected text after the timestamp"},
      {"m,time=1 v=1", "'time' is not allowed as a tag key"},
      {"m time=1", "'time' is not allowed as a field key"},
  };
  for (const Case& c : cases) {
    const std::string body = "m ok=1 1\n" + std::string(c.line) + "\nm ok=2 2\n";
    const LpBatch b = Parse(body);
    ASSERT_EQ(b.error_count, 1u) << c.line;
    EXPECT_EQ(b.errors[0].line_number, 2u) << c.line;
    EXPECT_EQ(b.errors[0].message, c.reason) << c.line;
    // The good lines around the bad one are kept, and nothing of the bad line leaks into the batch.
    ASSERT_EQ(b.lines.size(), 2u) << c.line;
    EXPECT_EQ(b.fields.size(), 2u) << c.line;
    EXPECT_EQ(b.tags.size(), 0u) << c.line;
  }
  const LpBatch b = Parse("bad\nalso bad\n");
  const Error e = BatchError(b);
  EXPECT_EQ(e.field, "body");
  EXPECT_EQ(e.message, "line 1: missing fields (and 1 more lines with errors)");
}

TEST(LineProtocolTest, LongLinesAndErrorCapping) {
  std::string body;
  for (int i = 0; i < 150; ++i) body += "x\n";
  const LpBatch b = Parse(body);
  EXPECT_EQ(b.error_count, 150u);
  EXPECT_EQ(b.errors.size(), LpBatch::kMaxReportedErrors);
  const LpBatch big = ParseLineProtocol("m v=\"" + std::string(100, 'a') + "\"", {.max_line_bytes = 50});
  EXPECT_EQ(big.error_count, 1u);
}

TEST(LineProtocolTest, ManyFieldsAndDuplicatesAmongThem) {
  // Built with append: GCC 12 at -O3 reports a false -Wrestrict on literal + std::string chains.
  std::string line = "m ";
  for (int i = 0; i < 5000; ++i) line.append(i ? ",f" : "f").append(std::to_string(i)).append("=1");
  const LpBatch ok = Parse(line);
  ASSERT_EQ(ok.error_count, 0u);
  EXPECT_EQ(ok.lines[0].field_count, 5000u);
  const LpBatch dup = Parse(line + ",f4321=2");
  ASSERT_EQ(dup.error_count, 1u);
  EXPECT_EQ(dup.errors[0].message, "duplicate field key 'f4321'");
  std::string tags = "m";
  for (int i = 0; i < 40; ++i) tags.append(",t").append(std::to_string(i % 39)).append("=x");
  const LpBatch dup_tags = Parse(tags + " v=1");
  ASSERT_EQ(dup_tags.error_count, 1u);
  EXPECT_EQ(dup_tags.errors[0].message, "duplicate tag key 't0'");
}

TEST(LineProtocolTest, SeriesKeyIsCanonical) {
  const LpBatch b = Parse("m,b=2,a=1 v=1 1\nm,a=1,b=2 v=1 1\n");
  ASSERT_EQ(b.lines.size(), 2u);
  EXPECT_EQ(SeriesKey(b, b.lines[0]), "m,a=1,b=2");
  EXPECT_EQ(SeriesKey(b, b.lines[0]), SeriesKey(b, b.lines[1]));
}

TEST(LineProtocolTest, BatchSurvivesMove) {
  LpBatch b = Parse("m,t\\ x=1 v=\"a\\\"b\" 1");
  ASSERT_EQ(b.error_count, 0u);
  LpBatch moved = std::move(b);
  EXPECT_EQ(moved.tags[0].key, "t x");
  EXPECT_EQ(moved.fields[0].string_value, "a\"b");
}

}  // namespace
}  // namespace park::telemetry
