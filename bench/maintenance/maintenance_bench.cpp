// Issue 12 targets (docs/BENCHMARKS.md): next-due computation for 100,000 plans < 50 ms; health scores for 10,000
// equipment < 100 ms; a year of 10-minute data for 50 turbines through the power-curve analysis < 1 s. The inputs are made before timing; only the computation is timed.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "park/maintenance/health.hpp"
#include "park/maintenance/plan.hpp"
#include "park/maintenance/wind.hpp"

namespace park::maintenance {
namespace {

constexpr int kBeijing = 8 * 60;
constexpr int64_t kDayMs = 86400000;
constexpr int64_t kNow = 1764547200000;  // 2025-12-01T00:00:00Z

struct PlanCase {
  CalendarPlan plan;
  std::optional<int64_t> last_done;
};

std::vector<PlanCase> MakePlans(int n) {
  std::mt19937 rng(12);
  std::vector<PlanCase> out;
  out.reserve(n);
  const CalendarUnit units[] = {CalendarUnit::kDay, CalendarUnit::kWeek, CalendarUnit::kMonth, CalendarUnit::kYear};
  for (int i = 0; i < n; ++i) {
    PlanCase c;
    c.plan.unit = units[rng() % 4];
    c.plan.every = 1 + static_cast<int64_t>(rng() % 12);
    c.plan.anchor = rng() % 2 ? Anchor::kFixed : Anchor::kFloating;
    c.plan.start = AddDays(LocalDate{2015, 1, 1}, static_cast<int64_t>(rng() % 3000));  // up to ~8 years of schedule
    c.plan.lead_days = static_cast<int64_t>(rng() % 30);
    if (rng() % 10) c.last_done = kNow - static_cast<int64_t>(rng() % 400) * kDayMs;
    out.push_back(c);
  }
  return out;
}

void BM_NextDue100k(benchmark::State& state) {
  const auto plans = MakePlans(100000);
  for (auto _ : state) {
    int64_t overdue = 0;
    for (const auto& c : plans) overdue += NextCalendarDue(c.plan, c.last_done, kNow, kBeijing).due_now;
    benchmark::DoNotOptimize(overdue);
  }
}
BENCHMARK(BM_NextDue100k)->Unit(benchmark::kMillisecond);

std::vector<HealthInput> MakeEquipment(int n) {
  std::mt19937 rng(7);
  std::vector<HealthInput> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    HealthInput in;
    in.age_years = static_cast<double>(rng() % 300) / 10;
    in.design_life_years = 20;
    in.open_critical = rng() % 2;
    in.open_warning = rng() % 3;
    in.open_info = rng() % 4;
    if (rng() % 4 == 0) in.overdue_days = {static_cast<int64_t>(rng() % 60)};
    for (int k = 0; k < 2; ++k) {  // two key readings, 30 daily means each
      TrendInput t{"key" + std::to_string(k), {}, 100.0, 0.0};
      const double slope = static_cast<double>(static_cast<int>(rng() % 200) - 100) / 100;
      for (int d = 0; d < 30; ++d) t.samples.push_back({d * kDayMs, 50 + slope * d + static_cast<double>(rng() % 100) / 100});
      in.trends.push_back(std::move(t));
    }
    out.push_back(std::move(in));
  }
  return out;
}

void BM_Health10k(benchmark::State& state) {
  const auto equipment = MakeEquipment(10000);
  for (auto _ : state) {
    double sum = 0;
    for (const auto& in : equipment) sum += ComputeHealth(in).score;
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_Health10k)->Unit(benchmark::kMillisecond);

void BM_PowerCurve50TurbinesYear(benchmark::State& state) {
  const PowerCurve curve{{{3, 0}, {4, 80}, {5, 200}, {6, 380}, {7, 620}, {8, 930}, {9, 1320}, {10, 1700},
                          {11, 1930}, {12, 2000}, {25, 2000}},
                         1.225};
  std::mt19937 rng(5);
  std::vector<TurbineSample> year(365 * 144);  // one turbine's year; every turbine is analysed on its own copy
  for (auto& s : year) {
    s.wind_ms = static_cast<double>(rng() % 2000) / 100;
    s.power_kw = ExpectedPowerKw(curve, s.wind_ms) * (0.9 + static_cast<double>(rng() % 20) / 100);
    s.temperature_c = static_cast<double>(rng() % 40) - 10;
    s.pressure_hpa = 990 + static_cast<double>(rng() % 40);
    s.wind_direction_deg = static_cast<double>(rng() % 360);
    s.nacelle_deg = static_cast<double>(rng() % 360);
  }
  for (auto _ : state) {
    double lost = 0;
    for (int turbine = 0; turbine < 50; ++turbine) lost += AnalyseTurbine(curve, year, 600).lost_kwh;
    benchmark::DoNotOptimize(lost);
  }
}
BENCHMARK(BM_PowerCurve50TurbinesYear)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace park::maintenance
BENCHMARK_MAIN();
