#include "park/energy/energy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "park/core/time.hpp"

namespace park::energy {
namespace {

constexpr std::array<CarrierInfo, kCarrierCount> kCarriers = {{
    {Carrier::kElectricity, "electricity", "kWh", "electricity_equivalent", true},
    // GB/T 2589 names pipeline gas by origin; the carbon accounting uses the oilfield gas row for natural gas too.
    {Carrier::kNaturalGas, "natural_gas", "m3", "natural_gas_oilfield", true},
    {Carrier::kSteam, "steam", "t", "steam_low_pressure", true},
    {Carrier::kHeat, "heat", "GJ", "heat", true},
    {Carrier::kRawCoal, "raw_coal", "t", "raw_coal", true},
    {Carrier::kDiesel, "diesel", "t", "diesel", true},
    {Carrier::kLpg, "lpg", "t", "lpg", true},
    {Carrier::kWater, "water", "t", "", false},
}};

// A unit as registered, in units of a reporting unit: (reporting unit, how many of it one registered unit is).
struct UnitScale {
  std::string_view unit, to;
  double factor;
};
constexpr UnitScale kUnits[] = {
    {"kWh", "kWh", 1},   {"MWh", "kWh", 1000},   {"m3", "m3", 1}, {"Nm3", "m3", 1}, {"10^4 Nm3", "m3", 1e4},
    {"10^4 m3", "m3", 1e4}, {"t", "t", 1},       {"kg", "t", 1e-3}, {"GJ", "GJ", 1}, {"MJ", "GJ", 1e-3},
};
std::optional<double> Scale(std::string_view from, std::string_view to) {
  for (const auto& u : kUnits) {
    if (u.unit == from && u.to == to) return u.factor;
  }
  // Water is metered by volume or mass: one cubic metre is one tonne.
  if (to == "t" && (from == "m3" || from == "10^4 m3")) return from == "m3" ? 1.0 : 1e4;
  return std::nullopt;
}

// The carrier an activity item is, given what the meter measures (heat by mass is steam).
std::optional<Carrier> CarrierOfItem(std::string_view item, std::string_view quantity) {
  if (item == "electricity") return Carrier::kElectricity;
  if (item == "natural_gas") return Carrier::kNaturalGas;
  if (item == "heat") return quantity == "steam_mass" ? Carrier::kSteam : Carrier::kHeat;
  if (item == "water") return Carrier::kWater;
  if (item == "raw_coal") return Carrier::kRawCoal;
  if (item == "diesel") return Carrier::kDiesel;
  if (item == "lpg") return Carrier::kLpg;
  return std::nullopt;
}

// How many of the factor's per-unit one carrier unit is (e.g. 1 t = 1000 kg for a kgce/kg coefficient).
std::optional<double> PerUnit(const carbon::Factor& f, std::string_view carrier_unit) {
  const auto slash = f.unit.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string_view per = std::string_view(f.unit).substr(slash + 1);
  if (per == carrier_unit) return 1.0;
  // One carrier unit expressed in `per`: the inverse of `per` in carrier units.
  if (auto s = Scale(per, carrier_unit); s && *s > 0) return 1.0 / *s;
  return std::nullopt;
}

CoefficientUse UseOf(const carbon::Factor& f) {
  return {f.id,    f.revision, std::string(carbon::FactorKindName(f.kind)),
          f.subject, f.year,   f.value,
          f.unit,  std::string(carbon::FactorStatusName(f.status)), f.source,
          f.document};
}

bool IsEnergyQuantity(std::string_view q) {
  return q == "energy" || q == "gas_volume" || q == "steam_mass" || q == "heat" || q == "water_volume";
}

}  // namespace

const CarrierInfo& InfoOf(Carrier carrier) { return kCarriers[static_cast<size_t>(carrier)]; }
std::string_view CarrierName(Carrier carrier) { return InfoOf(carrier).name; }
std::optional<Carrier> CarrierFromName(std::string_view name) {
  for (const auto& c : kCarriers) {
    if (c.name == name) return c.carrier;
  }
  return std::nullopt;
}

MeterClass ClassifyMeter(const MeterInfo& m) {
  MeterClass out;
  if (!IsEnergyQuantity(m.quantity)) {
    // Run hours, counts: a meter, but of no energy carrier.
    out.apart = T("energy.apart.not_energy", {{"quantity", TextRef{"registry.quantity." + m.quantity}}, {"unit", m.unit}});
    return out;
  }
  if (m.activity_item.empty()) {
    out.apart = T("energy.apart.no_item");
    return out;
  }
  if (m.activity_item == "green_electricity") {
    out.apart = T("energy.apart.green_part");
    return out;
  }
  const auto carrier = CarrierOfItem(m.activity_item, m.quantity);
  if (!carrier) {
    out.apart = T("energy.apart.unknown_item", {{"item", m.activity_item}});
    return out;
  }
  const auto scale = Scale(m.unit, InfoOf(*carrier).unit);
  if (!scale) {
    out.apart = T("energy.apart.unit", {{"carrier", TextRef{"energy.carrier." + std::string(CarrierName(*carrier))}},
                                        {"unit", m.unit}});
    return out;
  }
  out.carrier = carrier;
  out.to_carrier_unit = *scale;
  return out;
}

std::vector<std::optional<double>> HourlyUse(std::span<const telemetry::ConsumptionInterval> intervals, int64_t from_ms,
                                             size_t hours) {
  std::vector<std::optional<double>> out(hours);
  const int64_t to_ms = from_ms + static_cast<int64_t>(hours) * kHourMs;
  for (const auto& iv : intervals) {
    if (iv.end_ms <= from_ms || iv.start_ms >= to_ms) continue;
    const int64_t length = iv.end_ms - iv.start_ms;
    if (length <= 0) continue;
    const int64_t a = std::max(iv.start_ms, from_ms), b = std::min(iv.end_ms, to_ms);
    for (int64_t h = (a - from_ms) / kHourMs; h < static_cast<int64_t>(hours); ++h) {
      const int64_t hs = from_ms + h * kHourMs, he = hs + kHourMs;
      if (hs >= b) break;
      const int64_t overlap = std::min(b, he) - std::max(a, hs);
      if (overlap <= 0) continue;
      auto& slot = out[static_cast<size_t>(h)];
      slot = slot.value_or(0) + iv.consumption * static_cast<double>(overlap) / static_cast<double>(length);
    }
  }
  return out;
}

std::string Period::Label() const { return is_year() ? fmt::format("{:04d}", year) : fmt::format("{:04d}-{:02d}", year, month); }

int64_t Period::FromMs(int utc_offset_minutes) const {
  return DaysFromCivil(year, static_cast<unsigned>(is_year() ? 1 : month), 1) * kDayMs -
         static_cast<int64_t>(utc_offset_minutes) * 60'000;
}

int64_t Period::ToMs(int utc_offset_minutes) const {
  Period next = is_year() ? Period{year + 1, 0} : (month == 12 ? Period{year + 1, 1} : Period{year, month + 1});
  if (is_year()) return DaysFromCivil(year + 1, 1, 1) * kDayMs - static_cast<int64_t>(utc_offset_minutes) * 60'000;
  return next.FromMs(utc_offset_minutes);
}

size_t Period::Hours() const { return static_cast<size_t>((ToMs(0) - FromMs(0)) / kHourMs); }

Period Period::Previous() const {
  if (is_year()) return {year - 1, 0};
  return month == 1 ? Period{year - 1, 12} : Period{year, month - 1};
}

Period Period::SameLastYear() const { return {year - 1, month}; }

Result<Period> ParsePeriod(std::string_view text, std::string_view field) {
  auto bad = [&] { return Error::Invalid(std::string(field), T("energy.period_format", {{"value", text}})); };
  auto digits = [](std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  Period p;
  if (text.size() == 4 && digits(text)) {
    p.year = std::stoi(std::string(text));
  } else if (IsValidMonth(text)) {
    p.year = std::stoi(std::string(text.substr(0, 4)));
    p.month = std::stoi(std::string(text.substr(5, 2)));
  } else {
    return bad();
  }
  if (p.year < 1900 || p.year > 2199) return bad();
  return p;
}

Result<TceConversion> ToTce(const carbon::FactorLibrary& library, Carrier carrier, double amount, int year) {
  const CarrierInfo& info = InfoOf(carrier);
  TceConversion out;
  out.carrier = carrier;
  out.amount = amount;
  const TextRef name{"energy.carrier." + std::string(info.name)};
  if (!info.is_energy) {
    out.formula = T("energy.formula.not_energy", {{"carrier", name}});
    return out;
  }
  carbon::FactorLibrary::Query q;
  q.kind = carbon::FactorKind::kStandardCoal;
  q.subject = info.coal_subject;
  q.year = year;
  const carbon::Factor* coal = library.Find(q);
  if (coal == nullptr) {
    return Error::NotFound(T("energy.no_coefficient", {{"carrier", name}, {"subject", std::string(info.coal_subject)}}));
  }
  const auto per = PerUnit(*coal, info.unit);
  if (!per) {
    return Error::NotFound(T("energy.no_coefficient", {{"carrier", name}, {"subject", std::string(info.coal_subject)}}));
  }
  out.tce_per_unit = coal->value * *per / 1000.0;
  out.coefficients.push_back(UseOf(*coal));
  out.tce = amount * out.tce_per_unit;
  out.tce_equal_value_per_unit = out.tce_per_unit;
  if (carrier == Carrier::kElectricity) {
    carbon::FactorLibrary::Query ev;
    ev.kind = carbon::FactorKind::kElectricityEqualValue;
    ev.subject = "electricity";
    ev.year = year;
    const carbon::Factor* equal = library.Find(ev);
    if (equal == nullptr) {
      return Error::NotFound(T("energy.no_coefficient", {{"carrier", name}, {"subject", "electricity_equal_value"}}));
    }
    out.tce_equal_value_per_unit = equal->value / 1000.0;  // kgce/kWh -> tce/kWh
    out.coefficients.push_back(UseOf(*equal));
    out.tce_equal_value = amount * out.tce_equal_value_per_unit;
    out.formula = T("energy.formula.electricity", {{"amount", amount},
                                                   {"unit", std::string(info.unit)},
                                                   {"coefficient", coal->value},
                                                   {"coefficient_unit", coal->unit},
                                                   {"tce", *out.tce},
                                                   {"equal_value", equal->value},
                                                   {"tce_equal_value", *out.tce_equal_value}});
    return out;
  }
  out.tce_equal_value = out.tce;
  out.formula = T("energy.formula.coal", {{"carrier", name},
                                          {"amount", amount},
                                          {"unit", std::string(info.unit)},
                                          {"per_unit", *per},
                                          {"coefficient", coal->value},
                                          {"coefficient_unit", coal->unit},
                                          {"tce", *out.tce}});
  return out;
}

Comparison Compare(std::optional<double> value, std::optional<double> previous, const Period& previous_period) {
  Comparison c;
  c.value = value;
  c.previous = previous;
  const std::string label = previous_period.Label();
  if (!previous) {
    c.text = T("energy.compare.no_previous", {{"period", label}});
    return c;
  }
  if (!value) {
    c.text = T("energy.compare.no_current");
    return c;
  }
  c.change = *value - *previous;
  if (*previous == 0) {
    c.text = T("energy.compare.zero_previous", {{"period", label}});
    return c;
  }
  c.change_pct = *c.change / std::abs(*previous) * 100.0;
  if (std::abs(*c.change_pct) < 0.05) {
    c.text = T("energy.compare.same", {{"period", label}});
  } else {
    c.text = T(*c.change_pct > 0 ? "energy.compare.up" : "energy.compare.down",
               {{"period", label}, {"pct", std::abs(*c.change_pct)}, {"previous", *previous}});
  }
  return c;
}

}  // namespace park::energy
