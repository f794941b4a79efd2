// Monthly reports: the park's month (for park staff) and an enterprise's month (for the enterprise and the park):
// energy, emissions, pollutants, alarms and ratings, gathered from the modules that own each figure. This header is
// the pure part: the spreadsheet of a report, made from the report as the JSON API answers it, so that the XLSX
// and the JSON can never disagree. Texts are said in the reader's language from the catalogues; text the park
// typed (names of enterprises, rules) never starts a cell with = + - @ (NeutraliseFormula).
#pragma once

#include <string>
#include <vector>

#include "park/core/json.hpp"
#include "park/core/text.hpp"
#include "park/xlsx/xlsx.hpp"

namespace park::report {

// The metrics of the carbon inventory the monthly report shows (names as the carbon API spells them).
const std::vector<std::string>& EmissionMetrics();   // total_t_co2, scope1_t_co2, scope2_location_t_co2, ...
const std::vector<std::string>& PollutantMetrics();  // cod_t, nh3n_t, ..., vocs_t

// The workbook of a monthly report (GET /api/v1/reports/monthly): a summary sheet, then energy, emissions and
// pollutants, alarms, ratings and, for the park, its enterprises. Numbers stay numbers; missing ones are empty.
std::vector<xlsx::Sheet> MonthlySheets(const Json& report, Locale lang);

// A report's file name: "park-report-2025-03.xlsx" or "enterprise-<id>-report-2025-03.xlsx" (ASCII only).
std::string FileName(const Json& report);

}  // namespace park::report
