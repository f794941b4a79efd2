// A minimal pull tokenizer for the XML parts of an .xlsx package. Private to the module.
// It understands elements, attributes, text, the five predefined entities, numeric character references, CDATA,
// comments and processing instructions. Namespace prefixes are dropped (names are local names). A DOCTYPE is
// refused, so no entity can be defined, and nothing here recurses: the cost is linear in the input.
// Well-formedness is checked as far as reading needs: tags are balanced and the document ends with its root element
// closed; character validity and attribute uniqueness are not checked.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/core/result.hpp"

namespace park::xlsx::internal {

class XmlReader {
 public:
  enum class Token { kStart, kEnd, kText, kEof };

  // `doc` must outlive the reader. `part` names the document in error messages.
  XmlReader(std::string_view doc, std::string_view part) : doc_(doc), part_(part) {}

  // Advances to the next token. A self-closing element gives kStart and then kEnd.
  Result<Token> Next();

  // The local name of the current start or end tag ("c" for <x:c>).
  std::string_view name() const { return name_; }
  // The decoded value of the current start tag's attribute with this local name, or nullptr.
  const std::string* Attr(std::string_view local_name) const;
  // The decoded text of the current kText token (entities resolved, line ends normalised to "\n").
  const std::string& text() const { return text_; }

 private:
  Error Bad(std::string_view what) const;
  Result<Token> ParseTag();

  std::string_view doc_;
  std::string_view part_;
  size_t pos_ = 0;
  bool pending_end_ = false;
  std::string_view name_;
  std::vector<std::string_view> open_;  // qualified names of the elements not yet closed
  std::vector<std::pair<std::string_view, std::string>> attrs_;
  size_t attr_count_ = 0;
  std::string text_;
};

// Appends the UTF-8 encoding of a code point (which must be a Unicode scalar value).
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace park::xlsx::internal
