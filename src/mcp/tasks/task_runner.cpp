#include "mcp/tasks/task_runner.hpp"

#include "mcp/tasks/tool_execution.hpp"
#include "store/store_error.hpp"

#include <gatehouse/error.hpp>

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace gatehouse::mcp {

namespace {

// What a client reads of a task its server lost (restart, shutdown): a
// JSON-RPC internal error, so the task is `failed` in both eras.
std::string lost_error(std::string_view message) {
  return json::serialize(json::object{{"code", error_code::internal_error}, {"message", message}});
}

constexpr std::string_view kRestarted =
    "the server restarted while this task was running, and its work was lost; call the tool again";

}  // namespace

TaskRunner::TaskRunner(store::TaskStore& store, TaskSettings settings, const time::Clock& clock,
                       crypto::Random& random)
    : store_(store), settings_(std::move(settings)), clock_(clock), random_(random) {}

std::int64_t TaskRunner::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall().time_since_epoch()).count();
}

std::size_t TaskRunner::recover() {
  auto n = store_.fail_unfinished(lost_error(kRestarted), kRestarted, now_ms());
  if (n > 0) spdlog::warn("{} task(s) were running when the server last stopped; they are marked failed", n);
  return n;
}

std::size_t TaskRunner::sweep() {
  auto now = now_ms();
  std::vector<std::shared_ptr<ToolExecution>> expired;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, execution] : live_)
      if (execution->snapshot().expires_at_ms <= now) expired.push_back(execution);
  }
  for (auto& execution : expired) {
    execution->abandon("the task expired before it finished");
    detach(execution->id());
  }
  return store_.remove_expired(now);
}

void TaskRunner::stop_all(std::string_view reason) {
  std::vector<std::shared_ptr<ToolExecution>> running;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, execution] : live_) running.push_back(execution);
  }
  for (auto& execution : running) execution->abandon(reason);
}

store::TaskRecord TaskRunner::create(std::string_view owner, std::string_view tool,
                                     std::optional<std::chrono::milliseconds> ttl) {
  auto now = now_ms();
  auto kept = settings_.ttl;
  if (ttl) kept = std::clamp(*ttl, std::chrono::milliseconds(1000), settings_.ttl);
  store::TaskRecord record;
  record.owner = owner;
  record.tool = tool;
  record.status = store::TaskStatus::working;
  record.created_at_ms = record.updated_at_ms = now;
  record.ttl_ms = kept.count();
  record.expires_at_ms = now + kept.count();
  // A task id is the only secret of an unauthenticated server's tasks
  // (SEP-2663 "Security"): 128 random bits. A collision is astronomically
  // unlikely; a second draw covers it anyway.
  for (int attempt = 0; attempt < 2; ++attempt) {
    record.id = random_.token(16);
    switch (store_.add(record, settings_.limits, now)) {
      case store::TaskAdd::added: return record;
      case store::TaskAdd::duplicate_id: continue;
      case store::TaskAdd::too_many_active:
        throw TaskRefused("you already have " + std::to_string(settings_.limits.max_active) +
                          " tasks running, the most this server allows; wait for one to finish or cancel one");
      case store::TaskAdd::too_many_kept:
        throw TaskRefused("you already have " + std::to_string(settings_.limits.max_kept) +
                          " tasks kept, the most this server allows; each is removed " +
                          std::to_string(settings_.ttl.count() / 1000) + " s after it was created");
    }
  }
  throw store::StoreError("no unused task id after two draws");
}

void TaskRunner::attach(std::shared_ptr<ToolExecution> execution) {
  std::lock_guard lock(mutex_);
  auto id = execution->id();
  live_[std::move(id)] = std::move(execution);
}

void TaskRunner::detach(const std::string& id) {
  std::lock_guard lock(mutex_);
  live_.erase(id);
}

void TaskRunner::write(const store::TaskRecord& record) {
  try {
    store_.update(record);
  } catch (const store::StoreError& e) {
    spdlog::error("task {}: its new state ({}) could not be stored: {}", record.id, store::to_string(record.status),
                  e.what());
  }
  std::lock_guard lock(observers_mutex_);
  for (const auto& observer : observers_) observer(record);
}

void TaskRunner::observe(Observer observer) {
  std::lock_guard lock(observers_mutex_);
  observers_.push_back(std::move(observer));
}

std::shared_ptr<ToolExecution> TaskRunner::live(std::string_view id, std::string_view owner) const {
  std::lock_guard lock(mutex_);
  auto it = live_.find(id);
  if (it == live_.end() || it->second->owner() != owner) return nullptr;
  return it->second;
}

std::optional<store::TaskRecord> TaskRunner::find(std::string_view id, std::string_view owner) {
  if (auto execution = live(id, owner)) {
    auto record = execution->snapshot();
    if (record.expires_at_ms > now_ms()) return record;
    return std::nullopt;
  }
  return store_.find(id, owner, now_ms());
}

bool TaskRunner::answer(std::string_view id, std::string_view owner, const json::object& responses) {
  if (auto execution = live(id, owner)) {
    execution->answer(responses);
    return true;
  }
  // Not running here (finished, or lost with a restart): nothing waits for
  // the answers, and a known task still gets its acknowledgement.
  return store_.find(id, owner, now_ms()).has_value();
}

std::optional<store::TaskRecord> TaskRunner::cancel(std::string_view id, std::string_view owner) {
  if (auto execution = live(id, owner)) return execution->cancel();
  auto record = store_.find(id, owner, now_ms());
  if (!record || store::is_terminal(record->status)) return record;
  // Active, yet not running here: another instance's, whose later writes
  // the store refuses once this one lands.
  record->status = store::TaskStatus::cancelled;
  record->status_message = "cancelled by the client";
  record->input_requests.clear();
  record->updated_at_ms = now_ms();
  if (!store_.update(*record)) return store_.find(id, owner, now_ms());
  return record;
}

std::vector<store::TaskRecord> TaskRunner::list(std::string_view owner, std::string_view after_id, std::size_t limit) {
  auto records = store_.list(owner, now_ms(), after_id, limit);
  // Tasks running here are fresher in memory (statusMessage, questions).
  for (auto& record : records)
    if (auto execution = live(record.id, owner)) record = execution->snapshot();
  return records;
}

std::size_t TaskRunner::live_count() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace gatehouse::mcp
