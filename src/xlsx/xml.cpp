#include "xlsx/xml.hpp"

#include <cstring>

namespace park::xlsx::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view LocalName(std::string_view qname) {
  const size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// Decodes entity and character references in `raw`, appending to `out`. Returns false on a malformed reference.
bool Decode(std::string_view raw, std::string& out) {
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\r') {  // XML line-end normalisation: CRLF and lone CR become LF
      out.push_back('\n');
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      continue;
    }
    if (c != '&') {
      out.push_back(c);
      continue;
    }
    const size_t semi = raw.substr(0, i + 13).find(';', i);  // the longest reference is "&#x10FFFF;" + slack
    if (semi == std::string_view::npos) return false;
    const std::string_view ref = raw.substr(i + 1, semi - i - 1);
    i = semi;
    if (ref == "lt")
      out.push_back('<');
    else if (ref == "gt")
      out.push_back('>');
    else if (ref == "amp")
      out.push_back('&');
    else if (ref == "quot")
      out.push_back('"');
    else if (ref == "apos")
      out.push_back('\'');
    else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return false;
      char32_t cp = 0;
      for (char d : digits) {
        int v;
        if (d >= '0' && d <= '9')
          v = d - '0';
        else if (hex && d >= 'a' && d <= 'f')
          v = d - 'a' + 10;
        else if (hex && d >= 'A' && d <= 'F')
          v = d - 'A' + 10;
        else
          return false;
        cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
        if (cp > 0x10ffff) return false;
      }
      if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) return false;
      AppendUtf8(out, cp);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

Error XmlReader::Bad(std::string_view what) const {
  std::string reason(part_);
  reason.append(": ").append(what).append(" at byte ").append(std::to_string(pos_));
  return Error::Invalid("file", std::move(reason));
}

const std::string* XmlReader::Attr(std::string_view local_name) const {
  for (size_t i = 0; i < attr_count_; ++i) {
    if (attrs_[i].first == local_name) return &attrs_[i].second;
  }
  return nullptr;
}

Result<XmlReader::Token> XmlReader::Next() {
  if (pending_end_) {
    pending_end_ = false;
    open_.pop_back();
    attr_count_ = 0;
    return Token::kEnd;
  }
  while (pos_ < doc_.size()) {
    if (doc_[pos_] != '<') {
      const size_t lt = std::min(doc_.find('<', pos_), doc_.size());
      text_.clear();
      if (!Decode(doc_.substr(pos_, lt - pos_), text_)) return Bad("malformed entity or character reference");
      pos_ = lt;
      return Token::kText;
    }
    const std::string_view rest = doc_.substr(pos_);
    if (rest.starts_with("<?")) {
      const size_t end = doc_.find("?>", pos_ + 2);
      if (end == std::string_view::npos) return Bad("unterminated processing instruction");
      pos_ = end + 2;
    } else if (rest.starts_with("<!--")) {
      const size_t end = doc_.find("-->", pos_ + 4);
      if (end == std::string_view::npos) return Bad("unterminated comment");
      pos_ = end + 3;
    } else if (rest.starts_with("<![CDATA[")) {
      const size_t end = doc_.find("]]>", pos_ + 9);
      if (end == std::string_view::npos) return Bad("unterminated CDATA section");
      text_.clear();
      for (size_t i = pos_ + 9; i < end; ++i) {
        if (doc_[i] == '\r') {
          text_.push_back('\n');
          if (i + 1 < end && doc_[i + 1] == '\n') ++i;
        } else {
          text_.push_back(doc_[i]);
        }
      }
      pos_ = end + 3;
      return Token::kText;
    } else if (rest.starts_with("<!")) {
      return Bad("DOCTYPE and other declarations are not allowed");
    } else {
      return ParseTag();
    }
  }
  if (!open_.empty()) return Bad("unexpected end of document");
  return Token::kEof;
}

Result<XmlReader::Token> XmlReader::ParseTag() {
  attr_count_ = 0;
  size_t i = pos_ + 1;
  const bool closing = i < doc_.size() && doc_[i] == '/';
  if (closing) ++i;
  const size_t name_start = i;
  while (i < doc_.size() && !IsSpace(doc_[i]) && doc_[i] != '>' && doc_[i] != '/') ++i;
  if (i == name_start) return Bad("empty tag name");
  const std::string_view qname = doc_.substr(name_start, i - name_start);
  name_ = LocalName(qname);
  if (closing) {
    while (i < doc_.size() && IsSpace(doc_[i])) ++i;
    if (i >= doc_.size() || doc_[i] != '>') return Bad("malformed end tag");
    if (open_.empty() || open_.back() != qname) return Bad("end tag does not match its start tag");
    open_.pop_back();
    pos_ = i + 1;
    return Token::kEnd;
  }
  for (;;) {
    while (i < doc_.size() && IsSpace(doc_[i])) ++i;
    if (i >= doc_.size()) return Bad("unterminated tag");
    if (doc_[i] == '>') {
      pos_ = i + 1;
      open_.push_back(qname);
      return Token::kStart;
    }
    if (doc_[i] == '/') {
      if (i + 1 >= doc_.size() || doc_[i + 1] != '>') return Bad("malformed empty-element tag");
      pos_ = i + 2;
      pending_end_ = true;
      open_.push_back(qname);
      return Token::kStart;
    }
    const size_t attr_start = i;
    while (i < doc_.size() && !IsSpace(doc_[i]) && doc_[i] != '=' && doc_[i] != '>' && doc_[i] != '/') ++i;
    if (i == attr_start) return Bad("malformed attribute");
    const std::string_view attr_name = LocalName(doc_.substr(attr_start, i - attr_start));
    while (i < doc_.size() && IsSpace(doc_[i])) ++i;
    if (i >= doc_.size() || doc_[i] != '=') return Bad("attribute without a value");
    ++i;
    while (i < doc_.size() && IsSpace(doc_[i])) ++i;
    if (i >= doc_.size() || (doc_[i] != '"' && doc_[i] != '\'')) return Bad("unquoted attribute value");
    const size_t close = doc_.find(doc_[i], i + 1);
    if (close == std::string_view::npos) return Bad("unterminated attribute value");
    if (attr_count_ == attrs_.size()) attrs_.emplace_back();
    auto& [stored_name, value] = attrs_[attr_count_++];
    stored_name = attr_name;
    value.clear();
    if (!Decode(doc_.substr(i + 1, close - i - 1), value)) return Bad("malformed entity or character reference");
    i = close + 1;
  }
}

}  // namespace park::xlsx::internal
