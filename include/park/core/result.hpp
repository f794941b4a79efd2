// Result<T>: a value or an Error. Expected failures (bad input, not found, infeasible) travel as values;
// exceptions are kept for bugs and broken infrastructure and are caught at the server boundary.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "park/core/error.hpp"

namespace park {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
  Result(Error error) : data_(std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(data_); }
  const T& value() const& { assert(ok()); return std::get<0>(data_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(data_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(data_)); }

 private:
  std::variant<T, Error> data_;
};

// Status: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return {}; }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace park

// Early return of the error from an expression yielding Result<T> or Status.
#define PARK_TRY(expr)                                       \
  do {                                                       \
    auto&& park_try_r_ = (expr);                             \
    if (!park_try_r_.ok()) return park_try_r_.error();       \
  } while (0)

#define PARK_CONCAT_INNER_(a, b) a##b
#define PARK_CONCAT_(a, b) PARK_CONCAT_INNER_(a, b)
// PARK_ASSIGN_OR_RETURN(auto x, Compute()); declares x from the value or returns the error.
#define PARK_ASSIGN_OR_RETURN(decl, expr) PARK_ASSIGN_OR_RETURN_IMPL_(PARK_CONCAT_(park_r_, __LINE__), decl, expr)
#define PARK_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.take_error();            \
  decl = std::move(tmp).value()
