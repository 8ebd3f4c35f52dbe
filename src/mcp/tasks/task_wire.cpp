#include "mcp/tasks/task_wire.hpp"

#include "time/iso8601.hpp"

#include <boost/json/parse.hpp>

namespace gatehouse::mcp {

namespace {

// The stored JSON texts were written by this server; an empty one is absent.
json::value stored(const std::string& text) { return text.empty() ? json::value() : json::parse(text); }

}  // namespace

json::object task_fields(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  json::object o;
  o["taskId"] = task.id;
  o["status"] = store::to_string(task.status);
  if (!task.status_message.empty()) o["statusMessage"] = task.status_message;
  o["createdAt"] = time::iso8601_ms(task.created_at_ms);
  o["lastUpdatedAt"] = time::iso8601_ms(task.updated_at_ms);
  // Integer milliseconds (SEP-2663 renamed ttl to ttlMs and pollInterval to
  // pollIntervalMs; never fractional).
  o["ttlMs"] = task.ttl_ms;
  o["pollIntervalMs"] = static_cast<std::int64_t>(poll_interval.count());
  return o;
}

json::object create_task_result(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  auto o = task_fields(task, poll_interval);
  o["resultType"] = "task";
  return o;
}

json::object detailed_task(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  auto o = task_fields(task, poll_interval);
  switch (task.status) {
    case store::TaskStatus::input_required: {
      // Every question still open, on every poll, until answered.
      auto questions = stored(task.input_requests);
      o["inputRequests"] = questions.is_object() ? std::move(questions) : json::object{};
      break;
    }
    case store::TaskStatus::completed: o["result"] = stored(task.result); break;
    case store::TaskStatus::failed: o["error"] = stored(task.error); break;
    default: break;
  }
  return o;
}

json::object legacy_task(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  json::object o;
  o["taskId"] = task.id;
  o["status"] = store::to_string(task.status);
  if (!task.status_message.empty()) o["statusMessage"] = task.status_message;
  o["createdAt"] = time::iso8601_ms(task.created_at_ms);
  o["lastUpdatedAt"] = time::iso8601_ms(task.updated_at_ms);
  o["ttl"] = task.ttl_ms;
  o["pollInterval"] = static_cast<std::int64_t>(poll_interval.count());
  return o;
}

}  // namespace gatehouse::mcp
