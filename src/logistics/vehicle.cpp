#include "park/logistics/vehicle.hpp"

#include <array>
#include <cctype>

#include "park/core/time.hpp"

namespace park::logistics {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The 31 province-level abbreviations used on plates (mainland China).
constexpr std::array<std::string_view, 31> kProvinces = {
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
    "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼"};
constexpr std::string_view kTrailerMark = "挂";
constexpr std::string_view kMiddleDot = "\xC2\xB7";        // U+00B7 ·
constexpr std::string_view kBullet = "\xE2\x80\xA2";       // U+2022 •
constexpr std::string_view kKatakanaDot = "\xE3\x83\xBB";  // U+30FB ・ (Chinese IMEs type it)

// Letters of the serial: A-Z without I and O (they read as 1 and 0).
bool SerialChar(char c) {
  return (std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z')) && c != 'I' && c != 'O';
}
// Letters that mark a new-energy plate (D-group: battery electric; F-group: other new energy).
bool NewEnergyLetter(char c) { return std::string_view("ABCDEFGHJK").find(c) != std::string_view::npos; }
bool Digits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Error PlateError(std::string_view field, std::string code, std::vector<TextParam> params = {}) {
  return Error::Invalid(std::string(field), T("logistics.plate." + code, std::move(params)));
}

// The first UTF-8 character of `s` (or its first byte when it is not valid UTF-8).
std::string_view FirstChar(std::string_view s) {
  if (s.empty()) return s;
  const unsigned char c = static_cast<unsigned char>(s[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (n > s.size()) n = 1;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return s.substr(0, 1);
  }
  return s.substr(0, n);
}

// A character for an error's parameters: kept when it is valid UTF-8, else U+FFFD (parameters end up in JSON).
std::string Shown(std::string_view ch) {
  if (ch.size() == 1 && static_cast<unsigned char>(ch[0]) >= 0x80) return "\xEF\xBF\xBD";
  return std::string(ch);
}

}  // namespace

int64_t DayOf(int64_t epoch_ms, int utc_offset_min) {
  return FloorDiv(epoch_ms + utc_offset_min * kMsPerMinute, kMsPerDay);
}

int MinuteOfDay(int64_t epoch_ms, int utc_offset_min) {
  const int64_t local = epoch_ms + utc_offset_min * kMsPerMinute;
  return static_cast<int>((local - FloorDiv(local, kMsPerDay) * kMsPerDay) / kMsPerMinute);
}

int64_t DayStartMs(int64_t day, int utc_offset_min) { return day * kMsPerDay - utc_offset_min * kMsPerMinute; }

Result<int64_t> ParseDay(std::string_view text, std::string_view field) {
  if (text.size() != 10 || !IsValidDate(text)) {
    return Error::Invalid(std::string(field), T("logistics.date.format", {{"value", std::string(text.substr(0, 20))}}));
  }
  const auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  return DaysFromCivil(num(0, 4), static_cast<unsigned>(num(5, 2)), static_cast<unsigned>(num(8, 2)));
}

std::string FormatDay(int64_t day) { return FormatDateMs(day * kMsPerDay); }

// ---- Plates -------------------------------------------------------------------------------------------

std::string_view PlateKindName(PlateKind kind) {
  switch (kind) {
    case PlateKind::kOrdinary: return "ordinary";
    case PlateKind::kNewEnergySmall: return "new_energy_small";
    case PlateKind::kNewEnergyLarge: return "new_energy_large";
    case PlateKind::kTrailer: return "trailer";
  }
  return "ordinary";
}

Result<Plate> ParsePlate(std::string_view text, std::string_view field) {
  // Normalise: drop spaces and separators, upper-case Latin letters. Bounded: a plate is short.
  if (text.size() > 64) return PlateError(field, "length", {{"length", static_cast<int>(text.size())}});
  std::string s;
  for (size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with(kMiddleDot)) {
      i += kMiddleDot.size();
      continue;
    }
    if (rest.starts_with(kBullet)) {
      i += kBullet.size();
      continue;
    }
    if (rest.starts_with(kKatakanaDot)) {
      i += kKatakanaDot.size();
      continue;
    }
    const char c = text[i];
    if (c == ' ' || c == '-' || c == '.' || c == '\t') {
      ++i;
      continue;
    }
    s += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;  // multi-byte characters stay as they are
    ++i;
  }
  if (s.empty()) return PlateError(field, "empty");

  Plate plate;
  const std::string_view first = FirstChar(s);
  bool province = false;
  for (auto p : kProvinces) province = province || first == p;
  if (!province) return PlateError(field, "province", {{"value", Shown(first)}});
  plate.province = std::string(first);
  std::string_view rest = std::string_view(s).substr(first.size());
  if (rest.empty() || !(rest[0] >= 'A' && rest[0] <= 'Z') || rest[0] == 'I') {
    return PlateError(field, "authority", {{"value", Shown(FirstChar(rest))}});
  }
  plate.authority = rest[0];
  rest.remove_prefix(1);

  bool trailer = false;
  if (rest.ends_with(kTrailerMark)) {
    trailer = true;
    rest.remove_suffix(kTrailerMark.size());
  }
  for (size_t i = 0; i < rest.size();) {
    const std::string_view ch = FirstChar(rest.substr(i));
    if (ch.size() != 1 || !SerialChar(ch[0])) return PlateError(field, "character", {{"character", Shown(ch)}});
    i += ch.size();
  }
  plate.serial = std::string(rest);
  if (trailer) {
    if (rest.size() != 4) return PlateError(field, "trailer", {{"length", static_cast<int>(rest.size())}});
    plate.kind = PlateKind::kTrailer;
  } else if (rest.size() == 5) {
    plate.kind = PlateKind::kOrdinary;
  } else if (rest.size() == 6) {
    if (NewEnergyLetter(rest[0]) && Digits(rest.substr(2))) {
      plate.kind = PlateKind::kNewEnergySmall;
    } else if (Digits(rest.substr(0, 5)) && NewEnergyLetter(rest[5])) {
      plate.kind = PlateKind::kNewEnergyLarge;
    } else {
      return PlateError(field, "new_energy", {{"serial", plate.serial}});
    }
  } else {
    return PlateError(field, "length", {{"length", static_cast<int>(rest.size())}});
  }
  plate.text = plate.province + plate.authority + plate.serial + (trailer ? std::string(kTrailerMark) : "");
  return plate;
}

// ---- Documents --------------------------------------------------------------------------------------

std::string_view DocumentKindName(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kRoadTransportPermit: return "road_transport_permit";
    case DocumentKind::kTankInspection: return "tank_inspection";
    case DocumentKind::kDriverQualification: return "driver_qualification";
    case DocumentKind::kEscortQualification: return "escort_qualification";
  }
  return "road_transport_permit";
}

std::optional<DocumentKind> ParseDocumentKind(std::string_view name) {
  for (auto k : {DocumentKind::kRoadTransportPermit, DocumentKind::kTankInspection, DocumentKind::kDriverQualification,
                 DocumentKind::kEscortQualification}) {
    if (DocumentKindName(k) == name) return k;
  }
  return std::nullopt;
}

Status CheckDocuments(const DocumentCheckInput& input, int64_t day) {
  std::vector<DocumentKind> required = {DocumentKind::kRoadTransportPermit, DocumentKind::kDriverQualification};
  if (input.escort_required) required.push_back(DocumentKind::kEscortQualification);
  if (input.tank_vehicle) required.push_back(DocumentKind::kTankInspection);
  std::vector<FieldError> errors;
  for (DocumentKind kind : required) {
    const std::string field = "documents." + std::string(DocumentKindName(kind));
    const TextRef name{"logistics.document.kind." + std::string(DocumentKindName(kind))};
    // The best of the documents of that kind: one valid on the day wins.
    const Document* valid = nullptr;
    const Document* latest = nullptr;
    for (const auto& d : input.documents) {
      if (d.kind != kind) continue;
      if (latest == nullptr || d.expires_day > latest->expires_day) latest = &d;
      if (d.expires_day >= day && (!d.valid_from_day || *d.valid_from_day <= day) && !d.number.empty()) valid = &d;
    }
    if (valid != nullptr) continue;
    if (latest == nullptr) {
      errors.push_back({field, T("logistics.document.missing", {{"kind", name}})});
    } else if (latest->number.empty()) {
      errors.push_back({field, T("logistics.document.number_missing", {{"kind", name}})});
    } else if (latest->expires_day < day) {
      errors.push_back(
          {field, T("logistics.document.expired",
                    {{"kind", name}, {"expired_on", FormatDay(latest->expires_day)}, {"day", FormatDay(day)}})});
    } else {
      errors.push_back(
          {field, T("logistics.document.not_yet_valid",
                    {{"kind", name}, {"valid_from", FormatDay(*latest->valid_from_day)}, {"day", FormatDay(day)}})});
    }
  }
  if (errors.empty()) return Status::Ok();
  return Error::Invalid(std::move(errors));
}

std::vector<Expiry> ExpiringDocuments(const std::vector<Document>& documents, int64_t day, int within_days) {
  std::vector<Expiry> out;
  for (const auto& d : documents) {
    const int64_t left = d.expires_day - day;
    if (left <= within_days) out.push_back({d.kind, d.expires_day, left});
  }
  return out;
}

}  // namespace park::logistics
