#include "park/server/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "park/http/route_builder.hpp"
#include "park/server/server.hpp"
#include "server/test_server.hpp"

namespace park::server {
namespace {

using namespace std::chrono_literals;

// These tests talk to servers of their own on loopback, which the default policy refuses: allow it explicitly.
const OutboundPolicy kLoopback{{"127.0.0.1", "localhost", "::1"}};

// Our own server on 127.0.0.1:0 with a public POST /hook that records what it received.
class HookServer {
 public:
  explicit HookServer(std::string tls_cert_file = {}, std::string tls_key_file = {})
      : server_([this](http::Router& router) { AddHook(router); }, Tls(std::move(tls_cert_file), std::move(tls_key_file))) {}

  std::string Url(const std::string& path, const std::string& scheme = "http") const {
    return scheme + "://" + server_.BoundAddress() + path;
  }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }

  mutable std::mutex mu_;
  std::vector<std::string> bodies_, content_types_, hosts_, targets_;

 private:
  void AddHook(http::Router& router) {
    router.Add(
        http::MakeRoute("test", http::Method::kPost, "/hook", {}, "records the body", [this](const http::Request& req) {
          std::lock_guard lock(mu_);
          bodies_.push_back(req.body);
          content_types_.emplace_back(req.Header("content-type").value_or(""));
          hosts_.emplace_back(req.Header("host").value_or(""));
          targets_.emplace_back(req.Query("access_token").value_or(""));
          return http::Response::FromJson(Json{{"errcode", 0}, {"errmsg", "ok"}});
        }));
  }
  static Options Tls(std::string cert_file, std::string key_file) {
    Options opt;
    opt.threads = 1;
    opt.access_log = false;
    opt.tls_cert_file = std::move(cert_file);
    opt.tls_key_file = std::move(key_file);
    return opt;
  }

  testing::TestServer server_;  // last: its routes record into the members above
};

// A port with nothing listening: bind, read the port, close.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

TEST(PostJson, PostsTheBodyToOurServer) {
  HookServer server;
  const std::string body = R"({"msgtype":"text","text":{"content":"锅炉 2 号 SO₂ 超标"}})";
  auto r = PostJson(server.Url("/hook?access_token=abc123"), body, 5000, kLoopback);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"errcode":0,"errmsg":"ok"})");
  std::lock_guard lock(server.mu_);
  ASSERT_EQ(server.bodies_.size(), 1u);
  EXPECT_EQ(server.bodies_[0], body);
  EXPECT_EQ(server.content_types_[0], "application/json; charset=utf-8");
  EXPECT_EQ(server.targets_[0], "abc123");
  EXPECT_EQ(server.hosts_[0].rfind("127.0.0.1:", 0), 0u);
}

TEST(PostJson, ReturnsErrorStatusesAsValues) {
  HookServer server;
  auto r = PostJson(server.Url("/no-such-hook"), "{}", 5000, kLoopback);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("no such endpoint"), std::string::npos);
  EXPECT_TRUE(server.bodies().empty());
}

TEST(PostJson, RejectsBadUrls) {
  for (const char* url :
       {"", "example.com/hook", "ftp://example.com/", "http://", "http:///path", "http://:80/", "http://host:99999/",
        "http://host:0/", "http://host:/", "http://host:8x/", "http://user:pw@host/", "http://ho st/",
        "http://host/a b", "http://host/\r\nX: y", "http://[::1/", "http://[zz]/", "http://a:b:c/", "http://ho%st/"}) {
    auto r = PostJson(url, "{}", 1000);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(r.error().field, "url") << url;
  }
  auto r = PostJson("http://127.0.0.1:1/", "{}", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "timeout_ms");
}

TEST(PostJson, RefusesNonPublicTargetsUnlessAllowed) {
  HookServer server;
  const std::string port = server.Url("").substr(server.Url("").rfind(':') + 1);
  for (const std::string host : {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "localhost"}) {
    auto r = PostJson("http://" + host + ":" + port + "/hook?access_token=SECRET", "{}", 2000);
    ASSERT_FALSE(r.ok()) << host;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << host;
    EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(server.bodies().empty());
  // An allowed host:port passes; the same host on another port does not.
  auto allowed = PostJson(server.Url("/hook"), "{}", 2000, OutboundPolicy{{"127.0.0.1:" + port}});
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  auto other_port = PostJson("http://127.0.0.1:1/hook", "{}", 2000, OutboundPolicy{{"127.0.0.1:" + port}});
  ASSERT_FALSE(other_port.ok());
  EXPECT_EQ(other_port.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(server.bodies().size(), 1u);
}

// A host name is judged by the addresses it resolves to, at delivery time. This machine's own name usually resolves
// to loopback (/etc/hosts); where it does not, the case cannot be made without a DNS server of our own.
TEST(PostJson, RefusesANameThatResolvesToLoopback) {
  char name[256] = {};
  ASSERT_EQ(::gethostname(name, sizeof name - 1), 0);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  bool all_loopback = ::getaddrinfo(name, nullptr, &hints, &res) == 0;
  for (addrinfo* p = res; all_loopback && p; p = p->ai_next) {
    all_loopback = p->ai_family == AF_INET
                       ? (ntohl(reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr.s_addr) >> 24) == 127
                       : p->ai_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
  }
  if (res) ::freeaddrinfo(res);
  if (!all_loopback) GTEST_SKIP() << name << " does not resolve to loopback only here";
  HookServer server;
  const std::string port = server.Url("").substr(server.Url("").rfind(':') + 1);
  auto r = PostJson("http://" + std::string(name) + ":" + port + "/hook", "{}", 2000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << r.error().message;
  EXPECT_NE(r.error().message.find("loopback"), std::string::npos) << r.error().message;
  EXPECT_TRUE(server.bodies().empty());
  // Allowing the name (not the address it resolves to) lets it through.
  auto allowed = PostJson("http://" + std::string(name) + ":" + port + "/hook", "{}", 2000, OutboundPolicy{{name}});
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_EQ(server.bodies().size(), 1u);
}

TEST(PostJson, ConnectionRefusedIsUnavailable) {
  const std::string origin = "http://127.0.0.1:" + std::to_string(FreePort());
  auto r = PostJson(origin + "/robot/send?access_token=SECRET", "{}", 2000, kLoopback);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find(origin), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
}

TEST(PostJson, TimesOutAgainstAServerThatNeverAnswers) {
  // Listening, so the connection completes in the backlog, but nothing ever accepts or answers.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  const std::string base = "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));
  for (const std::string scheme : {"http://", "https://"}) {  // https: stuck in the TLS handshake
    const auto start = std::chrono::steady_clock::now();
    auto r = PostJson(scheme + base + "/hook", "{}", 300, kLoopback);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.ok()) << scheme;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << scheme;
    EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
    EXPECT_GE(elapsed, 250ms) << scheme;
    EXPECT_LT(elapsed, 3s) << scheme;
  }
  ::close(fd);
}

TEST(PostJson, TlsToAPlainHttpServerFails) {
  HookServer server;
  std::string url = server.Url("/hook");
  url.replace(0, 4, "https");
  auto r = PostJson(url, "{}", 2000, kLoopback);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos) << r.error().message;
  EXPECT_TRUE(server.bodies().empty());
}

TEST(PostJson, ResolvesHostNames) {
  HookServer server;
  std::string url = server.Url("/hook");
  url.replace(url.find("127.0.0.1"), 9, "localhost");
  auto r = PostJson(url, R"({"a":1})", 3000, kLoopback);
  // localhost may resolve to ::1 first; the connect falls through to 127.0.0.1.
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

// A self-signed certificate for DNS name "localhost" only (not for the IP 127.0.0.1), written as PEM files.
struct SelfSignedCert {
  std::string cert_file, key_file;

  SelfSignedCert() {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string stem = "park_http_client_test_" + std::to_string(::getpid());
    cert_file = (dir / (stem + ".crt")).string();
    key_file = (dir / (stem + ".key")).string();
    EVP_PKEY* key = EVP_EC_gen("prime256v1");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost");
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(x, key, EVP_sha256());
    FILE* f = std::fopen(cert_file.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key_file.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
  }
  ~SelfSignedCert() {
    std::remove(cert_file.c_str());
    std::remove(key_file.c_str());
  }
};

TEST(PostJson, VerifiesTheServerCertificateAndHostName) {
  SelfSignedCert cert;
  HookServer server(cert.cert_file, cert.key_file);
  std::string localhost_url = server.Url("/hook", "https");
  localhost_url.replace(localhost_url.find("127.0.0.1"), 9, "localhost");

  // Not signed by any CA in the system store.
  auto untrusted = PostJson(localhost_url, "{}", 3000, kLoopback);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(untrusted.error().message.find("certificate verify failed"), std::string::npos)
      << untrusted.error().message;

  // Trusted (OpenSSL reads SSL_CERT_FILE for its default verify paths) and the name matches: delivered.
  const char* previous = std::getenv("SSL_CERT_FILE");
  const std::string saved = previous ? previous : "";
  ::setenv("SSL_CERT_FILE", cert.cert_file.c_str(), 1);
  auto trusted = PostJson(localhost_url, R"({"tls":true})", 3000, kLoopback);
  // A body large enough for the server to read it straight into the request, through TLS.
  std::string large = R"({"values":[)";
  while (large.size() < 300'000) large += "81.25,";
  large += "0]}";
  auto trusted_large = PostJson(localhost_url, large, 5000, kLoopback);
  // Trusted, but the certificate does not name 127.0.0.1: refused.
  auto wrong_name = PostJson(server.Url("/hook", "https"), "{}", 3000, kLoopback);
  if (previous) {
    ::setenv("SSL_CERT_FILE", saved.c_str(), 1);
  } else {
    ::unsetenv("SSL_CERT_FILE");
  }
  ASSERT_TRUE(trusted.ok()) << trusted.error().message;
  EXPECT_EQ(trusted->status, 200);
  ASSERT_TRUE(trusted_large.ok()) << trusted_large.error().message;
  EXPECT_EQ(trusted_large->status, 200);
  ASSERT_FALSE(wrong_name.ok());
  EXPECT_EQ(wrong_name.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(wrong_name.error().message.find("certificate verify failed"), std::string::npos)
      << wrong_name.error().message;
  EXPECT_EQ(server.bodies(), (std::vector<std::string>{R"({"tls":true})", large}));
}

}  // namespace
}  // namespace park::server
