#include "park/core/text.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/text_sources.hpp"
#include "park/core/error.hpp"
#include "park/core/json.hpp"

namespace park {
namespace {

TEST(TextNumber, RoundsByMagnitudeAndGroupsThousands) {
  struct Case {
    double v;
    const char* shown;
  } cases[] = {
      {53731.9, "53,732"}, {26000, "26,000"},  {63.9205, "63.9"}, {8.1, "8.1"},     {1.005, "1"},
      {0.02637, "0.0264"}, {0.5, "0.5"},       {0, "0"},          {-1234.5, "-1,235"}, {1e6, "1,000,000"},
      {99.96, "100"},      {0.000123456, "0.000123"}, {-0.0001, "-0.0001"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatTextNumber(c.v), c.shown) << c.v;
}

TEST(Text, RendersParametersInEitherLanguage) {
  const Text t = T("field.too_long", {{"max_chars", 200}});
  EXPECT_EQ(RenderText(t, Locale::kEn), "must be at most 200 characters");
  EXPECT_EQ(RenderText(t, Locale::kZhCN), "最多 200 个字符");
  const Text month = T("time.month_format", {{"value", "2026-13"}});
  EXPECT_EQ(RenderText(month, Locale::kZhCN), "“2026-13”不是有效月份，格式应为 YYYY-MM");
}

TEST(Text, AnUnknownCodeKeepsItsCodeAndParameters) {
  EXPECT_EQ(RenderText(T("no.such.code", {{"n", 2}, {"s", "x"}})), "no.such.code n=2 s=x");
  EXPECT_FALSE(HasText("no.such.code"));
  EXPECT_TRUE(HasText("field.required"));
}

TEST(Text, ErrorsCarryTheirTextAndAnEnglishMessage) {
  const Error e = Error::Invalid("name", T("field.required"));
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message, "is required");
  EXPECT_EQ(e.text.code, "field.required");
  const Error all = Error::Invalid({{"a", T("field.required")}, {"b", T("field.empty")}});
  EXPECT_EQ(all.field, "a");
  ASSERT_EQ(all.fields.size(), 2u);
  EXPECT_EQ(all.fields[1].field, "b");
}

TEST(Locale, FromTagsAndAcceptLanguage) {
  EXPECT_EQ(ParseLocale("en-GB"), Locale::kEn);
  EXPECT_EQ(ParseLocale("zh-Hans-CN", Locale::kEn), Locale::kZhCN);
  EXPECT_EQ(ParseLocale("fr", Locale::kEn), Locale::kEn);
  EXPECT_EQ(ParseLocale("english"), Locale::kZhCN);  // "en" must be a whole subtag
  EXPECT_EQ(LocaleFromAcceptLanguage("fr-FR,fr;q=0.9,en-US;q=0.8,zh;q=0.7"), Locale::kEn);
  EXPECT_EQ(LocaleFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8", Locale::kEn), Locale::kZhCN);
  EXPECT_EQ(LocaleFromAcceptLanguage("", Locale::kEn), Locale::kEn);
}

// The catalogues are API: both languages have every code, with the same placeholders, and only the subset of
// vue-i18n's syntax that the server's renderer also speaks ({name} and {'literal'}, no plurals or links).
TEST(Catalogues, BothLanguagesHaveEveryCodeWithTheSamePlaceholders) {
  std::map<std::string, std::map<std::string, std::string>> by_locale;
  std::function<void(const Json&, const std::string&, std::map<std::string, std::string>&)> flatten =
      [&](const Json& node, const std::string& prefix, std::map<std::string, std::string>& out) {
        for (const auto& [k, v] : node.items()) {
          const std::string path = prefix.empty() ? k : prefix + "." + k;
          if (v.is_object()) {
            flatten(v, path, out);
          } else {
            ASSERT_TRUE(v.is_string()) << path;
            ASSERT_FALSE(out.contains(path)) << "defined twice: " << path;
            out[path] = v.get<std::string>();
          }
        }
      };
  for (const auto& src : text_internal::CatalogueSources()) {
    const Json doc = Json::parse(src.json, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << src.file;
    flatten(doc, "", by_locale[std::string(src.locale)]);
  }
  ASSERT_EQ(by_locale.size(), 2u);
  const auto& en = by_locale["en"];
  const auto& zh = by_locale["zh-CN"];
  EXPECT_GT(en.size(), 20u);
  auto names = [](const std::string& msg) {  // {name}, not {'literal'}
    std::set<std::string> out;
    for (size_t open = msg.find('{'); open != std::string::npos; open = msg.find('{', open + 1)) {
      const size_t close = msg.find('}', open);
      if (close == std::string::npos) break;
      const std::string inner = msg.substr(open + 1, close - open - 1);
      if (!inner.empty() && inner.front() != '\'') out.insert(inner);
    }
    return out;
  };
  for (const auto& [code, msg] : en) {
    const auto it = zh.find(code);
    ASSERT_NE(it, zh.end()) << "zh-CN lacks " << code;
    // zh may leave out a detail the English names (a parser's own words), never add one.
    for (const auto& n : names(it->second)) EXPECT_TRUE(names(msg).contains(n)) << code << " zh-CN uses {" << n << "}";
    for (const std::string* m : {&msg, &it->second}) {
      EXPECT_EQ(m->find('|'), std::string::npos) << code << ": no plurals in server texts";
      EXPECT_EQ(m->find('@'), std::string::npos) << code << ": write {'@'}";
      EXPECT_EQ(m->find('$'), std::string::npos) << code;
    }
  }
  for (const auto& [code, msg] : zh) EXPECT_TRUE(en.contains(code)) << "en lacks " << code;
}

}  // namespace
}  // namespace park
