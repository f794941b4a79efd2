// Request metrics in the Prometheus text format, plus hooks for other modules' gauges. Thread-safe.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace park::http {

class Metrics {
 public:
  // Records one finished request. `route` is the route pattern (or "static", "unmatched").
  void Observe(std::string_view method, std::string_view route, int status, double seconds);
  // A module adds lines of exposition text (with # HELP / # TYPE) produced at scrape time.
  void AddCollector(std::function<void(std::string&)> collector);
  std::string Render() const;

 private:
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // method, route, status
  std::map<std::string, Histogram> latency_;                                  // route
  std::vector<std::function<void(std::string&)>> collectors_;
};

}  // namespace park::http
