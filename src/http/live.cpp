#include "park/http/live.hpp"

#include <vector>

namespace park::http {

bool LiveHub::Visible(const Principal& who, std::optional<int64_t> enterprise_id) {
  if (who.enterprise_id) return enterprise_id && *enterprise_id == *who.enterprise_id;
  return who.SeesWholePark() || (who.role == Role::kTechnician && enterprise_id.has_value());
}

uint64_t LiveHub::Subscribe(const Principal& who, Sink sink) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  subscribers_.emplace(id, Subscriber{who, std::move(sink)});
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

void LiveHub::Publish(std::string_view type, const Json& payload, std::optional<int64_t> enterprise_id) {
  Json message = payload.is_object() ? payload : Json{{"data", payload}};
  message["type"] = type;
  auto text = std::make_shared<const std::string>(message.dump(-1, ' ', false, Json::error_handler_t::replace));
  std::lock_guard lock(mutex_);
  std::vector<uint64_t> dropped;
  for (auto& [id, s] : subscribers_) {
    if (!Visible(s.who, enterprise_id)) continue;
    if (!s.sink(text)) dropped.push_back(id);
  }
  for (uint64_t id : dropped) subscribers_.erase(id);
}

}  // namespace park::http
