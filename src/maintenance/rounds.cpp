// Inspection rounds: see include/park/maintenance/rounds.hpp.
#include "park/maintenance/rounds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace park::maintenance {

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 86'400'000;

bool IsKey(std::string_view k) {
  if (k.empty() || k.size() > 40) return false;
  return std::all_of(k.begin(), k.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

std::string_view ItemKindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kNumber: return "number";
    case ItemKind::kPassFail: return "pass_fail";
    case ItemKind::kText: return "text";
    case ItemKind::kPhoto: return "photo";
  }
  return "pass_fail";
}

std::optional<ItemKind> ParseItemKind(std::string_view name) {
  for (ItemKind k : {ItemKind::kNumber, ItemKind::kPassFail, ItemKind::kText, ItemKind::kPhoto}) {
    if (ItemKindName(k) == name) return k;
  }
  return std::nullopt;
}

Status ValidateRoute(const InspectionRoute& route) {
  std::vector<FieldError> errors;
  if (route.name.empty()) errors.push_back({"name", T("field.empty")});
  if (route.checkpoints.empty()) errors.push_back({"checkpoints", T("field.empty")});
  if (route.checkpoints.size() > 200)
    errors.push_back({"checkpoints", T("maintenance.round.too_many", {{"max", 200.0}})});
  std::set<int64_t> seen_equipment;
  for (size_t i = 0; i < route.checkpoints.size(); ++i) {
    const auto& cp = route.checkpoints[i];
    const std::string at = fmt::format("checkpoints[{}]", i);
    if (cp.equipment_id <= 0) errors.push_back({at + ".equipment_id", T("field.id")});
    if (!seen_equipment.insert(cp.equipment_id).second) {
      errors.push_back({at + ".equipment_id", T("maintenance.round.checkpoint_twice")});
    }
    if (cp.items.empty()) errors.push_back({at + ".items", T("field.empty")});
    if (cp.items.size() > 50) errors.push_back({at + ".items", T("maintenance.round.too_many", {{"max", 50.0}})});
    std::set<std::string> keys;
    for (size_t j = 0; j < cp.items.size(); ++j) {
      const auto& it = cp.items[j];
      const std::string f = fmt::format("{}.items[{}]", at, j);
      if (!IsKey(it.key)) errors.push_back({f + ".key", T("maintenance.round.key")});
      if (!keys.insert(it.key).second) errors.push_back({f + ".key", T("maintenance.round.key_twice")});
      if (it.label.empty()) errors.push_back({f + ".label", T("field.empty")});
      if (it.kind == ItemKind::kNumber) {
        if (it.low && !std::isfinite(*it.low)) errors.push_back({f + ".low", T("field.not_finite")});
        if (it.high && !std::isfinite(*it.high)) errors.push_back({f + ".high", T("field.not_finite")});
        if (it.low && it.high && *it.low > *it.high) {
          errors.push_back({f + ".high", T("field.at_least", {{"min", *it.low}})});
        }
      } else if (it.low || it.high || !it.unit.empty()) {
        errors.push_back({f + (it.low    ? ".low"
                               : it.high ? ".high"
                                         : ".unit"),
                          T("maintenance.round.limits_on_number_only")});
      }
    }
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

Result<InspectionRoute> RouteFromJson(const Json& j) {
  InspectionRoute r;
  JsonReader in(j);
  r.name = in.String("name", JsonReader::kRequired, 200).value_or("");
  const Json* cps = in.Array("checkpoints", JsonReader::kRequired);
  // Fields other readers take (the enterprise, the schedule) are read by the caller.
  (void)in.Has("schedule");
  if (cps) {
    for (size_t i = 0; i < cps->size(); ++i) {
      const Json& c = (*cps)[i];
      const std::string at = fmt::format("checkpoints[{}]", i);
      if (!c.is_object()) {
        in.Fail(FieldError{at, T("field.not_object")});
        continue;
      }
      JsonReader cr(c, at);
      Checkpoint cp;
      cp.equipment_id = cr.Integer("equipment_id", JsonReader::kRequired).value_or(0);
      const Json* items = cr.Array("items", JsonReader::kRequired);
      if (items) {
        for (size_t k = 0; k < items->size(); ++k) {
          const Json& ij = (*items)[k];
          const std::string f = fmt::format("{}.items[{}]", at, k);
          if (!ij.is_object()) {
            cr.Fail(FieldError{f, T("field.not_object")});
            continue;
          }
          JsonReader ir(ij, f);
          ChecklistItem it;
          it.key = ir.String("key", JsonReader::kRequired, 40).value_or("");
          it.label = ir.String("label", JsonReader::kRequired, 200).value_or("");
          const auto kind = ir.String("kind", JsonReader::kRequired, 20);
          if (kind) {
            if (auto k2 = ParseItemKind(*kind)) {
              it.kind = *k2;
            } else {
              ir.Fail("kind", T("field.one_of", {{"allowed", "number, pass_fail, text, photo"}}));
            }
          }
          it.low = ir.Number("low", JsonReader::kOptional);
          it.high = ir.Number("high", JsonReader::kOptional);
          it.unit = ir.String("unit", JsonReader::kOptional, 20).value_or("");
          it.required = ir.Bool("required", JsonReader::kOptional).value_or(true);
          if (auto st = ir.Finish(); !st.ok()) cr.Fail(st.error());
          cp.items.push_back(std::move(it));
        }
      }
      if (auto st = cr.Finish(); !st.ok()) in.Fail(st.error());
      r.checkpoints.push_back(std::move(cp));
    }
  }
  PARK_TRY(in.Finish());
  PARK_TRY(ValidateRoute(r));
  return r;
}

Json CheckpointsJson(const std::vector<Checkpoint>& checkpoints) {
  Json out = Json::array();
  for (const auto& cp : checkpoints) {
    Json items = Json::array();
    for (const auto& it : cp.items) {
      Json i = {{"key", it.key}, {"label", it.label}, {"kind", ItemKindName(it.kind)}, {"required", it.required}};
      if (it.kind == ItemKind::kNumber) {
        i["low"] = it.low ? Json(*it.low) : Json(nullptr);
        i["high"] = it.high ? Json(*it.high) : Json(nullptr);
        i["unit"] = it.unit;
      }
      items.push_back(std::move(i));
    }
    out.push_back({{"equipment_id", cp.equipment_id}, {"items", std::move(items)}});
  }
  return out;
}

std::string_view ScheduleKindName(ScheduleKind kind) { return kind == ScheduleKind::kDaily ? "daily" : "shift"; }

std::optional<ScheduleKind> ParseScheduleKind(std::string_view name) {
  if (name == "daily") return ScheduleKind::kDaily;
  if (name == "shift") return ScheduleKind::kShift;
  return std::nullopt;
}

Result<int> ParseClock(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return Error::Invalid(std::string(field), T("maintenance.round.clock", {{"value", std::string(text)}}));
  };
  if (text.size() != 5 || text[2] != ':') return bad();
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return bad();
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return bad();
  return h * 60 + m;
}

std::string FormatClock(int minutes) { return fmt::format("{:02d}:{:02d}", minutes / 60, minutes % 60); }

Status ValidateSchedule(const RoundSchedule& s) {
  if (s.kind == ScheduleKind::kDaily && s.starts.size() != 1) {
    return Error::Invalid("schedule.starts", T("maintenance.round.daily_one_start"));
  }
  if (s.kind == ScheduleKind::kShift && (s.starts.size() < 2 || s.starts.size() > 6)) {
    return Error::Invalid("schedule.starts", T("maintenance.round.shift_starts", {{"min", 2.0}, {"max", 6.0}}));
  }
  for (size_t i = 0; i < s.starts.size(); ++i) {
    if (s.starts[i] < 0 || s.starts[i] >= 1440) {
      return Error::Invalid(fmt::format("schedule.starts[{}]", i),
                            T("field.integer_range", {{"min", 0.0}, {"max", 1439.0}}));
    }
    if (i > 0 && s.starts[i] <= s.starts[i - 1]) {
      return Error::Invalid(fmt::format("schedule.starts[{}]", i), T("maintenance.round.starts_ascending"));
    }
  }
  return Status::Ok();
}

namespace {

RoundWindow MakeWindow(const RoundSchedule& s, const LocalDate& date, size_t shift, int utc_offset_minutes) {
  RoundWindow w;
  w.date = date;
  w.shift = static_cast<int>(shift);
  const int64_t midnight = LocalMidnightMs(date, utc_offset_minutes);
  w.start_ms = midnight + s.starts[shift] * kMinuteMs;
  w.end_ms = shift + 1 < s.starts.size() ? midnight + s.starts[shift + 1] * kMinuteMs
                                         : midnight + kDayMs + s.starts[0] * kMinuteMs;
  w.slot = FormatLocalDate(date) + "T" + FormatClock(s.starts[shift]);
  return w;
}

}  // namespace

RoundWindow WindowAt(const RoundSchedule& s, int64_t at_ms, int utc_offset_minutes) {
  if (s.starts.empty()) return {};
  const LocalDate today = LocalDateOf(at_ms, utc_offset_minutes);
  const int64_t minute = FloorDiv(at_ms - LocalMidnightMs(today, utc_offset_minutes), kMinuteMs);
  // The last start at or before `minute` today; before the first start we are in yesterday's last window.
  for (size_t i = s.starts.size(); i-- > 0;) {
    if (s.starts[i] <= minute) return MakeWindow(s, today, i, utc_offset_minutes);
  }
  return MakeWindow(s, AddDays(today, -1), s.starts.size() - 1, utc_offset_minutes);
}

std::vector<RoundWindow> WindowsBetween(const RoundSchedule& s, int64_t from_ms, int64_t to_ms, int utc_offset_minutes,
                                        size_t limit) {
  std::vector<RoundWindow> out;
  if (s.starts.empty() || from_ms >= to_ms) return out;
  RoundWindow w = WindowAt(s, from_ms, utc_offset_minutes);
  while (w.start_ms < to_ms && out.size() < limit) {
    out.push_back(w);
    const size_t next = static_cast<size_t>(w.shift) + 1;
    w = next < s.starts.size() ? MakeWindow(s, w.date, next, utc_offset_minutes)
                               : MakeWindow(s, AddDays(w.date, 1), 0, utc_offset_minutes);
  }
  return out;
}

std::string_view RoundStatusName(RoundStatus status) {
  switch (status) {
    case RoundStatus::kUpcoming: return "upcoming";
    case RoundStatus::kDue: return "due";
    case RoundStatus::kInProgress: return "in_progress";
    case RoundStatus::kDone: return "done";
    case RoundStatus::kLate: return "late";
    case RoundStatus::kMissed: return "missed";
  }
  return "due";
}

std::optional<RoundStatus> ParseRoundStatus(std::string_view name) {
  for (RoundStatus s : {RoundStatus::kUpcoming, RoundStatus::kDue, RoundStatus::kInProgress, RoundStatus::kDone,
                        RoundStatus::kLate, RoundStatus::kMissed}) {
    if (RoundStatusName(s) == name) return s;
  }
  return std::nullopt;
}

RoundStatus StatusOf(const RoundWindow& w, std::optional<int64_t> started_ms, std::optional<int64_t> submitted_ms,
                     int64_t now_ms) {
  const bool started_in_time = started_ms && *started_ms < w.end_ms;
  if (!started_in_time) {
    if (now_ms < w.start_ms) return RoundStatus::kUpcoming;
    return now_ms < w.end_ms ? RoundStatus::kDue : RoundStatus::kMissed;
  }
  if (submitted_ms) return *submitted_ms <= w.end_ms ? RoundStatus::kDone : RoundStatus::kLate;
  return now_ms < w.end_ms ? RoundStatus::kInProgress : RoundStatus::kLate;
}

Result<std::vector<Answer>> AnswersFromJson(const Json& answers, const InspectionRoute& route) {
  std::vector<Answer> out;
  std::vector<FieldError> errors;
  if (!answers.is_array()) return Error::Invalid("answers", T("field.not_array"));
  for (size_t i = 0; i < answers.size(); ++i) {
    const std::string at = fmt::format("answers[{}]", i);
    const Json& a = answers[i];
    if (!a.is_object()) {
      errors.push_back({at, T("field.not_object")});
      continue;
    }
    JsonReader r(a, at);
    Answer ans;
    ans.equipment_id = r.Integer("equipment_id", JsonReader::kRequired).value_or(0);
    ans.item = r.String("item", JsonReader::kRequired, 40).value_or("");
    ans.text = r.String("remark", JsonReader::kOptional, 2000).value_or("");
    const ChecklistItem* item = nullptr;
    for (const auto& cp : route.checkpoints) {
      if (cp.equipment_id != ans.equipment_id) continue;
      for (const auto& it : cp.items) {
        if (it.key == ans.item) item = &it;
      }
    }
    if (ans.equipment_id > 0 && !ans.item.empty() && item == nullptr) {
      r.Fail("item", T("maintenance.round.no_such_item", {{"item", ans.item}}));
    }
    if (item != nullptr) {
      switch (item->kind) {
        case ItemKind::kNumber: ans.number = r.Number("value", JsonReader::kRequired); break;
        case ItemKind::kPassFail: ans.passed = r.Bool("value", JsonReader::kRequired); break;
        case ItemKind::kText: {
          auto t = r.String("value", JsonReader::kRequired, 2000);
          if (t) ans.text = *t;
          break;
        }
        case ItemKind::kPhoto: ans.photo_id = r.Integer("value", JsonReader::kRequired); break;
      }
    } else {
      (void)r.Has("value");
    }
    if (auto st = r.Finish(); !st.ok()) {
      for (const auto& fe : st.error().fields) errors.push_back(fe);
      if (st.error().fields.empty()) errors.push_back({st.error().field, st.error().text});
    }
    out.push_back(std::move(ans));
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return out;
}

Result<std::vector<Finding>> Evaluate(const InspectionRoute& route, const std::vector<Answer>& answers) {
  std::vector<Finding> findings;
  std::vector<FieldError> errors;
  std::set<std::pair<int64_t, std::string>> answered;
  for (size_t i = 0; i < answers.size(); ++i) {
    const auto& a = answers[i];
    const std::string at = fmt::format("answers[{}]", i);
    if (!answered.insert({a.equipment_id, a.item}).second) {
      errors.push_back({at + ".item", T("maintenance.round.answered_twice", {{"item", a.item}})});
      continue;
    }
    const ChecklistItem* item = nullptr;
    for (const auto& cp : route.checkpoints) {
      if (cp.equipment_id != a.equipment_id) continue;
      for (const auto& it : cp.items) {
        if (it.key == a.item) item = &it;
      }
    }
    if (item == nullptr) {
      errors.push_back({at + ".item", T("maintenance.round.no_such_item", {{"item", a.item}})});
      continue;
    }
    const auto missing = [&] { errors.push_back({at + ".value", T("field.required")}); };
    switch (item->kind) {
      case ItemKind::kNumber:
        if (!a.number) {
          missing();
        } else if (item->low && *a.number < *item->low) {
          findings.push_back(
              {a.equipment_id, a.item,
               T("maintenance.round.finding.below_low",
                 {{"item", item->label}, {"value", *a.number}, {"limit", *item->low}, {"unit", item->unit}})});
        } else if (item->high && *a.number > *item->high) {
          findings.push_back(
              {a.equipment_id, a.item,
               T("maintenance.round.finding.above_high",
                 {{"item", item->label}, {"value", *a.number}, {"limit", *item->high}, {"unit", item->unit}})});
        }
        break;
      case ItemKind::kPassFail:
        if (!a.passed) {
          missing();
        } else if (!*a.passed) {
          findings.push_back({a.equipment_id, a.item,
                              T("maintenance.round.finding.failed", {{"item", item->label}, {"remark", a.text}})});
        }
        break;
      case ItemKind::kText:
        if (a.text.empty() && item->required) missing();
        break;
      case ItemKind::kPhoto:
        if (!a.photo_id && item->required) missing();
        break;
    }
  }
  for (const auto& cp : route.checkpoints) {
    for (const auto& it : cp.items) {
      if (it.required && !answered.count({cp.equipment_id, it.key})) {
        errors.push_back({"answers", T("maintenance.round.unanswered",
                                       {{"item", it.label}, {"equipment_id", static_cast<double>(cp.equipment_id)}})});
      }
    }
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return findings;
}

}  // namespace park::maintenance
