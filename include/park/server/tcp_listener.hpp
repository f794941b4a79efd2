// A generic TCP listener for framed device protocols (HJ 212 data loggers and the like). It owns sockets, limits
// and timeouts; the protocol lives in a TcpSession that sees bytes in and returns bytes out, and never includes
// Boost. One I/O thread serves every connection; an open connection costs a fixed ~2 KB read buffer plus the
// socket, a timer and whatever output the peer has not read yet.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "park/core/result.hpp"

namespace park::server {

struct TcpListenerOptions {
  std::string listen = "127.0.0.1:0";     // host:port; port 0 picks a free one
  size_t max_connections = 10000;         // further connections are accepted and closed at once (logged)
  int idle_timeout_s = 600;               // a connection silent this long (nothing received) is closed; <= 0: never
  size_t max_pending_output = 64 * 1024;  // a peer that does not read its replies is dropped: bytes queued for it
                                          // beyond this (on top of what the kernel buffers) close the connection
};

// One connection's protocol state; the factory makes one per accepted connection. OnBytes runs on the listener's
// thread, one call at a time per session, and returns the bytes to send back (empty: nothing). Returning
// std::nullopt closes the connection (after flushing nothing). `bytes` is whatever one read returned (at most
// ~2 KB): frames may arrive split or several at once, so the session does its own framing.
// OnClose runs exactly once, on the listener's thread, when the connection ends for any reason (peer closed, error,
// idle timeout, dropped for unread output, OnBytes returned nullopt, Stop). An exception thrown by OnBytes is a bug:
// it is logged and the connection closed. Sessions must not block, and must not call TcpListener::Stop.
class TcpSession {
 public:
  virtual ~TcpSession() = default;
  virtual std::optional<std::string> OnBytes(std::string_view bytes) = 0;
  virtual void OnClose() {}
};

// Called on the listener's thread for each accepted connection with the peer's "ip:port". Returning nullptr
// refuses the connection (it is closed at once).
using SessionFactory = std::function<std::unique_ptr<TcpSession>(const std::string& remote_address)>;

class TcpListener {
 public:
  TcpListener(TcpListenerOptions options, SessionFactory factory);
  ~TcpListener();  // stops
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // Binds and starts its own I/O thread. Errors (field "listen"): kInvalidArgument for a bad address,
  // kUnavailable when the port is in use or cannot be bound; kFailedPrecondition when already started or stopped.
  Status Start();
  // "127.0.0.1:PORT" actually bound (useful with port 0); empty before Start.
  std::string BoundAddress() const;
  // Closes the acceptor and every connection (each session gets OnClose), joins the thread. Idempotent; safe from
  // any thread except the listener's own (i.e. not from a session callback).
  void Stop();
  // Connections currently open (sessions alive). Thread-safe.
  size_t open_connections() const;

  struct Impl;  // private to tcp_listener.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::server
