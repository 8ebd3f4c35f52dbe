// SQLite SigningKeyStore: the `signing_keys` table.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

class SqliteSigningKeyStore final : public SigningKeyStore {
 public:
  explicit SqliteSigningKeyStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool add(const SigningKey& k) override {
    auto lock = db_->lock();
    return db_->prepare(
                  "INSERT INTO signing_keys (kid, algorithm, private_key_pem, created_at, retired_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
               .bind(k.kid, k.algorithm, k.private_key_pem, k.created_at, k.retired_at)
               .run() == 1;
  }

  std::vector<SigningKey> list() override {
    auto lock = db_->lock();
    auto q = db_->prepare(
        "SELECT kid, algorithm, private_key_pem, created_at, retired_at FROM signing_keys ORDER BY created_at, kid");
    std::vector<SigningKey> out;
    while (q.step())
      out.push_back(SigningKey{
          .kid = q.text(0),
          .algorithm = q.text(1),
          .private_key_pem = q.text(2),
          .created_at = q.integer(3),
          .retired_at = q.integer(4),
      });
    return out;
  }

  bool retire(std::string_view kid, std::int64_t at) override {
    auto lock = db_->lock();
    return db_->prepare("UPDATE signing_keys SET retired_at = ?2 WHERE kid = ?1 AND retired_at = 0")
               .bind(kid, at)
               .run() == 1;
  }

  bool remove(std::string_view kid) override {
    auto lock = db_->lock();
    return db_->prepare("DELETE FROM signing_keys WHERE kid = ?1").bind(kid).run() == 1;
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<SigningKeyStore> make_signing_key_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteSigningKeyStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
