// The live feed: modules publish events, WebSocket sessions receive the ones their principal may see.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "park/core/json.hpp"
#include "park/core/principal.hpp"

namespace park::http {

class LiveHub {
 public:
  // Called on the publisher's thread; must not block. Returns false when the subscriber cannot keep up or is
  // closing: the hub then drops it (its WebSocket is closed) rather than buffer without bound.
  using Sink = std::function<bool(std::shared_ptr<const std::string>)>;

  uint64_t Subscribe(const Principal& who, Sink sink);
  void Unsubscribe(uint64_t id);
  // Sends {"type":…, …payload} to every subscriber allowed to see it: events of an enterprise go to park roles and
  // to principals scoped to that enterprise; events with no enterprise go to park roles only.
  void Publish(std::string_view type, const Json& payload, std::optional<int64_t> enterprise_id);
  size_t size() const;

  static bool Visible(const Principal& who, std::optional<int64_t> enterprise_id);

 private:
  struct Subscriber {
    Principal who;
    Sink sink;
  };
  mutable std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Subscriber> subscribers_;
};

}  // namespace park::http
