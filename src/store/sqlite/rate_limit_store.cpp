// SQLite RateLimitStore: the `rate_limits` table, one counter per key.
#include "store/counter_key.hpp"
#include "store/sqlite/database.hpp"

#include <stdexcept>

namespace gatehouse::store::sqlite {
namespace {

class SqliteRateLimitStore final : public RateLimitStore {
 public:
  explicit SqliteRateLimitStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool hit(std::string_view key, std::int64_t window_seconds, std::int64_t limit, std::int64_t now) override {
    if (window_seconds <= 0) throw std::invalid_argument("rate limit window must be positive");
    const std::int64_t start = window_start(now, window_seconds);
    const std::string hashed = counter_key(key);
    auto lock = db_->lock();
    // One atomic upsert: count this hit in the current window, or start a
    // new window at 1. SET expressions all see the old row.
    auto q = db_->prepare(
        "INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?1, ?2, ?3, 1)"
        " ON CONFLICT (key) DO UPDATE SET"
        "   count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,"
        "   window_end = CASE WHEN window_start = excluded.window_start THEN window_end ELSE excluded.window_end END,"
        "   window_start = excluded.window_start"
        " RETURNING count");
    q.bind(hashed, start, start + window_seconds);
    if (!q.step()) throw StoreError("store " + db_->file() + ": rate limit upsert returned no row");
    const std::int64_t count = q.integer(0);
    while (q.step()) {
    }
    return count <= limit;
  }

  std::size_t remove_expired(std::int64_t now) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(db_->prepare("DELETE FROM rate_limits WHERE window_end <= ?1").bind(now).run());
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<RateLimitStore> make_rate_limit_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteRateLimitStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
