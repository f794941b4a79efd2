#include "xlsx/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "xlsx/xml.hpp"

namespace park::xlsx::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of an "_xHHHH_" escape at text[i], or -1.
int EscapeAt(std::string_view text, size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') return -1;
  int v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int h = HexValue(text[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when invalid. Sets `cp`.
size_t DecodeUtf8(std::string_view text, size_t i, char32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  size_t len;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return len;
}

// Plain decimal: -?digits(.digits)?([eE][+-]?digits)? ; counts mantissa digits after leading zeros.
bool IsPlainDecimal(std::string_view s, size_t& significant, bool& leading_zero, bool& integer) {
  size_t i = 0;
  significant = 0;
  leading_zero = false;
  integer = true;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  bool seen_nonzero = false;
  while (i < s.size() && IsDigit(s[i])) {
    if (s[i] != '0') seen_nonzero = true;
    if (seen_nonzero) ++significant;
    ++i;
  }
  if (i == int_start) return false;
  leading_zero = s[int_start] == '0' && i - int_start > 1;
  if (i < s.size() && s[i] == '.') {
    integer = false;
    const size_t frac_start = ++i;
    while (i < s.size() && IsDigit(s[i])) {
      if (s[i] != '0') seen_nonzero = true;
      if (seen_nonzero) ++significant;
      ++i;
    }
    if (i == frac_start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    integer = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

bool ParseFiniteDouble(std::string_view s, double& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

std::string FormatNumber(std::string_view raw) {
  size_t significant;
  bool leading_zero, integer;
  // Integers beyond double precision (long identifiers typed as numbers) keep every digit as written.
  if (IsPlainDecimal(raw, significant, leading_zero, integer) && integer && significant > 15) return std::string(raw);
  double v;
  if (raw.starts_with('+') || !ParseFiniteDouble(raw, v)) return std::string(raw);
  if (v == 0) return "0";
  char buf[64];
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.15g", v);
  }
  std::string out(buf);
  for (char& c : out) {
    if (c == 'e') c = 'E';
  }
  return out;
}

bool IsNumberText(std::string_view text) {
  size_t significant;
  bool leading_zero, integer;
  if (!IsPlainDecimal(text, significant, leading_zero, integer)) return false;
  if (leading_zero || significant > 15) return false;
  double v;
  return ParseFiniteDouble(text, v);
}

void DecodeExcelEscapes(std::string& text) {
  if (text.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const int unit = EscapeAt(text, i);
    if (unit < 0 || unit == 0) {
      out.push_back(text[i++]);
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const int low = EscapeAt(text, i + 7);
      if (low >= 0xdc00 && low <= 0xdfff) {
        AppendUtf8(out,
                   0x10000 + ((static_cast<char32_t>(unit) - 0xd800) << 10) + (static_cast<char32_t>(low) - 0xdc00));
        i += 14;
        continue;
      }
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {  // a lone surrogate: keep the text as written
      out.push_back(text[i++]);
      continue;
    }
    AppendUtf8(out, static_cast<char32_t>(unit));
    i += 7;
  }
  text = std::move(out);
}

void AppendXmlText(std::string& out, std::string_view text, bool attribute) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, i, cp);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD for a byte that does not start valid UTF-8
      ++i;
      continue;
    }
    const bool xml_char = cp == '\t' || cp == '\n' || (cp >= 0x20 && cp != 0xfffe && cp != 0xffff);
    if (!xml_char || cp == '\r') {
      char buf[16];
      std::snprintf(buf, sizeof buf, "_x%04X_", static_cast<unsigned>(cp));
      out.append(buf);
    } else if (cp == '_' && EscapeAt(text, i) >= 0) {
      out.append("_x005F_");
    } else if (cp == '&') {
      out.append("&amp;");
    } else if (cp == '<') {
      out.append("&lt;");
    } else if (cp == '>') {
      out.append("&gt;");
    } else if (cp == '"' && attribute) {
      out.append("&quot;");
    } else if ((cp == '\t' || cp == '\n') && attribute) {
      out.append(cp == '\t' ? "&#9;" : "&#10;");
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
}

std::string_view TrimXmlSpace(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string ColumnName(size_t column) {
  std::string name;
  while (column > 0) {
    --column;
    name.insert(name.begin(), static_cast<char>('A' + column % 26));
    column /= 26;
  }
  return name;
}

std::string RepairUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, i, cp);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace park::xlsx::internal
