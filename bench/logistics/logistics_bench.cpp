// Issue 13 targets: validating and scheduling 2,000 bookings across 60 docks < 100 ms; a gate decision (plate ->
// booking -> zone) in microseconds.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "park/logistics/booking.hpp"

namespace park::logistics {
namespace {

constexpr int64_t kDay0 = 20'000;  // 2024-10-04; any day will do

int64_t At(int day, int hour) { return DayStartMs(kDay0 + day, kChinaUtcOffsetMin) + hour * kMsPerHour; }

std::string PlateFor(int i) {
  static const char* kProvinces[] = {"鲁", "苏", "浙", "冀", "豫"};
  std::string serial = std::to_string(10000 + i % 90000);
  return std::string(kProvinces[i % 5]) + static_cast<char>('A' + (i / 90000) % 8) + serial;
}

struct Fixture {
  GoodsTable table = GoodsTable::Default();
  std::vector<Dock> docks;
  std::vector<BookingRequest> requests;
  ParkRules rules;

  Fixture(int n_docks, int n_bookings) {
    rules.class_caps = {{"2.3", 40}, {"5.2", 20}, {"1", 4}};
    const std::vector<std::vector<std::string>> dock_classes = {
        {"3", "6.1", "8"}, {"2", "5.1", "8"}, {"3", "9"}, {"8", "6.1"}};
    for (int d = 0; d < n_docks; ++d) {
      Dock dock;
      dock.id = "D" + std::to_string(d);
      dock.name = std::to_string(d + 1) + "号装卸台";
      dock.enterprise_id = "E" + std::to_string(d / 3);
      dock.open_minute = 6 * 60;
      dock.close_minute = 22 * 60;
      dock.slot_minutes = 60;
      dock.parallel_capacity = 2;
      dock.allowed_labels = dock_classes[static_cast<size_t>(d) % dock_classes.size()];
      docks.push_back(dock);
    }
    // Goods each dock accepts.
    std::vector<std::vector<std::string>> fitting(dock_classes.size());
    for (size_t c = 0; c < dock_classes.size(); ++c) {
      for (const auto& g : table.all()) {
        bool ok = true;
        for (const auto& l : g.labels) ok = ok && docks[c].Accepts(l);
        if (ok) fitting[c].push_back(g.un_number);
      }
    }
    std::mt19937 rng(13);
    for (int i = 0; i < n_bookings; ++i) {
      const int d = i % n_docks;
      const auto& fit = fitting[static_cast<size_t>(d) % fitting.size()];
      BookingRequest r;
      r.plate = PlateFor(i);
      r.carrier_id = "C" + std::to_string(i % 40);
      r.driver_id = "P" + std::to_string(i);
      r.escort_id = "S" + std::to_string(i);
      r.dock_id = docks[static_cast<size_t>(d)].id;
      r.slot_start_ms = At(1 + (i / (n_docks * 32)) % 3, 6 + static_cast<int>(rng() % 16));
      r.goods = {{fit[rng() % fit.size()], 1000.0 + rng() % 20000}};
      r.documents.tank_vehicle = true;
      for (auto k : {DocumentKind::kRoadTransportPermit, DocumentKind::kTankInspection,
                     DocumentKind::kDriverQualification, DocumentKind::kEscortQualification}) {
        r.documents.documents.push_back({k, "N" + std::to_string(i), std::nullopt, kDay0 + 200});
      }
      requests.push_back(std::move(r));
    }
  }
};

// Every booking validated and, when it passes, given its place (the full slots refuse the rest).
void BM_ScheduleBookings(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const int64_t now = At(0, 9);
  int booked = 0;
  for (auto _ : state) {
    Scheduler s(f.table, MixingMatrix::Default(), f.rules, f.docks);
    booked = 0;
    for (const auto& r : f.requests) booked += s.Book(r, now).ok();
    benchmark::DoNotOptimize(booked);
  }
  state.counters["booked"] = booked;
  state.SetItemsProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_ScheduleBookings)->Args({60, 2000})->Unit(benchmark::kMillisecond);

// A gate event: parse the camera's plate, find the day's booking, choose a lot zone.
void BM_GateDecision(benchmark::State& state) {
  Fixture f(60, 2000);
  std::unordered_map<std::string, std::vector<std::string>> labels_by_plate;
  for (const auto& r : f.requests)
    labels_by_plate[ParsePlate(r.plate)->text] = f.table.Find(r.goods[0].un_number)->labels;
  // A lot of 12 zones of 8, two thirds full with vehicles of the day.
  std::vector<Zone> zones;
  size_t next = 0;
  for (int z = 0; z < 12; ++z) {
    Zone zone{"Z" + std::to_string(z), 8, {}};
    for (int v = 0; v < 5; ++v, ++next) {
      const auto& r = f.requests[next * 7 % f.requests.size()];
      auto labels = f.table.Find(r.goods[0].un_number)->labels;
      if (AssignZone(MixingMatrix::Default(), {zone}, labels).zone_id)
        zone.vehicles.push_back({r.plate, r.plate, labels});
    }
    zones.push_back(std::move(zone));
  }
  size_t i = 0;
  int placed = 0;
  for (auto _ : state) {
    const auto& r = f.requests[i++ % f.requests.size()];
    auto plate = ParsePlate(r.plate);
    const auto it = labels_by_plate.find(plate->text);
    auto choice = AssignZone(MixingMatrix::Default(), zones, it->second);
    placed += choice.zone_id.has_value();
    benchmark::DoNotOptimize(choice);
  }
  state.counters["placed_share"] = static_cast<double>(placed) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_GateDecision)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace park::logistics
BENCHMARK_MAIN();
