// SQLite UserStore: the `users` table.
#include "store/sqlite/database.hpp"

namespace gatehouse::store::sqlite {
namespace {

User read_user(const Statement& q) {
  return User{
      .id = q.text(0),
      .name = q.text(1),
      .password_hash = q.text(2),
      .created_at = q.integer(3),
      .disabled = q.integer(4) != 0,
  };
}

class SqliteUserStore final : public UserStore {
 public:
  explicit SqliteUserStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool add(const User& u) override {
    auto lock = db_->lock();
    return db_->prepare("INSERT INTO users (id, name, password_hash, created_at, disabled)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
               .bind(u.id, u.name, u.password_hash, u.created_at, u.disabled)
               .run() == 1;
  }

  std::optional<User> find(std::string_view id) override {
    auto lock = db_->lock();
    auto q = db_->prepare("SELECT id, name, password_hash, created_at, disabled FROM users WHERE id = ?1");
    q.bind(id);
    if (!q.step()) return std::nullopt;
    return read_user(q);
  }

  std::optional<User> find_by_name(std::string_view name) override {
    auto lock = db_->lock();
    auto q = db_->prepare("SELECT id, name, password_hash, created_at, disabled FROM users WHERE name = ?1");
    q.bind(name);
    if (!q.step()) return std::nullopt;
    return read_user(q);
  }

  std::vector<User> list() override {
    auto lock = db_->lock();
    auto q = db_->prepare("SELECT id, name, password_hash, created_at, disabled FROM users ORDER BY name");
    std::vector<User> out;
    while (q.step()) out.push_back(read_user(q));
    return out;
  }

  bool set_password_hash(std::string_view id, std::string_view password_hash) override {
    auto lock = db_->lock();
    return db_->prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1").bind(id, password_hash).run() == 1;
  }

  bool set_disabled(std::string_view id, bool disabled) override {
    auto lock = db_->lock();
    return db_->prepare("UPDATE users SET disabled = ?2 WHERE id = ?1").bind(id, disabled).run() == 1;
  }

  bool remove(std::string_view id) override {
    auto lock = db_->lock();
    return db_->prepare("DELETE FROM users WHERE id = ?1").bind(id).run() == 1;
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<UserStore> make_user_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteUserStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
