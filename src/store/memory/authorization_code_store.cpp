// In-memory AuthorizationCodeStore: codes by hash with their use state.
#include "store/memory/memory_stores.hpp"

#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryAuthorizationCodeStore final : public AuthorizationCodeStore {
 public:
  bool add(const AuthorizationCode& code) override {
    std::lock_guard lock(mutex_);
    return codes_.emplace(code.code_hash, Entry{.code = code}).second;
  }

  std::optional<AuthorizationCode> find(std::string_view code_hash) override {
    std::lock_guard lock(mutex_);
    auto it = codes_.find(code_hash);
    if (it == codes_.end()) return std::nullopt;
    return it->second.code;
  }

  ConsumeResult consume(std::string_view code_hash, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto it = codes_.find(code_hash);
    if (it == codes_.end()) return {.status = ConsumeStatus::not_found};
    Entry& e = it->second;
    if (e.used_at != 0)
      return {.status = ConsumeStatus::already_used, .code = e.code, .used_at = e.used_at, .grant_id = e.grant_id};
    if (now >= e.code.expires_at) return {.status = ConsumeStatus::expired, .code = e.code};
    e.used_at = now;
    return {.status = ConsumeStatus::consumed, .code = e.code, .used_at = now};
  }

  bool set_grant(std::string_view code_hash, std::string_view grant_id) override {
    std::lock_guard lock(mutex_);
    auto it = codes_.find(code_hash);
    if (it == codes_.end() || it->second.used_at == 0) return false;
    it->second.grant_id = grant_id;
    return true;
  }

  std::size_t remove_expired(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return std::erase_if(codes_, [now](const auto& kv) { return kv.second.code.expires_at <= now; });
  }

 private:
  struct Entry {
    AuthorizationCode code;
    std::int64_t used_at = 0;
    std::string grant_id;
  };
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> codes_;
};

}  // namespace

std::unique_ptr<AuthorizationCodeStore> make_authorization_code_store() {
  return std::make_unique<MemoryAuthorizationCodeStore>();
}

}  // namespace gatehouse::store::memory
