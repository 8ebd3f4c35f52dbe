// In-memory RevocationStore: revocations by id.
#include "store/memory/memory_stores.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryRevocationStore final : public RevocationStore {
 public:
  bool revoke(std::string_view id, RevocationKind kind, std::int64_t expires_at, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto it = revocations_.find(id);
    if (it == revocations_.end()) {
      revocations_.emplace(
          std::string(id),
          Revocation{.id = std::string(id), .kind = kind, .revoked_at = now, .expires_at = expires_at});
      return true;
    }
    if (expires_at > it->second.expires_at) {
      it->second.expires_at = expires_at;
      it->second.revoked_at = now;
    }
    return false;
  }

  bool is_revoked(std::string_view id) override {
    std::lock_guard lock(mutex_);
    return revocations_.contains(id);
  }

  std::vector<Revocation> revoked_since(std::int64_t since) override {
    std::lock_guard lock(mutex_);
    std::vector<Revocation> out;
    for (const auto& [id, r] : revocations_)
      if (r.revoked_at >= since) out.push_back(r);
    std::stable_sort(out.begin(), out.end(),
                     [](const Revocation& a, const Revocation& b) { return a.revoked_at < b.revoked_at; });
    return out;
  }

  std::size_t remove_expired(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return std::erase_if(revocations_, [now](const auto& kv) { return kv.second.expires_at <= now; });
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Revocation, std::less<>> revocations_;  // ordered by id: revoked_since's tie-break
};

}  // namespace

std::unique_ptr<RevocationStore> make_revocation_store() { return std::make_unique<MemoryRevocationStore>(); }

}  // namespace gatehouse::store::memory
