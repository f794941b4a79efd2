#include "park/maintenance/statutory.hpp"

#include <algorithm>
#include <cctype>

namespace park::maintenance {
namespace {

constexpr std::string_view kHeader = "equipment_kind,inspection,interval,condition,source,status";

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> Split(std::string_view line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    out.push_back(Trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// "3-6 years" → 36 months (the shorter bound), "6 months" → 6, "at most 3 years in total" → 36.
std::optional<int64_t> IntervalMonths(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size()) return std::nullopt;
  int64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) n = n * 10 + (text[i++] - '0');
  if (i < text.size() && text[i] == '-') {  // a range: skip its upper bound
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string_view unit = text.substr(i);
  if (unit.rfind("year", 0) == 0) return n * 12;
  if (unit.rfind("month", 0) == 0) return n;
  return std::nullopt;
}

std::vector<int> Grades(std::string_view condition) {
  std::vector<int> out;
  const size_t at = condition.find("grade");
  if (at == std::string_view::npos) return out;
  for (size_t i = at; i < condition.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(condition[i]))) out.push_back(condition[i] - '0');
  }
  return out;
}

}  // namespace

std::string_view StatutoryStatusName(StatutoryStatus status) {
  switch (status) {
    case StatutoryStatus::kOk: return "ok";
    case StatutoryStatus::kDueSoon: return "due_soon";
    case StatutoryStatus::kOverdue: return "overdue";
    case StatutoryStatus::kOutOfUse: return "out_of_use";
  }
  return "ok";
}

Result<std::vector<StatutoryRule>> ParseStatutoryRules(std::string_view csv) {
  std::vector<StatutoryRule> rules;
  bool header_seen = false;
  int64_t line_no = 0;
  size_t pos = 0;
  while (pos <= csv.size()) {
    const size_t nl = csv.find('\n', pos);
    std::string line = Trim(csv.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? csv.size() + 1 : nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::string field = "line " + std::to_string(line_no);
    if (!header_seen) {
      if (line != kHeader) return Error::Invalid(field, "the header must be " + std::string(kHeader));
      header_seen = true;
      continue;
    }
    if (line.find('"') != std::string::npos) return Error::Invalid(field, "quoted fields are not supported");
    const auto cells = Split(line);
    if (cells.size() != 6) return Error::Invalid(field, "expected 6 fields, got " + std::to_string(cells.size()));
    StatutoryRule r;
    r.equipment_kind = cells[0];
    r.inspection = cells[1];
    r.interval_text = cells[2];
    r.condition = cells[3];
    r.source = cells[4];
    r.status = cells[5];
    if (r.equipment_kind.empty()) return Error::Invalid(field, "equipment_kind is empty");
    if (r.status != "ok" && r.status != "check") return Error::Invalid(field, "status must be ok or check");
    r.out_of_use = r.interval_text == "-";
    r.months = IntervalMonths(r.interval_text);
    if (!r.out_of_use && !r.months) return Error::Invalid(field, "interval must say years or months, or be -");
    r.grades = Grades(r.condition);
    r.first_after_service = r.interval_text.find("after entering service") != std::string::npos;
    rules.push_back(std::move(r));
  }
  if (!header_seen) return Error::Invalid("line 1", "the file has no header");
  return rules;
}

std::vector<StatutoryDue> ComputeStatutoryDue(const std::vector<StatutoryRule>& rules,
                                              const RegulatedEquipment& eq, const LocalDate& today,
                                              int64_t lead_days) {
  std::vector<const StatutoryRule*> of_kind;
  for (const auto& r : rules) {
    if (r.equipment_kind == eq.kind) of_kind.push_back(&r);
  }
  std::vector<StatutoryDue> out;
  for (const StatutoryRule* r : of_kind) {
    if (!r->grades.empty()) {
      // A graded rule follows an inspection report's grade.
      if (!eq.last_inspection || !eq.grade) continue;
      if (std::find(r->grades.begin(), r->grades.end(), *eq.grade) == r->grades.end()) continue;
    }
    if (r->first_after_service && eq.last_inspection) continue;
    StatutoryDue d;
    d.inspection = r->inspection;
    d.source = r->source;
    d.source_status = r->status;
    if (r->out_of_use) {
      d.status = StatutoryStatus::kOutOfUse;
      d.derivation = T("maintenance.statutory.out_of_use",
                       {{"grade", eq.grade ? std::to_string(*eq.grade) : std::string("-")}, {"source", r->source}});
      out.push_back(std::move(d));
      continue;
    }
    const bool takes_recorded = !r->grades.empty() || of_kind.size() == 1;
    if (takes_recorded && eq.next_due_recorded && eq.last_inspection) {
      d.due = *eq.next_due_recorded;
      d.derivation = T("maintenance.statutory.recorded",
                       {{"last", FormatLocalDate(*eq.last_inspection)}, {"due", FormatLocalDate(*d.due)}});
    } else {
      const LocalDate base = eq.last_inspection && !r->first_after_service ? *eq.last_inspection : eq.entered_service;
      d.due = AddIntervals(base, CalendarUnit::kMonth, *r->months, 1);
      d.derivation = T(eq.last_inspection && !r->first_after_service ? "maintenance.statutory.from_last"
                                                                      : "maintenance.statutory.from_service",
                       {{"base", FormatLocalDate(base)},
                        {"interval", r->interval_text},
                        {"months", std::to_string(*r->months)},
                        {"due", FormatLocalDate(*d.due)},
                        {"source", r->source}});
    }
    d.days_left = DaysBetween(today, *d.due);
    d.status = d.days_left < 0            ? StatutoryStatus::kOverdue
               : d.days_left <= lead_days ? StatutoryStatus::kDueSoon
                                          : StatutoryStatus::kOk;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace park::maintenance
