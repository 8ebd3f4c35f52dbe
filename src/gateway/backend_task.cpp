#include "gateway/backend_task.hpp"

#include "gateway/backend_error.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/tasks/task_wire.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace gatehouse::gateway {

namespace asio = boost::asio;

namespace {

// Gatehouse polls a backend's task no faster than this, whatever the
// backend suggests, and no slower than the longest: a status change is
// seen within that much.
constexpr std::chrono::milliseconds kFastestPoll{100};
constexpr std::chrono::milliseconds kSlowestPoll{30'000};
constexpr std::chrono::milliseconds kDefaultPoll{1'000};

struct Followed {
  std::string id;         // the backend's task id, once it made one
  bool stateless = false; // the backend speaks 2026-07-28
  bool over = false;      // the backend's task reached a terminal status
};

// The channel of a request made after Gatehouse's task ended (cancelling
// the backend's): nobody to report to, nobody to ask.
class NoClient final : public mcp::RequestChannel {
 public:
  void notify(std::string_view, json::object) override {}
  boost::asio::awaitable<json::value> ask(std::string_view method, json::object, std::string_view) override {
    throw McpError(error_code::internal_error, std::string(method) + ": the task this belongs to has ended");
  }
  bool cancelled() const override { return false; }
  std::optional<LogLevel> log_level() const override { return std::nullopt; }
  const json::object& client_capabilities() const override { return none_; }
  std::string_view protocol_version() const override { return mcp::kLatestSessionVersion; }

 private:
  json::object none_;
};

std::string string_member(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::chrono::milliseconds poll_interval(const json::object& task, std::string_view key) {
  auto* v = task.if_contains(key);
  if (!v || !v->is_number()) return kDefaultPoll;
  auto ms = static_cast<std::int64_t>(std::clamp(v->to_number<double>(), 0.0, 86'400'000.0));
  return std::clamp(std::chrono::milliseconds(ms), kFastestPoll, kSlowestPoll);
}

json::object object_of(json::value v, const BackendSettings& settings, std::string_view what) {
  if (!v.is_object()) throw backend_error(settings.name, reason::protocol, std::string(what) + " is not an object");
  return std::move(v.as_object());
}

// The backend's statusMessage becomes the task's (ToolExecution takes a
// progress notification's message for it). A call still ordinary (the user
// at the task bounds) sends none: its client asked for no progress.
void report_status(mcp::RequestChannel& channel, const json::object& task, std::string& last) {
  if (!channel.in_task()) return;
  auto message = string_member(task, "statusMessage");
  if (message.empty() || message == last) return;
  last = message;
  channel.notify("notifications/progress", json::object{{"progressToken", "task"}, {"progress", 0}, {"message", message}});
}

// A result the backend tied to its task: the tie names the backend's id.
json::object untied(json::object result) {
  if (auto* meta = result.if_contains("_meta"); meta && meta->is_object()) {
    meta->as_object().erase(mcp::kRelatedTaskMeta);
    if (meta->as_object().empty()) result.erase("_meta");
  }
  return result;
}

McpError task_error(const json::value& error) {
  int code = error_code::internal_error;
  std::string message = "the backend's task failed";
  json::value data;
  if (auto* e = error.if_object()) {
    if (auto* c = e->if_contains("code"); c && c->is_int64()) code = static_cast<int>(c->get_int64());
    if (auto* m = e->if_contains("message"); m && m->is_string()) message = m->get_string();
    if (auto* d = e->if_contains("data")) data = *d;
  }
  return McpError(code, message, std::move(data));
}

McpError cancelled_by_backend(const BackendSettings& settings) {
  return backend_error(settings.name, reason::protocol, "the backend cancelled the task on its own");
}

asio::awaitable<void> wait(std::chrono::milliseconds interval) {
  asio::steady_timer timer(co_await asio::this_coro::executor, interval);
  co_await timer.async_wait(asio::use_awaitable);
}

// MCP 2025-11-25 basic/utilities/tasks.
asio::awaitable<json::object> follow_session_task(BackendConnection& connection, json::object params,
                                                  mcp::RequestChannel& channel, std::chrono::milliseconds ttl,
                                                  Followed& followed) {
  const auto& settings = connection.settings();
  params["task"] = json::object{{"ttl", ttl.count()}};
  params.erase("inputResponses");  // 2026-07-28 rounds, Gatehouse's
  params.erase("requestState");
  auto answer = object_of(co_await connection.request("tools/call", std::move(params), channel, std::string()), settings,
                          "the tools/call result");
  auto* created = answer.if_contains("task");
  // "Task-Augmented Request": a CreateTaskResult; anything else is the
  // call's own result.
  if (!created || !created->is_object()) co_return answer;
  json::object task = created->as_object();
  followed.id = string_member(task, "taskId");
  if (followed.id.empty()) throw backend_error(settings.name, reason::protocol, "its CreateTaskResult has no taskId");
  // The call becomes Gatehouse's task now; at the user's task bounds it
  // stays an ordinary call, which waits for the backend's task.
  co_await channel.continue_as_task();
  auto interval = poll_interval(task, "pollInterval");
  std::string last;
  for (;;) {
    report_status(channel, task, last);
    auto status = string_member(task, "status");
    if (status == "cancelled") {
      followed.over = true;
      throw cancelled_by_backend(settings);
    }
    if (status == "input_required" || status == "completed" || status == "failed") {
      // "Input Required": tasks/result carries the questions the task waits
      // on, then — when it is over — the outcome of the call (its result or
      // its JSON-RPC error). It waits no longer than call_timeout; a task
      // still working then is polled again.
      std::optional<json::value> outcome;
      bool timed_out = false;
      json::object which{{"taskId", followed.id}};
      RequestOptions tied{.related_task = followed.id};
      try {
        outcome = co_await connection.request("tasks/result", std::move(which), channel, std::string(), std::move(tied));
      } catch (const McpError& e) {
        // Cancelled: Gatehouse's task ended, the backend's is cancelled after.
        if (channel.cancelled()) throw;
        if (reason_of(e) != reason::timeout) {
          followed.over = reason_of(e).empty();  // the backend's own error answer ends its task
          throw;
        }
        timed_out = true;
      }
      if (!timed_out) {
        followed.over = true;
        co_return untied(object_of(std::move(*outcome), settings, "the tasks/result result"));
      }
    }
    co_await wait(interval);
    json::object which{{"taskId", followed.id}};
    task = object_of(co_await connection.request("tasks/get", std::move(which), channel, std::string()), settings,
                     "the tasks/get result");
  }
}

// MCP 2026-07-28 Tasks extension (SEP-2663).
asio::awaitable<json::object> follow_extension_task(BackendConnection& connection, json::object params,
                                                    mcp::RequestChannel& channel, Followed& followed) {
  const auto& settings = connection.settings();
  params.erase("task");  // 2025-11-25's; in this revision the server decides
  const RequestOptions extension{.tasks_extension = true};
  // The call's own input-required rounds, before any task, are the
  // request's: BackendConnection::request puts them to the client, and a
  // later round of the client continues the call parked for it.
  json::value first;
  if (auto resumed = co_await connection.resume(params, channel, std::string())) {
    first = std::move(*resumed);
  } else {
    params.erase("inputResponses");  // Gatehouse's, not the backend's
    params.erase("requestState");
    first = co_await connection.request("tools/call", std::move(params), channel, std::string(), extension);
  }
  auto answer = object_of(std::move(first), settings, "the tools/call result");
  // The backend decides: a call it answers at once stays an ordinary call.
  if (string_member(answer, "resultType") != "task") co_return answer;
  followed.id = string_member(answer, "taskId");
  if (followed.id.empty()) throw backend_error(settings.name, reason::protocol, "its CreateTaskResult has no taskId");
  // The call becomes Gatehouse's task now; at the user's task bounds it
  // stays an ordinary call, which waits for the backend's task.
  co_await channel.continue_as_task();
  auto interval = poll_interval(answer, "pollIntervalMs");
  json::object task = std::move(answer);
  std::string last;
  // What each question key was asked, and answered, last: a question still
  // listed after its answer was sent is not put to the client again.
  std::map<std::string, std::string, std::less<>> asked;
  for (;;) {
    report_status(channel, task, last);
    auto status = string_member(task, "status");
    if (status == "completed") {
      followed.over = true;
      auto* result = task.if_contains("result");
      if (!result || !result->is_object())
        throw backend_error(settings.name, reason::protocol, "its completed task has no result");
      co_return untied(result->as_object());
    }
    if (status == "failed") {
      followed.over = true;
      auto* error = task.if_contains("error");
      if (error) throw task_error(*error);
      std::string why = "the backend's task failed";
      if (!last.empty()) why += ": " + last;
      throw McpError(error_code::internal_error, why);
    }
    if (status == "cancelled") {
      followed.over = true;
      throw cancelled_by_backend(settings);
    }
    bool answered = false;
    if (status == "input_required")
      if (auto* requests = task.if_contains("inputRequests"); requests && requests->is_object()) {
        json::object responses;
        for (const auto& [key, request] : requests->as_object()) {
          auto text = json::serialize(request);
          if (auto it = asked.find(key); it != asked.end() && it->second == text) continue;
          auto* q = request.if_object();
          auto* method = q ? q->if_contains("method") : nullptr;
          if (!method || !method->is_string()) continue;
          json::object question;
          if (auto* p = q->if_contains("params"); p && p->is_object()) question = p->as_object();
          if (auto* meta = question.if_contains("_meta"); meta && meta->is_object())
            meta->as_object().erase(mcp::kRelatedTaskMeta);
          responses[key] = co_await channel.ask(method->get_string(), std::move(question), key);
          asked[std::string(key)] = std::move(text);
        }
        if (!responses.empty()) {
          json::object update{{"taskId", followed.id}, {"inputResponses", std::move(responses)}};
          co_await connection.request("tasks/update", std::move(update), channel, std::string(), extension);
          answered = true;
        }
      }
    // After answers, the next status at once; otherwise at the backend's pace.
    if (!answered) co_await wait(interval);
    json::object which{{"taskId", followed.id}};
    task = object_of(co_await connection.request("tasks/get", std::move(which), channel, std::string(), extension), settings,
                     "the tasks/get result");
  }
}

// Whether following failed because the backend's process or session is
// gone: its task went with it, and asking to cancel it would only start a
// new process for nothing.
bool backend_lost(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const McpError& e) {
    auto why = reason_of(e);
    return why == reason::exited || why == reason::session_lost || why == reason::unreachable ||
           why == reason::start_failed;
  } catch (...) {
  }
  return false;
}

// Gatehouse's task is over and the backend's is not: it is cancelled, so
// that it does not go on working for nobody.
asio::awaitable<void> cancel_backend_task(std::shared_ptr<BackendConnection> connection, Followed followed) {
  NoClient nobody;
  json::object params{{"taskId", followed.id}};
  RequestOptions options{.tasks_extension = followed.stateless};
  try {
    co_await connection->request("tasks/cancel", std::move(params), nobody, std::string(), std::move(options));
    spdlog::info("backend {}: its task {} cancelled, the task it ran for having ended first",
                 connection->settings().name, followed.id);
  } catch (const std::exception& e) {
    spdlog::debug("backend {}: cancelling its task {} failed: {}", connection->settings().name, followed.id, e.what());
  }
}

}  // namespace

asio::awaitable<json::object> follow_backend_task(std::shared_ptr<BackendConnection> connection, json::object params,
                                                  mcp::RequestChannel& channel, std::chrono::milliseconds ttl) {
  auto executor = co_await asio::this_coro::executor;
  Followed followed;
  followed.stateless = connection->stateless();
  std::exception_ptr failure;
  try {
    if (followed.stateless) co_return co_await follow_extension_task(*connection, std::move(params), channel, followed);
    co_return co_await follow_session_task(*connection, std::move(params), channel, ttl, followed);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!followed.id.empty() && !followed.over && !backend_lost(failure))
    asio::co_spawn(executor, cancel_backend_task(connection, followed), asio::detached);
  std::rethrow_exception(failure);
}

}  // namespace gatehouse::gateway
