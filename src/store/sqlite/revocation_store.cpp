// SQLite RevocationStore: the `revocations` table.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

class SqliteRevocationStore final : public RevocationStore {
 public:
  explicit SqliteRevocationStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool revoke(std::string_view id, RevocationKind kind, std::int64_t expires_at, std::int64_t now) override {
    auto lock = db_->lock();
    Transaction tx(*db_);
    bool existed = false;
    {
      auto q = db_->prepare("SELECT 1 FROM revocations WHERE id = ?1");
      q.bind(id);
      existed = q.step();
    }
    // SET expressions all see the old row, so revoked_at compares against
    // the old expires_at.
    db_->prepare(
           "INSERT INTO revocations (id, kind, revoked_at, expires_at) VALUES (?1, ?2, ?3, ?4)"
           " ON CONFLICT (id) DO UPDATE SET"
           "   revoked_at = CASE WHEN excluded.expires_at > expires_at THEN excluded.revoked_at ELSE revoked_at END,"
           "   expires_at = MAX(expires_at, excluded.expires_at)")
        .bind(id, to_string(kind), now, expires_at)
        .run();
    tx.commit();
    return !existed;
  }

  bool is_revoked(std::string_view id) override {
    auto lock = db_->lock();
    auto q = db_->prepare("SELECT 1 FROM revocations WHERE id = ?1");
    q.bind(id);
    return q.step();
  }

  std::vector<Revocation> revoked_since(std::int64_t since) override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        "SELECT id, kind, revoked_at, expires_at FROM revocations WHERE revoked_at >= ?1 ORDER BY revoked_at, id");
    q.bind(since);
    std::vector<Revocation> out;
    while (q.step()) {
      auto kind = parse_revocation_kind(q.text(1));
      if (!kind) throw StoreError("store " + db_->file() + ": revocation " + q.text(0) + " has unknown kind");
      out.push_back(Revocation{.id = q.text(0), .kind = *kind, .revoked_at = q.integer(2), .expires_at = q.integer(3)});
    }
    return out;
  }

  std::size_t remove_expired(std::int64_t now) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(db_->prepare("DELETE FROM revocations WHERE expires_at <= ?1").bind(now).run());
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<RevocationStore> make_revocation_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteRevocationStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
