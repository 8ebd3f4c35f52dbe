// In-memory UserStore: users by id, plus an index by name.
#include "store/memory/memory_stores.hpp"

#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryUserStore final : public UserStore {
 public:
  bool add(const User& user) override {
    std::lock_guard lock(mutex_);
    if (users_.contains(user.id) || ids_by_name_.contains(user.name)) return false;
    users_.emplace(user.id, user);
    ids_by_name_.emplace(user.name, user.id);
    return true;
  }

  std::optional<User> find(std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<User> find_by_name(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto it = ids_by_name_.find(name);
    if (it == ids_by_name_.end()) return std::nullopt;
    return users_.at(it->second);
  }

  std::vector<User> list() override {
    std::lock_guard lock(mutex_);
    std::vector<User> out;
    out.reserve(users_.size());
    for (const auto& [name, id] : ids_by_name_) out.push_back(users_.at(id));
    return out;
  }

  bool set_password_hash(std::string_view id, std::string_view password_hash) override {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) return false;
    it->second.password_hash = password_hash;
    return true;
  }

  bool set_disabled(std::string_view id, bool disabled) override {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) return false;
    it->second.disabled = disabled;
    return true;
  }

  bool remove(std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) return false;
    ids_by_name_.erase(it->second.name);
    users_.erase(it);
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, User, std::less<>> users_;
  std::map<std::string, std::string, std::less<>> ids_by_name_;  // ordered: list() is by name
};

}  // namespace

std::unique_ptr<UserStore> make_user_store() { return std::make_unique<MemoryUserStore>(); }

}  // namespace gatehouse::store::memory
