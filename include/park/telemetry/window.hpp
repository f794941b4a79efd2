// Which instants telemetry accepts. Points are stored as int64 epoch nanoseconds (1677-09-21 .. 2262-04-11) and the
// newest point of a series is its "latest" value, so a point far in the past or future is refused rather than
// stored: one line dated 2262 would otherwise stay the latest value for good. Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "park/core/result.hpp"

namespace park::telemetry {

// Query bounds (from/to) and HJ 212 dates must lie in [kMinInstantMs, kMaxInstantMs): 1900-01-01 to 2200-01-01
// UTC, far enough inside the nanosecond range that a day of lead on either side (meters) cannot overflow.
inline constexpr int64_t kMinInstantMs = -2'208'988'800'000;  // 1900-01-01T00:00:00Z
inline constexpr int64_t kMaxInstantMs = 7'258'118'400'000;   // 2200-01-01T00:00:00Z

// How far from now a point's instant may lie (config [telemetry] accept_past_days, accept_future_s).
struct AcceptWindow {
  int64_t past_ms = 3650LL * 86'400'000;  // 10 years back: back-filled history
  int64_t future_ms = 86'400'000;         // 1 day ahead: loggers' clocks drift, local time sent as UTC
};

// OK when `at_ms` lies in [now_ms - past_ms, now_ms + future_ms]. The error (kInvalidArgument, field `field`)
// names the instant, how far off it is and the accepted range.
Status CheckPointTimeMs(int64_t at_ms, int64_t now_ms, const AcceptWindow& window, std::string_view field);
// The same for a nanosecond instant (line protocol), without overflow for any int64.
Status CheckPointTimeNs(int64_t at_ns, int64_t now_ms, const AcceptWindow& window, std::string_view field);

// A query bound in ms as nanoseconds; an error naming `field` when it lies outside [kMinInstantMs, kMaxInstantMs].
Result<int64_t> QueryBoundNs(int64_t at_ms, std::string_view field);
Status CheckQueryBoundMs(int64_t at_ms, std::string_view field);

}  // namespace park::telemetry
