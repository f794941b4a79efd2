#include "park/carbon/csv_import.hpp"

#include <array>
#include <optional>

#include "csv.hpp"

namespace park::carbon {
namespace {

enum Column { kCode, kPeriod, kItem, kAmount, kUnit, kUse, kNote, kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "enterprise_code", "period", "item", "amount", "unit", "use", "note"};
constexpr bool kColumnRequired[kColumnCount] = {true, true, true, true, true, false, false};

std::string_view TrimHeader(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

ActivityImport ParseActivityCsv(std::string_view text) {
  ActivityImport result;
  CsvReader reader(text, /*skip_comments=*/false);
  CsvRecord record;
  std::string error;

  if (!reader.Next(record, error)) {
    result.errors.push_back({1, "",
                             "the file is empty; the first line must be the header " +
                                 std::string("enterprise_code,period,item,amount,unit,use,note")});
    return result;
  }
  if (!error.empty()) {
    result.errors.push_back({record.line, "", "header: " + error});
    return result;
  }
  // Where each template column sits in the file.
  std::array<int, kColumnCount> position;
  position.fill(-1);
  const int header_line = record.line;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const std::string_view name = TrimHeader(record.fields[i]);
    int found = -1;
    for (int c = 0; c < kColumnCount; ++c) {
      if (kColumnNames[c] == name) found = c;
    }
    if (found < 0) {
      result.errors.push_back({header_line, std::string(name.substr(0, 40)),
                               "unknown column; the template is enterprise_code,period,item,amount,unit,use,note"});
    } else if (position[found] >= 0) {
      result.errors.push_back({header_line, std::string(name), "column appears twice"});
    } else {
      position[found] = static_cast<int>(i);
    }
  }
  for (int c = 0; c < kColumnCount; ++c) {
    if (kColumnRequired[c] && position[c] < 0) {
      result.errors.push_back({header_line, std::string(kColumnNames[c]), "required column is missing"});
    }
  }
  if (!result.errors.empty()) return result;

  const size_t columns = record.fields.size();
  std::vector<FieldError> field_errors;
  while (reader.Next(record, error)) {
    if (!error.empty()) {
      result.errors.push_back({record.line, "", error});
      continue;
    }
    // Spreadsheet exports often end with rows of empty cells (",,,,,,"): they carry nothing, so skip them.
    bool blank = true;
    for (const std::string& f : record.fields) blank = blank && TrimHeader(f).empty();
    if (blank) continue;
    if (record.fields.size() != columns) {
      result.errors.push_back(
          {record.line, "",
           "has " + std::to_string(record.fields.size()) + " fields; the header has " + std::to_string(columns)});
      continue;
    }
    auto take = [&](Column c) -> std::string {
      return position[c] < 0 ? std::string() : std::move(record.fields[static_cast<size_t>(position[c])]);
    };
    ActivityInput input{take(kCode), take(kPeriod), take(kItem), take(kAmount), take(kUnit), take(kUse), take(kNote)};
    field_errors.clear();
    std::optional<ActivityRow> row = BuildActivityRow(input, field_errors);
    if (!row) {
      for (auto& fe : field_errors) result.errors.push_back({record.line, std::move(fe.field), std::move(fe.reason)});
      continue;
    }
    row->line = record.line;
    // Once a row is bad nothing will be stored; stop keeping rows but keep checking for more errors.
    if (result.errors.empty()) result.rows.push_back(std::move(*row));
  }
  if (!result.errors.empty()) {
    result.rows.clear();
  } else if (result.rows.empty()) {
    result.errors.push_back({header_line, "", "the file has a header but no data rows"});
  }
  return result;
}

Error SummariseRowErrors(const std::vector<RowError>& errors) {
  if (errors.empty()) return Error::Internal("no import errors to summarise");
  std::string message = std::to_string(errors.size()) + (errors.size() == 1 ? " problem" : " problems") +
                        " in the file; nothing was imported. ";
  const size_t shown = errors.size() < 5 ? errors.size() : 5;
  for (size_t i = 0; i < shown; ++i) {
    const RowError& e = errors[i];
    if (i > 0) message += "; ";
    message += "line " + std::to_string(e.line);
    if (!e.field.empty()) message += " " + e.field;
    message += ": " + e.reason;
  }
  if (shown < errors.size()) message += "; ...";
  return Error::Invalid(
      "line " + std::to_string(errors.front().line) + (errors.front().field.empty() ? "" : "." + errors.front().field),
      message);
}

}  // namespace park::carbon
