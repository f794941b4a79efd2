// Private: sliding-window counter of failed logins per key (user name + address). Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace park::auth {

class LoginLimiter {
 public:
  LoginLimiter(int max_failures, int64_t window_ms) : max_(max_failures), window_ms_(window_ms) {}

  // Milliseconds until the key may try again, or 0 when it may try now.
  int64_t RetryAfterMs(const std::string& key, int64_t now_ms);
  void Fail(const std::string& key, int64_t now_ms);
  void Reset(const std::string& key);

 private:
  void Prune(std::deque<int64_t>& times, int64_t now_ms) const;

  int max_;
  int64_t window_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace park::auth
