// Write: sheets of text cells -> a minimal SpreadsheetML package (ECMA-376 Part 1, transitional) that Excel,
// LibreOffice and WPS open without repair: content types, package and workbook relationships, workbook, one style
// sheet (a bold font for the header row) and one worksheet part per sheet with inline strings.
#include <algorithm>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "park/xlsx/xlsx.hpp"
#include "xlsx/text.hpp"
#include "xlsx/zip.hpp"

namespace park::xlsx {
namespace {

constexpr std::string_view kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr size_t kMaxSheetNameUnits = 31;  // Excel's limit, in UTF-16 code units
constexpr size_t kMaxRows = 1048576;       // Excel's grid; cells beyond it are not written
constexpr size_t kMaxColumns = 16384;      // XFD

// Style sheet: cellXfs index 0 is the default, 1 the bold header. Two fills are required by Excel (none, gray125).
constexpr std::string_view kStyles =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<fonts count=\"2\">"
    "<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "</fonts>"
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    "</styleSheet>";

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// At most `units` UTF-16 code units of valid UTF-8 `s` (a 4-byte sequence counts two), cut at a character boundary.
std::string TruncateUtf16Units(std::string_view s, size_t units) {
  size_t used = 0, i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    const size_t cost = len == 4 ? 2 : 1;
    if (used + cost > units || i + len > s.size()) break;
    used += cost;
    i += len;
  }
  return std::string(s.substr(0, i));
}

// A name Excel accepts: no []:*?/\ or control characters, no apostrophe at either end, not "History", 1..31 units,
// unique among `taken` (lower-cased ASCII).
std::string SheetName(std::string_view wanted, size_t index, std::vector<std::string>& taken) {
  std::string name = internal::RepairUtf8(wanted);
  for (char& c : name) {
    const bool bad = c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\' ||
                     (static_cast<unsigned char>(c) < 0x20);
    if (bad) c = '_';
  }
  name = TruncateUtf16Units(name, kMaxSheetNameUnits);
  if (!name.empty() && name.front() == '\'') name.front() = '_';
  if (!name.empty() && name.back() == '\'') name.back() = '_';
  if (AsciiLower(name) == "history") name.push_back('_');
  if (name.empty()) name = "Sheet" + std::to_string(index + 1);
  std::string unique = name;
  for (int n = 2; std::find(taken.begin(), taken.end(), AsciiLower(unique)) != taken.end(); ++n) {
    const std::string suffix = " (" + std::to_string(n) + ")";
    unique = TruncateUtf16Units(name, kMaxSheetNameUnits - suffix.size());
    unique.append(suffix);
  }
  taken.push_back(AsciiLower(unique));
  return unique;
}

// xml:space="preserve" wherever white space could be taken as layout: at either end, tabs, line breaks, runs.
bool NeedsPreserve(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (s.empty()) return false;
  if (space(s.front()) || space(s.back())) return true;
  return s.find_first_of("\t\n\r") != std::string_view::npos || s.find("  ") != std::string_view::npos;
}

std::string WorksheetXml(const Sheet& sheet) {
  std::string x(kXmlDecl);
  x.append("<worksheet xmlns=\"").append(kMainNs).append("\"><sheetData>");
  for (size_t r = 0; r < std::min(sheet.rows.size(), kMaxRows); ++r) {
    const auto& row = sheet.rows[r];
    const std::span<const std::string> cells(row.data(), std::min(row.size(), kMaxColumns));
    bool any = false;
    for (const std::string& cell : cells) any = any || !cell.empty();
    if (!any) continue;
    const std::string row_number = std::to_string(r + 1);
    x.append("<row r=\"").append(row_number).append("\">");
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string& text = cells[c];
      if (text.empty()) continue;
      x.append("<c r=\"").append(internal::ColumnName(c + 1)).append(row_number).append("\"");
      if (r == 0) x.append(" s=\"1\"");
      if (internal::IsNumberText(text)) {
        x.append("><v>").append(text).append("</v></c>");
      } else {
        x.append(" t=\"inlineStr\"><is><t");
        if (NeedsPreserve(text)) x.append(" xml:space=\"preserve\"");
        x.push_back('>');
        internal::AppendXmlText(x, text);
        x.append("</t></is></c>");
      }
    }
    x.append("</row>");
  }
  x.append("</sheetData></worksheet>");
  return x;
}

}  // namespace

std::string Write(const std::vector<Sheet>& sheets_in) {
  const std::vector<Sheet> empty_book{Sheet{"Sheet1", {}}};
  const std::vector<Sheet>& sheets = sheets_in.empty() ? empty_book : sheets_in;

  std::string types(kXmlDecl);
  types.append(
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/styles.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>");
  std::string workbook(kXmlDecl);
  workbook.append("<workbook xmlns=\"").append(kMainNs).append("\" xmlns:r=\"").append(kRelNs).append("\"><sheets>");
  std::string rels(kXmlDecl);
  rels.append("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");

  std::vector<std::pair<std::string, std::string>> parts;
  std::vector<std::string> taken;
  for (size_t i = 0; i < sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    const std::string part = "xl/worksheets/sheet" + n + ".xml";
    types.append("<Override PartName=\"/")
        .append(part)
        .append("\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
    workbook.append("<sheet name=\"");
    internal::AppendXmlText(workbook, SheetName(sheets[i].name, i, taken), /*attribute=*/true);
    workbook.append("\" sheetId=\"").append(n).append("\" r:id=\"rId").append(n).append("\"/>");
    rels.append("<Relationship Id=\"rId")
        .append(n)
        .append("\" Type=\"")
        .append(kRelNs)
        .append("/worksheet\" Target=\"worksheets/sheet")
        .append(n)
        .append(".xml\"/>");
    parts.emplace_back(part, WorksheetXml(sheets[i]));
  }
  types.append("</Types>");
  workbook.append("</sheets></workbook>");
  rels.append("<Relationship Id=\"rId").append(std::to_string(sheets.size() + 1)).append("\" Type=\"");
  rels.append(kRelNs).append("/styles\" Target=\"styles.xml\"/></Relationships>");

  std::string package_rels(kXmlDecl);
  package_rels.append(
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
      "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  std::string styles(kXmlDecl);
  styles.append(kStyles);

  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(parts.size() + 5);
  entries.emplace_back("[Content_Types].xml", std::move(types));
  entries.emplace_back("_rels/.rels", std::move(package_rels));
  entries.emplace_back("xl/workbook.xml", std::move(workbook));
  entries.emplace_back("xl/_rels/workbook.xml.rels", std::move(rels));
  entries.emplace_back("xl/styles.xml", std::move(styles));
  for (auto& part : parts) entries.push_back(std::move(part));
  return internal::WriteZip(entries);
}

}  // namespace park::xlsx
