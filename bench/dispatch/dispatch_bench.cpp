// Issue 14 targets: the 24 h x 15 min plan < 50 ms; 8,760 hourly steps < 5 s. The peer is glpsol (GLPK's
// simplex, Debian glpk-utils) on the same LP written as MPS, timed as a process from reading the file to the
// written solution, in the same run.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>

#include <unistd.h>

#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

// The demo park's shape: a 200 MWh / 50 MW vanadium battery, 60 MW of PV, 30 MW of wind, 30-50 MW of load,
// the example Zhejiang tariff with a 40 yuan/kW-month demand charge, carbon at 90 yuan/t, a flexible
// electrolysis load per day and a demand-response instruction every day from 18:00 to 21:00.
Problem Park(int steps, double step_hours) {
  auto tariffs = ParseTariffCsv(DefaultTariffCsv());
  Tariff t = tariffs->front();
  t.demand_charge_yuan_per_kw_month = 40;
  t.export_price_yuan_per_kwh = 0.2;
  Problem p;
  p.step_hours = step_hours;
  const double pi = std::numbers::pi;
  for (int i = 0; i < steps; ++i) {
    double hours = i * step_hours;
    double h = std::fmod(hours, 24.0);
    double day = std::floor(hours / 24.0);
    double season = 0.75 + 0.25 * std::sin(2 * pi * (day - 80) / 365);
    double weather = 0.6 + 0.4 * std::abs(std::sin(day * 1.7));
    p.load_mw.push_back(38 + 8 * std::sin((h - 9) / 24 * 2 * pi) + 4 * std::sin(day * 0.9));
    p.pv_available_mw.push_back(std::max(0.0, 60 * season * weather * std::sin((h - 6) / 12 * pi)));
    p.wind_available_mw.push_back(std::max(0.0, 15 + 12 * std::sin(hours / 31.0) + 5 * std::cos(hours / 7.0)));
  }
  ApplyTariff(t, p);
  p.import_max_mw = 80;
  p.export_max_mw = 10;
  p.carbon_price_yuan_per_t = 90;
  p.grid_factor_t_per_mwh = 0.5703;
  p.battery = DefaultVanadiumBattery(200, 0.5);
  p.battery.throughput_cost_yuan_per_mwh = 20;
  const int per_day = static_cast<int>(std::lround(24 / step_hours));
  for (int d = 0; d * per_day < steps; ++d) {
    int first = d * per_day;
    p.flexible.push_back({"electrolysis", 60, 10, first, std::min(steps - 1, first + per_day - 1)});
    int from = first + static_cast<int>(std::lround(18 / step_hours));
    int to = first + static_cast<int>(std::lround(21 / step_hours)) - 1;
    if (to < steps) p.instructions.push_back({20, from, to});
  }
  return p;
}

void BM_Plan(benchmark::State& state, int steps, double step_hours) {
  const Problem p = Park(steps, step_hours);
  double cost = 0;
  for (auto _ : state) {
    auto plan = Optimise(p);
    if (!plan.ok()) {
      state.SkipWithError(plan.error().message.c_str());
      return;
    }
    cost = plan->lp_objective;
    benchmark::DoNotOptimize(plan);
  }
  state.counters["objective"] = cost;
}

void BM_Glpsol(benchmark::State& state, int steps, double step_hours) {
  std::string glpsol = PARK_GLPSOL;
  if (glpsol.empty() || !std::filesystem::exists(glpsol)) {
    state.SkipWithError("glpsol not found (Debian glpk-utils)");
    return;
  }
  auto mps = ToMps(Park(steps, step_hours));
  auto dir = std::filesystem::temp_directory_path() / ("park_dispatch_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "plan.mps") << *mps;
  const std::string cmd = glpsol + " --freemps " + (dir / "plan.mps").string() + " -o " + (dir / "out.txt").string() +
                          " > /dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("glpsol failed");
      break;
    }
  }
  std::ifstream in(dir / "out.txt");
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find("COST = ");
    if (at != std::string::npos) {
      state.counters["objective"] = std::strtod(line.c_str() + at + 7, nullptr);
      break;
    }
  }
  std::filesystem::remove_all(dir);
}

BENCHMARK_CAPTURE(BM_Plan, day_15min, 96, 0.25)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Glpsol, day_15min, 96, 0.25)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Plan, year_hourly, 8760, 1.0)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(BM_Glpsol, year_hourly, 8760, 1.0)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace park::dispatch

BENCHMARK_MAIN();
