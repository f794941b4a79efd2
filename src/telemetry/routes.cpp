// HTTP endpoints of the telemetry service: ingest, series queries, meters, alarm rules and alarms.
#include <fmt/format.h>

#include <cmath>

#include "park/core/csv.hpp"
#include "park/core/json.hpp"
#include "park/core/outbound.hpp"
#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/store/audit.hpp"
#include "telemetry/alarms.hpp"
#include "telemetry/meters.hpp"
#include "telemetry/service_impl.hpp"

namespace park::telemetry {
namespace {

constexpr const char* kTag = "telemetry";

using http::Method;
using http::Request;
using http::Response;

const std::vector<Role> kWriters = {Role::kDevice, Role::kIntegrator, Role::kParkAdmin, Role::kEnterpriseUser};
const std::vector<Role> kRuleEditors = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};

constexpr std::string_view kSeriesPage =
    "SELECT t.id, t.key, t.sensor_id, t.enterprise_id, t.source, t.created_at, s.name, s.unit, s.kind "
    "FROM telemetry_series t LEFT JOIN sensors s ON s.id = t.sensor_id "
    "WHERE ($1 = 0 OR t.enterprise_id = $1) AND ($2 = 0 OR t.sensor_id = $2) "
    "AND ($3 = '' OR t.key LIKE $3 ESCAPE '\\') "
    "AND ($4 = 0 OR s.equipment_id = $4) ORDER BY t.id LIMIT $5 OFFSET $6";
constexpr std::string_view kSeriesCount =
    "SELECT COUNT(*) FROM telemetry_series t LEFT JOIN sensors s ON s.id = t.sensor_id "
    "WHERE ($1 = 0 OR t.enterprise_id = $1) AND ($2 = 0 OR t.sensor_id = $2) "
    "AND ($3 = '' OR t.key LIKE $3 ESCAPE '\\') "
    "AND ($4 = 0 OR s.equipment_id = $4)";
constexpr std::string_view kSensorsForLatest =
    "SELECT s.id, s.key, s.name, s.unit, s.kind, s.quantity, s.enterprise_id, s.equipment_id, s.low_limit, "
    "s.high_limit FROM sensors s WHERE ($1 = 0 OR s.enterprise_id = $1) AND ($2 = 0 OR s.equipment_id = $2) "
    "AND ($3 = 0 OR s.id = $3) ORDER BY s.id LIMIT 5000";
constexpr std::string_view kSensorScope = "SELECT enterprise_id FROM sensors WHERE id = $1";
constexpr std::string_view kRulesPage =
    "SELECT id FROM alarm_rules WHERE ($1 = 0 OR enterprise_id = $1 OR enterprise_id IS NULL) ORDER BY id";
const std::string kRuleById = "SELECT " + std::string(kRuleColumns) + " FROM alarm_rules WHERE id = $1";
constexpr std::string_view kInsertRule =
    "INSERT INTO alarm_rules (name, enterprise_id, sensor_id, equipment_kind, quantity, kind, high, low, deadband, "
    "max_rate_per_s, timeout_s, severity, webhook_url, webhook_format, enabled, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id";
constexpr std::string_view kUpdateRule =
    "UPDATE alarm_rules SET name = $2, enterprise_id = $3, sensor_id = $4, equipment_kind = $5, quantity = $6, "
    "kind = $7, high = $8, low = $9, deadband = $10, max_rate_per_s = $11, timeout_s = $12, severity = $13, "
    "webhook_url = $14, webhook_format = $15, enabled = $16, updated_at = $17 WHERE id = $1";
constexpr std::string_view kDisableRule = "UPDATE alarm_rules SET enabled = 0, updated_at = $2 WHERE id = $1";
Json OptJ(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Int(i)); }

Response Fail(const Error& e) { return Response::FromError(e); }

Response Busy(const Error& e) {
  Response r = Response::FromError(e);
  r.headers.emplace_back("Retry-After", "2");
  return r;
}

// http::EnterpriseScope as the SQL filters here take it: 0 for the whole park.
Result<int64_t> ScopeFilter(const Request& req) {
  PARK_ASSIGN_OR_RETURN(auto scope, http::EnterpriseScope(req));
  return scope.value_or(0);
}

struct Range {
  int64_t from_ns = 0;
  int64_t to_ns = 0;
};

// from/to as ISO 8601 instants; defaults: the last 24 hours.
Result<Range> RangeOf(const Request& req, const Clock& clock) {
  int64_t to_ms = clock.NowMs() + 1;
  if (auto t = req.Query("to")) {
    PARK_ASSIGN_OR_RETURN(to_ms, ParseInstantMs(*t, "to"));
  }
  int64_t from_ms = to_ms - 24 * 3600 * 1000;
  if (auto f = req.Query("from")) {
    PARK_ASSIGN_OR_RETURN(from_ms, ParseInstantMs(*f, "from"));
  }
  // Bounds are nanoseconds inside: outside 1900..2199 they would overflow, so they are refused, not wrapped.
  PARK_ASSIGN_OR_RETURN(const int64_t to_ns, QueryBoundNs(to_ms, "to"));
  PARK_ASSIGN_OR_RETURN(const int64_t from_ns, QueryBoundNs(from_ms, "from"));
  if (from_ms >= to_ms) return Error::Invalid("from", T("time.from_before_to"));
  return Range{from_ns, to_ns};
}

// "30s", "5m", "1h", "1d" -> nanoseconds.
Result<int64_t> ParseWidth(std::string_view text) {
  if (text.size() < 2) return Error::Invalid("width", T("telemetry.width"));
  const char unit = text.back();
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9' || n > 1'000'000) return Error::Invalid("width", T("telemetry.width"));
    n = n * 10 + (c - '0');
  }
  const int64_t s = 1'000'000'000;
  int64_t mult = 0;
  switch (unit) {
    case 's': mult = s; break;
    case 'm': mult = 60 * s; break;
    case 'h': mult = 3600 * s; break;
    case 'd': mult = 86400 * s; break;
    default: return Error::Invalid("width", T("telemetry.width"));
  }
  if (n <= 0) return Error::Invalid("width", T("telemetry.width"));
  return n * mult;
}

std::string Num(double v) {
  if (std::isnan(v)) return "";
  return fmt::format("{}", v);
}

Json SeriesJson(const store::Row& r) {
  return {{"id", r.Int(0)},         {"key", r.Text(1)},          {"sensor_id", OptJ(r, 2)},
          {"enterprise_id", OptJ(r, 3)}, {"source", r.Text(4)},   {"created_at", FormatInstantMs(r.Int(5))},
          {"name", r.IsNull(6) ? Json(nullptr) : Json(r.Text(6))},
          {"unit", r.IsNull(7) ? Json(nullptr) : Json(r.Text(7))},
          {"kind", r.IsNull(8) ? Json(nullptr) : Json(r.Text(8))}};
}

// Reads and checks a rule body (every field; a PUT replaces the rule). `before` is the stored rule of a PUT: its
// webhook URL sent back exactly as RuleJsonFor masked it keeps the stored URL, so an edit by someone who only saw
// the mask cannot store the mask. The URL must pass CheckOutboundUrl under `policy` (no loopback, private, … targets).
Result<AlarmRule> RuleFromBody(const Request& req, store::Tx& tx, const OutboundPolicy& policy,
                               const AlarmRule* before = nullptr) {
  PARK_ASSIGN_OR_RETURN(Json body, ParseJsonObject(req.body));
  JsonReader rd(body);
  AlarmRule r;
  r.name = rd.String("name", JsonReader::kRequired, 200).value_or("");
  r.sensor_id = rd.Integer("sensor_id", JsonReader::kOptional);
  r.enterprise_id = rd.Integer("enterprise_id", JsonReader::kOptional);
  r.equipment_type = rd.String("equipment_type", JsonReader::kOptional, 100).value_or("");
  r.quantity = rd.String("quantity", JsonReader::kOptional, 100).value_or("");
  r.kind = rd.String("kind", JsonReader::kRequired, 20).value_or("");
  r.high = rd.Number("high", JsonReader::kOptional);
  r.low = rd.Number("low", JsonReader::kOptional);
  r.deadband = rd.Number("deadband", JsonReader::kOptional).value_or(0);
  r.max_rate_per_s = rd.Number("max_rate_per_s", JsonReader::kOptional);
  r.timeout_s = rd.Integer("timeout_s", JsonReader::kOptional);
  r.severity = rd.String("severity", JsonReader::kOptional, 20).value_or("warning");
  r.webhook_url = rd.String("webhook_url", JsonReader::kOptional, 1000).value_or("");
  r.webhook_format = rd.String("webhook_format", JsonReader::kOptional, 20).value_or("dingtalk");
  r.enabled = rd.Bool("enabled", JsonReader::kOptional).value_or(true);
  // Every field is checked on its own, so that one answer names every mistake.
  const bool kind_known = r.kind == "threshold" || r.kind == "rate" || r.kind == "no_data";
  if (!r.kind.empty() && !kind_known) rd.Fail("kind", T("telemetry.rule.kind"));
  if (r.severity != "info" && r.severity != "warning" && r.severity != "critical") {
    rd.Fail("severity", T("telemetry.rule.severity"));
  }
  if (r.webhook_format != "dingtalk" && r.webhook_format != "wecom" && r.webhook_format != "json") {
    rd.Fail("webhook_format", T("telemetry.rule.webhook_format"));
  }
  if (before && !before->webhook_url.empty() && r.webhook_url != before->webhook_url &&
      r.webhook_url == MaskUrlSecrets(before->webhook_url)) {
    r.webhook_url = before->webhook_url;
  }
  if (!r.webhook_url.empty()) {
    if (auto target = CheckOutboundUrl(r.webhook_url, policy, "webhook_url"); !target.ok()) {
      rd.Fail("webhook_url", target.error().text.empty()
                                 ? T("telemetry.rule.webhook_url", {{"detail", target.error().message}})
                                 : target.error().text);
    }
  }
  if (!r.sensor_id && (r.equipment_type.empty() || r.quantity.empty())) {
    rd.Fail("sensor_id", T("telemetry.rule.sensor_or_type"));
  }
  if (r.kind == "threshold") {
    // A limit the reader already refused (not a number) is not reported a second time.
    const bool limits_read = (!rd.Has("high") || r.high) && (!rd.Has("low") || r.low);
    if (limits_read) {
      if (auto st = ValidateThresholdRule({r.high, r.low, r.deadband}); !st.ok()) {
        for (const auto& f : st.error().fields) rd.Fail(f.field, f.text);
      }
    }
  }
  if (r.kind == "rate") {
    if (!r.max_rate_per_s) {
      if (!rd.Has("max_rate_per_s")) rd.Fail("max_rate_per_s", T("telemetry.rule.rate_needs_max"));
    } else if (auto st = ValidateRateRule({*r.max_rate_per_s, r.deadband}); !st.ok()) {
      // The rule's deadband_per_s is the body's deadband.
      for (const auto& f : st.error().fields) rd.Fail(f.field == "deadband_per_s" ? "deadband" : f.field, f.text);
    }
  }
  if (r.kind == "no_data" && (!r.timeout_s || *r.timeout_s < 10 || *r.timeout_s > 30 * 86400)) {
    rd.Fail("timeout_s", T("telemetry.rule.timeout", {{"min_s", 10}, {"max_days", 30}}));
  }
  // The sensor and the enterprise are checked in the same answer as the rest of the body.
  const Principal& who = req.Who();
  if (r.sensor_id) {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSensorScope, {*r.sensor_id}));
    if (!row || !who.CanSeeEnterprise(row->Int(0))) {
      rd.Fail("sensor_id", T("field.no_such_record"));
    } else {
      r.enterprise_id = row->Int(0);
    }
  }
  if (who.enterprise_id) {
    if (r.enterprise_id && *r.enterprise_id != *who.enterprise_id) {
      rd.Fail("enterprise_id", T("telemetry.own_enterprise"));
    }
    r.enterprise_id = who.enterprise_id;
  }
  PARK_TRY(rd.Finish());
  return r;
}

store::Params RuleParams(const AlarmRule& r) {
  store::Params p;
  p.reserve(15);
  p.emplace_back(r.name);
  p.emplace_back(store::OrNull(r.enterprise_id));
  p.emplace_back(store::OrNull(r.sensor_id));
  p.emplace_back(r.equipment_type);
  p.emplace_back(r.quantity);
  p.emplace_back(r.kind);
  p.emplace_back(store::OrNull(r.high));
  p.emplace_back(store::OrNull(r.low));
  p.emplace_back(r.deadband);
  p.emplace_back(store::OrNull(r.max_rate_per_s));
  p.emplace_back(store::OrNull(r.timeout_s));
  p.emplace_back(r.severity);
  p.emplace_back(r.webhook_url);
  p.emplace_back(r.webhook_format);
  p.emplace_back(int64_t{r.enabled ? 1 : 0});
  return p;
}

// A series the caller may read, or 404.
Result<SeriesInfo> ReadableSeries(Service::Impl& s, const Request& req) {
  PARK_ASSIGN_OR_RETURN(int64_t id, req.IdParam());
  auto info = s.resolver.Find(id);
  const Principal& who = req.Who();
  if (!info) return Error::NotFound(T("telemetry.no_series"));
  // Series of no enterprise (park-level gateway data) are readable by every reader not scoped to an enterprise.
  if (info->enterprise_id ? !who.CanSeeEnterprise(*info->enterprise_id) : who.enterprise_id.has_value()) {
    return Error::NotFound(T("telemetry.no_series"));
  }
  return *info;
}

}  // namespace

void Service::Register(http::Router& router) {
  Impl* s = impl_.get();
  Service* self = this;

  // --- ingest ---
  auto write_lp = [self](const Request& req) -> Response {
    auto precision = ParsePrecision(req.Query("precision").value_or(""));
    if (!precision.ok()) return Fail(precision.error());
    auto r = self->WriteLineProtocol(req.Who(), req.body, *precision);
    if (!r.ok()) {
      const auto code = r.error().code;
      return code == ErrorCode::kResourceExhausted || code == ErrorCode::kUnavailable ? Busy(r.error()) : Fail(r.error());
    }
    return Response::NoContent();
  };
  const Json lp_schema = {{"type", "string"},
                           {"description", "InfluxDB line protocol: measurement[,tag=v…] field=v[,…] [timestamp]; a "
                                           "field named after a sensor key, or a line named after one with field "
                                           "\"value\", is that sensor's series. Timestamps must lie within "
                                           "[telemetry] accept_past_days before now and accept_future_s after "
                                           "(else 400); a writer registering more new series than its hourly cap "
                                           "gets 429, beyond the park's max_series 400"}};
  // What InfluxDB 1.x accepts, so Telegraf, gateways and `curl --data-binary` (which sends a form type) work as
  // they are: the body is line protocol whatever it is labelled.
  const std::vector<std::string> kLineProtocolAlsoAccepted = {"", "application/x-www-form-urlencoded",
                                                              "application/octet-stream"};
  const std::vector<http::QueryParamDoc> lp_query = {
      {"precision", "string", "timestamp unit: ns (default), us, ms or s", false},
      {"db", "string", "accepted and ignored (InfluxDB 1.x clients send it)", false}};
  {
    auto r = http::MakeRoute(kTag, Method::kPost, "/api/v1/write", kWriters,
                             "Write points in InfluxDB line protocol; 204 once durable (all lines or none)", write_lp);
    r.doc.request_content_type = "text/plain";
    r.doc.also_accepted_content_types = kLineProtocolAlsoAccepted;
    r.doc.request_schema = lp_schema;
    r.doc.success_status = 204;
    r.doc.query = lp_query;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kPost, "/write", kWriters,
                             "InfluxDB 1.x compatible write (Telegraf, gateways): same as /api/v1/write", write_lp);
    r.doc.request_content_type = "text/plain";
    r.doc.also_accepted_content_types = kLineProtocolAlsoAccepted;
    r.doc.request_schema = lp_schema;
    r.doc.success_status = 204;
    r.doc.query = lp_query;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kPost, "/api/v1/telemetry", kWriters,
        "Write ThingsBoard-style JSON telemetry: {\"key\":v}, {\"ts\":ms,\"values\":{…}} or an array of them",
        [self](const Request& req) -> Response {
          auto r = self->WriteJson(req.Who(), req.body);
          if (!r.ok()) {
            const auto code = r.error().code;
            return code == ErrorCode::kResourceExhausted || code == ErrorCode::kUnavailable ? Busy(r.error())
                                                                                            : Fail(r.error());
          }
          return Response::FromJson({{"records", r->lines}, {"values", r->values}});
        });
    r.doc.request_schema = {{"oneOf", Json::array({{{"type", "object"}}, {{"type", "array"}}})}};
    r.doc.response_schema =
        http::ObjectSchema({{"records", {{"type", "integer"}}}, {"values", {{"type", "integer"}}}});
    router.Add(std::move(r));
  }

  // --- series ---
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/series", kTelemetryReaders,
                             "List time series with the sensor each is bound to", [s](const Request& req) -> Response {
                               auto scope = ScopeFilter(req);
                               if (!scope.ok()) return Fail(scope.error());
                               auto page = http::ParsePage(req);
                               if (!page.ok()) return Fail(page.error());
                               auto sensor = http::QueryId(req, "sensor_id");
                               if (!sensor.ok()) return Fail(sensor.error());
                               auto equipment = http::QueryId(req, "equipment_id");
                               if (!equipment.ok()) return Fail(equipment.error());
                               std::string like;
                               if (auto q = req.Query("q"); q && !q->empty()) like = store::LikeContains(*q, false);
                               Json items = Json::array();
                               int64_t total = 0;
                               auto st = s->store.Read([&](store::Tx& tx) -> Status {
                                 store::Params p;
                                 p.emplace_back(*scope);
                                 p.emplace_back(sensor->value_or(0));
                                 p.emplace_back(like);
                                 p.emplace_back(equipment->value_or(0));
                                 PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kSeriesCount, p));
                                 total = count->Int(0);
                                 p.emplace_back(page->size);
                                 p.emplace_back(page->Offset());
                                 PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSeriesPage, p));
                                 for (const auto& row : rows) items.push_back(SeriesJson(row));
                                 return {};
                               });
                               if (!st.ok()) return Fail(st.error());
                               return Response::FromJson(http::PagedJson(std::move(items), *page, total));
                             });
    r.doc.query = {{"enterprise_id", "integer", "only this enterprise's series", false},
                   {"sensor_id", "integer", "the series of this sensor", false},
                   {"equipment_id", "integer", "the series of this equipment's sensors", false},
                   {"q", "string", "key contains", false},
                   {"page", "integer", "1-based", false},
                   {"size", "integer", "items per page", false}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/series/{id}/points", kTelemetryReaders,
        "Raw points of a series in [from, to), oldest first (JSON, or CSV with format=csv)",
        [s](const Request& req) -> Response {
          auto info = ReadableSeries(*s, req);
          if (!info.ok()) return Fail(info.error());
          auto range = RangeOf(req, s->clock);
          if (!range.ok()) return Fail(range.error());
          size_t limit = 10'000;
          if (auto l = req.Query("limit")) {
            const long long v = std::atoll(std::string(*l).c_str());
            if (v < 1 || v > 1'000'000) return Fail(Error::Invalid("limit", T("field.integer_range", {{"min", 1}, {"max", 1000000}})));
            limit = static_cast<size_t>(v);
          }
          auto points = s->engine.Raw(info->id, range->from_ns, range->to_ns, limit);
          if (!points.ok()) return Fail(points.error());
          if (req.Query("format") == std::optional<std::string_view>("csv")) {
            // Only our own text (ISO instants) and numbers: AppendCsvNumber keeps -3.5 a number and writes a
            // non-finite value as text, so no cell can read as a formula.
            std::string csv = "time,value\n";
            for (const auto& p : *points) {
              AppendCsvText(csv, FormatInstantMs(p.timestamp_ns / 1'000'000));
              csv += ',';
              AppendCsvNumber(csv, Num(p.value));
              csv += '\n';
            }
            Response resp = Response::Text(std::move(csv), "text/csv; charset=utf-8");
            resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"series-" +
                                                                 std::to_string(info->id) + ".csv\"");
            return resp;
          }
          Json items = Json::array();
          for (const auto& p : *points) items.push_back({{"ts", FormatInstantMs(p.timestamp_ns / 1'000'000)}, {"value", p.value}});
          return Response::FromJson({{"series_id", info->id}, {"key", info->key}, {"points", std::move(items)},
                                     {"truncated", points->size() == limit}});
        });
    r.doc.query = {{"from", "string", "ISO 8601 instant, 1900..2199 (default: 24 h before to)", false},
                   {"to", "string", "ISO 8601 instant, exclusive, 1900..2199 (default: now)", false},
                   {"limit", "integer", "at most this many points (default 10000)", false},
                   {"format", "string", "csv for a CSV file", false}};
    r.doc.response_content_type = "application/json";
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/series/{id}/buckets", kTelemetryReaders,
        "Aggregates per time bucket (count, min, max, mean, sum, last); JSON or CSV",
        [s](const Request& req) -> Response {
          auto info = ReadableSeries(*s, req);
          if (!info.ok()) return Fail(info.error());
          auto range = RangeOf(req, s->clock);
          if (!range.ok()) return Fail(range.error());
          int64_t width = 0;
          if (auto w = req.Query("width")) {
            auto pw = ParseWidth(*w);
            if (!pw.ok()) return Fail(pw.error());
            width = *pw;
          } else {
            const long long n = std::atoll(std::string(req.Query("buckets").value_or("1000")).c_str());
            if (n < 1 || n > 100'000) return Fail(Error::Invalid("buckets", T("field.integer_range", {{"min", 1}, {"max", 100000}})));
            const int64_t span = range->to_ns - range->from_ns;
            width = std::max<int64_t>(1'000'000'000, (span + n - 1) / n);
          }
          if ((range->to_ns - range->from_ns) / width > 1'000'000) {
            return Fail(Error::Invalid("width", T("telemetry.too_many_buckets", {{"max", 1000000}})));
          }
          BucketGrid grid{width, 0};
          if (width % kDayNs == 0) grid.origin_ns = -static_cast<int64_t>(s->config.utc_offset_minutes) * kMinuteNs;
          if (!req.Query("width")) grid.origin_ns = range->from_ns;
          auto buckets = s->engine.Buckets(info->id, range->from_ns, range->to_ns, grid);
          if (!buckets.ok()) return Fail(buckets.error());
          if (req.Query("format") == std::optional<std::string_view>("csv")) {
            std::string csv = "start,count,min,max,mean,sum,last\n";
            for (const auto& b : *buckets) {
              const auto& a = b.aggregate;
              AppendCsvText(csv, FormatInstantMs(b.start_ns / 1'000'000));
              csv += fmt::format(",{}", a.count);
              for (const double v : {a.min, a.max, a.mean(), a.sum, a.last}) {
                csv += ',';
                AppendCsvNumber(csv, Num(v));
              }
              csv += '\n';
            }
            return Response::Text(std::move(csv), "text/csv; charset=utf-8");
          }
          Json items = Json::array();
          for (const auto& b : *buckets) {
            const auto& a = b.aggregate;
            items.push_back({{"start", FormatInstantMs(b.start_ns / 1'000'000)},
                             {"count", a.count},
                             {"min", a.min},
                             {"max", a.max},
                             {"mean", a.mean()},
                             {"sum", a.sum},
                             {"last", a.last}});
          }
          return Response::FromJson({{"series_id", info->id},
                                     {"key", info->key},
                                     {"width_s", static_cast<double>(width) / 1e9},
                                     {"buckets", std::move(items)}});
        });
    r.doc.query = {{"from", "string", "ISO 8601 instant, 1900..2199 (default: 24 h before to)", false},
                   {"to", "string", "ISO 8601 instant, exclusive, 1900..2199 (default: now)", false},
                   {"width", "string", "bucket width: 30s, 5m, 1h, 1d (days follow local midnight)", false},
                   {"buckets", "integer", "or: this many equal buckets over the range (default 1000)", false},
                   {"format", "string", "csv for a CSV file", false}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/latest", kScreenTelemetryReaders,
        "Latest value of each sensor (of an equipment, an enterprise, or one sensor), with online status",
        [s](const Request& req) -> Response {
          auto scope = ScopeFilter(req);
          if (!scope.ok()) return Fail(scope.error());
          auto equipment = http::QueryId(req, "equipment_id");
          if (!equipment.ok()) return Fail(equipment.error());
          auto sensor = http::QueryId(req, "sensor_id");
          if (!sensor.ok()) return Fail(sensor.error());
          std::vector<store::Row> rows;
          auto st = s->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(rows, tx.Query(kSensorsForLatest, {*scope, equipment->value_or(0), sensor->value_or(0)}));
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          const int64_t now = s->clock.NowMs();
          const int64_t online_ms = 3 * s->config.no_data_check_s * 1000 + 60'000;
          Json items = Json::array();
          size_t online = 0;
          for (const auto& row : rows) {
            Json item = {{"sensor_id", row.Int(0)}, {"key", row.Text(1)},  {"name", row.Text(2)},
                         {"unit", row.Text(3)},     {"kind", row.Text(4)}, {"quantity", row.Text(5)},
                         {"enterprise_id", row.Int(6)}, {"equipment_id", row.Int(7)},
                         {"low_limit", row.IsNull(8) ? Json(nullptr) : Json(row.Real(8))},
                         {"high_limit", row.IsNull(9) ? Json(nullptr) : Json(row.Real(9))},
                         {"ts", nullptr}, {"value", nullptr}, {"online", false}};
            const auto series = s->resolver.FindKey(row.Text(1));  // a sensor that never reported has none
            if (series) {
              item["series_id"] = series->id;
              auto latest = s->engine.Latest(series->id);
              if (latest.ok() && latest->has_value()) {
                const int64_t ts_ms = (*latest)->timestamp_ns / 1'000'000;
                item["ts"] = FormatInstantMs(ts_ms);
                item["value"] = (*latest)->value;
                item["online"] = now - ts_ms <= online_ms;
                if (now - ts_ms <= online_ms) ++online;
              }
            }
            items.push_back(std::move(item));
          }
          return Response::FromJson({{"items", std::move(items)}, {"online", online}, {"total", rows.size()}});
        });
    r.doc.query = {{"enterprise_id", "integer", "this enterprise's sensors", false},
                   {"equipment_id", "integer", "this equipment's sensors", false},
                   {"sensor_id", "integer", "one sensor", false}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/telemetry/stats", {Role::kParkAdmin, Role::kParkStaff},
                             "Ingest and storage figures: points acknowledged, sealed, buffered, bytes per value",
                             [s](const Request&) -> Response {
                               const auto st = s->engine.stats();
                               auto bytes = s->engine.ChunkBytes();
                               if (!bytes.ok()) return Fail(bytes.error());
                               return Response::FromJson(
                                   {{"appended_points", st.appended_points},
                                    {"commit_groups", st.commit_groups},
                                    {"sealed_points", st.sealed_points},
                                    {"sealed_chunks", st.sealed_chunks},
                                    {"buffered_points", st.head_points},
                                    {"buffered_series", st.head_series},
                                    {"refused_batches", st.refused_batches},
                                    {"chunk_bytes", bytes->first},
                                    {"chunk_points", bytes->second},
                                    {"bytes_per_value", bytes->second ? static_cast<double>(bytes->first) /
                                                                            static_cast<double>(bytes->second)
                                                                      : 0.0},
                                    {"hj212_frames", s->hj212_frames.load()},
                                    {"hj212_rejected", s->hj212_rejected.load()},
                                    {"open_alarms", s->alarms->open_count()}});
                             });
    router.Add(std::move(r));
  }

  RegisterMeterRoutes(*s, router);

  // --- alarm rules ---
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/alarm-rules", kTelemetryReaders, "List alarm rules",
                             [s](const Request& req) -> Response {
                               auto scope = ScopeFilter(req);
                               if (!scope.ok()) return Fail(scope.error());
                               Json items = Json::array();
                               auto st = s->store.Read([&](store::Tx& tx) -> Status {
                                 PARK_ASSIGN_OR_RETURN(auto ids, tx.Query(kRulesPage, {*scope}));
                                 for (const auto& id : ids) {
                                   PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kRuleById, {id.Int(0)}));
                                   items.push_back(RuleJsonFor(RuleFromRow(*row), req.Who()));
                                 }
                                 return {};
                               });
                               if (!st.ok()) return Fail(st.error());
                               return Response::FromJson({{"items", std::move(items)}});
                             });
    router.Add(std::move(r));
  }
  const Json rule_schema = http::ObjectSchema(
      {{"name", {{"type", "string"}}},
       {"sensor_id", {{"type", "integer"}, {"description", "one sensor; or equipment_type + quantity"}}},
       {"equipment_type", {{"type", "string"}}},
       {"quantity", {{"type", "string"}}},
       {"enterprise_id", {{"type", "integer"}, {"nullable", true}}},
       {"kind", {{"type", "string"}, {"enum", {"threshold", "rate", "no_data"}}}},
       {"high", {{"type", "number"}}},
       {"low", {{"type", "number"}}},
       {"deadband", {{"type", "number"}}},
       {"max_rate_per_s", {{"type", "number"}}},
       {"timeout_s", {{"type", "integer"}}},
       {"severity", {{"type", "string"}, {"enum", {"info", "warning", "critical"}}}},
       {"webhook_url",
        {{"type", "string"},
         {"description", "http(s) URL of a public host (loopback, private, link-local, … targets are refused unless "
                         "[alarms] webhook_allow_hosts lists the host); shown masked (\"webhook_url_masked\": true) "
                         "to all but park admins and the rule's enterprise; sending the masked value back unchanged "
                         "keeps the stored URL"}}},
       {"webhook_format", {{"type", "string"}, {"enum", {"dingtalk", "wecom", "json"}}}},
       {"enabled", {{"type", "boolean"}}}},
      {"name", "kind"});
  {
    auto r = http::MakeRoute(
        kTag, Method::kPost, "/api/v1/alarm-rules", kRuleEditors,
        "Create an alarm rule (threshold with deadband, rate of change, or no data) for a sensor or an equipment type",
        [s](const Request& req) -> Response {
          Json out;
          auto st = s->store.Write([&](store::Tx& tx) -> Status {
            const OutboundPolicy policy{s->config.webhook_allow_hosts};
            PARK_ASSIGN_OR_RETURN(AlarmRule rule, RuleFromBody(req, tx, policy));
            auto p = RuleParams(rule);
            p.emplace_back(s->clock.NowMs());
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertRule, p));
            rule.id = row->Int(0);
            out = RuleJsonFor(rule, req.Who());
            PARK_TRY(store::AppendAudit(tx, s->clock, &req.Who(),
                                        {"create", "alarm_rule", rule.id, rule.enterprise_id, nullptr, RuleJson(rule)}));
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          if (auto ld = s->alarms->Load(); !ld.ok()) return Fail(ld.error());
          return Response::FromJson(out, 201);
        });
    r.doc.request_schema = rule_schema;
    r.doc.success_status = 201;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kPut, "/api/v1/alarm-rules/{id}", kRuleEditors, "Replace an alarm rule",
                             [s](const Request& req) -> Response {
                               auto id = req.IdParam();
                               if (!id.ok()) return Fail(id.error());
                               Json out;
                               auto st = s->store.Write([&](store::Tx& tx) -> Status {
                                 PARK_ASSIGN_OR_RETURN(auto old, tx.QueryOne(kRuleById, {*id}));
                                 if (!old) return Error::NotFound(T("telemetry.no_rule"));
                                 const AlarmRule before = RuleFromRow(*old);
                                 if (before.enterprise_id ? !req.Who().CanSeeEnterprise(*before.enterprise_id)
                                                          : !req.Who().IsPark()) {
                                   return Error::NotFound(T("telemetry.no_rule"));
                                 }
                                 const OutboundPolicy policy{s->config.webhook_allow_hosts};
                                 PARK_ASSIGN_OR_RETURN(AlarmRule rule, RuleFromBody(req, tx, policy, &before));
                                 rule.id = *id;
                                 auto p = RuleParams(rule);
                                 p.insert(p.begin(), store::Value(*id));
                                 p.emplace_back(s->clock.NowMs());
                                 PARK_TRY(tx.Exec(kUpdateRule, p));
                                 out = RuleJsonFor(rule, req.Who());
                                 PARK_TRY(store::AppendAudit(tx, s->clock, &req.Who(),
                                                             {"update", "alarm_rule", rule.id, rule.enterprise_id,
                                                              RuleJson(before), RuleJson(rule)}));
                                 return {};
                               });
                               if (!st.ok()) return Fail(st.error());
                               if (auto ld = s->alarms->Load(); !ld.ok()) return Fail(ld.error());
                               return Response::FromJson(out);
                             });
    r.doc.request_schema = rule_schema;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        kTag, Method::kDelete, "/api/v1/alarm-rules/{id}", kRuleEditors,
        "Disable an alarm rule (kept, with its alarms, for the record)", [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          auto st = s->store.Write([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto old, tx.QueryOne(kRuleById, {*id}));
            if (!old) return Error::NotFound(T("telemetry.no_rule"));
            const AlarmRule before = RuleFromRow(*old);
            if (before.enterprise_id ? !req.Who().CanSeeEnterprise(*before.enterprise_id) : !req.Who().IsPark()) {
              return Error::NotFound(T("telemetry.no_rule"));
            }
            PARK_TRY(tx.Exec(kDisableRule, {*id, s->clock.NowMs()}));
            PARK_TRY(store::AppendAudit(tx, s->clock, &req.Who(),
                                        {"disable", "alarm_rule", *id, before.enterprise_id, RuleJson(before), nullptr}));
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          if (auto ld = s->alarms->Load(); !ld.ok()) return Fail(ld.error());
          return Response::NoContent();
        });
    r.doc.success_status = 204;
    router.Add(std::move(r));
  }

  // --- alarms ---
  RegisterAlarmRoutes(*s, router);
}

}  // namespace park::telemetry
