#include "app/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace park::app {
namespace {

// Writes a config file to the temp folder; every file written is removed when the test program ends.
std::string Write(const std::string& text) {
  struct Written {
    std::vector<std::filesystem::path> paths;
    ~Written() {
      std::error_code ec;
      for (const auto& p : paths) std::filesystem::remove(p, ec);
    }
  };
  static Written written;
  const auto path = std::filesystem::temp_directory_path() /
                    ("parkbrain-config-" + std::to_string(::getpid()) + "-" + std::to_string(written.paths.size()) +
                     ".toml");
  std::ofstream(path) << text;
  written.paths.push_back(path);
  return path.string();
}

TEST(Config, ShippedFileIsValidAndMatchesTheDefaults) {
  auto c = LoadConfig(std::string(PARK_SOURCE_DIR) + "/config/parkbrain.toml");
  ASSERT_TRUE(c.ok()) << c.error().field << ": " << c.error().message;
  const Config d = *LoadConfig("");
  EXPECT_EQ(c->server.listen, d.server.listen);
  EXPECT_EQ(c->server.threads, d.server.threads);
  EXPECT_EQ(c->server.max_body_bytes, d.server.max_body_bytes);
  EXPECT_EQ(c->server.request_timeout_s, d.server.request_timeout_s);
  EXPECT_EQ(c->server.header_timeout_s, d.server.header_timeout_s);
  EXPECT_EQ(c->server.max_connections, d.server.max_connections);
  EXPECT_EQ(c->auth.hashing.workers, d.auth.hashing.workers);
  EXPECT_EQ(c->auth.hashing.queue, d.auth.hashing.queue);
  EXPECT_EQ(c->auth.hashing.per_address_per_minute, d.auth.hashing.per_address_per_minute);
  EXPECT_EQ(c->db, d.db);
  EXPECT_EQ(c->auth.session_ttl_ms, d.auth.session_ttl_ms);
  EXPECT_EQ(c->auth.login_max_failures, d.auth.login_max_failures);
  EXPECT_EQ(c->auth.login_window_ms, d.auth.login_window_ms);
  EXPECT_EQ(c->park.name, d.park.name);
  EXPECT_EQ(c->park.name_en, d.park.name_en);
  EXPECT_EQ(c->carbon.access.max_t_co2_per_10k_yuan_added_value, d.carbon.access.max_t_co2_per_10k_yuan_added_value);
  EXPECT_EQ(c->carbon.access.source, d.carbon.access.source);
  EXPECT_EQ(c->carbon.abatement.discount_rate, d.carbon.abatement.discount_rate);
  EXPECT_EQ(c->telemetry.unknown_series, d.telemetry.unknown_series);
  EXPECT_EQ(c->telemetry.chunk_points, d.telemetry.chunk_points);
  EXPECT_EQ(c->telemetry.seal_after_s, d.telemetry.seal_after_s);
  EXPECT_EQ(c->telemetry.max_buffered_points, d.telemetry.max_buffered_points);
  EXPECT_EQ(c->telemetry.max_pending_mib, d.telemetry.max_pending_mib);
  EXPECT_EQ(c->telemetry.raw_days, d.telemetry.raw_days);
  EXPECT_EQ(c->telemetry.rollup_1m_days, d.telemetry.rollup_1m_days);
  EXPECT_EQ(c->telemetry.rollup_1h_days, d.telemetry.rollup_1h_days);
  EXPECT_EQ(c->telemetry.utc_offset_minutes, d.telemetry.utc_offset_minutes);
  EXPECT_EQ(c->telemetry.no_data_check_s, d.telemetry.no_data_check_s);
  EXPECT_EQ(c->telemetry.accept_past_days, d.telemetry.accept_past_days);
  EXPECT_EQ(c->telemetry.accept_future_s, d.telemetry.accept_future_s);
  EXPECT_EQ(c->telemetry.max_new_series_per_token_per_hour, d.telemetry.max_new_series_per_token_per_hour);
  EXPECT_EQ(c->telemetry.max_series, d.telemetry.max_series);
  EXPECT_EQ(c->telemetry.hj212_max_bad_frames, d.telemetry.hj212_max_bad_frames);
  EXPECT_EQ(c->telemetry.hj212_accept_unregistered, d.telemetry.hj212_accept_unregistered);
  EXPECT_EQ(c->mqtt.enabled, d.mqtt.enabled);
  EXPECT_EQ(c->mqtt.host, d.mqtt.host);
  EXPECT_EQ(c->mqtt.port, d.mqtt.port);
  EXPECT_EQ(c->mqtt.topics, d.mqtt.topics);
  EXPECT_EQ(c->mqtt.qos, d.mqtt.qos);
  EXPECT_EQ(c->hj212_listen, d.hj212_listen);
  EXPECT_EQ(c->telemetry.webhook_allow_hosts, d.telemetry.webhook_allow_hosts);
}

TEST(Config, RefusesMistakesNamingTheKey) {
  struct Case {
    const char* text;
    const char* field;
  };
  const Case cases[] = {
      {"[server]\nlistn = \"127.0.0.1:1\"\n", "server.listn"},
      {"[srever]\nlisten = \"127.0.0.1:1\"\n", "srever"},
      {"[server]\nthreads = \"four\"\n", "server.threads"},
      {"[server]\nthreads = 0\n", "server.threads"},
      {"[server]\nheader_timeout_s = 0\n", "server.header_timeout_s"},
      {"[server]\nmax_connections = 0\n", "server.max_connections"},
      {"[auth]\nhash_workers = 0\n", "auth.hash_workers"},
      {"[auth]\nlogin_per_address_per_minute = 0\n", "auth.login_per_address_per_minute"},
      // Hashing must leave I/O threads free for everything else.
      {"[server]\nthreads = 2\n[auth]\nhash_workers = 1\nhash_queue = 1\n", "auth.hash_queue"},
      {"[log]\nlevel = \"loud\"\n", "log.level"},
      {"[server\n", "config"},
      {"listen = 1\n", "listen"},
      {"[carbon]\nsector_benchmarks_csv = \"/nonexistent.csv\"\n", "carbon.sector_benchmarks_csv"},
      {"[carbon]\ndiscount_rate = 2\n", "carbon.discount_rate"},
      {"[telemetry]\nunknown_series = \"accept\"\n", "telemetry.unknown_series"},
      {"[telemetry]\nchunk_points = 1\n", "telemetry.chunk_points"},
      {"[mqtt]\ntopics = []\n", "mqtt.topics"},
      {"[mqtt]\nport = 70000\n", "mqtt.port"},
      {"[hj212]\nlisten = 9212\n", "hj212.listen"},
      {"[hj212]\nmax_bad_frames = 0\n", "hj212.max_bad_frames"},
      {"[hj212]\naccept_unregistered = \"yes\"\n", "hj212.accept_unregistered"},
      {"[telemetry]\naccept_past_days = 0\n", "telemetry.accept_past_days"},
      {"[telemetry]\naccept_future_s = -1\n", "telemetry.accept_future_s"},
      {"[telemetry]\nmax_series = 0\n", "telemetry.max_series"},
      {"[telemetry]\nmax_new_series_per_token_per_hour = 0\n", "telemetry.max_new_series_per_token_per_hour"},
      {"[alarms]\nwebhook_allow_hosts = \"127.0.0.1\"\n", "alarms.webhook_allow_hosts"},
      {"[alarms]\nwebhook_allow_hosts = [\"http://127.0.0.1:9000\"]\n", "alarms.webhook_allow_hosts"},
      {"[alarms]\nwebhook_allow_hosts = [\"127.0.0.1:0\"]\n", "alarms.webhook_allow_hosts"},
      {"[alarms]\nwebhook_allow_hosts = [1]\n", "alarms.webhook_allow_hosts"},
  };
  for (const auto& c : cases) {
    auto r = LoadConfig(Write(c.text));
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().field, c.field) << c.text << " -> " << r.error().message;
  }
  const std::string bench = Write("sector_prefix,c,e,o,source,status\n27,0.5,0.2,100,park decision 2026-3,check\n");
  auto custom = LoadConfig(Write("[carbon]\nsector_benchmarks_csv = \"" + bench + "\"\n"));
  ASSERT_TRUE(custom.ok()) << custom.error().message;
  ASSERT_EQ(custom->carbon.rating.benchmarks.size(), 1u);
  EXPECT_EQ(custom->carbon.rating.benchmarks[0].carbon_intensity_t_co2_per_10k_yuan, 0.5);
  auto ok = LoadConfig(Write("[server]\nlisten = \"127.0.0.1:9000\"\n[store]\ndb = \"postgresql://x@y/z\"\n"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(ok->db, "postgresql://x@y/z");
  auto allow = LoadConfig(Write("[alarms]\nwebhook_allow_hosts = [\"127.0.0.1:9000\", \"hooks.internal\"]\n"));
  ASSERT_TRUE(allow.ok()) << allow.error().message;
  EXPECT_EQ(allow->telemetry.webhook_allow_hosts, (std::vector<std::string>{"127.0.0.1:9000", "hooks.internal"}));
}

}  // namespace
}  // namespace park::app
