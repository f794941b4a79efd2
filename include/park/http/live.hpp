// The live feed: modules publish events, WebSocket sessions receive the ones their principal may see.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "park/core/json.hpp"
#include "park/core/principal.hpp"

namespace park::http {

// The roles that may read the audit log (GET /api/v1/audit), and so receive audit events on the live feed.
const std::vector<Role>& AuditReaders();

class LiveHub {
 public:
  // Called on the publisher's thread; must not block. Returns false when the subscriber cannot keep up or is
  // closing: the hub then drops it (its WebSocket is closed) rather than buffer without bound.
  using Sink = std::function<bool(std::shared_ptr<const std::string>)>;
  // Closes the subscriber's WebSocket; called under the hub's lock, so it must only post work and return.
  using Closer = std::function<void()>;

  uint64_t Subscribe(const Principal& who, Sink sink, Closer close = {});
  void Unsubscribe(uint64_t id);
  // Sends {"type":…, …payload} to every subscriber that the REST twin of the event would answer: its role must be
  // one of `readers` (pass the very list the twin route declares), and its enterprise scope must cover the event
  // (a principal scoped to an enterprise gets that enterprise's events only; an unscoped one gets all).
  void Publish(std::string_view type, const Json& payload, std::optional<int64_t> enterprise_id,
               const std::vector<Role>& readers);
  // The same, to one user's own connections only (a driver's call to its dock): its role must still be one of
  // `readers`.
  void PublishToUser(int64_t user_id, std::string_view type, const Json& payload, const std::vector<Role>& readers);
  // Closes, at once, every live connection opened with this token (logout, revocation) ...
  void DisconnectToken(int64_t token_id);
  // ... or by this user, except the token `keep_token_id` (disabled, role or enterprise changed, password changed).
  void DisconnectUser(int64_t user_id, int64_t keep_token_id = 0);
  size_t size() const;

  static bool Visible(const Principal& who, std::optional<int64_t> enterprise_id, const std::vector<Role>& readers);

 private:
  struct Subscriber {
    Principal who;
    Sink sink;
    Closer close;
  };
  void DisconnectWhere(const std::function<bool(const Principal&)>& match);

  mutable std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Subscriber> subscribers_;
};

}  // namespace park::http
