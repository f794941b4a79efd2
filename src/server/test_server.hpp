// Test support for the server's own tests: the real server on 127.0.0.1:0 serving a router the test fills, and
// raw loopback sockets to talk to it byte by byte. Not part of the module's API.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "park/server/server.hpp"

namespace park::server::testing {

// Refuses every token: for tests whose routes are open.
inline Authenticator NoTokens() {
  return [](std::string_view) -> Result<Principal> { return Error{ErrorCode::kUnauthenticated, "no tokens here", {}}; };
}

// Runs Server on its own thread from construction to destruction. `routes` fills the router before the server
// starts; `options.listen` and `options.shutdown_grace_s` are set here, the rest is the test's.
class TestServer {
 public:
  TestServer(const std::function<void(http::Router&)>& routes, Options options, Authenticator authenticate = NoTokens()) {
    routes(router_);
    options.listen = "127.0.0.1:0";
    options.shutdown_grace_s = 1;
    server_ = std::make_unique<Server>(std::move(options), router_, metrics_, hub_, std::move(authenticate));
    const Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~TestServer() {
    server_->Stop();
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string BoundAddress() const { return server_->BoundAddress(); }

  // A socket connected to the server with a 5 s receive timeout, or -1.
  int Connect() const {
    const std::string bound = BoundAddress();
    const auto colon = bound.rfind(':');
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(std::stoi(bound.substr(colon + 1))));
    inet_pton(AF_INET, bound.substr(0, colon).c_str(), &sa.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  // Sends `bytes` on a new connection and returns everything the server answers until it closes the connection.
  std::string Exchange(std::string_view bytes) const;

 private:
  http::Router router_;
  http::Metrics metrics_;
  http::LiveHub hub_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

inline bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Everything the peer sends until it closes the connection (or the receive timeout passes).
inline std::string ReadToClose(int fd) {
  std::string out;
  char buf[16384];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

inline std::string TestServer::Exchange(std::string_view bytes) const {
  const int fd = Connect();
  if (fd < 0) return "connect failed";
  std::string out = SendAll(fd, bytes) ? ReadToClose(fd) : "send failed";
  ::close(fd);
  return out;
}

}  // namespace park::server::testing
