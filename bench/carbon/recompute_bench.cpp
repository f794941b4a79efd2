// Recomputes a park of 500 enterprises × 12 months × 20 activity lines (120,000 rows): every enterprise's monthly
// and yearly inventory, park totals and sector totals. Target (PRODUCT.md section 5): < 100 ms.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "park/carbon/inventory.hpp"
#include "park/carbon/lists.hpp"

namespace park::carbon {
namespace {

struct Park {
  FactorLibrary library;
  std::vector<EnterpriseInfo> enterprises;
  std::vector<ActivityRow> rows;
};

Park MakePark() {
  Park park;
  auto library = DefaultFactorLibrary();
  if (!library.ok()) {
    std::fprintf(stderr, "factor library: %s\n", library.error().message.c_str());
    std::abort();
  }
  park.library = std::move(*library);
  // Twenty lines per enterprise-month, the mix of a chemical park: fuels (one as feedstock), power, heat, process
  // CO2, values, water and pollutants.
  struct Line {
    Item item;
    double amount;
    Use use;
  };
  const Line lines[20] = {
      {Item::kRawCoal, 900, Use::kFuel},
      {Item::kCoke, 20, Use::kFuel},
      {Item::kFuelOil, 15, Use::kFuel},
      {Item::kDiesel, 12, Use::kFuel},
      {Item::kLpg, 3, Use::kFuel},
      {Item::kNaturalGas, 40, Use::kFuel},
      {Item::kNaturalGas, 25, Use::kFeedstock},
      {Item::kGasoline, 4, Use::kFuel},
      {Item::kElectricity, 2500, Use::kFuel},
      {Item::kGreenElectricity, 400, Use::kFuel},
      {Item::kHeat, 6000, Use::kFuel},
      {Item::kProcessCo2, 300, Use::kFuel},
      {Item::kCo2Recovered, 50, Use::kFuel},
      {Item::kOutputValue, 8000, Use::kFuel},
      {Item::kAddedValue, 2200, Use::kFuel},
      {Item::kWater, 30000, Use::kFuel},
      {Item::kCod, 1.2, Use::kFuel},
      {Item::kNh3n, 0.1, Use::kFuel},
      {Item::kNox, 2.5, Use::kFuel},
      {Item::kVocs, 0.8, Use::kFuel},
  };
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> scale(0.5, 1.5);
  const char* sectors[] = {"2710", "2614", "2661", "3841", "2651", "4411"};
  int64_t id = 0;
  for (int e = 0; e < 500; ++e) {
    EnterpriseInfo info;
    // Appended rather than "E" + std::to_string(): GCC 12 -O3 raises a false -Wrestrict on the latter.
    info.code = "E";
    info.code += std::to_string(1000 + e);
    info.name = "Enterprise ";
    info.name += std::to_string(e);
    info.sector = sectors[e % 6];
    info.land_area_mu = 50 + e % 200;
    park.enterprises.push_back(info);
    for (int month = 1; month <= 12; ++month) {
      for (const Line& l : lines) {
        ActivityRow row;
        row.id = ++id;
        row.enterprise_code = info.code;
        row.year = 2023;
        row.month = month;
        row.item = l.item;
        row.amount = l.amount * scale(rng);
        row.unit = std::string(InfoOf(l.item).canonical_unit);
        row.amount_canonical = row.amount;
        row.use = l.use;
        park.rows.push_back(std::move(row));
      }
    }
  }
  return park;
}

void BM_RecomputePark(benchmark::State& state) {
  static const Park park = MakePark();
  CalcConfig config;
  config.year = 2023;
  for (auto _ : state) {
    ParkInventory inv = ComputePark(park.library, config, park.enterprises, park.rows);
    if (!inv.failures.empty()) {
      state.SkipWithError(inv.failures.front().error.message.c_str());
      break;
    }
    benchmark::DoNotOptimize(inv.park[0][Metric::kTotalTCo2]);
  }
  state.counters["rows"] = static_cast<double>(park.rows.size());
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(park.rows.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_RecomputePark)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Recompute plus the three lists, as a nightly job or a factor revision would trigger it.
void BM_RecomputeParkAndLists(benchmark::State& state) {
  static const Park park = MakePark();
  CalcConfig config;
  config.year = 2023;
  const ThreeListRules rules;
  for (auto _ : state) {
    ParkInventory inv = ComputePark(park.library, config, park.enterprises, park.rows);
    auto lists = BuildThreeLists(inv, rules);
    benchmark::DoNotOptimize(lists.ok());
  }
}
BENCHMARK(BM_RecomputeParkAndLists)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace park::carbon

BENCHMARK_MAIN();
