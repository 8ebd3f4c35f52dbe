#pragma once
// Private to src/store/sqlite: the one SQLite connection a Stores object
// shares, its cached prepared statements, transactions and migrations.
//
// Why one connection behind a mutex: SQLite admits one writer per file at a
// time anyway, so a pool would only add SQLITE_BUSY waits between our own
// threads, and the store is off the hot path (valid access tokens never
// touch it). One connection also keeps the statement cache and the
// per-connection pragmas in one place. Other processes on the same file
// (the CLI while `serve` runs) are coordinated by SQLite's file locks, WAL
// and the busy timeout.
//
// Rules for store code: take `lock()` first in every public operation and
// hold it to the end; bind every value as a parameter (never build SQL from
// strings); a call that runs more than one statement does so inside a
// Transaction (BEGIN IMMEDIATE, so the write lock is taken up front and a
// WAL snapshot cannot go stale between a read and a write).
#include "store/stores.hpp"

#include <sqlite3.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gatehouse::store::sqlite {

class Database;

// A cached prepared statement borrowed for one execution. Resets itself and
// clears its bindings when it goes out of scope, so the cached statement
// holds neither a read lock nor a parameter value between calls.
class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds the arguments to parameters ?1, ?2, ... in order.
  template <class... Args>
  Statement& bind(const Args&... args) {
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }
  // True when a row is available; false when the statement has finished.
  bool step();
  // Runs a statement that returns no rows; returns sqlite3_changes().
  int run();

  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const;

 private:
  void bind_one(int index, std::string_view value);
  void bind_integer(int index, std::int64_t value);
  template <std::integral T>  // bool and every integer type, without ambiguity
  void bind_one(int index, T value) {
    bind_integer(index, static_cast<std::int64_t>(value));
  }

  Database& db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens `file` (creating it with mode 0600), sets the pragmas and runs the
  // migrations. Throws std::runtime_error naming the file.
  explicit Database(const std::filesystem::path& file);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  [[nodiscard]] std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
  // The prepared statement for constant SQL text, prepared once and cached.
  Statement prepare(const char* sql);
  // Runs constant SQL (schema, transaction control) with no parameters.
  void exec(const char* sql);
  int changes() const { return sqlite3_changes(db_); }
  // Throws StoreError with `what`, SQLite's message and the file name.
  [[noreturn]] void fail(std::string_view what) const;
  // Ends an open transaction, if any, discarding its changes.
  void rollback() noexcept;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  bool opened_ = false;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// BEGIN IMMEDIATE now; ROLLBACK on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit() {
    db_.exec("COMMIT");
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

// Brings the schema to the newest version this binary knows; see
// migrations.cpp. Throws StoreError when the file is newer than the binary.
void migrate(Database& db);
// The newest schema version this binary knows.
int latest_schema_version();

std::unique_ptr<UserStore> make_user_store(std::shared_ptr<Database> db);
std::unique_ptr<ClientStore> make_client_store(std::shared_ptr<Database> db);
std::unique_ptr<AuthorizationCodeStore> make_authorization_code_store(std::shared_ptr<Database> db);
std::unique_ptr<GrantStore> make_grant_store(std::shared_ptr<Database> db);
std::unique_ptr<SigningKeyStore> make_signing_key_store(std::shared_ptr<Database> db);
std::unique_ptr<RevocationStore> make_revocation_store(std::shared_ptr<Database> db);
std::unique_ptr<RateLimitStore> make_rate_limit_store(std::shared_ptr<Database> db);
std::unique_ptr<LoginFailureStore> make_login_failure_store(std::shared_ptr<Database> db);
std::unique_ptr<ClientAssertionStore> make_client_assertion_store(std::shared_ptr<Database> db);
std::unique_ptr<UpstreamTokenStore> make_upstream_token_store(std::shared_ptr<Database> db);
std::unique_ptr<TaskStore> make_task_store(std::shared_ptr<Database> db);

}  // namespace gatehouse::store::sqlite
