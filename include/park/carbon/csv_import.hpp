// Import of monthly activity data from the CSV template
//   enterprise_code,period,item,amount,unit,use,note
// The header is required (columns in any order; use and note may be left out). An import is all-or-nothing: the
// parser returns either every row, or every bad row with its line and reason, and the caller stores the rows in one
// transaction only when there is no error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "park/carbon/activity.hpp"
#include "park/core/error.hpp"

namespace park::carbon {

// One problem in one row of a CSV file. `line` is the physical line where the record starts (the header is line 1).
struct RowError {
  RowError() = default;
  // For operators' files (the factor library): English only.
  RowError(int l, std::string f, std::string r) : line(l), field(std::move(f)), reason(std::move(r)) {}
  // For people's imports: the reason as a text code; `reason` is its English rendering.
  RowError(int l, std::string f, Text t, std::string c = {})
      : line(l), field(std::move(f)), reason(RenderText(t, Locale::kEn)), text(std::move(t)), content(std::move(c)) {}

  int line = 0;
  std::string field;   // column name, or empty when the row as a whole is malformed
  std::string reason;  // English
  Text text;           // the reason as a code with parameters (empty for operators' files)
  std::string content;  // the row as it was in the file (cells joined by commas), so people can find it
};

struct ActivityImport {
  std::vector<ActivityRow> rows;  // empty whenever errors is not
  std::vector<RowError> errors;   // every problem found, in line order
  bool ok() const { return errors.empty(); }
};

// Parses the whole text. A UTF-8 byte-order mark, CRLF line ends and quoted fields are accepted; blank lines are
// skipped. Each returned row has `line` set and `id` 0.
ActivityImport ParseActivityCsv(std::string_view text);

// One error for the whole import, for callers that answer with a single error shape: the count and the first rows.
Error SummariseRowErrors(const std::vector<RowError>& errors);

}  // namespace park::carbon
