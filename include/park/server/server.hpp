// The HTTP and WebSocket server (Boost.Beast; the only module that includes it). It owns sockets, limits,
// timeouts, TLS, static files and the live feed; everything else arrives through http::Router.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "park/core/principal.hpp"
#include "park/core/result.hpp"
#include "park/http/live.hpp"
#include "park/http/metrics.hpp"
#include "park/http/router.hpp"

namespace park::server {

struct Options {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int threads = 4;                        // I/O threads; handlers run on them
  size_t max_body_bytes = 6 << 20;        // larger bodies get 413 (room for a 5 MiB work-order photo)
  size_t max_header_bytes = 16 * 1024;
  int request_timeout_s = 30;             // to receive one whole request once its header has arrived
  int header_timeout_s = 10;              // to receive a request's header, including the wait for it on a kept-alive
                                          // connection: idle and slow (half-sent) connections are cut off after it
  size_t max_connections = 10000;         // open connections (HTTP and WebSocket); lowered at Start to stay below the
                                          // process's descriptor limit. At the cap, the connection that has waited
                                          // longest for a request header is closed to make room for the new one
                                          // (or, when none is waiting, the new one is closed)
  int shutdown_grace_s = 10;              // SIGTERM: finish in-flight requests for up to this long
  std::string web_root;                   // built web app (web/dist); empty: no static files
  std::string tls_cert_file;              // PEM; both set: HTTPS and WSS only
  std::string tls_key_file;
  bool access_log = true;
  size_t max_live_queue = 512;            // messages queued for one slow WebSocket client before it is dropped
};

// Turns a bearer token into a principal, or an error (unauthenticated) to send back.
using Authenticator = std::function<Result<Principal>(std::string_view token)>;

class Server {
 public:
  Server(Options options, const http::Router& router, http::Metrics& metrics, http::LiveHub& hub,
         Authenticator authenticate);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket (errors: bad address, port in use, bad TLS files).
  Status Start();
  // "127.0.0.1:PORT" actually bound (useful with port 0).
  std::string BoundAddress() const;
  // The connection cap in force after Start (max_connections, lowered to fit the descriptor limit).
  size_t ConnectionCap() const;
  // Serves until Stop() or SIGINT/SIGTERM, then drains in-flight requests (graceful shutdown).
  void Run();
  // Thread-safe; may be called from a signal-free context such as a test.
  void Stop();

  // Documents the WebSocket endpoint in the router (so it appears in OpenAPI); call before Start.
  static void RegisterLiveRoute(http::Router& router);
  static constexpr const char* kLivePath = "/api/v1/live";

  struct Impl;  // private to server.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::server
