// Watching the day: warnings (overstay, late arrival, no-show, expired documents, incompatible goods in one zone,
// repeated violations -> blacklist) from an injected clock; the expected wait per dock and hour; a risk score per
// vehicle with its reasons; and the KPIs per dock, enterprise and carrier. Pure: the service feeds in its records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/text.hpp"
#include "park/logistics/booking.hpp"
#include "park/logistics/goods.hpp"
#include "park/logistics/vehicle.hpp"

namespace park::logistics {

// One booking (or walk-in) as the monitor sees it: its times so far.
struct Visit {
  std::string booking_id;
  std::string plate;
  std::string driver_id;
  std::string carrier_id;
  std::string dock_id;
  BookingStatus status = BookingStatus::kScheduled;
  Operation operation = Operation::kLoading;
  bool walk_in = false;
  int64_t slot_start_ms = 0;          // walk-ins: their arrival
  std::optional<int64_t> arrived_ms;  // gate in
  std::optional<int64_t> dock_start_ms;
  std::optional<int64_t> dock_end_ms;
  std::optional<int64_t> departed_ms;  // gate out
  std::vector<Document> documents;     // the vehicle's, driver's and escort's
};

// ---- Warnings -----------------------------------------------------------------------------------------
// Persisted: do not renumber.
enum class WarningKind {
  kOverstay = 0,
  kLateArrival = 1,
  kNoShow = 2,
  kDocumentExpired = 3,
  kIncompatibleZone = 4,
  kBlacklist = 5,
};
std::string_view WarningKindName(WarningKind kind);  // "overstay", "late_arrival", "no_show", ...

struct Warning {
  WarningKind kind = WarningKind::kOverstay;
  std::string booking_id;  // the booking it concerns (the first of the two for a zone conflict)
  std::string key;         // stable per cause, to deduplicate: "<kind>:<booking>[:<detail>]"
  int64_t since_ms = 0;    // when the condition began
  Text text;               // logistics.warning.*
};

// Everything wrong now. Overstay: in the park (arrived, not departed) longer than rules.overstay_min. Late: a
// scheduled booking not arrived rules.late_grace_min after its slot start; no-show instead once
// rules.no_show_grace_min have passed. Expired documents: of a booking scheduled, arrived or in progress, on the
// park-local day. Incompatible goods in a zone: every pair (ZoneConflicts).
std::vector<Warning> Warnings(const std::vector<Visit>& visits, const std::vector<Zone>& zones,
                              const MixingMatrix& matrix, const ParkRules& rules, const Clock& clock);

// A violation on record (an overstay, a no-show, illegal parking ...), against a plate, driver or carrier.
struct Violation {
  std::string subject;  // as in BlacklistEntry
  std::string id;
  WarningKind kind = WarningKind::kOverstay;
  int64_t at_ms = 0;
};
struct BlacklistDecision {
  BlacklistEntry entry;  // until = the last violation + rules.blacklist_days
  int count = 0;         // violations within the window
  Text text;             // logistics.warning.blacklist
};
// Repeated violations: rules.violations_for_blacklist or more of one subject within rules.violation_window_days up
// to now put it on the blacklist. Violations of other subjects are ignored.
std::optional<BlacklistDecision> DecideBlacklist(const std::vector<Violation>& violations, std::string_view subject,
                                                 std::string_view id, const ParkRules& rules, const Clock& clock);

// ---- Prediction -----------------------------------------------------------------------------------------
struct DockHourWait {
  std::string dock_id;
  int64_t hour_start_ms = 0;  // the hour of (expected) arrival
  int vehicles = 0;
  double mean_wait_min = 0;
  double max_wait_min = 0;
};
struct WaitModel {
  double mean_lateness_min = 0;                             // observed arrival − slot start of booked vehicles so far
  std::vector<std::pair<std::string, double>> service_min;  // per dock: observed mean service, else the dock's
};
// The vehicles still to be served at each dock (requested, scheduled, arrived, in progress) are played through its
// parallel places: arrival = gate time, or slot start + the observed mean lateness (not before now); service = the
// dock's observed mean (dock end − dock start of finished visits), else its service time for the operation. Wait =
// start at the dock − arrival. Result per dock and hour of arrival, ordered by dock then hour.
std::vector<DockHourWait> PredictWaits(const std::vector<Visit>& visits, const std::vector<Dock>& docks,
                                       const Clock& clock, WaitModel* model = nullptr);

// ---- Risk ------------------------------------------------------------------------------------------------
struct RiskTerm {
  int points = 0;
  Text reason;  // logistics.risk.*
};
struct Risk {
  int score = 0;      // 0..100
  std::string level;  // "low" (< 30), "medium" (< 60), "high"
  std::vector<RiskTerm> terms;
};
struct RiskInput {
  std::vector<std::pair<const Goods*, double>> goods;  // with quantity in kg
  int violations = 0;                                  // the vehicle's and driver's on record in the window
  int no_shows = 0;
  std::vector<Document> documents;
};
// Points: the most dangerous label carried (class 1: 40, 2.3: 35, 7: 25, 2.1 / 4.x / 5.x / 6.1: 20, 3: 15,
// 8: 10, others 5); 1 per tonne carried up to 20; 10 per violation up to 30; 5 per no-show up to 15; 30 per expired
// document and 10 per document expiring within rules.document_warning_days. Capped at 100.
Risk RiskScore(const RiskInput& input, const ParkRules& rules, const Clock& clock);

// ---- KPIs ------------------------------------------------------------------------------------------------
enum class KpiGroup { kDock, kEnterprise, kCarrier };
struct KpiRow {
  std::string key;   // dock id, enterprise id or carrier id
  int bookings = 0;  // booked visits with a slot in the period, not cancelled or refused
  int arrived = 0;
  int completed = 0;
  int no_shows = 0;
  std::optional<double> mean_dwell_min;  // departed − arrived
  std::optional<double> mean_turn_min;   // departed − dock start
  std::optional<double> on_time_rate;    // arrived by slot start + tolerance, of those arrived
  std::optional<double> no_show_rate;    // no-shows of the bookings that fell due (arrived or no-show)
  std::optional<double> utilisation;     // booked slot minutes ÷ (open minutes × parallel capacity); not per carrier
};
// Over the park-local days [from_day, to_day] inclusive, by slot start.
std::vector<KpiRow> Kpis(const std::vector<Visit>& visits, const std::vector<Dock>& docks, KpiGroup group,
                         int64_t from_day, int64_t to_day, const ParkRules& rules);

}  // namespace park::logistics
