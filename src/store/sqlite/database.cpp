// The shared SQLite connection: opening and configuring the file, the
// statement cache, transactions.
#include "store/sqlite/database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace gatehouse::store::sqlite {
namespace {

// SQLite's message for the failure `rc` on `db`, with the OS error when
// SQLite's own text is as vague as "unable to open database file".
std::string describe(sqlite3* db, int rc) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  const bool os_failure = primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL;
  if (int err = db && os_failure ? sqlite3_system_errno(db) : 0; err != 0) {
    message += " (";
    message += std::strerror(err);
    message += ")";
  }
  return message;
}

// Creates the file with mode 0600 before SQLite opens it: SQLite would
// create it 0644 (less the umask), and it holds signing keys and hashes of
// live credentials. SQLite gives the -wal and -shm files the mode of the
// database file. An existing file keeps its mode; failures are left for
// sqlite3_open_v2 to report in its own words.
void create_private_file(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
}

// L8: Gatehouse writes the header of a database file the moment it first
// opens it (journal_mode = WAL writes page 1), so an existing file of 0
// bytes is not one it left behind: a failed copy, a full disk, a truncation.
// SQLite would take it for a new database, and the server would start over
// (a new admin; every client, grant and signing key gone) without a word.
// A -wal file with content still holds the data, and SQLite recovers it.
void refuse_empty_database(const std::string& file) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 0) return;
  struct stat wal{};
  if (::stat((file + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) return;
  throw std::runtime_error("cannot open store " + file +
                           ": the file exists but is empty (0 bytes), so it holds no users, clients or keys; "
                           "Gatehouse will not start over on top of it. Restore it from a backup, or delete it "
                           "to begin a fresh install");
}

std::string single_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (auto* p = sqlite3_column_text(stmt, 0)) out = reinterpret_cast<const char*>(p);
    rc = SQLITE_OK;
  }
  std::string error = rc == SQLITE_OK || rc == SQLITE_DONE ? "" : describe(db, rc);
  sqlite3_finalize(stmt);
  if (!error.empty()) throw StoreError(std::string(sql) + ": " + error);
  return out;
}

}  // namespace

// ---- Statement ----

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::bind_one(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so temporaries are fine.
  if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
    db_.fail("bind");
}

void Statement::bind_integer(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(sqlite3_sql(stmt_));
}

int Statement::run() {
  while (step()) {
  }
  return db_.changes();
}

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

// ---- Database ----

Database::Database(const std::filesystem::path& file) {
  if (file.empty()) throw std::runtime_error("cannot open store: empty file name");
  // Absolute, so the name in messages is unambiguous and can never be read
  // as a "file:" URI.
  file_ = std::filesystem::absolute(file).string();
  refuse_empty_database(file_);
  create_private_file(file_);
  // NOMUTEX: our mutex already serialises every use of the connection,
  // including reading sqlite3_errmsg after a failure.
  int rc = sqlite3_open_v2(file_.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = describe(db_, rc);
    sqlite3_close(db_);
    throw std::runtime_error("cannot open store " + file_ + ": " + message);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);  // wait for another process's write, then fail
    // Enforces refresh_tokens -> grants; per connection, outside transactions.
    exec("PRAGMA foreign_keys = ON");
    if (single_text(db_, "PRAGMA foreign_keys") != "1") throw StoreError("foreign keys are not supported");
    // WAL: readers do not block the writer and a commit is one append.
    // The first statement that reads the file, so "not a database" shows here.
    if (auto mode = single_text(db_, "PRAGMA journal_mode = WAL"); mode != "wal")
      throw StoreError("cannot use WAL journal (journal_mode is " + mode + ")");
    // FULL: every commit is fsynced, so an issued code or grant survives a
    // crash or power loss (NORMAL in WAL mode may lose the last commits).
    exec("PRAGMA synchronous = FULL");
    migrate(*this);
    opened_ = true;
  } catch (const std::exception& e) {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
    sqlite3_close(db_);
    throw std::runtime_error("cannot open store " + file_ + ": " + e.what());
  }
}

Database::~Database() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Statement Database::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      fail(std::string("prepare ") + sql);
    it = statements_.emplace(sql, stmt).first;
  }
  return Statement(*this, it->second);
}

void Database::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

void Database::fail(std::string_view what) const {
  // While opening, the constructor names the file itself.
  std::string where = opened_ ? "store " + file_ + ": " : "";
  throw StoreError(where + std::string(what) + ": " + describe(db_, sqlite3_extended_errcode(db_)));
}

void Database::rollback() noexcept {
  // SQLite may already have rolled back after an I/O error or SQLITE_FULL;
  // then there is nothing to undo.
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

// ---- Transaction ----

Transaction::~Transaction() {
  if (!done_) db_.rollback();
}

}  // namespace gatehouse::store::sqlite
