#include "csv.hpp"

namespace park::carbon {

CsvReader::CsvReader(std::string_view text, bool skip_comments) : text_(text), skip_comments_(skip_comments) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::Next(CsvRecord& out, std::string& error) {
  error.clear();
  out.fields.clear();
  // Skip blank lines and comments.
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n')) {
      ++pos_;
    } else if (skip_comments_ && c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
  if (pos_ >= text_.size()) return false;

  out.line = line_;
  std::string field;
  auto skip_rest_of_line = [&] {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) {
      ++pos_;
      ++line_;
    }
  };
  while (true) {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      // Quoted field.
      ++pos_;
      bool closed = false;
      while (pos_ < text_.size()) {
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            closed = true;
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field += c;
        }
      }
      if (!closed) {
        error = "a quoted field is not closed before the end of the file";
        return true;
      }
      if (pos_ < text_.size() && text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
          !(text_[pos_] == '\r' && pos_ + 1 == text_.size())) {
        error = "unexpected text after a closing quote (a quote inside a quoted field is written \"\")";
        skip_rest_of_line();
        return true;
      }
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') {
        const char c = text_[pos_++];
        // A CR belongs to the line end only when a LF (or the end of text) follows.
        if (c == '\r' && (pos_ == text_.size() || text_[pos_] == '\n')) continue;
        field += c;
      }
    }
    out.fields.push_back(std::move(field));
    field.clear();
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (text_[pos_] == '\r') ++pos_;  // a lone CR at the very end of the text
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

}  // namespace park::carbon
