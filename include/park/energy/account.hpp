// An energy account: a set of meters (an enterprise's, or the park's) over one period, by carrier, in tce and in
// money, with every figure able to say how it was made (the meters, the coefficient, the tariff). Pure: the
// service passes the meters, their readings and the prices.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "park/carbon/factors.hpp"
#include "park/energy/energy.hpp"
#include "park/energy/tariff.hpp"
#include "park/telemetry/meter.hpp"

namespace park::energy {

// A meter and its counter readings around a period (from a day before it to a day after, any order).
struct MeterReadings {
  MeterInfo meter;
  std::vector<telemetry::MeterReading> readings;
};

struct MeterUse {
  MeterInfo meter;
  std::optional<double> amount;  // in the meter's unit over the period; nullopt: no data
  Text apart;                    // why it is not summed (empty when it is)
};

struct CarrierAccount {
  Carrier carrier = Carrier::kElectricity;
  double amount = 0;  // in InfoOf(carrier).unit
  int meters = 0, meters_with_data = 0;
  std::vector<std::optional<double>> hourly;  // the carrier's use per local hour of the period
  TceConversion conversion;                   // tce of `amount`, with its coefficients
  std::optional<double> cost_yuan;            // nullopt: not priced
  Text cost_basis;                            // energy.cost.*: the tariff or price used, or why not priced
  std::optional<ElectricityCost> electricity_cost;
  std::vector<int64_t> meter_ids;
};

struct Account {
  Period period;
  std::vector<CarrierAccount> carriers;  // in Carrier order, only carriers with a meter
  std::vector<MeterUse> meters;          // every meter, counted or apart
  std::optional<double> tce, tce_equal_value;  // sums over energy carriers with data; nullopt: none
  std::optional<double> cost_yuan;             // sum of the priced carriers; nullopt: none priced
  std::vector<Carrier> unpriced;               // carriers with use but no price
  std::vector<Text> notes;                     // energy.note.*
  const CarrierAccount* Find(Carrier c) const;
};

struct AccountSettings {
  int utc_offset_minutes = 8 * 60;
  std::span<const Tariff> tariffs;
  const CarrierPrices* prices = nullptr;
};

// Builds the account of `meters` over `period`. Each meter's readings become counter intervals
// (telemetry::ComputeConsumption: resets, rollovers and glitches handled) and then use per local hour. Errors: a
// coefficient missing from the library for a carrier in use.
Result<Account> BuildAccount(const carbon::FactorLibrary& library, const Period& period,
                             std::span<const MeterReadings> meters, const AccountSettings& settings);

}  // namespace park::energy
