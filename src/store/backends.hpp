// Private: the backend constructors and helpers shared by them.
#pragma once

#include <memory>
#include <string>

#include "park/store/store.hpp"

namespace park::store {

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const Options& options);
Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const Options& options);

// Turns a database error message into an Error value. The raw text goes to the log only.
Error MapUniqueViolation(std::string_view column);

}  // namespace park::store
