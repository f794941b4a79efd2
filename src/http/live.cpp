#include "park/http/live.hpp"

#include <algorithm>

namespace park::http {

const std::vector<Role>& AuditReaders() {
  static const std::vector<Role> kReaders = {Role::kParkAdmin};
  return kReaders;
}

bool LiveHub::Visible(const Principal& who, std::optional<int64_t> enterprise_id, const std::vector<Role>& readers) {
  if (std::find(readers.begin(), readers.end(), who.role) == readers.end()) return false;
  // As the REST handlers scope: a principal of one enterprise sees that enterprise's events only; one without
  // an enterprise (park roles, technicians, integrators, screens) sees every enterprise's.
  if (who.enterprise_id) return enterprise_id && *enterprise_id == *who.enterprise_id;
  return true;
}

uint64_t LiveHub::Subscribe(const Principal& who, Sink sink, Closer close) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  subscribers_.emplace(id, Subscriber{who, std::move(sink), std::move(close)});
  return id;
}

void LiveHub::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

size_t LiveHub::size() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

void LiveHub::Publish(std::string_view type, const Json& payload, std::optional<int64_t> enterprise_id,
                      const std::vector<Role>& readers) {
  std::shared_ptr<const std::string> text;  // serialised only when someone may see it
  std::lock_guard lock(mutex_);
  std::vector<uint64_t> dropped;
  for (auto& [id, s] : subscribers_) {
    if (!Visible(s.who, enterprise_id, readers)) continue;
    if (!text) {
      Json message = payload.is_object() ? payload : Json{{"data", payload}};
      message["type"] = type;
      text = std::make_shared<const std::string>(message.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    if (!s.sink(text)) dropped.push_back(id);
  }
  for (uint64_t id : dropped) subscribers_.erase(id);
}

void LiveHub::PublishToUser(int64_t user_id, std::string_view type, const Json& payload,
                            const std::vector<Role>& readers) {
  if (user_id == 0) return;
  Json message = payload.is_object() ? payload : Json{{"data", payload}};
  message["type"] = type;
  const auto text = std::make_shared<const std::string>(message.dump(-1, ' ', false, Json::error_handler_t::replace));
  std::lock_guard lock(mutex_);
  std::vector<uint64_t> dropped;
  for (auto& [id, s] : subscribers_) {
    if (s.who.user_id != user_id || std::find(readers.begin(), readers.end(), s.who.role) == readers.end()) continue;
    if (!s.sink(text)) dropped.push_back(id);
  }
  for (uint64_t id : dropped) subscribers_.erase(id);
}

void LiveHub::DisconnectWhere(const std::function<bool(const Principal&)>& match) {
  std::lock_guard lock(mutex_);
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (match(it->second.who)) {
      if (it->second.close) it->second.close();
      it = subscribers_.erase(it);
    } else {
      ++it;
    }
  }
}

void LiveHub::DisconnectToken(int64_t token_id) {
  DisconnectWhere([&](const Principal& p) { return p.token_id == token_id; });
}

void LiveHub::DisconnectUser(int64_t user_id, int64_t keep_token_id) {
  if (user_id == 0) return;
  DisconnectWhere([&](const Principal& p) { return p.user_id == user_id && p.token_id != keep_token_id; });
}

}  // namespace park::http
