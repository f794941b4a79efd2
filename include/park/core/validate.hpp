// Validation of identifiers that people type in.
#pragma once

#include <string>
#include <string_view>

#include "park/core/text.hpp"

namespace park {

// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from the 31-character set
// 0-9 A-H J-N P-R T-U W-Y; the 18th is a check character over the first 17 (weights 3^(i-1) mod 31).
// Returns an empty Text when valid, else the reason (codes credit_code.*).
Text CheckCreditCode(std::string_view code);
// The check character GB 32100-2015 assigns to the first 17 characters (which must be from the set).
char CreditCodeCheckChar(std::string_view first17);

// Organisation code check character (GB 11714-1997) for 8 body characters: '0'-'9' or 'X'.
char OrgCodeCheckChar(std::string_view body8);

}  // namespace park
