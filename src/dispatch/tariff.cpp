// Time-of-use tariffs as dated data: parsing, validation, the tariff in force on a date.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "park/core/error.hpp"
#include "park/core/time.hpp"
#include "park/dispatch/dispatch.hpp"
#include "park/energy/tariff.hpp"

namespace park::dispatch {
namespace {

std::string HourLabel(int hour) { return fmt::format("{:02d}:00", hour); }

}  // namespace

Status ValidateTariff(const Tariff& tariff) {
  std::vector<FieldError> errors;
  if (!IsValidDate(tariff.effective_from)) {
    errors.push_back({"effective_from", T("dispatch.tariff.date_invalid", {{"value", tariff.effective_from}})});
  }
  for (size_t i = 0; i < tariff.months.size(); ++i) {
    if (tariff.months[i] < 1 || tariff.months[i] > 12) {
      errors.push_back({fmt::format("months[{}]", i), T("dispatch.tariff.month_invalid", {{"value", std::to_string(tariff.months[i])}})});
    }
  }
  if (tariff.demand_charge_yuan_per_kw_month < 0) {
    errors.push_back({"demand_charge_yuan_per_kw_month", T("dispatch.value_negative")});
  }
  if (tariff.export_price_yuan_per_kwh < 0) errors.push_back({"export_price_yuan_per_kwh", T("dispatch.value_negative")});
  std::vector<int> owner(24, -1);
  for (size_t b = 0; b < tariff.bands.size(); ++b) {
    const TouBand& band = tariff.bands[b];
    if (band.price_yuan_per_kwh < 0 || !std::isfinite(band.price_yuan_per_kwh)) {
      errors.push_back({fmt::format("bands[{}].price_yuan_per_kwh", b), T("dispatch.value_negative")});
    }
    for (const HourRange& r : band.hours) {
      if (r.from < 0 || r.from > 23 || r.to < 0 || r.to > 24 || r.from == r.to) {
        errors.push_back({fmt::format("bands[{}].hours", b),
                          T("dispatch.tariff.range_invalid", {{"from", std::to_string(r.from)}, {"to", std::to_string(r.to)}})});
        continue;
      }
      int length = r.to > r.from ? r.to - r.from : r.to + 24 - r.from;
      for (int k = 0; k < length; ++k) {
        int h = (r.from + k) % 24;
        if (owner[h] >= 0) {
          errors.push_back({fmt::format("bands[{}].hours", b),
                            T("dispatch.tariff.band_overlap", {{"hour", HourLabel(h)}, {"band", band.band},
                                                               {"other", tariff.bands[owner[h]].band}})});
        }
        owner[h] = static_cast<int>(b);
      }
    }
  }
  for (int h = 0; h < 24; ++h) {
    if (owner[h] < 0) errors.push_back({"bands", T("dispatch.tariff.hour_uncovered", {{"hour", HourLabel(h)}})});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

// The energy account's reader (park::energy) is the park's one tariff reader: the same file, the same rules (the
// flat band takes every hour the others leave, an hour claimed twice is an error naming the line). Here each of its
// tariffs becomes bands of hour ranges, checked as every tariff the dispatch stores is.
Result<std::vector<Tariff>> ParseTariffCsv(std::string_view csv) {
  PARK_ASSIGN_OR_RETURN(auto read, energy::ParseTariffCsv(csv));
  std::vector<Tariff> out;
  for (const energy::Tariff& e : read) {
    Tariff t;
    t.province = e.province;
    t.category = e.category;
    t.effective_from = e.effective_from;
    t.source = e.source;
    for (size_t i = 0; i < e.bands.size(); ++i) {
      TouBand band;
      band.band = e.bands[i].name;
      band.price_yuan_per_kwh = e.bands[i].price_yuan_per_kwh;
      // The hours the reader gave the band, as runs within the day.
      for (int h = 0; h < 24;) {
        if (e.band_of_hour[static_cast<size_t>(h)] != static_cast<int>(i)) {
          ++h;
          continue;
        }
        const int from = h;
        while (h < 24 && e.band_of_hour[static_cast<size_t>(h)] == static_cast<int>(i)) ++h;
        band.hours.push_back({from, h});
      }
      t.bands.push_back(std::move(band));
    }
    PARK_TRY(ValidateTariff(t));
    out.push_back(std::move(t));
  }
  return out;
}

Result<Tariff> TariffInForce(const std::vector<Tariff>& tariffs, std::string_view province, std::string_view category,
                             std::string_view voltage_class, std::string_view date) {
  if (!IsValidDate(date)) return Error::Invalid("date", T("dispatch.tariff.date_invalid", {{"value", std::string(date)}}));
  int month = (date[5] - '0') * 10 + (date[6] - '0');
  const Tariff* best = nullptr;
  for (const Tariff& t : tariffs) {
    if (t.province != province || t.category != category) continue;
    if (!t.voltage_class.empty() && t.voltage_class != voltage_class) continue;
    if (!t.months.empty() && std::find(t.months.begin(), t.months.end(), month) == t.months.end()) continue;
    if (t.effective_from > date) continue;  // ISO dates compare as text
    if (best == nullptr || t.effective_from > best->effective_from ||
        (t.effective_from == best->effective_from && !t.voltage_class.empty() && best->voltage_class.empty())) {
      best = &t;
    }
  }
  if (best == nullptr) {
    return Error::NotFound(T("dispatch.tariff.none_in_force", {{"province", std::string(province)},
                                                                 {"category", std::string(category)},
                                                                 {"date", std::string(date)}}));
  }
  return *best;
}

const TouBand& BandAt(const Tariff& tariff, int hour) {
  hour = ((hour % 24) + 24) % 24;
  for (const TouBand& b : tariff.bands) {
    for (const HourRange& r : b.hours) {
      bool in = r.from < r.to ? (hour >= r.from && hour < r.to) : (hour >= r.from || hour < r.to % 24);
      if (in) return b;
    }
  }
  return tariff.bands.front();  // unreachable for a valid tariff
}

}  // namespace park::dispatch
