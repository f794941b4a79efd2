#include "park/store/store.hpp"

#include <spdlog/spdlog.h>

#include "store/backends.hpp"

namespace park::store {
namespace {

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";
constexpr std::string_view kSelectVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr std::string_view kInsertMigration =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";
// Several instances may start at once against one PostgreSQL: one migrates, the others wait here.
constexpr std::string_view kPgMigrationLock = "SELECT pg_advisory_xact_lock(7215001)";

}  // namespace

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<int64_t>(&v)) return *p;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return std::atoll(s->c_str());
  return 0;
}

double Row::Real(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (const auto* s = std::get_if<std::string>(&v)) return std::atof(s->c_str());
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

std::string_view Row::Blob(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* b = std::get_if<Bytes>(&v)) return b->data;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return {};
}

std::optional<double> Row::OptReal(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Real(i);
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<std::optional<Row>> Tx::QueryOne(std::string_view sql, const Params& params) {
  PARK_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, const Options& options) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return OpenPostgres(url, options);
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  if (path.empty()) return Error::Invalid("db", "database path is empty");
  return OpenSqlite(path, options);
}

Result<int> Store::SchemaVersion() {
  int version = 0;
  PARK_TRY(Write([&](Tx& tx) -> Status {
    PARK_TRY(tx.Exec(kCreateMigrationsTable));
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectVersion));
    version = row ? static_cast<int>(row->Int(0)) : 0;
    return {};
  }));
  return version;
}

Result<int> Store::Migrate() {
  int version = 0;
  PARK_TRY(Write([&](Tx& tx) -> Status {
    if (backend() == Backend::kPostgres) PARK_TRY(tx.Query(kPgMigrationLock));
    PARK_TRY(tx.Exec(kCreateMigrationsTable));
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectVersion));
    version = row ? static_cast<int>(row->Int(0)) : 0;
    for (const Migration& m : MigrationsFor(backend())) {
      if (m.version <= version) continue;
      spdlog::info("store: applying migration {:04d} {}", m.version, m.name);
      PARK_TRY(tx.ExecScript(m.sql));
      PARK_TRY(tx.Exec(kInsertMigration, {int64_t{m.version}, std::string(m.name),
                                          static_cast<int64_t>(std::time(nullptr)) * 1000}));
      version = m.version;
    }
    return {};
  }));
  return version;
}

std::string LikeContains(std::string_view text, bool lower_case) {
  if (text.empty()) return {};
  std::string out = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += lower_case ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  }
  return out + "%";
}

}  // namespace park::store
