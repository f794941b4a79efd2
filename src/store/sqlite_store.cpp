// SQLite backend: a pool of connections to one file in WAL mode. In-process writers are serialised by a mutex so
// they never spin on SQLITE_BUSY; other processes (the CLI while the server runs) wait up to busy_timeout_ms.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "store/backends.hpp"

namespace park::store {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view sql) {
  const int ext = db ? sqlite3_extended_errcode(db) : rc;
  const std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    // "UNIQUE constraint failed: enterprises.credit_code" or "...: equipment.enterprise_id, equipment.tag"
    const auto dot = msg.rfind('.');
    return MapUniqueViolation(dot == std::string::npos ? std::string_view() : std::string_view(msg).substr(dot + 1));
  }
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::Conflict("the change refers to a record that does not exist, or removes one still in use");
  }
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return Error{ErrorCode::kUnavailable, "the database is busy; try again", {}};
  }
  spdlog::error("sqlite: {} (code {}) in: {}", msg, ext, sql.substr(0, 200));
  return Error::Internal("database error");
}

struct Connection {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements;

  ~Connection() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    if (db) sqlite3_close_v2(db);
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = statements.find(std::string(sql));
    if (it != statements.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                      nullptr);
    if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
    statements.emplace(std::string(sql), stmt);
    return stmt;
  }
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c) : c_(c) {}

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    PARK_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Bind(sql, params));
    std::vector<Row> rows;
    const int ncol = sqlite3_column_count(stmt);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Error e = SqliteError(c_.db, rc, sql);
        sqlite3_reset(stmt);
        return e;
      }
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(ncol));
      for (int i = 0; i < ncol; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i))); break;
          case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, i)); break;
          case SQLITE_NULL: values.emplace_back(nullptr); break;
          case SQLITE_BLOB: {
            const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, i));
            values.emplace_back(Bytes{std::string(blob, static_cast<size_t>(sqlite3_column_bytes(stmt, i)))});
            break;
          }
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            values.emplace_back(std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
          }
        }
      }
      rows.emplace_back(std::move(values));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    PARK_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Bind(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      Error e = SqliteError(c_.db, rc, sql);
      sqlite3_reset(stmt);
      return e;
    }
    sqlite3_reset(stmt);
    return static_cast<int64_t>(sqlite3_changes64(c_.db));
  }

  Status ExecScript(std::string_view sql) override {
    const std::string copy(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(c_.db, copy.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      spdlog::error("sqlite: script failed: {}", err ? err : "?");
      sqlite3_free(err);
      return Error::Internal("database error");
    }
    return {};
  }

 private:
  // Parameters are written $1, $2, … on both backends; SQLite binds them by name.
  Result<sqlite3_stmt*> Bind(std::string_view sql, const Params& params) {
    PARK_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, c_.Prepare(sql));
    char name[32];
    for (size_t i = 0; i < params.size(); ++i) {
      std::snprintf(name, sizeof name, "$%zu", i + 1);
      const int idx = sqlite3_bind_parameter_index(stmt, name);
      if (idx == 0) continue;  // parameter not used by this statement
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        rc = sqlite3_bind_blob64(stmt, idx, b->data.data(), b->data.size(), SQLITE_TRANSIENT);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) return SqliteError(c_.db, rc, sql);
    }
    return stmt;
  }

  Connection& c_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, Options options) : path_(std::move(path)), options_(options) {}

  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_cv_.notify_one();
    if (checkpointer_.joinable()) checkpointer_.join();
  }

  Status Init() {
    for (int i = 0; i < std::max(1, options_.pool_size); ++i) {
      auto c = std::make_unique<Connection>();
      const int rc = sqlite3_open_v2(path_.c_str(), &c->db,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
      if (rc != SQLITE_OK) {
        spdlog::error("sqlite: cannot open {}: {}", path_, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        return Error{ErrorCode::kUnavailable, "cannot open the database file " + path_, "db"};
      }
      sqlite3_busy_timeout(c->db, options_.busy_timeout_ms);
      // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable across power loss.
      // auto_vacuum=INCREMENTAL takes effect only on a new, empty file (before the first table): freed pages can
      // then be given back to the file system (ReleaseFreeSpace), which matters after the telemetry log is sealed.
      const char* pragmas =
          "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
          "PRAGMA temp_store=MEMORY;";
      char* err = nullptr;
      if (sqlite3_exec(c->db, pragmas, nullptr, nullptr, &err) != SQLITE_OK) {
        spdlog::error("sqlite: setting up {} failed: {}", path_, err ? err : "?");
        sqlite3_free(err);
        return Error{ErrorCode::kUnavailable, "cannot use the database file " + path_, "db"};
      }
      // No checkpoint inside a commit: SQLite's automatic checkpoint would copy the WAL into the database file and
      // fsync it in whichever request's COMMIT crossed the threshold (a gate event waiting 100 ms behind megabytes
      // of telemetry). The hook replaces it and hands the work to the checkpointer thread, which runs beside the
      // writers (a passive checkpoint waits for no one and blocks no one).
      sqlite3_wal_hook(c->db, &SqliteStore::OnWalCommit, this);
      idle_.push_back(std::move(c));
    }
    checkpoint_db_ = std::make_unique<Connection>();
    if (sqlite3_open_v2(path_.c_str(), &checkpoint_db_->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      return Error{ErrorCode::kUnavailable, "cannot open the database file " + path_, "db"};
    }
    sqlite3_busy_timeout(checkpoint_db_->db, options_.busy_timeout_ms);
    checkpointer_ = std::thread([this] { CheckpointLoop(); });
    return {};
  }

  Backend backend() const override { return Backend::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

  // Group commit: writers that arrive while a commit is under way wait for it, then the first of them runs all
  // their functions in one transaction, each inside its own savepoint (one's error rolls back only its own
  // changes), and one COMMIT (one fsync) makes them all durable before any of them returns. Alone, a writer runs
  // as before. SQLite has one writer at a time anyway; this only stops the queue behind a slow fsync from paying
  // one fsync each (the gate's answer at 200 events/s: docs/BENCHMARKS.md).
  Status Write(const std::function<Status(Tx&)>& fn) override {
    PendingWrite me;
    me.fn = &fn;
    std::unique_lock lock(group_mutex_);
    group_queue_.push_back(&me);
    group_cv_.wait(lock, [&] { return me.done || !group_leader_; });
    if (!me.done) {
      group_leader_ = true;
      std::vector<PendingWrite*> group;
      group.swap(group_queue_);
      lock.unlock();
      RunGroup(group);
      lock.lock();
      group_leader_ = false;
      for (PendingWrite* p : group) p->done = true;
      group_cv_.notify_all();
    }
    if (me.exception) std::rethrow_exception(me.exception);
    return me.result;
  }

  Status Read(const std::function<Status(Tx&)>& fn) override { return Run(fn, "BEGIN"); }

  Status Backup(const std::string& dest_path) override {
    auto c = Acquire();
    sqlite3* dest = nullptr;
    Status result;
    if (sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      result = Error::Invalid("dest", "cannot create the backup file " + dest_path);
    } else if (sqlite3_backup* b = sqlite3_backup_init(dest, "main", c->db, "main")) {
      // Copy in steps so the live server's writers are not held up for the whole copy.
      int rc;
      while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (rc != SQLITE_OK) sqlite3_sleep(10);
      }
      sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) result = SqliteError(dest, rc, "backup");
    } else {
      result = SqliteError(dest, sqlite3_errcode(dest), "backup");
    }
    if (dest) sqlite3_close_v2(dest);
    Release(std::move(c));
    return result;
  }

  Status ReleaseFreeSpace() override {
    std::lock_guard write_lock(write_mutex_);
    auto c = Acquire();
    char* err = nullptr;
    const int rc = sqlite3_exec(c->db, "PRAGMA incremental_vacuum;", nullptr, nullptr, &err);
    Status result;
    if (rc != SQLITE_OK) {
      spdlog::warn("sqlite: incremental_vacuum failed: {}", err ? err : "?");
      result = Error::Internal("database error");
    }
    sqlite3_free(err);
    Release(std::move(c));
    return result;
  }

 private:
  struct PendingWrite {
    const std::function<Status(Tx&)>* fn = nullptr;
    Status result;
    std::exception_ptr exception;
    bool done = false;
  };

  void RunGroup(const std::vector<PendingWrite*>& group) {
    std::lock_guard write_lock(write_mutex_);
    if (group.size() == 1) {
      try {
        group.front()->result = Run(*group.front()->fn, "BEGIN IMMEDIATE");
      } catch (...) {
        group.front()->exception = std::current_exception();
      }
      return;
    }
    auto c = Acquire();
    SqliteTx tx(*c);
    auto fail_all = [&](const Error& e) {
      for (PendingWrite* p : group) {
        if (!p->exception && p->result.ok()) p->result = e;
      }
    };
    if (auto begun = tx.Exec("BEGIN IMMEDIATE", {}); !begun.ok()) {
      fail_all(begun.error());
      Release(std::move(c));
      return;
    }
    for (PendingWrite* p : group) {
      if (auto sp = tx.Exec("SAVEPOINT park_write", {}); !sp.ok()) {
        p->result = sp.error();
        continue;
      }
      try {
        p->result = (*p->fn)(tx);
      } catch (...) {
        p->exception = std::current_exception();
      }
      const bool keep = p->result.ok() && !p->exception;
      if (!keep) (void)tx.Exec("ROLLBACK TO park_write", {});
      (void)tx.Exec("RELEASE park_write", {});
      if (sqlite3_get_autocommit(c->db) != 0) {
        // SQLite ended the whole transaction (an I/O error, a full disk): the group's earlier work is gone too.
        fail_all(Error{ErrorCode::kUnavailable, "the database could not complete the write; try again", {}});
        Release(std::move(c));
        return;
      }
    }
    if (auto committed = tx.Exec("COMMIT", {}); !committed.ok()) {
      (void)tx.Exec("ROLLBACK", {});
      fail_all(committed.error());
    }
    Release(std::move(c));
  }

  // The WAL's length in pages after which a checkpoint is due (4 MB of 4 KiB pages); and how often one runs anyway
  // when the WAL stays shorter.
  static constexpr int kCheckpointPages = 1024;
  static constexpr std::chrono::seconds kCheckpointEvery{30};

  static int OnWalCommit(void* self, sqlite3*, const char*, int pages) {
    if (pages >= kCheckpointPages) {
      auto* store = static_cast<SqliteStore*>(self);
      {
        std::lock_guard lock(store->checkpoint_mutex_);
        store->checkpoint_due_ = true;
      }
      store->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  void CheckpointLoop() {
    std::unique_lock lock(checkpoint_mutex_);
    while (!stopping_) {
      checkpoint_cv_.wait_for(lock, kCheckpointEvery, [&] { return stopping_ || checkpoint_due_; });
      if (stopping_) break;
      checkpoint_due_ = false;
      lock.unlock();
      int wal_pages = 0, copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages,
                                               &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
        spdlog::warn("sqlite: checkpoint of {} failed: {}", path_, sqlite3_errmsg(checkpoint_db_->db));
      }
      lock.lock();
    }
  }

  std::unique_ptr<Connection> Acquire() {
    std::unique_lock lock(pool_mutex_);
    pool_cv_.wait(lock, [&] { return !idle_.empty(); });
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }

  void Release(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(pool_mutex_);
      idle_.push_back(std::move(c));
    }
    pool_cv_.notify_one();
  }

  Status Run(const std::function<Status(Tx&)>& fn, const char* begin) {
    auto c = Acquire();
    Status result;
    try {
      result = RunOn(*c, fn, begin);
    } catch (...) {
      Release(std::move(c));  // rolled back by RunOn; the connection goes back to the pool, not away with it
      throw;
    }
    Release(std::move(c));
    return result;
  }

  static Status RunOn(Connection& c, const std::function<Status(Tx&)>& fn, const char* begin) {
    SqliteTx tx(c);
    PARK_TRY(tx.Exec(begin, {}));
    Status s;
    try {
      s = fn(tx);
    } catch (...) {
      (void)tx.Exec("ROLLBACK", {});
      throw;
    }
    if (!s.ok()) {
      (void)tx.Exec("ROLLBACK", {});
      return s;
    }
    auto committed = tx.Exec("COMMIT", {});
    if (!committed.ok()) {
      (void)tx.Exec("ROLLBACK", {});
      return committed.error();
    }
    return {};
  }

  std::string path_;
  Options options_;
  std::mutex write_mutex_;
  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  // Group commit (see Write).
  std::mutex group_mutex_;
  std::condition_variable group_cv_;
  std::vector<PendingWrite*> group_queue_;
  bool group_leader_ = false;
  // The checkpointer: its own connection and thread (see Init).
  std::unique_ptr<Connection> checkpoint_db_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace

Error MapUniqueViolation(std::string_view column) {
  std::string field(column);
  if (field.empty()) return Error{ErrorCode::kAlreadyExists, "a record with the same key already exists", {}};
  return Error{ErrorCode::kAlreadyExists, "another record already has this " + field, field};
}

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const Options& options) {
  auto store = std::make_unique<SqliteStore>(path, options);
  PARK_TRY(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace park::store
