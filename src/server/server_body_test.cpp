// How the server reads request bodies: large bodies of known length are read straight into the request (a few
// large reads rather than one per few hundred bytes), small and chunked ones through Beast's parser. Either way
// the handler must see exactly the bytes sent, however the client splits them, and pipelined requests must stay
// apart. Runs the real server on loopback.
#include <chrono>
#include <string>
#include <thread>

#include "park/http/route_builder.hpp"
#include "server/test_server.hpp"

namespace park::server {
namespace {

// FNV-1a of the body, so a response can prove the handler saw every byte in order.
uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : s) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return h;
}

std::string Describe(std::string_view body) {
  return std::to_string(body.size()) + ":" + std::to_string(Fnv(body));
}

using testing::ReadToClose;
using testing::SendAll;

// Our server with a public POST /echo that answers with the length and hash of the body it received.
class EchoServer : public testing::TestServer {
 public:
  explicit EchoServer(size_t max_body_bytes = 1 << 20, int request_timeout_s = 30)
      : TestServer(
            [](http::Router& router) {
              router.Add(http::MakeRoute("test", http::Method::kPost, "/echo", /*roles: open*/ {}, "describes the body",
                                         [](const http::Request& r) {
                                           return http::Response::Text(Describe(r.body), "text/plain");
                                         }));
            },
            Limits(max_body_bytes, request_timeout_s)) {}

 private:
  static Options Limits(size_t max_body_bytes, int request_timeout_s) {
    Options opt;
    opt.threads = 2;
    opt.max_body_bytes = max_body_bytes;
    opt.request_timeout_s = request_timeout_s;
    return opt;
  }
};

std::string Request(std::string_view body, bool close) {
  std::string r = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n";
  if (close) r += "Connection: close\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  r += body;
  return r;
}

// Line-protocol-like text of about `bytes` bytes, different at every position.
std::string Body(size_t bytes, int seed) {
  std::string s;
  s.reserve(bytes + 64);
  for (int i = 0; s.size() < bytes; ++i) {
    s += "equipment,asset=P-" + std::to_string(seed * 100000 + i) + " temp=" + std::to_string(i % 97) + ".5\n";
  }
  s.resize(bytes);
  return s;
}

size_t Count(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

TEST(ServerBody, BodiesOfEverySizeArriveWhole) {
  EchoServer server;
  // Below, at and above the size from which bodies are read directly, and a gateway batch of 600 KB.
  for (const size_t size : {0ul, 1ul, 16383ul, 16384ul, 16385ul, 65536ul, 600'000ul}) {
    const std::string body = Body(size, 1);
    const std::string response = server.Exchange(Request(body, true));
    EXPECT_EQ(response.substr(0, 12), "HTTP/1.1 200") << size;
    EXPECT_NE(response.find("\r\n\r\n" + Describe(body)), std::string::npos) << size << "\n" << response.substr(0, 300);
  }
}

TEST(ServerBody, ABodySentInSmallPiecesArrivesWhole) {
  EchoServer server;
  const std::string body = Body(200'000, 2);
  const std::string request = Request(body, true);
  const int fd = server.Connect();
  ASSERT_GE(fd, 0);
  // The header and the body's first bytes together, then the rest in pieces with pauses between them.
  size_t sent = 0;
  for (size_t piece : {150ul, 1ul, 7000ul, 33333ul}) {
    ASSERT_TRUE(SendAll(fd, std::string_view(request).substr(sent, piece)));
    sent += piece;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(SendAll(fd, std::string_view(request).substr(sent)));
  const std::string response = ReadToClose(fd);
  ::close(fd);
  EXPECT_NE(response.find("\r\n\r\n" + Describe(body)), std::string::npos) << response.substr(0, 300);
}

TEST(ServerBody, PipelinedRequestsAfterALargeBodyStayApart) {
  EchoServer server;
  const std::string large = Body(300'000, 3);
  const std::string small = Body(100, 4);
  const std::string large2 = Body(50'000, 5);
  // All three in one stream, so the first read holds the end of one request and the start of the next.
  const std::string responses = server.Exchange(Request(large, false) + Request(small, false) + Request(large2, true));
  EXPECT_EQ(Count(responses, "HTTP/1.1 200"), 3u) << responses;
  const size_t a = responses.find(Describe(large));
  const size_t b = responses.find(Describe(small));
  const size_t c = responses.find(Describe(large2));
  ASSERT_NE(a, std::string::npos) << responses;
  ASSERT_NE(b, std::string::npos) << responses;
  ASSERT_NE(c, std::string::npos) << responses;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST(ServerBody, ChunkedBodiesStillGoThroughTheParser) {
  EchoServer server;
  const std::string body = Body(100'000, 6);
  std::string request = "POST /echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t pos = 0; pos < body.size(); pos += 30'000) {
    const std::string chunk = body.substr(pos, 30'000);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    request += size + chunk + "\r\n";
  }
  request += "0\r\n\r\n";
  const std::string response = server.Exchange(request);
  EXPECT_NE(response.find("\r\n\r\n" + Describe(body)), std::string::npos) << response.substr(0, 300);
}

TEST(ServerBody, AnOversizedBodyIsRefusedFromItsHeader) {
  EchoServer server(/*max_body_bytes=*/100'000);
  // Only the header is sent: the 413 must come without waiting for a body that is never read.
  const std::string response = server.Exchange("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100001\r\n\r\n");
  EXPECT_EQ(response.substr(0, 12), "HTTP/1.1 413") << response;
  EXPECT_NE(response.find("request body is larger than 100000 bytes"), std::string::npos) << response;
}

TEST(ServerBody, AClientThatStopsMidBodyIsDroppedAndOthersAreServed) {
  EchoServer server(1 << 20, /*request_timeout_s=*/1);
  const std::string body = Body(100'000, 7);
  const std::string request = Request(body, true);
  // One client goes away half-way through its body; another falls silent half-way through.
  const int gone = server.Connect();
  ASSERT_GE(gone, 0);
  ASSERT_TRUE(SendAll(gone, std::string_view(request).substr(0, request.size() / 2)));
  ::close(gone);
  const int silent = server.Connect();
  ASSERT_GE(silent, 0);
  ASSERT_TRUE(SendAll(silent, std::string_view(request).substr(0, request.size() / 2)));
  const auto start = std::chrono::steady_clock::now();
  const std::string nothing = ReadToClose(silent);  // the server closes it when the request deadline passes
  const auto waited = std::chrono::steady_clock::now() - start;
  ::close(silent);
  EXPECT_EQ(nothing, "");
  EXPECT_LT(waited, std::chrono::seconds(4));
  const std::string response = server.Exchange(request);
  EXPECT_NE(response.find("\r\n\r\n" + Describe(body)), std::string::npos) << response.substr(0, 300);
}

}  // namespace
}  // namespace park::server
