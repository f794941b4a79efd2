#include "park/server/tcp_listener.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace park::server {
namespace {

using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

// A blocking POSIX client with a receive timeout, so that a bug shows as a failure rather than a hang.
class Client {
 public:
  // rcvbuf_bytes > 0 caps the receive buffer (set before connect, so the kernel does not autotune it).
  explicit Client(const std::string& address, int rcvbuf_bytes = 0) {
    const auto colon = address.rfind(':');
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
    inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (rcvbuf_bytes > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
  }
  ~Client() { Close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until `want` bytes arrived; stops early at EOF, error or timeout.
  std::string Receive(size_t want) {
    std::string out;
    char buf[4096];
    while (out.size() < want) {
      const ssize_t n = ::recv(fd_, buf, std::min(sizeof buf, want - out.size()), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool SeesClose() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct Counters {
  std::atomic<int> made{0};
  std::atomic<int> closed{0};
};

// Line protocol: "echo: <line>\n" for each complete line; "quit" ends the connection; "boom" throws;
// "big" answers with 1 KB.
class LineSession : public TcpSession {
 public:
  explicit LineSession(Counters& c) : c_(c) {}
  std::optional<std::string> OnBytes(std::string_view bytes) override {
    buffer_.append(bytes);
    std::string out;
    size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
      const std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (line == "quit") return std::nullopt;
      if (line == "boom") throw std::runtime_error("boom");
      out += line == "big" ? std::string(1024, 'b') : "echo: " + line + "\n";
    }
    return out;
  }
  void OnClose() override { ++c_.closed; }

 private:
  Counters& c_;
  std::string buffer_;
};

SessionFactory LineFactory(Counters& c) {
  return [&c](const std::string& remote) -> std::unique_ptr<TcpSession> {
    EXPECT_EQ(remote.rfind("127.0.0.1:", 0), 0u) << remote;
    ++c.made;
    return std::make_unique<LineSession>(c);
  };
}

TEST(TcpListener, EchoesLinesSplitAcrossReads) {
  Counters c;
  TcpListener listener({}, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  EXPECT_EQ(listener.BoundAddress().rfind("127.0.0.1:", 0), 0u);
  Client client(listener.BoundAddress());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("hello\nwor"));
  EXPECT_EQ(client.Receive(12), "echo: hello\n");
  ASSERT_TRUE(client.Send("ld\nagain\n"));
  EXPECT_EQ(client.Receive(24), "echo: world\necho: again\n");
  EXPECT_EQ(listener.open_connections(), 1u);
  client.Close();
  EXPECT_TRUE(WaitFor([&] { return listener.open_connections() == 0 && c.closed == 1; }));
  EXPECT_EQ(c.made, 1);
}

TEST(TcpListener, RepliesGoOutInOrder) {
  Counters c;
  TcpListener listener({}, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  Client client(listener.BoundAddress());
  std::string sent, expected;
  for (int i = 0; i < 2000; ++i) {
    sent += std::to_string(i) + "\n";
    expected += "echo: " + std::to_string(i) + "\n";
  }
  ASSERT_TRUE(client.Send(sent));
  EXPECT_EQ(client.Receive(expected.size()), expected);
}

TEST(TcpListener, ServesAThousandConcurrentConnections) {
  constexpr size_t kClients = 1000;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 2 * kClients + 100) GTEST_SKIP() << "needs " << 2 * kClients + 100 << " file descriptors";
  Counters c;
  TcpListener listener({}, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  std::vector<std::unique_ptr<Client>> clients;
  for (size_t i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(listener.BoundAddress()));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  ASSERT_TRUE(WaitFor([&] { return listener.open_connections() == kClients; })) << listener.open_connections();
  for (size_t i = 0; i < kClients; ++i) ASSERT_TRUE(clients[i]->Send(std::to_string(i) + "\n"));
  for (size_t i = 0; i < kClients; ++i) {
    const std::string want = "echo: " + std::to_string(i) + "\n";
    ASSERT_EQ(clients[i]->Receive(want.size()), want);
  }
  EXPECT_EQ(c.made, static_cast<int>(kClients));
  clients.clear();
  EXPECT_TRUE(WaitFor([&] { return listener.open_connections() == 0; })) << listener.open_connections();
  EXPECT_EQ(c.closed, static_cast<int>(kClients));
}

TEST(TcpListener, ClosesIdleConnectionsButNotActiveOnes) {
  Counters c;
  TcpListenerOptions opt;
  opt.idle_timeout_s = 1;
  TcpListener listener(opt, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  Client idle(listener.BoundAddress());
  Client active(listener.BoundAddress());
  // The active one speaks every 400 ms for 1.6 s, past the 1 s timeout.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(400ms);
    ASSERT_TRUE(active.Send("ping\n"));
    ASSERT_EQ(active.Receive(11), "echo: ping\n") << i;
  }
  EXPECT_TRUE(idle.SeesClose());
  EXPECT_TRUE(WaitFor([&] { return listener.open_connections() == 1; }));
  EXPECT_TRUE(active.SeesClose());  // silent from now on: closed after another second
  EXPECT_TRUE(WaitFor([&] { return listener.open_connections() == 0 && c.closed == 2; }));
}

TEST(TcpListener, RefusesConnectionsOverTheLimit) {
  Counters c;
  TcpListenerOptions opt;
  opt.max_connections = 2;
  TcpListener listener(opt, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  Client a(listener.BoundAddress());
  Client b(listener.BoundAddress());
  ASSERT_TRUE(WaitFor([&] { return listener.open_connections() == 2; }));
  Client refused(listener.BoundAddress());
  EXPECT_TRUE(refused.SeesClose());
  EXPECT_EQ(listener.open_connections(), 2u);
  EXPECT_EQ(c.made, 2);
  ASSERT_TRUE(a.Send("still\n"));
  EXPECT_EQ(a.Receive(12), "echo: still\n");
  // A slot freed is a slot available again.
  b.Close();
  ASSERT_TRUE(WaitFor([&] { return listener.open_connections() == 1; }));
  Client d(listener.BoundAddress());
  ASSERT_TRUE(d.Send("new\n"));
  EXPECT_EQ(d.Receive(10), "echo: new\n");
}

TEST(TcpListener, StopClosesLiveConnections) {
  Counters c;
  auto listener = std::make_unique<TcpListener>(TcpListenerOptions{}, LineFactory(c));
  ASSERT_TRUE(listener->Start().ok());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(std::make_unique<Client>(listener->BoundAddress()));
  ASSERT_TRUE(WaitFor([&] { return listener->open_connections() == 10; }));
  ASSERT_TRUE(clients[0]->Send("big\n"));  // one with output in flight
  listener->Stop();
  EXPECT_EQ(listener->open_connections(), 0u);
  EXPECT_EQ(c.closed, 10);
  for (auto& client : clients) {
    client->Receive(1024);  // drain what was sent before the stop
    EXPECT_TRUE(client->SeesClose());
  }
  listener->Stop();                      // idempotent
  EXPECT_FALSE(listener->Start().ok());  // a stopped listener stays stopped
  listener.reset();
  EXPECT_EQ(c.closed, 10);
}

TEST(TcpListener, StopWithoutStartAndDestructorStop) {
  Counters c;
  { TcpListener never_started({}, LineFactory(c)); }
  TcpListener stopped_early({}, LineFactory(c));
  stopped_early.Stop();
  EXPECT_FALSE(stopped_early.Start().ok());
  {
    TcpListener running({}, LineFactory(c));
    ASSERT_TRUE(running.Start().ok());
    Client client(running.BoundAddress());
    ASSERT_TRUE(WaitFor([&] { return running.open_connections() == 1; }));
  }  // destructor stops with a live connection
  EXPECT_EQ(c.closed, 1);
}

TEST(TcpListener, SessionReturningNulloptCloses) {
  Counters c;
  TcpListener listener({}, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  Client client(listener.BoundAddress());
  // The reply to "one" is produced in the same call as the quit, so nothing at all is flushed.
  ASSERT_TRUE(client.Send("one\nquit\n"));
  EXPECT_TRUE(client.SeesClose());
  EXPECT_TRUE(WaitFor([&] { return listener.open_connections() == 0 && c.closed == 1; }));
}

TEST(TcpListener, SessionThatThrowsIsClosedAndListenerKeepsServing) {
  Counters c;
  TcpListener listener({}, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());
  Client bad(listener.BoundAddress());
  ASSERT_TRUE(bad.Send("boom\n"));
  EXPECT_TRUE(bad.SeesClose());
  Client good(listener.BoundAddress());
  ASSERT_TRUE(good.Send("fine\n"));
  EXPECT_EQ(good.Receive(11), "echo: fine\n");
}

TEST(TcpListener, FactoryReturningNullRefusesTheConnection) {
  std::atomic<int> asked{0};
  TcpListener listener({}, [&](const std::string&) -> std::unique_ptr<TcpSession> {
    ++asked;
    return nullptr;
  });
  ASSERT_TRUE(listener.Start().ok());
  Client client(listener.BoundAddress());
  EXPECT_TRUE(client.SeesClose());
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(listener.open_connections(), 0u);
}

TEST(TcpListener, DropsAPeerThatDoesNotReadItsReplies) {
  Counters c;
  TcpListenerOptions opt;
  opt.max_pending_output = 64 * 1024;
  TcpListener listener(opt, LineFactory(c));
  ASSERT_TRUE(listener.Start().ok());

  // A reader with the same traffic is fine.
  Client reader(listener.BoundAddress());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(reader.Send("big\n"));
    ASSERT_EQ(reader.Receive(1024).size(), 1024u) << i;
  }

  // 1 KB per 4-byte request; with a 4 KB receive buffer the replies back up in the kernel and then in the
  // listener, which drops the peer once more than 64 KB wait for it.
  Client sink(listener.BoundAddress(), 4096);
  ASSERT_TRUE(WaitFor([&] { return listener.open_connections() == 2; }));
  // Paced, so that each read carries a few requests and no single burst of replies exceeds the limit: the drop
  // comes from replies piling up unread, not from one large answer.
  size_t requests = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (listener.open_connections() == 2 && std::chrono::steady_clock::now() < deadline) {
    if (!sink.Send("big\nbig\nbig\nbig\n")) break;  // reset by the listener
    requests += 4;
    std::this_thread::sleep_for(200us);
  }
  EXPECT_TRUE(WaitFor([&] { return listener.open_connections() == 1; })) << listener.open_connections();
  EXPECT_GT(requests, opt.max_pending_output / 1024) << "dropped before its replies could pile up";
  EXPECT_EQ(c.closed, 1);
  // The reader is untouched.
  ASSERT_TRUE(reader.Send("after\n"));
  EXPECT_EQ(reader.Receive(12), "echo: after\n");
}

TEST(TcpListener, StartReportsBadAddressAndPortInUse) {
  Counters c;
  for (const char* bad : {"127.0.0.1", "localhost:0", "127.0.0.1:70000", "127.0.0.1:x", "1.2.3:0"}) {
    TcpListenerOptions opt;
    opt.listen = bad;
    TcpListener listener(opt, LineFactory(c));
    const Status s = listener.Start();
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.error().field, "listen") << bad;
  }
  TcpListener first({}, LineFactory(c));
  ASSERT_TRUE(first.Start().ok());
  TcpListenerOptions opt;
  opt.listen = first.BoundAddress();
  TcpListener second(opt, LineFactory(c));
  const Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(s.error().field, "listen");
}

}  // namespace
}  // namespace park::server
