// A small outgoing HTTP(S) client for webhook notifications (DingTalk and WeCom robots, any http endpoint).
// Lives in `server` because that is the one module allowed to include Boost.Beast.
#pragma once

#include <string>

#include "park/core/outbound.hpp"
#include "park/core/result.hpp"

namespace park::server {

struct HttpResponse {
  int status = 0;    // any status the server sent, 2xx or not: the caller decides what counts as delivered
  std::string body;  // at most 1 MiB; a larger response is an error
};

// POSTs a JSON body (Content-Type: application/json; charset=utf-8) to an http:// or https:// URL (TLS with the
// system CA store, certificate and host name verified, SNI set). Synchronous; the whole exchange (DNS, connect,
// TLS, request, response) is bounded by timeout_ms. Redirects are not followed; credentials in the URL (user@host)
// are refused.
// Server-side request forgery: unless `policy` allows the URL's host, the URL must pass CheckOutboundUrl and the
// client connects only to those of the host's resolved addresses that are global (ClassifyAddress), so neither a
// literal in any spelling nor a name that resolves (or re-resolves, DNS rebinding) to loopback, link-local (cloud
// metadata) or private space is reached. The default policy allows nothing beyond public addresses.
// Errors: kInvalidArgument for a bad or refused URL (field "url") or a timeout_ms <= 0 (field "timeout_ms");
// kPermissionDenied when the host resolves only to addresses the policy refuses (not worth retrying);
// kUnavailable for DNS/connect/TLS/timeout failures and malformed or oversized responses. Error messages name
// only scheme://host:port, never the path or query, which often carry a robot's access token.
// Thread-safe: each call has its own sockets.
Result<HttpResponse> PostJson(const std::string& url, const std::string& json_body, int timeout_ms = 5000,
                              const OutboundPolicy& policy = {});

}  // namespace park::server
