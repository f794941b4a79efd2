// MQTT Subscriber and Publisher over libmosquitto.
//
// Why the Subscriber runs its own thread around mosquitto_loop() instead of mosquitto_loop_start(): the library's
// loop_forever reconnects with a *blocking* connect (an unreachable host holds Stop() for the TCP timeout), never
// resets its backoff after a good connection, ends the thread silently on some errors, and can miss
// mosquitto_loop_stop()'s wake-up byte while it sleeps between retries (Stop() then waits a whole backoff). Our loop
// uses non-blocking (re)connects, our backoff, and checks a stop flag at least every kLoopTimeoutMs.
// All libmosquitto calls on one `struct mosquitto` happen on one thread at a time: the network thread while it
// runs, the caller of Start/Stop before it starts and after it is joined.
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "park/mqtt/mqtt.hpp"

namespace park::mqtt {
namespace {

// Upper bound of one select() in the network loop: how late a stop request or a keepalive is noticed.
constexpr int kLoopTimeoutMs = 100;
// MQTT's largest payload (268,435,455 bytes, the "remaining length" limit).
constexpr size_t kMaxPayloadBytes = 268'435'455;

using Clock = std::chrono::steady_clock;

// mosquitto_lib_init() once per process; thread-safe through the static's initialisation. Never cleaned up: other
// static objects may still hold clients at exit.
Status EnsureLibInit() {
  static const int rc = mosquitto_lib_init();
  if (rc != MOSQ_ERR_SUCCESS) return Error::Internal("the MQTT library could not be initialised");
  return Status::Ok();
}

// A readable reason for a libmosquitto return code (MOSQ_ERR_ERRNO means "see errno").
std::string Reason(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

Status ValidateOptions(const Options& o) {
  if (o.host.empty()) return Error::Invalid("host", "the broker host is required");
  if (o.port < 1 || o.port > 65535) return Error::Invalid("port", "the port must be between 1 and 65535");
  if (o.keepalive_s != 0 && (o.keepalive_s < 5 || o.keepalive_s > 65535)) {
    return Error::Invalid("keepalive_s", "the keepalive must be 0 (off) or between 5 and 65535 seconds");
  }
  if (o.qos < 0 || o.qos > 2) return Error::Invalid("qos", "the QoS must be 0, 1 or 2");
  if (o.client_id.empty() && !o.clean_session) {
    return Error::Invalid("client_id", "a broker-assigned (empty) client id needs clean_session = true");
  }
  if (o.client_id.size() > 65535 || o.client_id.find('\0') != std::string::npos) {
    return Error::Invalid("client_id", "the client id must be at most 65535 bytes without NUL");
  }
  if (o.username.empty() && !o.password.empty()) return Error::Invalid("password", "a password needs a username");
  if (o.reconnect_min_s < 1) return Error::Invalid("reconnect_min_s", "the reconnect delay must be at least 1 s");
  if (o.reconnect_max_s < o.reconnect_min_s) {
    return Error::Invalid("reconnect_max_s", "the maximum reconnect delay must be at least reconnect_min_s");
  }
  return Status::Ok();
}

// Creates a client with the options' identity and credentials; userdata is handed to every callback.
Result<mosquitto*> NewClient(const Options& o, void* userdata) {
  PARK_TRY(EnsureLibInit());
  mosquitto* mosq = mosquitto_new(o.client_id.empty() ? nullptr : o.client_id.c_str(), o.clean_session, userdata);
  if (mosq == nullptr) return Error::Internal(std::string("cannot create an MQTT client: ") + std::strerror(errno));
  if (!o.username.empty()) {
    const int rc =
        mosquitto_username_pw_set(mosq, o.username.c_str(), o.password.empty() ? nullptr : o.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(mosq);
      return Error::Invalid("username", "the MQTT credentials were refused: " + Reason(rc));
    }
  }
  return mosq;
}

std::string Endpoint(const Options& o) { return o.host + ":" + std::to_string(o.port); }

// Splits a topic or pattern into its levels ("a//b" -> {"a", "", "b"}).
std::vector<std::string_view> Levels(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
}

// Matches per MQTT 3.1.1 section 4.7; appends the `+` levels to `plus` when given.
bool Match(std::string_view pattern, std::string_view topic, std::vector<std::string>* plus) {
  if (pattern.empty() || topic.empty() || topic.find_first_of("+#") != std::string_view::npos) return false;
  const std::vector<std::string_view> p = Levels(pattern);
  const std::vector<std::string_view> t = Levels(topic);
  for (size_t i = 0; i < p.size(); ++i) {
    const bool wildcard = p[i].find_first_of("+#") != std::string_view::npos;
    if (wildcard && p[i] != "+" && p[i] != "#") return false;  // "a+" or "#a": malformed
    if (p[i] == "#" && i + 1 != p.size()) return false;        // '#' only as the last level
  }
  if (topic.front() == '$' && (p[0] == "+" || p[0] == "#")) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == "#") return true;  // the rest, including no level at all ("a/#" matches "a")
    if (i >= t.size()) return false;
    if (p[i] == "+") {
      if (plus != nullptr) plus->emplace_back(t[i]);
      continue;
    }
    if (p[i] != t[i]) return false;
  }
  return p.size() == t.size();
}

}  // namespace

bool TopicMatches(std::string_view pattern, std::string_view topic) { return Match(pattern, topic, nullptr); }

std::vector<std::string> WildcardSegments(std::string_view pattern, std::string_view topic) {
  std::vector<std::string> plus;
  if (!Match(pattern, topic, &plus)) return {};
  return plus;
}

// ---------------------------------------------------------------------------------------------------------------
// Subscriber

struct Subscriber::Impl {
  Impl(Options o, std::vector<std::string> p, Handler h)
      : options(std::move(o)), patterns(std::move(p)), handler(std::move(h)) {}

  // Immutable after construction.
  const Options options;
  const std::vector<std::string> patterns;
  const Handler handler;

  std::mutex lifecycle_mu;  // serialises Start and Stop; guards thread and mosq
  std::thread thread;
  mosquitto* mosq = nullptr;

  std::mutex wake_mu;  // with wake_cv: interrupts the backoff wait
  std::condition_variable wake_cv;
  std::atomic<bool> stop_requested{false};  // written under wake_mu

  std::atomic<bool> connected{false}, subscribed{false};
  std::atomic<uint64_t> received{0}, accepted{0}, rejected{0}, reconnects{0};

  // Network thread only (or the caller of Start before the thread exists).
  bool ever_connected = false;
  int subscribe_mid = -1;
  int backoff_s = 1;

  Status Start();
  void Stop();
  void Run();
  // Waits `seconds` or until Stop; true when stopping.
  bool WaitOrStop(int seconds);

  static void OnConnect(mosquitto* mosq, void* self, int rc);
  static void OnDisconnect(mosquitto* mosq, void* self, int rc);
  static void OnSubscribe(mosquitto* mosq, void* self, int mid, int qos_count, const int* granted_qos);
  static void OnMessage(mosquitto* mosq, void* self, const mosquitto_message* msg);
};

Status Subscriber::Impl::Start() {
  std::lock_guard lock(lifecycle_mu);
  if (thread.joinable()) return Error{ErrorCode::kFailedPrecondition, "the MQTT subscriber is already started", {}};
  PARK_TRY(ValidateOptions(options));
  if (patterns.empty()) return Error::Invalid("topic_patterns", "at least one topic pattern is required");
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (patterns[i].find('\0') != std::string::npos || mosquitto_sub_topic_check(patterns[i].c_str()) != 0) {
      return Error::Invalid("topic_patterns[" + std::to_string(i) + "]", "not a valid MQTT topic pattern");
    }
  }
  PARK_ASSIGN_OR_RETURN(mosq, NewClient(options, this));
  mosquitto_connect_callback_set(mosq, &Impl::OnConnect);
  mosquitto_disconnect_callback_set(mosq, &Impl::OnDisconnect);
  mosquitto_subscribe_callback_set(mosq, &Impl::OnSubscribe);
  mosquitto_message_callback_set(mosq, &Impl::OnMessage);
  {
    std::lock_guard wake_lock(wake_mu);
    stop_requested = false;
  }
  backoff_s = options.reconnect_min_s;
  thread = std::thread([this] { Run(); });
  return Status::Ok();
}

void Subscriber::Impl::Stop() {
  std::lock_guard lock(lifecycle_mu);
  if (!thread.joinable()) return;
  if (thread.get_id() == std::this_thread::get_id()) {
    spdlog::error("mqtt: Subscriber::Stop called from its own handler; ignored (it would wait for itself)");
    return;
  }
  {
    std::lock_guard wake_lock(wake_mu);
    stop_requested = true;
  }
  wake_cv.notify_all();
  thread.join();
  mosquitto_destroy(mosq);
  mosq = nullptr;
  connected = false;
  subscribed = false;
}

bool Subscriber::Impl::WaitOrStop(int seconds) {
  std::unique_lock lock(wake_mu);
  return wake_cv.wait_for(lock, std::chrono::seconds(seconds), [this] { return stop_requested.load(); });
}

void Subscriber::Impl::Run() {
  const std::string endpoint = Endpoint(options);
  int rc = mosquitto_connect_async(mosq, options.host.c_str(), options.port, options.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    spdlog::warn("mqtt: cannot connect to {} ({}); retrying in the background", endpoint, Reason(rc));
  }
  while (!stop_requested) {
    if (rc == MOSQ_ERR_SUCCESS) {
      rc = mosquitto_loop(mosq, kLoopTimeoutMs, 1);
      if (rc == MOSQ_ERR_SUCCESS) continue;
      // A lost connection was logged by OnDisconnect; this is the failed attempt or the loop's view of it.
      spdlog::debug("mqtt: connection to {} ended or failed ({})", endpoint, Reason(rc));
      connected = false;
      subscribed = false;
    }
    if (WaitOrStop(backoff_s)) break;
    backoff_s = std::min(backoff_s * 2, options.reconnect_max_s);
    // mosquitto_reconnect_async, unlike the blocking mosquitto_reconnect, only starts the TCP connect; the loop
    // finishes it (or the keepalive gives up on it).
    rc = mosquitto_reconnect_async(mosq);
    if (rc != MOSQ_ERR_SUCCESS) spdlog::debug("mqtt: reconnecting to {} failed ({})", endpoint, Reason(rc));
  }
  if (connected) {
    // A clean DISCONNECT: the broker keeps a persistent session and does not publish a will.
    if (mosquitto_disconnect(mosq) == MOSQ_ERR_SUCCESS) {
      for (int i = 0; i < 10 && connected && mosquitto_loop(mosq, kLoopTimeoutMs, 1) == MOSQ_ERR_SUCCESS; ++i) {
      }
    }
  }
  connected = false;
  subscribed = false;
}

void Subscriber::Impl::OnConnect(mosquitto* mosq, void* self_ptr, int rc) {
  auto* self = static_cast<Impl*>(self_ptr);
  const std::string endpoint = Endpoint(self->options);
  if (rc != 0) {
    // The loop then reports an error and the backoff applies; a broker that refuses us is retried too (credentials
    // may be fixed on the broker side).
    spdlog::warn("mqtt: {} refused the connection: {}", endpoint, mosquitto_connack_string(rc));
    return;
  }
  self->connected = true;
  self->backoff_s = self->options.reconnect_min_s;
  if (self->ever_connected) ++self->reconnects;
  self->ever_connected = true;
  spdlog::info("mqtt: connected to {} as '{}'", endpoint, self->options.client_id);
  // Subscribe on every connection: a broker that lost our session (restart, clean session) would send nothing.
  std::vector<char*> subs;
  subs.reserve(self->patterns.size());
  for (const std::string& p : self->patterns) subs.push_back(const_cast<char*>(p.c_str()));  // not modified
  const int sub_rc = mosquitto_subscribe_multiple(mosq, &self->subscribe_mid, static_cast<int>(subs.size()),
                                                  subs.data(), self->options.qos, 0, nullptr);
  if (sub_rc != MOSQ_ERR_SUCCESS) spdlog::error("mqtt: subscribing on {} failed: {}", endpoint, Reason(sub_rc));
}

void Subscriber::Impl::OnDisconnect(mosquitto*, void* self_ptr, int rc) {
  auto* self = static_cast<Impl*>(self_ptr);
  self->connected = false;
  self->subscribed = false;
  // Called only for a connection that was established (or our own DISCONNECT); failed attempts are not logged
  // here.
  if (rc == 0) {
    spdlog::info("mqtt: disconnected from {}", Endpoint(self->options));
  } else {
    spdlog::warn("mqtt: connection to {} lost ({}); reconnecting", Endpoint(self->options), Reason(rc));
  }
}

void Subscriber::Impl::OnSubscribe(mosquitto*, void* self_ptr, int mid, int qos_count, const int* granted_qos) {
  auto* self = static_cast<Impl*>(self_ptr);
  if (mid != self->subscribe_mid) return;
  for (int i = 0; i < qos_count && i < static_cast<int>(self->patterns.size()); ++i) {
    if (granted_qos[i] > 2) {  // 0x80: the broker refused this subscription (e.g. ACL)
      spdlog::error("mqtt: {} refused the subscription to '{}'", Endpoint(self->options), self->patterns[i]);
    } else if (granted_qos[i] < self->options.qos) {
      spdlog::warn("mqtt: '{}' granted at QoS {} instead of {}", self->patterns[i], granted_qos[i], self->options.qos);
    }
  }
  self->subscribed = true;
}

void Subscriber::Impl::OnMessage(mosquitto*, void* self_ptr, const mosquitto_message* msg) {
  auto* self = static_cast<Impl*>(self_ptr);
  Message m;
  m.topic = msg->topic != nullptr ? msg->topic : "";
  if (msg->payload != nullptr && msg->payloadlen > 0) {
    m.payload.assign(static_cast<const char*>(msg->payload), static_cast<size_t>(msg->payloadlen));
  }
  m.qos = msg->qos;
  m.retain = msg->retain;
  ++self->received;
  Status status;
  // The network thread is a boundary: an exception from the handler is a bug, but must not end the thread.
  try {
    status = self->handler(m);
  } catch (const std::exception& e) {
    status = Error::Internal(std::string("handler threw: ") + e.what());
  } catch (...) {
    status = Error::Internal("handler threw a non-standard exception");
  }
  if (status.ok()) {
    ++self->accepted;
  } else {
    ++self->rejected;
    spdlog::warn("mqtt: message on '{}' not stored: {}", m.topic, status.error().message);
  }
}

Subscriber::Subscriber(Options options, std::vector<std::string> topic_patterns, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(topic_patterns), std::move(handler))) {}

Subscriber::~Subscriber() { Stop(); }

Status Subscriber::Start() { return impl_->Start(); }
void Subscriber::Stop() { impl_->Stop(); }
bool Subscriber::connected() const { return impl_->connected; }
bool Subscriber::subscribed() const { return impl_->subscribed; }

Subscriber::Stats Subscriber::stats() const {
  return {impl_->received.load(), impl_->accepted.load(), impl_->rejected.load(), impl_->reconnects.load()};
}

// ---------------------------------------------------------------------------------------------------------------
// Publisher

struct Publisher::Impl {
  explicit Impl(Options o) : options(std::move(o)) {}
  ~Impl() {
    if (mosq == nullptr) return;
    if (connected && mosquitto_disconnect(mosq) == MOSQ_ERR_SUCCESS) {
      (void)Drive(Clock::now() + std::chrono::milliseconds(500), [this] { return !connected; });
    }
    mosquitto_destroy(mosq);
  }

  const Options options;
  mosquitto* mosq = nullptr;
  bool connected = false;
  int connack = -1;        // the last CONNACK code; -1: none since the last (re)connect started
  std::vector<int> acked;  // message ids acknowledged during the current Publish (cleared at its start)

  // Runs the network loop on this thread until `done` or the deadline. MOSQ_ERR_SUCCESS when done; otherwise the
  // loop's error, or kTimeout (not a libmosquitto code) on timeout.
  static constexpr int kTimeout = -1000;
  template <typename Done>
  int Drive(Clock::time_point deadline, Done done) {
    while (!done()) {
      const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left_ms <= 0) return kTimeout;
      const int rc = mosquitto_loop(mosq, static_cast<int>(std::min<int64_t>(left_ms, kLoopTimeoutMs)), 1);
      if (rc != MOSQ_ERR_SUCCESS) return done() ? MOSQ_ERR_SUCCESS : rc;
    }
    return MOSQ_ERR_SUCCESS;
  }

  // Waits for the CONNACK of a connect started with mosquitto_(re)connect_async.
  Status AwaitConnack(int start_rc, int timeout_ms) {
    const std::string endpoint = Endpoint(options);
    if (start_rc != MOSQ_ERR_SUCCESS) {
      return Error{
          ErrorCode::kUnavailable, "cannot connect to the MQTT broker at " + endpoint + ": " + Reason(start_rc), {}};
    }
    const int rc = Drive(Clock::now() + std::chrono::milliseconds(timeout_ms), [this] { return connack >= 0; });
    if (connack == 0 && connected) return Status::Ok();
    if (connack == CONNACK_REFUSED_BAD_USERNAME_PASSWORD || connack == CONNACK_REFUSED_NOT_AUTHORIZED) {
      return Error{ErrorCode::kUnauthenticated,
                   std::string("the MQTT broker refused us: ") + mosquitto_connack_string(connack),
                   {}};
    }
    if (connack > 0) {
      return Error{
          ErrorCode::kUnavailable, std::string("the MQTT broker refused us: ") + mosquitto_connack_string(connack), {}};
    }
    if (rc == kTimeout) {
      return Error{ErrorCode::kUnavailable,
                   "no answer from the MQTT broker at " + endpoint + " within " + std::to_string(timeout_ms) + " ms",
                   {}};
    }
    return Error{ErrorCode::kUnavailable, "cannot connect to the MQTT broker at " + endpoint + ": " + Reason(rc), {}};
  }

  static void OnConnect(mosquitto*, void* self_ptr, int rc) {
    auto* self = static_cast<Impl*>(self_ptr);
    self->connack = rc;
    self->connected = rc == 0;
  }
  static void OnDisconnect(mosquitto*, void* self_ptr, int) { static_cast<Impl*>(self_ptr)->connected = false; }
  static void OnPublish(mosquitto*, void* self_ptr, int mid) { static_cast<Impl*>(self_ptr)->acked.push_back(mid); }
};

Result<std::unique_ptr<Publisher>> Publisher::Connect(Options options, int timeout_ms) {
  PARK_TRY(ValidateOptions(options));
  auto impl = std::make_unique<Impl>(std::move(options));
  PARK_ASSIGN_OR_RETURN(impl->mosq, NewClient(impl->options, impl.get()));
  mosquitto_connect_callback_set(impl->mosq, &Impl::OnConnect);
  mosquitto_disconnect_callback_set(impl->mosq, &Impl::OnDisconnect);
  mosquitto_publish_callback_set(impl->mosq, &Impl::OnPublish);
  const int rc =
      mosquitto_connect_async(impl->mosq, impl->options.host.c_str(), impl->options.port, impl->options.keepalive_s);
  PARK_TRY(impl->AwaitConnack(rc, timeout_ms));
  return std::unique_ptr<Publisher>(new Publisher(std::move(impl)));
}

Publisher::Publisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Publisher::~Publisher() = default;

Status Publisher::Publish(std::string_view topic, std::string_view payload, int qos, bool retain, int timeout_ms) {
  if (qos < 0 || qos > 2) return Error::Invalid("qos", "the QoS must be 0, 1 or 2");
  const std::string topic_str(topic);
  if (topic_str.empty() || topic_str.find('\0') != std::string::npos ||
      mosquitto_pub_topic_check(topic_str.c_str()) != MOSQ_ERR_SUCCESS) {
    return Error::Invalid("topic", "not a valid MQTT topic to publish to (no wildcards)");
  }
  if (payload.size() > kMaxPayloadBytes) return Error::Invalid("payload", "the payload exceeds MQTT's 256 MiB limit");
  Impl& s = *impl_;
  // Handle what arrived meanwhile without waiting: a closed connection, a ping.
  if (s.connected) (void)mosquitto_loop(s.mosq, 0, 1);
  if (!s.connected) {
    s.connack = -1;
    PARK_TRY(s.AwaitConnack(mosquitto_reconnect_async(s.mosq), timeout_ms));
  }
  s.acked.clear();
  int mid = 0;
  const int rc =
      mosquitto_publish(s.mosq, &mid, topic_str.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    return Error{ErrorCode::kUnavailable, "publishing to the MQTT broker failed: " + Reason(rc), {}};
  }
  const auto acked = [&s, mid] { return std::find(s.acked.begin(), s.acked.end(), mid) != s.acked.end(); };
  const int wait_rc = s.Drive(Clock::now() + std::chrono::milliseconds(timeout_ms), acked);
  if (wait_rc == MOSQ_ERR_SUCCESS) return Status::Ok();
  if (wait_rc == Impl::kTimeout) {
    return Error{ErrorCode::kUnavailable,
                 "the MQTT broker did not acknowledge within " + std::to_string(timeout_ms) + " ms",
                 {}};
  }
  return Error{ErrorCode::kUnavailable, "publishing to the MQTT broker failed: " + Reason(wait_rc), {}};
}

}  // namespace park::mqtt
