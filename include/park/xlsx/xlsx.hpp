// Reading and writing simple Office Open XML spreadsheets (.xlsx): one sheet of text cells in, a workbook of text
// cells out. Enough for importing activity data and exporting lists; no formulas, dates, merged cells or styles
// beyond a bold header. Thread-safe: the functions keep no state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"

namespace park::xlsx {

// One worksheet. Cells are text; rows[r][c] is the cell in row r + 1, column c + 1 (A = column 1).
struct Sheet {
  std::string name;
  std::vector<std::vector<std::string>> rows;
};

// Bounds on what Read accepts, so that hostile files (zip bombs, millions of styled cells) are refused as values
// instead of exhausting memory. Every bound is inclusive.
struct ReadLimits {
  // Sum of the ZIP entries read, and separately of the cell text returned. The default holds about a million cells
  // as Write stores them (inline strings, ~50 bytes of XML a cell); raise it together with max_rows.
  size_t max_uncompressed_bytes = 64 << 20;
  size_t max_rows = 200000;           // the last row holding a non-empty cell
  size_t max_columns = 200;           // the last column holding a non-empty cell
  size_t max_cells = 4000000;         // cells returned, counting the empty ones that fill gaps
  size_t max_cell_bytes = 32767 * 4;  // UTF-8 bytes of one cell (Excel allows 32767 UTF-16 units)
};

// The first worksheet of the workbook (in tab order), or the one named exactly `sheet`, with cells as text:
//   - shared and inline strings as written (rich-text runs concatenated, phonetic runs left out);
//   - numbers the way a spreadsheet shows them in the General format: integers without ".0", other numbers with up
//     to 15 significant digits ("0.30000000000000004" reads as "0.3", "1E-7" as "1E-07"); an integer of more than
//     15 digits (an identifier typed as a number) keeps every digit as written;
//   - booleans "TRUE"/"FALSE", errors as their code ("#DIV/0!"), formula results as their cached value;
//   - empty or missing cells as "", with column and row positions taken from the r="B3" references, so gaps stay
//     gaps. Trailing empty cells of a row and trailing empty rows are dropped.
// Date cells come back as their serial number (the number format is not interpreted).
// Errors are Error::Invalid("file", reason): not a ZIP, zip64, encrypted, an unsupported compression method, a
// corrupt or truncated entry, no worksheet (or none named `sheet`), malformed XML, or a limit exceeded.
Result<Sheet> Read(std::string_view bytes, const ReadLimits& limits = {}, std::string_view sheet = {});

// A workbook with these sheets, in this order (an empty list gives one empty sheet "Sheet1"). A cell whose whole
// text is a plain decimal number ("-12", "3.5", "1e-3") of at most 15 significant digits and no leading zero is
// written as a number; everything else, including "007" and 18-digit identifiers, as an inline string, so that a
// spreadsheet shows it unchanged. Empty cells are left out. The first row of each sheet is bold (a header).
// Cells outside Excel's grid (1048576 rows, 16384 columns) are not written; the caller keeps within it, and
// within Excel's 32767 characters a cell (longer text is written, but Excel truncates or repairs it).
// Sheet names are made valid for Excel: []:*?/\ and control characters become '_', as are apostrophes at either
// end; at most 31 UTF-16 units; "History" (reserved) gets a '_'; "Sheet<n>" when empty; unique regardless of ASCII
// case by adding " (2)", " (3)"... Invalid UTF-8 becomes U+FFFD; control characters are kept through Excel's _xHHHH_
// escape. Read(Write({s})) returns s's cells with numbers re-formatted as above.
std::string Write(const std::vector<Sheet>& sheets);

inline constexpr std::string_view kMimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace park::xlsx
