// Vehicles, drivers and their documents: Chinese licence plates (GA 36-2018) and the entry documents a hazardous-
// chemical vehicle needs on the day. Pure. Days are park-local calendar days counted from 1970-01-01.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::logistics {

constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;
// China Standard Time, the default park offset from UTC.
constexpr int kChinaUtcOffsetMin = 480;

// The park-local day of an instant.
int64_t DayOf(int64_t epoch_ms, int utc_offset_min);
// Minutes since park-local midnight of an instant.
int MinuteOfDay(int64_t epoch_ms, int utc_offset_min);
// The instant of park-local midnight starting `day`.
int64_t DayStartMs(int64_t day, int utc_offset_min);
// "2026-12-05" <-> day number. Invalid naming `field` (logistics.date.format) when not a real date.
Result<int64_t> ParseDay(std::string_view text, std::string_view field);
std::string FormatDay(int64_t day);

// ---- Licence plates -------------------------------------------------------------------------------------
enum class PlateKind {
  kOrdinary,        // province + authority + 5 letters/digits: blue or, for the heavy vehicles that carry
                    // hazardous goods, yellow (the text is the same; the colour is on the plate)
  kNewEnergySmall,  // province + authority + D/F-group letter + letter or digit + 4 digits (green)
  kNewEnergyLarge,  // province + authority + 5 digits + D/F-group letter (yellow-green)
  kTrailer,         // province + authority + 4 letters/digits + 挂: the yellow plate of a semi-trailer or tank trailer
};
std::string_view PlateKindName(PlateKind kind);  // "ordinary", "new_energy_small", "new_energy_large", "trailer"

struct Plate {
  std::string text;      // normalised: "鲁A12345", "苏E·D12345" -> "苏ED12345", no spaces or separators
  std::string province;  // "鲁"
  char authority = 'A';  // issuing office letter
  std::string serial;    // "12345", "D12345", "1234挂" -> "1234"
  PlateKind kind = PlateKind::kOrdinary;
};

// Parses a plate as people type it: spaces, the middle dot and hyphens ignored, Latin letters in either case.
// Errors are Invalid naming `field` with logistics.plate.* (empty, province, authority, length, character,
// new_energy, trailer).
Result<Plate> ParsePlate(std::string_view text, std::string_view field = "plate");

// ---- Documents ----------------------------------------------------------------------------------------
// Persisted by the service: do not renumber.
enum class DocumentKind {
  kRoadTransportPermit = 0,  // 道路运输证 of the vehicle
  kTankInspection = 1,       // 罐体检验合格证 of a tank vehicle
  kDriverQualification = 2,  // the driver's 从业资格证 for dangerous goods
  kEscortQualification = 3,  // the escort's (押运员) qualification
};
std::string_view DocumentKindName(DocumentKind kind);  // "road_transport_permit", "tank_inspection", ...
std::optional<DocumentKind> ParseDocumentKind(std::string_view name);

struct Document {
  DocumentKind kind = DocumentKind::kRoadTransportPermit;
  std::string number;
  std::optional<int64_t> valid_from_day;
  int64_t expires_day = 0;  // last day it is valid
};

// What the vehicle on a booking brings: its documents, and whether it is a tank vehicle (then it needs a tank
// inspection certificate).
struct DocumentCheckInput {
  std::vector<Document> documents;
  bool tank_vehicle = false;
  bool escort_required = true;  // hazardous goods by road travel with an escort (押运员)
};

// Every required document present and valid on `day`. Errors: Invalid with one FieldError per problem, fields
// "documents.<kind>" and codes logistics.document.missing / expired / not_yet_valid / number_missing.
Status CheckDocuments(const DocumentCheckInput& input, int64_t day);

// Documents that expire within `within_days` after `day` (or have expired): for warnings and the risk score.
struct Expiry {
  DocumentKind kind;
  int64_t expires_day = 0;
  int64_t days_left = 0;  // negative: expired that many days ago
};
std::vector<Expiry> ExpiringDocuments(const std::vector<Document>& documents, int64_t day, int within_days);

}  // namespace park::logistics
