#include "carbon/service_impl.hpp"
#include "park/xlsx/xlsx.hpp"

namespace park::carbon {
namespace {

void AppendCsvCell(std::string& out, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string TableToCsv(const Table& table) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      AppendCsvCell(out, row[i]);
    }
    out += "\r\n";
  }
  return out;
}

Result<std::string> XlsxToCsv(std::string_view bytes) {
  PARK_ASSIGN_OR_RETURN(xlsx::Sheet sheet, xlsx::Read(bytes));
  // Spreadsheets do not store trailing empty cells (an empty note or use): pad each row to the header's width.
  const size_t width = sheet.rows.empty() ? 0 : sheet.rows.front().size();
  for (auto& row : sheet.rows) {
    if (!row.empty() && row.size() < width) row.resize(width);
  }
  // Line numbers in errors then match the spreadsheet's row numbers.
  return TableToCsv(sheet.rows).substr(3);
}

}  // namespace park::carbon
