// The store: one interface over two real backends, SQLite (a file, the default) and PostgreSQL 15 (for parks
// that run several instances). Modules keep their SQL in named constants and write it once for both: parameters
// are $1, $2, … on both backends, and only the numbered migrations differ per backend.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "park/core/result.hpp"

namespace park::store {

// A parameter or a column value. Booleans are stored as 0/1 integers, instants as epoch milliseconds, dates as
// "YYYY-MM-DD" text and structured values as JSON text, identically on both backends.
// Bytes: binary data (BLOB on SQLite, bytea on PostgreSQL), e.g. compressed time-series chunks.
struct Bytes {
  std::string data;
};
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Bytes>;
using Params = std::vector<Value>;

// A parameter from an optional value: NULL when it is empty.
template <typename T>
Value OrNull(const std::optional<T>& v) {
  return v ? Value(*v) : Value(nullptr);
}

// A LIKE pattern that finds `text` anywhere, literally: "%" and "_" in it match only themselves ("R_101" does not
// find "R-101", "%" does not find every row). Use it with `LIKE $n ESCAPE '\'` (kLikeEscape), the same on SQLite
// and PostgreSQL. Empty text gives "" (callers treat it as "no filter"). ASCII letters are lower-cased when asked,
// for comparison with lower(column).
std::string LikeContains(std::string_view text, bool lower_case);
inline constexpr std::string_view kLikeEscape = "ESCAPE '\\'";

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  int64_t Int(size_t i) const;                     // 0 for NULL
  double Real(size_t i) const;                     // 0 for NULL
  std::string Text(size_t i) const;                // "" for NULL
  std::optional<double> OptReal(size_t i) const;   // nullopt for NULL
  std::optional<int64_t> OptInt(size_t i) const;   // nullopt for NULL
  std::optional<std::string> OptText(size_t i) const;
  // A BLOB/bytea column (text columns are returned as their bytes too); empty for NULL.
  std::string_view Blob(size_t i) const;
  const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

// One open transaction. Not thread-safe; lives only inside Store::Read/Write.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // The first row, or nullopt when there is none.
  Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
};

enum class Backend { kSqlite, kPostgres };

struct Options {
  int pool_size = 4;          // connections kept open
  int busy_timeout_ms = 10000;  // SQLite: how long to wait for another process's write lock
};

// Thread-safe. Errors from the database become Error values: a unique violation is kAlreadyExists with the
// column in `field`, a foreign-key violation kConflict, anything else kInternal (details only in the log).
class Store {
 public:
  virtual ~Store() = default;

  // url: "postgresql://…" or "postgres://…" for PostgreSQL; "sqlite:PATH" or a plain path for SQLite.
  static Result<std::unique_ptr<Store>> Open(const std::string& url, const Options& options = {});

  virtual Backend backend() const = 0;
  // The URL with any password removed, for logs.
  virtual std::string Describe() const = 0;

  // Runs fn in one transaction and commits when it returns OK; any error rolls everything back. Writes are
  // durable when Write returns OK (SQLite: WAL with synchronous=FULL; PostgreSQL: synchronous commit).
  virtual Status Write(const std::function<Status(Tx&)>& fn) = 0;
  // A read-only transaction (a consistent snapshot).
  virtual Status Read(const std::function<Status(Tx&)>& fn) = 0;

  // Applies the embedded numbered migrations for this backend that are not yet applied; returns the version.
  Result<int> Migrate();
  Result<int> SchemaVersion();

  // A consistent copy of the live database at `dest_path` (SQLite online backup). PostgreSQL: an error that
  // explains how to use pg_dump.
  virtual Status Backup(const std::string& dest_path) = 0;
  // Gives pages freed by deletions back to the file system (SQLite files created by this version; PostgreSQL's
  // autovacuum does this by itself).
  virtual Status ReleaseFreeSpace() { return {}; }
};

// The embedded migrations, exposed for tests.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};
std::vector<Migration> MigrationsFor(Backend backend);

}  // namespace park::store
