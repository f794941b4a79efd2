// A log-line rate limiter: lets through at most N lines per key per interval and counts the rest, so a flood of
// bad input (junk on a device port, failed accepts, refused writes) costs a few log lines, not megabytes.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "park/core/clock.hpp"

namespace park {

// Thread-safe. Windows are fixed per key: the first line of a key opens an interval of `interval_ms`; within it
// `lines_per_interval` lines pass, the others are suppressed and counted. The clock is injected (tests pass a
// FixedClock) and must outlive the limiter. At most `max_keys` keys are tracked: past that, keys whose interval
// has ended are forgotten, and if none has, new keys share one overflow bucket; so memory stays bounded whatever
// keys callers invent.
//
//   static LogLimiter limiter(clock, 5, 60'000);
//   if (auto n = limiter.Allow("hj212.bad_frame")) spdlog::warn("hj212: bad frame: {}{}", why, Suppressed(*n));
class LogLimiter {
 public:
  LogLimiter(const Clock& clock, uint32_t lines_per_interval, int64_t interval_ms, size_t max_keys = 1024);

  // nullopt: stay quiet (the line is counted as suppressed). Otherwise write the line: the value is how many lines
  // of this key were suppressed since it last spoke (0 usually), to be mentioned in it.
  std::optional<uint64_t> Allow(std::string_view key);

  // Lines suppressed so far, all keys together (for /metrics or tests).
  uint64_t suppressed_total() const;

 private:
  struct Window {
    int64_t start_ms = 0;
    uint32_t lines = 0;       // written in the current interval
    uint64_t suppressed = 0;  // not written since the key last spoke
  };
  const Clock& clock_;
  const uint32_t lines_per_interval_;
  const int64_t interval_ms_;
  const size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  uint64_t suppressed_total_ = 0;
};

// " (N similar lines suppressed)" to append to a line that Allow let through, or "" when none were.
std::string Suppressed(uint64_t count);

}  // namespace park
