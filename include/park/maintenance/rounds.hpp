// Inspection rounds (issue 12 item 4): pure rules, no storage. A route is a list of checkpoints (equipment), each
// with checklist items (a number with limits and unit, pass/fail, text, photo). A schedule is a list of start
// times on the park's local day: one start for a daily round, several for shifts; each window runs until the next
// start (the last one across midnight into the next day), so windows tile time. A window is missed when no round
// was started by its end and late when its round was submitted after it. A submitted answer sheet is checked
// against the route and evaluated into findings (a number outside its limits, a failed check), each a code naming
// the item.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/json.hpp"
#include "park/core/result.hpp"
#include "park/core/text.hpp"
#include "park/maintenance/plan.hpp"

namespace park::maintenance {

enum class ItemKind { kNumber, kPassFail, kText, kPhoto };
std::string_view ItemKindName(ItemKind kind);  // "number", "pass_fail", "text", "photo" (persisted)
std::optional<ItemKind> ParseItemKind(std::string_view name);

struct ChecklistItem {
  std::string key;    // unique within its checkpoint, [a-z0-9_], 1..40 characters
  std::string label;  // what the inspector reads
  ItemKind kind = ItemKind::kPassFail;
  std::optional<double> low;   // number: the answer must be >= low (inclusive)
  std::optional<double> high;  // number: the answer must be <= high (inclusive)
  std::string unit;            // number: e.g. "MPa", "°C"
  bool required = true;
};

struct Checkpoint {
  int64_t equipment_id = 0;
  std::vector<ChecklistItem> items;
};

struct InspectionRoute {
  std::string name;
  std::vector<Checkpoint> checkpoints;
};

// Checks names, keys, kinds and limits; errors name the field as a path ("checkpoints[1].items[0].low").
Status ValidateRoute(const InspectionRoute& route);
// From and to the JSON the API takes and shows: {"name", "checkpoints":[{"equipment_id","items":[{"key","label",
// "kind","low","high","unit","required"}]}]}. Reading validates.
Result<InspectionRoute> RouteFromJson(const Json& j);
Json CheckpointsJson(const std::vector<Checkpoint>& checkpoints);

enum class ScheduleKind { kDaily, kShift };
std::string_view ScheduleKindName(ScheduleKind kind);  // "daily", "shift"
std::optional<ScheduleKind> ParseScheduleKind(std::string_view name);

struct RoundSchedule {
  ScheduleKind kind = ScheduleKind::kDaily;
  std::vector<int> starts;  // minutes after local midnight, ascending, distinct; daily: exactly one
};

// "HH:MM" to minutes after midnight; `field` names the input in the error.
Result<int> ParseClock(std::string_view text, std::string_view field);
std::string FormatClock(int minutes);
// Checks the kind against the number of starts (daily: one; shift: 2..6) and the starts' order; errors name
// "schedule.starts[i]".
Status ValidateSchedule(const RoundSchedule& schedule);

struct RoundWindow {
  std::string slot;  // "YYYY-MM-DDTHH:MM": the local day and time the window starts; a round's identity
  LocalDate date;    // the local day of its start
  int shift = 0;     // index into starts
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // the next start
};

// The window that contains `at_ms`.
RoundWindow WindowAt(const RoundSchedule& schedule, int64_t at_ms, int utc_offset_minutes);
// Windows that overlap [from_ms, to_ms), in order (at most `limit`).
std::vector<RoundWindow> WindowsBetween(const RoundSchedule& schedule, int64_t from_ms, int64_t to_ms,
                                        int utc_offset_minutes, size_t limit = 10000);

enum class RoundStatus {
  kUpcoming,    // the window has not begun
  kDue,         // the window is open and no round was started in it
  kInProgress,  // started in time, not submitted, the window still open
  kDone,        // submitted by the window's end
  kLate,        // started in time, submitted after the end (or still not submitted after it)
  kMissed,      // not started by the window's end
};
std::string_view RoundStatusName(RoundStatus status);  // "upcoming", "due", "in_progress", "done", "late", "missed"
std::optional<RoundStatus> ParseRoundStatus(std::string_view name);

RoundStatus StatusOf(const RoundWindow& window, std::optional<int64_t> started_ms, std::optional<int64_t> submitted_ms,
                     int64_t now_ms);

// One answer of a submitted sheet.
struct Answer {
  int64_t equipment_id = 0;
  std::string item;
  std::optional<double> number;     // number items
  std::optional<bool> passed;       // pass/fail items
  std::string text;                 // text items (and an optional remark on any item)
  std::optional<int64_t> photo_id;  // photo items: an attachment uploaded to the round
};

// {"answers":[{"equipment_id","item","value","remark"}]}: value is a number, a boolean, a string or an attachment id
// as the item's kind asks. Errors name "answers[i].value" etc.
Result<std::vector<Answer>> AnswersFromJson(const Json& answers, const InspectionRoute& route);

struct Finding {
  int64_t equipment_id = 0;
  std::string item;
  Text reason;  // maintenance.round.finding.{below_low, above_high, failed} with item, value, limit, unit
};

// Checks the sheet against the route (every required item answered once, nothing unknown) and returns the
// findings. Errors name the answer ("answers[2].item") or the unanswered item ("answers" with the item named).
Result<std::vector<Finding>> Evaluate(const InspectionRoute& route, const std::vector<Answer>& answers);

}  // namespace park::maintenance
