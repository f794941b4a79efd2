// Private: the bound on password hashing. Argon2id costs ~64 MiB and tens of milliseconds of a core per call, so a
// flood of sign-ins with random names would otherwise take every core and I/O thread and multiply memory.
// Hashing runs on the caller's (I/O) thread, but only under one of `workers` slots, with at most `queue` callers
// waiting for a slot; everyone else is refused at once (429). So at most workers + queue I/O threads are ever busy
// with hashing and the rest keep serving ordinary requests. A client address may also start at most
// `per_address_per_minute` hashes a minute. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "park/auth/auth.hpp"
#include "park/core/result.hpp"

namespace park::auth {

class HashGate {
 public:
  explicit HashGate(Config::Hashing limits) : limits_(limits) {}

  // A held slot; releases it when destroyed.
  class Ticket {
   public:
    Ticket(Ticket&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket();

   private:
    friend class HashGate;
    explicit Ticket(HashGate* gate) : gate_(gate) {}
    HashGate* gate_;
  };

  // A slot for one hash, or kResourceExhausted (with a retry hint in the message) when the gate is full or the
  // address is over its rate. `now_ms` is the injected clock's time.
  Result<Ticket> Enter(const std::string& address, int64_t now_ms);

  // Counters for /metrics.
  uint64_t refused() const;
  uint64_t admitted() const;

 private:
  void Leave();

  const Config::Hashing limits_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  int running_ = 0;
  int waiting_ = 0;
  std::unordered_map<std::string, std::deque<int64_t>> starts_;  // per address, within the last minute
  uint64_t refused_ = 0;
  uint64_t admitted_ = 0;
};

}  // namespace park::auth
