#pragma once
// The JSON a client sees of a task, in each era's shape.
//
// 2026-07-28, the Tasks extension (io.modelcontextprotocol/tasks, SEP-2663):
// flat objects. CreateTaskResult is Result & Task with resultType "task";
// tasks/get answers a DetailedTask that inlines the outcome (result when
// completed, error when failed, inputRequests while input_required).
//
// 2025-11-25 (basic/utilities/tasks, experimental): CreateTaskResult wraps
// the Task in {"task": ...}; tasks/get answers the bare Task; the outcome
// comes from tasks/result. Field names there are ttl and pollInterval.
#include "json.hpp"
#include "store/task_store.hpp"

#include <chrono>
#include <string_view>

namespace gatehouse::mcp {

// The extension's identifier: the key under capabilities.extensions, and
// what a client declares in its per-request clientCapabilities.
inline constexpr std::string_view kTasksExtension = "io.modelcontextprotocol/tasks";
// 2025-11-25: the _meta key tying a message to its task.
inline constexpr std::string_view kRelatedTaskMeta = "io.modelcontextprotocol/related-task";

// 2026-07-28 Task: taskId, status, statusMessage, createdAt, lastUpdatedAt,
// ttlMs, pollIntervalMs.
json::object task_fields(const store::TaskRecord& task, std::chrono::milliseconds poll_interval);
// 2026-07-28 CreateTaskResult: the Task with resultType "task".
json::object create_task_result(const store::TaskRecord& task, std::chrono::milliseconds poll_interval);
// 2026-07-28 DetailedTask (tasks/get): the Task with its outcome or questions.
json::object detailed_task(const store::TaskRecord& task, std::chrono::milliseconds poll_interval);

// A JSON text the task store holds (result, error, questions); null when empty.
json::value stored_json(const std::string& text);

// 2025-11-25 Task: taskId, status, statusMessage, createdAt, lastUpdatedAt,
// ttl, pollInterval.
json::object legacy_task(const store::TaskRecord& task, std::chrono::milliseconds poll_interval);

}  // namespace gatehouse::mcp
