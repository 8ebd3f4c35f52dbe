#pragma once
// Runs tools as tasks (the Tasks extension io.modelcontextprotocol/tasks of
// MCP 2026-07-28; the experimental tasks of 2025-11-25): creates each task's
// durable record before the client hears of it, keeps the executions that
// run in this process, and answers the task methods from them or from the
// store.
//
// What survives what:
// - The record (store::TaskStore) outlives the request and the process: a
//   client polls it from any connection, and after a restart it still finds
//   its task.
// - The running handler lives in this process only. recover() fails, at
//   startup, every task a previous process left working or input_required,
//   with an error saying the server restarted; stop_all() does the same
//   for the tasks still running at a graceful shutdown.
// - Tasks are bound to the subject of the principal that created them:
//   another caller's task id is unknown to you (-32602), like a made-up one.
// - Each owner has at most TaskLimits::max_active running and max_kept
//   unexpired tasks; a task is kept `ttl` after its creation, then swept.
#include "crypto/random.hpp"
#include "json.hpp"
#include "store/task_store.hpp"
#include "time/clock.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::mcp {

class ToolExecution;

struct TaskSettings {
  // How long a task is kept after its creation (ttlMs); a 2025-11-25 client
  // may ask for less.
  std::chrono::milliseconds ttl = std::chrono::hours(1);
  // How often clients are asked to poll (pollIntervalMs).
  std::chrono::milliseconds poll_interval = std::chrono::seconds(1);
  store::TaskLimits limits;
};

// A task could not be created: its owner is at one of its bounds. The
// message is for the user.
class TaskRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TaskRunner {
 public:
  // `store`, `clock` and `random` must outlive the runner.
  TaskRunner(store::TaskStore& store, TaskSettings settings, const time::Clock& clock = time::system_clock(),
             crypto::Random& random = crypto::system_random());
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  const TaskSettings& settings() const noexcept { return settings_; }
  std::int64_t now_ms() const;

  // Startup: fails the tasks a previous process left running. Returns how many.
  std::size_t recover();
  // Periodic: stops the executions of expired tasks and removes expired
  // tasks from the store. Returns how many were removed.
  std::size_t sweep();
  // Graceful shutdown: every task still running here fails with `reason`.
  void stop_all(std::string_view reason);

  // The durable record (status working) of a new task of `owner` running
  // `tool`, kept for `ttl` (at most settings().ttl). Throws TaskRefused at
  // the owner's bounds, store::StoreError when storage fails.
  store::TaskRecord create(std::string_view owner, std::string_view tool,
                           std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  // The execution running a task in this process, until it ends.
  void attach(std::shared_ptr<ToolExecution> execution);
  void detach(const std::string& id);
  // Writes a task's new state to the store. A failure is logged, not
  // thrown: the execution goes on, and the client sees its live state.
  // Then tells the observers.
  void write(const store::TaskRecord& record);

  // Called with a task's new state after each write (a status change, new
  // questions, the outcome), on the thread that changed it: quick, and
  // without calling back into the runner. For status notifications.
  using Observer = std::function<void(const store::TaskRecord&)>;
  void observe(Observer observer);

  // The task `id` of `owner` as it is now: live for tasks running here,
  // from the store otherwise. nullopt when unknown, another owner's or expired.
  std::optional<store::TaskRecord> find(std::string_view id, std::string_view owner);
  // tasks/update: hands the answers to the questions they name (others are
  // ignored). False when the task is unknown.
  bool answer(std::string_view id, std::string_view owner, const json::object& responses);
  // tasks/cancel: the task after cancellation (unchanged when already
  // terminal); nullopt when unknown.
  std::optional<store::TaskRecord> cancel(std::string_view id, std::string_view owner);
  // tasks/list (2025-11-25): `owner`'s tasks, oldest first, after `after_id`.
  std::vector<store::TaskRecord> list(std::string_view owner, std::string_view after_id, std::size_t limit);

  std::size_t live_count() const;

 private:
  std::shared_ptr<ToolExecution> live(std::string_view id, std::string_view owner) const;

  store::TaskStore& store_;
  TaskSettings settings_;
  const time::Clock& clock_;
  crypto::Random& random_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ToolExecution>, std::less<>> live_;
  mutable std::mutex observers_mutex_;
  std::vector<Observer> observers_;
};

}  // namespace gatehouse::mcp
