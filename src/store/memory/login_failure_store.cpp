// In-memory LoginFailureStore: one record per hashed key.
#include "store/counter_key.hpp"
#include "store/memory/memory_stores.hpp"

#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryLoginFailureStore final : public LoginFailureStore {
 public:
  LoginAttempt begin(std::string_view key, std::int64_t now, const LoginBackoff& backoff) override {
    std::lock_guard lock(mutex_);
    Record& r = records_[counter_key(key)];
    if (r.expires_at <= now) r = Record{};
    if (r.retry_at > now) return {.allowed = false, .retry_at = r.retry_at, .failures = r.failures};
    ++r.failures;
    r.retry_at = now + backoff.wait_after(r.failures);
    r.expires_at = std::max(now + backoff.forget_after, r.retry_at);
    return {.allowed = true, .retry_at = r.retry_at, .failures = r.failures};
  }

  void succeeded(std::string_view key) override {
    std::lock_guard lock(mutex_);
    records_.erase(counter_key(key));
  }

  std::size_t remove_expired(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return std::erase_if(records_, [now](const auto& kv) { return kv.second.expires_at <= now; });
  }

 private:
  struct Record {
    std::int64_t failures = 0;
    std::int64_t retry_at = 0;
    std::int64_t expires_at = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Record, std::less<>> records_;
};

}  // namespace

std::unique_ptr<LoginFailureStore> make_login_failure_store() { return std::make_unique<MemoryLoginFailureStore>(); }

}  // namespace gatehouse::store::memory
