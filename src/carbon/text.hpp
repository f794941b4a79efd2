// Private to the carbon module: how numbers and quoted input appear in explanations, reasons and errors.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace park::carbon {

// printf's %.<digits>g: what every reason, criterion and explanation shows.
inline std::string FormatNumber(double v, int significant_digits = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant_digits, v);
  return buf;
}

// "text" in quotes. Built by appending: GCC 12 at -O3 raises a false -Wrestrict on "\"" + std::string&&.
inline std::string Quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out.append(text);
  out += '"';
  return out;
}

}  // namespace park::carbon
