// Prices: the electricity time-of-use tariff (bands of hours, each with a price per kWh, kept as dated data) and the
// prices the park sets for other carriers. Nothing is priced that has no price: a carrier without one is shown as
// "not priced", never at an invented figure. Issue 14 (dispatch) reads the same tariff for its cost objective.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/core/result.hpp"
#include "park/energy/energy.hpp"

namespace park::energy {

struct TariffBand {
  std::string name;      // critical_peak, peak, flat, valley, deep_valley (texts: energy.band.<name>)
  std::string name_zh;   // as the tariff file says it
  std::vector<std::pair<int, int>> hours;  // local [from, to) hour ranges; to < from wraps midnight ("22-08")
  double price_yuan_per_kwh = 0;
  std::string status;    // "ok" or "check" (still to be confirmed against the official notice)
  bool scheduled = true;  // false: a band the table names without hours (other than the flat band): not applied
};

// One tariff: a province's category of users from a date.
struct Tariff {
  std::string province, category;
  std::string effective_from;  // YYYY-MM-DD
  std::vector<TariffBand> bands;
  std::array<int, 24> band_of_hour{};  // index into bands for each local hour; -1 when no band covers it
  std::string source;                  // where the tariff comes from (the file's comment)
};

// Parses the tariff CSV (data/energy/tou_tariff.csv):
//   province,category,effective_from,band,band_zh,hours,price_yuan_per_kWh,status
// '#' lines are comments; the first is the source. hours: "09-11;15-17" (local, [from, to)); empty for the flat
// band, which takes every hour no other band has. An hour claimed twice, a bad range or price is an error naming
// the line.
Result<std::vector<Tariff>> ParseTariffCsv(std::string_view text);
// The shipped tariff (data/energy/tou_tariff.csv, compiled in).
std::string_view DefaultTariffCsv();

// The tariff in force on a local date (the latest effective_from not after it), or nullptr.
const Tariff* TariffOn(std::span<const Tariff> tariffs, std::string_view date);

struct BandCost {
  std::string band;
  double kwh = 0;
  double price_yuan_per_kwh = 0;
  double yuan = 0;
};
struct ElectricityCost {
  double yuan = 0;
  std::vector<BandCost> bands;  // in the tariff's order, bands with no hour left out
  double unpriced_kwh = 0;      // hours no tariff was in force for (before the first effective date)
  std::vector<std::string> tariffs;  // "zhejiang/large_industry/2021-10-01" of each tariff used
};
// Prices hourly consumption (kWh per local hour from `from_ms`, nullopt = no data) by the band of each hour.
ElectricityCost PriceElectricity(std::span<const Tariff> tariffs, std::span<const std::optional<double>> hourly_kwh,
                                 int64_t from_ms, int utc_offset_minutes);

// The price of a carrier other than electricity, per its unit (yuan/m3, yuan/t, yuan/GJ), as the park sets it.
struct CarrierPrice {
  double yuan_per_unit = 0;
  std::string source;  // who set it (config [energy] price_source)
};
using CarrierPrices = std::map<Carrier, CarrierPrice>;

}  // namespace park::energy
