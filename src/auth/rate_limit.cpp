#include "auth/rate_limit.hpp"

namespace park::auth {

void LoginLimiter::Prune(std::deque<int64_t>& times, int64_t now_ms) const {
  while (!times.empty() && times.front() <= now_ms - window_ms_) times.pop_front();
}

int64_t LoginLimiter::RetryAfterMs(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  Prune(it->second, now_ms);
  if (it->second.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(it->second.size()) < max_) return 0;
  // Locked until the oldest failure in the window ages out.
  return it->second.front() + window_ms_ - now_ms;
}

void LoginLimiter::Fail(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto& times = failures_[key];
  Prune(times, now_ms);
  times.push_back(now_ms);
  // Bound memory under a flood of distinct keys: forget the oldest entries wholesale.
  if (failures_.size() > 100000) failures_.clear();
}

void LoginLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

}  // namespace park::auth
