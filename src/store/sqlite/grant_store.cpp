// SQLite GrantStore: the `grants` and `refresh_tokens` tables. A family is
// the tokens sharing a grant_id; the current one has rotated_at = 0.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

// Columns 0-7 of the grant SELECTs below, in this order.
Grant read_grant(const Statement& q, int first = 0) {
  return Grant{
      .id = q.text(first + 0),
      .user_id = q.text(first + 1),
      .client_id = q.text(first + 2),
      .scope = q.text(first + 3),
      .resource = q.text(first + 4),
      .created_at = q.integer(first + 5),
      .absolute_expires_at = q.integer(first + 6),
      .revoked_at = q.integer(first + 7),
  };
}

class SqliteGrantStore final : public GrantStore {
 public:
  explicit SqliteGrantStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool create(const Grant& g, const RefreshToken& t) override {
    auto lock = db_->lock();
    Transaction tx(*db_);
    if (db_->prepare(
               "INSERT INTO grants (id, user_id, client_id, scope, resource, created_at, absolute_expires_at,"
               " revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING")
            .bind(g.id, g.user_id, g.client_id, g.scope, g.resource, g.created_at, g.absolute_expires_at,
                  g.revoked_at)
            .run() != 1)
      return false;  // rolls back
    if (insert_token(t, g.id) != 1) return false;  // rolls back the grant too
    tx.commit();
    return true;
  }

  std::optional<std::pair<Grant, RefreshToken>> find_refresh(std::string_view token_hash) override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        "SELECT g.id, g.user_id, g.client_id, g.scope, g.resource, g.created_at, g.absolute_expires_at,"
        " g.revoked_at, t.token_hash, t.created_at, t.expires_at, t.rotated_at, t.replaced_by_hash, t.used_at"
        " FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id WHERE t.token_hash = ?1");
    q.bind(token_hash);
    if (!q.step()) return std::nullopt;
    Grant grant = read_grant(q);
    RefreshToken token{
        .token_hash = q.text(8),
        .grant_id = grant.id,
        .created_at = q.integer(9),
        .expires_at = q.integer(10),
        .rotated_at = q.integer(11),
        .replaced_by_hash = q.text(12),
        .used_at = q.integer(13),
    };
    return std::pair{std::move(grant), std::move(token)};
  }

  RotateResult rotate(std::string_view old_hash, const RefreshToken& new_token, std::int64_t now) override {
    auto lock = db_->lock();
    Transaction tx(*db_);
    auto result = rotate_in_transaction(old_hash, new_token, now, true);
    if (result.status == RotateStatus::rotated) tx.commit();
    return result;
  }

  RotateResult rotate_retry(std::string_view retried_hash, const RefreshToken& new_token, std::int64_t now) override {
    auto lock = db_->lock();
    // One IMMEDIATE transaction: the walk and the rotation see one state of
    // the family, also against another process on the same file.
    Transaction tx(*db_);
    auto link = [&](std::string_view hash) {
      auto q = db_->prepare("SELECT grant_id, rotated_at, replaced_by_hash, used_at FROM refresh_tokens WHERE token_hash = ?1");
      q.bind(hash);
      std::optional<RefreshToken> t;
      if (q.step())
        t = RefreshToken{.token_hash = std::string(hash), .grant_id = q.text(0), .rotated_at = q.integer(1),
                         .replaced_by_hash = q.text(2), .used_at = q.integer(3)};
      return t;
    };
    auto retried = link(retried_hash);
    if (!retried || retried->rotated_at == 0) return {.status = RotateStatus::not_found};
    auto head = retried;
    for (int i = 0; i < kMaxRetryChain && head->rotated_at != 0; ++i) {
      head = link(head->replaced_by_hash);
      if (!head) return {.status = RotateStatus::not_found};
      if (head->used_at != 0) return {.status = RotateStatus::successor_used, .grant_id = retried->grant_id};
    }
    if (head->rotated_at != 0) return {.status = RotateStatus::not_found};  // chain too long
    auto result = rotate_in_transaction(head->token_hash, new_token, now, false);
    if (result.status != RotateStatus::rotated) return result;
    db_->prepare("UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1").bind(retried_hash, now).run();
    tx.commit();
    return result;
  }

  bool revoke_grant(std::string_view grant_id, std::int64_t now) override {
    auto lock = db_->lock();
    return db_->prepare("UPDATE grants SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0")
               .bind(grant_id, now)
               .run() == 1;
  }

  std::optional<Grant> find_grant(std::string_view grant_id) override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        "SELECT id, user_id, client_id, scope, resource, created_at, absolute_expires_at, revoked_at"
        " FROM grants WHERE id = ?1");
    q.bind(grant_id);
    if (!q.step()) return std::nullopt;
    return read_grant(q);
  }

  std::vector<Grant> list_grants(const std::optional<std::string>& user_id,
                                 const std::optional<std::string>& client_id) override {
    auto lock = db_->lock();
    // A missing filter binds its flag as 0, so one statement serves all
    // four combinations.
    auto q = db_->prepare(
        "SELECT id, user_id, client_id, scope, resource, created_at, absolute_expires_at, revoked_at"
        " FROM grants WHERE (?2 = 0 OR user_id = ?1) AND (?4 = 0 OR client_id = ?3)"
        " ORDER BY created_at, id");
    q.bind(user_id.value_or(""), user_id.has_value(), client_id.value_or(""), client_id.has_value());
    std::vector<Grant> out;
    while (q.step()) out.push_back(read_grant(q));
    return out;
  }

  GrantCleanup remove_expired(std::int64_t now) override {
    auto lock = db_->lock();
    Transaction tx(*db_);
    GrantCleanup removed;
    removed.refresh_tokens = static_cast<std::size_t>(
        db_->prepare(
               "DELETE FROM refresh_tokens WHERE expires_at <= ?1"
               " OR grant_id IN (SELECT id FROM grants WHERE absolute_expires_at <= ?1)")
            .bind(now)
            .run());
    removed.grants = static_cast<std::size_t>(
        db_->prepare(
               "DELETE FROM grants"
               " WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.grant_id = grants.id)")
            .run());
    tx.commit();
    return removed;
  }

 private:
  // rotate's compare-and-set inside the caller's transaction (which commits
  // on `rotated`); `mark_used`: old_hash was presented by its holder.
  RotateResult rotate_in_transaction(std::string_view old_hash, const RefreshToken& new_token, std::int64_t now,
                                     bool mark_used) {
    std::optional<std::string> grant_id;
    {
      // The compare-and-set: only the current token of a live, unexpired
      // grant matches, so of two racing calls one changes the row.
      auto q = db_->prepare(
          "UPDATE refresh_tokens SET rotated_at = ?3, replaced_by_hash = ?2,"
          " used_at = CASE WHEN ?4 THEN ?3 ELSE used_at END"
          " WHERE token_hash = ?1 AND rotated_at = 0 AND expires_at > ?3"
          " AND EXISTS (SELECT 1 FROM grants g WHERE g.id = refresh_tokens.grant_id"
          "             AND g.revoked_at = 0 AND g.absolute_expires_at > ?3)"
          " RETURNING grant_id");
      q.bind(old_hash, new_token.token_hash, now, mark_used);
      if (q.step()) grant_id = q.text(0);
      while (q.step()) {
      }
    }
    if (grant_id) {
      if (insert_token(new_token, *grant_id) != 1)
        throw StoreError("store " + db_->file() + ": rotate: refresh token hash already exists");
      return {.status = RotateStatus::rotated, .grant_id = std::move(*grant_id)};
    }
    // Lost: tell why, in the precedence the interface documents.
    auto q = db_->prepare(
        "SELECT t.grant_id, t.rotated_at, t.replaced_by_hash, t.expires_at, g.revoked_at, g.absolute_expires_at"
        " FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id WHERE t.token_hash = ?1");
    q.bind(old_hash);
    if (!q.step()) return {.status = RotateStatus::not_found};
    if (std::int64_t rotated_at = q.integer(1); rotated_at != 0)
      return {.status = RotateStatus::already_rotated,
              .grant_id = q.text(0),
              .rotated_at = rotated_at,
              .replaced_by_hash = q.text(2)};
    if (q.integer(4) != 0) return {.status = RotateStatus::revoked, .grant_id = q.text(0)};
    return {.status = RotateStatus::expired, .grant_id = q.text(0)};
  }

  // 1 when inserted, 0 when the hash exists. Caller holds the lock.
  int insert_token(const RefreshToken& t, const std::string& grant_id) {
    return db_->prepare(
                  "INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at)"
                  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
        .bind(t.token_hash, grant_id, t.created_at, t.expires_at)
        .run();
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<GrantStore> make_grant_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteGrantStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
