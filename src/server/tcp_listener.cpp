#include "park/server/tcp_listener.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <charconv>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace park::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

// One read's worth; a session sees at most this many bytes per OnBytes call. Fixed so that an open connection
// costs the same however chatty its peer is.
constexpr size_t kReadBufferBytes = 2048;

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(ep.port());
}

// "host:port" or "[v6]:port" into an endpoint; errors name the field "listen".
Result<tcp::endpoint> ParseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Error::Invalid("listen", "must be host:port, e.g. 127.0.0.1:9212");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = std::string_view(listen).substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return Error::Invalid("listen", "port must be 0-65535");
  }
  error_code addr_ec;
  const auto address = asio::ip::make_address(host, addr_ec);
  if (addr_ec) return Error::Invalid("listen", "'" + host + "' is not an IP address");
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

struct TcpListener::Impl {
  class Connection;

  Impl(TcpListenerOptions o, SessionFactory f)
      : opt(std::move(o)), factory(std::move(f)), ioc(1), acceptor(ioc), retry_timer(ioc) {}

  void DoAccept();
  void OnAccepted(tcp::socket socket);
  void CloseAll();

  const TcpListenerOptions opt;
  const SessionFactory factory;
  asio::io_context ioc;  // run by `thread` alone: every handler below runs there, so nothing needs a strand
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;  // accept errors such as EMFILE: retry after a pause instead of spinning
  std::thread thread;

  std::mutex lifecycle_mu;  // guards started, stopped and the thread handle (held while Stop joins)
  bool started = false;
  bool stopped = false;
  mutable std::mutex bound_mu;  // guards `bound` for readers other than the I/O thread
  std::string bound;            // set once by Start before the I/O thread starts

  std::atomic<size_t> open{0};
  // Every open connection (it owns itself through this map until it closes). I/O thread only.
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections;
  // Connections refused over max_connections since the last warning (the warning is rate-limited). I/O thread only.
  size_t refused_unlogged = 0;
  Clock::time_point last_refused_log{};
};

// One accepted socket and its session. Lives on the I/O thread only. Writes go out in order: `writing_` is the
// one async_write in flight, `pending_` collects replies produced meanwhile and goes out next.
class TcpListener::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Impl& listener, tcp::socket socket, std::string remote, std::unique_ptr<TcpSession> session)
      : listener_(listener),
        socket_(std::move(socket)),
        idle_(listener.ioc),
        session_(std::move(session)),
        remote_(std::move(remote)),
        last_read_(Clock::now()) {}

  void Start() {
    if (listener_.opt.idle_timeout_s > 0) ArmIdle(last_read_ + IdleTimeout());
    DoRead();
  }

  // Ends the connection at once (queued output is discarded) and tells the session. Idempotent.
  void Close(std::string_view why) {
    if (closed_) return;
    closed_ = true;
    spdlog::debug("tcp {}: closed {}: {}", listener_.bound, remote_, why);
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    idle_.cancel();
    pending_ = std::string();  // `writing_` stays until the aborted write's handler has run
    const auto self = shared_from_this();  // the map held the last owner outside pending handlers
    listener_.connections.erase(this);
    listener_.open.fetch_sub(1);
    try {
      session_->OnClose();
    } catch (const std::exception& e) {
      spdlog::error("tcp {}: session of {} threw in OnClose: {}", listener_.bound, remote_, e.what());
    } catch (...) {
      spdlog::error("tcp {}: session of {} threw in OnClose", listener_.bound, remote_);
    }
    session_.reset();
  }

 private:
  Clock::duration IdleTimeout() const { return std::chrono::seconds(listener_.opt.idle_timeout_s); }

  // The timer is not reset on every read (that would cancel and re-queue a wait per packet); it fires at the
  // deadline computed from the last read and re-arms for the remainder when the peer spoke meanwhile.
  void ArmIdle(Clock::time_point deadline) {
    idle_.expires_at(deadline);
    idle_.async_wait([self = shared_from_this()](error_code ec) { self->OnIdle(ec); });
  }

  void OnIdle(error_code ec) {
    if (ec || closed_) return;
    const auto deadline = last_read_ + IdleTimeout();
    if (Clock::now() >= deadline) return Close("idle timeout");
    ArmIdle(deadline);
  }

  void DoRead() {
    socket_.async_read_some(asio::buffer(read_buf_),
                            [self = shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, size_t n) {
    if (closed_) return;
    if (ec == asio::error::eof) {
      // The peer finished sending; let it still receive what is queued, then close.
      read_eof_ = true;
      if (writing_.empty()) Close("peer closed");
      return;
    }
    if (ec) return Close(ec.message());
    last_read_ = Clock::now();
    std::optional<std::string> out;
    try {
      out = session_->OnBytes(std::string_view(read_buf_.data(), n));
    } catch (const std::exception& e) {
      spdlog::error("tcp {}: session of {} threw: {}", listener_.bound, remote_, e.what());
      return Close("session threw");
    } catch (...) {
      spdlog::error("tcp {}: session of {} threw an unknown exception", listener_.bound, remote_);
      return Close("session threw");
    }
    if (!out) return Close("session ended the connection");
    if (!out->empty() && !Queue(std::move(*out))) return;
    DoRead();
  }

  // False when the connection was dropped because its peer does not read.
  bool Queue(std::string&& bytes) {
    if (writing_.empty()) {
      writing_ = std::move(bytes);
      DoWrite();
      return true;
    }
    if (pending_.size() + bytes.size() > listener_.opt.max_pending_output) {
      spdlog::warn("tcp {}: dropping {}: it does not read its replies ({} bytes queued, limit {})", listener_.bound,
                   remote_, pending_.size() + bytes.size(), listener_.opt.max_pending_output);
      Close("output backlog over max_pending_output");
      return false;
    }
    if (pending_.empty()) {
      pending_ = std::move(bytes);
    } else {
      pending_ += bytes;
    }
    return true;
  }

  void DoWrite() {
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    if (closed_) return;
    if (ec) return Close(ec.message());
    // Move rather than clear: a burst's buffers are given back instead of kept for the connection's lifetime.
    writing_ = std::move(pending_);
    pending_ = std::string();
    if (!writing_.empty()) return DoWrite();
    if (read_eof_) Close("peer closed");
  }

  Impl& listener_;
  tcp::socket socket_;
  asio::steady_timer idle_;
  std::unique_ptr<TcpSession> session_;
  const std::string remote_;
  std::string writing_;
  std::string pending_;
  Clock::time_point last_read_;
  bool closed_ = false;
  bool read_eof_ = false;
  std::array<char, kReadBufferBytes> read_buf_;
};

void TcpListener::Impl::DoAccept() {
  acceptor.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      spdlog::warn("tcp {}: accept failed: {}", bound, ec.message());
      retry_timer.expires_after(std::chrono::milliseconds(100));
      retry_timer.async_wait([this](error_code timer_ec) {
        if (!timer_ec && acceptor.is_open()) DoAccept();
      });
      return;
    }
    OnAccepted(std::move(socket));
    DoAccept();
  });
}

void TcpListener::Impl::OnAccepted(tcp::socket socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  std::string remote = ec ? "?" : FormatEndpoint(ep);
  if (open.load() >= opt.max_connections) {
    socket.close(ec);
    ++refused_unlogged;
    const auto now = Clock::now();
    if (now - last_refused_log >= std::chrono::seconds(10)) {
      spdlog::warn("tcp {}: at max_connections ({}); refused {} connection(s), latest from {}", bound,
                   opt.max_connections, refused_unlogged, remote);
      refused_unlogged = 0;
      last_refused_log = now;
    }
    return;
  }
  std::unique_ptr<TcpSession> session;
  try {
    session = factory(remote);
  } catch (const std::exception& e) {
    spdlog::error("tcp {}: session factory threw for {}: {}", bound, remote, e.what());
  } catch (...) {
    spdlog::error("tcp {}: session factory threw for {}", bound, remote);
  }
  if (!session) {
    spdlog::debug("tcp {}: no session for {}; closing", bound, remote);
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto connection = std::make_shared<Connection>(*this, std::move(socket), std::move(remote), std::move(session));
  connections.emplace(connection.get(), connection);
  open.fetch_add(1);
  connection->Start();
}

void TcpListener::Impl::CloseAll() {
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(connections.size());
  for (const auto& [ptr, connection] : connections) all.push_back(connection);
  for (const auto& connection : all) connection->Close("listener stopping");
}

TcpListener::TcpListener(TcpListenerOptions options, SessionFactory factory)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(factory))) {}

TcpListener::~TcpListener() { Stop(); }

Status TcpListener::Start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.lifecycle_mu);
  if (s.started || s.stopped) return Error{ErrorCode::kFailedPrecondition, "the listener was already started", {}};
  if (!s.factory) return Error::Invalid("factory", "a session factory is required");
  PARK_ASSIGN_OR_RETURN(const tcp::endpoint endpoint, ParseListen(s.opt.listen));
  error_code ec;
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code close_ec;
    s.acceptor.close(close_ec);
    return Error{ErrorCode::kUnavailable, "cannot listen on " + s.opt.listen + ": " + ec.message(), "listen"};
  }
  {
    std::lock_guard bound_lock(s.bound_mu);
    s.bound = FormatEndpoint(s.acceptor.local_endpoint(ec));
  }
  s.started = true;
  s.DoAccept();
  s.thread = std::thread([&s] {
    for (;;) {
      try {
        s.ioc.run();
        return;
      } catch (const std::exception& e) {  // a bug in a handler; keep serving the other connections
        spdlog::error("tcp {}: I/O thread caught: {}", s.bound, e.what());
      } catch (...) {
        spdlog::error("tcp {}: I/O thread caught an unknown exception", s.bound);
      }
    }
  });
  spdlog::info("tcp listener: listening on {} (max {} connections, idle timeout {} s)", s.bound, s.opt.max_connections,
               s.opt.idle_timeout_s);
  return {};
}

std::string TcpListener::BoundAddress() const {
  std::lock_guard lock(impl_->bound_mu);
  return impl_->bound;
}

void TcpListener::Stop() {
  Impl& s = *impl_;
  std::lock_guard lock(s.lifecycle_mu);
  if (!s.stopped) {
    s.stopped = true;
    if (!s.started) return;
    // Once the acceptor, the retry timer and every connection are closed, their handlers finish with
    // operation_aborted and run() returns for lack of work.
    asio::post(s.ioc, [&s] {
      error_code ec;
      s.acceptor.close(ec);
      s.retry_timer.cancel();
      s.CloseAll();
    });
  }
  if (s.thread.joinable() && s.thread.get_id() != std::this_thread::get_id()) {
    s.thread.join();
    spdlog::info("tcp listener {}: stopped", s.bound);
  }
}

size_t TcpListener::open_connections() const { return impl_->open.load(); }

}  // namespace park::server
