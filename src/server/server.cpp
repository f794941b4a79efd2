#include "park/server/server.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <list>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "park/core/clock.hpp"
#include "park/core/log_limit.hpp"

namespace park::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ws = beast::websocket;
using tcp = asio::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

struct Server::Impl {
  Impl(Options o, const http::Router& r, http::Metrics& m, http::LiveHub& h, Authenticator a)
      : opt(std::move(o)),
        router(r),
        metrics(m),
        hub(h),
        authenticate(std::move(a)),
        acceptor(asio::make_strand(ioc)),
        signals(acceptor.get_executor()) {
    std::random_device rd;
    id_prefix = fmt::format("{:06x}", rd() & 0xffffff);
  }

  Options opt;
  const http::Router& router;
  http::Metrics& metrics;
  http::LiveHub& hub;
  Authenticator authenticate;
  asio::io_context ioc;
  std::optional<asio::ssl::context> ssl;
  // The acceptor and the signal set share one strand: accepting, closing on shutdown and the signal handler never
  // run at the same time on different I/O threads.
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> next_request{1};
  std::string id_prefix;
  std::string bound;

  std::string NewRequestId() { return fmt::format("{}-{:x}", id_prefix, next_request++); }
  void DoAccept();
  void AcceptLater();
  void Admit(tcp::socket socket);
  void BeginShutdown();

  // ---- connection accounting (finding: thousands of half-sent requests exhausted the descriptors) ----
  // A connection holds a Slot from accept to close (the WebSocket takes over its HTTP session's slot).
  struct Slot {
    explicit Slot(Impl& s) : s(s) { ++s.open_connections; }
    ~Slot() { --s.open_connections; }
    Impl& s;
  };
  // A session waiting for a request header can be evicted to make room; Evict runs on the session's strand.
  struct Evictable {
    virtual ~Evictable() = default;
    virtual void Evict() = 0;
  };
  struct Waiting {
    std::weak_ptr<Evictable> session;
    bool evicted = false;
  };
  using WaitingList = std::list<Waiting>;
  // A session lists itself while it waits for a header and unlists itself when the header arrives or it ends.
  // Each session owns its one list node and splices it in and out, so a request costs two uncontended locks and
  // no allocation.
  void AddWaiting(WaitingList& node) {
    std::lock_guard lock(waiting_mutex);
    node.front().evicted = false;
    waiting.splice(waiting.end(), node, node.begin());
  }
  void RemoveWaiting(WaitingList& node, WaitingList::iterator it) {
    std::lock_guard lock(waiting_mutex);
    node.splice(node.end(), waiting, it);
  }
  // Closes the connection that has waited longest for a header; false when none is waiting.
  bool EvictOldestWaiting() {
    std::shared_ptr<Evictable> victim;
    {
      std::lock_guard lock(waiting_mutex);
      for (auto& w : waiting) {
        if (w.evicted) continue;
        if ((victim = w.session.lock())) {
          w.evicted = true;
          break;
        }
      }
    }
    if (!victim) return false;
    victim->Evict();
    return true;
  }

  size_t cap = 0;
  std::atomic<int64_t> open_connections{0};
  std::atomic<uint64_t> refused_connections{0};
  std::atomic<uint64_t> evicted_connections{0};
  std::atomic<uint64_t> accept_errors{0};
  std::atomic<uint64_t> framing_rejections{0};
  int accept_backoff_ms = 0;
  SystemClock clock;
  LogLimiter log_limiter{clock, 1, 60'000};  // one warning a minute per kind, with the count of the rest
  std::mutex waiting_mutex;
  WaitingList waiting;
};

namespace {

// The policy of the service worker's script (see ServeStatic).
constexpr const char* kWorkerCsp = "default-src 'self'; frame-ancestors 'none'";

std::string_view ContentTypeFor(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The request path as a path under the web root, or nullopt when it could name anything outside it. The path
// arrives decoded once (so "%2F" is already "/"): absolute forms ("//etc/passwd"), empty, "." and ".." segments,
// backslashes and control characters are refused outright, before the file system is asked anything.
std::optional<std::string> StaticRelativePath(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::string_view rest = path.substr(1);
  for (const char c : rest) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ':') return std::nullopt;
  }
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t slash = rest.find('/', start);
    const size_t end = slash == std::string_view::npos ? rest.size() : slash;
    const std::string_view seg = rest.substr(start, end - start);
    const bool last = slash == std::string_view::npos;
    // An empty segment is allowed only as the trailing slash of a directory ("/" or "/docs/").
    if ((seg.empty() && !(last && (end == 0 || rest[end - 1] == '/'))) || seg == "." || seg == "..") {
      return std::nullopt;
    }
    if (last) break;
    start = slash + 1;
  }
  return std::string(rest);
}

// What a path under the root names once symlinks are resolved: a file to serve, nothing (so the app's router may
// take it), or a place outside the root, which is refused whatever is there.
struct StaticTarget {
  enum Kind { kFile, kMissing, kOutside } kind = kMissing;
  std::filesystem::path file;
};
StaticTarget Resolve(const std::filesystem::path& root, const std::string& rel) {
  std::error_code ec;
  const auto resolved = std::filesystem::weakly_canonical(root / rel, ec);
  if (ec) return {};
  const auto& r = root.native();
  const auto& f = resolved.native();
  if (f.size() <= r.size() || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') {
    return {StaticTarget::kOutside, {}};
  }
  if (!std::filesystem::is_regular_file(resolved, ec)) return {};
  return {StaticTarget::kFile, resolved};
}

std::optional<http::Response> FileResponse(const std::filesystem::path& file, std::string content_type,
                                           const char* cache_control) {
  auto body = ReadFile(file);
  if (!body) return std::nullopt;
  http::Response r = http::Response::Text(std::move(*body), std::move(content_type));
  r.headers.emplace_back("Cache-Control", cache_control);
  return r;
}

// The built web app: files under web_root; any other path without a file extension gets index.html so the
// app's own router can show it (history-mode URLs such as /screen or /enterprises/3). Nothing outside the root
// is ever read, and a path that tries to leave it gets 404, not the app.
std::optional<http::Response> ServeStatic(const Options& opt, std::string_view path) {
  if (opt.web_root.empty()) return std::nullopt;
  auto rel = StaticRelativePath(path);
  if (!rel) return std::nullopt;
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::canonical(opt.web_root, ec);
  if (ec) return std::nullopt;
  if (rel->empty() || rel->back() == '/') *rel += "index.html";
  const auto target = Resolve(root, *rel);
  if (target.kind == StaticTarget::kOutside) return std::nullopt;
  if (target.kind == StaticTarget::kFile) {
    auto r = FileResponse(target.file, std::string(ContentTypeFor(target.file)),
                          rel->rfind("assets/", 0) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
    // The service worker (the app kept on a phone for rounds without network) runs under the policy its script
    // is served with: it may fetch our own origin and nothing else.
    if (r && *rel == "sw.js") r->headers.emplace_back("Content-Security-Policy", kWorkerCsp);
    return r;
  }
  const auto last = path.substr(path.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos) return std::nullopt;
  const auto index = Resolve(root, "index.html");
  if (index.kind != StaticTarget::kFile) return std::nullopt;
  return FileResponse(index.file, "text/html; charset=utf-8", "no-cache");
}

// Standard base64 (RFC 4648 section 4) with or without padding; nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (const char c : in) {
    const auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// "<scheme> <credentials>" with the scheme compared case-insensitively (RFC 9110 section 11.1); the credentials,
// trimmed of surrounding spaces, or nullopt when the header uses another scheme.
std::optional<std::string_view> AuthCredentials(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return std::nullopt;
    }
  }
  std::string_view rest = header.substr(scheme.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}

// The token a request presents, in any of the forms our clients and InfluxDB-compatible writers (Telegraf,
// gateways) send unchanged to /write:
//   Authorization: Bearer <token>              our own clients
//   Authorization: Token <token>               InfluxDB 2.x clients (outputs.influxdb_v2)
//   Authorization: Basic base64(user:token)    InfluxDB 1.x clients with username/password; the user is ignored
//   ?p=<token>                                 InfluxDB 1.x query-string credentials (?u=...&p=...)
// The Authorization header wins over the query string. Empty tokens count as none.
std::optional<std::string> RequestToken(const http::Request& req) {
  if (auto h = req.Header("authorization")) {
    for (const std::string_view scheme : {"Bearer", "Token"}) {
      if (auto t = AuthCredentials(*h, scheme); t && !t->empty()) return std::string(*t);
    }
    if (auto b64 = AuthCredentials(*h, "Basic")) {
      if (auto pair = DecodeBase64(*b64)) {
        const auto colon = pair->find(':');
        if (colon != std::string::npos && colon + 1 < pair->size()) return pair->substr(colon + 1);
      }
    }
  }
  if (auto p = req.Query("p"); p && !p->empty()) return std::string(*p);
  return std::nullopt;
}

// The request target for the access log, with credential-bearing query values (?p=, ?token=) masked.
std::string RedactTarget(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    std::string key;
    if (!http::PercentDecode(pair.substr(0, eq), key, true)) key.clear();
    if (!first) out += '&';
    first = false;
    if (eq != std::string_view::npos && (key == "p" || key == "token")) {
      out.append(pair.substr(0, eq)).append("=***");
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

// A request whose body framing is ambiguous (RFC 9112 section 6.1): a Transfer-Encoding other than exactly
// "chunked", or one sent together with Content-Length. Answering it and reading on would let a proxy and this
// server disagree on where the next request starts (request smuggling), so it is refused and the connection closed.
std::optional<std::string> FramingError(const BeastRequest& req) {
  const auto te = req.find(bhttp::field::transfer_encoding);
  if (te == req.end()) return std::nullopt;
  std::string_view v(te->value().data(), te->value().size());
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (!beast::iequals(v, "chunked")) return "only \"chunked\" is accepted";
  if (req.count(bhttp::field::transfer_encoding) > 1) return "must be sent once";
  if (req.find(bhttp::field::content_length) != req.end()) return "must not be sent with Content-Length";
  return std::nullopt;
}

// Converts the Beast request into our transport-free form; false (with an error response) when it is malformed.
std::optional<http::Response> Translate(BeastRequest& in, std::string remote_ip, http::Request& out) {
  const auto method = http::ParseMethod(std::string_view(in.method_string().data(), in.method_string().size()));
  const std::string_view target(in.target().data(), in.target().size());
  const auto qpos = target.find('?');
  if (!http::PercentDecode(target.substr(0, qpos), out.path, false) || out.path.empty() || out.path[0] != '/') {
    return http::Response::FromError(Error::Invalid("path", "the request path is malformed"));
  }
  if (qpos != std::string_view::npos && !http::ParseQueryString(target.substr(qpos + 1), out.query)) {
    return http::Response::FromError(Error::Invalid("query", "the query string has a malformed %-escape"));
  }
  for (const auto& f : in) {
    std::string name(f.name_string().data(), f.name_string().size());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(f.value().data(), f.value().size()));
  }
  out.body = std::move(in.body());  // the request is not read again; a batch body is not copied
  out.remote_ip = std::move(remote_ip);
  if (!method) {
    const bool head = in.method() == bhttp::verb::head;
    if (!head) {
      return http::Response::FromError(
          Error::Coded(ErrorCode::kInvalidArgument, T("request.method_unsupported"), "method"));
    }
    out.method = http::Method::kGet;  // HEAD: answered like GET, body dropped by Beast's serializer
  } else {
    out.method = *method;
  }
  return std::nullopt;
}

// Runs routing, authentication, role checks and the handler. Never throws.
http::Response Dispatch(Server::Impl& s, http::Request& req, std::string& route_label) {
  const auto match = s.router.Find(req.method, req.path);
  if (!match.route) {
    if (req.method == http::Method::kGet && req.path.rfind("/api/", 0) != 0) {
      if (auto file = ServeStatic(s.opt, req.path)) {
        route_label = "static";
        return std::move(*file);
      }
    }
    route_label = "unmatched";
    if (match.path_known) {
      return http::Response::FromError(Error::Coded(
          ErrorCode::kInvalidArgument, T("request.method_not_allowed", {{"method", http::MethodName(req.method)}}),
          "method"));
    }
    return http::Response::FromError(Error::NotFound(T("request.no_endpoint", {{"path", req.path}})));
  }
  const http::Route& route = *match.route;
  route_label = route.pattern;
  req.params = match.params;
  if (route.authenticated) {
    auto token = RequestToken(req);
    if (!token && req.path == Server::kLivePath) {
      if (auto q = req.Query("token")) token = std::string(*q);
    }
    if (!token) {
      auto r = http::Response::FromError(Error::Coded(ErrorCode::kUnauthenticated, T("request.sign_in_first")));
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    auto who = s.authenticate(*token);
    if (!who.ok()) return http::Response::FromError(who.error());
    if (std::find(route.roles.begin(), route.roles.end(), who->role) == route.roles.end()) {
      return http::Response::FromError(Error::Denied(
          T("request.role_denied", {{"role", TextRef{"auth.role_name." + std::string(RoleName(who->role))}}})));
    }
    req.principal = std::move(*who);
  }
  if (!route.doc.request_schema.is_null() && !req.body.empty()) {
    const auto ct = req.Header("content-type");
    const auto& also = route.doc.also_accepted_content_types;
    const bool accepted =
        ct ? http::MediaTypeIs(*ct, route.doc.request_content_type) ||
                 std::any_of(also.begin(), also.end(), [&](const std::string& m) { return http::MediaTypeIs(*ct, m); })
           : std::find(also.begin(), also.end(), "") != also.end();
    if (!accepted) {
      return http::Response::FromError(
          Error::Invalid("Content-Type", T("request.content_type", {{"type", route.doc.request_content_type}})));
    }
  }
  try {
    return route.handler(req);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", req.request_id, http::MethodName(req.method), req.path, e.what());
  } catch (...) {
    spdlog::error("request {} {} {} failed with an unknown exception", req.request_id,
                  http::MethodName(req.method), req.path);
  }
  return http::Response::FromError(
      Error::Coded(ErrorCode::kInternal, T("request.internal", {{"request_id", req.request_id}})));
}

// Vue renders from precompiled templates and vue-i18n compiles messages without eval, so scripts need no
// 'unsafe-eval'; ECharts and Vue set inline styles, hence 'unsafe-inline' for styles only. The live feed is a
// WebSocket to this same origin.
constexpr const char* kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
constexpr const char* kOtherCsp = "default-src 'none'; frame-ancestors 'none'";

BeastResponse ToBeast(http::Response&& r, unsigned version, bool keep_alive, const std::string& request_id) {
  BeastResponse res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "ParkBrain");
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  res.set("X-Request-Id", request_id);
  bool has_cache_control = false;
  bool has_csp = false;
  for (auto& [k, v] : r.headers) {
    has_cache_control |= k == "Cache-Control";
    has_csp |= k == "Content-Security-Policy";
    res.set(k, v);
  }
  if (!has_cache_control) res.set(bhttp::field::cache_control, "no-store");
  // On every response: no MIME sniffing, no Referer (the /screen link carries its token in the URL), no framing.
  // Pages get a policy that allows only our own scripts and the legacy framing header too; everything else (JSON,
  // CSV, files) is never rendered as a page, and its short policy keeps the API's responses small.
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (has_csp) {
    // set by the handler (the service worker's script)
  } else if (r.content_type.rfind("text/html", 0) == 0) {
    res.set(bhttp::field::x_frame_options, "DENY");
    res.set("Content-Security-Policy", kPageCsp);
  } else {
    res.set("Content-Security-Policy", kOtherCsp);
  }
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// ---- WebSocket live feed ------------------------------------------------------------------------------------

template <class NextLayer>
class WsSession : public std::enable_shared_from_this<WsSession<NextLayer>> {
 public:
  WsSession(NextLayer&& stream, Server::Impl& s, Principal who, std::shared_ptr<Server::Impl::Slot> slot)
      : ws_(std::move(stream)), s_(s), who_(std::move(who)), slot_(std::move(slot)) {}

  ~WsSession() {
    if (sub_id_) s_.hub.Unsubscribe(sub_id_);
  }

  void Run(BeastRequest req) {
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(ws::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req, beast::bind_front_handler(&WsSession::OnAccept, this->shared_from_this()));
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return;
    std::weak_ptr<WsSession> weak = this->shared_from_this();
    const size_t max_queue = s_.opt.max_live_queue;
    sub_id_ = s_.hub.Subscribe(who_, [weak, max_queue](std::shared_ptr<const std::string> msg) {
      auto self = weak.lock();
      if (!self) return false;
      if (self->pending_.fetch_add(1) >= max_queue) {
        // Too slow to keep up: close it rather than buffer without bound.
        asio::post(self->ws_.get_executor(), [self] {
          self->ws_.async_close(ws::close_code::policy_error, [self](beast::error_code) {});
        });
        return false;
      }
      asio::post(self->ws_.get_executor(), [self, msg = std::move(msg)] { self->Enqueue(msg); });
      return true;
    }, [weak] {
      // Signed out, revoked, disabled or changed: close at once (1008), whatever is still queued.
      if (auto self = weak.lock()) {
        asio::post(self->ws_.get_executor(), [self] {
          self->sub_id_ = 0;  // the hub has already forgotten it
          self->ws_.async_close(ws::close_code::policy_error, [self](beast::error_code) {});
        });
      }
    });
    Json hello = {{"type", "hello"},
                  {"user", {{"name", who_.name}, {"role", RoleName(who_.role)}}},
                  {"enterprise_id", who_.enterprise_id ? Json(*who_.enterprise_id) : Json(nullptr)}};
    pending_.fetch_add(1);
    Enqueue(std::make_shared<const std::string>(hello.dump()));
    DoRead();
  }

  void DoRead() {
    ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) {
      s_.hub.Unsubscribe(sub_id_);
      sub_id_ = 0;
      return;
    }
    buffer_.consume(buffer_.size());  // clients only listen; what they send is ignored
    DoRead();
  }

  void Enqueue(std::shared_ptr<const std::string> msg) {
    queue_.push_back(std::move(msg));
    if (queue_.size() == 1) DoWrite();
  }

  void DoWrite() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    beast::bind_front_handler(&WsSession::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    pending_.fetch_sub(1);
    queue_.pop_front();
    if (ec) return;
    if (!queue_.empty()) DoWrite();
  }

  ws::stream<NextLayer> ws_;
  Server::Impl& s_;
  Principal who_;
  uint64_t sub_id_ = 0;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::atomic<size_t> pending_{0};
  std::shared_ptr<Server::Impl::Slot> slot_;
};

// ---- HTTP sessions (plain and TLS share this; CRTP gives each its stream) ------------------------------------

template <class Derived>
class HttpSession : public Server::Impl::Evictable {
 public:
  HttpSession(Server::Impl& s, std::string remote)
      : s_(s), remote_(std::move(remote)), slot_(std::make_shared<Server::Impl::Slot>(s)) {}
  ~HttpSession() override { Unlist(); }

  // Called by the acceptor (any thread) to make room: closes the socket on the session's own strand, which ends
  // the pending header read.
  void Evict() override {
    asio::post(derived().stream().get_executor(), [self = derived().shared_from_this()] {
      ++self->s_.evicted_connections;
      beast::get_lowest_layer(self->stream()).close();
    });
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void Unlist() {
    if (listed_) s_.RemoveWaiting(node_, *listed_);
    listed_.reset();
  }

  void DoRead() {
    parser_.emplace();
    parser_->body_limit(s_.opt.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(s_.opt.max_header_bytes));
    // Idle keep-alive and half-sent headers get the short header deadline; the body gets request_timeout_s.
    beast::get_lowest_layer(derived().stream()).expires_after(std::chrono::seconds(s_.opt.header_timeout_s));
    if (!listed_) {
      if (node_.empty()) node_.push_back({std::weak_ptr<Server::Impl::Evictable>(derived().shared_from_this()), false});
      listed_ = node_.begin();
      s_.AddWaiting(node_);
    }
    bhttp::async_read_header(derived().stream(), buffer_, *parser_,
                             beast::bind_front_handler(&HttpSession::OnHeader, derived().shared_from_this()));
  }

  // Beast sizes each body read by the flat buffer's spare room, which stays at a few hundred bytes because the
  // parser drains it into the body at once: a 600 KB gateway batch took about 1,200 reads, each with a timer
  // re-arm and a handler dispatch. A body of known length above kDirectBodyBytes is therefore read straight into
  // its string, each read taking all the socket holds; the connection's buffer stays small between requests.
  static constexpr uint64_t kDirectBodyBytes = 16 * 1024;

  void OnHeader(beast::error_code ec, size_t) {
    Unlist();
    // The body, the handler and the response get the longer deadline (a slow reader of a large export too).
    beast::get_lowest_layer(derived().stream()).expires_after(std::chrono::seconds(s_.opt.request_timeout_s));
    if (!ec) {
      if (auto why = FramingError(parser_->get())) {
        ++s_.framing_rejections;
        return Reject(Error::Invalid("Transfer-Encoding", *why));
      }
    }
    if (ec || parser_->is_done()) return OnRead(ec, 0);  // an error, or no body (every GET): nothing more to read
    const auto length = parser_->content_length();
    if (!length || *length <= kDirectBodyBytes) {
      return bhttp::async_read(derived().stream(), buffer_, *parser_,
                               beast::bind_front_handler(&HttpSession::OnRead, derived().shared_from_this()));
    }
    // body_limit was checked against Content-Length when the header was parsed.
    body_.resize(static_cast<size_t>(*length));
    const size_t buffered = std::min(buffer_.size(), body_.size());
    asio::buffer_copy(asio::buffer(body_.data(), buffered), buffer_.data());
    buffer_.consume(buffered);
    asio::async_read(derived().stream(), asio::buffer(body_.data() + buffered, body_.size() - buffered),
                     beast::bind_front_handler(&HttpSession::OnBody, derived().shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec == asio::error::eof) ec = bhttp::error::end_of_stream;  // the client went away mid-body
    if (ec) return OnRead(ec, 0);
    BeastRequest req = parser_->release();
    req.body() = std::move(body_);
    body_ = std::string();
    Handle(std::move(req));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return derived().DoClose();
    }
    if (ec) {
      const bool too_large = ec == bhttp::error::body_limit || ec == bhttp::error::header_limit;
      Error e = too_large ? Error{ErrorCode::kPayloadTooLarge,
                                  ec == bhttp::error::body_limit
                                      ? fmt::format("request body is larger than {} bytes", s_.opt.max_body_bytes)
                                      : "request headers are too large",
                                  {}}
                          : Error::Invalid("", "malformed HTTP request");
      return Reject(std::move(e));
    }
    Handle(parser_->release());
  }

  // Answers a request that cannot be read safely and closes the connection: whatever follows on it is not
  // trusted to be the start of another request.
  void Reject(Error e) {
    ++s_.in_flight;
    start_ = std::chrono::steady_clock::now();
    Send(ToBeast(http::Response::FromError(e), 11, false, s_.NewRequestId()), "-", "rejected", "-", "-");
  }

  void Handle(BeastRequest req) {
    if (ws::is_upgrade(req)) return Upgrade(std::move(req));
    ++s_.in_flight;
    start_ = std::chrono::steady_clock::now();
    http::Request r;
    r.request_id = s_.NewRequestId();
    if (auto incoming = req.find("X-Request-Id"); incoming != req.end() && incoming->value().size() <= 64) {
      r.request_id = std::string(incoming->value());
    }
    std::string route = "unmatched";
    http::Response out;
    if (auto bad = Translate(req, remote_, r)) {
      out = std::move(*bad);
    } else {
      out = Dispatch(s_, r, route);
    }
    const bool keep = req.keep_alive() && !s_.stopping;
    const std::string user = r.principal ? r.principal->name : "-";
    Send(ToBeast(std::move(out), req.version(), keep, r.request_id), std::string(req.method_string()), route,
         RedactTarget(std::string_view(req.target().data(), req.target().size())), user);
  }

  void Upgrade(BeastRequest req) {
    http::Request r;
    r.request_id = s_.NewRequestId();
    std::string route;
    http::Response denied;
    if (auto bad = Translate(req, remote_, r)) {
      denied = std::move(*bad);
    } else if (r.path != Server::kLivePath) {
      denied = http::Response::FromError(Error::NotFound(T("request.no_websocket", {{"path", r.path}})));
    } else {
      denied = Dispatch(s_, r, route);  // authenticates; the documented handler answers non-upgrade calls
      if (r.principal) {
        s_.metrics.Observe("GET", Server::kLivePath, 101, 0);
        return derived().UpgradeToWebSocket(std::move(req), *r.principal);
      }
    }
    ++s_.in_flight;
    start_ = std::chrono::steady_clock::now();
    Send(ToBeast(std::move(denied), req.version(), false, r.request_id), "GET", Server::kLivePath,
         RedactTarget(std::string_view(req.target().data(), req.target().size())), "-");
  }

  void Send(BeastResponse res, std::string method, std::string route, std::string target, std::string user) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    s_.metrics.Observe(method, route, res.result_int(), secs);
    if (s_.opt.access_log) {
      spdlog::info("access {} \"{} {}\" {} {} {:.2f}ms user={} id={}", remote_, method, target, res.result_int(),
                   res.body().size(), secs * 1000, user, res["X-Request-Id"]);
    }
    res_ = std::make_shared<BeastResponse>(std::move(res));
    bhttp::async_write(derived().stream(), *res_,
                       beast::bind_front_handler(&HttpSession::OnWrite, derived().shared_from_this(),
                                                 !res_->keep_alive()));
  }

  void OnWrite(bool close, beast::error_code ec, size_t) {
    --s_.in_flight;
    res_.reset();
    if (ec) return;
    if (close) return derived().DoClose();
    DoRead();
  }

  Server::Impl& s_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string body_;  // a large body being read directly (OnHeader)
  std::shared_ptr<BeastResponse> res_;
  std::chrono::steady_clock::time_point start_;
  std::shared_ptr<Server::Impl::Slot> slot_;  // counted open connection; a WebSocket takes it over
  Server::Impl::WaitingList node_;  // this session's entry while it is not listed as waiting
  std::optional<Server::Impl::WaitingList::iterator> listed_;  // the entry while it is (splicing keeps iterators)
};

class PlainSession : public HttpSession<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(tcp::socket&& socket, Server::Impl& s, std::string remote)
      : HttpSession(s, std::move(remote)), stream_(std::move(socket)) {}
  void Run() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&PlainSession::DoRead, shared_from_this())); }
  beast::tcp_stream& stream() { return stream_; }
  void DoClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  void UpgradeToWebSocket(BeastRequest req, Principal who) {
    std::make_shared<WsSession<beast::tcp_stream>>(std::move(stream_), s_, std::move(who), slot_)->Run(std::move(req));
  }

 private:
  beast::tcp_stream stream_;
};

class TlsSession : public HttpSession<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(tcp::socket&& socket, asio::ssl::context& ctx, Server::Impl& s, std::string remote)
      : HttpSession(s, std::move(remote)), stream_(std::move(socket), ctx) {}
  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(std::chrono::seconds(self->s_.opt.header_timeout_s));
      self->stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self](beast::error_code ec) {
                                      if (!ec) self->DoRead();
                                    });
    });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void DoClose() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }
  void UpgradeToWebSocket(BeastRequest req, Principal who) {
    std::make_shared<WsSession<beast::ssl_stream<beast::tcp_stream>>>(std::move(stream_), s_, std::move(who), slot_)
        ->Run(std::move(req));
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

void Server::Impl::DoAccept() {  // runs on the acceptor's strand
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE/ENFILE) or buffers: retrying at once would spin and log without end. Back off
      // 10 ms, doubling to 1 s, and say so at most once a minute with the count of what was not said.
      ++accept_errors;
      accept_backoff_ms = std::clamp(accept_backoff_ms * 2, 10, 1000);
      if (auto n = log_limiter.Allow("accept")) {
        spdlog::warn("accept failed: {} (backing off {} ms){}", ec.message(), accept_backoff_ms, Suppressed(*n));
      }
      return AcceptLater();
    }
    accept_backoff_ms = 0;
    Admit(std::move(socket));
    DoAccept();
  });
}

void Server::Impl::AcceptLater() {  // runs on the acceptor's strand
  auto timer = std::make_shared<asio::steady_timer>(acceptor.get_executor());
  timer->expires_after(std::chrono::milliseconds(accept_backoff_ms));
  timer->async_wait([this, timer](beast::error_code ec) {
    if (!ec && acceptor.is_open()) DoAccept();
  });
}

void Server::Impl::Admit(tcp::socket socket) {  // runs on the acceptor's strand
  if (static_cast<size_t>(open_connections.load()) >= cap && !EvictOldestWaiting()) {
    ++refused_connections;  // every slot is busy with a request or a WebSocket: this one waits for none
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  beast::error_code ep_ec;
  const auto ep = socket.remote_endpoint(ep_ec);
  std::string remote = ep_ec ? "?" : ep.address().to_string();
  socket.set_option(tcp::no_delay(true), ep_ec);
  if (ssl) {
    std::make_shared<TlsSession>(std::move(socket), *ssl, *this, std::move(remote))->Run();
  } else {
    std::make_shared<PlainSession>(std::move(socket), *this, std::move(remote))->Run();
  }
}

void Server::Impl::BeginShutdown() {  // runs on the acceptor's strand
  if (stopping.exchange(true)) return;
  spdlog::info("server: shutting down; finishing {} in-flight request(s)", in_flight.load());
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opt.shutdown_grace_s);
  auto timer = std::make_shared<asio::steady_timer>(ioc);
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, deadline, timer, poll] {
    if (in_flight.load() <= 0 || std::chrono::steady_clock::now() >= deadline) {
      ioc.stop();
      *poll = nullptr;  // break the self-reference
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([poll](beast::error_code) {
      if (*poll) (*poll)();
    });
  };
  (*poll)();
}

Server::Server(Options options, const http::Router& router, http::Metrics& metrics, http::LiveHub& hub,
               Authenticator authenticate)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, hub, std::move(authenticate))) {}

Server::~Server() = default;

Status Server::Start() {
  Impl& s = *impl_;
  const auto colon = s.opt.listen.rfind(':');
  if (colon == std::string::npos) return Error::Invalid("listen", "must be host:port, e.g. 127.0.0.1:8080");
  std::string host = s.opt.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(s.opt.listen.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Error::Invalid("listen", "port must be 0-65535");
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Error::Invalid("listen", "'" + host + "' is not an IP address");
  if (!s.opt.tls_cert_file.empty() || !s.opt.tls_key_file.empty()) {
    if (s.opt.tls_cert_file.empty() || s.opt.tls_key_file.empty()) {
      return Error::Invalid("server.tls_cert", "set both tls_cert and tls_key, or neither");
    }
    s.ssl.emplace(asio::ssl::context::tls_server);
    s.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    s.ssl->use_certificate_chain_file(s.opt.tls_cert_file, ec);
    if (ec) return Error::Invalid("server.tls_cert", "cannot load certificate: " + ec.message());
    s.ssl->use_private_key_file(s.opt.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return Error::Invalid("server.tls_key", "cannot load private key: " + ec.message());
  }
  // Keep the cap below the descriptor limit, leaving room for the database, log and data files, the HJ 212 and
  // MQTT sockets and a connection being evicted.
  constexpr size_t kReservedDescriptors = 128;
  s.cap = std::max<size_t>(1, s.opt.max_connections);
  if (rlimit lim{}; getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    const size_t fit = lim.rlim_cur > 2 * kReservedDescriptors ? lim.rlim_cur - kReservedDescriptors
                                                                : std::max<size_t>(1, lim.rlim_cur / 2);
    if (fit < s.cap) {
      spdlog::info("server: max_connections {} lowered to {} to fit the descriptor limit {}", s.cap, fit,
                   static_cast<uint64_t>(lim.rlim_cur));
      s.cap = fit;
    }
  }
  s.metrics.AddCollector([&s](std::string& out) {
    out += fmt::format(
        "# HELP parkbrain_connections_open Open HTTP and WebSocket connections.\n"
        "# TYPE parkbrain_connections_open gauge\nparkbrain_connections_open {}\n"
        "# HELP parkbrain_connections_cap The connection cap in force.\n"
        "# TYPE parkbrain_connections_cap gauge\nparkbrain_connections_cap {}\n"
        "# HELP parkbrain_connections_evicted_total Connections closed while waiting for a header, to admit others.\n"
        "# TYPE parkbrain_connections_evicted_total counter\nparkbrain_connections_evicted_total {}\n"
        "# HELP parkbrain_connections_refused_total Connections closed at once because every slot was busy.\n"
        "# TYPE parkbrain_connections_refused_total counter\nparkbrain_connections_refused_total {}\n"
        "# HELP parkbrain_accept_errors_total Failed accepts (e.g. out of descriptors), each followed by a back-off.\n"
        "# TYPE parkbrain_accept_errors_total counter\nparkbrain_accept_errors_total {}\n"
        "# HELP parkbrain_http_framing_rejected_total Requests refused for ambiguous body framing.\n"
        "# TYPE parkbrain_http_framing_rejected_total counter\nparkbrain_http_framing_rejected_total {}\n",
        s.open_connections.load(), s.cap, s.evicted_connections.load(), s.refused_connections.load(),
        s.accept_errors.load(), s.framing_rejections.load());
  });
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{ErrorCode::kUnavailable, "cannot listen on " + s.opt.listen + ": " + ec.message(), "listen"};
  // Handle SIGINT/SIGTERM from now on, so a signal that arrives before Run() still stops the server cleanly.
  s.signals.add(SIGINT, ec);
  s.signals.add(SIGTERM, ec);
  s.signals.async_wait([&s](beast::error_code sig_ec, int) {
    if (!sig_ec) s.BeginShutdown();
  });
  const auto local = s.acceptor.local_endpoint();
  s.bound = (local.address().is_v6() ? "[" + local.address().to_string() + "]" : local.address().to_string()) + ":" +
            std::to_string(local.port());
  return {};
}

std::string Server::BoundAddress() const { return impl_->bound; }

size_t Server::ConnectionCap() const { return impl_->cap; }

void Server::Run() {
  Impl& s = *impl_;
  asio::post(s.acceptor.get_executor(), [&s] { s.DoAccept(); });
  spdlog::info("server: listening on {}://{} with {} threads", s.ssl ? "https" : "http", s.bound, s.opt.threads);
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, s.opt.threads); ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  spdlog::info("server: stopped");
}

void Server::Stop() {
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->BeginShutdown(); });
}

void Server::RegisterLiveRoute(http::Router& router) {
  http::Route r;
  r.method = http::Method::kGet;
  r.pattern = kLivePath;
  r.roles = http::AllRoles();
  r.doc.summary =
      "Live feed (WebSocket): connect with an Upgrade request; authenticate with a Bearer header or ?token=. "
      "Messages are JSON objects with a type: hello, audit, and later value and alarm; each principal receives "
      "only what its role and enterprise may see.";
  r.doc.tag = "live";
  r.doc.query = {{"token", "string", "session or API token, for clients that cannot set headers", false}};
  r.doc.success_status = 101;
  r.handler = [](const http::Request&) {
    return http::Response::FromError(
        Error::Invalid("Upgrade", "this endpoint speaks WebSocket: send an Upgrade: websocket request"));
  };
  router.Add(std::move(r));
}

}  // namespace park::server
