// Regulated (special) equipment: pressure vessels, safety valves, pressure gauges and the rest, with the statutory
// inspection intervals of data/maintenance/statutory_inspections.csv (compiled in; each rule names its source and
// whether it is still to be checked against the code text). Pure: what is due when, and how that was derived.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"
#include "park/maintenance/plan.hpp"

namespace park::maintenance {

struct StatutoryRule {
  std::string equipment_kind;   // "pressure_vessel"
  std::string inspection;       // "periodic inspection"
  std::string interval_text;    // as the file says it: "3-6 years", "6 months", "-"
  std::string condition;        // "safety status grade 1 or 2", or empty
  std::string source;           // "TSG 21-2016 8.1.6"
  std::string status;           // "ok" or "check"
  std::optional<int64_t> months;  // the interval in months (the shorter bound of a range); none for "-"
  std::vector<int> grades;        // the safety status grades it applies to; empty: any
  bool first_after_service = false;  // counted from entering service, before any inspection
  bool out_of_use = false;           // "-": the equipment may not be used
};

// The shipped file.
std::string_view DefaultStatutoryCsv();
// Parses the file (comment lines start with '#'); errors name the line.
Result<std::vector<StatutoryRule>> ParseStatutoryRules(std::string_view csv);

struct RegulatedEquipment {
  std::string kind;                      // equipment_kind of the file
  std::optional<int> grade;              // safety status grade 1 … 5 from the last inspection report
  LocalDate entered_service;
  std::optional<LocalDate> last_inspection;
  std::optional<LocalDate> next_due_recorded;  // the next date the inspection report states, when it states one
};

enum class StatutoryStatus { kOk, kDueSoon, kOverdue, kOutOfUse };
std::string_view StatutoryStatusName(StatutoryStatus status);  // "ok", "due_soon", "overdue", "out_of_use"

struct StatutoryDue {
  std::string inspection;
  StatutoryStatus status = StatutoryStatus::kOk;
  std::optional<LocalDate> due;
  int64_t days_left = 0;        // due − today (negative: overdue)
  std::string source;
  std::string source_status;    // the rule's "ok"/"check"
  Text derivation;              // maintenance.statutory.*
};

// Every obligation of the equipment that applies (its kind; its grade; the first inspection only before any
// inspection, the periodic ones only after), each with its due date: the report's recorded date when there is one
// for the periodic inspection, else the last inspection (or entering service) plus the rule's interval. Due soon
// when within `lead_days`. A kind with no rule gives no obligations.
std::vector<StatutoryDue> ComputeStatutoryDue(const std::vector<StatutoryRule>& rules,
                                              const RegulatedEquipment& equipment, const LocalDate& today,
                                              int64_t lead_days);

}  // namespace park::maintenance
