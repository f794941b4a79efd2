#include "park/logistics/booking.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace park::logistics {
namespace {

using S = BookingStatus;

constexpr std::array<S, 8> kStatuses = {S::kRequested, S::kScheduled, S::kArrived,   S::kInProgress,
                                        S::kCompleted, S::kNoShow,    S::kCancelled, S::kRefused};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out.empty() ? "-" : out;
}

std::string HourMinute(int minute) {
  const int h = minute / 60, m = minute % 60;
  std::string out;
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
  return out;
}

// A status as a catalogue text, so that a Chinese page names it in Chinese.
TextRef StatusRef(BookingStatus s) { return {"logistics.status.name." + std::string(StatusName(s))}; }

}  // namespace

std::string_view OperationName(Operation op) { return op == Operation::kLoading ? "loading" : "unloading"; }

bool LabelFallsUnder(std::string_view label, std::string_view entry) {
  if (label == entry) return true;
  // "4.1+1" falls under 4.1 (and 1); a class entry covers its divisions.
  if (label.size() > entry.size() && label.starts_with(entry) &&
      (label[entry.size()] == '.' || label[entry.size()] == '+')) {
    return true;
  }
  return false;
}

bool Dock::Accepts(std::string_view label) const {
  for (const auto& a : allowed_labels) {
    if (LabelFallsUnder(label, a)) return true;
  }
  return false;
}

// ---- Status machine -----------------------------------------------------------------------------------

std::string_view StatusName(BookingStatus s) {
  switch (s) {
    case S::kRequested: return "requested";
    case S::kScheduled: return "scheduled";
    case S::kArrived: return "arrived";
    case S::kInProgress: return "in_progress";
    case S::kCompleted: return "completed";
    case S::kNoShow: return "no_show";
    case S::kCancelled: return "cancelled";
    case S::kRefused: return "refused";
  }
  return "requested";
}

std::optional<BookingStatus> ParseStatus(std::string_view name) {
  for (S s : kStatuses) {
    if (StatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::span<const BookingStatus> AllStatuses() { return kStatuses; }

std::vector<BookingStatus> AllowedNext(BookingStatus from) {
  switch (from) {
    case S::kRequested: return {S::kScheduled, S::kRefused, S::kCancelled};
    case S::kScheduled: return {S::kArrived, S::kNoShow, S::kCancelled};
    case S::kArrived: return {S::kInProgress, S::kRefused, S::kCancelled};
    case S::kInProgress: return {S::kCompleted};
    case S::kCompleted:
    case S::kNoShow:
    case S::kCancelled:
    case S::kRefused: return {};
  }
  return {};
}

bool HoldsPlace(BookingStatus s) {
  return s == S::kRequested || s == S::kScheduled || s == S::kArrived || s == S::kInProgress || s == S::kCompleted;
}

Status CheckTransition(BookingStatus from, BookingStatus to, const Text& reason) {
  const auto next = AllowedNext(from);
  if (std::find(next.begin(), next.end(), to) == next.end()) {
    std::vector<std::string> names;
    for (S s : next) names.emplace_back(StatusName(s));
    return Error::Invalid("status", T("logistics.status.transition",
                                      {{"from", StatusRef(from)}, {"to", StatusRef(to)}, {"allowed", Join(names)}}));
  }
  if ((to == S::kNoShow || to == S::kCancelled || to == S::kRefused) && reason.empty()) {
    return Error::Invalid("reason", T("logistics.status.reason_required", {{"to", StatusRef(to)}}));
  }
  return Status::Ok();
}

// ---- Scheduler ----------------------------------------------------------------------------------------

Scheduler::Scheduler(const GoodsTable& goods, const MixingMatrix& matrix, ParkRules rules, std::vector<Dock> docks)
    : goods_(goods), matrix_(matrix), rules_(std::move(rules)), docks_(std::move(docks)) {
  for (size_t i = 0; i < docks_.size(); ++i) dock_index_.emplace(docks_[i].id, i);
  taken_.resize(docks_.size());
  cap_buckets_.resize(rules_.class_caps.size());
}

const Dock* Scheduler::FindDock(std::string_view id) const {
  const auto it = dock_index_.find(std::string(id));
  return it == dock_index_.end() ? nullptr : &docks_[it->second];
}

int Scheduler::Taken(std::string_view dock_id, int64_t slot_start_ms) const {
  const auto it = dock_index_.find(std::string(dock_id));
  if (it == dock_index_.end()) return 0;
  const auto& m = taken_[it->second];
  const auto s = m.find(slot_start_ms);
  return s == m.end() ? 0 : s->second;
}

int Scheduler::CapCount(std::string_view cap_label, int64_t from_ms, int64_t to_ms) const {
  for (size_t c = 0; c < rules_.class_caps.size(); ++c) {
    if (rules_.class_caps[c].first != cap_label) continue;
    int most = 0;
    for (int64_t b = FloorDiv(from_ms, kBucketMs); b * kBucketMs < to_ms; ++b) {
      const auto it = cap_buckets_[c].find(b);
      if (it != cap_buckets_[c].end()) most = std::max(most, it->second);
    }
    return most;
  }
  return 0;
}

void Scheduler::Count(const CheckedBooking& booking, int delta) {
  const auto it = dock_index_.find(booking.dock_id);
  if (it != dock_index_.end()) taken_[it->second][booking.slot_start_ms] += delta;
  for (size_t c = 0; c < rules_.class_caps.size(); ++c) {
    const auto& cap = rules_.class_caps[c].first;
    const bool carries = std::any_of(booking.labels.begin(), booking.labels.end(),
                                     [&](const std::string& l) { return LabelFallsUnder(l, cap); });
    if (!carries) continue;
    for (int64_t b = FloorDiv(booking.slot_start_ms, kBucketMs); b * kBucketMs < booking.slot_end_ms; ++b) {
      cap_buckets_[c][b] += delta;
    }
  }
}

void Scheduler::Reserve(const CheckedBooking& booking) { Count(booking, +1); }
void Scheduler::Release(const CheckedBooking& booking) { Count(booking, -1); }

Result<CheckedBooking> Scheduler::Check(const BookingRequest& req, int64_t now_ms) const {
  std::vector<FieldError> errors;
  CheckedBooking out;

  auto plate = ParsePlate(req.plate, "plate");
  if (plate.ok()) {
    out.plate = *plate;
  } else {
    errors.push_back({"plate", plate.error().text});
  }

  const Dock* dock = FindDock(req.dock_id);
  if (dock == nullptr) errors.push_back({"dock_id", T("logistics.dock.unknown", {{"dock", req.dock_id}})});

  // Goods: known, with a quantity, fit to share one load, and every label accepted by the dock.
  if (req.goods.empty()) errors.push_back({"goods", T("logistics.goods.missing")});
  std::vector<std::vector<std::string>> load;
  for (size_t i = 0; i < req.goods.size(); ++i) {
    const std::string at = "goods[" + std::to_string(i) + "]";
    const auto& line = req.goods[i];
    auto g = goods_.Lookup(line.un_number, at + ".un_number");
    if (!g.ok()) {
      errors.push_back({at + ".un_number", g.error().text});
    } else {
      out.goods.push_back(*g);
      load.push_back((*g)->labels);
      for (const auto& l : (*g)->labels) {
        if (std::find(out.labels.begin(), out.labels.end(), l) == out.labels.end()) out.labels.push_back(l);
        if (dock != nullptr && !dock->Accepts(l)) {
          errors.push_back(
              {at + ".un_number", T("logistics.dock.class_not_allowed", {{"dock", dock->DisplayName()},
                                                                         {"un_number", (*g)->un_number},
                                                                         {"label", l},
                                                                         {"allowed", Join(dock->allowed_labels)}})});
        }
      }
    }
    if (!(line.quantity_kg > 0) || !std::isfinite(line.quantity_kg)) {
      errors.push_back({at + ".quantity_kg", T("logistics.goods.quantity")});
    }
  }
  if (load.size() == req.goods.size() && load.size() > 1) {
    const auto mixed = matrix_.CheckLoad(load);
    if (!mixed.pair.compatible()) {
      errors.push_back(
          {"goods", T("logistics.goods.mixed_load",
                      {{"un_a", out.goods[mixed.goods_a]->un_number},
                       {"un_b", out.goods[mixed.goods_b]->un_number},
                       {"label_a", mixed.pair.label_a},
                       {"label_b", mixed.pair.label_b},
                       {"verdict", TextRef{"logistics.verdict." + std::string(VerdictName(mixed.pair.verdict))}}})});
    }
  }

  // The slot: on the dock's grid, within its hours, far enough ahead, before tomorrow's cutoff, not too far ahead.
  const int off = rules_.utc_offset_min;
  const int64_t slot_day = DayOf(req.slot_start_ms, off);
  if (dock != nullptr) {
    const int minute = MinuteOfDay(req.slot_start_ms, off);
    const bool on_minute = req.slot_start_ms % kMsPerMinute == 0;
    if (minute < dock->open_minute || minute + dock->slot_minutes > dock->close_minute) {
      errors.push_back({"slot_start", T("logistics.slot.outside_hours", {{"dock", dock->DisplayName()},
                                                                         {"open", HourMinute(dock->open_minute)},
                                                                         {"close", HourMinute(dock->close_minute)}})});
    } else if (!on_minute || dock->slot_minutes <= 0 || (minute - dock->open_minute) % dock->slot_minutes != 0) {
      errors.push_back({"slot_start", T("logistics.slot.misaligned", {{"dock", dock->DisplayName()},
                                                                      {"open", HourMinute(dock->open_minute)},
                                                                      {"slot_minutes", dock->slot_minutes}})});
    }
    out.dock_id = dock->id;
    out.slot_end_ms = req.slot_start_ms + dock->slot_minutes * kMsPerMinute;
    out.service_end_ms = req.slot_start_ms + dock->service_minutes(req.operation) * kMsPerMinute;
    out.status = dock->requires_approval ? S::kRequested : S::kScheduled;
  }
  out.slot_start_ms = req.slot_start_ms;
  const int64_t today = DayOf(now_ms, off);
  if (req.slot_start_ms <= now_ms) {
    errors.push_back({"slot_start", T("logistics.slot.past")});
  } else if (req.slot_start_ms - now_ms < rules_.lead_time_min * kMsPerMinute) {
    errors.push_back({"slot_start", T("logistics.slot.lead_time", {{"lead_time_min", rules_.lead_time_min}})});
  } else if (slot_day == today + 1 && MinuteOfDay(now_ms, off) >= rules_.next_day_cutoff_minute) {
    errors.push_back(
        {"slot_start", T("logistics.slot.cutoff", {{"cutoff", HourMinute(rules_.next_day_cutoff_minute)}})});
  } else if (slot_day > today + rules_.max_days_ahead) {
    errors.push_back({"slot_start", T("logistics.slot.too_far", {{"days", rules_.max_days_ahead}})});
  }

  // Documents valid on the day of the slot.
  if (auto docs = CheckDocuments(req.documents, slot_day); !docs.ok()) {
    const auto& e = docs.error();
    for (const auto& f : e.fields) errors.push_back(f);
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));

  // The blacklist.
  const std::pair<const char*, const std::string*> subjects[] = {
      {"plate", &out.plate.text}, {"driver", &req.driver_id}, {"escort", &req.escort_id}, {"carrier", &req.carrier_id}};
  for (const auto& [subject, id] : subjects) {
    if (id->empty()) continue;
    for (const auto& b : blacklist_) {
      // Plates on the list are compared as plates ("鲁A·66666" is "鲁A66666").
      const bool same = b.id == *id || (std::string_view(subject) == "plate" && ParsePlate(b.id).ok() &&
                                        ParsePlate(b.id)->text == *id);
      if (b.subject == subject && same && b.until_ms > now_ms) {
        const std::string field = std::string(subject) == "plate" ? "plate" : std::string(subject) + "_id";
        return Error::Coded(
            ErrorCode::kFailedPrecondition,
            T("logistics.blacklisted", {{"subject", TextRef{"logistics.subject." + std::string(subject)}},
                                        {"id", *id},
                                        {"until", FormatDay(DayOf(b.until_ms, off))}}),
            field);
      }
    }
  }

  // Places: the dock's parallel capacity in the slot, then the park-wide caps per class over the slot.
  if (Taken(dock->id, req.slot_start_ms) >= dock->parallel_capacity) {
    return Error::Conflict(
        T("logistics.slot.full", {{"dock", dock->DisplayName()}, {"capacity", dock->parallel_capacity}}), "slot_start");
  }
  for (const auto& cap_entry : rules_.class_caps) {
    const std::string& cap_label = cap_entry.first;  // not a structured binding: clang 15 cannot capture those
    const int cap = cap_entry.second;
    const bool carries = std::any_of(out.labels.begin(), out.labels.end(),
                                     [&](const std::string& l) { return LabelFallsUnder(l, cap_label); });
    if (carries && CapCount(cap_label, out.slot_start_ms, out.slot_end_ms) >= cap) {
      return Error::Conflict(T("logistics.cap.class_full", {{"label", cap_label}, {"cap", cap}}), "goods");
    }
  }
  return out;
}

Result<CheckedBooking> Scheduler::Book(const BookingRequest& request, int64_t now_ms) {
  PARK_ASSIGN_OR_RETURN(CheckedBooking b, Check(request, now_ms));
  Reserve(b);
  return b;
}

// ---- Calling ------------------------------------------------------------------------------------------

std::vector<Waiting> CallingOrder(const std::vector<Waiting>& lot, std::string_view dock_id) {
  std::vector<Waiting> out;
  for (const auto& w : lot) {
    if (w.dock_id == dock_id) out.push_back(w);
  }
  std::sort(out.begin(), out.end(), [](const Waiting& a, const Waiting& b) {
    if (a.walk_in != b.walk_in) return !a.walk_in;  // the priority card: booked first
    if (!a.walk_in && a.appointment_ms != b.appointment_ms) return a.appointment_ms < b.appointment_ms;
    if (a.arrived_ms != b.arrived_ms) return a.arrived_ms < b.arrived_ms;
    return a.booking_id < b.booking_id;
  });
  return out;
}

Call NextToCall(const std::vector<Waiting>& lot, std::string_view dock_id, const CallState& state) {
  Call call;
  const std::string dock = state.dock_name.empty() ? std::string(dock_id) : state.dock_name;
  if (state.in_park >= state.park_cap) {
    call.reason = T("logistics.call.park_full", {{"in_park", state.in_park}, {"cap", state.park_cap}});
    return call;
  }
  if (state.dock_busy >= state.dock_capacity) {
    call.reason = T("logistics.call.dock_busy", {{"dock", dock}, {"capacity", state.dock_capacity}});
    return call;
  }
  const auto order = CallingOrder(lot, dock_id);
  if (order.empty()) {
    call.reason = T("logistics.call.nobody_waiting", {{"dock", dock}});
    return call;
  }
  call.booking_id = order.front().booking_id;
  call.reason = order.front().walk_in ? T("logistics.call.walk_in", {{"dock", dock}})
                                      : T("logistics.call.booked", {{"dock", dock}});
  return call;
}

}  // namespace park::logistics
