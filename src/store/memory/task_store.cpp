// In-memory TaskStore: tasks by id, and by (owner, created_at_ms, id) for
// the per-owner counts and the listing order.
#include "store/memory/memory_stores.hpp"

#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

namespace gatehouse::store::memory {
namespace {

class MemoryTaskStore final : public TaskStore {
 public:
  TaskAdd add(const TaskRecord& record, const TaskLimits& limits, std::int64_t now_ms) override {
    std::lock_guard lock(mutex_);
    if (tasks_.contains(record.id)) return TaskAdd::duplicate_id;
    std::size_t active = 0;
    std::size_t kept = 0;
    for (auto it = owner_begin(record.owner); it != by_owner_.end() && std::get<0>(*it) == record.owner; ++it) {
      const TaskRecord& t = tasks_.at(std::get<2>(*it));
      if (now_ms >= t.expires_at_ms) continue;
      ++kept;
      if (!is_terminal(t.status)) ++active;
    }
    if (active >= limits.max_active) return TaskAdd::too_many_active;
    if (kept >= limits.max_kept) return TaskAdd::too_many_kept;
    tasks_.emplace(record.id, record);
    by_owner_.emplace(record.owner, record.created_at_ms, record.id);
    return TaskAdd::added;
  }

  std::optional<TaskRecord> find(std::string_view id, std::string_view owner, std::int64_t now_ms) override {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(id);
    if (it == tasks_.end() || it->second.owner != owner || now_ms >= it->second.expires_at_ms) return std::nullopt;
    return it->second;
  }

  bool update(const TaskRecord& record) override {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(record.id);
    if (it == tasks_.end() || is_terminal(it->second.status)) return false;
    TaskRecord& t = it->second;
    t.status = record.status;
    t.status_message = record.status_message;
    t.input_requests = record.input_requests;
    t.result = record.result;
    t.error = record.error;
    t.updated_at_ms = record.updated_at_ms;
    t.expires_at_ms = record.expires_at_ms;
    return true;
  }

  std::vector<TaskRecord> list(std::string_view owner, std::int64_t now_ms, std::string_view after_id,
                               std::size_t limit) override {
    std::lock_guard lock(mutex_);
    std::vector<TaskRecord> out;
    auto it = owner_begin(owner);
    if (!after_id.empty()) {
      // The cursor must be a task the caller could see; anything else ends
      // the listing rather than restarting it.
      auto after = tasks_.find(after_id);
      if (after == tasks_.end() || after->second.owner != owner || now_ms >= after->second.expires_at_ms) return out;
      it = by_owner_.upper_bound(OwnerKey(after->second.owner, after->second.created_at_ms, after->second.id));
    }
    for (; it != by_owner_.end() && std::get<0>(*it) == owner && out.size() < limit; ++it) {
      const TaskRecord& t = tasks_.at(std::get<2>(*it));
      if (now_ms < t.expires_at_ms) out.push_back(t);
    }
    return out;
  }

  std::size_t remove_expired(std::int64_t now_ms) override {
    std::lock_guard lock(mutex_);
    std::size_t removed = 0;
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (now_ms >= it->second.expires_at_ms) {
        by_owner_.erase(OwnerKey(it->second.owner, it->second.created_at_ms, it->second.id));
        it = tasks_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }

  std::size_t fail_unfinished(std::string_view error, std::string_view status_message, std::int64_t now_ms) override {
    std::lock_guard lock(mutex_);
    std::size_t failed = 0;
    for (auto& [id, t] : tasks_) {
      if (is_terminal(t.status)) continue;
      t.status = TaskStatus::failed;
      t.error = error;
      t.status_message = status_message;
      t.input_requests.clear();  // nobody waits for those answers any more
      t.updated_at_ms = now_ms;
      ++failed;
    }
    return failed;
  }

 private:
  using OwnerKey = std::tuple<std::string, std::int64_t, std::string>;  // (owner, created_at_ms, id)

  // The first entry of `owner`'s tasks in by_owner_.
  std::set<OwnerKey>::iterator owner_begin(std::string_view owner) {
    return by_owner_.lower_bound(OwnerKey(std::string(owner), std::numeric_limits<std::int64_t>::min(), std::string()));
  }

  std::mutex mutex_;
  std::map<std::string, TaskRecord, std::less<>> tasks_;
  std::set<OwnerKey> by_owner_;  // owner and created_at_ms never change, so the keys stay valid
};

}  // namespace

std::unique_ptr<TaskStore> make_task_store() { return std::make_unique<MemoryTaskStore>(); }

}  // namespace gatehouse::store::memory
