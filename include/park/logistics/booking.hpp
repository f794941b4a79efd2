// Booking a loading dock: the checks a booking must pass (plate, goods, documents, the dock's hours and classes,
// lead time and cutoff, blacklist, slot capacity, park-wide caps per class), the booking's status machine and the
// order in which the waiting lot is called in. Pure: the service stores bookings and feeds them back in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"
#include "park/logistics/goods.hpp"
#include "park/logistics/vehicle.hpp"

namespace park::logistics {

// Persisted: do not renumber.
enum class Operation { kLoading = 0, kUnloading = 1 };
std::string_view OperationName(Operation op);  // "loading", "unloading"

struct Dock {
  std::string id;
  std::string name;  // what people call it (the registry facility's name); texts name the dock by it
  std::string enterprise_id;
  int open_minute = 8 * 60;                 // park-local minutes after midnight, every day
  int close_minute = 18 * 60;               // the last slot ends by then
  int slot_minutes = 60;                    // slots start at open_minute and every slot_minutes after
  int parallel_capacity = 1;                // vehicles served at once
  std::vector<std::string> allowed_labels;  // classes ("3", "8") or divisions ("2.1"); a class admits its divisions
  int loading_minutes = 60;                 // service time per operation
  int unloading_minutes = 60;
  bool requires_approval = false;  // the enterprise approves bookings (requested -> scheduled)

  int service_minutes(Operation op) const { return op == Operation::kLoading ? loading_minutes : unloading_minutes; }
  bool Accepts(std::string_view label) const;
  // The dock as texts for people name it: its name, or its id when it has none.
  const std::string& DisplayName() const { return name.empty() ? id : name; }
};

// The park's rules, each with its default.
struct ParkRules {
  int utc_offset_min = kChinaUtcOffsetMin;
  int lead_time_min = 120;               // a slot must start at least this long after booking
  int next_day_cutoff_minute = 16 * 60;  // bookings for tomorrow close at this park-local time today
  int max_days_ahead = 7;                // how far ahead one may book
  // Vehicles carrying a class (or division) whose slots overlap, park-wide: {"2.3", 4}, {"1", 2}.
  std::vector<std::pair<std::string, int>> class_caps;
  int park_vehicle_cap = 30;         // hazardous vehicles inside the park at once (calling)
  int overstay_min = 6 * 60;         // in the park longer than this: warning
  int late_grace_min = 15;           // not arrived this long after the slot start: late
  int no_show_grace_min = 60;        // not arrived this long after the slot start: no-show
  int on_time_tolerance_min = 15;    // arrived no later than this after the slot start: on time (KPI)
  int violations_for_blacklist = 3;  // this many violations ...
  int violation_window_days = 365;   // ... within this many days ...
  int blacklist_days = 365;          // ... blacklist for this long
  int document_warning_days = 30;    // documents expiring within this many days: warning and risk
};

struct GoodsLine {
  std::string un_number;
  double quantity_kg = 0;
};

struct BookingRequest {
  std::string plate;
  std::string carrier_id;
  std::string driver_id;
  std::string escort_id;
  std::string dock_id;
  int64_t slot_start_ms = 0;
  Operation operation = Operation::kLoading;
  std::vector<GoodsLine> goods;
  DocumentCheckInput documents;
};

// Who may not book, until when. subject: "plate", "driver", "escort" or "carrier".
struct BlacklistEntry {
  std::string subject;
  std::string id;
  int64_t until_ms = 0;
};

// Persisted: do not renumber.
enum class BookingStatus {
  kRequested = 0,
  kScheduled = 1,
  kArrived = 2,
  kInProgress = 3,
  kCompleted = 4,
  kNoShow = 5,
  kCancelled = 6,
  kRefused = 7,
};
std::string_view StatusName(BookingStatus s);  // "requested", "scheduled", "arrived", "in_progress", ...
std::optional<BookingStatus> ParseStatus(std::string_view name);
std::span<const BookingStatus> AllStatuses();
// requested -> scheduled | refused | cancelled; scheduled -> arrived | no_show | cancelled; arrived -> in_progress |
// refused | cancelled; in_progress -> completed; the last four end a booking.
std::vector<BookingStatus> AllowedNext(BookingStatus from);
// Whether a booking in this status holds its place in the slot and counts against the caps.
bool HoldsPlace(BookingStatus s);
// One step. A step that does not exist: Invalid "status" (logistics.status.transition, with the allowed ones);
// to no_show, cancelled or refused without a reason: Invalid "reason" (logistics.status.reason_required).
Status CheckTransition(BookingStatus from, BookingStatus to, const Text& reason);

// What a booking that passed the checks holds.
struct CheckedBooking {
  Plate plate;
  std::string dock_id;
  int64_t slot_start_ms = 0;
  int64_t slot_end_ms = 0;
  int64_t service_end_ms = 0;                        // slot start + service time
  std::vector<std::string> labels;                   // every label of every goods, once each
  std::vector<const Goods*> goods;                   // from the table, in request order
  BookingStatus status = BookingStatus::kRequested;  // requested when the dock needs approval, else scheduled
};

// Validates bookings and keeps the count of places taken per dock slot and per class cap. The goods table and the
// matrix are borrowed and must outlive the scheduler. Not thread-safe: the service holds one per park under its lock
// (or rebuilds it from storage in a transaction).
class Scheduler {
 public:
  Scheduler(const GoodsTable& goods, const MixingMatrix& matrix, ParkRules rules, std::vector<Dock> docks);

  // Every check, nothing reserved. Errors, in this order:
  //  - Invalid with every bad field: plate, dock_id (logistics.dock.unknown), goods (logistics.goods.missing,
  //    logistics.goods.mixed_load), goods[i].un_number (unknown, format, logistics.dock.class_not_allowed),
  //    goods[i].quantity_kg (logistics.goods.quantity), slot_start (logistics.slot.outside_hours, misaligned, past,
  //    lead_time, cutoff, too_far), documents.<kind>;
  //  - FailedPrecondition naming plate/driver_id/escort_id/carrier_id: logistics.blacklisted;
  //  - Conflict "slot_start": logistics.slot.full; Conflict "goods": logistics.cap.class_full.
  Result<CheckedBooking> Check(const BookingRequest& request, int64_t now_ms) const;
  // Check, then take the place.
  Result<CheckedBooking> Book(const BookingRequest& request, int64_t now_ms);
  // Take or give back a place for a stored booking (loading the day, cancelling, no-show, refusal).
  void Reserve(const CheckedBooking& booking);
  void Release(const CheckedBooking& booking);

  void SetBlacklist(std::vector<BlacklistEntry> entries) { blacklist_ = std::move(entries); }
  int Taken(std::string_view dock_id, int64_t slot_start_ms) const;
  // Vehicles carrying `cap_label` whose slots overlap [from, to).
  int CapCount(std::string_view cap_label, int64_t from_ms, int64_t to_ms) const;
  const Dock* FindDock(std::string_view id) const;
  const ParkRules& rules() const { return rules_; }
  const std::vector<Dock>& docks() const { return docks_; }

 private:
  static constexpr int64_t kBucketMs = 5 * kMsPerMinute;  // cap counting resolution
  const GoodsTable& goods_;
  const MixingMatrix& matrix_;
  ParkRules rules_;
  std::vector<Dock> docks_;
  std::unordered_map<std::string, size_t> dock_index_;
  std::vector<std::unordered_map<int64_t, int>> taken_;        // per dock: slot start -> places taken
  std::vector<std::unordered_map<int64_t, int>> cap_buckets_;  // per class cap: 5-minute bucket -> vehicles
  std::vector<BlacklistEntry> blacklist_;

  void Count(const CheckedBooking& booking, int delta);
};

// True when a label falls under a cap or dock entry: equal, or the entry is the label's class ("2" covers "2.3").
bool LabelFallsUnder(std::string_view label, std::string_view entry);

// ---- Calling from the waiting lot ------------------------------------------------------------------------
struct Waiting {
  std::string booking_id;
  std::string dock_id;
  bool walk_in = false;        // came without a booking
  int64_t appointment_ms = 0;  // slot start (booked vehicles)
  int64_t arrived_ms = 0;      // gate check-in
};
struct CallState {
  int in_park = 0;  // vehicles inside the park (called in, at docks, leaving)
  int park_cap = 30;
  int dock_busy = 0;  // vehicles at the dock or called to it
  int dock_capacity = 1;
  std::string dock_name;  // how the reason names the dock (Dock::DisplayName()); empty: by its id
};
struct Call {
  std::optional<std::string> booking_id;  // nullopt: nobody is called
  Text reason;  // logistics.call.booked / walk_in when called; park_full, dock_busy, nobody_waiting when not
};
// The waiting vehicles for `dock_id` in calling order: booked vehicles by appointment (then arrival, then id), then
// walk-ins by arrival (then id).
std::vector<Waiting> CallingOrder(const std::vector<Waiting>& lot, std::string_view dock_id);
// Whom to call when `dock_id` frees: nobody while the park is at its cap or the dock has no free place. The reason
// names the dock by state.dock_name (its id when that is empty).
Call NextToCall(const std::vector<Waiting>& lot, std::string_view dock_id, const CallState& state);

}  // namespace park::logistics
