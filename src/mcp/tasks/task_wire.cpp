#include "mcp/tasks/task_wire.hpp"

#include "time/iso8601.hpp"

#include <boost/json/parse.hpp>

namespace gatehouse::mcp {

namespace {

// The Task of either era; only the names of the two durations differ.
json::object task_object(const store::TaskRecord& task, std::chrono::milliseconds poll_interval,
                         std::string_view ttl_name, std::string_view poll_name) {
  json::object o;
  o["taskId"] = task.id;
  o["status"] = store::to_string(task.status);
  if (!task.status_message.empty()) o["statusMessage"] = task.status_message;
  o["createdAt"] = time::iso8601_ms(task.created_at_ms);
  o["lastUpdatedAt"] = time::iso8601_ms(task.updated_at_ms);
  // Integer milliseconds, never fractional.
  o[ttl_name] = task.ttl_ms;
  o[poll_name] = static_cast<std::int64_t>(poll_interval.count());
  return o;
}

}  // namespace

// The stored JSON texts were written by this server; an empty one is absent.
json::value stored_json(const std::string& text) { return text.empty() ? json::value() : json::parse(text); }

json::object task_fields(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  // SEP-2663 renamed ttl to ttlMs and pollInterval to pollIntervalMs.
  return task_object(task, poll_interval, "ttlMs", "pollIntervalMs");
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
      auto questions = stored_json(task.input_requests);
      o["inputRequests"] = questions.is_object() ? std::move(questions) : json::object{};
      break;
    }
    case store::TaskStatus::completed: o["result"] = stored_json(task.result); break;
    case store::TaskStatus::failed: o["error"] = stored_json(task.error); break;
    default: break;
  }
  return o;
}

json::object legacy_task(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  return task_object(task, poll_interval, "ttl", "pollInterval");
}

}  // namespace gatehouse::mcp
