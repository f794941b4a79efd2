// Tests against a real mosquitto broker that each test starts on a free loopback port (no mocks).
#include "park/mqtt/mqtt.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace park::mqtt {
namespace {

constexpr const char* kMosquittoBinary = "/usr/sbin/mosquitto";
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Polls `done` every 10 ms until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& done, milliseconds timeout = milliseconds(5000)) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return done();
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

int64_t ElapsedMs(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

// A loopback TCP port nobody listens on right now (bind port 0, read it, close).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A mosquitto process with a generated config in `dir`, listening on 127.0.0.1:`port`.
class Broker {
 public:
  Broker(std::filesystem::path dir, int port) : dir_(std::move(dir)), port_(port) {}
  ~Broker() { Kill(SIGTERM); }

  // Spawns the broker and waits until it accepts connections; the error text includes its log.
  testing::AssertionResult Start() {
    const std::string conf = (dir_ / "mosquitto.conf").string();
    const std::string log = (dir_ / "mosquitto.log").string();
    {
      std::ofstream out(conf);
      out << "listener " << port_ << " 127.0.0.1\n"
          << "allow_anonymous true\n"
          << "persistence false\n";
      // As root, mosquitto would switch to the `mosquitto` user; stay as we are.
      if (geteuid() == 0) out << "user root\n";
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::string arg0 = kMosquittoBinary, arg1 = "-c", arg2 = conf;
    char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
    const int rc = posix_spawn(&pid_, kMosquittoBinary, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return testing::AssertionFailure() << "posix_spawn " << kMosquittoBinary << ": " << std::strerror(rc);
    }
    const auto deadline = Clock::now() + milliseconds(5000);
    while (!Accepts(port_)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return testing::AssertionFailure() << "mosquitto exited at start; log:\n" << Log();
      }
      if (Clock::now() > deadline) return testing::AssertionFailure() << "mosquitto does not listen; log:\n" << Log();
      std::this_thread::sleep_for(milliseconds(10));
    }
    return testing::AssertionSuccess();
  }

  // Kills the broker by PID and reaps it; no-op when not running.
  void Kill(int signal = SIGKILL) {
    if (pid_ <= 0) return;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::string Log() const {
    std::ifstream in(dir_ / "mosquitto.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::filesystem::path dir_;
  int port_;
  pid_t pid_ = -1;
};

// What a handler saw, shared with the test thread.
struct Inbox {
  std::mutex mu;
  std::vector<Message> messages;

  Handler Accept() {
    return [this](const Message& m) -> Status {
      std::lock_guard lock(mu);
      messages.push_back(m);
      return Status::Ok();
    };
  }
  size_t size() {
    std::lock_guard lock(mu);
    return messages.size();
  }
  std::vector<Message> snapshot() {
    std::lock_guard lock(mu);
    return messages;
  }
};

class MqttTest : public testing::Test {
 protected:
  void SetUp() override {
    if (access(kMosquittoBinary, X_OK) != 0) GTEST_SKIP() << kMosquittoBinary << " not installed";
    std::string tmpl = (std::filesystem::temp_directory_path() / "park-mqtt-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    port_ = FreePort();
    ASSERT_GT(port_, 0);
    broker_ = std::make_unique<Broker>(dir_, port_);
    ASSERT_TRUE(broker_->Start());
  }

  void TearDown() override {
    if (broker_ != nullptr) {
      if (HasFailure()) std::cerr << "mosquitto log:\n" << broker_->Log();
      broker_->Kill(SIGKILL);
    }
    broker_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Options for this test's broker; backoff tightened so reconnects happen within a second.
  Options ClientOptions(std::string client_id) const {
    Options o;
    o.port = port_;
    o.client_id = std::move(client_id);
    o.keepalive_s = 5;
    o.reconnect_min_s = 1;
    o.reconnect_max_s = 1;
    return o;
  }

  std::unique_ptr<Publisher> ConnectPublisher() {
    Options o = ClientOptions("");
    o.clean_session = true;
    auto pub = Publisher::Connect(o, 2000);
    EXPECT_TRUE(pub.ok()) << (pub.ok() ? "" : pub.error().message);
    return pub.ok() ? std::move(pub).value() : nullptr;
  }

  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<Broker> broker_;
};

// ---------------------------------------------------------------------------------------------------------------
// Topic matching (no broker needed, but checked against libmosquitto's own matcher where the pattern is valid).

TEST(TopicTest, TopicMatchesTable) {
  struct Case {
    const char* pattern;
    const char* topic;
    bool want;
  };
  const Case cases[] = {
      {"park/e01/telemetry", "park/e01/telemetry", true},
      {"park/e01/telemetry", "park/e02/telemetry", false},
      {"park/+/telemetry", "park/e01/telemetry", true},
      {"park/+/telemetry", "park/e01/x/telemetry", false},
      {"park/+/telemetry", "park//telemetry", true},  // + matches an empty level
      {"park/+", "park", false},
      {"park/+", "park/", true},
      {"park/#", "park", true},  // # includes the parent level
      {"park/#", "park/a/b/c", true},
      {"park/#", "parking/a", false},
      {"#", "park/a", true},
      {"#", "/", true},
      {"+/+", "/a", true},
      {"+", "/a", false},
      {"park/+/+/raw", "park/e01/m3/raw", true},
      {"park/+/+/raw", "park/e01/raw", false},
      {"#", "$SYS/broker/uptime", false},  // $-topics are not matched by leading wildcards
      {"+/broker/uptime", "$SYS/broker/uptime", false},
      {"$SYS/#", "$SYS/broker/uptime", true},
      {"Park/e01", "park/e01", false},  // case sensitive
      {"park/e01", "park/e01/", false},
      // malformed patterns or topics match nothing
      {"park/#/x", "park/a/x", false},
      {"park/a#", "park/a#", false},
      {"park/a+", "park/a+", false},
      {"park/+", "park/+", false},
      {"", "", false},
      {"park", "", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TopicMatches(c.pattern, c.topic), c.want) << c.pattern << " vs " << c.topic;
    bool lib = false;
    if (mosquitto_sub_topic_check(c.pattern) == MOSQ_ERR_SUCCESS && mosquitto_pub_topic_check(c.topic) == 0 &&
        mosquitto_topic_matches_sub(c.pattern, c.topic, &lib) == MOSQ_ERR_SUCCESS) {
      EXPECT_EQ(lib, c.want) << "libmosquitto disagrees: " << c.pattern << " vs " << c.topic;
    }
  }
}

TEST(TopicTest, WildcardSegmentsTable) {
  struct Case {
    const char* pattern;
    const char* topic;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"park/+/telemetry", "park/e01/telemetry", {"e01"}},
      {"park/+/+/raw", "park/e01/m3/raw", {"e01", "m3"}},
      {"park/+/#", "park/e01/a/b", {"e01"}},
      {"+/x", "/x", {""}},
      {"park/e01/telemetry", "park/e01/telemetry", {}},  // no +
      {"park/+/telemetry", "park/e01/alarm", {}},        // no match
      {"park/+/telemetry", "park/e01", {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(WildcardSegments(c.pattern, c.topic), c.want) << c.pattern << " vs " << c.topic;
  }
}

TEST(OptionsTest, StartRejectsBadOptionsNamingTheField) {
  struct Case {
    const char* name;
    std::function<void(Options&, std::vector<std::string>&)> edit;
    const char* want_field;
  };
  const std::vector<Case> cases = {
      {"port", [](Options& o, auto&) { o.port = 0; }, "port"},
      {"qos", [](Options& o, auto&) { o.qos = 3; }, "qos"},
      {"keepalive", [](Options& o, auto&) { o.keepalive_s = 2; }, "keepalive_s"},
      {"anonymous id needs clean session", [](Options& o, auto&) { o.client_id.clear(); }, "client_id"},
      {"password without user", [](Options& o, auto&) { o.password = "x"; }, "password"},
      {"backoff", [](Options& o, auto&) { o.reconnect_max_s = 0; }, "reconnect_max_s"},
      {"no patterns", [](Options&, auto& p) { p.clear(); }, "topic_patterns"},
      {"bad pattern", [](Options&, auto& p) { p.push_back("a/#/b"); }, "topic_patterns[1]"},
  };
  for (const Case& c : cases) {
    Options o;
    std::vector<std::string> patterns = {"park/#"};
    c.edit(o, patterns);
    Subscriber sub(o, patterns, [](const Message&) { return Status::Ok(); });
    const Status st = sub.Start();
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_EQ(st.error().field, c.want_field) << c.name;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Against the broker.

TEST_F(MqttTest, RoundTripQos1OnWildcardPattern) {
  Inbox inbox;
  Subscriber sub(ClientOptions("rt-sub"), {"park/+/telemetry"}, inbox.Accept());
  ASSERT_TRUE(sub.Start().ok());
  EXPECT_EQ(sub.Start().error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(WaitFor([&] { return sub.subscribed(); }));
  EXPECT_TRUE(sub.connected());

  auto pub = ConnectPublisher();
  ASSERT_NE(pub, nullptr);
  const std::string binary("{\"kw\":1}\0\xff", 10);
  ASSERT_TRUE(pub->Publish("park/e01/alarm", "not for us").ok());
  ASSERT_TRUE(pub->Publish("park/e01/telemetry", binary, 1).ok());
  EXPECT_EQ(pub->Publish("park/+/telemetry", "x").error().field, "topic");
  EXPECT_EQ(pub->Publish("park/e01/telemetry", "x", 5).error().field, "qos");

  ASSERT_TRUE(WaitFor([&] { return inbox.size() >= 1; }));
  std::this_thread::sleep_for(milliseconds(100));  // nothing else should arrive
  const auto messages = inbox.snapshot();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "park/e01/telemetry");
  EXPECT_EQ(messages[0].payload, binary);
  EXPECT_EQ(messages[0].qos, 1);
  EXPECT_FALSE(messages[0].retain);
  EXPECT_EQ(WildcardSegments("park/+/telemetry", messages[0].topic), std::vector<std::string>{"e01"});
  const auto stats = sub.stats();
  EXPECT_EQ(stats.received, 1u);
  EXPECT_EQ(stats.accepted, 1u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(stats.reconnects, 0u);

  sub.Stop();
  sub.Stop();  // idempotent
  EXPECT_FALSE(sub.connected());
}

TEST_F(MqttTest, HandlerErrorIsCountedAndTheNextMessageStillArrives) {
  Inbox stored;
  Subscriber sub(ClientOptions("err-sub"), {"park/#"}, [&](const Message& m) -> Status {
    if (m.payload == "bad") return Error::Invalid("payload", "not a reading");
    if (m.payload == "throw") throw std::runtime_error("bug in handler");
    return stored.Accept()(m);
  });
  ASSERT_TRUE(sub.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sub.subscribed(); }));
  auto pub = ConnectPublisher();
  ASSERT_NE(pub, nullptr);
  ASSERT_TRUE(pub->Publish("park/e01/telemetry", "bad").ok());
  ASSERT_TRUE(pub->Publish("park/e01/telemetry", "throw").ok());
  ASSERT_TRUE(pub->Publish("park/e01/telemetry", "good").ok());

  // "received" counts a message before its handler runs: wait until all three have been handled, or the third
  // may be seen received but not yet accepted (it was, in a fresh-clone CI run).
  ASSERT_TRUE(WaitFor([&] {
    const auto st = sub.stats();
    return st.received >= 3 && st.accepted + st.rejected >= 3;
  }));
  const auto stats = sub.stats();
  EXPECT_EQ(stats.received, 3u);
  EXPECT_EQ(stats.accepted, 1u);
  EXPECT_EQ(stats.rejected, 2u);
  EXPECT_EQ(stats.reconnects, 0u);
  EXPECT_TRUE(sub.connected());
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored.snapshot()[0].payload, "good");
}

TEST_F(MqttTest, ReconnectsAndResubscribesAfterTheBrokerRestarts) {
  Inbox inbox;
  Subscriber sub(ClientOptions("restart-sub"), {"park/+/telemetry"}, inbox.Accept());
  ASSERT_TRUE(sub.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sub.subscribed(); }));
  {
    auto pub = ConnectPublisher();
    ASSERT_NE(pub, nullptr);
    ASSERT_TRUE(pub->Publish("park/e01/telemetry", "before").ok());
    ASSERT_TRUE(WaitFor([&] { return inbox.size() == 1; }));

    // The broker dies (persistence off: it forgets our session and subscriptions).
    broker_->Kill(SIGKILL);
    ASSERT_TRUE(WaitFor([&] { return !sub.connected(); }));
    const Status st = pub->Publish("park/e01/telemetry", "nobody listens", 1, false, 500);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  }
  ASSERT_TRUE(broker_->Start());
  ASSERT_TRUE(WaitFor([&] { return sub.subscribed(); }, milliseconds(10000)));
  EXPECT_GE(sub.stats().reconnects, 1u);

  auto pub = ConnectPublisher();
  ASSERT_NE(pub, nullptr);
  ASSERT_TRUE(pub->Publish("park/e02/telemetry", "after").ok());
  ASSERT_TRUE(WaitFor([&] { return inbox.size() == 2; }));
  EXPECT_EQ(inbox.snapshot()[1].payload, "after");
  EXPECT_EQ(sub.stats().received, 2u);
}

TEST_F(MqttTest, PersistentSessionReceivesQos1MessagesPublishedWhileStopped) {
  Inbox inbox;
  Options o = ClientOptions("persist-sub");
  o.clean_session = false;
  {
    Subscriber first(o, {"park/+/telemetry"}, inbox.Accept());
    ASSERT_TRUE(first.Start().ok());
    ASSERT_TRUE(WaitFor([&] { return first.subscribed(); }));
  }  // stopped: a clean disconnect, the broker keeps the session
  auto pub = ConnectPublisher();
  ASSERT_NE(pub, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pub->Publish("park/e01/telemetry", "away " + std::to_string(i)).ok());
  ASSERT_TRUE(pub->Publish("park/e01/telemetry", "qos0 is not kept", 0).ok());

  Subscriber second(o, {"park/+/telemetry"}, inbox.Accept());
  ASSERT_TRUE(second.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return inbox.size() >= 3; }));
  std::this_thread::sleep_for(milliseconds(100));
  const auto messages = inbox.snapshot();
  ASSERT_EQ(messages.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(messages[i].payload, "away " + std::to_string(i));

  // Stop and Start again on the same object resumes the same session.
  second.Stop();
  ASSERT_TRUE(pub->Publish("park/e01/telemetry", "away again").ok());
  ASSERT_TRUE(second.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return inbox.size() == 4; }));
  EXPECT_EQ(inbox.snapshot()[3].payload, "away again");
}

TEST_F(MqttTest, SubscriberStartsBeforeTheBrokerAndStopsPromptlyWhileWaiting) {
  broker_->Kill(SIGKILL);
  Inbox inbox;
  Subscriber sub(ClientOptions("early-sub"), {"park/#"}, inbox.Accept());
  ASSERT_TRUE(sub.Start().ok());  // not an error: retried in the background
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(sub.connected());
  ASSERT_TRUE(broker_->Start());
  ASSERT_TRUE(WaitFor([&] { return sub.subscribed(); }));
  EXPECT_EQ(sub.stats().reconnects, 0u);  // the first connection is not a reconnect

  // In a long backoff, Stop still returns at once.
  Options slow = ClientOptions("slow-sub");
  slow.port = FreePort();
  slow.reconnect_min_s = slow.reconnect_max_s = 30;
  Subscriber waiting(slow, {"park/#"}, inbox.Accept());
  ASSERT_TRUE(waiting.Start().ok());
  std::this_thread::sleep_for(milliseconds(200));
  const auto t0 = Clock::now();
  waiting.Stop();
  EXPECT_LT(ElapsedMs(t0), 1000);
}

TEST(PublisherTest, FailsWhenNoBrokerListens) {
  Options o;
  o.port = FreePort();
  o.client_id = "";
  o.clean_session = true;
  const auto t0 = Clock::now();
  auto pub = Publisher::Connect(o, 1000);
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(ElapsedMs(t0), 1500);
}

TEST(PublisherTest, TimesOutWhenTheServerNeverAnswers) {
  // A listening socket that never accepts: TCP connects (the kernel's backlog), but no CONNACK ever comes.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  Options o;
  o.port = ntohs(addr.sin_port);
  o.client_id = "";
  o.clean_session = true;
  const auto t0 = Clock::now();
  auto pub = Publisher::Connect(o, 300);
  const int64_t elapsed_ms = ElapsedMs(t0);
  close(fd);
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(pub.error().message.find("within 300 ms"), std::string::npos) << pub.error().message;
  EXPECT_GE(elapsed_ms, 290);
  EXPECT_LT(elapsed_ms, 1500);
}

}  // namespace
}  // namespace park::mqtt
