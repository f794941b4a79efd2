#include "park/http/metrics.hpp"

#include <fmt/format.h>

namespace park::http {

void Metrics::Observe(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method), std::string(route), status}];
  auto& h = latency_[std::string(route)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddCollector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    out += "# HELP parkbrain_http_requests_total HTTP requests by method, route and status.\n";
    out += "# TYPE parkbrain_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [method, route, status] = key;
      out += fmt::format("parkbrain_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", method,
                         route, status, n);
    }
    out += "# HELP parkbrain_http_request_duration_seconds Time from request read to response written.\n";
    out += "# TYPE parkbrain_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format("parkbrain_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                           kBuckets[i], h.counts[i]);
      }
      out += fmt::format("parkbrain_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
                         h.count);
      out += fmt::format("parkbrain_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
      out += fmt::format("parkbrain_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, h.count);
    }
    uint64_t errors = 0;
    for (const auto& [key, n] : requests_) {
      if (std::get<2>(key) >= 500) errors += n;
    }
    out += "# HELP parkbrain_http_server_errors_total Responses with a 5xx status.\n";
    out += "# TYPE parkbrain_http_server_errors_total counter\n";
    out += fmt::format("parkbrain_http_server_errors_total {}\n", errors);
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(out);
  return out;
}

}  // namespace park::http
