// For tests of modules that store data: a fresh, migrated store on either backend. SQLite gets a file in a new
// temporary folder; PostgreSQL uses the throw-away database named by PARKBRAIN_TEST_PG (wiped first).
#pragma once
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "park/store/store.hpp"

namespace park::store::testing {

// The PostgreSQL URL for tests, or empty when none is configured (the caller skips, or fails when
// PARKBRAIN_REQUIRE_PG=1).
inline std::string TestPgUrl() {
  const char* pg = std::getenv("PARKBRAIN_TEST_PG");
  return pg ? pg : "";
}
inline bool PgRequired() {
  const char* r = std::getenv("PARKBRAIN_REQUIRE_PG");
  return r && std::string(r) == "1";
}

// Opens and migrates a fresh store. For SQLite, `dir` receives the folder to remove afterwards.
inline Result<std::unique_ptr<Store>> OpenFreshStore(Backend backend, std::filesystem::path& dir) {
  static int counter = 0;
  std::string url;
  if (backend == Backend::kSqlite) {
    dir = std::filesystem::temp_directory_path() /
          ("parkbrain-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    url = (dir / "park.db").string();
  } else {
    url = TestPgUrl();
    PARK_ASSIGN_OR_RETURN(auto wipe, Store::Open(url));
    PARK_TRY(wipe->Write([](Tx& tx) { return tx.ExecScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"); }));
  }
  PARK_ASSIGN_OR_RETURN(auto store, Store::Open(url));
  PARK_TRY(store->Migrate());
  return store;
}

}  // namespace park::store::testing
