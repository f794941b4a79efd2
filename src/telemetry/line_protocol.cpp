#include "park/telemetry/line_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

namespace park::telemetry {
namespace {

constexpr size_t kMaxQuotedInputBytes = 64;

// Input quoted in an error message: at most 64 bytes, so a client's huge garbage does not end up in logs twice.
std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, kMaxQuotedInputBytes));
  if (s.size() > kMaxQuotedInputBytes) out.append("...");
  out.push_back('\'');
  return out;
}

int64_t PrecisionFactorNs(Precision p) {
  switch (p) {
    case Precision::kNanoseconds: return 1;
    case Precision::kMicroseconds: return 1'000;
    case Precision::kMilliseconds: return 1'000'000;
    case Precision::kSeconds: return 1'000'000'000;
  }
  return 1;
}

// Which characters a backslash escapes in each part of a line.
enum class Part { kMeasurement, kTagOrFieldKey, kTagValue };

bool IsEscapable(Part part, char c) {
  if (part == Part::kMeasurement) return c == ',' || c == ' ';
  return c == ',' || c == ' ' || c == '=';
}

// The first key that appears twice among items[first, end), or nullopt. Quadratic for the few keys real lines
// have, sorted for many, so a hostile 64 KB line of 16,000 fields costs milliseconds, not seconds.
template <typename Item>
std::optional<std::string_view> FindDuplicateKey(const std::vector<Item>& items, size_t first) {
  const size_t n = items.size() - first;
  if (n <= 16) {
    for (size_t a = first; a < items.size(); ++a) {
      for (size_t b = a + 1; b < items.size(); ++b) {
        if (items[a].key == items[b].key) return items[a].key;
      }
    }
    return std::nullopt;
  }
  std::vector<std::string_view> keys;
  keys.reserve(n);
  for (size_t a = first; a < items.size(); ++a) keys.push_back(items[a].key);
  std::sort(keys.begin(), keys.end());
  const auto it = std::adjacent_find(keys.begin(), keys.end());
  if (it == keys.end()) return std::nullopt;
  return *it;
}

// One line being parsed. Errors are recorded in `error` and make every step return false.
class LineParser {
 public:
  LineParser(std::string_view line, LpBatch& batch) : s_(line), batch_(batch) {}

  bool Parse(const LpOptions& options, LpLine& out);
  const std::string& Message() const { return error_; }

 private:
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  // Scans a name up to an unescaped stop character; stores it unescaped in `out`.
  bool ScanName(Part part, bool stop_at_equals, std::string_view& out);
  std::string_view Unescape(Part part, std::string_view raw);
  bool ParseFieldValue(LpField& field);
  void SkipSpaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }

  std::string_view s_;
  size_t i_ = 0;
  LpBatch& batch_;
  std::string error_;
};

bool LineParser::ScanName(Part part, bool stop_at_equals, std::string_view& out) {
  const size_t start = i_;
  bool escaped = false;
  while (i_ < s_.size()) {
    const char c = s_[i_];
    if (c == '\\') {
      escaped = true;
      i_ += 2;
      continue;
    }
    if (c == ',' || c == ' ' || (stop_at_equals && c == '=')) break;
    ++i_;
  }
  if (i_ > s_.size()) i_ = s_.size();  // a backslash at the very end of the line
  const std::string_view raw = s_.substr(start, i_ - start);
  out = escaped ? Unescape(part, raw) : raw;
  return true;
}

std::string_view LineParser::Unescape(Part part, std::string_view raw) {
  std::string& text = batch_.unescaped.emplace_back();
  text.reserve(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] == '\\' && k + 1 < raw.size() && IsEscapable(part, raw[k + 1])) ++k;
    text.push_back(raw[k]);
  }
  return text;
}

bool LineParser::ParseFieldValue(LpField& field) {
  if (AtEnd()) return Fail("missing value for field " + Quote(field.key));
  if (s_[i_] == '"') {
    ++i_;
    const size_t start = i_;
    bool escaped = false;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        escaped = true;
        ++i_;
      }
      ++i_;
    }
    if (AtEnd()) return Fail("unterminated string value for field " + Quote(field.key));
    const std::string_view raw = s_.substr(start, i_ - start);
    ++i_;  // closing quote
    field.type = ValueType::kString;
    if (!escaped) {
      field.string_value = raw;
    } else {
      std::string& text = batch_.unescaped.emplace_back();
      text.reserve(raw.size());
      for (size_t k = 0; k < raw.size(); ++k) {
        if (raw[k] == '\\' && k + 1 < raw.size() && (raw[k + 1] == '"' || raw[k + 1] == '\\')) ++k;
        text.push_back(raw[k]);
      }
      field.string_value = text;
    }
    return true;
  }
  const size_t start = i_;
  while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ') ++i_;
  const std::string_view v = s_.substr(start, i_ - start);
  if (v.empty()) return Fail("missing value for field " + Quote(field.key));
  const char* first = v.data();
  const char* last = v.data() + v.size();
  const char c0 = v[0];
  if (c0 == 't' || c0 == 'T' || c0 == 'f' || c0 == 'F') {
    field.type = ValueType::kBoolean;
    if (v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE") {
      field.bool_value = true;
      return true;
    }
    if (v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE") {
      field.bool_value = false;
      return true;
    }
    return Fail("invalid boolean value " + Quote(v) + " for field " + Quote(field.key));
  }
  const char tail = v.back();
  if (tail == 'i' || tail == 'u') {
    std::from_chars_result r{};
    if (tail == 'i') {
      field.type = ValueType::kInteger;
      r = std::from_chars(first, last - 1, field.int_value);
    } else {
      field.type = ValueType::kUnsigned;
      r = std::from_chars(first, last - 1, field.uint_value);
    }
    if (r.ec == std::errc::result_out_of_range) return Fail("integer out of range for field " + Quote(field.key));
    if (r.ec != std::errc() || r.ptr != last - 1 || v.size() == 1) {
      return Fail("invalid " + std::string(ValueTypeName(field.type)) + " value " + Quote(v) + " for field " +
                  Quote(field.key));
    }
    return true;
  }
  // Floats: digits, sign, point and exponent only (from_chars would also take "inf" and "nan").
  for (const char c : v) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
      return Fail("invalid number " + Quote(v) + " for field " + Quote(field.key));
    }
  }
  field.type = ValueType::kFloat;
  const auto r = std::from_chars(first, last, field.float_value);
  if (r.ec != std::errc() || r.ptr != last || !std::isfinite(field.float_value)) {
    return Fail("invalid number " + Quote(v) + " for field " + Quote(field.key));
  }
  return true;
}

bool LineParser::Parse(const LpOptions& options, LpLine& out) {
  // Measurement.
  ScanName(Part::kMeasurement, /*stop_at_equals=*/false, out.measurement);
  if (out.measurement.empty()) return Fail("missing measurement");
  if (AtEnd()) return Fail("missing fields");

  // Tags.
  out.first_tag = static_cast<uint32_t>(batch_.tags.size());
  while (!AtEnd() && s_[i_] == ',') {
    ++i_;
    LpTag tag;
    ScanName(Part::kTagOrFieldKey, /*stop_at_equals=*/true, tag.key);
    if (tag.key.empty()) return Fail("missing tag key");
    if (tag.key == "time") return Fail("'time' is not allowed as a tag key");  // InfluxDB refuses it too
    if (AtEnd() || s_[i_] != '=') return Fail("missing tag value for key " + Quote(tag.key));
    ++i_;
    ScanName(Part::kTagValue, /*stop_at_equals=*/false, tag.value);
    if (tag.value.empty()) return Fail("missing tag value for key " + Quote(tag.key));
    batch_.tags.push_back(tag);
  }
  out.tag_count = static_cast<uint32_t>(batch_.tags.size() - out.first_tag);
  if (const auto dup = FindDuplicateKey(batch_.tags, out.first_tag)) return Fail("duplicate tag key " + Quote(*dup));
  if (AtEnd() || s_[i_] != ' ') return Fail("missing fields");
  SkipSpaces();
  if (AtEnd()) return Fail("missing fields");

  // Fields.
  out.first_field = static_cast<uint32_t>(batch_.fields.size());
  while (true) {
    LpField field;
    ScanName(Part::kTagOrFieldKey, /*stop_at_equals=*/true, field.key);
    if (field.key.empty()) return Fail("missing field key");
    if (field.key == "time") return Fail("'time' is not allowed as a field key");
    if (AtEnd() || s_[i_] != '=') return Fail("missing value for field " + Quote(field.key));
    ++i_;
    if (!ParseFieldValue(field)) return false;
    batch_.fields.push_back(field);
    if (AtEnd() || s_[i_] == ' ') break;
    ++i_;  // the comma
  }
  out.field_count = static_cast<uint32_t>(batch_.fields.size() - out.first_field);
  if (const auto dup = FindDuplicateKey(batch_.fields, out.first_field)) {
    return Fail("duplicate field key " + Quote(*dup));
  }

  // Timestamp.
  SkipSpaces();
  if (AtEnd()) {
    out.timestamp_ns = options.default_timestamp_ns;
    return true;
  }
  const size_t start = i_;
  while (i_ < s_.size() && s_[i_] != ' ') ++i_;
  const std::string_view ts = s_.substr(start, i_ - start);
  SkipSpaces();
  if (!AtEnd()) return Fail("unexpected text after the timestamp");
  int64_t value = 0;
  const auto r = std::from_chars(ts.data(), ts.data() + ts.size(), value);
  if (r.ec != std::errc() || r.ptr != ts.data() + ts.size()) return Fail("invalid timestamp " + Quote(ts));
  if (__builtin_mul_overflow(value, PrecisionFactorNs(options.precision), &out.timestamp_ns)) {
    return Fail("timestamp " + Quote(ts) + " out of range for the precision");
  }
  return true;
}

// Where the line starting at `pos` ends: at the next newline, unless that newline sits inside a quoted string
// field value (InfluxDB 1.x allows raw newlines there, and Telegraf sends them unescaped). Lines without a quote
// take the memchr fast path. `line_number` advances by the newlines swallowed.
size_t LineEnd(std::string_view body, size_t pos, uint32_t& line_number) {
  const void* nl = std::memchr(body.data() + pos, '\n', body.size() - pos);
  const size_t first_end =
      nl == nullptr ? body.size() : static_cast<size_t>(static_cast<const char*>(nl) - body.data());
  if (std::memchr(body.data() + pos, '"', first_end - pos) == nullptr) return first_end;
  size_t i = pos;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;
  if (i < body.size() && body[i] == '#') return first_end;  // comments never continue
  bool in_fields = false;
  bool quoted = false;
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\\') {
      if (i + 1 < body.size() && body[i + 1] == '\n') ++line_number;
      ++i;
    } else if (c == ' ' && !in_fields) {
      in_fields = true;
    } else if (c == '"' && in_fields) {
      quoted = !quoted;
    } else if (c == '\n') {
      if (!quoted) return i;
      ++line_number;
    }
  }
  return body.size();
}

}  // namespace

Result<Precision> ParsePrecision(std::string_view text) {
  if (text.empty() || text == "ns" || text == "n") return Precision::kNanoseconds;
  if (text == "us" || text == "u") return Precision::kMicroseconds;
  if (text == "ms") return Precision::kMilliseconds;
  if (text == "s") return Precision::kSeconds;
  return Error::Invalid("precision", "precision must be one of ns, us, ms, s");
}

LpBatch ParseLineProtocol(std::string_view body, const LpOptions& options) {
  LpBatch batch;
  // Most bodies are many similar lines: a generous guess from the first line saves the vectors' regrowth, whose
  // copies and fresh pages cost more than the parse itself. Reserved but untouched capacity costs address space
  // only. The first line's commas before and after its first space estimate tags and fields per line.
  const size_t first_newline = body.find('\n');
  if (first_newline != std::string_view::npos && first_newline > 0) {
    const size_t lines_guess = body.size() / (first_newline + 1) * 5 / 4 + 16;
    const std::string_view first = body.substr(0, first_newline);
    const size_t space = std::min(first.find(' '), first.size());
    const auto tag_commas = static_cast<size_t>(std::count(first.begin(), first.begin() + space, ','));
    const auto field_commas = static_cast<size_t>(std::count(first.begin() + space, first.end(), ','));
    batch.lines.reserve(lines_guess);
    batch.tags.reserve(lines_guess * tag_commas);
    batch.fields.reserve(lines_guess * (field_commas + 1));
  }
  size_t pos = 0;
  uint32_t line_number = 0;
  while (pos < body.size()) {
    ++line_number;
    const uint32_t first_line_number = line_number;
    const size_t end = LineEnd(body, pos, line_number);
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    line.remove_prefix(lead);
    if (line.empty() || line[0] == '#') continue;

    const size_t tags_before = batch.tags.size();
    const size_t fields_before = batch.fields.size();
    std::string error;
    LpLine parsed;
    parsed.line_number = first_line_number;
    if (line.size() > options.max_line_bytes) {
      error = "line longer than " + std::to_string(options.max_line_bytes) + " bytes";
    } else {
      LineParser parser(line, batch);
      if (parser.Parse(options, parsed)) {
        batch.lines.push_back(parsed);
        continue;
      }
      error = parser.Message();
    }
    batch.tags.resize(tags_before);
    batch.fields.resize(fields_before);
    ++batch.error_count;
    if (batch.errors.size() < LpBatch::kMaxReportedErrors) {
      batch.errors.push_back({first_line_number, std::move(error)});
    }
  }
  return batch;
}

std::string SeriesKey(const LpBatch& batch, const LpLine& line) {
  auto append_escaped = [](std::string& out, std::string_view s, bool escape_equals) {
    for (const char c : s) {
      if (c == ',' || c == ' ' || (escape_equals && c == '=')) out.push_back('\\');
      out.push_back(c);
    }
  };
  std::vector<const LpTag*> tags;
  tags.reserve(line.tag_count);
  for (uint32_t k = 0; k < line.tag_count; ++k) tags.push_back(&batch.tags[line.first_tag + k]);
  std::sort(tags.begin(), tags.end(), [](const LpTag* a, const LpTag* b) { return a->key < b->key; });
  std::string key;
  append_escaped(key, line.measurement, false);
  for (const LpTag* t : tags) {
    key.push_back(',');
    append_escaped(key, t->key, true);
    key.push_back('=');
    append_escaped(key, t->value, true);
  }
  return key;
}

Error BatchError(const LpBatch& batch) {
  if (batch.errors.empty()) return Error::Invalid("body", "no errors");
  const LpError& first = batch.errors.front();
  std::string message = "line " + std::to_string(first.line_number) + ": " + first.message;
  if (batch.error_count > 1) message += " (and " + std::to_string(batch.error_count - 1) + " more lines with errors)";
  return Error::Invalid("body", std::move(message));
}

}  // namespace park::telemetry
