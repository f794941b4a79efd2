// parkbrain: composes the modules. Parsing flags, opening the store, registering each module's routes and
// serving are all that happens here; everything else lives in the modules.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/config.hpp"
#include "app/demo.hpp"
#include "app/demo_dispatch.hpp"
#include "app/demo_logistics.hpp"
#include "app/demo_modbus.hpp"
#include "app/metering.hpp"
#include "app/ops_routes.hpp"
#include "app/simulator.hpp"
#include "park/auth/auth.hpp"
#include "park/carbon/service.hpp"
#include "park/energy/service.hpp"
#include "park/dispatch/service.hpp"
#include "park/home/service.hpp"
#include "park/isotope/service.hpp"
#include "park/layout/service.hpp"
#include "park/logistics/service.hpp"
#include "park/maintenance/service.hpp"
#include "park/modbus/service.hpp"
#include "park/mqtt/mqtt.hpp"
#include "park/registry/registry.hpp"
#include "park/report/service.hpp"
#include "park/server/http_client.hpp"
#include "park/server/server.hpp"
#include "park/server/tcp_listener.hpp"
#include "park/telemetry/service.hpp"
#include "park/store/store.hpp"

namespace park::app {
namespace {

constexpr const char* kVersion = "0.1.0";

struct Flags {
  std::string config;
  std::string listen;
  std::string db;
  std::string web_root;
  bool no_migrate = false;
};

int Fail(const Error& e) {
  std::cerr << "parkbrain: " << (e.field.empty() ? "" : e.field + ": ") << e.message << "\n";
  return e.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

Result<Config> Configure(const Flags& f) {
  PARK_ASSIGN_OR_RETURN(Config c, LoadConfig(f.config));
  if (!f.listen.empty()) c.server.listen = f.listen;
  if (!f.db.empty()) c.db = f.db;
  if (!f.web_root.empty()) c.server.web_root = f.web_root;
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  return c;
}

Result<std::unique_ptr<store::Store>> OpenStore(const Config& c, bool migrate) {
  const bool is_file = c.db.rfind("postgres", 0) != 0;
  if (is_file) {
    const std::string path = c.db.rfind("sqlite:", 0) == 0 ? c.db.substr(7) : c.db;
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  store::Options opts;
  opts.pool_size = c.db == ":memory:" ? 1 : c.pool_size;  // each in-memory connection is a database of its own
  PARK_ASSIGN_OR_RETURN(auto store, store::Store::Open(c.db, opts));
  if (migrate) {
    PARK_ASSIGN_OR_RETURN(int version, store->Migrate());
    spdlog::info("store: {} at schema version {}", store->Describe(), version);
  }
  return store;
}

// Everything a running server holds; routes point into it, so it lives until the server stops.
struct App {
  Config config;
  SystemClock clock;
  std::unique_ptr<store::Store> store;
  http::Router router;
  http::Metrics metrics;
  http::LiveHub hub;
  std::unique_ptr<auth::Service> auth;
  std::unique_ptr<carbon::Service> carbon;
  std::unique_ptr<telemetry::Service> telemetry;
  std::unique_ptr<energy::Service> energy;
  std::unique_ptr<maintenance::Service> maintenance;
  std::unique_ptr<modbus::Service> modbus;
  std::unique_ptr<dispatch::Service> dispatch;
  std::unique_ptr<logistics::Service> logistics;
  telemetry::WebhookSender webhook;  // the outgoing webhooks of alarms and maintenance reminders
  std::unique_ptr<mqtt::Subscriber> mqtt;
  std::unique_ptr<server::TcpListener> hj212;

  void RegisterModules() {
    RegisterOps(router, *store, metrics, hub, kVersion);
    auth->Register(router);
    registry::Register(router, *store, clock, hub, config.park);
    carbon->Register(router);
    telemetry->Register(router);
    telemetry->RegisterMetrics(metrics);
    RegisterMeteringRoute(router, *telemetry, *carbon);
    // Modbus readings enter telemetry like an MQTT message: JSON telemetry from a park-wide device principal.
    modbus = std::make_unique<modbus::Service>(modbus::ServiceSources{
        *store, clock, [t = telemetry.get()](const std::string& body) -> Status {
          Principal device;
          device.name = "modbus";
          device.role = Role::kDevice;
          PARK_TRY(t->WriteJson(device, body));
          return {};
        }});
    modbus->Register(router);
    modbus->RegisterMetrics(metrics);
    layout::Register(router, *store, clock);
    isotope::Register(router, *store, clock);
    maintenance = maintenance::Register(router, {*store, clock, router, &hub, config.telemetry.utc_offset_minutes, 5000,
                                                 webhook, OutboundPolicy{config.telemetry.webhook_allow_hosts}});
    logistics = logistics::Register(router, {*store, clock, &hub, 5000, webhook,
                                             OutboundPolicy{config.telemetry.webhook_allow_hosts}});
    home::Register(router, {*store, clock, router, *telemetry, config.carbon, config.telemetry.utc_offset_minutes});
    energy = std::make_unique<energy::Service>(energy::Sources{*store, clock, router, config.telemetry.utc_offset_minutes},
                                               config.energy);
    energy->Register(router);
    {
      dispatch::ServiceSources d{*store, clock, router, &hub};
      d.utc_offset_minutes = config.telemetry.utc_offset_minutes;
      d.webhook = webhook;
      d.webhook_policy = OutboundPolicy{config.telemetry.webhook_allow_hosts};
      // The battery PCS's setpoints go to the broker the telemetry ingest uses, when one is configured.
      d.mqtt_enabled = config.mqtt.enabled;
      d.mqtt.host = config.mqtt.host;
      d.mqtt.port = config.mqtt.port;
      d.mqtt.client_id = config.mqtt.client_id;
      d.mqtt.username = config.mqtt.username;
      d.mqtt.password = config.mqtt.password;
      dispatch = dispatch::Register(router, std::move(d));
    }
    report::Register(router, {clock, router, *energy, config.telemetry.utc_offset_minutes});
    server::Server::RegisterLiveRoute(router);
  }
};

Result<std::unique_ptr<App>> BuildApp(const Flags& flags, bool migrate) {
  auto app = std::make_unique<App>();
  PARK_ASSIGN_OR_RETURN(app->config, Configure(flags));
  PARK_ASSIGN_OR_RETURN(app->store, OpenStore(app->config, migrate));
  app->auth = std::make_unique<auth::Service>(*app->store, app->clock, app->config.auth, &app->hub);
  app->metrics.AddCollector([auth = app->auth.get()](std::string& out) {
    const auto c = auth->Hashing();
    out += "# HELP parkbrain_password_checks_total Password hashes or checks run, by outcome of the hashing bound.\n"
           "# TYPE parkbrain_password_checks_total counter\n"
           "parkbrain_password_checks_total{outcome=\"admitted\"} " + std::to_string(c.admitted) + "\n"
           "parkbrain_password_checks_total{outcome=\"refused\"} " + std::to_string(c.refused) + "\n";
  });
  PARK_ASSIGN_OR_RETURN(app->carbon, carbon::Service::Create(*app->store, app->clock, &app->hub, app->config.carbon));
  // Webhooks reach public addresses only, plus the hosts the park admin allows ([alarms] webhook_allow_hosts).
  auto webhook = [policy = OutboundPolicy{app->config.telemetry.webhook_allow_hosts}](const std::string& url,
                                                                                     const std::string& body) -> Status {
    PARK_ASSIGN_OR_RETURN(auto r, server::PostJson(url, body, 5000, policy));
    if (r.status < 200 || r.status >= 300) {
      return Error{ErrorCode::kUnavailable, "webhook answered " + std::to_string(r.status), "url"};
    }
    return {};
  };
  PARK_ASSIGN_OR_RETURN(app->telemetry, telemetry::Service::Create(*app->store, app->clock, &app->hub,
                                                                   app->config.telemetry, webhook));
  app->webhook = webhook;
  app->RegisterModules();
  return app;
}

// Device transports beside HTTP: the HJ 212 listener and the MQTT subscription, both feeding telemetry.
class Hj212Adapter final : public server::TcpSession {
 public:
  explicit Hj212Adapter(std::unique_ptr<telemetry::Hj212Connection> c) : c_(std::move(c)) {}
  std::optional<std::string> OnBytes(std::string_view bytes) override { return c_->OnBytes(bytes); }

 private:
  std::unique_ptr<telemetry::Hj212Connection> c_;
};

Status StartDeviceTransports(App& app) {
  if (!app.config.hj212_listen.empty()) {
    server::TcpListenerOptions o;
    o.listen = app.config.hj212_listen;
    app.hj212 = std::make_unique<server::TcpListener>(o, [&app](const std::string& remote) {
      return std::make_unique<Hj212Adapter>(app.telemetry->NewHj212Connection(remote));
    });
    if (auto st = app.hj212->Start(); !st.ok()) {
      return Error{st.error().code, "HJ 212 listener: " + st.error().message, "hj212.listen"};
    }
    std::cout << "HJ 212 data loggers: tcp://" << app.hj212->BoundAddress() << std::endl;
  }
  if (app.config.mqtt.enabled) {
    mqtt::Options o;
    o.host = app.config.mqtt.host;
    o.port = app.config.mqtt.port;
    o.client_id = app.config.mqtt.client_id;
    o.username = app.config.mqtt.username;
    o.password = app.config.mqtt.password;
    o.qos = app.config.mqtt.qos;
    const auto topics = app.config.mqtt.topics;
    app.mqtt = std::make_unique<mqtt::Subscriber>(o, topics, [&app, topics](const mqtt::Message& m) -> Status {
      std::string device;
      for (const auto& pattern : topics) {
        auto segments = mqtt::WildcardSegments(pattern, m.topic);
        if (!segments.empty()) {
          device = segments.front();
          break;
        }
      }
      return app.telemetry->WriteMqtt(device, m.payload);
    });
    if (auto st = app.mqtt->Start(); !st.ok()) return Error{st.error().code, st.error().message, "mqtt." + st.error().field};
    std::cout << "MQTT: subscribed at " << o.host << ":" << o.port << std::endl;
  }
  if (auto st = app.modbus->Start(); !st.ok()) return Error{st.error().code, "Modbus: " + st.error().message};
  return {};
}

// `started`: runs once the server and the device transports are up (the demo starts its simulator there).
// `stopping`: runs when the server has stopped, before the device transports and telemetry shut down.
int Serve(App& app, const std::function<Status()>& started = nullptr, const std::function<void()>& stopping = nullptr) {
  if (!app.config.server.web_root.empty() &&
      !std::filesystem::exists(std::filesystem::path(app.config.server.web_root) / "index.html")) {
    spdlog::warn("web: {} has no index.html; serving the API only (build the app with `make web`)",
                 app.config.server.web_root);
  }
  server::Server server(app.config.server, app.router, app.metrics, app.hub,
                        [&app](std::string_view token) { return app.auth->Authenticate(token); });
  if (auto st = server.Start(); !st.ok()) return Fail(st.error());
  app.telemetry->Start();
  MeteringJob metering(*app.telemetry, *app.carbon, app.clock, app.config.telemetry.utc_offset_minutes);
  metering.Start();
  app.maintenance->Start();
  app.dispatch->Start();
  app.logistics->Start();
  if (auto st = StartDeviceTransports(app); !st.ok()) return Fail(st.error());
  if (started) {
    if (auto st = started(); !st.ok()) return Fail(st.error());
  }
  std::cout << "ParkBrain is serving on http://" << server.BoundAddress() << "/" << std::endl;
  server.Run();
  // Devices first, so nothing arrives after the last seal; then seal every buffered point.
  if (stopping) stopping();
  metering.Stop();
  app.maintenance->Stop();
  app.dispatch->Stop();
  app.logistics->Stop();
  if (app.mqtt) app.mqtt->Stop();
  if (app.hj212) app.hj212->Stop();
  app.modbus->Stop();
  app.telemetry->Stop();
  return 0;
}

void AddServeFlags(CLI::App* cmd, Flags& f) {
  cmd->add_option("--config", f.config, "TOML configuration file (see config/parkbrain.toml)");
  cmd->add_option("--listen", f.listen, "host:port to listen on (default 127.0.0.1:8080)");
  cmd->add_option("--db", f.db, "SQLite file or postgresql:// URL (default var/parkbrain.db)");
  cmd->add_option("--web-root", f.web_root, "folder of the built web app (default web/dist)");
}

}  // namespace

int Main(int argc, char** argv) {
  // Logs go to stderr, so commands such as `openapi` and `carbon report` print only their result on stdout.
  spdlog::set_default_logger(spdlog::stderr_color_mt("parkbrain"));
  CLI::App cli{"ParkBrain: the operations platform of an industrial park"};
  cli.require_subcommand(1);
  Flags flags;

  auto* serve = cli.add_subcommand("serve", "Serve the API, the web app and the live feed");
  AddServeFlags(serve, flags);
  serve->add_flag("--no-migrate", flags.no_migrate, "do not apply pending database migrations at start");

  auto* demo = cli.add_subcommand("demo", "Seed the demo park if the database is empty, print the logins, and serve");
  AddServeFlags(demo, flags);
  bool seed_only = false;
  demo->add_flag("--seed-only", seed_only, "seed and exit without serving");
  bool no_simulator = false;
  demo->add_flag("--no-simulator", no_simulator, "serve without the simulated devices");

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  migrate->add_option("--config", flags.config, "TOML configuration file");
  migrate->add_option("--db", flags.db, "SQLite file or postgresql:// URL");

  auto* user = cli.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a user; the password is read from standard input");
  auth::NewUser nu;
  std::string role_name;
  int64_t enterprise = 0;
  bool password_stdin = false;
  user_add->add_option("--name", nu.name, "sign-in name (lower-case letters, digits, . _ -)")->required();
  user_add->add_option("--role", role_name,
                       "park_admin, park_staff, enterprise_user, technician, driver or integrator")->required();
  user_add->add_option("--enterprise", enterprise, "enterprise id (required for enterprise_user)");
  user_add->add_option("--display-name", nu.display_name, "name shown in the app");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from standard input")->required();
  user_add->add_option("--config", flags.config, "TOML configuration file");
  user_add->add_option("--db", flags.db, "SQLite file or postgresql:// URL");

  auto* backup = cli.add_subcommand("backup", "Write a consistent copy of a live SQLite database");
  std::string backup_out;
  backup->add_option("--config", flags.config, "TOML configuration file");
  backup->add_option("--db", flags.db, "SQLite file (PostgreSQL: use pg_dump)");
  backup->add_option("--out", backup_out, "where to write the copy")->required();

  auto* openapi = cli.add_subcommand("openapi", "Print the OpenAPI document of every endpoint");

  auto* carbon_cmd = cli.add_subcommand("carbon", "Carbon and energy accounting from the command line");
  carbon_cmd->require_subcommand(1);
  auto* carbon_import = carbon_cmd->add_subcommand(
      "import", "Import activity data (CSV or .xlsx): all rows or none; safe while the server runs");
  std::string import_file;
  carbon_import->add_option("FILE", import_file, "enterprise_code,period,item,amount,unit,use,note")->required();
  carbon_import->add_option("--config", flags.config, "TOML configuration file");
  carbon_import->add_option("--db", flags.db, "SQLite file or postgresql:// URL");
  auto* carbon_report = carbon_cmd->add_subcommand("report", "Print an enterprise's inventory for a year as JSON");
  std::string report_code;
  int report_year = 0;
  bool report_explain = false;
  carbon_report->add_option("--enterprise", report_code, "the enterprise's credit code")->required();
  carbon_report->add_option("--year", report_year, "the accounting year")->required();
  carbon_report->add_flag("--explain", report_explain, "add how each year figure was computed");
  carbon_report->add_option("--config", flags.config, "TOML configuration file");
  carbon_report->add_option("--db", flags.db, "SQLite file or postgresql:// URL");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (serve->parsed() || demo->parsed()) {
    auto app = BuildApp(flags, !flags.no_migrate);
    if (!app.ok()) return Fail(app.error());
    if (demo->parsed()) {
      auto empty = IsEmpty(*(*app)->store);
      if (!empty.ok()) return Fail(empty.error());
      if (*empty) {
        auto seeded = SeedDemo(*(*app)->store, (*app)->clock, *(*app)->auth);
        if (!seeded.ok()) return Fail(seeded.error());
        if (auto st = SeedCarbonDemo(*(*app)->store, (*app)->clock, *(*app)->carbon); !st.ok()) return Fail(st.error());
        if (auto st = SeedTelemetryDemo(*(*app)->store, (*app)->clock); !st.ok()) return Fail(st.error());
        if (auto st = SeedLayoutDemo(*(*app)->store, (*app)->clock); !st.ok()) return Fail(st.error());
        if (auto st = SeedIsotopeDemo(*(*app)->store, (*app)->clock, *(*app)->auth); !st.ok()) return Fail(st.error());
        if (auto st = SeedModbusDemo(*(*app)->store, (*app)->clock); !st.ok()) return Fail(st.error());
        if (auto st = SeedLogisticsDemo(*(*app)->store, (*app)->clock, *(*app)->logistics); !st.ok()) {
          return Fail(st.error());
        }
        if (auto st = SeedDispatchDemo(*(*app)->store, (*app)->clock, *(*app)->dispatch); !st.ok()) return Fail(st.error());
        if (auto st = (*app)->telemetry->ReloadAlarmRules(); !st.ok()) return Fail(st.error());
      }
      std::cout << "\nDemo logins (user / password):\n";
      for (const auto& l : DemoLogins()) {
        std::printf("  %-11s %-22s %-16s %s\n", l.name.c_str(), l.password.c_str(), l.role.c_str(), l.note.c_str());
      }
      std::cout << "\nOpen http://" << (*app)->config.server.listen << "/ in a browser; the big screen is at /screen.\n"
                << std::endl;
      if (seed_only) return 0;
      // The demo's devices: a simulator feeding every sensor and meter and one HJ 212 data logger.
      App& a = **app;
      if (a.config.hj212_listen.empty()) a.config.hj212_listen = "127.0.0.1:0";
      std::unique_ptr<Simulator> simulator;
      const bool backfill = *empty;
      return Serve(a, [&]() -> Status {
        if (no_simulator) return {};
        simulator = std::make_unique<Simulator>(*a.store, *a.telemetry, a.clock, a.hj212->BoundAddress());
        if (backfill) {
          spdlog::info("demo: writing 24 h of sensor history and 35 days of meter readings");
          PARK_TRY(simulator->Backfill(24, 35));
          SyncRecentMonths(*a.telemetry, *a.carbon, a.clock, a.config.telemetry.utc_offset_minutes);
        }
        simulator->Start();
        std::cout << "Simulator: every sensor and meter reports every 10 s; an HJ 212 data logger uploads every "
                     "minute; a few alarms happen on a schedule."
                  << std::endl;
        return {};
      }, [&] {
        if (simulator) simulator->Stop();
      });
    }
    return Serve(**app);
  }
  if (migrate->parsed()) {
    auto config = Configure(flags);
    if (!config.ok()) return Fail(config.error());
    auto store = OpenStore(*config, true);
    return store.ok() ? 0 : Fail(store.error());
  }
  if (user_add->parsed()) {
    auto role = ParseRole(role_name);
    if (!role) return Fail(Error::Invalid("--role", "is not a role"));
    nu.role = *role;
    if (enterprise > 0) nu.enterprise_id = enterprise;
    if (!std::getline(std::cin, nu.password)) return Fail(Error::Invalid("--password-stdin", "no password on input"));
    auto app = BuildApp(flags, true);
    if (!app.ok()) return Fail(app.error());
    auto u = (*app)->auth->CreateUser(nu, nullptr);
    if (!u.ok()) return Fail(u.error());
    std::cout << auth::UserJson(*u).dump() << std::endl;
    return 0;
  }
  if (backup->parsed()) {
    auto config = Configure(flags);
    if (!config.ok()) return Fail(config.error());
    auto store = OpenStore(*config, false);
    if (!store.ok()) return Fail(store.error());
    if (auto st = (*store)->Backup(backup_out); !st.ok()) return Fail(st.error());
    std::cout << "backup written to " << backup_out << std::endl;
    return 0;
  }
  if (carbon_import->parsed()) {
    std::ifstream in(import_file, std::ios::binary);
    if (!in) return Fail(Error::Invalid("FILE", "cannot read " + import_file));
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto app = BuildApp(flags, true);
    if (!app.ok()) return Fail(app.error());
    const bool xlsx = import_file.size() > 5 && import_file.substr(import_file.size() - 5) == ".xlsx";
    auto out = (*app)->carbon->ImportFile(bytes, xlsx, nullptr);
    if (!out.ok()) return Fail(out.error());
    if (!out->errors.empty()) {
      for (const auto& e : out->errors) {
        std::cerr << import_file << ":" << e.line << ": " << (e.field.empty() ? "" : e.field + ": ") << e.reason
                  << "\n";
      }
      std::cerr << "parkbrain: nothing was imported (" << out->errors.size() << " problem(s))\n";
      return 2;
    }
    std::cout << "imported " << out->rows << " rows into " << out->periods.size() << " enterprise-months" << std::endl;
    return 0;
  }
  if (carbon_report->parsed()) {
    auto app = BuildApp(flags, true);
    if (!app.ok()) return Fail(app.error());
    auto report = (*app)->carbon->EnterpriseReport(report_code, report_year, report_explain);
    if (!report.ok()) return Fail(report.error());
    std::cout << report->dump(2) << std::endl;
    return 0;
  }
  if (openapi->parsed()) {
    // Built against a throw-away in-memory database: the document depends only on the routes.
    flags.db = ":memory:";
    auto app = BuildApp(flags, true);
    if (!app.ok()) return Fail(app.error());
    std::cout << (*app)->router.OpenApi("ParkBrain API", kVersion).dump(2) << std::endl;
    return 0;
  }
  return 0;
}

}  // namespace park::app

int main(int argc, char** argv) { return park::app::Main(argc, argv); }
