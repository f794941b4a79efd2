// A small RFC 4180 reader shared by the activity import and the reference-data loaders. Private to the module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace park::carbon {

struct CsvRecord {
  int line = 0;  // physical line (1-based) where the record starts
  std::vector<std::string> fields;
};

// Reads records one by one from a text that stays alive while the reader is used. Tolerates a UTF-8 byte-order
// mark, CRLF or LF line ends, quoted fields with "" escapes and line breaks inside quotes. Blank lines are skipped;
// with `skip_comments`, so are lines whose first character is '#'. A quote inside an unquoted field is kept as it is.
class CsvReader {
 public:
  CsvReader(std::string_view text, bool skip_comments);

  // Reads the next record into `out`. Returns false at the end of the text. When the record is malformed
  // (an unterminated quote, or text after a closing quote), `error` is set, `out.line` names the record's first
  // line, and the reader resumes at the next line.
  bool Next(CsvRecord& out, std::string& error);

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  bool skip_comments_;
};

}  // namespace park::carbon
