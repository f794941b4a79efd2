// Read: ZIP package -> workbook -> relationships -> shared strings -> one worksheet's cells as text.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "park/xlsx/xlsx.hpp"
#include "xlsx/text.hpp"
#include "xlsx/xml.hpp"
#include "xlsx/zip.hpp"

namespace park::xlsx {
namespace {

using internal::XmlReader;
using Token = XmlReader::Token;

Error Bad(std::string reason) { return Error::Invalid("file", std::move(reason)); }

// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"
std::string RelsPathFor(std::string_view part) {
  const size_t slash = part.rfind('/');
  std::string out;
  if (slash != std::string_view::npos) out.append(part.substr(0, slash + 1));
  out.append("_rels/");
  out.append(slash == std::string_view::npos ? part : part.substr(slash + 1));
  out.append(".rels");
  return out;
}

// Resolves a relationship target against the folder of the part that holds the relationship ("xl/workbook.xml"),
// following "." and ".." segments; a target starting with '/' is relative to the package root.
std::string ResolveTarget(std::string_view source_part, std::string_view target) {
  std::vector<std::string_view> segments;
  std::string_view base;
  if (target.starts_with('/')) {
    target.remove_prefix(1);
  } else {
    const size_t slash = source_part.rfind('/');
    if (slash != std::string_view::npos) base = source_part.substr(0, slash);
  }
  auto push = [&segments](std::string_view path) {
    while (!path.empty()) {
      const size_t slash = path.find('/');
      const std::string_view seg = path.substr(0, slash);
      if (seg == "..") {
        if (!segments.empty()) segments.pop_back();
      } else if (!seg.empty() && seg != ".") {
        segments.push_back(seg);
      }
      if (slash == std::string_view::npos) break;
      path.remove_prefix(slash + 1);
    }
  };
  push(base);
  push(target);
  std::string out;
  for (std::string_view seg : segments) {
    if (!out.empty()) out.push_back('/');
    out.append(seg);
  }
  return out;
}

struct Relationship {
  std::string id, type, target;
};

Result<std::vector<Relationship>> ParseRels(std::string_view doc, std::string_view part) {
  std::vector<Relationship> rels;
  XmlReader xml(doc, part);
  for (;;) {
    PARK_ASSIGN_OR_RETURN(const Token t, xml.Next());
    if (t == Token::kEof) break;
    if (t != Token::kStart || xml.name() != "Relationship") continue;
    const std::string* mode = xml.Attr("TargetMode");
    if (mode != nullptr && *mode == "External") continue;
    const std::string *id = xml.Attr("Id"), *type = xml.Attr("Type"), *target = xml.Attr("Target");
    if (id == nullptr || type == nullptr || target == nullptr) continue;
    rels.push_back({*id, *type, *target});
  }
  return rels;
}

bool TypeIs(std::string_view type, std::string_view suffix) {
  return type.ends_with(suffix) && type.size() > suffix.size() && type[type.size() - suffix.size() - 1] == '/';
}

std::string CellName(size_t column, size_t row) {
  std::string name = internal::ColumnName(column);
  name.append(std::to_string(row));
  return name;
}

// Where a string sits, for error messages; the text is built only when an error needs it.
struct Place {
  size_t column = 0;  // or the index of a shared string when row is 0
  size_t row = 0;
  std::string Name() const {
    return row == 0 ? "shared string " + std::to_string(column) : "cell " + CellName(column, row);
  }
};

// Text of <t> elements under the current element up to its end, leaving out phonetic runs (<rPh>). Without
// xml:space="preserve", leading and trailing XML white space of each <t> is dropped, as Excel does.
// `limit` bounds the result's size; `where` names the string in the error.
Status ReadRichText(XmlReader& xml, std::string& out, size_t limit, const Place& where) {
  out.clear();
  int depth = 1, phonetic_depth = 0;
  bool in_t = false, preserve = false;
  std::string t;
  while (depth > 0) {
    PARK_ASSIGN_OR_RETURN(const Token tok, xml.Next());
    switch (tok) {
      case Token::kEof: return Bad(where.Name() + ": unexpected end of document");
      case Token::kStart:
        ++depth;
        if (xml.name() == "rPh" && phonetic_depth == 0) phonetic_depth = depth;
        if (xml.name() == "t" && phonetic_depth == 0) {
          in_t = true;
          const std::string* space = xml.Attr("space");
          preserve = space != nullptr && *space == "preserve";
          t.clear();
        }
        break;
      case Token::kEnd:
        if (in_t && xml.name() == "t") {
          in_t = false;
          out.append(preserve ? std::string_view(t) : internal::TrimXmlSpace(t));
        }
        if (depth == phonetic_depth) phonetic_depth = 0;
        --depth;
        break;
      case Token::kText:
        if (in_t) t.append(xml.text());
        break;
    }
    if (out.size() + t.size() > limit) {
      return Bad(where.Name() + " is longer than " + std::to_string(limit) + " bytes");
    }
  }
  internal::DecodeExcelEscapes(out);
  return Status::Ok();
}

// Shared strings, stored back to back in one buffer to keep the cost per string small.
struct SharedStrings {
  std::string text;
  std::vector<std::pair<size_t, size_t>> spans;  // (offset, length) into text
  std::string_view Get(size_t i) const { return std::string_view(text).substr(spans[i].first, spans[i].second); }
};

Result<SharedStrings> ParseSharedStrings(std::string_view doc, const ReadLimits& limits) {
  SharedStrings sst;
  XmlReader xml(doc, "xl/sharedStrings.xml");
  std::string s;
  for (;;) {
    PARK_ASSIGN_OR_RETURN(const Token t, xml.Next());
    if (t == Token::kEof) break;
    if (t != Token::kStart || xml.name() != "si") continue;
    PARK_TRY(ReadRichText(xml, s, limits.max_cell_bytes, Place{sst.spans.size(), 0}));
    sst.spans.emplace_back(sst.text.size(), s.size());
    sst.text.append(s);
  }
  return sst;
}

// "BC12" -> column 55, row 12 (1-based); either may be absent (0) when the reference has no letters or digits.
// Returns false when the reference is malformed or out of Excel's range.
bool ParseCellRef(std::string_view ref, size_t& column, size_t& row) {
  size_t i = 0;
  column = 0;
  row = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
    const char c = ref[i] >= 'a' ? static_cast<char>(ref[i] - 'a' + 'A') : ref[i];
    column = column * 26 + static_cast<size_t>(c - 'A' + 1);
    if (++i > 3) return false;
  }
  const size_t digits = i;
  while (i < ref.size() && ref[i] >= '0' && ref[i] <= '9') {
    row = row * 10 + static_cast<size_t>(ref[i] - '0');
    if (++i - digits > 7) return false;
  }
  return i == ref.size() && (column > 0 || row > 0);
}

std::optional<size_t> ParseIndex(std::string_view s) {
  size_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

class SheetBuilder {
 public:
  explicit SheetBuilder(const ReadLimits& limits) : limits_(limits) {}

  // Places a cell (1-based position). Empty cells are not materialised, so styled blanks cost nothing.
  Status Put(size_t column, size_t row, std::string text) {
    if (text.empty()) return Status::Ok();
    if (row > limits_.max_rows) {
      return Bad("too many rows: cell " + CellName(column, row) + " is beyond the limit of " +
                 std::to_string(limits_.max_rows) + " rows");
    }
    if (column > limits_.max_columns) {
      return Bad("too many columns: cell " + CellName(column, row) + " is beyond the limit of " +
                 std::to_string(limits_.max_columns) + " columns");
    }
    text_bytes_ += text.size();
    if (text_bytes_ > limits_.max_uncompressed_bytes) {
      return Bad("the sheet's text is larger than the limit of " + std::to_string(limits_.max_uncompressed_bytes) +
                 " bytes");
    }
    if (rows_.size() < row) rows_.resize(row);
    auto& cells = rows_[row - 1];
    if (cells.size() < column) {
      cells_ += column - cells.size();
      if (cells_ > limits_.max_cells) {
        return Bad("too many cells: more than the limit of " + std::to_string(limits_.max_cells));
      }
      cells.resize(column);
    }
    cells[column - 1] = std::move(text);
    return Status::Ok();
  }

  std::vector<std::vector<std::string>> Take() { return std::move(rows_); }

 private:
  const ReadLimits& limits_;
  std::vector<std::vector<std::string>> rows_;
  size_t cells_ = 0;
  size_t text_bytes_ = 0;
};

Result<std::vector<std::vector<std::string>>> ParseWorksheet(std::string_view doc, std::string_view part,
                                                             const SharedStrings& sst, const ReadLimits& limits) {
  XmlReader xml(doc, part);
  SheetBuilder sheet(limits);
  size_t row = 0, column = 0;
  bool in_sheet_data = false;
  for (;;) {
    PARK_ASSIGN_OR_RETURN(const Token t, xml.Next());
    if (t == Token::kEof) break;
    if (t == Token::kEnd && xml.name() == "sheetData") in_sheet_data = false;
    if (t != Token::kStart) continue;
    if (xml.name() == "sheetData") {
      in_sheet_data = true;
      continue;
    }
    if (!in_sheet_data) continue;
    if (xml.name() == "row") {
      const std::string* r = xml.Attr("r");
      std::optional<size_t> n = r != nullptr ? ParseIndex(*r) : std::optional<size_t>(row + 1);
      if (!n || *n == 0 || *n > 1048576) return Bad(std::string(part) + ": invalid row number");
      row = *n;
      column = 0;
      continue;
    }
    if (xml.name() != "c") continue;
    if (row == 0) row = 1;  // a cell outside <row>: tolerate
    const std::string* r = xml.Attr("r");
    if (r != nullptr) {
      size_t c = 0, rr = 0;
      if (!ParseCellRef(*r, c, rr) || c > 16384 || rr > 1048576) {
        return Bad(std::string(part) + ": invalid cell reference \"" + r->substr(0, 16) + "\"");
      }
      column = c > 0 ? c : column + 1;
      if (rr > 0) row = rr;
    } else {
      ++column;
    }
    const std::string* type_attr = xml.Attr("t");
    const std::string type = type_attr != nullptr ? *type_attr : "n";
    const Place where{column, row};

    // Children: <v> (value), <is> (inline string), <f> (formula, ignored).
    std::string value, inline_text;
    bool has_inline = false, in_v = false;
    int depth = 1;
    while (depth > 0) {
      PARK_ASSIGN_OR_RETURN(const Token ct, xml.Next());
      if (ct == Token::kEof) return Bad(std::string(part) + ": unexpected end of document in " + where.Name());
      if (ct == Token::kStart) {
        if (depth == 1 && xml.name() == "is") {
          PARK_TRY(ReadRichText(xml, inline_text, limits.max_cell_bytes, where));
          has_inline = true;
          continue;  // ReadRichText consumed the </is>
        }
        ++depth;
        in_v = depth == 2 && xml.name() == "v";
      } else if (ct == Token::kEnd) {
        --depth;
        in_v = false;
      } else if (in_v) {
        value.append(xml.text());
        if (value.size() > limits.max_cell_bytes) {
          return Bad(where.Name() + " is longer than " + std::to_string(limits.max_cell_bytes) + " bytes");
        }
      }
    }

    std::string text;
    if (type == "s") {
      const std::optional<size_t> i = ParseIndex(internal::TrimXmlSpace(value));
      if (!value.empty()) {
        if (!i || *i >= sst.spans.size()) return Bad(where.Name() + " refers to a shared string that does not exist");
        text.assign(sst.Get(*i));
      }
    } else if (type == "inlineStr") {
      text = has_inline ? std::move(inline_text) : std::move(value);
    } else if (type == "b") {
      const std::string_view v = internal::TrimXmlSpace(value);
      text = v.empty() ? "" : (v == "0" || v == "false") ? "FALSE" : "TRUE";
    } else if (type == "n") {
      text = internal::FormatNumber(internal::TrimXmlSpace(value));
    } else {  // "str" (formula text), "e" (error code), "d" (ISO 8601 date): as written
      text = std::move(value);
      if (type == "str") internal::DecodeExcelEscapes(text);
    }
    PARK_TRY(sheet.Put(column, row, std::move(text)));
  }
  return sheet.Take();
}

void TrimTrailingEmpties(std::vector<std::vector<std::string>>& rows) {
  for (auto& cells : rows) {
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
  }
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
}

}  // namespace

Result<Sheet> Read(std::string_view bytes, const ReadLimits& limits, std::string_view sheet_name) {
  PARK_ASSIGN_OR_RETURN(const internal::ZipReader zip, internal::ZipReader::Open(bytes));
  size_t budget = limits.max_uncompressed_bytes;

  // The workbook part: from the package relationships, or at its usual place.
  std::string workbook_part = "xl/workbook.xml";
  if (zip.Has("_rels/.rels")) {
    PARK_ASSIGN_OR_RETURN(const std::string doc, zip.Extract("_rels/.rels", budget));
    PARK_ASSIGN_OR_RETURN(const auto rels, ParseRels(doc, "_rels/.rels"));
    for (const Relationship& rel : rels) {
      if (TypeIs(rel.type, "officeDocument")) {
        workbook_part = ResolveTarget("", rel.target);
        break;
      }
    }
  }
  if (!zip.Has(workbook_part)) return Bad("the file is not an XLSX workbook (no " + workbook_part + ")");

  // Sheets in tab order: (name, relationship id).
  std::vector<std::pair<std::string, std::string>> sheets;
  {
    PARK_ASSIGN_OR_RETURN(const std::string doc, zip.Extract(workbook_part, budget));
    XmlReader xml(doc, workbook_part);
    for (;;) {
      PARK_ASSIGN_OR_RETURN(const Token t, xml.Next());
      if (t == Token::kEof) break;
      if (t != Token::kStart || xml.name() != "sheet") continue;
      const std::string *name = xml.Attr("name"), *id = xml.Attr("id");
      if (name != nullptr && id != nullptr) sheets.emplace_back(*name, *id);
    }
  }

  std::vector<Relationship> rels;
  const std::string rels_part = RelsPathFor(workbook_part);
  if (zip.Has(rels_part)) {
    PARK_ASSIGN_OR_RETURN(const std::string doc, zip.Extract(rels_part, budget));
    PARK_ASSIGN_OR_RETURN(rels, ParseRels(doc, rels_part));
  }
  auto find_rel = [&rels](std::string_view id) -> const Relationship* {
    for (const Relationship& rel : rels) {
      if (rel.id == id) return &rel;
    }
    return nullptr;
  };

  // The chosen worksheet (chartsheets and dialog sheets are skipped).
  std::string chosen_name, chosen_part;
  for (const auto& [name, id] : sheets) {
    const Relationship* rel = find_rel(id);
    if (rel == nullptr || !TypeIs(rel->type, "worksheet")) continue;
    if (!sheet_name.empty() && name != sheet_name) continue;
    chosen_name = name;
    chosen_part = ResolveTarget(workbook_part, rel->target);
    break;
  }
  if (chosen_part.empty()) {
    if (!sheet_name.empty()) return Bad("the workbook has no worksheet named \"" + std::string(sheet_name) + "\"");
    return Bad("the workbook has no worksheet");
  }
  if (!zip.Has(chosen_part)) return Bad("worksheet \"" + chosen_name + "\" is missing from the package");

  SharedStrings sst;
  for (const Relationship& rel : rels) {
    if (!TypeIs(rel.type, "sharedStrings")) continue;
    const std::string part = ResolveTarget(workbook_part, rel.target);
    if (!zip.Has(part)) break;
    PARK_ASSIGN_OR_RETURN(const std::string doc, zip.Extract(part, budget));
    PARK_ASSIGN_OR_RETURN(sst, ParseSharedStrings(doc, limits));
    break;
  }

  PARK_ASSIGN_OR_RETURN(const std::string doc, zip.Extract(chosen_part, budget));
  PARK_ASSIGN_OR_RETURN(auto rows, ParseWorksheet(doc, chosen_part, sst, limits));
  TrimTrailingEmpties(rows);
  return Sheet{std::move(chosen_name), std::move(rows)};
}

}  // namespace park::xlsx
