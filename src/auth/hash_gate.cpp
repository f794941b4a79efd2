#include "auth/hash_gate.hpp"

namespace park::auth {

HashGate::Ticket::~Ticket() {
  if (gate_) gate_->Leave();
}

Result<HashGate::Ticket> HashGate::Enter(const std::string& address, int64_t now_ms) {
  std::unique_lock lock(mutex_);
  auto refuse = [&](Text why) -> Result<Ticket> {
    ++refused_;
    return Error::Coded(ErrorCode::kResourceExhausted, std::move(why));
  };
  auto& starts = starts_[address];
  while (!starts.empty() && starts.front() <= now_ms - 60000) starts.pop_front();
  if (static_cast<int>(starts.size()) >= limits_.per_address_per_minute) {
    return refuse(T("auth.address_attempts"));
  }
  if (running_ >= limits_.workers && waiting_ >= limits_.queue) {
    return refuse(T("auth.busy"));
  }
  if (running_ >= limits_.workers) {
    ++waiting_;
    const bool got = freed_.wait_for(lock, std::chrono::milliseconds(limits_.max_wait_ms),
                                     [&] { return running_ < limits_.workers; });
    --waiting_;
    if (!got) return refuse(T("auth.busy"));
  }
  ++running_;
  ++admitted_;
  starts_[address].push_back(now_ms);
  // Forget idle addresses so that a flood of random addresses leaves nothing behind.
  if (starts_.size() > 10000) {
    for (auto it = starts_.begin(); it != starts_.end();) {
      while (!it->second.empty() && it->second.front() <= now_ms - 60000) it->second.pop_front();
      it = it->second.empty() ? starts_.erase(it) : std::next(it);
    }
  }
  return Ticket(this);
}

void HashGate::Leave() {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  freed_.notify_one();
}

uint64_t HashGate::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

uint64_t HashGate::admitted() const {
  std::lock_guard lock(mutex_);
  return admitted_;
}

}  // namespace park::auth
