#include "park/core/csv.hpp"

namespace park {

std::string NeutraliseFormula(std::string_view text) {
  if (!text.empty()) {
    switch (text.front()) {
      case '=':
      case '+':
      case '-':
      case '@':
      case '\t':
      case '\r':
        return "'" + std::string(text);
      default: break;
    }
  }
  return std::string(text);
}

bool IsPlainNumber(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendCsvText(std::string& out, std::string_view text) { AppendCsvField(out, NeutraliseFormula(text)); }

void AppendCsvNumber(std::string& out, std::string_view number_text) {
  if (number_text.empty() || IsPlainNumber(number_text)) {
    out += number_text;
  } else {
    AppendCsvText(out, number_text);
  }
}

}  // namespace park
