// Issue 15 targets: 1,000,000 decay corrections < 50 ms; allocation of 500 orders from 50 batches < 100 ms.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "park/isotope/isotope.hpp"

namespace park::isotope {
namespace {

constexpr int64_t kNow = 1'765'000'000'000;

struct Item {
  const Nuclide* nuclide;
  double bq;
  int64_t reference_ms;
};

std::vector<Item> Inventory(size_t n) {
  const auto& table = NuclideTable::Default();
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> pick(0, table.all().size() - 1);
  std::uniform_real_distribution<double> bq(1e6, 1e12);
  std::uniform_int_distribution<int64_t> age(0, 30 * kMsPerDay);
  std::vector<Item> items;
  items.reserve(n);
  for (size_t i = 0; i < n; ++i) items.push_back({&table.all()[pick(rng)], bq(rng), kNow - age(rng)});
  return items;
}

// Every inventory line corrected from its reference time to now.
void BM_DecayCorrections(benchmark::State& state) {
  const auto items = Inventory(static_cast<size_t>(state.range(0)));
  std::vector<double> now_bq(items.size());
  for (auto _ : state) {
    for (size_t i = 0; i < items.size(); ++i) {
      const double dt_s = static_cast<double>(kNow - items[i].reference_ms) / 1000.0;
      now_bq[i] = items[i].bq * DecayFactor(items[i].nuclide->half_life_s, dt_s);
    }
    benchmark::DoNotOptimize(now_bq.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DecayCorrections)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The same count with progeny: Mo-99 lines solved as the exact Mo-99 → Tc-99m chain.
void BM_ChainDecay(benchmark::State& state) {
  const auto& table = NuclideTable::Default();
  const size_t n = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> hours(0, 300);
  std::vector<double> dt(n);
  for (auto& d : dt) d = hours(rng) * 3600;
  for (auto _ : state) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      auto r = Decay(table, {{"Mo-99", 1e10}}, dt[i]);
      sum += r.value()[1].bq;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ChainDecay)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Allocate(benchmark::State& state) {
  const auto& table = NuclideTable::Default();
  std::mt19937_64 rng(3);
  const char* nuclides[] = {"Mo-99", "I-131", "Lu-177"};
  std::vector<Batch> batches;
  for (int i = 0; i < 50; ++i) {
    const int64_t ref = kNow + (i % 7) * kMsPerDay;
    batches.push_back({"b" + std::to_string(i), nuclides[i % 3], std::uniform_real_distribution<double>(2e12, 8e12)(rng),
                       ref, ref + 6 * kMsPerHour, ref + 10 * kMsPerDay});
  }
  std::vector<Order> orders;
  for (int i = 0; i < 500; ++i) {
    const int64_t dispatch = kNow + std::uniform_int_distribution<int64_t>(0, 7 * 24)(rng) * kMsPerHour;
    orders.push_back({"o" + std::to_string(i), nuclides[i % 3], std::uniform_real_distribution<double>(1e10, 2e11)(rng),
                      dispatch, dispatch + 30 * kMsPerHour});
  }
  size_t filled = 0;
  for (auto _ : state) {
    auto plan = Allocate(table, batches, orders);
    filled = plan.allocations.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["filled"] = static_cast<double>(filled);
}
BENCHMARK(BM_Allocate)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace park::isotope

BENCHMARK_MAIN();
