#include "mcp/tasks/tool_execution.hpp"

#include "mcp/client_requests.hpp"
#include "mcp/input_rounds.hpp"
#include "mcp/stateless_request.hpp"
#include "mcp/tasks/task_wire.hpp"

#include <gatehouse/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

namespace gatehouse::mcp {

namespace asio = boost::asio;

namespace {

std::string progress_text(const json::object& params) {
  if (auto* message = params.if_contains("message"); message && message->is_string() && !message->get_string().empty())
    return std::string(message->get_string());
  auto number = [](const json::value& v) {
    double d = v.to_number<double>();
    if (std::floor(d) == d && std::abs(d) < 1e15) return std::to_string(static_cast<std::int64_t>(d));
    auto text = std::to_string(d);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text;
  };
  auto* progress = params.if_contains("progress");
  if (!progress || !progress->is_number()) return {};
  auto text = "progress " + number(*progress);
  if (auto* total = params.if_contains("total"); total && total->is_number()) text += " of " + number(*total);
  return text;
}

// The key of a question: the handler's name for it, or its method's family
// and its position ("elicitation_2"), unique for the task's whole life
// (SEP-2663).
std::string question_key(std::string_view method, std::string_view key, std::size_t& asked) {
  if (!key.empty()) return std::string(key);
  return std::string(method.substr(0, method.find('/'))) + "_" + std::to_string(++asked);
}

json::object error_object(int code, std::string_view message, const json::value& data) {
  json::object error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return error;
}

}  // namespace

ToolExecution::ToolExecution(std::shared_ptr<TaskRunner> runner, asio::any_io_executor executor, TaskOrigin origin,
                             Body body)
    : runner_(std::move(runner)),
      strand_(asio::make_strand(executor)),
      origin_(std::move(origin)),
      body_(std::move(body)),
      decision_(executor, 1) {}

store::TaskRecord ToolExecution::start_task(std::shared_ptr<TaskRunner> runner, asio::any_io_executor executor,
                                            TaskOrigin origin, Body body) {
  // Durable before the client can hear of it (SEP-2663 "strong
  // consistency": a tasks/get right after CreateTaskResult must resolve).
  auto record = runner->create(origin.owner, origin.tool, origin.ttl);
  auto self = std::make_shared<ToolExecution>(runner, std::move(executor), std::move(origin), std::move(body));
  self->mode_ = Mode::task;
  self->id_ = record.id;
  self->record_ = record;
  self->decided_ = true;
  runner->attach(self);
  self->launch();
  return record;
}

asio::awaitable<ToolExecution::Outcome> ToolExecution::run_call(std::shared_ptr<TaskRunner> runner, TaskOrigin origin,
                                                                Body body, RequestChannel& request) {
  auto executor = co_await asio::this_coro::executor;
  auto self = std::make_shared<ToolExecution>(std::move(runner), executor, std::move(origin), std::move(body));
  self->request_ = &request;
  self->launch();
  auto [ec, outcome] = co_await self->decision_.async_receive(asio::as_tuple(asio::use_awaitable));
  if (ec) throw boost::system::system_error(ec);
  if (outcome->failure) std::rethrow_exception(outcome->failure);
  co_return std::move(*outcome);
}

void ToolExecution::launch() {
  asio::co_spawn(strand_, run(shared_from_this()),
                 asio::bind_cancellation_slot(stop_->slot(), [stop = stop_](std::exception_ptr) {}));
}

asio::awaitable<void> ToolExecution::run(std::shared_ptr<ToolExecution> self) {
  json::object result;
  std::exception_ptr failure;
  try {
    result = co_await self->body_(*self);
  } catch (...) {
    failure = std::current_exception();
  }
  self->finish(std::move(result), failure);
}

void ToolExecution::finish(json::object result, std::exception_ptr failure) {
  if (!decided_.exchange(true)) {
    // Still an ordinary call: its caller gets the result, or the failure.
    auto outcome = std::make_shared<Outcome>();
    if (failure) {
      // The caller rethrows it: the exception's type (McpError,
      // InputRequired) decides the answer.
      outcome->failure = failure;
    } else {
      outcome->result = std::move(result);
    }
    decision_.try_send(boost::system::error_code{}, std::move(outcome));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (!store::is_terminal(record_.status)) {
      record_.input_requests.clear();
      questions_ = {};
      if (failure) {
        // 2026-07-28: `failed` is for a JSON-RPC error raised while the
        // task ran; the error is inlined in tasks/get.
        json::object error;
        try {
          std::rethrow_exception(failure);
        } catch (const McpError& e) {
          error = error_object(e.code(), e.what(), e.data());
        } catch (const std::exception& e) {
          spdlog::error("task {} ({}) failed: {}", id_, origin_.tool, e.what());
          error = error_object(error_code::internal_error, "the task failed with an internal error", nullptr);
        } catch (...) {
          error = error_object(error_code::internal_error, "the task failed with an internal error", nullptr);
        }
        record_.status = store::TaskStatus::failed;
        record_.status_message = std::string(error["message"].as_string());
        record_.error = json::serialize(error);
      } else {
        // A tool's own error (isError) is `completed` in 2026-07-28 and
        // `failed` in 2025-11-25 (basic/utilities/tasks "Task Status").
        auto* is_error = result.if_contains("isError");
        bool tool_error = is_error && is_error->is_bool() && is_error->get_bool();
        record_.status = tool_error && origin_.era == Era::session ? store::TaskStatus::failed
                                                                   : store::TaskStatus::completed;
        // The last progress line is over; a failure says what it is.
        record_.status_message = tool_error && origin_.era == Era::session ? "the tool reported an error" : "";
        record_.result = json::serialize(result);
      }
      record_.updated_at_ms = runner_->now_ms();
      record_changed();
    }
  }
  runner_->detach(id_);
}

void ToolExecution::record_changed() {
  runner_->write(record_);
  // MCP 2025-11-25 basic/utilities/tasks "Task Status Notification": the
  // session that created the task hears of each change on its stream.
  if (origin_.era == Era::session && origin_.questions)
    origin_.questions->notify("notifications/tasks/status", legacy_task(record_, runner_->settings().poll_interval));
}

store::TaskRecord ToolExecution::snapshot() const {
  std::lock_guard lock(mutex_);
  return record_;
}

void ToolExecution::notify(std::string_view method, json::object params) {
  if (mode_ == Mode::call) return request_->notify(method, std::move(params));
  // A task's progress is its statusMessage (SEP-2663 has no progress
  // notifications for tasks; the client polls). Log messages have no
  // stream to go to.
  if (method != "notifications/progress") return;
  auto text = progress_text(params);
  if (text.empty()) return;
  std::lock_guard lock(mutex_);
  if (store::is_terminal(record_.status)) return;
  record_.status_message = std::move(text);
  record_.updated_at_ms = runner_->now_ms();
}

bool ToolExecution::cancelled() const {
  if (mode_ == Mode::call) return request_->cancelled();
  return cancelled_.load();
}

std::optional<LogLevel> ToolExecution::log_level() const {
  if (mode_ == Mode::call) return request_->log_level();
  return std::nullopt;
}

void ToolExecution::close_response_stream() {
  if (mode_ == Mode::call) request_->close_response_stream();
}

bool ToolExecution::in_task() const { return mode_ == Mode::task; }

asio::awaitable<bool> ToolExecution::continue_as_task() {
  if (mode_ == Mode::task) co_return true;
  if (!runner_) co_return false;
  store::TaskRecord record;
  try {
    record = runner_->create(origin_.owner, origin_.tool, origin_.ttl);
  } catch (const TaskRefused& e) {
    // An optional task carries on as an ordinary call; a required one
    // cannot, and the user reads why.
    if (origin_.required) throw std::runtime_error(e.what());
    co_return false;
  }
  {
    std::lock_guard lock(mutex_);
    id_ = record.id;
    record_ = record;
  }
  mode_ = Mode::task;
  request_ = nullptr;
  runner_->attach(shared_from_this());
  decided_ = true;
  auto outcome = std::make_shared<Outcome>();
  outcome->task = std::move(record);
  decision_.try_send(boost::system::error_code{}, std::move(outcome));
  co_return true;
}

asio::awaitable<json::value> ToolExecution::ask(std::string_view method, json::object params, std::string_view key) {
  if (mode_ == Mode::call) co_return co_await request_->ask(method, std::move(params), key);

  // 2025-11-25 carries a task's questions as server-to-client requests tied
  // to the task (related-task _meta) on a stream of the session; the task is
  // input_required while one is open. Without a session stream (stdio) the
  // client could never answer, so the task fails now rather than wait until
  // it expires.
  if (origin_.era == Era::session) co_return co_await ask_in_session(method, std::move(params), key);

  // Only what the client that created the task declared it can answer.
  auto capability = required_client_capability(method);
  if (!capability.empty() && !origin_.client_capabilities.contains(capability)) {
    if (origin_.era == Era::stateless)
      throw McpError(stateless_error::missing_capability,
                     "Missing required client capability: " + std::string(capability),
                     json::object{{"requiredCapabilities", json::object{{capability, json::object{}}}}});
    throw McpError(error_code::invalid_request, "the client did not declare the " + std::string(capability) + " capability");
  }

  std::string name;
  std::shared_ptr<asio::steady_timer> timer;
  std::optional<json::value> known;
  {
    std::lock_guard lock(mutex_);
    if (store::is_terminal(record_.status)) throw boost::system::system_error(asio::error::operation_aborted);
    name = question_key(method, key, asked_);
    if (auto it = answers_.find(name); it != answers_.end()) {
      known = it->second;  // a question asked again under its name
    } else {
      questions_[name] = json::object{{"method", method}, {"params", std::move(params)}};
      auto expires = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(std::max<std::int64_t>(0, record_.expires_at_ms - runner_->now_ms()));
      timer = std::make_shared<asio::steady_timer>(strand_, expires);
      waiters_[name] = timer;
    }
  }
  if (known) co_return std::move(*known);

  // Let sibling questions asked concurrently (awaitable operators) join
  // before the task says what it waits for.
  co_await asio::post(strand_, asio::use_awaitable);
  publish_questions();

  bool answered = false;
  {
    std::lock_guard lock(mutex_);
    answered = answers_.contains(name);
  }
  // An answer posted before this point has already run its wake-up on the
  // strand; one posted after finds the wait below begun.
  if (!answered) co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));

  std::lock_guard lock(mutex_);
  waiters_.erase(name);
  if (auto it = answers_.find(name); it != answers_.end()) co_return it->second;
  if (cancelled_.load() || store::is_terminal(record_.status))
    throw boost::system::system_error(asio::error::operation_aborted);
  throw McpError(error_code::internal_error, "the client did not answer before the task expired");
}

asio::awaitable<json::value> ToolExecution::ask_in_session(std::string_view method, json::object params,
                                                           std::string_view key) {
  if (!origin_.questions)
    throw McpError(error_code::internal_error,
                   "this tool asks a question (" + std::string(method) +
                       ") while running as a task, and this connection has no stream to ask it on; call it without "
                       "params.task");
  std::string name;
  {
    std::lock_guard lock(mutex_);
    if (store::is_terminal(record_.status)) throw boost::system::system_error(asio::error::operation_aborted);
    name = question_key(method, key, asked_);
    questions_[name] = json::object{{"method", method}, {"params", params}};
  }
  publish_questions();
  auto& meta = params["_meta"];
  if (!meta.is_object()) meta = json::object{};
  meta.as_object()[kRelatedTaskMeta] = json::object{{"taskId", id_}};
  json::value answer;
  std::exception_ptr failure;
  try {
    answer = co_await origin_.questions->ask(method, std::move(params), key);
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    questions_.erase(name);
    if (!store::is_terminal(record_.status) && questions_.empty() &&
        record_.status == store::TaskStatus::input_required) {
      record_.status = store::TaskStatus::working;
      record_.input_requests.clear();
      record_.updated_at_ms = runner_->now_ms();
      record_changed();
    }
  }
  if (failure) std::rethrow_exception(failure);
  if (cancelled_.load()) throw boost::system::system_error(asio::error::operation_aborted);
  co_return answer;
}

void ToolExecution::publish_questions() {
  std::lock_guard lock(mutex_);
  if (store::is_terminal(record_.status) || questions_.empty()) return;
  auto text = json::serialize(questions_);
  if (record_.status == store::TaskStatus::input_required && record_.input_requests == text) return;
  record_.status = store::TaskStatus::input_required;
  record_.input_requests = std::move(text);
  record_.updated_at_ms = runner_->now_ms();
  record_changed();
}

void ToolExecution::answer(const json::object& responses) {
  std::vector<std::shared_ptr<asio::steady_timer>> woken;
  {
    std::lock_guard lock(mutex_);
    if (store::is_terminal(record_.status)) return;
    for (const auto& [key, response] : responses) {
      // Answers to questions that are not open are ignored (SEP-2663
      // tasks/update: never asked, already answered, or superseded).
      if (!questions_.contains(key)) continue;
      questions_.erase(key);
      answers_.emplace(std::string(key), response);
      if (auto it = waiters_.find(std::string_view(key)); it != waiters_.end()) woken.push_back(it->second);
    }
    if (woken.empty()) return;
    // Seen by the next tasks/get already: the answered keys are gone, and
    // with none left the task is working again.
    if (questions_.empty()) {
      record_.status = store::TaskStatus::working;
      record_.input_requests.clear();
    } else {
      record_.input_requests = json::serialize(questions_);
    }
    record_.updated_at_ms = runner_->now_ms();
    record_changed();
  }
  interrupt(std::move(woken), false);
}

store::TaskRecord ToolExecution::cancel() {
  // 2025-11-25: cancelled before the answer, and for good.
  return settle(store::TaskStatus::cancelled, "cancelled by the client", "");
}

void ToolExecution::abandon(std::string_view reason) {
  settle(store::TaskStatus::failed, reason, json::serialize(error_object(error_code::internal_error, reason, nullptr)));
}

store::TaskRecord ToolExecution::settle(store::TaskStatus status, std::string_view message, std::string error) {
  std::vector<std::shared_ptr<asio::steady_timer>> waiters;
  store::TaskRecord after;
  {
    std::lock_guard lock(mutex_);
    if (store::is_terminal(record_.status)) return record_;
    record_.status = status;
    record_.status_message = std::string(message);
    record_.error = std::move(error);
    record_.input_requests.clear();
    questions_ = {};
    record_.updated_at_ms = runner_->now_ms();
    cancelled_ = true;
    record_changed();
    for (auto& [key, timer] : waiters_) waiters.push_back(timer);
    after = record_;
  }
  interrupt(std::move(waiters), true);
  return after;
}

void ToolExecution::interrupt(std::vector<std::shared_ptr<asio::steady_timer>> waiters, bool stop_handler) {
  asio::post(strand_, [self = shared_from_this(), waiters = std::move(waiters), stop_handler] {
    for (auto& timer : waiters) timer->cancel();
    // The handler's current wait (a timer, a socket) ends with
    // operation_aborted; so does every later one.
    if (stop_handler) self->stop_->emit(asio::cancellation_type::terminal);
  });
}

}  // namespace gatehouse::mcp
