#include "store/task_store.hpp"

namespace gatehouse::store {

std::string_view to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::working: return "working";
    case TaskStatus::input_required: return "input_required";
    case TaskStatus::completed: return "completed";
    case TaskStatus::failed: return "failed";
    case TaskStatus::cancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<TaskStatus> parse_task_status(std::string_view text) {
  if (text == "working") return TaskStatus::working;
  if (text == "input_required") return TaskStatus::input_required;
  if (text == "completed") return TaskStatus::completed;
  if (text == "failed") return TaskStatus::failed;
  if (text == "cancelled") return TaskStatus::cancelled;
  return std::nullopt;
}

}  // namespace gatehouse::store
