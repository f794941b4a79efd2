// Private to the app: the configuration file, validated. Each module gets its own plain options struct.
#pragma once

#include <string>

#include "park/auth/auth.hpp"
#include "park/carbon/service.hpp"
#include "park/core/result.hpp"
#include "park/energy/service.hpp"
#include "park/registry/registry.hpp"
#include "park/server/server.hpp"
#include "park/telemetry/service.hpp"

namespace park::app {

struct Config {
  server::Options server;
  std::string db = "var/parkbrain.db";
  int pool_size = 4;
  auth::Config auth;
  registry::ParkInfo park;
  carbon::ParkSettings carbon;
  telemetry::Config telemetry;
  energy::Settings energy;  // [energy]: the tariff and the prices of other carriers
  // MQTT: subscribe to the park's broker (off unless enabled).
  struct Mqtt {
    bool enabled = false;
    std::string host = "127.0.0.1";
    int port = 1883;
    std::string client_id = "parkbrain";
    std::string username;
    std::string password;
    std::vector<std::string> topics = {"parkbrain/+/telemetry"};
    int qos = 1;
  } mqtt;
  // HJ 212 data loggers connect here ("" = off; `demo` listens on a free loopback port when off).
  std::string hj212_listen;
  std::string log_level = "info";
};

// Reads a TOML file (an empty path gives the defaults). Unknown tables or keys, and wrong types, are errors
// naming the key, e.g. "server.listn: unknown key".
Result<Config> LoadConfig(const std::string& path);

}  // namespace park::app
