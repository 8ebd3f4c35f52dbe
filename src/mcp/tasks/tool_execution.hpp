#pragma once
// One tools/call whose handler may run as a task. The execution is the
// RequestChannel its handler talks to:
// - as an ordinary call, it passes everything to the request's own channel
//   (progress on the response stream, questions as server-to-client
//   requests or input-required rounds);
// - as a task, progress becomes the task's statusMessage and a question
//   waits in the task (status input_required, listed in inputRequests)
//   until the client answers it with tasks/update.
// A call starts as a task (start_task), or runs as an ordinary call that
// may turn into one when its handler calls continue_as_task() (run_call).
//
// The handler runs on the execution's strand; the task methods reach it
// from any thread through the runner. State the methods read (the record,
// the open questions) is behind a mutex; timers and the cancellation
// signal are touched on the strand only.
#include "mcp/era.hpp"
#include "mcp/request_channel.hpp"
#include "mcp/tasks/task_runner.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace gatehouse::mcp {

// The parts of the request a task keeps once the request is answered.
struct TaskOrigin {
  std::string owner;  // the principal's subject
  std::string tool;
  Era era = Era::stateless;
  std::string protocol_version;
  json::object client_capabilities;
  std::optional<std::chrono::milliseconds> ttl;  // asked for by a 2025-11-25 client
  bool required = false;                         // the tool's task support is `required`
  // 2025-11-25: where the task's questions go (RequestChannel::outliving());
  // null: the task cannot ask.
  std::shared_ptr<RequestChannel> questions;
};

class ToolExecution final : public RequestChannel, public std::enable_shared_from_this<ToolExecution> {
 public:
  // Runs the handler, talking to the channel it is handed, and returns its
  // CallToolResult; throws McpError for a protocol error.
  using Body = std::function<boost::asio::awaitable<json::object>(RequestChannel&)>;

  // A task from the start: durable when this returns (the client may ask
  // for it at once), its body running in the background on `executor`.
  // Throws TaskRefused or store::StoreError, and then runs nothing.
  static store::TaskRecord start_task(std::shared_ptr<TaskRunner> runner, boost::asio::any_io_executor executor,
                                      TaskOrigin origin, Body body);

  // What an ordinary call ended in: its result, or the task it became.
  struct Outcome {
    std::optional<json::object> result;
    std::optional<store::TaskRecord> task;
    std::exception_ptr failure;  // what the body threw; run_call rethrows it
  };
  // Runs `body` as part of the call, with `request` as its channel, until
  // it returns (result) or — when `runner` is set — calls
  // continue_as_task() (task; the body runs on in the background).
  // Rethrows what the body throws while still an ordinary call.
  static boost::asio::awaitable<Outcome> run_call(std::shared_ptr<TaskRunner> runner, TaskOrigin origin, Body body,
                                                  RequestChannel& request);

  ToolExecution(std::shared_ptr<TaskRunner> runner, boost::asio::any_io_executor executor, TaskOrigin origin,
                Body body);

  // RequestChannel
  void notify(std::string_view method, json::object params) override;
  boost::asio::awaitable<json::value> ask(std::string_view method, json::object params, std::string_view key) override;
  bool cancelled() const override;
  std::optional<LogLevel> log_level() const override;
  const json::object& client_capabilities() const override { return origin_.client_capabilities; }
  std::string_view protocol_version() const override { return origin_.protocol_version; }
  void close_response_stream() override;
  bool in_task() const override;
  boost::asio::awaitable<bool> continue_as_task() override;

  // For the runner, from any thread.
  const std::string& id() const { return id_; }
  const std::string& owner() const { return origin_.owner; }
  store::TaskRecord snapshot() const;
  // Takes the answers to open questions and wakes their askers.
  void answer(const json::object& responses);
  // Cancelled now (unless already terminal); the handler is cancelled at
  // its next wait. Returns the task as it is after.
  store::TaskRecord cancel();
  // Fails the task with `reason` and stops its handler (expiry, shutdown).
  void abandon(std::string_view reason);

 private:
  enum class Mode { call, task };
  using Decision = boost::asio::experimental::concurrent_channel<void(boost::system::error_code,
                                                                      std::shared_ptr<Outcome>)>;

  static boost::asio::awaitable<void> run(std::shared_ptr<ToolExecution> self);
  void launch();
  // The body returned `result` or threw `failure`: the call's outcome, or
  // the task's terminal state.
  void finish(json::object result, std::exception_ptr failure);
  // A question from a task of a 2025-11-25 session (origin_.questions).
  boost::asio::awaitable<json::value> ask_in_session(std::string_view method, json::object params, std::string_view key);
  // Writes record_ through (mutex_ held) and sends the status notification
  // of a 2025-11-25 session's task.
  void record_changed();
  // After a question was added: input_required, written once.
  void publish_questions();
  // Ends the task as `status` (unless already terminal), wakes its askers
  // and stops its handler. Returns the task as it is after.
  store::TaskRecord settle(store::TaskStatus status, std::string_view message, std::string error);
  // Wakes every waiting asker and the handler's current wait (on the strand).
  void interrupt(std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters, bool stop_handler);

  std::shared_ptr<TaskRunner> runner_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  TaskOrigin origin_;
  Body body_;
  Decision decision_;
  // Emitted on the strand only. Shared with the coroutine's completion
  // handler, which clears its slot after the coroutine (and perhaps the
  // last reference to this execution) is gone.
  std::shared_ptr<boost::asio::cancellation_signal> stop_ = std::make_shared<boost::asio::cancellation_signal>();

  // Changes once, on the strand (continue_as_task); read from any thread
  // (a gateway backend's questions ask in_task()).
  std::atomic<Mode> mode_{Mode::call};
  RequestChannel* request_ = nullptr;  // while an ordinary call
  std::string id_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> decided_{false};

  mutable std::mutex mutex_;
  store::TaskRecord record_;
  json::object questions_;  // open: key -> {method, params}
  std::map<std::string, json::value, std::less<>> answers_;
  std::map<std::string, std::shared_ptr<boost::asio::steady_timer>, std::less<>> waiters_;
  std::size_t asked_ = 0;
};

}  // namespace gatehouse::mcp
