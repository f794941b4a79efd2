// How an authenticated route accepts a token: our Bearer header, plus the forms InfluxDB 1.x/2.x writers
// (Telegraf, gateways) send unchanged to /write.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "park/http/route_builder.hpp"
#include "server/test_server.hpp"

namespace park::server {
namespace {

constexpr const char* kToken = "secret-token";

class AuthServer : public testing::TestServer {
 public:
  AuthServer()
      : TestServer(
            [](http::Router& router) {
              router.Add(http::MakeRoute("test", http::Method::kPost, "/write", http::AllRoles(), "line protocol",
                                         [](const http::Request&) { return http::Response::NoContent(); }));
            },
            OneThread(), [](std::string_view token) -> Result<Principal> {
              if (token != kToken) return Error{ErrorCode::kUnauthenticated, "invalid or expired token", {}};
              Principal p;
              p.name = "telegraf";
              p.role = Role::kIntegrator;
              p.api_token = true;
              return p;
            }) {}

  // Sends one request with Connection: close and returns the whole raw response.
  std::string Post(const std::string& target, const std::string& authorization) const {
    const std::string body = "cpu,host=a usage=1";
    std::string req = "POST " + target + " HTTP/1.1\r\nHost: " + BoundAddress() + "\r\nConnection: close\r\n";
    if (!authorization.empty()) req += "Authorization: " + authorization + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return Exchange(req);
  }

 private:
  static Options OneThread() {
    Options opt;
    opt.threads = 1;
    return opt;
  }
};

int StatusOf(const std::string& response) { return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0; }

TEST(ServerAuth, AcceptsBearerTokenBasicAndQueryCredentials) {
  AuthServer server;
  struct Case {
    const char* name;
    std::string target;
    std::string authorization;
    int status;
    bool asks_to_sign_in;  // 401 for missing credentials (vs. a token the authenticator refused)
  };
  const Case cases[] = {
      {"bearer", "/write", "Bearer secret-token", 204, false},
      {"bearer, scheme in any case", "/write", "bearer secret-token", 204, false},
      {"influxdb 2.x token", "/write", "Token secret-token", 204, false},
      {"influxdb 2.x token, extra spaces", "/write", "Token   secret-token  ", 204, false},
      {"basic user:token", "/write", "Basic dGVsZWdyYWY6c2VjcmV0LXRva2Vu", 204, false},
      {"basic with no user", "/write", "Basic OnNlY3JldC10b2tlbg==", 204, false},
      {"influxdb 1.x query", "/write?db=park&u=telegraf&p=secret-token", "", 204, false},
      {"query p with a percent-escape", "/write?p=secret%2Dtoken", "", 204, false},
      {"header wins over query", "/write?p=secret-token", "Token wrong", 401, false},
      {"wrong bearer", "/write", "Bearer wrong", 401, false},
      {"wrong token", "/write", "Token wrong", 401, false},
      {"basic with a wrong password", "/write", "Basic dGVsZWdyYWY6d3Jvbmc=", 401, false},
      {"wrong query p", "/write?u=telegraf&p=wrong", "", 401, false},
      {"nothing", "/write", "", 401, true},
      {"empty bearer", "/write", "Bearer ", 401, true},
      {"unknown scheme", "/write", "Digest secret-token", 401, true},
      {"scheme without a space", "/write", "Tokensecret-token", 401, true},
      {"basic without a colon", "/write", "Basic bm9jb2xvbg==", 401, true},
      {"basic with an empty password", "/write", "Basic dGVsZWdyYWY6", 401, true},
      {"basic that is not base64", "/write", "Basic !!!!", 401, true},
      {"empty query p", "/write?u=telegraf&p=", "", 401, true},
      {"token= is only for the live feed", "/write?token=secret-token", "", 401, true},
  };
  for (const Case& c : cases) {
    const std::string response = server.Post(c.target, c.authorization);
    EXPECT_EQ(StatusOf(response), c.status) << c.name << "\n" << response;
    if (c.status == 401) {
      const bool sign_in = response.find("sign in first: send Authorization: Bearer <token>") != std::string::npos;
      EXPECT_EQ(sign_in, c.asks_to_sign_in) << c.name << "\n" << response;
      EXPECT_EQ(response.find("WWW-Authenticate: Bearer\r\n") != std::string::npos, c.asks_to_sign_in) << c.name << "\n"
                                                                                                       << response;
      if (!c.asks_to_sign_in) {
        EXPECT_NE(response.find("invalid or expired token"), std::string::npos) << c.name;
      }
    }
  }
}

TEST(ServerAuth, AccessLogMasksQueryCredentials) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::set_default_logger(logger);
  {
    AuthServer server;
    EXPECT_EQ(StatusOf(server.Post("/write?db=park&u=telegraf&p=secret-token", "")), 204);
    EXPECT_EQ(StatusOf(server.Post("/write?p=wrong&token=secret-token", "")), 401);
    EXPECT_EQ(StatusOf(server.Post("/write?%70=secret-token", "")), 204);  // an escaped key is still p
  }
  spdlog::set_default_logger(previous);
  const std::string text = log.str();
  EXPECT_NE(text.find("/write?db=park&u=telegraf&p=***\""), std::string::npos) << text;
  EXPECT_NE(text.find("/write?p=***&token=***\""), std::string::npos) << text;
  EXPECT_NE(text.find("/write?%70=***\""), std::string::npos) << text;
  EXPECT_EQ(text.find("secret-token"), std::string::npos) << text;
}

}  // namespace
}  // namespace park::server
