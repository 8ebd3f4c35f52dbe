// The task methods, in each era (MCP 2026-07-28 Tasks extension SEP-2663;
// MCP 2025-11-25 basic/utilities/tasks), and how a call announces the task
// it became.
#include "mcp/dispatcher.hpp"

#include "mcp/protocol_version.hpp"
#include "mcp/stateless_request.hpp"
#include "mcp/tasks/task_wire.hpp"
#include "crypto/encoding.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

namespace gatehouse::mcp {

namespace {

std::string task_id_param(const json::object& params) {
  auto* id = params.if_contains("taskId");
  if (!id || !id->is_string()) throw McpError::invalid_params("params.taskId must be a string");
  return std::string(id->get_string());
}

// SEP-2663 / 2025-11-25: an unknown, expired or another owner's task id is
// -32602, and says nothing about which.
McpError unknown_task(std::string_view verb) {
  return McpError::invalid_params("Failed to " + std::string(verb) + " task: Task not found");
}

}  // namespace

bool declares_tasks_extension(const json::object& client_capabilities) {
  auto* extensions = client_capabilities.if_contains("extensions");
  return extensions && extensions->is_object() && extensions->get_object().contains(kTasksExtension);
}

bool Dispatcher::accepts_task(const Call& call) const {
  if (!options_.tasks) return false;
  // 2026-07-28: the client declares the extension in this request's
  // capabilities; a `task` param is a leftover of 2025-11-25 and ignored.
  if (call.era == Era::stateless) return declares_tasks_extension(call.channel.client_capabilities());
  // 2025-11-25: the request is task-augmented with params.task.
  if (call.channel.protocol_version() != kLatestSessionVersion) return false;
  auto* task = call.request.params.if_contains("task");
  return task && task->is_object();
}

json::object Dispatcher::task_created(const Call& call, const store::TaskRecord& task) const {
  auto poll = options_.tasks->settings().poll_interval;
  if (call.era == Era::stateless) return create_task_result(task, poll);
  return json::object{{"task", legacy_task(task, poll)}};
}

boost::asio::awaitable<json::value> Dispatcher::task_method(Call& call) const {
  const auto& method = call.request.method;
  const auto& params = call.request.params;
  auto& runner = *options_.tasks;
  const auto& owner = call.principal.subject;
  auto poll = runner.settings().poll_interval;

  if (call.era == Era::stateless) {
    // SEP-2663 removed tasks/result (the outcome is inlined in tasks/get)
    // and tasks/list.
    if (method != "tasks/get" && method != "tasks/update" && method != "tasks/cancel")
      throw McpError::method_not_found("Method not found: " + method + " is not part of the Tasks extension of 2026-07-28");
    if (!declares_tasks_extension(call.channel.client_capabilities()))
      throw McpError(stateless_error::missing_capability,
                     "Missing required client capability: " + method + " needs the " + std::string(kTasksExtension) +
                         " extension",
                     json::object{{"requiredCapabilities",
                                   json::object{{"extensions", json::object{{kTasksExtension, json::object{}}}}}}});
    auto id = task_id_param(params);
    if (method == "tasks/get") {
      auto task = runner.find(id, owner);
      if (!task) throw unknown_task("retrieve");
      co_return detailed_task(*task, poll);
    }
    if (method == "tasks/update") {
      auto* responses = params.if_contains("inputResponses");
      if (!responses || !responses->is_object())
        throw McpError::invalid_params("params.inputResponses must be an object");
      for (const auto& [key, answer] : responses->get_object())
        if (!answer.is_object())
          throw McpError::invalid_params("params.inputResponses." + std::string(key) + " must be an object");
      if (!runner.answer(id, owner, responses->get_object())) throw unknown_task("update");
      // An acknowledgement only; the task's state is read with tasks/get.
      co_return json::object{};
    }
    // tasks/cancel: an acknowledgement, also for a task already terminal.
    if (!runner.cancel(id, owner)) throw unknown_task("cancel");
    co_return json::object{};
  }

  // 2025-11-25 sessions.
  if (method == "tasks/get") {
    auto task = runner.find(task_id_param(params), owner);
    if (!task) throw unknown_task("retrieve");
    co_return legacy_task(*task, poll);
  }
  if (method == "tasks/result") {
    // Blocks until the task is terminal, then answers what the original
    // request would have: its result, or its JSON-RPC error.
    auto id = task_id_param(params);
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    std::optional<store::TaskRecord> task;
    for (;;) {
      task = runner.find(id, owner);
      if (!task) throw unknown_task("retrieve");
      if (store::is_terminal(task->status)) break;
      if (call.channel.cancelled()) throw McpError::internal("the request was cancelled");
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    if (task->status == store::TaskStatus::cancelled)
      throw McpError::invalid_params("Task " + id + " was cancelled; it has no result");
    if (!task->error.empty()) {
      auto error = stored_json(task->error);
      auto& e = error.as_object();
      auto* data = e.if_contains("data");
      throw McpError(static_cast<int>(e.at("code").to_number<std::int64_t>()), std::string(e.at("message").as_string()),
                     data ? *data : json::value());
    }
    auto result = stored_json(task->result);
    auto& o = result.as_object();
    auto& meta = o["_meta"];
    if (!meta.is_object()) meta = json::object{};
    meta.as_object()[kRelatedTaskMeta] = json::object{{"taskId", id}};
    co_return result;
  }
  if (method == "tasks/list") {
    // Opaque cursors: the last task id of the page, encoded.
    std::string after;
    if (auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
      auto decoded = cursor->is_string() ? crypto::base64url_decode(cursor->get_string()) : std::nullopt;
      if (!decoded || !runner.find(*decoded, owner)) throw McpError::invalid_params("invalid cursor");
      after = *decoded;
    }
    auto tasks = runner.list(owner, after, options_.page_size + 1);
    bool more = tasks.size() > options_.page_size;
    if (more) tasks.resize(options_.page_size);
    json::array listed;
    for (const auto& task : tasks) listed.push_back(legacy_task(task, poll));
    json::object result{{"tasks", std::move(listed)}};
    if (more) result["nextCursor"] = crypto::base64url_encode(tasks.back().id);
    co_return result;
  }
  if (method == "tasks/cancel") {
    auto id = task_id_param(params);
    auto task = runner.find(id, owner);
    if (!task) throw unknown_task("cancel");
    if (store::is_terminal(task->status))
      throw McpError::invalid_params("Cannot cancel task: already in terminal status '" +
                                     std::string(store::to_string(task->status)) + "'");
    auto after = runner.cancel(id, owner);
    if (!after) throw unknown_task("cancel");
    co_return legacy_task(*after, poll);
  }
  throw McpError::method_not_found("Method not found: " + method);
}

}  // namespace gatehouse::mcp
