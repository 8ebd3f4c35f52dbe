// In-memory UpstreamTokenStore: records by grant id.
#include "store/memory/memory_stores.hpp"

#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryUpstreamTokenStore final : public UpstreamTokenStore {
 public:
  bool add(const UpstreamTokenRecord& record) override {
    std::lock_guard lock(mutex_);
    auto stored = record;
    stored.version = 1;
    return records_.emplace(record.grant_id, std::move(stored)).second;
  }

  std::optional<UpstreamTokenRecord> find(std::string_view grant_id) override {
    std::lock_guard lock(mutex_);
    auto it = records_.find(grant_id);
    if (it == records_.end()) return std::nullopt;
    return it->second;
  }

  bool update(const UpstreamTokenRecord& record, std::int64_t expected_version) override {
    std::lock_guard lock(mutex_);
    auto it = records_.find(record.grant_id);
    if (it == records_.end() || it->second.version != expected_version) return false;
    it->second = record;
    it->second.version = expected_version + 1;
    return true;
  }

  bool remove(std::string_view grant_id) override {
    std::lock_guard lock(mutex_);
    auto it = records_.find(grant_id);
    if (it == records_.end()) return false;
    records_.erase(it);
    return true;
  }

  std::vector<UpstreamTokenRecord> list() override {
    std::lock_guard lock(mutex_);
    std::vector<UpstreamTokenRecord> out;
    for (const auto& [id, record] : records_) out.push_back(record);
    return out;
  }

  std::vector<UpstreamTokenRecord> remove_pending(std::int64_t created_before) override {
    std::lock_guard lock(mutex_);
    std::vector<UpstreamTokenRecord> out;
    for (auto it = records_.begin(); it != records_.end();) {
      if (it->second.state == VaultState::pending && it->second.created_at < created_before) {
        out.push_back(std::move(it->second));
        it = records_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, UpstreamTokenRecord, std::less<>> records_;
};

}  // namespace

std::unique_ptr<UpstreamTokenStore> make_upstream_token_store() { return std::make_unique<MemoryUpstreamTokenStore>(); }

}  // namespace gatehouse::store::memory
