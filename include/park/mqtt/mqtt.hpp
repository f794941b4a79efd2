// MQTT client over libmosquitto: a Subscriber that feeds a handler from topic patterns and keeps itself connected,
// and a small synchronous Publisher (demo simulator, tests).
//
// Delivery contract (MQTT 3.1.1):
//   - Subscriptions use Options::qos. At QoS 1 the broker redelivers what was not acknowledged, and with
//     clean_session=false and a fixed client_id it also keeps QoS 1 messages published while we are away
//     (within the broker's own limits, e.g. mosquitto's max_queued_messages).
//   - libmosquitto acknowledges a QoS 1 message (PUBACK) before the handler runs, so a message the handler rejects
//     is not redelivered: it is logged and counted in Stats::rejected. Store it elsewhere inside the handler if it
//     must not be lost.
//   - No internal queue: the handler runs synchronously on the network thread, so a slow handler slows reading from
//     the socket, which is MQTT's own backpressure (the broker queues, within its limits).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"

namespace park::mqtt {

struct Options {
  std::string host = "127.0.0.1";
  int port = 1883;                      // 1..65535
  std::string client_id = "parkbrain";  // empty: the broker assigns one (then clean_session must be true)
  std::string username, password;       // empty username: anonymous
  int keepalive_s = 30;                 // 0 (off) or >= 5; also bounds how long a connect attempt may hang
  int qos = 1;                          // 0..2: the Subscriber's subscription QoS (Publish takes its own)
  bool clean_session = false;           // false + fixed client_id: the broker keeps QoS 1 messages while we are away
  // Reconnect backoff of the Subscriber, in seconds: the first retry after reconnect_min_s, then doubling up to
  // reconnect_max_s; back to reconnect_min_s after a successful connection. 1 <= min <= max.
  int reconnect_min_s = 1, reconnect_max_s = 30;
};

// One received message. `payload` holds the raw bytes (not necessarily UTF-8).
struct Message {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

// Called on the client's network thread, one message at a time. Returning an error means "not stored": the message
// is logged (topic and reason) and counted as rejected; the client does not crash or disconnect. An exception
// escaping the handler is a bug: it is caught, logged and counted as rejected too.
using Handler = std::function<Status(const Message&)>;

// True when `topic` matches the subscription `pattern` with MQTT wildcards (+ one level, # the rest, including the
// parent level: "a/#" matches "a"). Patterns starting with a wildcard do not match topics starting with '$'.
// A malformed pattern ("a/b#", "a/#/b", "a+") or a topic containing wildcards matches nothing.
bool TopicMatches(std::string_view pattern, std::string_view topic);

// The value of the `+` segments of `pattern` in `topic`, in order ("park/+/telemetry", "park/e01/telemetry" ->
// {"e01"}). Empty when the topic does not match (or the pattern has no `+`); `#` contributes nothing.
std::vector<std::string> WildcardSegments(std::string_view pattern, std::string_view topic);

// Subscribes to `topic_patterns` and hands every message to the handler, reconnecting forever with backoff and
// resubscribing on every (re)connect. Thread safety: Start/Stop/connected/stats may be called from any thread;
// the handler runs on the network thread (do not call Stop from inside the handler: it would wait for itself).
class Subscriber {
 public:
  Subscriber(Options options, std::vector<std::string> topic_patterns, Handler handler);
  ~Subscriber();  // Stop()
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Validates the options and patterns (kInvalidArgument naming the field) and starts the network thread; a
  // broker that is down or refuses us is retried in the background, not an error. kFailedPrecondition when
  // already started. May be called again after Stop() (same client id: a persistent session resumes).
  Status Start();
  // Disconnects cleanly (the broker keeps a persistent session) and joins the network thread; idempotent.
  // Returns within about 100 ms plus the time the handler needs to finish the current message.
  void Stop();
  // Connected to the broker (CONNACK accepted).
  bool connected() const;
  // Connected and the broker has acknowledged the subscriptions of this connection (SUBACK).
  bool subscribed() const;

  struct Stats {
    uint64_t received = 0;    // messages handed to the handler
    uint64_t accepted = 0;    // handler returned ok
    uint64_t rejected = 0;    // handler returned an error (or threw)
    uint64_t reconnects = 0;  // successful connections after the first one since construction
  };
  Stats stats() const;

 private:
  struct Impl;  // client.cpp
  std::unique_ptr<Impl> impl_;
};

// A small synchronous publisher (for the demo simulator and tests): connects, publishes, waits for the broker's
// acknowledgement at QoS 1/2. It has no thread of its own; the network is driven inside Connect and Publish, and a
// dropped connection is re-established once on the next Publish. Not thread safe: one caller at a time.
class Publisher {
 public:
  // kUnavailable when the broker cannot be reached or does not answer within timeout_ms; kUnauthenticated when it
  // refuses our credentials; kInvalidArgument for bad options.
  static Result<std::unique_ptr<Publisher>> Connect(Options options, int timeout_ms = 5000);
  ~Publisher();  // disconnects
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Returns once the broker acknowledged the message (QoS 1: PUBACK, QoS 2: PUBCOMP) or, at QoS 0, once it was
  // written to the socket. kInvalidArgument for a bad topic or qos; kUnavailable when not connected or timed out
  // (at QoS >= 1 libmosquitto may still deliver it after a timeout).
  Status Publish(std::string_view topic, std::string_view payload, int qos = 1, bool retain = false,
                 int timeout_ms = 5000);

 private:
  struct Impl;  // client.cpp
  explicit Publisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::mqtt
