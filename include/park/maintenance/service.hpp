// The maintenance service (issue 12) under /api/v1/maintenance/…, storage in migration 0008: plans on equipment
// with their next due derived on every read (calendar or meter, through the pure library), work orders through the
// library's state machine with a time log, parts issued from stock and sign-offs, spare-part stock per store,
// regulated equipment's statutory dues, health scores, and condition plans that open a work order when their
// alarm rule fires. A periodic job publishes reminders to the live feed as plans enter their lead window and opens
// the work order of a plan that falls due. Enterprise users see and act on their own enterprise's equipment only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "park/core/clock.hpp"
#include "park/core/outbound.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::maintenance {

struct ServiceSources {
  store::Store& store;
  const Clock& clock;
  // Telemetry's series routes are read through this router, in process, as the service itself (meter plans, trends).
  const http::Router& router;
  // Reminders and work-order changes go to the live feed; alarm raises are taken from it (condition plans).
  http::LiveHub* hub = nullptr;
  int utc_offset_minutes = 8 * 60;
  int64_t job_interval_ms = 5000;  // how often reminders and due plans are checked
  // A plan's reminder is also posted to its webhook_url (DingTalk/WeCom text): the app's sender, which connects
  // only to addresses the policy allows; the same policy checks the URL when a plan is saved. No sender: none sent.
  std::function<Status(const std::string& url, const std::string& json_body)> webhook;
  OutboundPolicy webhook_policy;
  // Attachments (work-order and round photos and documents) larger than this are refused with 413. The server's
  // max_body_bytes must be at least as large for the service to see such a body at all.
  int64_t attachment_max_bytes = 5 * 1024 * 1024;
};

class Service {
 public:
  explicit Service(ServiceSources sources);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void Register(http::Router& router);
  // The periodic job (reminders, due plans) and the alarm hook (condition plans). Stop waits for the worker.
  void Start();
  void Stop();
  // One pass of the job: reminders published and work orders opened for plans due now.
  Status RunOnce();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Creates the service and registers its routes; the caller keeps it and starts it with the server.
std::unique_ptr<Service> Register(http::Router& router, ServiceSources sources);

}  // namespace park::maintenance
