// SQLite ClientAssertionStore: the `client_assertions` table.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

class SqliteClientAssertionStore final : public ClientAssertionStore {
 public:
  explicit SqliteClientAssertionStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool record(std::string_view client_id, std::string_view jti, std::int64_t expires_at, std::int64_t now) override {
    auto lock = db_->lock();
    // One statement, so atomic also against other processes: insert, or
    // take over a record that has expired; a live one is left alone and
    // nothing changes (0 rows: a replay).
    const int changed = db_->prepare(
                               "INSERT INTO client_assertions (client_id, jti, expires_at) VALUES (?1, ?2, ?3)"
                               " ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at"
                               " WHERE client_assertions.expires_at <= ?4")
                            .bind(client_id, jti, expires_at, now)
                            .run();
    return changed == 1;
  }

  std::size_t remove_expired(std::int64_t now) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(
        db_->prepare("DELETE FROM client_assertions WHERE expires_at <= ?1").bind(now).run());
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<ClientAssertionStore> make_client_assertion_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteClientAssertionStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
