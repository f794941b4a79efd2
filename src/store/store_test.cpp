// The same suite on both backends. PostgreSQL runs when PARKBRAIN_TEST_PG names a throw-away database
// (`make test` starts one); with PARKBRAIN_REQUIRE_PG=1 a missing PostgreSQL is a failure, not a skip.
#include "park/store/store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

namespace park::store {
namespace {

constexpr std::string_view kInsertEnterprise =
    "INSERT INTO enterprises (name, credit_code, sector, land_area_mu, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
constexpr std::string_view kCountEnterprises = "SELECT COUNT(*) FROM enterprises";

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() /
             ("parkbrain-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
      std::filesystem::create_directories(dir_);
      url_ = (dir_ / "park.db").string();
    } else {
      const char* pg = std::getenv("PARKBRAIN_TEST_PG");
      if (!pg || !*pg) {
        const char* require = std::getenv("PARKBRAIN_REQUIRE_PG");
        if (require && std::string(require) == "1") FAIL() << "PARKBRAIN_TEST_PG is not set";
        GTEST_SKIP() << "PARKBRAIN_TEST_PG not set; run `make test` to start a throw-away PostgreSQL";
      }
      url_ = pg;
      auto s = Store::Open(url_);
      ASSERT_TRUE(s.ok()) << s.error().message;
      ASSERT_TRUE((*s)->Write([](Tx& tx) { return tx.ExecScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"); })
                      .ok());
    }
    auto s = Store::Open(url_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    auto v = store_->Migrate();
    ASSERT_TRUE(v.ok()) << v.error().message;
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  int64_t InsertEnterprise(const std::string& name, const std::string& code) {
    int64_t id = 0;
    Status s = store_->Write([&](Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertEnterprise, {name, code, std::string("2710"), 12.5,
                                                                       int64_t{1700000000000}}));
      id = row->Int(0);
      return {};
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return id;
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(store_->Read([&](Tx& tx) -> Status {
                        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kCountEnterprises));
                        n = row->Int(0);
                        return {};
                      })
                    .ok());
    return n;
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrateIsIdempotent) {
  const int expected = static_cast<int>(MigrationsFor(GetParam()).size());
  EXPECT_EQ(*store_->SchemaVersion(), expected);
  auto again = store_->Migrate();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, expected);
}

TEST_P(StoreTest, BackendsAgreeOnMigrationNumbers) {
  const auto a = MigrationsFor(Backend::kSqlite);
  const auto b = MigrationsFor(Backend::kPostgres);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].version, static_cast<int>(i + 1)) << "migrations are numbered 1, 2, 3, … without gaps";
    EXPECT_EQ(a[i].version, b[i].version);
    EXPECT_EQ(a[i].name, b[i].name);
  }
}

TEST_P(StoreTest, ValuesRoundTrip) {
  const int64_t id = InsertEnterprise("温州绿色制药有限公司", "91350100M000100Y43");
  ASSERT_GT(id, 0);
  Status s = store_->Read([&](Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id, name, land_area_mu, address, created_at, NULL "
                                                "FROM enterprises WHERE id = $1 AND id = $1",
                                                {id}));
    EXPECT_TRUE(row.has_value());
    EXPECT_EQ(row->Int(0), id);
    EXPECT_EQ(row->Text(1), "温州绿色制药有限公司");
    EXPECT_DOUBLE_EQ(row->Real(2), 12.5);
    EXPECT_EQ(row->Text(3), "");
    EXPECT_EQ(row->Int(4), 1700000000000);
    EXPECT_TRUE(row->IsNull(5));
    PARK_ASSIGN_OR_RETURN(auto none, tx.QueryOne("SELECT id FROM enterprises WHERE id = $1", {id + 1000}));
    EXPECT_FALSE(none.has_value());
    return {};
  });
  EXPECT_TRUE(s.ok());
}

TEST_P(StoreTest, UniqueViolationNamesTheColumn) {
  InsertEnterprise("A", "91350100M000100Y43");
  Status direct = store_->Write([&](Tx& tx) -> Status {
    PARK_TRY(tx.Exec(kInsertEnterprise, {std::string("B"), std::string("91350100M000100Y43"), std::string("2710"),
                                         1.0, int64_t{1}}));
    return {};
  });
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(direct.error().field, "credit_code");
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreTest, ForeignKeyViolationIsAConflict) {
  Status s = store_->Write([&](Tx& tx) -> Status {
    PARK_TRY(tx.Exec("INSERT INTO facilities (enterprise_id, name, kind, created_at, updated_at) "
                     "VALUES ($1, 'Tank farm', 'tank_farm', 1, 1)",
                     {int64_t{424242}}));
    return {};
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
}

TEST_P(StoreTest, ErrorRollsBackTheWholeTransaction) {
  Status s = store_->Write([&](Tx& tx) -> Status {
    PARK_TRY(tx.Exec(kInsertEnterprise, {std::string("A"), std::string("91350100M000100Y43"), std::string("2710"),
                                         1.0, int64_t{1}}));
    return Error::Invalid("row 2", "bad");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "row 2");
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreTest, ExceptionRollsBackAndPropagates) {
  EXPECT_THROW((void)store_->Write([&](Tx& tx) -> Status {
    (void)tx.Exec(kInsertEnterprise, {std::string("A"), std::string("91350100M000100Y43"), std::string("2710"), 1.0,
                                      int64_t{1}});
    throw std::runtime_error("bug");
  }),
               std::runtime_error);
  EXPECT_EQ(Count(), 0);
  // The connection is usable afterwards.
  InsertEnterprise("B", "91110000600037341L");
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = store_->Write([&](Tx& tx) -> Status {
          PARK_TRY(tx.Exec(kInsertEnterprise, {"E" + std::to_string(t) + "-" + std::to_string(i),
                                               "code-" + std::to_string(t) + "-" + std::to_string(i),
                                               std::string("2710"), 1.0, int64_t{1}}));
          return {};
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(), kThreads * kPerThread);
}

// Writers that queue behind a running write share one transaction on SQLite (group commit): one's error or
// exception undoes only its own rows; the others' are kept. (On PostgreSQL each is its own transaction anyway.)
TEST_P(StoreTest, QueuedWritersFailAlone) {
  auto insert = [&](Tx& tx, const std::string& name) {
    return tx.Exec(kInsertEnterprise, {name, "code-" + name, std::string("2710"), 1.0, int64_t{1}});
  };
  std::promise<void> release;
  std::shared_future<void> go = release.get_future().share();
  std::atomic<bool> first_running{false};
  std::thread first([&] {
    EXPECT_TRUE(store_->Write([&](Tx& tx) -> Status {
                        first_running = true;
                        go.wait();
                        PARK_TRY(insert(tx, "first"));
                        return {};
                      }).ok());
  });
  while (!first_running) std::this_thread::yield();
  Status good, bad;
  bool threw = false;
  std::thread t1([&] {
    good = store_->Write([&](Tx& tx) -> Status {
      PARK_TRY(insert(tx, "kept"));
      return {};
    });
  });
  std::thread t2([&] {
    bad = store_->Write([&](Tx& tx) -> Status {
      PARK_TRY(insert(tx, "refused"));
      return Error::Invalid("name", "refused after its insert");
    });
  });
  std::thread t3([&] {
    try {
      (void)store_->Write([&](Tx& tx) -> Status {
        (void)insert(tx, "thrown");
        throw std::runtime_error("bug");
      });
    } catch (const std::runtime_error&) {
      threw = true;
    }
  });
  // Give the three time to queue behind the first (if one is late it simply runs alone: the checks hold either way).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release.set_value();
  for (auto* t : {&first, &t1, &t2, &t3}) t->join();
  EXPECT_TRUE(good.ok());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "name");
  EXPECT_TRUE(threw);
  std::vector<std::string> names;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> Status {
                        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT name FROM enterprises ORDER BY name"));
                        for (const auto& r : rows) names.push_back(r.Text(0));
                        return {};
                      }).ok());
  EXPECT_EQ(names, (std::vector<std::string>{"first", "kept"}));
  // The pool is whole afterwards: as many writes as connections, and more.
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(store_->Write([&](Tx& tx) -> Status {
                                            PARK_TRY(insert(tx, "after" + std::to_string(i)));
                                            return {};
                                          }).ok());
}

TEST_P(StoreTest, Backup) {
  InsertEnterprise("A", "91350100M000100Y43");
  if (GetParam() == Backend::kPostgres) {
    Status s = store_->Backup("/tmp/unused");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_NE(s.error().message.find("pg_dump"), std::string::npos);
    return;
  }
  const auto dest = (dir_ / "copy.db").string();
  ASSERT_TRUE(store_->Backup(dest).ok());
  auto copy = Store::Open(dest);
  ASSERT_TRUE(copy.ok());
  int64_t n = 0;
  ASSERT_TRUE((*copy)->Read([&](Tx& tx) -> Status {
                        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kCountEnterprises));
                        n = row->Int(0);
                        return {};
                      })
                  .ok());
  EXPECT_EQ(n, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "sqlite" : "postgres"; });

}  // namespace
}  // namespace park::store
