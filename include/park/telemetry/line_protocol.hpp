// InfluxDB line protocol (1.x semantics), parsed without copying where it can be:
//
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Escapes: `\,` and `\ ` in measurements; `\,` `\=` `\ ` in tag keys, tag values and field keys; `\"` and `\\` in
// string field values. A backslash before any other character is kept literally (as InfluxDB does). Lines starting
// with `#` are comments; blank lines are skipped; `\r\n` line ends are accepted. As in InfluxDB 1.x, a raw newline
// inside a quoted string field value belongs to the value (Telegraf sends them unescaped).
// Field values: float (`1`, `-1.5e3`), integer (`1i`), unsigned (`1u`), string (`"..."`), boolean (t, T, true,
// True, TRUE, f, F, false, False, FALSE). NaN and infinities are refused, as InfluxDB does.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/telemetry/value.hpp"

namespace park::telemetry {

enum class Precision : uint8_t { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds };

// "ns" (also "n"), "us" (also "u"), "ms", "s"; an empty string means nanoseconds. InfluxDB 1.x also takes "m" and
// "h"; no gateway we know sends them, so they are refused. Errors name the field "precision".
Result<Precision> ParsePrecision(std::string_view text);

struct LpTag {
  std::string_view key;
  std::string_view value;
};

struct LpField {
  std::string_view key;
  ValueType type = ValueType::kFloat;
  double float_value = 0;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  bool bool_value = false;
  std::string_view string_value;  // unescaped
};

struct LpLine {
  std::string_view measurement;
  uint32_t first_tag = 0;  // index into LpBatch::tags
  uint32_t tag_count = 0;
  uint32_t first_field = 0;  // index into LpBatch::fields
  uint32_t field_count = 0;
  int64_t timestamp_ns = 0;
  uint32_t line_number = 0;  // 1-based, in the body; where the point starts
};

struct LpError {
  uint32_t line_number = 0;
  std::string message;  // "invalid field value for key 'temp'", never echoes more than 64 bytes of input
};

// The parsed points of one body. Every string_view points into the body or into `unescaped`; the body must
// therefore outlive the batch, and the batch must not be copied (moving is fine: deque elements stay put).
struct LpBatch {
  std::vector<LpLine> lines;
  std::vector<LpTag> tags;
  std::vector<LpField> fields;
  std::vector<LpError> errors;  // lines that were refused (at most kMaxReportedErrors; error_count has them all)
  uint32_t error_count = 0;
  std::deque<std::string> unescaped;  // storage for names and strings that contained escapes

  static constexpr size_t kMaxReportedErrors = 100;

  size_t field_value_count() const { return fields.size(); }
};

struct LpOptions {
  Precision precision = Precision::kNanoseconds;
  int64_t default_timestamp_ns = 0;  // for lines without a timestamp: the server's receive time
  size_t max_line_bytes = 64 * 1024;
};

// Parses every line; refused lines go to batch.errors with their number and reason and do not stop the parse, so
// the caller can choose InfluxDB's partial write or all-or-nothing (reject when error_count > 0).
// Tags are kept in input order; duplicate tag keys or field keys on one line are refused, and so is the key
// "time" (as in InfluxDB: it would clash with the timestamp column in queries).
LpBatch ParseLineProtocol(std::string_view body, const LpOptions& options);

// The canonical series key: measurement and tags sorted by key, escaped as in line protocol
// ("equipment,asset=P-1,kind=pump"). Same key for any tag order in the input.
std::string SeriesKey(const LpBatch& batch, const LpLine& line);

// One error for the whole batch, for all-or-nothing callers: "line 3: ..." plus a count of further errors.
Error BatchError(const LpBatch& batch);

}  // namespace park::telemetry
