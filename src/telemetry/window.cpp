#include "park/telemetry/window.hpp"

#include <string>

#include "park/core/time.hpp"

namespace park::telemetry {
namespace {

bool Representable(int64_t ms) { return ms >= kMinInstantMs && ms < kMaxInstantMs; }

std::string Shown(int64_t ms) { return Representable(ms) ? FormatInstantMs(ms) : "out of range"; }

std::string Distance(int64_t ms) {
  if (ms >= 2 * 86'400'000) return std::to_string(ms / 86'400'000) + " days";
  if (ms >= 2 * 3'600'000) return std::to_string(ms / 3'600'000) + " hours";
  return std::to_string((ms + 999) / 1000) + " s";
}

}  // namespace

Status CheckPointTimeMs(int64_t at_ms, int64_t now_ms, const AcceptWindow& window, std::string_view field) {
  const int64_t earliest = now_ms - window.past_ms;
  const int64_t latest = now_ms + window.future_ms;
  if (at_ms >= earliest && at_ms <= latest) return {};
  std::string what = "timestamp ";
  if (!Representable(at_ms)) {
    what += "lies outside 1900..2199";
  } else {
    what += FormatInstantMs(at_ms) + " is " +
            (at_ms > latest ? Distance(at_ms - now_ms) + " in the future" : Distance(now_ms - at_ms) + " in the past");
  }
  return Error::Invalid(std::string(field), what + "; points are accepted from " + Shown(earliest) + " to " +
                                                Shown(latest) + " ([telemetry] accept_past_days, accept_future_s)");
}

Status CheckPointTimeNs(int64_t at_ns, int64_t now_ms, const AcceptWindow& window, std::string_view field) {
  // Floor division: -1 ns is in the millisecond before the epoch. Any int64 ns is a representable ms.
  int64_t at_ms = at_ns / 1'000'000;
  if (at_ns % 1'000'000 < 0) --at_ms;
  return CheckPointTimeMs(at_ms, now_ms, window, field);
}

Result<int64_t> QueryBoundNs(int64_t at_ms, std::string_view field) {
  PARK_TRY(CheckQueryBoundMs(at_ms, field));
  return at_ms * 1'000'000;
}

Status CheckQueryBoundMs(int64_t at_ms, std::string_view field) {
  if (Representable(at_ms)) return {};
  return Error::Invalid(std::string(field), T("time.query_range", {{"from", "1900-01-01T00:00:00Z"}, {"to", "2199-12-31T23:59:59Z"}}));
}

}  // namespace park::telemetry
