// Calendar helpers: ISO 8601 instants and dates, all UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "park/core/result.hpp"

namespace park {

// "2024-03-01T08:00:00Z" (millisecond part printed only when non-zero).
std::string FormatInstantMs(int64_t epoch_ms);
// "2024-03-01": the UTC calendar day of an instant.
std::string FormatDateMs(int64_t epoch_ms);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)". `field` names the input in the error.
Result<int64_t> ParseInstantMs(std::string_view text, std::string_view field);

// A calendar date "YYYY-MM-DD", checked for a real day (leap years included).
bool IsValidDate(std::string_view text);
// Days since 1970-01-01 for a valid date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// "YYYY-MM" period check.
bool IsValidMonth(std::string_view text);

}  // namespace park
