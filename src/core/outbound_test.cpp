#include "park/core/outbound.hpp"

#include <gtest/gtest.h>

namespace park {
namespace {

TEST(Outbound, ClassifiesEverySpellingOfAnAddress) {
  struct Case {
    std::string_view host;
    std::optional<AddressKind> want;  // nullopt: not numeric (a host name, or malformed)
  };
  using K = AddressKind;
  const Case cases[] = {
      // Loopback in the forms inet_aton and getaddrinfo accept.
      {"127.0.0.1", K::kLoopback},
      {"127.1", K::kLoopback},
      {"127.0.1", K::kLoopback},
      {"2130706433", K::kLoopback},
      {"0x7f000001", K::kLoopback},
      {"0X7F.0.0.1", K::kLoopback},
      {"0177.0.0.1", K::kLoopback},
      {"017700000001", K::kLoopback},
      {"127.0.0.1.", K::kLoopback},
      {"::1", K::kLoopback},
      {"[::1]", K::kLoopback},
      {"0:0:0:0:0:0:0:1", K::kLoopback},
      {"::ffff:127.0.0.1", K::kLoopback},
      {"[::ffff:7f00:1]", K::kLoopback},
      {"64:ff9b::127.0.0.1", K::kLoopback},
      {"2002:7f00:1::", K::kLoopback},
      // The rest of the non-global space.
      {"0.0.0.0", K::kUnspecified},
      {"0", K::kUnspecified},
      {"::", K::kUnspecified},
      {"10.0.0.1", K::kPrivate},
      {"172.16.0.1", K::kPrivate},
      {"172.31.255.255", K::kPrivate},
      {"192.168.1.1", K::kPrivate},
      {"fc00::1", K::kPrivate},
      {"fd12:3456::1", K::kPrivate},
      {"fec0::1", K::kPrivate},
      {"64:ff9b:1::1", K::kPrivate},
      {"::ffff:10.1.2.3", K::kPrivate},
      {"100.64.0.1", K::kSharedCgnat},
      {"100.127.255.255", K::kSharedCgnat},
      {"169.254.169.254", K::kLinkLocal},
      {"0xa9fea9fe", K::kLinkLocal},
      {"fe80::1", K::kLinkLocal},
      {"fe80::1%eth0", K::kLinkLocal},
      {"224.0.0.1", K::kMulticast},
      {"239.255.255.250", K::kMulticast},
      {"ff02::1", K::kMulticast},
      {"255.255.255.255", K::kBroadcast},
      {"240.0.0.1", K::kReserved},
      {"192.0.0.8", K::kReserved},
      {"198.18.0.1", K::kReserved},
      {"::7f00:1", K::kReserved},  // IPv4-compatible (deprecated)
      {"2001::1", K::kReserved},   // Teredo
      {"100::1", K::kReserved},
      {"192.0.2.1", K::kDocumentation},
      {"198.51.100.7", K::kDocumentation},
      {"203.0.113.9", K::kDocumentation},
      {"2001:db8::1", K::kDocumentation},
      // Global.
      {"8.8.8.8", K::kGlobal},
      {"100.128.0.1", K::kGlobal},
      {"172.32.0.1", K::kGlobal},
      {"203.119.169.1", K::kGlobal},
      {"2400:3200::1", K::kGlobal},
      {"::ffff:8.8.8.8", K::kGlobal},
      {"2002:808:808::1", K::kGlobal},
      // Not numeric.
      {"oapi.dingtalk.com", std::nullopt},
      {"localhost", std::nullopt},
      {"256.0.0.1", std::nullopt},
      {"1.2.3.4.5", std::nullopt},
      {"08.0.0.1", std::nullopt},
      {"4294967296", std::nullopt},
      {"1..1", std::nullopt},
      {"1.2.3.256", std::nullopt},
      {"::1::", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto ip = ParseIpLiteral(c.host);
    ASSERT_EQ(ip.has_value(), c.want.has_value()) << c.host;
    if (ip) {
      EXPECT_EQ(AddressKindName(ClassifyAddress(*ip)), AddressKindName(*c.want)) << c.host;
    }
  }
}

TEST(Outbound, SaveTimeCheckRefusesNonPublicTargets) {
  struct Case {
    std::string_view url;
    bool ok;
    std::string_view reason;  // part of the message when refused
  };
  const Case cases[] = {
      {"https://oapi.dingtalk.com/robot/send?access_token=abc", true, ""},
      {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", true, ""},
      {"http://8.8.8.8:8080/hook", true, ""},
      {"http://[2400:3200::1]/hook", true, ""},
      {"http://127.0.0.1:9000/robot", false, "loopback"},
      {"http://169.254.169.254/latest/meta-data", false, "link-local"},
      {"http://[::1]/", false, "loopback"},
      {"http://0x7f000001/", false, "loopback"},
      {"http://2130706433/", false, "loopback"},
      {"http://127.1/", false, "loopback"},
      {"http://10.0.0.1/", false, "private"},
      {"http://192.168.1.1/", false, "private"},
      {"http://[::ffff:127.0.0.1]/", false, "loopback"},
      {"http://224.0.0.1/", false, "multicast"},
      {"http://100.64.1.1/", false, "CGNAT"},
      {"http://[fd00::1]:8080/", false, "private"},
      {"http://0.0.0.0/", false, "unspecified"},
      {"http://localhost:8080/", false, "localhost"},
      {"http://api.LOCALHOST./", false, "localhost"},
      {"http://user:pw@example.com/", false, "credentials"},
      {"http://example.com@127.0.0.1/", false, "credentials"},
      {"ftp://example.com/", false, "http://"},
      {"http:///path", false, "no host"},
      {"http://exa mple.com/", false, "spaces"},
      {"http://example.com:0/", false, "port"},
      {"http://example.com:99999/", false, "port"},
      {"http://ex\\ample.com/", false, "malformed"},
      {"https://oapi.dingtalk.com/robot/send?access_token=***", false, "masked"},
  };
  for (const auto& c : cases) {
    auto r = CheckOutboundUrl(c.url, {}, "webhook_url");
    EXPECT_EQ(r.ok(), c.ok) << c.url;
    if (!r.ok()) {
      EXPECT_EQ(r.error().field, "webhook_url") << c.url;
      EXPECT_NE(r.error().message.find(c.reason), std::string::npos) << c.url << ": " << r.error().message;
    }
  }
}

TEST(Outbound, AllowedHostsPassWithTheirPort) {
  OutboundPolicy policy{{"127.0.0.1:9000", "hooks.internal", "[::1]:8443", "LocalHost"}};
  struct Case {
    std::string_view url;
    bool ok;
  };
  const Case cases[] = {
      {"http://127.0.0.1:9000/x", true},   {"http://127.1:9000/x", true},  {"http://127.0.0.1:9001/x", false},
      {"http://hooks.internal/x", true},   {"http://HOOKS.internal:81/", true}, {"https://[::1]:8443/", true},
      {"https://[::1]/", false},           {"http://localhost:5/", true},  {"http://10.0.0.1/", false},
  };
  for (const auto& c : cases) EXPECT_EQ(CheckOutboundUrl(c.url, policy, "webhook_url").ok(), c.ok) << c.url;
  EXPECT_TRUE(policy.Allows("hooks.internal.", 443));
  EXPECT_FALSE(policy.Allows("evil.hooks.internal", 443));
}

TEST(Outbound, AllowHostEntriesAreValidated) {
  for (std::string_view good : {"127.0.0.1", "127.0.0.1:9000", "hooks.internal", "[::1]:80", "::1", "a-b_c.d"}) {
    EXPECT_TRUE(CheckAllowHostEntry(good, "alarms.webhook_allow_hosts").ok()) << good;
  }
  for (std::string_view bad : {"", "http://x", "x:0", "x:70000", "a b", "u@x", "[::1", "[zz]:80", "x/y", "x:"}) {
    auto st = CheckAllowHostEntry(bad, "alarms.webhook_allow_hosts");
    EXPECT_FALSE(st.ok()) << bad;
    if (!st.ok()) {
      EXPECT_EQ(st.error().field, "alarms.webhook_allow_hosts");
    }
  }
}

TEST(Outbound, MasksSecretsButKeepsWhereItGoes) {
  struct Case {
    std::string_view url;
    std::string want;
  };
  const Case cases[] = {
      {"https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef",
       "https://oapi.dingtalk.com/robot/send?access_token=***"},
      {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"},
      {"https://open.feishu.cn/open-apis/bot/v2/hook/0f5b3e6c-1234-4a6b-9c1d-abcdef012345",
       "https://open.feishu.cn/open-apis/bot/v2/hook/***"},
      {"https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX",
       "https://hooks.slack.com/services/***/***/***"},
      {"http://example.com:8080/alarm?a=1&b=&c#frag", "http://example.com:8080/alarm?a=***&b=&***"},
      {"http://user:pw@example.com/x", "http://***@example.com/x"},
      {"http://example.com", "http://example.com"},
      {"not a url with a token", "***"},
  };
  for (const auto& c : cases) EXPECT_EQ(MaskUrlSecrets(c.url), c.want) << c.url;
}

}  // namespace
}  // namespace park
