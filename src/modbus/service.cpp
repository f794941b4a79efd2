// /api/v1/modbus/devices…: Modbus TCP devices and their register maps (migration 0009), and the poller that feeds
// their values to telemetry.
#include "park/modbus/service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "modbus/poller.hpp"
#include "park/core/outbound.hpp"
#include "park/modbus/modbus.hpp"
#include "park/store/audit.hpp"

namespace park::modbus {
namespace {

constexpr std::string_view kDeviceColumns =
    "id, name, host, port, unit_id, poll_interval_ms, timeout_ms, enabled, enterprise_id, registers, created_at, "
    "updated_at";
constexpr std::string_view kInsertDevice =
    "INSERT INTO modbus_devices (name, host, port, unit_id, poll_interval_ms, timeout_ms, enabled, enterprise_id, "
    "registers, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
constexpr std::string_view kUpdateDevice =
    "UPDATE modbus_devices SET name = $2, host = $3, port = $4, unit_id = $5, poll_interval_ms = $6, "
    "timeout_ms = $7, enabled = $8, enterprise_id = $9, registers = $10, updated_at = $11 WHERE id = $1";
constexpr std::string_view kDeleteDevice = "DELETE FROM modbus_devices WHERE id = $1";
constexpr std::string_view kSensorByKey = "SELECT id, enterprise_id FROM sensors WHERE key = $1";

constexpr int kMaxRegisters = 1000;

const std::vector<Role> kReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kIntegrator};
const std::vector<Role> kWriters = {Role::kParkAdmin, Role::kIntegrator};

// A device as stored.
struct Device {
  int64_t id = 0;
  std::string name;
  std::string host;
  int64_t port = 502;
  int64_t unit_id = 1;
  int64_t poll_interval_ms = 1000;
  int64_t timeout_ms = 500;
  bool enabled = true;
  std::optional<int64_t> enterprise_id;
  std::vector<Register> registers;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

Json RegistersJson(const std::vector<Register>& regs) {
  Json out = Json::array();
  for (const Register& r : regs) {
    out.push_back({{"table", TableName(r.table)},
                   {"address", r.address},
                   {"type", TypeName(r.type)},
                   {"order", OrderName(r.order)},
                   {"scale", r.scale},
                   {"offset", r.offset},
                   {"sensor_key", r.sensor_key}});
  }
  return out;
}

Result<std::vector<Register>> RegistersFromStored(const std::string& text) {
  const Json arr = Json::parse(text, nullptr, false);
  if (!arr.is_array()) return Error::Internal("a stored Modbus register map is not JSON");
  std::vector<RegisterInput> in;
  for (const Json& r : arr) {
    in.push_back({r.value("table", ""), r.value("address", int64_t{-1}), r.value("type", ""), r.value("order", ""),
                  r.value("scale", 1.0), r.value("offset", 0.0), r.value("sensor_key", "")});
  }
  auto regs = ValidateRegisters(in);
  if (!regs.ok()) return Error::Internal("a stored Modbus register map does not validate");
  return regs;
}

Result<Device> DeviceFromRow(const store::Row& r) {
  Device d;
  d.id = r.Int(0);
  d.name = r.Text(1);
  d.host = r.Text(2);
  d.port = r.Int(3);
  d.unit_id = r.Int(4);
  d.poll_interval_ms = r.Int(5);
  d.timeout_ms = r.Int(6);
  d.enabled = r.Int(7) != 0;
  d.enterprise_id = r.OptInt(8);
  PARK_ASSIGN_OR_RETURN(d.registers, RegistersFromStored(r.Text(9)));
  d.created_at = r.Int(10);
  d.updated_at = r.Int(11);
  return d;
}

Json DeviceJson(const Device& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"host", d.host},
          {"port", d.port},
          {"unit_id", d.unit_id},
          {"poll_interval_ms", d.poll_interval_ms},
          {"timeout_ms", d.timeout_ms},
          {"enabled", d.enabled},
          {"enterprise_id", d.enterprise_id ? Json(*d.enterprise_id) : Json(nullptr)},
          {"registers", RegistersJson(d.registers)},
          {"read_requests", PlanReads(d.registers).size()},
          {"created_at", d.created_at},
          {"updated_at", d.updated_at}};
}

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

Json StatusJson(const std::optional<DeviceStatus>& s) {
  if (!s) return {{"running", false}};
  Json out = {{"running", s->running},
              {"connected", s->connected},
              {"polls", s->polls},
              {"failures", s->failures},
              {"skipped", s->skipped},
              {"values", s->values},
              {"last_poll_at", s->last_poll_at ? Json(*s->last_poll_at) : Json(nullptr)},
              {"last_ok_at", s->last_ok_at ? Json(*s->last_ok_at) : Json(nullptr)},
              {"last_error", s->last_error.empty() ? Json(nullptr) : TextJson(s->last_error)},
              {"next_attempt_in_ms", s->next_attempt_in_ms ? Json(*s->next_attempt_in_ms) : Json(nullptr)}};
  out["lateness_ms"] = {{"p50", Percentile(s->lateness_us, 0.5) / 1000.0},
                        {"p99", Percentile(s->lateness_us, 0.99) / 1000.0},
                        {"max", Percentile(s->lateness_us, 1.0) / 1000.0},
                        {"samples", s->lateness_us.size()}};
  return out;
}

// Reads and checks a device body; every bad field at once. Sensor keys are checked against the registry within
// the caller's scope (`who` null: the system), which also decides the device's enterprise.
Result<Device> DeviceFromBody(store::Tx& tx, const Json& body, const Principal* who) {
  JsonReader rd(body);
  std::vector<FieldError> bad;
  Device d;
  d.name = rd.String("name", JsonReader::kRequired, 100).value_or("");
  const auto host = rd.String("host", JsonReader::kRequired, 100);
  d.port = rd.Integer("port", JsonReader::kOptional).value_or(502);
  d.unit_id = rd.Integer("unit_id", JsonReader::kOptional).value_or(1);
  d.poll_interval_ms = rd.Integer("poll_interval_ms", JsonReader::kOptional).value_or(1000);
  d.timeout_ms = rd.Integer("timeout_ms", JsonReader::kOptional).value_or(500);
  d.enabled = rd.Bool("enabled", JsonReader::kOptional).value_or(true);
  rd.ReadOnly("id");
  rd.ReadOnly("enterprise_id");
  rd.ReadOnly("created_at");
  rd.ReadOnly("updated_at");
  rd.ReadOnly("status");
  rd.ReadOnly("read_requests");
  if (host) {
    auto checked = CheckDeviceHost(*host, "host");
    if (checked.ok()) {
      d.host = *checked;
    } else {
      rd.Fail(checked.error());
    }
  }
  if (rd.Has("port") && (d.port < 1 || d.port > 65535)) {
    rd.Fail("port", T("field.integer_range", {{"min", 1}, {"max", 65535}}));
  }
  if (rd.Has("unit_id") && (d.unit_id < 0 || d.unit_id > 255)) {
    rd.Fail("unit_id", T("field.integer_range", {{"min", 0}, {"max", 255}}));
  }
  if (rd.Has("poll_interval_ms") && (d.poll_interval_ms < 100 || d.poll_interval_ms > 86'400'000)) {
    rd.Fail("poll_interval_ms", T("field.integer_range", {{"min", 100}, {"max", 86400000}}));
  }
  if (rd.Has("timeout_ms") && (d.timeout_ms < 20 || d.timeout_ms > 60'000)) {
    rd.Fail("timeout_ms", T("field.integer_range", {{"min", 20}, {"max", 60000}}));
  } else if (d.timeout_ms >= d.poll_interval_ms) {
    rd.Fail("timeout_ms", T("modbus.timeout_not_below_interval", {{"poll_interval_ms", d.poll_interval_ms}}));
  }
  const Json* regs = rd.Array("registers", JsonReader::kRequired);
  std::vector<RegisterInput> inputs;
  if (regs) {
    if (regs->empty() || regs->size() > static_cast<size_t>(kMaxRegisters)) {
      rd.Fail("registers", T("field.integer_range", {{"min", 1}, {"max", kMaxRegisters}}));
    } else {
      for (size_t i = 0; i < regs->size(); ++i) {
        const std::string at = "registers[" + std::to_string(i) + "]";
        const Json& item = (*regs)[i];
        if (!item.is_object()) {
          rd.Fail(FieldError{at, T("field.not_object", {{"actual", std::string(item.type_name())}})});
          continue;
        }
        JsonReader ir(item, at);
        RegisterInput in;
        in.table = ir.String("table", JsonReader::kOptional, 20).value_or("holding");
        in.address = ir.Integer("address", JsonReader::kRequired).value_or(0);
        in.type = ir.String("type", JsonReader::kRequired, 20).value_or("");
        in.order = ir.String("order", JsonReader::kOptional, 10).value_or("ABCD");
        in.scale = ir.Number("scale", JsonReader::kOptional).value_or(1);
        in.offset = ir.Number("offset", JsonReader::kOptional).value_or(0);
        in.sensor_key = ir.String("sensor_key", JsonReader::kRequired, 255).value_or("");
        if (auto st = ir.Finish(); !st.ok()) {
          rd.Fail(st.error());
          in.type = in.type.empty() ? "uint16" : in.type;  // keep checking the other fields
          if (in.sensor_key.empty()) in.sensor_key = "\x01" + std::to_string(i);
        }
        inputs.push_back(std::move(in));
      }
    }
  }
  if (!inputs.empty()) {
    auto checked = ValidateRegisters(inputs);
    if (checked.ok()) {
      d.registers = std::move(checked).value();
    } else {
      for (const auto& f : checked.error().fields) rd.Fail(f);
    }
  }
  // Every sensor must be registered and visible to the caller; the device belongs to the one enterprise of its
  // sensors, if there is one.
  std::set<std::optional<int64_t>> owners;
  for (size_t i = 0; i < d.registers.size(); ++i) {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSensorByKey, {d.registers[i].sensor_key}));
    const std::optional<int64_t> owner = row ? row->OptInt(1) : std::nullopt;
    if (!row || (who && owner && !who->CanSeeEnterprise(*owner)) || (who && who->enterprise_id && !owner)) {
      rd.Fail(FieldError{"registers[" + std::to_string(i) + "].sensor_key",
                         T("modbus.unknown_sensor", {{"sensor_key", d.registers[i].sensor_key}})});
      continue;
    }
    owners.insert(owner);
  }
  PARK_TRY(rd.Finish());
  if (owners.size() == 1) d.enterprise_id = *owners.begin();
  return d;
}

store::Params DeviceParams(const Device& d) {
  return {d.name,          d.host,
          d.port,          d.unit_id,
          d.poll_interval_ms, d.timeout_ms,
          int64_t{d.enabled ? 1 : 0}, store::OrNull(d.enterprise_id),
          RegistersJson(d.registers).dump()};
}

Json AuditJson(const Device& d) {
  Json j = DeviceJson(d);
  j.erase("created_at");
  j.erase("updated_at");
  j.erase("read_requests");
  return j;
}

Result<int64_t> InsertDevice(store::Tx& tx, const Clock& clock, const Principal* who, Device& d) {
  auto params = DeviceParams(d);
  d.created_at = d.updated_at = clock.NowMs();
  params.push_back(d.created_at);
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertDevice, params));
  if (!row) return Error::Internal("insert returned no id");
  d.id = row->Int(0);
  PARK_TRY(store::AppendAudit(tx, clock, who, {"create", "modbus_device", d.id, d.enterprise_id, nullptr, AuditJson(d)}));
  return d.id;
}

DeviceConfig ConfigOf(const Device& d) {
  return {d.id, d.host, static_cast<int>(d.port), static_cast<int>(d.unit_id), d.poll_interval_ms, d.timeout_ms,
          d.registers};
}

Json DeviceSchema() {
  const Json reg = http::ObjectSchema(
      {{"table", {{"type", "string"}, {"enum", {"holding", "input"}}, {"default", "holding"}}},
       {"address", {{"type", "integer"}, {"minimum", 0}, {"maximum", 65535}, {"description", "zero-based"}}},
       {"type", {{"type", "string"}, {"enum", {"int16", "uint16", "int32", "uint32", "float32"}}}},
       {"order", {{"type", "string"}, {"enum", {"ABCD", "CDAB", "BADC", "DCBA"}}, {"default", "ABCD"},
                  {"description", "A = most significant byte; ABCD big-endian, CDAB word-swapped, BADC byte-swapped"}}},
       {"scale", {{"type", "number"}, {"default", 1}}},
       {"offset", {{"type", "number"}, {"default", 0}, {"description", "value = raw × scale + offset"}}},
       {"sensor_key", {{"type", "string"}, {"description", "a registry sensor's key"}}}},
      {"address", "type", "sensor_key"});
  return http::ObjectSchema(
      {{"name", {{"type", "string"}, {"maxLength", 100}}},
       {"host", {{"type", "string"}, {"description", "a numeric IPv4 or IPv6 address (no host names)"}}},
       {"port", {{"type", "integer"}, {"default", 502}}},
       {"unit_id", {{"type", "integer"}, {"default", 1}, {"minimum", 0}, {"maximum", 255}}},
       {"poll_interval_ms", {{"type", "integer"}, {"default", 1000}, {"minimum", 100}}},
       {"timeout_ms", {{"type", "integer"}, {"default", 500}, {"description", "connect and response timeout, below the interval"}}},
       {"enabled", {{"type", "boolean"}, {"default", true}}},
       {"registers", {{"type", "array"}, {"items", reg}, {"minItems", 1}, {"maxItems", kMaxRegisters}}}},
      {"name", "host", "registers"});
}

Json DeviceResponseSchema() {
  Json s = DeviceSchema();
  s["properties"]["id"] = {{"type", "integer"}};
  s["properties"]["enterprise_id"] = {{"type", "integer"}, {"nullable", true}};
  s["properties"]["read_requests"] = {{"type", "integer"}, {"description", "read requests per poll cycle"}};
  s["properties"]["status"] = {
      {"type", "object"},
      {"description",
       "running, connected, polls, failures, skipped, values, last_poll_at, last_ok_at, last_error (code, params, "
       "message), next_attempt_in_ms (backoff), lateness_ms {p50, p99, max, samples}"}};
  return s;
}

}  // namespace

Result<std::string> CheckDeviceHost(std::string_view host, const std::string& field) {
  const auto ip = ParseIpLiteral(host);
  if (!ip) return Error::Invalid(field, T("modbus.host_not_address"));
  const AddressKind kind = ClassifyAddress(*ip);
  switch (kind) {
    case AddressKind::kGlobal:
    case AddressKind::kPrivate:
    case AddressKind::kSharedCgnat:
    case AddressKind::kLoopback:
      break;
    default:
      return Error::Invalid(field, T("modbus.host_refused", {{"kind", std::string(AddressKindName(kind))}}));
  }
  char buf[64];
  if (!ip->v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip->bytes[0], ip->bytes[1], ip->bytes[2], ip->bytes[3]);
    return std::string(buf);
  }
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", (ip->bytes[i] << 8) | ip->bytes[i + 1]);
    out += buf;
  }
  return out;
}

Result<int64_t> CreateDevice(store::Store& store, const Clock& clock, const Json& body) {
  int64_t id = 0;
  PARK_TRY(store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(Device d, DeviceFromBody(tx, body, nullptr));
    PARK_ASSIGN_OR_RETURN(id, InsertDevice(tx, clock, nullptr, d));
    return {};
  }));
  return id;
}

struct Service::Impl {
  ServiceSources src;
  Poller poller;

  explicit Impl(ServiceSources s) : src(std::move(s)), poller(src.clock, src.ingest) {}

  Result<std::optional<Device>> Load(store::Tx& tx, int64_t id) {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT " + std::string(kDeviceColumns) +
                                                    " FROM modbus_devices WHERE id = $1",
                                                {id}));
    if (!row) return std::optional<Device>();
    PARK_ASSIGN_OR_RETURN(Device d, DeviceFromRow(*row));
    return std::optional<Device>(std::move(d));
  }

  static bool Visible(const Device& d, const Principal& who) {
    return !who.enterprise_id || (d.enterprise_id && who.CanSeeEnterprise(*d.enterprise_id));
  }

  Json WithStatus(const Device& d) const {
    Json j = DeviceJson(d);
    j["status"] = StatusJson(poller.Status(d.id));
    return j;
  }

  void Apply(const Device& d) {
    if (d.enabled) {
      poller.Upsert(ConfigOf(d));
    } else {
      poller.Remove(d.id);
    }
  }

  Error NotFound() const { return Error::NotFound(T("modbus.device_not_found")); }
};

Service::Service(ServiceSources sources) : impl_(std::make_unique<Impl>(std::move(sources))) {}
Service::~Service() { Stop(); }

Status Service::Start() {
  std::vector<Device> devices;
  PARK_TRY(impl_->src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT " + std::string(kDeviceColumns) + " FROM modbus_devices"));
    for (const auto& r : rows) {
      PARK_ASSIGN_OR_RETURN(Device d, DeviceFromRow(r));
      devices.push_back(std::move(d));
    }
    return {};
  }));
  for (const Device& d : devices) impl_->Apply(d);
  return {};
}

void Service::Stop() { impl_->poller.StopAll(); }

void Service::RegisterMetrics(http::Metrics& metrics) {
  metrics.AddCollector([impl = impl_.get()](std::string& out) {
    int64_t polls = 0, failures = 0, values = 0, connected = 0;
    const auto ids = impl->poller.Devices();
    for (int64_t id : ids) {
      if (auto s = impl->poller.Status(id)) {
        polls += s->polls;
        failures += s->failures;
        values += s->values;
        connected += s->connected ? 1 : 0;
      }
    }
    out += "# HELP parkbrain_modbus_polls_total Modbus poll cycles attempted.\n"
           "# TYPE parkbrain_modbus_polls_total counter\nparkbrain_modbus_polls_total " + std::to_string(polls) + "\n"
           "# HELP parkbrain_modbus_poll_failures_total Modbus poll cycles that failed.\n"
           "# TYPE parkbrain_modbus_poll_failures_total counter\nparkbrain_modbus_poll_failures_total " +
           std::to_string(failures) + "\n"
           "# HELP parkbrain_modbus_values_total Values read from Modbus devices into telemetry.\n"
           "# TYPE parkbrain_modbus_values_total counter\nparkbrain_modbus_values_total " + std::to_string(values) + "\n"
           "# HELP parkbrain_modbus_devices Modbus devices polled, and of them connected.\n"
           "# TYPE parkbrain_modbus_devices gauge\nparkbrain_modbus_devices{state=\"polled\"} " +
           std::to_string(ids.size()) + "\nparkbrain_modbus_devices{state=\"connected\"} " + std::to_string(connected) +
           "\n";
  });
}

void Service::Register(http::Router& router) {
  Impl* s = impl_.get();
  using http::Request;
  using http::Response;
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/modbus/devices";
    r.roles = kReaders;
    r.doc.summary = "Modbus TCP devices with their register maps and polling status (last ok, last error, polls, failures, lateness)";
    r.doc.tag = "modbus";
    r.doc.response_schema = http::ObjectSchema({{"items", {{"type", "array"}, {"items", DeviceResponseSchema()}}}});
    r.handler = [s](const Request& req) {
      Json items = Json::array();
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT " + std::string(kDeviceColumns) +
                                                  " FROM modbus_devices ORDER BY name"));
        for (const auto& row : rows) {
          PARK_ASSIGN_OR_RETURN(Device d, DeviceFromRow(row));
          if (Impl::Visible(d, req.Who())) items.push_back(s->WithStatus(d));
        }
        return {};
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Response::FromError(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/modbus/devices/{id}";
    r.roles = kReaders;
    r.doc.summary = "One Modbus device with its register map and polling status";
    r.doc.tag = "modbus";
    r.doc.response_schema = DeviceResponseSchema();
    r.handler = [s](const Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Response::FromError(id.error());
      Json out;
      auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto d, s->Load(tx, *id));
        if (!d || !Impl::Visible(*d, req.Who())) return s->NotFound();
        out = s->WithStatus(*d);
        return {};
      });
      return st.ok() ? Response::FromJson(out) : Response::FromError(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/modbus/devices";
    r.roles = kWriters;
    r.doc.summary = "Add a Modbus TCP device and start polling it; every bad field is reported at once and nothing is stored";
    r.doc.tag = "modbus";
    r.doc.request_schema = DeviceSchema();
    r.doc.response_schema = DeviceResponseSchema();
    r.doc.success_status = 201;
    r.handler = [s](const Request& req) {
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return Response::FromError(body.error());
      Device d;
      auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(d, DeviceFromBody(tx, *body, &req.Who()));
        PARK_TRY(InsertDevice(tx, s->src.clock, &req.Who(), d));
        return {};
      });
      if (!st.ok()) return Response::FromError(st.error());
      s->Apply(d);
      return Response::FromJson(s->WithStatus(d), 201);
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPut;
    r.pattern = "/api/v1/modbus/devices/{id}";
    r.roles = kWriters;
    r.doc.summary = "Replace a Modbus device's settings and register map; polling restarts with them";
    r.doc.tag = "modbus";
    r.doc.request_schema = DeviceSchema();
    r.doc.response_schema = DeviceResponseSchema();
    r.handler = [s](const Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Response::FromError(id.error());
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return Response::FromError(body.error());
      Device d;
      auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto before, s->Load(tx, *id));
        if (!before || !Impl::Visible(*before, req.Who())) return s->NotFound();
        PARK_ASSIGN_OR_RETURN(d, DeviceFromBody(tx, *body, &req.Who()));
        d.id = *id;
        d.created_at = before->created_at;
        d.updated_at = s->src.clock.NowMs();
        auto params = DeviceParams(d);
        params.insert(params.begin(), d.id);
        params.push_back(d.updated_at);
        PARK_TRY(tx.Exec(kUpdateDevice, params));
        PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                    {"update", "modbus_device", d.id, d.enterprise_id, AuditJson(*before), AuditJson(d)}));
        return {};
      });
      if (!st.ok()) return Response::FromError(st.error());
      s->Apply(d);
      return Response::FromJson(s->WithStatus(d));
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kDelete;
    r.pattern = "/api/v1/modbus/devices/{id}";
    r.roles = kWriters;
    r.doc.summary = "Remove a Modbus device and stop polling it (its sensors and their data stay)";
    r.doc.tag = "modbus";
    r.doc.success_status = 204;
    r.handler = [s](const Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Response::FromError(id.error());
      auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto before, s->Load(tx, *id));
        if (!before || !Impl::Visible(*before, req.Who())) return s->NotFound();
        PARK_TRY(tx.Exec(kDeleteDevice, {*id}));
        PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                    {"delete", "modbus_device", *id, before->enterprise_id, AuditJson(*before), nullptr}));
        return {};
      });
      if (!st.ok()) return Response::FromError(st.error());
      s->poller.Remove(*id);
      return Response::NoContent();
    };
    router.Add(std::move(r));
  }
}

}  // namespace park::modbus
