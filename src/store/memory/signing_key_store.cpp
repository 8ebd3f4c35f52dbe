// In-memory SigningKeyStore: keys by kid.
#include "store/memory/memory_stores.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemorySigningKeyStore final : public SigningKeyStore {
 public:
  bool add(const SigningKey& key) override {
    std::lock_guard lock(mutex_);
    return keys_.emplace(key.kid, key).second;
  }

  std::vector<SigningKey> list() override {
    std::lock_guard lock(mutex_);
    std::vector<SigningKey> out;
    out.reserve(keys_.size());
    for (const auto& [kid, key] : keys_) out.push_back(key);
    std::stable_sort(out.begin(), out.end(),
                     [](const SigningKey& a, const SigningKey& b) { return a.created_at < b.created_at; });
    return out;
  }

  bool retire(std::string_view kid, std::int64_t at) override {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(kid);
    if (it == keys_.end() || it->second.retired_at != 0) return false;
    it->second.retired_at = at;
    return true;
  }

  bool remove(std::string_view kid) override {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(kid);
    if (it == keys_.end()) return false;
    keys_.erase(it);
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, SigningKey, std::less<>> keys_;  // ordered by kid: list()'s tie-break
};

}  // namespace

std::unique_ptr<SigningKeyStore> make_signing_key_store() { return std::make_unique<MemorySigningKeyStore>(); }

}  // namespace gatehouse::store::memory
