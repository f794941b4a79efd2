#include "park/energy/account.hpp"

#include <algorithm>
#include <array>

namespace park::energy {

const CarrierAccount* Account::Find(Carrier c) const {
  for (const auto& a : carriers) {
    if (a.carrier == c) return &a;
  }
  return nullptr;
}

Result<Account> BuildAccount(const carbon::FactorLibrary& library, const Period& period,
                             std::span<const MeterReadings> meters, const AccountSettings& settings) {
  Account out;
  out.period = period;
  const int64_t from_ms = period.FromMs(settings.utc_offset_minutes);
  const size_t hours = period.Hours();
  std::array<std::optional<CarrierAccount>, kCarrierCount> by_carrier;
  telemetry::MeterOptions options;
  options.max_gap_ms = 6 * kHourMs;
  for (const auto& m : meters) {
    const MeterClass cls = ClassifyMeter(m.meter);
    const auto result = telemetry::ComputeConsumption(m.readings, options);
    const auto hourly = HourlyUse(result.intervals, from_ms, hours);
    MeterUse use{m.meter, std::nullopt, cls.apart};
    for (const auto& h : hourly) {
      if (h) use.amount = use.amount.value_or(0) + *h;
    }
    out.meters.push_back(use);
    if (!cls.carrier) continue;
    auto& slot = by_carrier[static_cast<size_t>(*cls.carrier)];
    if (!slot) {
      slot.emplace();
      slot->carrier = *cls.carrier;
      slot->hourly.assign(hours, std::nullopt);
    }
    ++slot->meters;
    slot->meter_ids.push_back(m.meter.id);
    if (!use.amount) continue;
    ++slot->meters_with_data;
    for (size_t h = 0; h < hours; ++h) {
      if (hourly[h]) slot->hourly[h] = slot->hourly[h].value_or(0) + *hourly[h] * cls.to_carrier_unit;
    }
    slot->amount += *use.amount * cls.to_carrier_unit;
  }
  const CarrierPrices empty_prices;
  const CarrierPrices& prices = settings.prices != nullptr ? *settings.prices : empty_prices;
  for (auto& slot : by_carrier) {
    if (!slot) continue;
    CarrierAccount& c = *slot;
    const TextRef name{"energy.carrier." + std::string(CarrierName(c.carrier))};
    PARK_ASSIGN_OR_RETURN(c.conversion, ToTce(library, c.carrier, c.amount, period.year));
    if (c.meters_with_data > 0 && c.conversion.tce) {
      out.tce = out.tce.value_or(0) + *c.conversion.tce;
      out.tce_equal_value = out.tce_equal_value.value_or(0) + c.conversion.tce_equal_value.value_or(*c.conversion.tce);
    }
    if (c.meters_with_data == 0) {
      c.cost_basis = T("energy.cost.no_data");
    } else if (c.carrier == Carrier::kElectricity && !settings.tariffs.empty()) {
      c.electricity_cost = PriceElectricity(settings.tariffs, c.hourly, from_ms, settings.utc_offset_minutes);
      c.cost_yuan = c.electricity_cost->yuan;
      const auto& t = settings.tariffs.front();
      c.cost_basis = T("energy.cost.tariff", {{"province", t.province}, {"category", t.category}, {"source", t.source}});
      if (c.electricity_cost->unpriced_kwh > 0) {
        out.notes.push_back(T("energy.note.before_tariff", {{"kwh", c.electricity_cost->unpriced_kwh}}));
      }
    } else if (const auto p = prices.find(c.carrier); p != prices.end()) {
      c.cost_yuan = c.amount * p->second.yuan_per_unit;
      c.cost_basis = T("energy.cost.price", {{"price", p->second.yuan_per_unit},
                                              {"unit", std::string(InfoOf(c.carrier).unit)},
                                              {"source", p->second.source}});
    } else {
      c.cost_basis = T("energy.cost.not_priced", {{"carrier", name}});
      out.unpriced.push_back(c.carrier);
    }
    if (c.cost_yuan) out.cost_yuan = out.cost_yuan.value_or(0) + *c.cost_yuan;
    out.carriers.push_back(std::move(c));
  }
  if (out.Find(Carrier::kWater) != nullptr) out.notes.push_back(T("energy.note.water_not_energy"));
  return out;
}

}  // namespace park::energy
