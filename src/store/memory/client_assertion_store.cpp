// In-memory ClientAssertionStore: expiry by (client_id, jti).
#include "store/memory/memory_stores.hpp"

#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace gatehouse::store::memory {
namespace {

class MemoryClientAssertionStore final : public ClientAssertionStore {
 public:
  bool record(std::string_view client_id, std::string_view jti, std::int64_t expires_at, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = expiries_.try_emplace(Key(client_id, jti), expires_at);
    if (inserted) return true;
    if (now < it->second) return false;  // live: a replay
    it->second = expires_at;
    return true;
  }

  std::size_t remove_expired(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return std::erase_if(expiries_, [now](const auto& kv) { return kv.second <= now; });
  }

 private:
  using Key = std::pair<std::string, std::string>;  // (client_id, jti)
  std::mutex mutex_;
  std::map<Key, std::int64_t> expiries_;
};

}  // namespace

std::unique_ptr<ClientAssertionStore> make_client_assertion_store() {
  return std::make_unique<MemoryClientAssertionStore>();
}

}  // namespace gatehouse::store::memory
