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
    result.errors.push_back({1, "", T("carbon.import.empty", {{"header", "enterprise_code,period,item,amount,unit,use,note"}})});
    return result;
  }
  if (!error.empty()) {
    result.errors.push_back({record.line, "", T("carbon.import.malformed", {{"detail", error}})});
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
                               T("carbon.import.unknown_column", {{"header", "enterprise_code,period,item,amount,unit,use,note"}})});
    } else if (position[found] >= 0) {
      result.errors.push_back({header_line, std::string(name), T("carbon.import.column_twice")});
    } else {
      position[found] = static_cast<int>(i);
    }
  }
  for (int c = 0; c < kColumnCount; ++c) {
    if (kColumnRequired[c] && position[c] < 0) {
      result.errors.push_back({header_line, std::string(kColumnNames[c]), T("carbon.import.column_missing")});
    }
  }
  if (!result.errors.empty()) return result;

  const size_t columns = record.fields.size();
  std::vector<FieldError> field_errors;
  while (reader.Next(record, error)) {
    if (!error.empty()) {
      result.errors.push_back({record.line, "", T("carbon.import.malformed", {{"detail", error}})});
      continue;
    }
    std::string content;  // the row as it was, for the report (bounded: it is shown, not stored)
    for (size_t i = 0; i < record.fields.size() && content.size() < 300; ++i) content += (i ? "," : "") + record.fields[i];
    if (content.size() > 300) content = content.substr(0, 300) + "…";
    // Spreadsheet exports often end with rows of empty cells (",,,,,,"): they carry nothing, so skip them.
    bool blank = true;
    for (const std::string& f : record.fields) blank = blank && TrimHeader(f).empty();
    if (blank) continue;
    if (record.fields.size() != columns) {
      result.errors.push_back({record.line, "",
                               T("carbon.import.field_count", {{"fields", record.fields.size()}, {"columns", columns}}),
                               content});
      continue;
    }
    auto take = [&](Column c) -> std::string {
      return position[c] < 0 ? std::string() : std::move(record.fields[static_cast<size_t>(position[c])]);
    };
    ActivityInput input{take(kCode), take(kPeriod), take(kItem), take(kAmount), take(kUnit), take(kUse), take(kNote)};
    field_errors.clear();
    std::optional<ActivityRow> row = BuildActivityRow(input, field_errors);
    if (!row) {
      for (auto& fe : field_errors) result.errors.push_back({record.line, std::move(fe.field), std::move(fe.text), content});
      continue;
    }
    row->line = record.line;
    // Once a row is bad nothing will be stored; stop keeping rows but keep checking for more errors.
    if (result.errors.empty()) result.rows.push_back(std::move(*row));
  }
  if (!result.errors.empty()) {
    result.rows.clear();
  } else if (result.rows.empty()) {
    result.errors.push_back({header_line, "", T("carbon.import.no_rows")});
  }
  return result;
}

Error SummariseRowErrors(const std::vector<RowError>& errors) {
  if (errors.empty()) return Error::Internal("no import errors to summarise");
  const RowError& first = errors.front();
  Error e = Error::Invalid("line " + std::to_string(first.line) + (first.field.empty() ? "" : "." + first.field),
                           T("carbon.import.rejected", {{"count", errors.size()}}));
  // The English message (for scripts and the log) names the first problems too; people get each row's text.
  const size_t shown = errors.size() < 5 ? errors.size() : 5;
  for (size_t i = 0; i < shown; ++i) {
    const RowError& r = errors[i];
    e.message += (i == 0 ? ": " : "; ") + std::string("line ") + std::to_string(r.line) +
                 (r.field.empty() ? "" : " " + r.field) + ": " + r.reason;
  }
  if (shown < errors.size()) e.message += "; ...";
  return e;
}

}  // namespace park::carbon
