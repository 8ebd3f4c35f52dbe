// SQLite LoginFailureStore: the `login_failures` table, one row per hashed key.
#include "store/counter_key.hpp"
#include "store/sqlite/database.hpp"

#include <algorithm>

namespace gatehouse::store::sqlite {
namespace {

class SqliteLoginFailureStore final : public LoginFailureStore {
 public:
  explicit SqliteLoginFailureStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  LoginAttempt begin(std::string_view key, std::int64_t now, const LoginBackoff& backoff) override {
    const std::string hashed = counter_key(key);
    auto lock = db_->lock();
    // Read, decide, write in one IMMEDIATE transaction: another process on
    // the same file (a second instance) cannot interleave.
    Transaction tx(*db_);
    std::int64_t failures = 0;
    {
      auto q = db_->prepare("SELECT failures, retry_at FROM login_failures WHERE key = ?1 AND expires_at > ?2");
      q.bind(hashed, now);
      if (q.step()) {
        failures = q.integer(0);
        const std::int64_t retry_at = q.integer(1);
        if (retry_at > now) return {.allowed = false, .retry_at = retry_at, .failures = failures};
      }
    }
    ++failures;
    const std::int64_t retry_at = now + backoff.wait_after(failures);
    const std::int64_t expires_at = std::max(now + backoff.forget_after, retry_at);
    db_->prepare(
           "INSERT INTO login_failures (key, failures, retry_at, expires_at) VALUES (?1, ?2, ?3, ?4)"
           " ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, retry_at = excluded.retry_at,"
           " expires_at = excluded.expires_at")
        .bind(hashed, failures, retry_at, expires_at)
        .run();
    tx.commit();
    return {.allowed = true, .retry_at = retry_at, .failures = failures};
  }

  void succeeded(std::string_view key) override {
    const std::string hashed = counter_key(key);
    auto lock = db_->lock();
    db_->prepare("DELETE FROM login_failures WHERE key = ?1").bind(hashed).run();
  }

  std::size_t remove_expired(std::int64_t now) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(db_->prepare("DELETE FROM login_failures WHERE expires_at <= ?1").bind(now).run());
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<LoginFailureStore> make_login_failure_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteLoginFailureStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
