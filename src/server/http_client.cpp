#include "park/server/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

namespace park::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxResponseBodyBytes = 1 << 20;

struct Url {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  unsigned short port = 0;
  std::string target;  // path and query, "/" at least; no fragment
  bool host_is_ip = false;

  // scheme://host:port: what errors and logs may show (the target often holds an access token).
  std::string Origin() const {
    return std::string(tls ? "https://" : "http://") + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
           ":" + std::to_string(port);
  }
  std::string HostHeader() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
    return h;
  }
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

Result<Url> ParseUrl(std::string_view text) {
  auto bad = [](std::string message) { return Error::Invalid("url", std::move(message)); };
  for (const char c : text) {
    // Spaces and control characters would end up in the request line: refuse rather than escape.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad("the URL contains spaces or control characters");
  }
  Url url;
  if (StartsWithNoCase(text, "https://")) {
    url.tls = true;
    text.remove_prefix(8);
  } else if (StartsWithNoCase(text, "http://")) {
    text.remove_prefix(7);
  } else {
    return bad("the URL must start with http:// or https://");
  }
  if (const auto hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
  const auto authority_end = text.find_first_of("/?");
  std::string_view authority = text.substr(0, authority_end);
  const std::string_view rest = authority_end == std::string_view::npos ? "" : text.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return bad("credentials in the URL (user@host) are not supported");
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("the URL has an unclosed [IPv6 address]");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("the URL's host is malformed");
    has_port = !after.empty();
    if (has_port) port_text = after.substr(1);
    error_code ec;
    asio::ip::make_address_v6(url.host, ec);
    if (ec) return bad("the URL's [IPv6 address] is malformed");
    url.host_is_ip = true;
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
    for (const char c : url.host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
        return bad("the URL's host name is malformed");
      }
    }
    error_code ec;
    asio::ip::make_address_v4(url.host, ec);
    url.host_is_ip = !ec;
  }
  if (url.host.empty()) return bad("the URL has no host");
  url.port = url.tls ? 443 : 80;
  if (has_port) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad("the URL's port must be 1-65535");
    }
    url.port = static_cast<unsigned short>(port);
  }
  url.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return url;
}

// Name resolution runs on a detached thread so that a hung DNS server cannot hold the caller past its deadline
// (getaddrinfo cannot be cancelled, and asio's resolver joins its lookup thread on destruction).
Result<std::vector<tcp::endpoint>> Resolve(const Url& url, Clock::time_point deadline) {
  if (url.host_is_ip) return std::vector<tcp::endpoint>{tcp::endpoint(asio::ip::make_address(url.host), url.port)};
  struct Lookup {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    error_code ec;
    std::vector<tcp::endpoint> endpoints;
  };
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host = url.host, port = std::to_string(url.port)] {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    error_code ec;
    const auto results = resolver.resolve(host, port, ec);
    std::vector<tcp::endpoint> endpoints;
    if (!ec) {
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    std::lock_guard lock(lookup->mu);
    lookup->ec = ec;
    lookup->endpoints = std::move(endpoints);
    lookup->done = true;
    lookup->cv.notify_all();
  }).detach();
  std::unique_lock lock(lookup->mu);
  if (!lookup->cv.wait_until(lock, deadline, [&] { return lookup->done; })) {
    return Error{ErrorCode::kUnavailable, "looking up " + url.host + " timed out", {}};
  }
  if (lookup->ec || lookup->endpoints.empty()) {
    return Error{ErrorCode::kUnavailable,
                 "cannot resolve " + url.host + (lookup->ec ? ": " + lookup->ec.message() : std::string()),
                 {}};
  }
  return std::move(lookup->endpoints);
}

// The resolved addresses that `policy` lets us reach: all of them for an allowed host, else only global ones. The
// caller connects to exactly these, so a name cannot pass here and then connect somewhere else.
Result<std::vector<tcp::endpoint>> PermittedEndpoints(const Url& url, std::vector<tcp::endpoint> endpoints,
                                                      const OutboundPolicy& policy) {
  if (policy.Allows(url.host, url.port)) return endpoints;
  std::vector<tcp::endpoint> permitted;
  std::string refused;
  for (const auto& e : endpoints) {
    IpAddress ip;
    if (e.address().is_v4()) {
      const auto b = e.address().to_v4().to_bytes();
      std::copy(b.begin(), b.end(), ip.bytes.begin());
    } else {
      ip.v6 = true;
      const auto b = e.address().to_v6().to_bytes();
      std::copy(b.begin(), b.end(), ip.bytes.begin());
    }
    const AddressKind kind = ClassifyAddress(ip);
    if (kind == AddressKind::kGlobal) {
      permitted.push_back(e);
    } else if (refused.empty()) {
      refused = e.address().to_string() + " is " + std::string(AddressKindName(kind));
    }
  }
  if (permitted.empty()) {
    return Error{ErrorCode::kPermissionDenied,
                 url.Origin() + " refused: the host resolves only to non-public addresses (" + refused +
                     "); the park admin can allow it in [alarms] webhook_allow_hosts",
                 "url"};
  }
  return permitted;
}

// Starts one asynchronous operation and runs the io_context until it completes. The tcp_stream's expiry (set to
// the deadline before each step) turns a stall into beast::error::timeout.
template <class StartOp>
error_code RunStep(asio::io_context& ioc, StartOp&& start) {
  error_code result = asio::error::operation_aborted;
  std::forward<StartOp>(start)([&result](error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

class Exchange {
 public:
  Exchange(const Url& url, Clock::time_point deadline, int timeout_ms)
      : url_(url), deadline_(deadline), timeout_ms_(timeout_ms) {}

  template <class Stream>
  Result<HttpResponse> Send(Stream& stream, const std::string& body) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, url_.target, 11};
    req.set(bhttp::field::host, url_.HostHeader());
    req.set(bhttp::field::user_agent, "ParkBrain");
    req.set(bhttp::field::content_type, "application/json; charset=utf-8");
    req.set(bhttp::field::accept, "application/json, */*");
    req.keep_alive(false);
    req.body() = body;
    req.prepare_payload();
    Expire(stream);
    if (auto ec = RunStep(ioc_, [&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); })) {
      return Fail("sending the request", ec);
    }
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBodyBytes);
    Expire(stream);
    auto ec = RunStep(ioc_, [&](auto handler) { bhttp::async_read(stream, buffer, parser, std::move(handler)); });
    // A TLS server that closes without close_notify after a complete response is common and harmless.
    if (ec == asio::ssl::error::stream_truncated && parser.is_done()) ec = {};
    if (ec == bhttp::error::body_limit) {
      return Error{ErrorCode::kUnavailable,
                   url_.Origin() + " answered with more than " + std::to_string(kMaxResponseBodyBytes) + " bytes",
                   {}};
    }
    if (ec) return Fail("reading the response", ec);
    HttpResponse out;
    out.status = static_cast<int>(parser.get().result_int());
    out.body = std::move(parser.get().body());
    return out;
  }

  Error Fail(std::string_view step, error_code ec) const {
    if (ec == beast::error::timeout) {
      return Error{ErrorCode::kUnavailable,
                   "POST to " + url_.Origin() + " timed out after " + std::to_string(timeout_ms_) + " ms",
                   {}};
    }
    return Error{ErrorCode::kUnavailable, std::string(step) + " to " + url_.Origin() + " failed: " + ec.message(), {}};
  }

  template <class Stream>
  void Expire(Stream& stream) {
    beast::get_lowest_layer(stream).expires_at(deadline_);
  }

  asio::io_context& ioc() { return ioc_; }

 private:
  const Url& url_;
  const Clock::time_point deadline_;
  const int timeout_ms_;
  asio::io_context ioc_{1};
};

}  // namespace

Result<HttpResponse> PostJson(const std::string& url_text, const std::string& json_body, int timeout_ms,
                              const OutboundPolicy& policy) {
  if (timeout_ms <= 0) return Error::Invalid("timeout_ms", "must be a positive number of milliseconds");
  PARK_ASSIGN_OR_RETURN(const Url url, ParseUrl(url_text));
  // Literal hosts in any spelling and localhost are refused before any lookup; names are judged by their addresses.
  PARK_TRY(CheckOutboundUrl(url_text, policy, "url"));
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  PARK_ASSIGN_OR_RETURN(auto resolved, Resolve(url, deadline));
  PARK_ASSIGN_OR_RETURN(const auto endpoints, PermittedEndpoints(url, std::move(resolved), policy));
  Exchange ex(url, deadline, timeout_ms);

  if (!url.tls) {
    beast::tcp_stream stream(ex.ioc());
    ex.Expire(stream);
    if (auto ec = RunStep(ex.ioc(), [&](auto handler) { stream.async_connect(endpoints, std::move(handler)); })) {
      return ex.Fail("connecting", ec);
    }
    auto result = ex.Send(stream, json_body);
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return result;
  }

  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  error_code ec;
  ctx.set_default_verify_paths(ec);
  if (ec) return Error{ErrorCode::kUnavailable, "cannot load the system CA certificates: " + ec.message(), {}};
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ex.ioc(), ctx);
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  // SNI: virtual-hosted webhook endpoints pick their certificate by it. Not sent for IP literals (RFC 6066).
  if (!url.host_is_ip && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    return Error{ErrorCode::kUnavailable, "cannot set TLS server name for " + url.Origin(), {}};
  }
  ex.Expire(stream);
  if (auto connect_ec = RunStep(ex.ioc(), [&](auto handler) {
        beast::get_lowest_layer(stream).async_connect(endpoints, std::move(handler));
      })) {
    return ex.Fail("connecting", connect_ec);
  }
  ex.Expire(stream);
  if (auto hs_ec = RunStep(ex.ioc(), [&](auto handler) {
        stream.async_handshake(asio::ssl::stream_base::client, std::move(handler));
      })) {
    return ex.Fail("TLS handshake", hs_ec);
  }
  // No TLS close_notify exchange afterwards: the response is complete, and a server that never answers it would
  // only cost us the rest of the deadline.
  return ex.Send(stream, json_body);
}

}  // namespace park::server
