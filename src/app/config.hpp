// Private to the app: the configuration file, validated. Each module gets its own plain options struct.
#pragma once

#include <string>

#include "park/auth/auth.hpp"
#include "park/carbon/service.hpp"
#include "park/core/result.hpp"
#include "park/registry/registry.hpp"
#include "park/server/server.hpp"

namespace park::app {

struct Config {
  server::Options server;
  std::string db = "var/parkbrain.db";
  int pool_size = 4;
  auth::Config auth;
  registry::ParkInfo park;
  carbon::ParkSettings carbon;
  std::string log_level = "info";
};

// Reads a TOML file (an empty path gives the defaults). Unknown tables or keys, and wrong types, are errors
// naming the key, e.g. "server.listn: unknown key".
Result<Config> LoadConfig(const std::string& path);

}  // namespace park::app
