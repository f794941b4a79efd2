#include "park/core/outbound.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace park {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

std::string_view StripTrailingDot(std::string_view host) {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  return host;
}

// One part of an inet_aton address: decimal, octal with a leading 0, or hex with 0x. nullopt when malformed.
std::optional<uint64_t> ParseAtonPart(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
    if (part.empty()) return 0;  // inet_aton reads a bare "0x" as 0
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  uint64_t value = 0;
  for (const char c : part) {
    int digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) {
      digit = std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (digit >= base) return std::nullopt;
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
    if (value > 0xffffffffULL) return std::nullopt;
  }
  return value;
}

// inet_aton's forms: a, a.b (8.24 bits), a.b.c (8.8.16), a.b.c.d.
std::optional<IpAddress> ParseIpv4Loose(std::string_view text) {
  uint64_t parts[4] = {};
  size_t n = 0;
  while (true) {
    if (n == 4) return std::nullopt;
    const auto dot = text.find('.');
    auto part = ParseAtonPart(text.substr(0, dot));
    if (!part) return std::nullopt;
    parts[n++] = *part;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  for (size_t i = 0; i + 1 < n; ++i) {
    if (parts[i] > 255) return std::nullopt;
  }
  const int last_bits = 8 * static_cast<int>(5 - n);
  if (last_bits < 32 && parts[n - 1] >> last_bits) return std::nullopt;
  uint32_t v = static_cast<uint32_t>(parts[n - 1]);
  for (size_t i = 0; i + 1 < n; ++i) v |= static_cast<uint32_t>(parts[i]) << (24 - 8 * i);
  IpAddress a;
  a.bytes[0] = static_cast<uint8_t>(v >> 24);
  a.bytes[1] = static_cast<uint8_t>(v >> 16);
  a.bytes[2] = static_cast<uint8_t>(v >> 8);
  a.bytes[3] = static_cast<uint8_t>(v);
  return a;
}

AddressKind ClassifyV4(const uint8_t* b) {
  const unsigned a0 = b[0], a1 = b[1], a2 = b[2];
  if (a0 == 0) return AddressKind::kUnspecified;
  if (a0 == 10) return AddressKind::kPrivate;
  if (a0 == 100 && (a1 & 0xC0) == 64) return AddressKind::kSharedCgnat;
  if (a0 == 127) return AddressKind::kLoopback;
  if (a0 == 169 && a1 == 254) return AddressKind::kLinkLocal;
  if (a0 == 172 && (a1 & 0xF0) == 16) return AddressKind::kPrivate;
  if (a0 == 192 && a1 == 0 && a2 == 0) return AddressKind::kReserved;  // IETF protocol assignments
  if (a0 == 192 && a1 == 0 && a2 == 2) return AddressKind::kDocumentation;
  if (a0 == 192 && a1 == 88 && a2 == 99) return AddressKind::kReserved;  // 6to4 relay anycast (deprecated)
  if (a0 == 192 && a1 == 168) return AddressKind::kPrivate;
  if (a0 == 198 && (a1 & 0xFE) == 18) return AddressKind::kReserved;  // benchmarking
  if (a0 == 198 && a1 == 51 && a2 == 100) return AddressKind::kDocumentation;
  if (a0 == 203 && a1 == 0 && a2 == 113) return AddressKind::kDocumentation;
  if (a0 == 255 && a1 == 255 && a2 == 255 && b[3] == 255) return AddressKind::kBroadcast;
  if (a0 >= 240) return AddressKind::kReserved;
  if (a0 >= 224) return AddressKind::kMulticast;
  return AddressKind::kGlobal;
}

bool AllZero(const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (b[i]) return false;
  }
  return true;
}

bool HostNameChars(std::string_view host) {
  for (const char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  }
  return !host.empty();
}

struct HostPort {
  std::string host;  // without brackets
  std::optional<uint16_t> port;
};

Result<uint16_t> ParsePort(std::string_view text, const std::string& field) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
    return Error::Invalid(field, "the port must be 1-65535");
  }
  return static_cast<uint16_t>(port);
}

// "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address.
Result<HostPort> ParseHostPort(std::string_view text, const std::string& field) {
  HostPort out;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return Error::Invalid(field, "has an unclosed [IPv6 address]");
    out.host = std::string(text.substr(1, close - 1));
    auto ip = ParseIpLiteral(out.host);
    if (!ip || !ip->v6) return Error::Invalid(field, "has a malformed [IPv6 address]");
    const std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error::Invalid(field, "has a malformed host");
      PARK_ASSIGN_OR_RETURN(out.port, ParsePort(after.substr(1), field));
    }
    return out;
  }
  if (std::count(text.begin(), text.end(), ':') > 1) {  // a bare IPv6 address, no port
    auto ip = ParseIpLiteral(text);
    if (!ip || !ip->v6) return Error::Invalid(field, "has a malformed host (write IPv6 as [address]:port)");
    out.host = std::string(text);
    return out;
  }
  const auto colon = text.find(':');
  out.host = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    PARK_ASSIGN_OR_RETURN(out.port, ParsePort(text.substr(colon + 1), field));
  }
  if (out.host.empty()) return Error::Invalid(field, "has no host");
  if (!HostNameChars(out.host)) return Error::Invalid(field, "has a malformed host name");
  return out;
}

bool SameHost(std::string_view a, std::string_view b) {
  auto ia = ParseIpLiteral(a);
  auto ib = ParseIpLiteral(b);
  if (ia || ib) return ia && ib && ia->v6 == ib->v6 && ia->bytes == ib->bytes;
  return IEquals(StripTrailingDot(a), StripTrailingDot(b));
}

bool LooksLikeSecret(std::string_view segment) {
  if (segment.size() >= 16) return true;
  if (segment.size() < 8) return false;
  for (const char c : segment) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

}  // namespace

std::string_view AddressKindName(AddressKind kind) {
  switch (kind) {
    case AddressKind::kGlobal: return "global";
    case AddressKind::kUnspecified: return "unspecified";
    case AddressKind::kLoopback: return "loopback";
    case AddressKind::kPrivate: return "private";
    case AddressKind::kSharedCgnat: return "shared (CGNAT)";
    case AddressKind::kLinkLocal: return "link-local";
    case AddressKind::kMulticast: return "multicast";
    case AddressKind::kBroadcast: return "broadcast";
    case AddressKind::kDocumentation: return "documentation";
    case AddressKind::kReserved: return "reserved";
  }
  return "reserved";
}

std::optional<IpAddress> ParseIpLiteral(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.find(':') != std::string_view::npos) {
    host = host.substr(0, host.find('%'));  // a zone names the interface, not the address
    if (host.size() > 45) return std::nullopt;
    char buf[64] = {};
    std::memcpy(buf, host.data(), host.size());
    IpAddress a;
    a.v6 = true;
    if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
    return a;
  }
  host = StripTrailingDot(host);
  if (host.empty() || !std::isdigit(static_cast<unsigned char>(host.front()))) return std::nullopt;
  return ParseIpv4Loose(host);
}

AddressKind ClassifyAddress(const IpAddress& address) {
  const uint8_t* b = address.bytes.data();
  if (!address.v6) return ClassifyV4(b);
  if (AllZero(b, 16)) return AddressKind::kUnspecified;
  if (AllZero(b, 15) && b[15] == 1) return AddressKind::kLoopback;
  if (AllZero(b, 10) && b[10] == 0xff && b[11] == 0xff) return ClassifyV4(b + 12);  // IPv4-mapped
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (AllZero(b + 4, 8)) return ClassifyV4(b + 12);  // NAT64 well-known prefix
    if (b[4] == 0 && b[5] == 1) return AddressKind::kPrivate;  // NAT64 local-use 64:ff9b:1::/48
  }
  if (b[0] == 0x00) return AddressKind::kReserved;  // ::/8, IPv4-compatible included
  if (b[0] == 0xff) return AddressKind::kMulticast;
  if (b[0] == 0xfe && (b[1] & 0xC0) == 0x80) return AddressKind::kLinkLocal;
  if (b[0] == 0xfe && (b[1] & 0xC0) == 0xC0) return AddressKind::kPrivate;  // site-local (deprecated)
  if ((b[0] & 0xFE) == 0xfc) return AddressKind::kPrivate;                  // unique local
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return AddressKind::kDocumentation;
  if (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xF0) == 0) return AddressKind::kDocumentation;
  if (b[0] == 0x20 && b[1] == 0x02) return ClassifyV4(b + 2);                           // 6to4
  if (b[0] == 0x20 && b[1] == 0x01 && (b[2] & 0xFE) == 0) return AddressKind::kReserved;  // 2001::/23, Teredo
  if ((b[0] & 0xE0) != 0x20) return AddressKind::kReserved;  // only 2000::/3 is global unicast
  return AddressKind::kGlobal;
}

bool OutboundPolicy::Allows(std::string_view host, uint16_t port) const {
  for (const auto& entry : allow_hosts) {
    auto hp = ParseHostPort(entry, "allow_hosts");
    if (!hp.ok()) continue;  // validated with the configuration; a bad entry allows nothing
    if (hp->port && *hp->port != port) continue;
    if (SameHost(hp->host, host)) return true;
  }
  return false;
}

Status CheckAllowHostEntry(std::string_view entry, const std::string& field) {
  for (const char c : entry) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '/' || c == '@') {
      return Error::Invalid(field, "each entry is a host or host:port (no scheme, path, credentials or spaces)");
    }
  }
  auto hp = ParseHostPort(entry, field);
  if (!hp.ok()) return Error::Invalid(field, "\"" + std::string(entry) + "\" " + hp.error().message);
  return {};
}

Result<OutboundTarget> CheckOutboundUrl(std::string_view url, const OutboundPolicy& policy, const std::string& field) {
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Error::Invalid(field, "must not contain spaces or control characters");
    }
  }
  OutboundTarget t;
  std::string_view rest = url;
  if (IStartsWith(rest, "https://")) {
    t.tls = true;
    rest.remove_prefix(8);
  } else if (IStartsWith(rest, "http://")) {
    rest.remove_prefix(7);
  } else {
    return Error::Invalid(field, "must start with http:// or https://");
  }
  if (url.find(kUrlMask) != std::string_view::npos) {
    return Error::Invalid(field, "contains *** from a masked URL: enter the full URL, or send the masked one unchanged "
                                 "to keep the stored URL");
  }
  rest = rest.substr(0, rest.find('#'));
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) {
    return Error::Invalid(field, "must not contain credentials (user@host)");
  }
  auto hp = ParseHostPort(authority, field);
  if (!hp.ok()) return Error::Invalid(field, "the URL " + hp.error().message);
  t.host = hp->host;
  t.port = hp->port.value_or(t.tls ? 443 : 80);
  if (policy.Allows(t.host, t.port)) return t;
  const std::string allow_hint = "; only public addresses are allowed unless the park admin lists the host in "
                                 "[alarms] webhook_allow_hosts";
  if (auto ip = ParseIpLiteral(t.host)) {
    const AddressKind kind = ClassifyAddress(*ip);
    if (kind != AddressKind::kGlobal) {
      return Error::Invalid(field, "points to a " + std::string(AddressKindName(kind)) + " address (" + t.host + ")" +
                                       allow_hint);
    }
    return t;
  }
  const std::string_view name = StripTrailingDot(t.host);
  if (IEquals(name, "localhost") ||
      (name.size() > 10 && IEquals(name.substr(name.size() - 10), ".localhost"))) {
    return Error::Invalid(field, "points to localhost (loopback)" + allow_hint);
  }
  return t;
}

std::string MaskUrlSecrets(std::string_view url) {
  std::string out;
  std::string_view rest = url;
  if (IStartsWith(rest, "https://")) {
    out = "https://";
    rest.remove_prefix(8);
  } else if (IStartsWith(rest, "http://")) {
    out = "http://";
    rest.remove_prefix(7);
  } else {
    return std::string(kUrlMask);
  }
  rest = rest.substr(0, rest.find('#'));
  const auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    out.append(kUrlMask).append("@");
    authority.remove_prefix(at + 1);
  }
  out.append(authority);
  if (authority_end == std::string_view::npos) return out;
  rest.remove_prefix(authority_end);
  const auto q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  while (!path.empty()) {  // path starts with '/'
    path.remove_prefix(1);
    out += '/';
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    out.append(LooksLikeSecret(segment) ? kUrlMask : segment);
    path.remove_prefix(segment.size());
  }
  if (q == std::string_view::npos) return out;
  std::string_view query = rest.substr(q + 1);
  out += '?';
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = param.find('=');
    if (eq != std::string_view::npos) {
      out.append(param.substr(0, eq + 1));
      if (eq + 1 < param.size()) out.append(kUrlMask);
    } else if (!param.empty()) {
      out.append(kUrlMask);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace park
