#include "park/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>

#include "park/core/json.hpp"
#include "text_sources.hpp"

namespace park {
namespace {

using Messages = std::map<std::string, std::string, std::less<>>;

void Flatten(const Json& node, const std::string& prefix, Messages& out) {
  for (const auto& [key, value] : node.items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object()) {
      Flatten(value, path, out);
    } else if (value.is_string()) {
      out[path] = value.get<std::string>();
    }
  }
}

struct Catalogues {
  Messages en, zh;
};

// Parsed once, on first use; the sources are compiled in, so a parse failure is a build defect.
const Catalogues& Loaded() {
  static const Catalogues kCatalogues = [] {
    Catalogues c;
    for (const auto& src : text_internal::CatalogueSources()) {
      const Json doc = Json::parse(src.json, nullptr, /*allow_exceptions=*/false);
      if (!doc.is_object()) throw std::logic_error("text catalogue " + std::string(src.file) + " is not a JSON object");
      Flatten(doc, "", src.locale == "en" ? c.en : c.zh);
    }
    return c;
  }();
  return kCatalogues;
}

std::string ParamText(const TextParam::Value& v, Locale locale) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* r = std::get_if<TextRef>(&v)) return RenderText(T(r->code), locale);
  return FormatTextNumber(std::get<double>(v));
}

std::string Fallback(const Text& text) {
  std::string out = text.code;
  for (const auto& p : text.params) out += " " + p.name + "=" + ParamText(p.value, Locale::kEn);
  return out;
}

}  // namespace

const TextParam::Value* Text::Find(std::string_view name) const {
  for (const auto& p : params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

namespace {

// The locale of a language tag we speak ("zh…", "en…", the language as a whole subtag), else nullopt.
std::optional<Locale> Spoken(std::string_view tag) {
  auto starts = [&](std::string_view p) {
    if (tag.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(tag[i])) != p[i]) return false;
    }
    return tag.size() == p.size() || tag[p.size()] == '-' || tag[p.size()] == '_';
  };
  if (starts("zh")) return Locale::kZhCN;
  if (starts("en")) return Locale::kEn;
  return std::nullopt;
}

}  // namespace

Locale ParseLocale(std::string_view tag, Locale fallback) { return Spoken(tag).value_or(fallback); }

Locale LocaleFromAcceptLanguage(std::string_view header, Locale fallback) {
  // Languages in the order given; q-values are rarely other than descending, and the first we speak wins.
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(pos, end - pos);
    if (const auto semi = item.find(';'); semi != std::string_view::npos) item = item.substr(0, semi);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (const auto spoken = Spoken(item)) return *spoken;
    pos = end + 1;
  }
  return fallback;
}

std::string_view LocaleTag(Locale locale) { return locale == Locale::kEn ? "en" : "zh-CN"; }

std::string FormatTextNumber(double v) {
  if (!std::isfinite(v)) return "—";
  const double a = std::fabs(v);
  int decimals;
  if (a >= 100) {
    decimals = 0;
  } else if (a >= 10) {
    decimals = 1;
  } else if (a >= 1) {
    decimals = 2;
  } else if (a == 0) {
    decimals = 0;
  } else {
    decimals = std::min(8, 2 - static_cast<int>(std::floor(std::log10(a))));
  }
  // Half away from zero, as the browser's Intl.NumberFormat does (printf would round 1234.5 to even).
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(v * scale) / scale;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, rounded);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  // Group the integer digits in threes.
  const size_t start = s.front() == '-' ? 1 : 0;
  size_t int_end = s.find('.');
  if (int_end == std::string::npos) int_end = s.size();
  for (size_t i = int_end; i > start + 3; i -= 3) s.insert(i - 3, ",");
  return s;
}

bool HasText(std::string_view code) {
  const auto& c = Loaded();
  return c.en.find(code) != c.en.end() && c.zh.find(code) != c.zh.end();
}

std::string RenderText(const Text& text, Locale locale) {
  const auto& c = Loaded();
  const Messages& m = locale == Locale::kEn ? c.en : c.zh;
  const auto it = m.find(text.code);
  if (it == m.end()) return Fallback(text);
  const std::string& tpl = it->second;
  std::string out;
  out.reserve(tpl.size() + 32);
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] != '{') {
      out += tpl[i];
      continue;
    }
    const size_t close = tpl.find('}', i);
    if (close == std::string::npos) {
      out.append(tpl, i, std::string::npos);
      break;
    }
    std::string_view inner(tpl.data() + i + 1, close - i - 1);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    if (inner.size() >= 2 && inner.front() == '\'' && inner.back() == '\'') {
      out.append(inner.substr(1, inner.size() - 2));  // a literal: {'@'}
    } else if (const auto* v = text.Find(inner)) {
      out += ParamText(*v, locale);
    } else {
      out.append(tpl, i, close - i + 1);  // keep an unknown placeholder visible
    }
    i = close;
  }
  return out;
}

}  // namespace park
