// SQLite UpstreamTokenStore: the `upstream_tokens` table.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

// The columns read() reads, in its order.
#define GATEHOUSE_UPSTREAM_TOKEN_COLUMNS                                                              \
  "SELECT grant_id, user_id, provider, sealed, access_expires_at, has_refresh_token, state, version," \
  " created_at, updated_at FROM upstream_tokens"


class SqliteUpstreamTokenStore final : public UpstreamTokenStore {
 public:
  explicit SqliteUpstreamTokenStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool add(const UpstreamTokenRecord& r) override {
    auto lock = db_->lock();
    return db_->prepare(
                  "INSERT INTO upstream_tokens (grant_id, user_id, provider, sealed, access_expires_at,"
                  " has_refresh_token, state, version, created_at, updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9) ON CONFLICT (grant_id) DO NOTHING")
               .bind(r.grant_id, r.user_id, r.provider, r.sealed, r.access_expires_at, r.has_refresh_token,
                     to_string(r.state), r.created_at, r.updated_at)
               .run() == 1;
  }

  std::optional<UpstreamTokenRecord> find(std::string_view grant_id) override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        GATEHOUSE_UPSTREAM_TOKEN_COLUMNS " WHERE grant_id = ?1");
    q.bind(grant_id);
    if (!q.step()) return std::nullopt;
    return read(q);
  }

  bool update(const UpstreamTokenRecord& r, std::int64_t expected_version) override {
    auto lock = db_->lock();
    return db_->prepare(
                  "UPDATE upstream_tokens SET user_id = ?2, provider = ?3, sealed = ?4, access_expires_at = ?5,"
                  " has_refresh_token = ?6, state = ?7, version = ?8 + 1, updated_at = ?9"
                  " WHERE grant_id = ?1 AND version = ?8")
               .bind(r.grant_id, r.user_id, r.provider, r.sealed, r.access_expires_at, r.has_refresh_token,
                     to_string(r.state), expected_version, r.updated_at)
               .run() == 1;
  }

  bool remove(std::string_view grant_id) override {
    auto lock = db_->lock();
    return db_->prepare("DELETE FROM upstream_tokens WHERE grant_id = ?1").bind(grant_id).run() == 1;
  }

  std::vector<UpstreamTokenRecord> list() override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        GATEHOUSE_UPSTREAM_TOKEN_COLUMNS " ORDER BY grant_id");
    std::vector<UpstreamTokenRecord> out;
    while (q.step()) out.push_back(read(q));
    return out;
  }

  std::vector<UpstreamTokenRecord> remove_pending(std::int64_t created_before) override {
    auto lock = db_->lock();
    Transaction tx(*db_);
    std::vector<UpstreamTokenRecord> out;
    {
      auto q = db_->prepare(
          GATEHOUSE_UPSTREAM_TOKEN_COLUMNS " WHERE state = 'pending' AND created_at < ?1");
      q.bind(created_before);
      while (q.step()) out.push_back(read(q));
    }
    db_->prepare("DELETE FROM upstream_tokens WHERE state = 'pending' AND created_at < ?1").bind(created_before).run();
    tx.commit();
    return out;
  }

 private:
  UpstreamTokenRecord read(const Statement& q) const {
    auto state = parse_vault_state(q.text(6));
    if (!state) throw StoreError("store " + db_->file() + ": upstream tokens of grant " + q.text(0) + " have unknown state");
    return UpstreamTokenRecord{.grant_id = q.text(0),
                               .user_id = q.text(1),
                               .provider = q.text(2),
                               .sealed = q.text(3),
                               .access_expires_at = q.integer(4),
                               .has_refresh_token = q.integer(5) != 0,
                               .state = *state,
                               .version = q.integer(7),
                               .created_at = q.integer(8),
                               .updated_at = q.integer(9)};
  }

  std::shared_ptr<Database> db_;
};

#undef GATEHOUSE_UPSTREAM_TOKEN_COLUMNS

}  // namespace

std::unique_ptr<UpstreamTokenStore> make_upstream_token_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteUpstreamTokenStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
