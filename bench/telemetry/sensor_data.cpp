#include "sensor_data.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace park::telemetry::bench {
namespace {

constexpr int64_t kStartNs = 1'700'000'000'000'000'000;
constexpr int64_t kStepNs = 10'000'000'000;
constexpr int kPeriod = 360;  // one triangle cycle per hour at 10 s

struct Wave {
  int64_t base, amplitude, noise;
  int phase;
  int64_t At(int k, std::mt19937& rng) const {
    const int pos = (k + phase) % kPeriod;
    const int tri = std::abs(2 * pos - kPeriod);
    const int64_t wave = amplitude * (2 * tri - kPeriod) / kPeriod;
    return base + wave + static_cast<int64_t>(rng() % (2 * noise + 1)) - noise;
  }
};

std::string Format(int64_t scaled, int decimals) {
  char buf[32];
  if (decimals == 3) {
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(scaled / 1000),
                  static_cast<long long>(scaled % 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(scaled / 100),
                  static_cast<long long>(scaled % 100));
  }
  return buf;
}

}  // namespace

std::vector<Point> SensorSeries(uint32_t seed, int points, int decimals) {
  std::mt19937 rng(seed);
  // Temperature-like (2 decimals: 80.00 +- 6, noise 0.5) or pressure-like (3 decimals: 0.400 +- 0.05, noise 0.01).
  const Wave w = decimals == 3 ? Wave{400, 50, 10, static_cast<int>(seed % kPeriod)}
                               : Wave{8000, 600, 50, static_cast<int>(seed % kPeriod)};
  const double scale = decimals == 3 ? 1000.0 : 100.0;
  std::vector<Point> out;
  out.reserve(points);
  for (int k = 0; k < points; ++k) out.push_back({kStartNs + k * kStepNs, static_cast<double>(w.At(k, rng)) / scale});
  return out;
}

std::string SensorLines(int assets, int ticks) {
  static const char* kKinds[] = {"reactor", "pump", "compressor", "boiler", "chiller", "tank", "motor", "transformer"};
  std::mt19937 rng(20240601);
  std::vector<std::string> prefixes;
  std::vector<std::array<Wave, 3>> waves;
  for (int a = 0; a < assets; ++a) {
    char prefix[128];
    std::snprintf(prefix, sizeof prefix, "equipment,park=tzb,enterprise=E%03d,asset=%c-%04d,kind=%s ",
                  static_cast<int>(rng() % 40) + 1, "RPCBCTMT"[a % 8], a, kKinds[a % 8]);
    prefixes.emplace_back(prefix);
    waves.push_back({Wave{8000, 600, 50, static_cast<int>(rng() % kPeriod)},
                     Wave{400, 50, 10, static_cast<int>(rng() % kPeriod)},
                     Wave{230, 80, 20, static_cast<int>(rng() % kPeriod)}});
  }
  std::string out;
  out.reserve(static_cast<size_t>(assets) * ticks * 120);
  for (int k = 0; k < ticks; ++k) {
    const std::string ts = " " + std::to_string(kStartNs + k * kStepNs) + "\n";
    for (int a = 0; a < assets; ++a) {
      out += prefixes[a];
      out += "temp=" + Format(waves[a][0].At(k, rng), 2);
      out += ",pressure=" + Format(waves[a][1].At(k, rng), 3);
      out += ",vibration=" + Format(waves[a][2].At(k, rng), 2);
      out += ts;
    }
  }
  return out;
}

}  // namespace park::telemetry::bench
