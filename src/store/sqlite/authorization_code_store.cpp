// SQLite AuthorizationCodeStore: the `authorization_codes` table. A code's
// use is its used_at column; consume flips it with one conditional UPDATE.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

// Columns 0-10 of every SELECT/RETURNING below, in this order.
AuthorizationCode read_code(const Statement& q) {
  return AuthorizationCode{
      .code_hash = q.text(0),
      .client_id = q.text(1),
      .redirect_uri = q.text(2),
      .code_challenge = q.text(3),
      .code_challenge_method = q.text(4),
      .resource = q.text(5),
      .scope = q.text(6),
      .user_id = q.text(7),
      .created_at = q.integer(8),
      .expires_at = q.integer(9),
      .extra_json = q.text(10),
  };
}

class SqliteAuthorizationCodeStore final : public AuthorizationCodeStore {
 public:
  explicit SqliteAuthorizationCodeStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool add(const AuthorizationCode& c) override {
    auto lock = db_->lock();
    return db_->prepare(
                  "INSERT INTO authorization_codes (code_hash, client_id, redirect_uri, code_challenge,"
                  " code_challenge_method, resource, scope, user_id, created_at, expires_at, extra_json)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING")
               .bind(c.code_hash, c.client_id, c.redirect_uri, c.code_challenge, c.code_challenge_method, c.resource,
                     c.scope, c.user_id, c.created_at, c.expires_at, c.extra_json)
               .run() == 1;
  }

  std::optional<AuthorizationCode> find(std::string_view code_hash) override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        "SELECT code_hash, client_id, redirect_uri, code_challenge, code_challenge_method, resource,"
        " scope, user_id, created_at, expires_at, extra_json FROM authorization_codes WHERE code_hash = ?1");
    q.bind(code_hash);
    if (!q.step()) return std::nullopt;
    return read_code(q);
  }

  ConsumeResult consume(std::string_view code_hash, std::int64_t now) override {
    auto lock = db_->lock();
    Transaction tx(*db_);
    ConsumeResult result;
    {
      // The compare-and-set: only an unused, unexpired code matches, so of
      // two racing calls (in this or another process) one changes the row.
      auto q = db_->prepare(
          "UPDATE authorization_codes SET used_at = ?2"
          " WHERE code_hash = ?1 AND used_at = 0 AND expires_at > ?2"
          " RETURNING code_hash, client_id, redirect_uri, code_challenge, code_challenge_method, resource,"
          " scope, user_id, created_at, expires_at, extra_json");
      q.bind(code_hash, now);
      if (q.step()) result = {.status = ConsumeStatus::consumed, .code = read_code(q), .used_at = now};
      while (q.step()) {
      }
    }
    if (result.status != ConsumeStatus::consumed) {
      // Lost: tell why, from the same transaction's view of the row.
      auto q = db_->prepare(
          "SELECT code_hash, client_id, redirect_uri, code_challenge, code_challenge_method, resource,"
          " scope, user_id, created_at, expires_at, extra_json, used_at, grant_id"
          " FROM authorization_codes WHERE code_hash = ?1");
      q.bind(code_hash);
      if (!q.step()) {
        result = {.status = ConsumeStatus::not_found};
      } else if (std::int64_t used_at = q.integer(11); used_at != 0) {
        result = {.status = ConsumeStatus::already_used, .code = read_code(q), .used_at = used_at,
                  .grant_id = q.text(12)};
      } else {
        result = {.status = ConsumeStatus::expired, .code = read_code(q)};
      }
    }
    tx.commit();
    return result;
  }

  bool set_grant(std::string_view code_hash, std::string_view grant_id) override {
    auto lock = db_->lock();
    return db_->prepare("UPDATE authorization_codes SET grant_id = ?2 WHERE code_hash = ?1 AND used_at <> 0")
               .bind(code_hash, grant_id)
               .run() == 1;
  }

  std::size_t remove_expired(std::int64_t now) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(
        db_->prepare("DELETE FROM authorization_codes WHERE expires_at <= ?1").bind(now).run());
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<AuthorizationCodeStore> make_authorization_code_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteAuthorizationCodeStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
