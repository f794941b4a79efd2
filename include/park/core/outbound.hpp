// Rules for the requests the server makes to URLs that users give it (alarm webhooks): which targets may be
// reached, and how such a URL is shown to people who may not see its secrets. Pure functions with no I/O and no
// Boost, so that both sides can share them: the alarm-rule routes (telemetry) check literal hosts when a rule is
// saved, and the HTTP client (server) checks every address a host name resolves to before it connects.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"

namespace park {

// An IPv4 or IPv6 address, bytes in network order. IPv4 uses bytes[0..3] (v6 == false).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// What an address is, after IANA's IPv4 and IPv6 special-purpose address registries. Only kGlobal may be the target
// of a server-side request, unless the park admin allows the host.
enum class AddressKind {
  kGlobal,
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127/8, ::1
  kPrivate,        // RFC 1918, ULA fc00::/7, site-local fec0::/10, NAT64 local-use 64:ff9b:1::/48
  kSharedCgnat,    // 100.64/10 (RFC 6598)
  kLinkLocal,      // 169.254/16 (cloud metadata lives here), fe80::/10
  kMulticast,      // 224/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kDocumentation,  // TEST-NET-1/2/3, 2001:db8::/32, 3fff::/20
  kReserved,       // everything else that is not global unicast: 240/4, benchmarking, IETF protocol blocks, …
};

// "loopback", "private", … for error messages.
std::string_view AddressKindName(AddressKind kind);

// Reads `host` as a numeric address in every form the system resolver accepts, so that a check cannot be dodged
// by spelling: dotted quads, inet_aton's shortened, decimal, octal and hex forms ("127.1", "2130706433",
// "0x7f000001", "0177.0.0.1"), IPv6 with or without brackets, with an embedded IPv4 tail or a zone ("%eth0", which is
// ignored). One trailing dot is ignored. nullopt when `host` is not numeric (a host name) or is malformed.
std::optional<IpAddress> ParseIpLiteral(std::string_view host);

// Classifies an address. IPv6 addresses that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96,
// 6to4 2002::/16) are judged by that IPv4 address; IPv4-compatible ::/96 and the rest of ::/8 are reserved; outside
// 2000::/3 nothing is global.
AddressKind ClassifyAddress(const IpAddress& address);

// The server-side request policy, from the park's configuration ([alarms] webhook_allow_hosts).
struct OutboundPolicy {
  // Targets the park admin trusts although they are not public: "host" (any port) or "host:port", IPv6 as
  // "[::1]:port". Matched against the URL's host as written, case-insensitively; numeric hosts are compared as
  // addresses (so "127.1" matches "127.0.0.1"). A host name that is allowed may resolve to any address.
  std::vector<std::string> allow_hosts;

  bool Allows(std::string_view host, uint16_t port) const;
};

// Checks one allow_hosts entry (configuration validation); the error names `field`.
Status CheckAllowHostEntry(std::string_view entry, const std::string& field);

// The parts of an http(s) URL that decide where a request goes.
struct OutboundTarget {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  uint16_t port = 0;
};

// Save-time check of a URL the server will later send requests to. Refuses: anything but http:// or https://,
// spaces or control characters, credentials (user@host), a missing or malformed host, a bad port, the mask "***"
// of MaskUrlSecrets (a masked URL sent back is not a URL to store), and — unless policy allows the host — numeric
// hosts that are not global in any spelling, and "localhost" / "*.localhost" (RFC 6761). Other host names cannot be
// judged without resolving them; the client checks their addresses at delivery time. Errors are kInvalidArgument
// naming `field`, with the reason.
Result<OutboundTarget> CheckOutboundUrl(std::string_view url, const OutboundPolicy& policy, const std::string& field);

// What is left of a URL for people who may not see its secrets (a robot's access_token is the key to post into a
// group chat): scheme://host[:port] and the path, with every query value, credentials, and path segments that look
// like tokens (16 characters or more, or 8 or more with a digit) replaced by kUrlMask; the fragment is dropped.
// Text that is not an http(s) URL becomes kUrlMask as a whole.
inline constexpr std::string_view kUrlMask = "***";
std::string MaskUrlSecrets(std::string_view url);

}  // namespace park
