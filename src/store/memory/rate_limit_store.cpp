// In-memory RateLimitStore: one counter per key for its current window.
#include "store/counter_key.hpp"
#include "store/memory/memory_stores.hpp"

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryRateLimitStore final : public RateLimitStore {
 public:
  bool hit(std::string_view key, std::int64_t window_seconds, std::int64_t limit, std::int64_t now) override {
    if (window_seconds <= 0) throw std::invalid_argument("rate limit window must be positive");
    const std::int64_t start = window_start(now, window_seconds);
    const std::string hashed = counter_key(key);
    std::lock_guard lock(mutex_);
    auto it = counters_.find(hashed);
    if (it == counters_.end()) it = counters_.emplace(hashed, Counter{}).first;
    Counter& c = it->second;
    if (c.window_start != start || c.count == 0)
      c = Counter{.window_start = start, .window_end = start + window_seconds};
    ++c.count;
    return c.count <= limit;
  }

  std::size_t remove_expired(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return std::erase_if(counters_, [now](const auto& kv) { return kv.second.window_end <= now; });
  }

 private:
  struct Counter {
    std::int64_t window_start = 0;
    std::int64_t window_end = 0;
    std::int64_t count = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Counter, std::less<>> counters_;
};

}  // namespace

std::unique_ptr<RateLimitStore> make_rate_limit_store() { return std::make_unique<MemoryRateLimitStore>(); }

}  // namespace gatehouse::store::memory
