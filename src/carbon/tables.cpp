#include "carbon/service_impl.hpp"
#include "park/core/csv.hpp"
#include "park/xlsx/xlsx.hpp"

namespace park::carbon {

std::string TableToCsv(const Table& table, const std::vector<bool>& numeric_columns) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      // Numbers we formatted stay numbers; every other cell (names, codes, criteria, headers) is text that a user
      // may have typed, so it is neutralised against formulas.
      if (i < numeric_columns.size() && numeric_columns[i]) {
        AppendCsvNumber(out, row[i]);
      } else {
        AppendCsvText(out, row[i]);
      }
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
  // Our own CSV parser reads this, not a spreadsheet: cells are only quoted, never neutralised (that would change the
  // imported text). Line numbers in errors then match the spreadsheet's row numbers.
  std::string csv;
  for (const auto& row : sheet.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) csv += ',';
      AppendCsvField(csv, row[i]);
    }
    csv += "\r\n";
  }
  return csv;
}

}  // namespace park::carbon
