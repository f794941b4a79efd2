#include "park/core/json.hpp"

#include <gtest/gtest.h>

namespace park {
namespace {

TEST(ParseJsonObject, RefusesWhatIsNotAnObject) {
  struct Case {
    std::string body;
    const char* message_contains;
  };
  const Case cases[] = {
      {"", "empty"},
      {"{", "not valid JSON"},
      {"[1,2]", "must be a JSON object"},
      {"42", "must be a JSON object"},
      {"{\"a\":1} trailing", "not valid JSON"},
      {"{\"land_area_mu\":1e999}", "number overflow"},  // found by the fuzzer: threw out_of_range
      {std::string(40, '[') + std::string(40, ']'), "deeper than 32"},
      {"{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}", "deeper than 32"},
  };
  for (const auto& c : cases) {
    auto r = ParseJsonObject(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.message_contains), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(ParseJsonObject("{\"a\":[[[1]]]}").ok());
}

TEST(ParseJsonObject, RefusesDuplicateKeysAtAnyDepth) {
  struct Case {
    const char* body;
    const char* field;  // the repeated key, named in the error
  };
  const Case cases[] = {
      {R"({"name":"admin","password":"x","password":"y"})", "password"},
      {R"({"a":{"b":1,"b":2}})", "b"},
      {R"({"a":[{"c":1},{"d":1,"d":1}]})", "d"},
      {R"({"x":1,"y":{"x":2},"x":3})", "x"},
  };
  for (const auto& c : cases) {
    auto r = ParseJsonObject(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().field, c.field) << c.body;
    EXPECT_NE(r.error().message.find("more than once"), std::string::npos) << r.error().message;
  }
  // The same key in sibling or nested objects is not a duplicate.
  EXPECT_TRUE(ParseJsonObject(R"({"a":{"k":1},"b":{"k":2},"k":{"k":3},"l":[{"k":1},{"k":2}]})").ok());
}

TEST(JsonReader, RefusesControlCharactersInText) {
  struct Case {
    std::string value;
    bool ok;
  };
  const Case cases[] = {
      {std::string("ad\0min", 6), false}, {"a\x01" "b", false}, {"a\x1b[31m", false}, {"del\x7f", false},
      {"two\nlines", true},              {"tab\there", true}, {"园区 R-101", true},
  };
  for (const auto& c : cases) {
    const Json body = {{"name", c.value}};
    JsonReader r(body);
    auto v = r.String("name", JsonReader::kRequired);
    EXPECT_EQ(v.has_value(), c.ok) << c.value;
    if (!c.ok) {
      auto st = r.Finish();
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.error().field, "name");
      EXPECT_NE(st.error().message.find("control characters"), std::string::npos);
    }
  }
}

TEST(JsonReader, TypesAndFieldNames) {
  const Json body = Json::parse(R"({"name":"x","area":"12","n":1.5,"flag":1,"extra":true})");
  struct Case {
    const char* key;
    int kind;  // 0 string, 1 number, 2 integer, 3 bool
    const char* message;
  };
  const Case cases[] = {
      {"area", 1, "must be a number, not a string"},
      {"n", 2, "must be an integer"},
      {"flag", 3, "must be true or false, not a number"},
      {"name", 1, "must be a number, not a string"},
      {"missing", 0, "is required"},
  };
  for (const auto& c : cases) {
    JsonReader r(body, "enterprise");
    switch (c.kind) {
      case 0: (void)r.String(c.key, JsonReader::kRequired); break;
      case 1: (void)r.Number(c.key, JsonReader::kRequired); break;
      case 2: (void)r.Integer(c.key, JsonReader::kRequired); break;
      default: (void)r.Bool(c.key, JsonReader::kRequired); break;
    }
    const Status s = r.Finish();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, std::string("enterprise.") + c.key);
    EXPECT_EQ(s.error().message, c.message);
  }
}

TEST(JsonReader, UnknownFieldsAreRefused) {
  const Json body = Json::parse(R"({"name":"x","colour":"red"})");
  JsonReader r(body);
  EXPECT_EQ(r.String("name", JsonReader::kRequired), "x");
  const Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "colour");
  EXPECT_EQ(s.error().message, "is not a known field");
}

TEST(JsonReader, LimitsAndEmptiness) {
  const Json body = Json::parse(R"({"a":"  ","b":"温州医药","c":null,"id":5})");
  {
    JsonReader r(body);
    (void)r.String("a", JsonReader::kRequired);
    EXPECT_EQ(r.Finish().error().message, "must not be empty");
  }
  {
    JsonReader r(body);
    EXPECT_EQ(r.String("b", JsonReader::kOptional, 4), "温州医药");  // 4 characters, 12 bytes
    EXPECT_FALSE(r.String("c", JsonReader::kOptional).has_value());
    r.ReadOnly("id");
    r.String("a", JsonReader::kOptional);
    EXPECT_EQ(r.Finish().error().field, "id");
  }
  {
    JsonReader r(body);
    (void)r.String("b", JsonReader::kOptional, 3);
    EXPECT_EQ(r.Finish().error().message, "must be at most 3 characters");
  }
}

}  // namespace
}  // namespace park
