// What only the SQLite stores promise: the file's journal mode and
// permissions, clear errors when the file cannot be used, the migration
// record, and safety across several connections to one file.
#include "store/stores.hpp"
#include "support/test_temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::store {
namespace {

constexpr std::int64_t T0 = 1'700'000'000;

// A second, raw connection for looking at the file from outside the store.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
    sqlite3_busy_timeout(db_, 5000);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close(db_); }

  // Every row's first column as text.
  std::vector<std::string> column(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW)
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    return out;
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
};

unsigned permissions(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

std::string open_error(const std::filesystem::path& file) {
  try {
    open_sqlite_stores(file);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(opened)";
}

class SqliteStore : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "gatehouse.db";
};

TEST_F(SqliteStore, UsesTheWalJournal) {
  auto stores = open_sqlite_stores(file_);
  RawDb raw(file_);
  EXPECT_EQ(raw.column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

TEST_F(SqliteStore, CreatesTheFileAndItsWalReadableByTheOwnerOnly) {
  auto stores = open_sqlite_stores(file_);
  ASSERT_TRUE(stores.users->add({.id = "u1", .name = "alice", .password_hash = "h", .created_at = T0}));
  EXPECT_EQ(permissions(file_), 0600u);
  ASSERT_TRUE(std::filesystem::exists(file_.string() + "-wal"));
  EXPECT_EQ(permissions(file_.string() + "-wal"), 0600u) << "SQLite copies the database file's mode";
}

TEST_F(SqliteStore, LeavesTheModeOfAnExistingFileAlone) {
  { auto created = open_sqlite_stores(file_); }
  std::filesystem::permissions(file_, std::filesystem::perms(0640));
  auto stores = open_sqlite_stores(file_);
  EXPECT_EQ(permissions(file_), 0640u);
}

// L8: an existing empty file is not a fresh install: opening it would start
// over (a new admin, every client gone) without a word. It is refused, with
// the file named and what to do, and left as it was.
TEST_F(SqliteStore, L8_AnEmptyExistingFileIsRefused) {
  { std::ofstream touch(file_); }
  std::string message = open_error(file_);
  EXPECT_NE(message.find(file_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("empty (0 bytes)"), std::string::npos) << message;
  EXPECT_NE(message.find("Restore it from a backup, or delete it"), std::string::npos) << message;
  EXPECT_EQ(std::filesystem::file_size(file_), 0u);
  EXPECT_FALSE(std::filesystem::exists(file_.string() + "-wal"));
  // A new file is still created and opened as before.
  std::filesystem::remove(file_);
  EXPECT_EQ(open_error(file_), "(opened)");
}

TEST_F(SqliteStore, AMissingDirectoryIsAClearError) {
  auto file = dir_.path() / "no-such-dir" / "gatehouse.db";
  std::string message = open_error(file);
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("unable to open database file"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(file.parent_path()));
}

TEST_F(SqliteStore, APathThroughARegularFileIsAClearError) {
  { std::ofstream touch(dir_.path() / "plain"); }
  auto file = dir_.path() / "plain" / "gatehouse.db";
  std::string message = open_error(file);
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("unable to open database file"), std::string::npos) << message;
}

TEST_F(SqliteStore, AFileThatIsNotADatabaseIsAClearError) {
  {
    std::ofstream junk(file_);
    junk << std::string(4096, 'x');
  }
  std::string message = open_error(file_);
  EXPECT_NE(message.find(file_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("file is not a database"), std::string::npos) << message;
}

TEST_F(SqliteStore, MigrationsAreRecordedOnceAcrossReopens) {
  for (int i = 0; i < 3; ++i) open_sqlite_stores(file_);
  RawDb raw(file_);
  EXPECT_EQ(raw.column("SELECT version FROM schema_version ORDER BY version"),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"}));
  auto tables = raw.column("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  EXPECT_EQ(tables, (std::vector<std::string>{"authorization_codes", "client_assertions", "clients", "grants",
                                              "login_failures", "rate_limits", "refresh_tokens", "revocations",
                                              "schema_version", "signing_keys", "tasks", "upstream_tokens", "users"}));
}

TEST_F(SqliteStore, AVersionOneFileGainsTheClientAssertionsTableAndKeepsItsData) {
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.users->add({.id = "u1", .name = "alice", .password_hash = "h", .created_at = T0}));
  }
  {
    RawDb raw(file_);  // as a file written before migration 2 shipped
    raw.exec("DROP TABLE client_assertions");
    raw.exec("ALTER TABLE refresh_tokens DROP COLUMN used_at");
    raw.exec("ALTER TABLE clients DROP COLUMN application_type");
    raw.exec("DROP TABLE login_failures");
    raw.exec("DROP TABLE upstream_tokens");
    raw.exec("DROP TABLE tasks");
    raw.exec("DELETE FROM schema_version WHERE version >= 2");
  }
  auto stores = open_sqlite_stores(file_);
  EXPECT_TRUE(stores.users->find("u1"));
  EXPECT_TRUE(stores.client_assertions->record("https://app.example/c.json", "j", T0 + 60, T0));
  EXPECT_FALSE(stores.client_assertions->record("https://app.example/c.json", "j", T0 + 60, T0));
}

TEST_F(SqliteStore, H3_AVersionTwoFileGainsUsedAtAndKeepsItsTokens) {
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.grants->create({.id = "g1", .user_id = "u", .client_id = "c", .scope = "mcp", .resource = "r",
                                       .created_at = T0, .absolute_expires_at = T0 + 1000},
                                      {.token_hash = "r1", .created_at = T0, .expires_at = T0 + 500}));
  }
  {
    RawDb raw(file_);  // as a file written before migration 3 shipped
    raw.exec("ALTER TABLE refresh_tokens DROP COLUMN used_at");
    raw.exec("ALTER TABLE clients DROP COLUMN application_type");
    raw.exec("DROP TABLE login_failures");
    raw.exec("DROP TABLE upstream_tokens");
    raw.exec("DROP TABLE tasks");
    raw.exec("DELETE FROM schema_version WHERE version >= 3");
  }
  auto stores = open_sqlite_stores(file_);
  auto r1 = stores.grants->find_refresh("r1");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->second.used_at, 0);
  ASSERT_EQ(stores.grants->rotate("r1", {.token_hash = "r2", .created_at = T0, .expires_at = T0 + 500}, T0 + 1).status,
            RotateStatus::rotated);
  EXPECT_EQ(stores.grants->find_refresh("r1")->second.used_at, T0 + 1);
}

TEST_F(SqliteStore, L12_AVersionThreeFileGainsApplicationTypeAndKeepsItsClients) {
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.clients->add({.client_id = "c1", .client_name = "old", .redirect_uris = {"https://a.example/cb"},
                                     .kind = ClientKind::dynamic, .metadata_json = "{}", .created_at = T0}));
  }
  {
    RawDb raw(file_);  // as a file written before migration 4 shipped
    raw.exec("ALTER TABLE clients DROP COLUMN application_type");
    raw.exec("DROP TABLE login_failures");
    raw.exec("DROP TABLE upstream_tokens");
    raw.exec("DROP TABLE tasks");
    raw.exec("DELETE FROM schema_version WHERE version >= 4");
  }
  auto stores = open_sqlite_stores(file_);
  auto c1 = stores.clients->find("c1");
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->client_name, "old");
  EXPECT_EQ(c1->redirect_uris, std::vector<std::string>{"https://a.example/cb"});
  EXPECT_EQ(c1->application_type, "");
  Client typed = *c1;
  typed.client_id = "c2";
  typed.application_type = "native";
  ASSERT_TRUE(stores.clients->add(typed));
  EXPECT_EQ(stores.clients->find("c2")->application_type, "native");
}

TEST_F(SqliteStore, M4_AVersionFourFileGainsTheLoginFailuresTableAndKeepsItsData) {
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.users->add({.id = "u1", .name = "alice", .password_hash = "h", .created_at = T0}));
  }
  {
    RawDb raw(file_);  // as a file written before migration 5 shipped
    raw.exec("DROP TABLE login_failures");
    raw.exec("DROP TABLE upstream_tokens");
    raw.exec("DROP TABLE tasks");
    raw.exec("DELETE FROM schema_version WHERE version >= 5");
  }
  auto stores = open_sqlite_stores(file_);
  EXPECT_TRUE(stores.users->find("u1"));
  EXPECT_TRUE(stores.login_failures->begin("alice|203.0.113.0/24", T0, {}).allowed);
}

TEST_F(SqliteStore, AVersionFiveFileGainsTheUpstreamTokensTableAndKeepsItsData) {
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.users->add({.id = "u1", .name = "alice", .password_hash = "h", .created_at = T0}));
  }
  {
    RawDb raw(file_);  // as a file written before migration 6 shipped
    raw.exec("DROP TABLE upstream_tokens");
    raw.exec("DROP TABLE tasks");
    raw.exec("DELETE FROM schema_version WHERE version >= 6");
  }
  auto stores = open_sqlite_stores(file_);
  EXPECT_TRUE(stores.users->find("u1"));
  EXPECT_TRUE(stores.upstream_tokens->add({.grant_id = "gr_1", .user_id = "u1", .provider = "github",
                                           .sealed = "v1.x.y", .created_at = T0, .updated_at = T0}));
}

TEST_F(SqliteStore, AVersionSixFileGainsTheTasksTableAndKeepsItsData) {
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.users->add({.id = "u1", .name = "alice", .password_hash = "h", .created_at = T0}));
  }
  {
    RawDb raw(file_);  // as a file written before migration 7 shipped
    raw.exec("DROP TABLE tasks");
    raw.exec("DELETE FROM schema_version WHERE version = 7");
  }
  auto stores = open_sqlite_stores(file_);
  EXPECT_TRUE(stores.users->find("u1"));
  EXPECT_EQ(stores.tasks->add({.id = "t1", .owner = "u1", .tool = "report", .created_at_ms = T0 * 1000,
                               .updated_at_ms = T0 * 1000, .ttl_ms = 1000, .expires_at_ms = T0 * 1000 + 1000},
                              {}, T0 * 1000),
            TaskAdd::added);
}

// The table refuses a status the store does not know, so a bad write fails
// at the write rather than at every later read.
TEST_F(SqliteStore, TheTasksTableChecksTheStatus) {
  open_sqlite_stores(file_);
  RawDb raw(file_);
  EXPECT_THROW(raw.exec("INSERT INTO tasks VALUES ('t1', 'u', 'tool', 'done', '', '', '', '', 1, 1, 1, 2)"),
               std::runtime_error);
  raw.exec("INSERT INTO tasks VALUES ('t1', 'u', 'tool', 'input_required', '', '', '', '', 1, 1, 1, 2)");
}

// M1: counters are keyed by request input; the file holds only fixed-size
// hashes of it, never the input.
TEST_F(SqliteStore, M1_CounterKeysAreStoredHashed) {
  const std::string huge_user(1 << 20, 'u');
  {
    auto stores = open_sqlite_stores(file_);
    ASSERT_TRUE(stores.rate_limits->hit("login-user:" + huge_user, 60, 5, T0));
    ASSERT_TRUE(stores.login_failures->begin(huge_user + "|203.0.113.0/24", T0, {}).allowed);
  }
  RawDb raw(file_);
  for (const char* sql : {"SELECT key FROM rate_limits", "SELECT key FROM login_failures"}) {
    auto keys = raw.column(sql);
    ASSERT_EQ(keys.size(), 1u) << sql;
    EXPECT_EQ(keys[0].size(), 64u) << sql;
    EXPECT_EQ(keys[0].find("uuuu"), std::string::npos) << sql;
  }
  EXPECT_LT(std::filesystem::file_size(file_), 256u * 1024) << "the megabyte user name never reached the file";
}

TEST_F(SqliteStore, AFileFromANewerGatehouseIsRefused) {
  open_sqlite_stores(file_);
  RawDb(file_).exec("INSERT INTO schema_version (version) VALUES (99)");
  std::string message = open_error(file_);
  EXPECT_NE(message.find(file_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("schema version 99 is newer"), std::string::npos) << message;
}

TEST_F(SqliteStore, ConcurrentRotateThroughTwoConnectionsHasExactlyOneWinner) {
  // Two Stores on one file stand for `serve` and a second process.
  auto a = open_sqlite_stores(file_);
  auto b = open_sqlite_stores(file_);
  for (int round = 0; round < 10; ++round) {
    const std::string old = "old" + std::to_string(round), g = "g" + std::to_string(round);
    ASSERT_TRUE(a.grants->create({.id = g, .user_id = "u", .client_id = "c", .created_at = T0,
                                  .absolute_expires_at = T0 + 1000},
                                 {.token_hash = old, .created_at = T0, .expires_at = T0 + 1000}));
    RotateResult results[2];
    std::latch start(2);
    auto racer = [&](Stores& s, int i) {
      start.arrive_and_wait();
      RefreshToken next{.token_hash = old + "-" + std::to_string(i), .expires_at = T0 + 1000};
      results[i] = s.grants->rotate(old, next, T0 + 1);
    };
    std::thread ta(racer, std::ref(a), 0), tb(racer, std::ref(b), 1);
    ta.join();
    tb.join();
    const int winners = (results[0].status == RotateStatus::rotated) + (results[1].status == RotateStatus::rotated);
    ASSERT_EQ(winners, 1) << "round " << round;
    const int w = results[0].status == RotateStatus::rotated ? 0 : 1;
    EXPECT_EQ(results[1 - w].status, RotateStatus::already_rotated);
    EXPECT_EQ(results[1 - w].replaced_by_hash, old + "-" + std::to_string(w));
  }
}

TEST_F(SqliteStore, RFC7523_ConcurrentJtiRecordsThroughTwoConnectionsHaveExactlyOneWinner) {
  auto a = open_sqlite_stores(file_);
  auto b = open_sqlite_stores(file_);
  for (int round = 0; round < 10; ++round) {
    const std::string jti = "jti-" + std::to_string(round);
    bool results[2] = {false, false};
    std::latch start(2);
    auto racer = [&](Stores& s, int i) {
      start.arrive_and_wait();
      results[i] = s.client_assertions->record("https://app.example/c.json", jti, T0 + 600, T0);
    };
    std::thread ta(racer, std::ref(a), 0), tb(racer, std::ref(b), 1);
    ta.join();
    tb.join();
    EXPECT_EQ(results[0] + results[1], 1) << "round " << round;
  }
}

TEST_F(SqliteStore, AWriterWaitsForAnotherProcesssTransaction) {
  auto stores = open_sqlite_stores(file_);
  RawDb other(file_);
  other.exec("BEGIN IMMEDIATE");
  std::thread release([&] {
    // Real time on purpose: SQLite's busy timeout waits on the real clock for
    // the other connection's lock, and the test shows that it does.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    other.exec("COMMIT");
  });
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(stores.users->add({.id = "u1", .name = "alice", .password_hash = "h", .created_at = T0}));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150)) << "it waited (busy timeout)";
  release.join();
}

TEST_F(SqliteStore, StoresOfOneSetMayCloseInAnyOrder) {
  auto stores = open_sqlite_stores(file_);
  auto grants = std::move(stores.grants);
  stores = Stores{};
  ASSERT_TRUE(grants->create({.id = "g", .created_at = T0, .absolute_expires_at = T0 + 10},
                             {.token_hash = "t", .expires_at = T0 + 10}));
  EXPECT_TRUE(grants->find_refresh("t"));
}

TEST_F(SqliteStore, RefreshTokensReferToTheirGrant) {
  auto stores = open_sqlite_stores(file_);
  ASSERT_TRUE(stores.grants->create({.id = "g", .created_at = T0, .absolute_expires_at = T0 + 10},
                                    {.token_hash = "t", .expires_at = T0 + 10}));
  RawDb raw(file_);
  raw.exec("PRAGMA foreign_keys = ON");
  EXPECT_THROW(raw.exec("INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at)"
                        " VALUES ('x', 'no-such-grant', 0, 1)"),
               std::runtime_error);
  raw.exec("DELETE FROM grants WHERE id = 'g'");
  EXPECT_EQ(raw.column("SELECT COUNT(*) FROM refresh_tokens"), std::vector<std::string>{"0"}) << "cascade";
}

}  // namespace
}  // namespace gatehouse::store
