// Text for people as a stable code with parameters. The server never glues a sentence together: the domain
// returns Text{"lists.carbon.over_threshold", {{"value_t_co2e", 53731.9}, ...}} and the catalogues in
// web/src/i18n/text/ say it in English or Chinese. The web app renders them in the browser; the server
// renders them only for the API's English `message` and for exports in the request's language.
//
// Codes are stable API: renaming one is a breaking change for clients and for the catalogues.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace park {

enum class Locale { kEn, kZhCN };

// "zh-CN", "zh", "zh-Hans…" → kZhCN; "en…" → kEn; anything else → std::nullopt-like fallback `fallback`.
Locale ParseLocale(std::string_view tag, Locale fallback = Locale::kZhCN);
// An Accept-Language header: the first language we speak, else `fallback`.
Locale LocaleFromAcceptLanguage(std::string_view header, Locale fallback = Locale::kZhCN);
std::string_view LocaleTag(Locale locale);  // "en", "zh-CN"

// A parameter that is itself a catalogue text, e.g. the name of an activity item or a metric
// (TextRef{"carbon.item.electricity"}): rendered in the same language. On the wire: {"code": "..."}.
struct TextRef {
  std::string code;
  bool operator==(const TextRef&) const = default;
};

// One named parameter: a number (rendered rounded, with digit grouping), a string (rendered as is; pass
// years, codes and identifiers as strings so that they are not grouped) or a catalogue text.
struct TextParam {
  using Value = std::variant<std::string, double, TextRef>;
  std::string name;
  Value value;

  TextParam(std::string n, TextRef v) : name(std::move(n)), value(std::move(v)) {}

  TextParam(std::string n, std::string v) : name(std::move(n)), value(std::move(v)) {}
  TextParam(std::string n, std::string_view v) : name(std::move(n)), value(std::string(v)) {}
  TextParam(std::string n, const char* v) : name(std::move(n)), value(std::string(v)) {}
  template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N> && !std::is_same_v<N, bool>>>
  TextParam(std::string n, N v) : name(std::move(n)), value(static_cast<double>(v)) {}
};

struct Text {
  std::string code;  // e.g. "field.required"; empty: no text
  std::vector<TextParam> params;

  bool empty() const { return code.empty(); }
  // The parameter's value, or nullptr.
  const TextParam::Value* Find(std::string_view name) const;
};

inline Text T(std::string code, std::vector<TextParam> params = {}) { return {std::move(code), std::move(params)}; }

// The catalogue message for `code` in `locale` with its parameters filled in. A code missing from the
// catalogue renders as the code followed by its parameters, so nothing is lost (a test keeps the catalogues
// complete).
std::string RenderText(const Text& text, Locale locale = Locale::kEn);
// True when both catalogues have the code.
bool HasText(std::string_view code);
// A number as the catalogues show it: |v| ≥ 100 with no decimals, ≥ 10 with one, ≥ 1 with two, below 1 with
// three significant digits; trailing zeros dropped; thousands grouped with ','. web/src/lib/format.js
// (formatTextNumber) follows the same rule.
std::string FormatTextNumber(double v);

}  // namespace park
