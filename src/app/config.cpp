#include "app/config.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <optional>
#include <map>

#include "park/core/outbound.hpp"

namespace park::app {
namespace {

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One setter per key: reads the node into the config or reports what is wrong with it.
using Setter = std::function<std::string(const toml::node&, Config&)>;

template <typename T, typename Target>
Setter Set(Target Config::*section, T Target::*member) {
  return [section, member](const toml::node& n, Config& c) -> std::string {
    auto v = n.value<T>();
    if (!v) return "has the wrong type";
    (c.*section).*member = *v;
    return {};
  };
}

template <typename T>
Setter SetTop(T Config::*member) {
  return [member](const toml::node& n, Config& c) -> std::string {
    auto v = n.value<T>();
    if (!v) return "has the wrong type";
    c.*member = *v;
    return {};
  };
}

Setter SetInt(std::function<void(Config&, int64_t)> apply, int64_t lo, int64_t hi) {
  return [apply, lo, hi](const toml::node& n, Config& c) -> std::string {
    auto v = n.value<int64_t>();
    if (!v) return "must be an integer";
    if (*v < lo || *v > hi) return "must be from " + std::to_string(lo) + " to " + std::to_string(hi);
    apply(c, *v);
    return {};
  };
}

const std::map<std::string, std::map<std::string, Setter>>& Keys() {
  static const std::map<std::string, std::map<std::string, Setter>> kKeys = {
      {"server",
       {{"listen", Set(&Config::server, &server::Options::listen)},
        {"threads", SetInt([](Config& c, int64_t v) { c.server.threads = static_cast<int>(v); }, 1, 256)},
        {"max_body_bytes",
         SetInt([](Config& c, int64_t v) { c.server.max_body_bytes = static_cast<size_t>(v); }, 1024, 1LL << 30)},
        {"request_timeout_s",
         SetInt([](Config& c, int64_t v) { c.server.request_timeout_s = static_cast<int>(v); }, 1, 3600)},
        {"header_timeout_s",
         SetInt([](Config& c, int64_t v) { c.server.header_timeout_s = static_cast<int>(v); }, 1, 3600)},
        {"max_connections",
         SetInt([](Config& c, int64_t v) { c.server.max_connections = static_cast<size_t>(v); }, 1, 1000000)},
        {"shutdown_grace_s",
         SetInt([](Config& c, int64_t v) { c.server.shutdown_grace_s = static_cast<int>(v); }, 0, 600)},
        {"web_root", Set(&Config::server, &server::Options::web_root)},
        {"tls_cert", Set(&Config::server, &server::Options::tls_cert_file)},
        {"tls_key", Set(&Config::server, &server::Options::tls_key_file)},
        {"access_log", Set(&Config::server, &server::Options::access_log)}}},
      {"store",
       {{"db", SetTop(&Config::db)},
        {"pool_size", SetInt([](Config& c, int64_t v) { c.pool_size = static_cast<int>(v); }, 1, 128)}}},
      {"auth",
       {{"session_ttl_hours",
         SetInt([](Config& c, int64_t v) { c.auth.session_ttl_ms = v * 3600 * 1000; }, 1, 24 * 90)},
        {"login_max_failures",
         SetInt([](Config& c, int64_t v) { c.auth.login_max_failures = static_cast<int>(v); }, 1, 1000)},
        {"login_window_minutes",
         SetInt([](Config& c, int64_t v) { c.auth.login_window_ms = v * 60 * 1000; }, 1, 24 * 60)},
        {"hash_workers",
         SetInt([](Config& c, int64_t v) { c.auth.hashing.workers = static_cast<int>(v); }, 1, 64)},
        {"hash_queue", SetInt([](Config& c, int64_t v) { c.auth.hashing.queue = static_cast<int>(v); }, 0, 64)},
        {"login_per_address_per_minute",
         SetInt([](Config& c, int64_t v) { c.auth.hashing.per_address_per_minute = static_cast<int>(v); }, 1,
                100000)}}},
      {"park",
       {{"name", Set(&Config::park, &registry::ParkInfo::name)},
        {"name_en", Set(&Config::park, &registry::ParkInfo::name_en)}}},
      {"log", {{"level", SetTop(&Config::log_level)}}},
      {"telemetry",
       {{"unknown_series", Set(&Config::telemetry, &telemetry::Config::unknown_series)},
        {"chunk_points",
         SetInt([](Config& c, int64_t v) { c.telemetry.chunk_points = static_cast<uint32_t>(v); }, 16, 1'000'000)},
        {"seal_after_s", SetInt([](Config& c, int64_t v) { c.telemetry.seal_after_s = v; }, 10, 7 * 86400)},
        {"max_buffered_points",
         SetInt([](Config& c, int64_t v) { c.telemetry.max_buffered_points = static_cast<size_t>(v); }, 1000,
                1'000'000'000)},
        {"max_pending_mib",
         SetInt([](Config& c, int64_t v) { c.telemetry.max_pending_mib = static_cast<size_t>(v); }, 1, 65536)},
        {"raw_days", SetInt([](Config& c, int64_t v) { c.telemetry.raw_days = static_cast<int>(v); }, 0, 36500)},
        {"rollup_1m_days",
         SetInt([](Config& c, int64_t v) { c.telemetry.rollup_1m_days = static_cast<int>(v); }, 0, 36500)},
        {"rollup_1h_days",
         SetInt([](Config& c, int64_t v) { c.telemetry.rollup_1h_days = static_cast<int>(v); }, 0, 36500)},
        {"utc_offset_minutes",
         SetInt([](Config& c, int64_t v) { c.telemetry.utc_offset_minutes = static_cast<int>(v); }, -720, 840)},
        {"no_data_check_s", SetInt([](Config& c, int64_t v) { c.telemetry.no_data_check_s = v; }, 1, 3600)},
        // The accepted time window: at most 100 years back, 1 year ahead (nanoseconds stay far from overflow).
        {"accept_past_days", SetInt([](Config& c, int64_t v) { c.telemetry.accept_past_days = v; }, 1, 36500)},
        {"accept_future_s", SetInt([](Config& c, int64_t v) { c.telemetry.accept_future_s = v; }, 0, 366 * 86400)},
        {"max_new_series_per_token_per_hour",
         SetInt([](Config& c, int64_t v) { c.telemetry.max_new_series_per_token_per_hour = static_cast<uint32_t>(v); },
                1, 10'000'000)},
        {"max_series",
         SetInt([](Config& c, int64_t v) { c.telemetry.max_series = static_cast<size_t>(v); }, 1, 100'000'000)}}},
      {"mqtt",
       {{"enabled", Set(&Config::mqtt, &Config::Mqtt::enabled)},
        {"host", Set(&Config::mqtt, &Config::Mqtt::host)},
        {"port", SetInt([](Config& c, int64_t v) { c.mqtt.port = static_cast<int>(v); }, 1, 65535)},
        {"client_id", Set(&Config::mqtt, &Config::Mqtt::client_id)},
        {"username", Set(&Config::mqtt, &Config::Mqtt::username)},
        {"password", Set(&Config::mqtt, &Config::Mqtt::password)},
        {"qos", SetInt([](Config& c, int64_t v) { c.mqtt.qos = static_cast<int>(v); }, 0, 2)},
        {"topics",
         [](const toml::node& n, Config& c) -> std::string {
           const auto* a = n.as_array();
           if (!a || a->empty()) return "must be a non-empty array of topic patterns";
           c.mqtt.topics.clear();
           for (const auto& t : *a) {
             auto v = t.value<std::string>();
             if (!v || v->empty()) return "must be a non-empty array of topic patterns";
             c.mqtt.topics.push_back(*v);
           }
           return {};
         }}}},
      {"alarms",
       {{"webhook_allow_hosts",
         [](const toml::node& n, Config& c) -> std::string {
           const auto* a = n.as_array();
           if (!a) return "must be an array of \"host\" or \"host:port\" strings";
           c.telemetry.webhook_allow_hosts.clear();
           for (const auto& h : *a) {
             auto v = h.value<std::string>();
             if (!v) return "must be an array of \"host\" or \"host:port\" strings";
             if (auto st = CheckAllowHostEntry(*v, "alarms.webhook_allow_hosts"); !st.ok()) return st.error().message;
             c.telemetry.webhook_allow_hosts.push_back(*v);
           }
           return {};
         }}}},
      {"hj212",
       {{"listen", SetTop(&Config::hj212_listen)},
        {"password", Set(&Config::telemetry, &telemetry::Config::hj212_password)},
        {"max_bad_frames",
         SetInt([](Config& c, int64_t v) { c.telemetry.hj212_max_bad_frames = static_cast<uint32_t>(v); }, 1, 1000)},
        {"accept_unregistered", Set(&Config::telemetry, &telemetry::Config::hj212_accept_unregistered)}}},
      {"carbon",
       {{"province", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v) return "must be a string";
           c.carbon.calc.province = *v;
           return {};
         }},
        {"electricity_region", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v || v->empty()) return "must be a grid region or province, e.g. national";
           c.carbon.calc.electricity_region = *v;
           return {};
         }},
        {"access_max_t_co2_per_10k_yuan_added_value", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<double>();
           if (!v || *v <= 0) return "must be a positive number";
           c.carbon.access.max_t_co2_per_10k_yuan_added_value = *v;
           return {};
         }},
        {"access_standard_source", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v || v->empty()) return "must name the park document that sets the standard";
           c.carbon.access.source = *v;
           return {};
         }},
        {"three_lists_rules_csv", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v) return "must be a file path";
           auto text = ReadText(*v);
           if (!text) return "cannot read " + *v;
           auto rules = carbon::ParseThreeListRulesCsv(*text);
           if (!rules.ok()) return *v + ": " + rules.error().field + " " + rules.error().message;
           c.carbon.lists = std::move(*rules);
           return {};
         }},
        {"sector_benchmarks_csv", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v) return "must be a file path";
           auto text = ReadText(*v);
           if (!text) return "cannot read " + *v;
           auto benchmarks = carbon::ParseSectorBenchmarksCsv(*text);
           if (!benchmarks.ok()) return *v + ": " + benchmarks.error().field + " " + benchmarks.error().message;
           c.carbon.rating.benchmarks = std::move(*benchmarks);
           return {};
         }},
        {"discount_rate", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<double>();
           if (!v || *v < 0 || *v > 0.5) return "must be from 0 to 0.5";
           c.carbon.abatement.discount_rate = *v;
           return {};
         }}}},
      {"energy",
       {{"tariff_csv", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v) return "must be a file path";
           auto text = ReadText(*v);
           if (!text) return "cannot read " + *v;
           auto tariffs = energy::ParseTariffCsv(*text);
           if (!tariffs.ok()) return *v + ": " + tariffs.error().field + " " + tariffs.error().message;
           c.energy.tariffs = std::move(*tariffs);
           return {};
         }},
        {"price_source", [](const toml::node& n, Config& c) -> std::string {
           auto v = n.value<std::string>();
           if (!v || v->empty()) return "must name where the prices come from";
           c.energy.price_source = *v;
           for (auto& [carrier, price] : c.energy.prices) price.source = *v;
           return {};
         }},
        {"prices", [](const toml::node& n, Config& c) -> std::string {
           const auto* t = n.as_table();
           if (!t) return "must be a table of carrier = yuan per unit, e.g. { natural_gas = 3.2 }";
           for (const auto& [key, value] : *t) {
             const auto carrier = energy::CarrierFromName(key.str());
             if (!carrier || *carrier == energy::Carrier::kElectricity) {
               return std::string(key.str()) + " is not a carrier priced here (natural_gas, steam, heat, raw_coal, "
                                               "diesel, lpg, water; electricity follows the tariff)";
             }
             auto v = value.value<double>();
             if (!v || *v < 0 || *v > 1e6) return std::string(key.str()) + " must be a price from 0 to 1000000";
             c.energy.prices[*carrier] = {*v, c.energy.price_source};
           }
           return {};
         }}}},
  };
  return kKeys;
}

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  Config config;
  config.server.web_root = "web/dist";
  PARK_ASSIGN_OR_RETURN(config.carbon, carbon::DefaultParkSettings());
  PARK_ASSIGN_OR_RETURN(config.energy, energy::DefaultSettings());
  if (path.empty()) return config;
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Error::Invalid("config", path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                                        ": " + std::string(e.description()));
  }
  for (const auto& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const auto known = Keys().find(section);
    if (known == Keys().end()) return Error::Invalid(section, "unknown section in " + path);
    const auto* table = section_node.as_table();
    if (!table) return Error::Invalid(section, "must be a table ([" + section + "])");
    for (const auto& [key, node] : *table) {
      const std::string name(key.str());
      const auto setter = known->second.find(name);
      if (setter == known->second.end()) return Error::Invalid(section + "." + name, "unknown key in " + path);
      if (auto why = setter->second(node, config); !why.empty()) return Error::Invalid(section + "." + name, why);
    }
  }
  static const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (std::find(kLevels.begin(), kLevels.end(), config.log_level) == kLevels.end()) {
    return Error::Invalid("log.level", "must be trace, debug, info, warn or error");
  }
  if (config.auth.hashing.workers + config.auth.hashing.queue >= config.server.threads) {
    return Error::Invalid("auth.hash_queue", "hash_workers + hash_queue must be below server.threads (" +
                                                 std::to_string(config.server.threads) +
                                                 "), so that some I/O threads never wait for password hashing");
  }
  if (config.telemetry.unknown_series != "reject" && config.telemetry.unknown_series != "register") {
    return Error::Invalid("telemetry.unknown_series", "must be \"reject\" or \"register\"");
  }
  return config;
}

}  // namespace park::app
