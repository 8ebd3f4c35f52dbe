#pragma once
// Tasks (the MCP Tasks extension, io.modelcontextprotocol/tasks, and the
// 2025-11-25 experimental tasks): a tools/call that runs on after its
// request has been answered, polled by the client that started it.
//
// The store keeps what must outlive the request and the process: who owns
// the task, its status, the questions it waits on, and its outcome. The
// running handler itself lives in one process (mcp/tasks/task_runner.hpp);
// after a restart the tasks it was running are failed with a documented
// message (fail_unfinished) and stay readable until they expire.
//
// Unlike the authorization stores, times here are Unix *milliseconds*: the
// protocol reports createdAt/lastUpdatedAt to the millisecond and counts
// ttlMs in milliseconds. A task is live while now_ms < expires_at_ms.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

// MCP "TaskStatus". working and input_required are active; the other three
// are terminal and never change again.
enum class TaskStatus { working, input_required, completed, failed, cancelled };
std::string_view to_string(TaskStatus status);
std::optional<TaskStatus> parse_task_status(std::string_view text);
inline bool is_terminal(TaskStatus s) {
  return s == TaskStatus::completed || s == TaskStatus::failed || s == TaskStatus::cancelled;
}

struct TaskRecord {
  std::string id;     // chosen by the server: 128 random bits, base64url
  std::string owner;  // the subject of the principal that created it; "" without authentication
  std::string tool;   // the tool the task runs
  TaskStatus status = TaskStatus::working;
  std::string status_message;  // "" when none
  // JSON texts ("" when absent): the questions the task waits on while
  // input_required (an object keyed by question); the CallToolResult when
  // completed; the JSON-RPC error object when failed.
  std::string input_requests;
  std::string result;
  std::string error;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t ttl_ms = 0;         // what the client is told (ttlMs)
  std::int64_t expires_at_ms = 0;  // gone from find/list at this time, removed by remove_expired

  bool operator==(const TaskRecord&) const = default;
};

// Bounds per owner, checked atomically with the insertion.
struct TaskLimits {
  std::size_t max_active = 16;  // working or input_required
  std::size_t max_kept = 1000;  // unexpired, whatever their status
};

enum class TaskAdd { added, duplicate_id, too_many_active, too_many_kept };

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Inserts `record` unless its id is taken or its owner already has
  // limits.max_active active or limits.max_kept unexpired tasks at now_ms.
  // Durable when it returns `added` (SQLite: committed).
  // Both bounds count only tasks unexpired at now_ms (whether remove_expired
  // has run yet changes nothing); a task expired but not yet removed still
  // holds its id. Checked in the order of TaskAdd: id, active, kept.
  virtual TaskAdd add(const TaskRecord& record, const TaskLimits& limits, std::int64_t now_ms) = 0;

  // The task `id` when it belongs to `owner` and has not expired at now_ms.
  // Another owner's task is not found: its id tells the caller nothing.
  virtual std::optional<TaskRecord> find(std::string_view id, std::string_view owner, std::int64_t now_ms) = 0;

  // Writes status, status_message, input_requests, result, error,
  // updated_at_ms and expires_at_ms of the stored task record.id, unless
  // it is gone or already terminal: a terminal task never changes (a
  // cancelled task's handler that finishes later cannot overwrite it).
  // True when written. owner, tool, created_at_ms and ttl_ms stay as added.
  // There is no now_ms: a task expired but not yet removed is still written.
  virtual bool update(const TaskRecord& record) = 0;

  // `owner`'s unexpired tasks, oldest first (by created_at_ms, then id),
  // starting after the task `after_id` ("" from the start); at most `limit`.
  // Empty when `after_id` is not a task find() would return to `owner` at
  // now_ms (unknown, expired, another owner's): the listing ends, it does
  // not start over.
  virtual std::vector<TaskRecord> list(std::string_view owner, std::int64_t now_ms, std::string_view after_id,
                                       std::size_t limit) = 0;

  // Removes every task expired at now_ms; returns how many.
  virtual std::size_t remove_expired(std::int64_t now_ms) = 0;

  // Startup: every task still working or input_required has lost the
  // process that ran it. Each becomes failed with `error` (a JSON-RPC error
  // object as JSON text) and `status_message`, updated at now_ms; its
  // expiry and result stay; its input_requests are cleared (nobody waits
  // for those answers any more). Expired tasks not yet removed are
  // included. Returns how many.
  virtual std::size_t fail_unfinished(std::string_view error, std::string_view status_message, std::int64_t now_ms) = 0;
};

}  // namespace gatehouse::store
