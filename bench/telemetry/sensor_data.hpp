// Synthetic data shaped like ../shared/bench/peers/gen_lines.py: assets with a slow triangle wave plus noise per
// field, values with 2-3 decimals, readings every 10 s, lines time-major. Deterministic; no files needed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "park/telemetry/chunk.hpp"

namespace park::telemetry::bench {

// `points` readings of one field of one asset, 10 s apart from 1700000000 s. decimals: 2 or 3.
std::vector<Point> SensorSeries(uint32_t seed, int points, int decimals);

// Line protocol like gen_lines.py: `assets` lines per tick, 3 fields each, `ticks` ticks.
std::string SensorLines(int assets, int ticks);

}  // namespace park::telemetry::bench
