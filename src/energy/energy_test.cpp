#include <gtest/gtest.h>

#include "park/energy/account.hpp"
#include "park/energy/energy.hpp"
#include "park/energy/tariff.hpp"

namespace park::energy {
namespace {

constexpr int kBeijing = 8 * 60;

TEST(Classify, EachMeterCountsOneCarrierOrIsListedApart) {
  struct Case {
    const char* name;
    MeterInfo meter;
    std::optional<Carrier> carrier;
    double scale;
    const char* apart;
  };
  const Case cases[] = {
      {"electricity kWh", {1, "k", "n", "energy", "kWh", "electricity", 1}, Carrier::kElectricity, 1, ""},
      {"electricity MWh", {1, "k", "n", "energy", "MWh", "electricity", 1}, Carrier::kElectricity, 1000, ""},
      {"gas Nm3", {1, "k", "n", "gas_volume", "Nm3", "natural_gas", 1}, Carrier::kNaturalGas, 1, ""},
      {"gas 10^4 Nm3", {1, "k", "n", "gas_volume", "10^4 Nm3", "natural_gas", 1}, Carrier::kNaturalGas, 1e4, ""},
      {"steam by mass", {1, "k", "n", "steam_mass", "kg", "heat", 1}, Carrier::kSteam, 1e-3, ""},
      {"heat by energy", {1, "k", "n", "heat", "MJ", "heat", 1}, Carrier::kHeat, 1e-3, ""},
      {"water m3", {1, "k", "n", "water_volume", "m3", "water", 1}, Carrier::kWater, 1, ""},
      {"run hours", {1, "k", "n", "run_hours", "h", "", 1}, std::nullopt, 0, "energy.apart.not_energy"},
      {"count", {1, "k", "n", "count", "1", "", 1}, std::nullopt, 0, "energy.apart.not_energy"},
      {"generation (no item)", {1, "k", "n", "energy", "kWh", "", 1}, std::nullopt, 0, "energy.apart.no_item"},
      {"green power", {1, "k", "n", "energy", "kWh", "green_electricity", 1}, std::nullopt, 0,
       "energy.apart.green_part"},
      {"gas in kWh", {1, "k", "n", "energy", "kWh", "natural_gas", 1}, std::nullopt, 0, "energy.apart.unit"},
  };
  for (const auto& c : cases) {
    const MeterClass got = ClassifyMeter(c.meter);
    EXPECT_EQ(got.carrier, c.carrier) << c.name;
    EXPECT_EQ(got.apart.code, c.apart) << c.name;
    if (c.carrier) {
      EXPECT_DOUBLE_EQ(got.to_carrier_unit, c.scale) << c.name;
    }
  }
}

TEST(Hourly, IntervalsAreSplitInProportionToTime) {
  // 0:30 → 2:00 uses 30 (20 per hour), 2:00 → 3:00 nothing recorded.
  const std::vector<telemetry::ConsumptionInterval> iv = {{30 * 60'000, 2 * kHourMs, 30, std::nullopt}};
  const auto h = HourlyUse(iv, 0, 3);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_DOUBLE_EQ(*h[0], 10);
  EXPECT_DOUBLE_EQ(*h[1], 20);
  EXPECT_FALSE(h[2].has_value());
}

TEST(Periods, MonthsAndYearsInLocalTime) {
  struct Case {
    const char* text;
    bool ok;
    const char* label;
    size_t hours;
    const char* previous;
    const char* last_year;
  };
  const Case cases[] = {
      {"2025-03", true, "2025-03", 744, "2025-02", "2024-03"},
      {"2025-01", true, "2025-01", 744, "2024-12", "2024-01"},
      {"2024-02", true, "2024-02", 696, "2024-01", "2023-02"},
      {"2024", true, "2024", 8784, "2023", "2023"},
      {"2025-13", false, "", 0, "", ""},
      {"25-03", false, "", 0, "", ""},
      {"1800", false, "", 0, "", ""},
  };
  for (const auto& c : cases) {
    auto p = ParsePeriod(c.text);
    ASSERT_EQ(p.ok(), c.ok) << c.text;
    if (!c.ok) {
      EXPECT_EQ(p.error().field, "period");
      EXPECT_EQ(p.error().text.code, "energy.period_format");
      continue;
    }
    EXPECT_EQ(p->Label(), c.label);
    EXPECT_EQ(p->Hours(), c.hours) << c.text;
    EXPECT_EQ(p->Previous().Label(), c.previous);
    EXPECT_EQ(p->SameLastYear().Label(), c.last_year);
  }
  // 2025-03 in Beijing time starts at 2025-02-28T16:00Z.
  EXPECT_EQ(ParsePeriod("2025-03")->FromMs(kBeijing), 1740758400000LL);
}

TEST(Tce, EachCarrierExplainsItsCoefficient) {
  auto lib = carbon::DefaultFactorLibrary();
  ASSERT_TRUE(lib.ok());
  struct Case {
    Carrier carrier;
    double amount;
    std::optional<double> tce;
    std::optional<double> equal_value;
    const char* coefficient;
  };
  const Case cases[] = {
      {Carrier::kElectricity, 10000, 1.229, 3.0, "gbt2589.electricity_equivalent"},
      {Carrier::kNaturalGas, 1000, 1.33, 1.33, "gbt2589.natural_gas_oilfield"},
      {Carrier::kSteam, 10, 1.286, 1.286, "gbt2589.steam_low_pressure"},
      {Carrier::kHeat, 100, 3.412, 3.412, "gbt2589.heat"},
      {Carrier::kDiesel, 1, 1.4571, 1.4571, "gbt2589.diesel"},
      {Carrier::kWater, 100, std::nullopt, std::nullopt, ""},
  };
  for (const auto& c : cases) {
    auto t = ToTce(*lib, c.carrier, c.amount, 2025);
    ASSERT_TRUE(t.ok()) << CarrierName(c.carrier);
    ASSERT_EQ(t->tce.has_value(), c.tce.has_value()) << CarrierName(c.carrier);
    if (c.tce) {
      EXPECT_NEAR(*t->tce, *c.tce, 1e-9) << CarrierName(c.carrier);
      EXPECT_NEAR(*t->tce_equal_value, *c.equal_value, 1e-9) << CarrierName(c.carrier);
      ASSERT_FALSE(t->coefficients.empty());
      EXPECT_EQ(t->coefficients[0].id, c.coefficient);
      EXPECT_EQ(t->coefficients[0].revision, 1);
      EXPECT_FALSE(t->coefficients[0].source.empty());
    } else {
      EXPECT_EQ(t->formula.code, "energy.formula.not_energy");
    }
  }
  // A park revision of a coefficient is used, and named, from then on.
  carbon::Factor ev = *lib->Latest("ev.electricity");
  ev.value = 0.31;
  ASSERT_TRUE(lib->Supersede(ev).ok());
  auto t = ToTce(*lib, Carrier::kElectricity, 1000, 2025);
  EXPECT_NEAR(*t->tce_equal_value, 0.31, 1e-12);
  EXPECT_EQ(t->coefficients[1].revision, 2);
}

TEST(Compare, SaysNoDataHonestly) {
  const Period feb{2025, 2};
  struct Case {
    std::optional<double> value, previous;
    const char* code;
    std::optional<double> pct;
  };
  const Case cases[] = {
      {7440, 3360, "energy.compare.up", 121.42857142857142},
      {3360, 7440, "energy.compare.down", -54.83870967741935},
      {5, 5, "energy.compare.same", 0},
      {5, std::nullopt, "energy.compare.no_previous", std::nullopt},
      {std::nullopt, 5, "energy.compare.no_current", std::nullopt},
      {5, 0, "energy.compare.zero_previous", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto got = Compare(c.value, c.previous, feb);
    EXPECT_EQ(got.text.code, c.code);
    EXPECT_EQ(got.change_pct.has_value(), c.pct.has_value()) << c.code;
    if (c.pct) {
      EXPECT_NEAR(*got.change_pct, *c.pct, 1e-9) << c.code;
    }
  }
}

TEST(Tariff, ParsesBandsAndFillsFlatHours) {
  auto t = ParseTariffCsv(DefaultTariffCsv());
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->size(), 1u);
  const Tariff& z = t->front();
  EXPECT_EQ(z.effective_from, "2021-10-01");
  EXPECT_FALSE(z.source.empty());
  auto band = [&](int hour) { return z.bands[static_cast<size_t>(z.band_of_hour[static_cast<size_t>(hour)])].name; };
  EXPECT_EQ(band(0), "valley");
  EXPECT_EQ(band(8), "peak");
  EXPECT_EQ(band(9), "critical_peak");
  EXPECT_EQ(band(12), "valley");
  EXPECT_EQ(band(21), "peak");
  EXPECT_EQ(band(23), "valley");
  for (int h = 0; h < 24; ++h) EXPECT_GE(z.band_of_hour[static_cast<size_t>(h)], 0) << h;
  // The deep valley band has no hours in the table: it is named, not applied.
  const auto deep = std::find_if(z.bands.begin(), z.bands.end(), [](const TariffBand& b) { return b.name == "deep_valley"; });
  ASSERT_NE(deep, z.bands.end());
  EXPECT_FALSE(deep->scheduled);

  const std::string header = "province,category,effective_from,band,band_zh,hours,price_yuan_per_kWh,status\n";
  struct Bad {
    const char* body;
    const char* code;
  };
  const Bad bad[] = {
      {"p,c,2021-10-01,peak,高峰,08-12,1.0,ok\np,c,2021-10-01,valley,低谷,11-13,0.3,ok\n", "energy.tariff.overlap"},
      {"p,c,2021-13-01,peak,高峰,08-12,1.0,ok\n", "energy.tariff.date"},
      {"p,c,2021-10-01,peak,高峰,8-,1.0,ok\n", "energy.tariff.hours"},
      {"p,c,2021-10-01,peak,高峰,08-09,abc,ok\n", "energy.tariff.price"},
      {"", "energy.tariff.empty"},
  };
  for (const auto& b : bad) {
    auto r = ParseTariffCsv(header + b.body);
    ASSERT_FALSE(r.ok()) << b.body;
    EXPECT_EQ(r.error().text.code, b.code) << b.body;
  }
}

TEST(Tariff, PricesEachHourByItsBandAndDate) {
  const std::string csv =
      "# test tariff\nprovince,category,effective_from,band,band_zh,hours,price_yuan_per_kWh,status\n"
      "p,c,2025-01-02,peak,高峰,08-20,1.0,ok\np,c,2025-01-02,flat,平段,,0.5,ok\n";
  auto t = ParseTariffCsv(csv);
  ASSERT_TRUE(t.ok());
  // 2025-01-01 and 2025-01-02 local, 1 kWh an hour: the first day is before the tariff.
  const int64_t from = ParsePeriod("2025-01")->FromMs(kBeijing);
  std::vector<std::optional<double>> hourly(48, 1.0);
  const auto cost = PriceElectricity(*t, hourly, from, kBeijing);
  EXPECT_DOUBLE_EQ(cost.unpriced_kwh, 24);
  EXPECT_DOUBLE_EQ(cost.yuan, 12 * 1.0 + 12 * 0.5);
  ASSERT_EQ(cost.bands.size(), 2u);
}

// One electricity meter at 10 kWh an hour, a gas meter at 5 m3 an hour and a run-hour meter over March 2025.
std::vector<MeterReadings> MarchMeters() {
  const int64_t from = ParsePeriod("2025-03")->FromMs(kBeijing) - kDayMs;
  const int64_t to = ParsePeriod("2025-03")->ToMs(kBeijing) + kDayMs;
  std::vector<MeterReadings> out = {{{1, "e", "电表", "energy", "kWh", "electricity", 7}, {}},
                                    {{2, "g", "燃气表", "gas_volume", "Nm3", "natural_gas", 7}, {}},
                                    {{3, "h", "运行小时", "run_hours", "h", "", 7}, {}}};
  for (int64_t t = from, i = 0; t <= to; t += kHourMs, ++i) {
    out[0].readings.push_back({t, 1000 + 10.0 * static_cast<double>(i)});
    out[1].readings.push_back({t, 50 + 5.0 * static_cast<double>(i)});
    out[2].readings.push_back({t, static_cast<double>(i)});
  }
  return out;
}

TEST(Account, HandComputedMonth) {
  auto lib = carbon::DefaultFactorLibrary();
  auto tariffs = ParseTariffCsv(DefaultTariffCsv());
  ASSERT_TRUE(lib.ok() && tariffs.ok());
  const auto meters = MarchMeters();
  CarrierPrices prices;
  AccountSettings settings{kBeijing, *tariffs, &prices};
  auto a = BuildAccount(*lib, *ParsePeriod("2025-03"), meters, settings);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->carriers.size(), 2u);
  const CarrierAccount* e = a->Find(Carrier::kElectricity);
  ASSERT_NE(e, nullptr);
  EXPECT_NEAR(e->amount, 7440, 1e-6);
  EXPECT_NEAR(*e->conversion.tce, 0.914376, 1e-9);
  EXPECT_NEAR(*e->conversion.tce_equal_value, 2.232, 1e-9);
  // A day: 12 valley hours at 0.3356, 8 peak at 1.0156, 4 critical peak at 1.2156, 10 kWh each; 31 days.
  EXPECT_NEAR(*e->cost_yuan, 31 * 10 * (12 * 0.3356 + 8 * 1.0156 + 4 * 1.2156), 1e-6);
  const CarrierAccount* g = a->Find(Carrier::kNaturalGas);
  EXPECT_NEAR(g->amount, 3720, 1e-6);
  EXPECT_NEAR(*g->conversion.tce, 4.9476, 1e-9);
  EXPECT_FALSE(g->cost_yuan.has_value());
  EXPECT_EQ(g->cost_basis.code, "energy.cost.not_priced");
  ASSERT_EQ(a->unpriced.size(), 1u);
  EXPECT_NEAR(*a->tce, 0.914376 + 4.9476, 1e-9);
  EXPECT_NEAR(*a->cost_yuan, *e->cost_yuan, 1e-9);
  // The run-hour meter is listed, with its hours, and never summed.
  ASSERT_EQ(a->meters.size(), 3u);
  EXPECT_EQ(a->meters[2].apart.code, "energy.apart.not_energy");
  EXPECT_NEAR(*a->meters[2].amount, 744, 1e-6);

  // With a configured gas price the gas is priced, and only then.
  prices[Carrier::kNaturalGas] = {3.5, "园区价格表"};
  auto priced = BuildAccount(*lib, *ParsePeriod("2025-03"), meters, settings);
  EXPECT_NEAR(*priced->Find(Carrier::kNaturalGas)->cost_yuan, 3720 * 3.5, 1e-6);
  EXPECT_TRUE(priced->unpriced.empty());

  // A month without readings has meters but no figures.
  auto april = BuildAccount(*lib, *ParsePeriod("2025-05"), meters, settings);
  ASSERT_TRUE(april.ok());
  EXPECT_FALSE(april->tce.has_value());
  EXPECT_FALSE(april->cost_yuan.has_value());
  EXPECT_EQ(april->Find(Carrier::kElectricity)->cost_basis.code, "energy.cost.no_data");
}

}  // namespace
}  // namespace park::energy
