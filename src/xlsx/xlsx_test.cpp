#include "park/xlsx/xlsx.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "xlsx/text.hpp"
#include "xlsx/xml.hpp"
#include "xlsx/zip.hpp"

namespace park::xlsx {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(PARK_XLSX_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A package around one hand-written worksheet (and optional shared strings), stored or deflated by our own writer.
std::string Package(const std::string& sheet_xml, const std::string& shared_xml = {}) {
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  std::string rels =
      "<Relationships><Relationship Id=\"rId1\" Type=\"" + rel + "/worksheet\" Target=\"worksheets/sheet1.xml\"/>";
  if (!shared_xml.empty()) {
    rels += "<Relationship Id=\"rId2\" Type=\"" + rel + "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
  }
  rels += "</Relationships>";
  std::vector<std::pair<std::string, std::string>> entries = {
      {"xl/workbook.xml",
       "<workbook xmlns:r=\"" + rel + "\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels", rels},
      {"xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + sheet_xml + "</sheetData></worksheet>"},
  };
  if (!shared_xml.empty()) entries.emplace_back("xl/sharedStrings.xml", "<sst>" + shared_xml + "</sst>");
  return internal::WriteZip(entries, /*compress=*/false);
}

TEST(XlsxText, FormatNumber) {
  struct Case {
    const char* raw;
    const char* shown;
  };
  const Case cases[] = {
      {"12", "12"},
      {"007", "7"},
      {"-7", "-7"},
      {"2.0", "2"},
      {"1E3", "1000"},
      {"0.30000000000000004", "0.3"},
      {"1E-3", "0.001"},
      {"1.5E+20", "1.5E+20"},
      {"123456789012345678", "123456789012345678"},  // digits kept as written
      {"1.23456789012345678E17", "1.23456789012346E+17"},
      {"3.14159265358979", "3.14159265358979"},
      {"-0.0", "0"},
      {"1E-7", "1E-07"},
      {"abc", "abc"},
      {"", ""},
      {"1e999", "1e999"},  // not finite: left as written
  };
  for (const Case& c : cases) EXPECT_EQ(internal::FormatNumber(c.raw), c.shown) << c.raw;
}

TEST(XlsxText, IsNumberText) {
  struct Case {
    const char* text;
    bool number;
  };
  const Case cases[] = {
      {"0", true},
      {"-12", true},
      {"3.50", true},
      {"1e-3", true},
      {"0.001", true},
      {"007", false},
      {"12a", false},
      {"", false},
      {"+1", false},
      {" 1", false},
      {"1.", false},
      {".5", false},
      {"1e999", false},
      {"inf", false},
      {"nan", false},
      {"0x1A", false},
      {"123456789012345", true},      // 15 significant digits
      {"1234567890123456", false},    // 16: Excel would lose the last one
      {"110101199003077777", false},  // an 18-digit identifier stays text
      {"0.000000000000001", true},
  };
  for (const Case& c : cases) EXPECT_EQ(internal::IsNumberText(c.text), c.number) << c.text;
}

TEST(XlsxText, ExcelEscapes) {
  struct Case {
    const char* decoded;
    const char* encoded;
  };
  const Case cases[] = {
      {"a\rb", "a_x000D_b"}, {"_x0041_", "_x005F_x0041_"},
      {"\x01", "_x0001_"},   {"a&b<c>", "a&amp;b&lt;c&gt;"},
      {"中文", "中文"},      {"_x", "_x"},
  };
  for (const Case& c : cases) {
    std::string out;
    internal::AppendXmlText(out, c.decoded);
    EXPECT_EQ(out, c.encoded);
    std::string unescaped = c.encoded;
    internal::DecodeExcelEscapes(unescaped);
    if (std::string(c.encoded).find('&') == std::string::npos) {
      EXPECT_EQ(unescaped, c.decoded);
    }
  }
  std::string pair = "_xD83D__xDE00_";  // a surrogate pair
  internal::DecodeExcelEscapes(pair);
  EXPECT_EQ(pair, "\xF0\x9F\x98\x80");
  std::string lone = "_xD83D_";  // a lone surrogate is kept as written
  internal::DecodeExcelEscapes(lone);
  EXPECT_EQ(lone, "_xD83D_");
}

TEST(XlsxXml, TokensEntitiesAndRefusals) {
  internal::XmlReader xml(
      "<?xml version=\"1.0\"?><!-- c --><x:a b='1 &amp; 2' x:c=\"&#x4E2D;\">t&lt;<![CDATA[<raw>]]><e/></x:a>", "doc");
  using T = internal::XmlReader::Token;
  auto next = [&xml] { return xml.Next().value(); };
  ASSERT_EQ(next(), T::kStart);
  EXPECT_EQ(xml.name(), "a");
  ASSERT_NE(xml.Attr("b"), nullptr);
  EXPECT_EQ(*xml.Attr("b"), "1 & 2");
  EXPECT_EQ(*xml.Attr("c"), "中");
  ASSERT_EQ(next(), T::kText);
  EXPECT_EQ(xml.text(), "t<");
  ASSERT_EQ(next(), T::kText);
  EXPECT_EQ(xml.text(), "<raw>");
  ASSERT_EQ(next(), T::kStart);
  ASSERT_EQ(next(), T::kEnd);
  EXPECT_EQ(xml.name(), "e");
  ASSERT_EQ(next(), T::kEnd);
  EXPECT_EQ(xml.name(), "a");
  EXPECT_EQ(next(), T::kEof);

  for (const char* bad :
       {"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>", "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&#x110000;</a>",
        "<a b=c/>", "<a></b>", "<a><b></a>", "<a>", "<a b=\"1></a>", "<a", "<!-- open"}) {
    internal::XmlReader r(bad, "doc");
    bool failed = false;
    for (int i = 0; i < 10 && !failed; ++i) {
      auto t = r.Next();
      if (!t.ok())
        failed = true;
      else if (t.value() == T::kEof)
        break;
    }
    EXPECT_TRUE(failed) << bad;
  }
}

TEST(XlsxRoundTrip, CellsComeBackAsWritten) {
  struct Case {
    const char* what;
    Rows written;
    Rows read;  // what Read returns
  };
  const Case cases[] = {
      {"Chinese text",
       {{"企业", "排放量（吨）"}, {"华能电厂", "12.5"}},
       {{"企业", "排放量（吨）"}, {"华能电厂", "12.5"}}},
      {"numbers re-formatted",
       {{"n"}, {"3.50"}, {"1e-3"}, {"-0"}, {"100"}},
       {{"n"}, {"3.5"}, {"0.001"}, {"0"}, {"100"}}},
      {"numbers that must stay text",
       {{"007", "110101199003077777", "1,000", " 5", "1e999"}},
       {{"007", "110101199003077777", "1,000", " 5", "1e999"}}},
      {"gaps in rows and columns",
       {{"a", "", "c"}, {}, {"", "", "", "d"}, {"", ""}},
       {{"a", "", "c"}, {}, {"", "", "", "d"}}},
      {"trailing empties dropped", {{"a", "", ""}, {"", ""}}, {{"a"}}},
      {"XML specials and white space",
       {{"<a & \"b\">", "  lead", "trail\t", "x\ny", "cr\r\nlf"}},
       {{"<a & \"b\">", "  lead", "trail\t", "x\ny", "cr\r\nlf"}}},
      {"control characters and literal escapes", {{"bell\x07", "_x0041_", "_x00"}}, {{"bell\x07", "_x0041_", "_x00"}}},
      {"invalid UTF-8 repaired", {{"ab\xff", "\xe4\xb8"}}, {{"ab\xEF\xBF\xBD", "\xEF\xBF\xBD\xEF\xBF\xBD"}}},
      {"emoji", {{"\xF0\x9F\x98\x80 ok"}}, {{"\xF0\x9F\x98\x80 ok"}}},
      {"empty sheet", {}, {}},
  };
  for (const Case& c : cases) {
    const std::string bytes = Write({Sheet{"数据", c.written}});
    auto sheet = Read(bytes);
    ASSERT_TRUE(sheet.ok()) << c.what << ": " << sheet.error().message;
    EXPECT_EQ(sheet->name, "数据") << c.what;
    EXPECT_EQ(sheet->rows, c.read) << c.what;
  }
}

TEST(XlsxRoundTrip, ManyRows) {
  Sheet s{"big", {{"enterprise", "month", "amount", "unit"}}};
  for (int i = 0; i < 50000; ++i) {
    s.rows.push_back({"企业" + std::to_string(i), std::to_string(i % 12 + 1), std::to_string(i) + ".25", "t"});
  }
  const std::string bytes = Write({s});
  EXPECT_LT(bytes.size(), 2u << 20);  // deflated
  auto back = Read(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->rows, s.rows);
  EXPECT_EQ(Write({s}), bytes);  // deterministic

  ReadLimits limits;
  limits.max_rows = 1000;
  auto refused = Read(bytes, limits);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "file");
  EXPECT_NE(refused.error().message.find("too many rows"), std::string::npos) << refused.error().message;
}

TEST(XlsxWrite, SheetNamesAreMadeValidAndSheetsReadByName) {
  const std::vector<Sheet> sheets = {
      {"a/b:c*d?[e]\\", {{"1"}}},
      {"A/B:C*D?[E]\\", {{"2"}}},  // the same name once cleaned, ignoring case
      {"", {{"3"}}},
      {"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", {{"4"}}},
      {"'quoted'", {{"5"}}},
      {"History", {{"6"}}},
  };
  const std::string bytes = Write(sheets);
  struct Case {
    const char* name;
    const char* cell;
  };
  const Case cases[] = {
      {"a_b_c_d__e__", "1"}, {"A_B_C_D__E__ (2)", "2"},
      {"Sheet3", "3"},       {"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "4"},
      {"_quoted_", "5"},     {"History_", "6"},
  };
  for (const Case& c : cases) {
    auto s = Read(bytes, {}, c.name);
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.error().message;
    EXPECT_EQ(s->rows, Rows{{c.cell}}) << c.name;
  }
  auto first = Read(bytes);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->name, "a_b_c_d__e__");
  auto missing = Read(bytes, {}, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no worksheet named \"nope\""), std::string::npos);

  auto empty_book = Read(Write({}));
  ASSERT_TRUE(empty_book.ok()) << empty_book.error().message;
  EXPECT_EQ(empty_book->name, "Sheet1");
  EXPECT_TRUE(empty_book->rows.empty());
}

TEST(XlsxWrite, CellsOutsideExcelsGridAreLeftOut) {
  std::vector<std::string> wide(16385);
  wide.front() = "a";
  wide.back() = "beyond XFD";
  auto back = Read(Write({Sheet{"s", {wide}}}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->rows, Rows{{"a"}});
}

TEST(XlsxWrite, HeaderIsBoldAndNumbersAreNumbers) {
  const std::string bytes = Write({Sheet{"s", {{"h1", "h2"}, {"x", "2.5"}}}});
  auto zip = internal::ZipReader::Open(bytes);
  ASSERT_TRUE(zip.ok());
  size_t budget = 1 << 20;
  auto xml = zip->Extract("xl/worksheets/sheet1.xml", budget);
  ASSERT_TRUE(xml.ok());
  EXPECT_NE(xml->find("<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>h1</t></is></c>"), std::string::npos) << *xml;
  EXPECT_NE(xml->find("<c r=\"B2\"><v>2.5</v></c>"), std::string::npos) << *xml;
  for (const char* part :
       {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}) {
    EXPECT_TRUE(zip->Has(part)) << part;
  }
}

TEST(XlsxRead, FilesWrittenByPythonZipfile) {
  const Rows expected = {
      {"企业名称", "", "天然 气 "},
      {"A & B <C> 中文", "12", "0.3", "0.001", "1.5E+20", "123456789012345678", "2"},
      {},
      {"trimmed", "  kept  ", "东京", "line\rbreak"},
      {"", "内联", "富文本"},
  };
  // streamed.xlsx has the same parts, with CRCs and sizes in data descriptors after the data.
  for (const char* fixture : {"rich.xlsx", "streamed.xlsx"}) {
    const std::string bytes = Fixture(fixture);
    auto s = Read(bytes);
    ASSERT_TRUE(s.ok()) << fixture << ": " << s.error().message;
    EXPECT_EQ(s->name, "活动数据") << fixture;
    EXPECT_EQ(s->rows, expected) << fixture;

    auto flags = Read(bytes, {}, "Flags");  // its relationship target is absolute ("/xl/worksheets/sheet2.xml")
    ASSERT_TRUE(flags.ok()) << fixture << ": " << flags.error().message;
    EXPECT_EQ(flags->rows, (Rows{{"TRUE", "FALSE", "TRUEx", "#DIV/0!", "2"}})) << fixture;
  }
}

TEST(XlsxRead, WorkbookFoundThroughPackageRelationships) {
  // Strict OOXML relationship types, a workbook outside xl/, a ".." target and a chartsheet listed first.
  const std::string strict = "http://purl.oclc.org/ooxml/officeDocument/relationships";
  const std::string bytes = internal::WriteZip({
      {"_rels/.rels", "<Relationships><Relationship Id=\"r\" Type=\"" + strict +
                          "/officeDocument\" Target=\"/book/wb.xml\"/></Relationships>"},
      {"book/wb.xml",
       "<workbook xmlns:r=\"" + strict +
           "\"><sheets><sheet name=\"Chart\" r:id=\"c\"/><sheet name=\"Data\" r:id=\"w\"/></sheets></workbook>"},
      {"book/_rels/wb.xml.rels", "<Relationships><Relationship Id=\"c\" Type=\"" + strict +
                                     "/chartsheet\" Target=\"c.xml\"/><Relationship Id=\"w\" Type=\"" + strict +
                                     "/worksheet\" Target=\"./../sheets/s.xml\"/></Relationships>"},
      {"book/c.xml", "<chartsheet/>"},
      {"sheets/s.xml", "<worksheet><sheetData><row><c><v>42</v></c></row></sheetData></worksheet>"},
  });
  auto s = Read(bytes);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->name, "Data");
  EXPECT_EQ(s->rows, Rows{{"42"}});
  auto chart = Read(bytes, {}, "Chart");
  ASSERT_FALSE(chart.ok());
  EXPECT_NE(chart.error().message.find("no worksheet named \"Chart\""), std::string::npos);
}

TEST(XlsxRead, BadFilesAreRefusedAsValues) {
  struct Case {
    const char* fixture;
    const char* sheet;
    const char* message_part;
  };
  const Case cases[] = {
      {"rich.xlsx", "Nope", "no worksheet named \"Nope\""},
      {"missing_sheet.xlsx", "", "missing from the package"},
      {"bad_crc.xlsx", "", "CRC"},
      {"truncated.xlsx", "", "truncated"},
      {"bomb.xlsx", "", "larger than the limit"},
      {"bomb_lying.xlsx", "", "beyond its declared size"},
      {"not_a_zip.xlsx", "", "not an XLSX"},
  };
  for (const Case& c : cases) {
    auto s = Read(Fixture(c.fixture), {}, c.sheet);
    ASSERT_FALSE(s.ok()) << c.fixture;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << c.fixture;
    EXPECT_EQ(s.error().field, "file") << c.fixture;
    EXPECT_NE(s.error().message.find(c.message_part), std::string::npos) << c.fixture << ": " << s.error().message;
  }
  // The bomb is refused by the limit, whatever it is.
  ReadLimits big;
  big.max_uncompressed_bytes = 128 << 20;
  auto inflated = Read(Fixture("bomb.xlsx"), big);
  ASSERT_TRUE(inflated.ok()) << inflated.error().message;
  EXPECT_EQ(inflated->rows, Rows{{"x"}});
}

TEST(XlsxRead, LimitsAndMalformedSheets) {
  struct Case {
    const char* what;
    std::string bytes;
    ReadLimits limits;
    const char* message_part;  // empty: must succeed
  };
  ReadLimits tiny;
  tiny.max_rows = 3;
  tiny.max_columns = 3;
  tiny.max_cell_bytes = 8;
  tiny.max_cells = 5;
  const std::string cell = "<c t=\"inlineStr\"><is><t>x</t></is></c>";
  const Case cases[] = {
      {"row over the limit", Package("<row r=\"4\">" + cell + "</row>"), tiny, "too many rows"},
      {"empty styled row beyond the limit is fine",
       Package("<row r=\"1\">" + cell + "</row><row r=\"1048576\"><c r=\"A1048576\" s=\"1\"/></row>"), tiny, ""},
      {"column over the limit", Package("<row><c r=\"D1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"), tiny,
       "too many columns"},
      {"cell too long", Package("<row><c t=\"inlineStr\"><is><t>123456789</t></is></c></row>"), tiny,
       "longer than 8 bytes"},
      {"number too long", Package("<row><c><v>1234567890</v></c></row>"), tiny, "longer than 8 bytes"},
      {"shared string too long", Package("<row><c t=\"s\"><v>0</v></c></row>", "<si><t>123456789</t></si>"), tiny,
       "longer than 8 bytes"},
      {"too many cells", Package("<row><c r=\"C1\"><v>1</v></c></row><row><c r=\"C2\"><v>1</v></c></row>"), tiny,
       "too many cells"},
      {"shared string out of range",
       Package("<row><c t=\"s\"><v>3</v></c></row>", "<si><t>a</t></si>"),
       {},
       "shared string that does not exist"},
      {"bad cell reference", Package("<row><c r=\"A1B\"><v>1</v></c></row>"), {}, "invalid cell reference"},
      {"bad row number", Package("<row r=\"x\"/>"), {}, "invalid row number"},
      {"DOCTYPE", Package("</sheetData><!DOCTYPE x><sheetData>"), {}, "DOCTYPE"},
      {"unbalanced", Package("<row><c><v>1"), {}, "end tag does not match"},
      {"prefixed names and cells out of order",
       Package("<x:row r=\"2\"><x:c r=\"B2\"><x:v>2</x:v></x:c><x:c r=\"A2\"><x:v>1</x:v></x:c></x:row>"),
       {},
       ""},
  };
  for (const Case& c : cases) {
    auto s = Read(c.bytes, c.limits);
    if (std::string(c.message_part).empty()) {
      EXPECT_TRUE(s.ok()) << c.what << ": " << s.error().message;
      continue;
    }
    ASSERT_FALSE(s.ok()) << c.what;
    EXPECT_EQ(s.error().field, "file");
    EXPECT_NE(s.error().message.find(c.message_part), std::string::npos) << c.what << ": " << s.error().message;
  }
  auto unordered =
      Read(Package("<x:row r=\"2\"><x:c r=\"B2\"><x:v>2</x:v></x:c><x:c r=\"A2\"><x:v>1</x:v></x:c></x:row>"));
  ASSERT_TRUE(unordered.ok());
  EXPECT_EQ(unordered->rows, (Rows{{}, {"1", "2"}}));

  ReadLimits small;
  small.max_uncompressed_bytes = 100;
  auto over = Read(Write({Sheet{"s", {{std::string(200, 'a')}}}}), small);
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("larger than the limit"), std::string::npos) << over.error().message;
}

TEST(XlsxZip, StoredAndDeflatedEntriesAndRefusals) {
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"a.txt", "hello"}, {"b/c.xml", std::string(10000, 'z')}, {"empty", ""}};
  for (bool deflate : {false, true}) {
    const std::string bytes = internal::WriteZip(entries, deflate);
    auto zip = internal::ZipReader::Open(bytes);
    ASSERT_TRUE(zip.ok()) << zip.error().message;
    for (const auto& [name, content] : entries) {
      size_t budget = 1 << 20;
      auto got = zip->Extract(name, budget);
      ASSERT_TRUE(got.ok()) << name << ": " << got.error().message;
      EXPECT_EQ(*got, content);
      EXPECT_EQ(budget, (1u << 20) - content.size());
    }
    EXPECT_TRUE(zip->Has("B/C.XML"));  // Office names parts case-insensitively
    size_t budget = 9999;
    auto over = zip->Extract("b/c.xml", budget);
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(budget, 9999u);
  }
  std::string bytes = internal::WriteZip(entries, false);
  std::string encrypted = bytes;
  const size_t central = encrypted.find("PK\x01\x02");
  encrypted[central + 8] = 1;  // general-purpose flag bit 0
  auto e = internal::ZipReader::Open(encrypted);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("encrypted"), std::string::npos);

  std::string zip64 = bytes;
  const size_t end = zip64.rfind("PK\x05\x06");
  zip64.replace(end + 16, 4, "\xff\xff\xff\xff");
  auto z = internal::ZipReader::Open(zip64);
  ASSERT_FALSE(z.ok());
  EXPECT_NE(z.error().message.find("zip64"), std::string::npos);

  for (const std::string& junk : {std::string(), std::string("PK"), std::string(100, '\0')}) {
    EXPECT_FALSE(internal::ZipReader::Open(junk).ok());
  }
}

}  // namespace
}  // namespace park::xlsx
