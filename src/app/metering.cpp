#include "app/metering.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"

namespace park::app {

Result<carbon::MeteredOutcome> SyncMetered(telemetry::Service& telemetry, carbon::Service& carbon,
                                           std::string_view period, std::optional<int64_t> enterprise_id,
                                           const Principal* actor) {
  PARK_ASSIGN_OR_RETURN(auto totals, telemetry.MeteredMonthTotals(period, enterprise_id));
  std::vector<carbon::MeteredAmount> amounts;
  for (const auto& t : totals) {
    amounts.push_back({t.enterprise_id, std::string(period), t.item, t.amount, t.unit, t.note});
  }
  return carbon.StoreMetered(amounts, actor);
}

void RegisterMeteringRoute(http::Router& router, telemetry::Service& telemetry, carbon::Service& carbon) {
  auto r = http::MakeRoute(
      "carbon", http::Method::kPost, "/api/v1/carbon/metered",
      {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser},
      "Turn a month of meter readings (meters with an activity_item) and HJ 212 discharges into metered activity "
      "rows; a manual or imported row for the same month and item stands (runs hourly by itself too)",
      [&telemetry, &carbon](const http::Request& req) -> http::Response {
        const auto period = req.Query("period");
        if (!period || period->empty()) return http::Response::FromError(Error::Invalid("period", T("field.required")));
        if (!IsValidMonth(*period)) {
          return http::Response::FromError(
              Error::Invalid("period", T("time.month_format", {{"value", std::string(period->substr(0, 20))}})));
        }
        auto scope = http::EnterpriseScope(req);
        if (!scope.ok()) return http::Response::FromError(scope.error());
        auto out = SyncMetered(telemetry, carbon, *period, *scope, &req.Who());
        if (!out.ok()) return http::Response::FromError(out.error());
        return http::Response::FromJson({{"period", *period}, {"stored", out->stored}, {"kept_manual", out->kept_manual}});
      });
  r.doc.request_schema = http::ObjectSchema({});
  r.doc.query = {{"period", "string", "the month, YYYY-MM", true},
                 {"enterprise_id", "integer", "only this enterprise (scoped users: their own)", false}};
  router.Add(std::move(r));
}

void MeteringJob::Start() {
  std::lock_guard lk(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      RunOnce();
      std::unique_lock lk(mutex_);
      if (cv_.wait_for(lk, std::chrono::hours(1), [this] { return stopping_; })) return;
    }
  });
}

void MeteringJob::Stop() {
  {
    std::lock_guard lk(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncRecentMonths(telemetry::Service& telemetry, carbon::Service& carbon, const Clock& clock,
                      int utc_offset_minutes) {
  const int64_t local_ms = clock.NowMs() + static_cast<int64_t>(utc_offset_minutes) * 60'000;
  const std::string today = FormatDateMs(local_ms);
  const int year = std::stoi(today.substr(0, 4));
  const int month = std::stoi(today.substr(5, 2));
  for (const auto& period : {fmt::format("{:04d}-{:02d}", month == 1 ? year - 1 : year, month == 1 ? 12 : month - 1),
                             fmt::format("{:04d}-{:02d}", year, month)}) {
    auto out = SyncMetered(telemetry, carbon, period, std::nullopt, nullptr);
    if (!out.ok()) {
      spdlog::warn("metering: {}: {}", period, out.error().message);
    } else if (!out->stored.empty() || !out->kept_manual.empty()) {
      spdlog::info("metering: {}: {} metered rows stored, {} manual rows kept", period, out->stored.size(),
                   out->kept_manual.size());
    }
  }
}

void MeteringJob::RunOnce() { SyncRecentMonths(telemetry_, carbon_, clock_, utc_offset_minutes_); }

}  // namespace park::app
