// Text helpers shared by the reader and the writer: number formatting and parsing, Excel's _xHHHH_ escape, XML
// escaping, UTF-8 repair and column names. Private to the module; pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace park::xlsx::internal {

// A numeric cell value (xsd:double text such as "3", "0.30000000000000004", "1E-3") as Excel's General format
// shows it: integers without ".0" (digit-only text is kept as written, so long integers keep every digit), other
// numbers with up to 15 significant digits ("1E+20" style exponents for large or small magnitudes). Text that is
// not a number is returned unchanged.
std::string FormatNumber(std::string_view raw);

// Whether the writer should store this text as a number: a plain decimal ("-12", "3.50", "1e-3") that is finite,
// has at most 15 significant digits (Excel keeps no more) and no leading zero before other digits ("007").
bool IsNumberText(std::string_view text);

// Replaces Excel's escapes "_xHHHH_" (a UTF-16 code unit, or a surrogate pair of two escapes) by the character.
void DecodeExcelEscapes(std::string& text);

// Appends `text` as XML character data (or an attribute value when `attribute`): invalid UTF-8 becomes U+FFFD,
// characters XML 1.0 cannot carry become Excel's _xHHHH_ escapes, a literal "_xHHHH_" is protected as "_x005F_xHHHH_",
// and &, <, > (and " in attributes) become entities.
void AppendXmlText(std::string& out, std::string_view text, bool attribute = false);

// Text with leading and trailing XML white space (space, tab, CR, LF) removed.
std::string_view TrimXmlSpace(std::string_view text);

// 1 -> "A", 27 -> "AA".
std::string ColumnName(size_t column);

// Valid UTF-8: each byte that does not start a valid sequence becomes U+FFFD.
std::string RepairUtf8(std::string_view text);

}  // namespace park::xlsx::internal
