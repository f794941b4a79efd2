// PostgreSQL backend (libpqxx 6): a pool of connections; each Write is one READ COMMITTED transaction, each
// Read a REPEATABLE READ, READ ONLY snapshot. After an error inside a transaction PostgreSQL only allows a
// rollback, so callers return the error instead of carrying on.
#include <pqxx/pqxx>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "store/backends.hpp"

namespace park::store {
namespace {

// bytea parameters travel in text format as "\x" followed by hex digits.
std::string HexBytea(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 + bytes.size() * 2);
  out += "\\x";
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// Column from 'Key (enterprise_id, tag)=(1, T-1) already exists.' -> "tag".
std::string UniqueColumn(const std::string& message) {
  const auto open = message.find("Key (");
  if (open == std::string::npos) return {};
  const auto close = message.find(")=", open);
  if (close == std::string::npos) return {};
  std::string cols = message.substr(open + 5, close - open - 5);
  const auto comma = cols.rfind(", ");
  return comma == std::string::npos ? cols : cols.substr(comma + 2);
}

std::string Redact(const std::string& url) {
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// A pooled connection with the statements prepared on it: the server parses and plans each distinct statement
// once per connection instead of on every call (a booking join planned anew cost more than running it).
struct PgConnection : pqxx::connection {
  using pqxx::connection::connection;
  std::unordered_map<std::string, std::string> prepared;  // SQL -> statement name
};
// Statements kept prepared per connection; past that (SQL built with values in it, which we avoid) they run
// unprepared instead of growing the server's memory.
constexpr size_t kMaxPrepared = 1000;

class PgTx final : public Tx {
 public:
  PgTx(pqxx::transaction_base& tx, PgConnection& conn) : tx_(tx), conn_(conn) {}

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    PARK_ASSIGN_OR_RETURN(pqxx::result r, Run(sql, params));
    std::vector<Row> rows;
    rows.reserve(r.size());
    const auto ncol = static_cast<size_t>(r.columns());
    std::vector<pqxx::oid> types(ncol);
    for (size_t i = 0; i < ncol; ++i) types[i] = r.column_type(static_cast<pqxx::row::size_type>(i));
    for (const auto& pr : r) {
      std::vector<Value> values;
      values.reserve(ncol);
      for (size_t i = 0; i < ncol; ++i) {
        const auto f = pr[static_cast<pqxx::row::size_type>(i)];
        if (f.is_null()) {
          values.emplace_back(nullptr);
          continue;
        }
        switch (types[i]) {
          case 20: case 21: case 23: values.emplace_back(static_cast<int64_t>(std::atoll(f.c_str()))); break;
          case 16: values.emplace_back(int64_t{f.c_str()[0] == 't' ? 1 : 0}); break;
          case 700: case 701: case 1700: values.emplace_back(std::strtod(f.c_str(), nullptr)); break;
          case 17: values.emplace_back(Bytes{pqxx::binarystring(f).str()}); break;  // bytea
          default: values.emplace_back(std::string(f.c_str(), f.size()));
        }
      }
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    PARK_ASSIGN_OR_RETURN(pqxx::result r, Run(sql, params));
    return static_cast<int64_t>(r.affected_rows());
  }

  Status ExecScript(std::string_view sql) override {
    try {
      tx_.exec(std::string(sql));
    } catch (const std::exception& e) {
      spdlog::error("postgres: script failed: {}", e.what());
      return Error::Internal("database error");
    }
    return {};
  }

 private:
  Result<pqxx::result> Run(std::string_view sql, const Params& params) {
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> ptrs;
    ptrs.reserve(params.size());
    char buf[40];
    for (const Value& v : params) {
      if (std::holds_alternative<std::nullptr_t>(v)) {
        ptrs.push_back(nullptr);
        continue;
      }
      if (const auto* n = std::get_if<int64_t>(&v)) {
        storage.emplace_back(std::to_string(*n));
      } else if (const auto* d = std::get_if<double>(&v)) {
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        storage.emplace_back(buf);
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        storage.emplace_back(HexBytea(b->data));
      } else {
        storage.push_back(std::get<std::string>(v));
      }
      ptrs.push_back(storage.back().c_str());
    }
    try {
      std::string text(sql);
      auto it = conn_.prepared.find(text);
      if (it == conn_.prepared.end() && conn_.prepared.size() < kMaxPrepared) {
        std::string name = "park_" + std::to_string(conn_.prepared.size());
        conn_.prepare(name, text);  // registered now, prepared on the server at its first use
        it = conn_.prepared.emplace(std::move(text), std::move(name)).first;
      }
      if (it != conn_.prepared.end()) {
        return tx_.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(ptrs));
      }
      return tx_.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(ptrs));
    } catch (const pqxx::unique_violation& e) {
      return MapUniqueViolation(UniqueColumn(e.what()));
    } catch (const pqxx::foreign_key_violation&) {
      return Error::Conflict("the change refers to a record that does not exist, or removes one still in use");
    } catch (const pqxx::broken_connection& e) {
      spdlog::error("postgres: connection lost: {}", e.what());
      throw;  // the store drops this connection and reports unavailable
    } catch (const pqxx::sql_error& e) {
      spdlog::error("postgres: {} in: {}", e.what(), sql.substr(0, 200));
      return Error::Internal("database error");
    }
  }

  pqxx::transaction_base& tx_;
  PgConnection& conn_;
};

using ReadTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

class PgStore final : public Store {
 public:
  PgStore(std::string url, Options options) : url_(std::move(url)), options_(options) {}

  Status Init() {
    for (int i = 0; i < std::max(1, options_.pool_size); ++i) {
      auto c = Connect();
      if (!c) return Error{ErrorCode::kUnavailable, "cannot connect to PostgreSQL at " + Redact(url_), "db"};
      idle_.push_back(std::move(c));
    }
    return {};
  }

  Backend backend() const override { return Backend::kPostgres; }
  std::string Describe() const override { return Redact(url_); }

  Status Write(const std::function<Status(Tx&)>& fn) override { return Run<pqxx::work>(fn); }
  Status Read(const std::function<Status(Tx&)>& fn) override { return Run<ReadTransaction>(fn); }

  Status Backup(const std::string&) override {
    return Error{ErrorCode::kFailedPrecondition,
                 "backups of PostgreSQL are made with pg_dump, e.g. `pg_dump -Fc -f parkbrain.dump '" + Redact(url_) +
                     "'` (consistent while the server runs)",
                 {}};
  }

 private:
  std::unique_ptr<PgConnection> Connect() {
    try {
      return std::make_unique<PgConnection>(url_);
    } catch (const std::exception& e) {
      spdlog::error("postgres: cannot connect to {}: {}", Redact(url_), e.what());
      return nullptr;
    }
  }

  template <typename TxType>
  Status Run(const std::function<Status(Tx&)>& fn) {
    std::unique_ptr<PgConnection> c;
    {
      std::unique_lock lock(pool_mutex_);
      pool_cv_.wait(lock, [&] { return !idle_.empty(); });
      c = std::move(idle_.back());
      idle_.pop_back();
    }
    Status result;
    try {
      if (!c || !c->is_open()) c = Connect();
      if (!c) {
        result = Error{ErrorCode::kUnavailable, "the database is unavailable; try again", {}};
      } else {
        TxType t(*c);
        PgTx tx(t, *c);
        result = fn(tx);
        if (result.ok()) t.commit();  // on error the transaction's destructor rolls back
      }
    } catch (const pqxx::broken_connection&) {
      c.reset();
      result = Error{ErrorCode::kUnavailable, "the database connection was lost; try again", {}};
    } catch (const pqxx::in_doubt_error& e) {
      spdlog::error("postgres: commit in doubt: {}", e.what());
      c.reset();
      result = Error{ErrorCode::kUnavailable, "the database connection was lost during commit", {}};
    } catch (const pqxx::sql_error& e) {
      spdlog::error("postgres: {}", e.what());
      result = Error::Internal("database error");
    }
    {
      std::lock_guard lock(pool_mutex_);
      idle_.push_back(std::move(c));  // may be null: reconnected on next use
    }
    pool_cv_.notify_one();
    return result;
  }

  std::string url_;
  Options options_;
  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const Options& options) {
  auto store = std::make_unique<PgStore>(url, options);
  PARK_TRY(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace park::store
