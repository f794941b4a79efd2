#include "park/core/log_limit.hpp"

namespace park {
namespace {
// The bucket of keys that arrive while the table is full of live keys.
constexpr std::string_view kOverflowKey = "\x01overflow";
}  // namespace

LogLimiter::LogLimiter(const Clock& clock, uint32_t lines_per_interval, int64_t interval_ms, size_t max_keys)
    : clock_(clock),
      lines_per_interval_(lines_per_interval),
      interval_ms_(interval_ms > 0 ? interval_ms : 1),
      max_keys_(max_keys > 0 ? max_keys : 1) {}

std::optional<uint64_t> LogLimiter::Allow(std::string_view key) {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  auto it = windows_.find(std::string(key));
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      // Forget keys whose interval has ended and that owe no suppressed count; their next line starts afresh.
      std::erase_if(windows_, [&](const auto& kv) {
        return now - kv.second.start_ms >= interval_ms_ && kv.second.suppressed == 0;
      });
    }
    const std::string_view slot = windows_.size() >= max_keys_ ? kOverflowKey : key;
    it = windows_.try_emplace(std::string(slot), Window{now, 0, 0}).first;
  }
  Window& w = it->second;
  if (now - w.start_ms >= interval_ms_) {
    w.start_ms = now;
    w.lines = 0;
  }
  if (w.lines >= lines_per_interval_) {
    ++w.suppressed;
    ++suppressed_total_;
    return std::nullopt;
  }
  ++w.lines;
  const uint64_t owed = w.suppressed;
  w.suppressed = 0;
  return owed;
}

uint64_t LogLimiter::suppressed_total() const {
  std::lock_guard lock(mutex_);
  return suppressed_total_;
}

std::string Suppressed(uint64_t count) {
  if (count == 0) return {};
  return " (" + std::to_string(count) + (count == 1 ? " similar line" : " similar lines") + " suppressed)";
}

}  // namespace park
