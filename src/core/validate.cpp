#include "park/core/validate.hpp"

#include <array>

namespace park {
namespace {

// GB 32100-2015 character set: digits and upper-case letters without I, O, S, V, Z.
constexpr std::string_view kCreditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int CreditValue(char c) {
  const auto pos = kCreditChars.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// First character: the registering authority; second: the kind of entity under it (GB 32100-2015 table 1).
bool ValidAuthorityAndKind(char authority, char kind) {
  switch (authority) {
    case '1': return kind == '1' || kind == '2' || kind == '3' || kind == '9';
    case '2': return kind == '1' || kind == '9';
    case '3': return kind == '1' || kind == '2' || kind == '3' || kind == '4' || kind == '5' || kind == '9';
    case '4': return kind == '1' || kind == '9';
    case '5': return kind == '1' || kind == '2' || kind == '3' || kind == '9';
    case '6': return kind == '1' || kind == '2' || kind == '9';
    case '7': return kind == '1' || kind == '2' || kind == '9';
    case '8': return kind == '1' || kind == '9';
    case '9': return kind == '1' || kind == '2' || kind == '3';
    case 'A': return kind == '1' || kind == '9';
    case 'N': return kind == '1' || kind == '2' || kind == '3' || kind == '9';
    case 'Y': return kind == '1';
    default: return false;
  }
}

}  // namespace

char CreditCodeCheckChar(std::string_view first17) {
  int sum = 0;
  int weight = 1;
  for (char c : first17.substr(0, 17)) {
    sum += CreditValue(c) * weight;
    weight = weight * 3 % 31;
  }
  const int check = (31 - sum % 31) % 31;
  return kCreditChars[static_cast<size_t>(check)];
}

Text CheckCreditCode(std::string_view code) {
  if (code.size() != 18) return T("credit_code.length");
  for (char c : code) {
    if (CreditValue(c) < 0) {
      return T("credit_code.character", {{"character", std::string(1, c)}});
    }
  }
  if (!ValidAuthorityAndKind(code[0], code[1])) return T("credit_code.authority");
  for (size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') return T("credit_code.division");
  }
  if (CreditCodeCheckChar(code) != code[17]) {
    return T("credit_code.check", {{"expected", std::string(1, CreditCodeCheckChar(code))}});
  }
  return {};
}

char OrgCodeCheckChar(std::string_view body8) {
  static constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8 && i < body8.size(); ++i) {
    const char c = body8[i];
    const int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'A' && c <= 'Z') ? c - 'A' + 10 : 0;
    sum += v * kWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

}  // namespace park
