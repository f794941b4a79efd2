// Writing CSV cells. Every CSV the product lets people download goes through these, so that text a user typed
// (an enterprise name, a note) cannot become a live spreadsheet formula (CSV injection: "=HYPERLINK(…)" opens a
// link, "@SUM(…)" or "+cmd|…" can run things). Thread-safe: no state.
#pragma once

#include <string>
#include <string_view>

namespace park {

// `text` with a single quote in front when it starts with '=', '+', '-', '@', a tab or a carriage return, the
// characters spreadsheet programs read as the start of a formula (OWASP's CSV injection advice); unchanged otherwise.
// Spreadsheets show the quote, so it is applied only to text cells of downloads, never to numbers we format.
std::string NeutraliseFormula(std::string_view text);

// True when `text` is a plain decimal number as we format doubles: an optional '-', digits, an optional fraction
// and exponent ("-3.5", "12", "1e-07"). Such a cell is a constant to a spreadsheet, not a formula.
bool IsPlainNumber(std::string_view text);

// Appends `field` as one RFC 4180 field: quoted when it holds a comma, quote, CR or LF, with quotes doubled. No
// neutralising: for CSV that our own parser reads back (the XLSX import), never for downloads.
void AppendCsvField(std::string& out, std::string_view field);

// Appends a text cell of a download: NeutraliseFormula, then AppendCsvField. Use it for every cell that is not a
// number we formatted ourselves.
void AppendCsvText(std::string& out, std::string_view text);

// Appends a number cell of a download, formatted by the caller from a double (empty when undefined). A cell that is
// not a plain number (e.g. "-inf", or text in a number column) is written as a text cell instead, so no value can
// slip through as a formula.
void AppendCsvNumber(std::string& out, std::string_view number_text);

}  // namespace park
