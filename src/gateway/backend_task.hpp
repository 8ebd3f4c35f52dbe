#pragma once
// A tools/call a backend runs as a task of its own, followed to its end for
// a task of Gatehouse's (docs/tasks.md "Through the gateway").
//
// The client never sees the backend's task: it holds the id of Gatehouse's
// task, which is bound to its principal, kept in the store and bounded per
// user like any other. Gatehouse is the backend's client for its task, in
// the backend's revision:
// - 2025-11-25 (basic/utilities/tasks): a task-augmented tools/call, then
//   tasks/get at the backend's pollInterval; tasks/result once the task
//   waits for input or is over, which carries the backend's questions (tied
//   to its task) and then its outcome.
// - 2026-07-28 (Tasks extension, SEP-2663): tools/call declaring the
//   extension, then tasks/get at pollIntervalMs; its inputRequests are put
//   to the client and answered with tasks/update; its outcome is inlined.
// Either way the backend's statusMessage becomes the task's, and its
// questions wait in Gatehouse's task (input_required) until the client
// answers them. When Gatehouse's task ends first (cancelled, expired, the
// server stopping), the backend's task is cancelled too.
#include "gateway/backend_connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>

namespace gatehouse::gateway {

// Calls the tool (`params` of tools/call, in the backend's names) as a task
// of the backend's, asking it to keep the task `ttl`, and returns the
// CallToolResult the task ends with — or the backend's answer at once, when
// it did not make the call a task. Throws McpError for the task's error.
// `channel` is Gatehouse's task: progress becomes its statusMessage,
// questions wait in it.
boost::asio::awaitable<json::object> follow_backend_task(std::shared_ptr<BackendConnection> connection,
                                                         json::object params, mcp::RequestChannel& channel,
                                                         std::chrono::milliseconds ttl);

}  // namespace gatehouse::gateway
