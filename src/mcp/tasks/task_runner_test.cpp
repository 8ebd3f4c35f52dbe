// Tasks: state, ownership, expiry, cancellation, questions and restart, on
// the runner and its executions (both stores: memory for the logic, SQLite
// where a restart has to be real).
#include "mcp/tasks/task_runner.hpp"
#include "mcp/tasks/tool_execution.hpp"

#include "store/stores.hpp"
#include "support/fake_request_channel.hpp"
#include "support/manual_clock.hpp"
#include "support/sequence_random.hpp"
#include "support/test_temp_dir.hpp"

#include <gatehouse/error.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

namespace gatehouse::mcp {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using store::TaskStatus;

// A body that returns a text result.
ToolExecution::Body returns(std::string text, bool is_error = false) {
  return [text, is_error](RequestChannel&) -> asio::awaitable<json::object> {
    json::object result{{"content", json::array{json::object{{"type", "text"}, {"text", text}}}}};
    if (is_error) result["isError"] = true;
    co_return result;
  };
}

// A body that waits (cancellably) for `wait`, recording whether it ended cancelled.
ToolExecution::Body sleeps(std::chrono::milliseconds wait, std::shared_ptr<std::atomic<bool>> aborted) {
  return [wait, aborted](RequestChannel&) -> asio::awaitable<json::object> {
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    try {
      co_await timer.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      aborted->store(true);
      throw;
    }
    co_return json::object{{"content", json::array{}}};
  };
}

// A body that asks `method` under each key concurrently, then reports the answers.
ToolExecution::Body asks(std::vector<std::string> keys) {
  return [keys](RequestChannel& channel) -> asio::awaitable<json::object> {
    json::array answers;
    // Named, not braced in the co_await expression (GCC 12).
    json::object one{{"message", "one?"}}, first{{"message", "first?"}}, second{{"message", "second?"}};
    std::string_view method = "elicitation/create";
    if (keys.size() == 1) {
      answers.push_back(co_await channel.ask(method, std::move(one), keys[0]));
    } else {
      using namespace asio::experimental::awaitable_operators;
      auto [a, b] = co_await (channel.ask(method, std::move(first), keys[0]) &&
                              channel.ask(method, std::move(second), keys[1]));
      answers.push_back(std::move(a));
      answers.push_back(std::move(b));
    }
    json::object result;
    result["content"] = json::array{};
    result["structuredContent"].emplace_object()["answers"] = std::move(answers);
    co_return result;
  };
}

struct TaskRunnerTest : ::testing::Test {
  testing::ManualClock clock;
  testing::SequenceRandom random;
  store::Stores stores = store::open_memory_stores();
  std::shared_ptr<TaskRunner> runner = make_runner({});
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::thread thread{[this] { ioc.run(); }};

  ~TaskRunnerTest() override {
    runner->stop_all("the test is over");
    work.reset();
    ioc.stop();
    thread.join();
  }

  std::shared_ptr<TaskRunner> make_runner(store::TaskLimits limits) {
    return std::make_shared<TaskRunner>(*stores.tasks, TaskSettings{.ttl = 1h, .poll_interval = 500ms, .limits = limits},
                                        clock, random);
  }

  static TaskOrigin origin(std::string owner = "alice", Era era = Era::stateless) {
    return TaskOrigin{.owner = std::move(owner),
                      .tool = "work",
                      .era = era,
                      .protocol_version = era == Era::stateless ? "2026-07-28" : "2025-11-25",
                      .client_capabilities = json::object{{"elicitation", json::object{}}}};
  }

  // An ordinary call on the fixture's io_context (which keeps running the
  // task it may become).
  ToolExecution::Outcome call(std::shared_ptr<TaskRunner> with, ToolExecution::Body body, RequestChannel& request) {
    return asio::co_spawn(ioc, ToolExecution::run_call(std::move(with), origin(), std::move(body), request),
                          asio::use_future)
        .get();
  }

  store::TaskRecord start(ToolExecution::Body body, TaskOrigin from = origin()) {
    return ToolExecution::start_task(runner, ioc.get_executor(), std::move(from), std::move(body));
  }

  // Polls until `done` holds for the task (or 5 s pass).
  store::TaskRecord wait_until(const std::string& id, const std::function<bool(const store::TaskRecord&)>& done,
                               std::string owner = "alice") {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      auto task = runner->find(id, owner);
      if (task && done(*task)) return *task;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "task " << id << " did not reach the expected state; it is "
                      << (task ? store::to_string(task->status) : "gone");
        return task.value_or(store::TaskRecord{});
      }
      std::this_thread::sleep_for(2ms);
    }
  }
  store::TaskRecord wait_status(const std::string& id, TaskStatus status) {
    return wait_until(id, [status](const store::TaskRecord& t) { return t.status == status; });
  }
};

// -------------------------------------------------------------- state

TEST_F(TaskRunnerTest, TA3_ATaskIsDurableBeforeItsCreatorHearsOfIt) {
  auto task = start(sleeps(1h, std::make_shared<std::atomic<bool>>()));
  EXPECT_EQ(task.status, TaskStatus::working);
  EXPECT_EQ(task.owner, "alice");
  EXPECT_EQ(task.ttl_ms, 3'600'000);
  EXPECT_EQ(task.expires_at_ms, task.created_at_ms + 3'600'000);
  // In the store itself, not only in the execution.
  auto stored = stores.tasks->find(task.id, "alice", runner->now_ms());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, TaskStatus::working);
}

TEST_F(TaskRunnerTest, ACompletedTaskKeepsItsResult) {
  auto task = start(returns("done"));
  auto done = wait_status(task.id, TaskStatus::completed);
  EXPECT_EQ(json::parse(done.result).at("content").at(0).at("text"), "done");
  EXPECT_TRUE(done.error.empty());
  // Written through: the store has the same outcome once the execution is gone.
  auto stored = stores.tasks->find(task.id, "alice", runner->now_ms());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, TaskStatus::completed);
  EXPECT_EQ(stored->result, done.result);
}

TEST_F(TaskRunnerTest, AToolErrorIsCompletedInTheStatelessEraAndFailedInSessions) {
  auto modern = start(returns("no luck", true));
  EXPECT_EQ(wait_until(modern.id, [](const auto& t) { return store::is_terminal(t.status); }).status,
            TaskStatus::completed);
  auto legacy = start(returns("no luck", true), origin("alice", Era::session));
  auto failed = wait_until(legacy.id, [](const auto& t) { return store::is_terminal(t.status); });
  EXPECT_EQ(failed.status, TaskStatus::failed);
  // 2025-11-25 tasks/result still returns the CallToolResult.
  EXPECT_EQ(json::parse(failed.result).at("isError"), true);
}

TEST_F(TaskRunnerTest, AProtocolErrorFailsTheTaskWithTheErrorInlined) {
  auto task = start([](RequestChannel&) -> asio::awaitable<json::object> {
    throw McpError(error_code::invalid_params, "the job needs a region");
    co_return json::object{};
  });
  auto failed = wait_status(task.id, TaskStatus::failed);
  auto error = json::parse(failed.error);
  EXPECT_EQ(error.at("code"), error_code::invalid_params);
  EXPECT_EQ(error.at("message"), "the job needs a region");
  EXPECT_EQ(failed.status_message, "the job needs a region");
  EXPECT_TRUE(failed.result.empty());
}

TEST_F(TaskRunnerTest, ProgressBecomesTheStatusMessage) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto task = start([release](RequestChannel& channel) -> asio::awaitable<json::object> {
    channel.notify("notifications/progress", json::object{{"progressToken", 1}, {"progress", 2}, {"total", 5}});
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!release->load()) {
      timer.expires_after(1ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_return json::object{{"content", json::array{}}};
  });
  EXPECT_EQ(wait_until(task.id, [](const auto& t) { return !t.status_message.empty(); }).status_message,
            "progress 2 of 5");
  release->store(true);
  wait_status(task.id, TaskStatus::completed);
}

// ---------------------------------------------------------- ownership

TEST_F(TaskRunnerTest, TA4_AnotherUsersTaskIsUnknown) {
  auto task = start(sleeps(1h, std::make_shared<std::atomic<bool>>()));
  EXPECT_FALSE(runner->find(task.id, "mallory"));
  EXPECT_FALSE(runner->cancel(task.id, "mallory"));
  EXPECT_FALSE(runner->answer(task.id, "mallory", json::object{}));
  EXPECT_TRUE(runner->list("mallory", "", 10).empty());
  // Untouched by the attempts.
  EXPECT_EQ(runner->find(task.id, "alice")->status, TaskStatus::working);
  EXPECT_FALSE(runner->find("made-up", "alice"));
}

TEST_F(TaskRunnerTest, TA4_TaskIdsAreLongRandomTokens) {
  crypto::Random& system = crypto::system_random();
  TaskRunner real(*stores.tasks, {}, clock, system);
  auto a = real.create("alice", "work"), b = real.create("alice", "work");
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.id.size(), 22u);  // 128 bits, base64url
}

// ------------------------------------------------------------- bounds

TEST_F(TaskRunnerTest, TA6_RunningTasksAreBoundedPerUser) {
  runner = make_runner({.max_active = 2, .max_kept = 100});
  auto aborted = std::make_shared<std::atomic<bool>>();
  start(sleeps(1h, aborted));
  start(sleeps(1h, aborted));
  try {
    start(sleeps(1h, aborted));
    FAIL() << "a third running task was accepted";
  } catch (const TaskRefused& e) {
    EXPECT_NE(std::string(e.what()).find("2 tasks running"), std::string::npos) << e.what();
  }
  // Another user is not held back by alice's tasks.
  EXPECT_NO_THROW(start(sleeps(1h, aborted), origin("bob")));
}

TEST_F(TaskRunnerTest, TA6_KeptTasksAreBoundedPerUserUntilTheyExpire) {
  runner = make_runner({.max_active = 10, .max_kept = 2});
  auto first = start(returns("1"));
  wait_status(first.id, TaskStatus::completed);
  auto second = start(returns("2"));
  wait_status(second.id, TaskStatus::completed);
  EXPECT_THROW(start(returns("3")), TaskRefused);
  clock.advance(1h);
  EXPECT_EQ(runner->sweep(), 2u);
  EXPECT_NO_THROW(start(returns("3")));
}

// -------------------------------------------------------------- expiry

TEST_F(TaskRunnerTest, TA6_ATaskIsKeptForItsTtlAndNoLonger) {
  auto task = start(returns("done"));
  wait_status(task.id, TaskStatus::completed);
  clock.advance(1h - 1ms);
  EXPECT_TRUE(runner->find(task.id, "alice"));
  clock.advance(1ms);
  EXPECT_FALSE(runner->find(task.id, "alice"));
  EXPECT_EQ(runner->sweep(), 1u);
  EXPECT_FALSE(stores.tasks->find(task.id, "alice", 0));
}

TEST_F(TaskRunnerTest, ARunningTaskPastItsTtlIsStoppedBySweep) {
  auto aborted = std::make_shared<std::atomic<bool>>(false);
  auto task = start(sleeps(1h, aborted));
  clock.advance(2h);
  runner->sweep();
  EXPECT_EQ(runner->live_count(), 0u);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!aborted->load() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
  EXPECT_TRUE(aborted->load()) << "the expired task's handler kept waiting";
}

TEST_F(TaskRunnerTest, ALegacyClientMayAskForAShorterTtlNotALongerOne) {
  auto from = origin();
  from.ttl = 60s;
  auto shorter = start(returns("x"), from);
  EXPECT_EQ(shorter.ttl_ms, 60'000);
  from.ttl = 48h;
  auto capped = start(returns("x"), from);
  EXPECT_EQ(capped.ttl_ms, 3'600'000);
}

// -------------------------------------------------------- cancellation

TEST_F(TaskRunnerTest, CancelSettlesTheTaskAndStopsItsHandler) {
  auto aborted = std::make_shared<std::atomic<bool>>(false);
  auto task = start(sleeps(1h, aborted));
  auto after = runner->cancel(task.id, "alice");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, TaskStatus::cancelled);  // before the answer, as 2025-11-25 requires
  EXPECT_EQ(stores.tasks->find(task.id, "alice", runner->now_ms())->status, TaskStatus::cancelled);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (runner->live_count() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
  EXPECT_TRUE(aborted->load());
  // The handler's ending does not overwrite the cancellation.
  EXPECT_EQ(runner->find(task.id, "alice")->status, TaskStatus::cancelled);
}

TEST_F(TaskRunnerTest, CancellingATerminalTaskChangesNothing) {
  auto task = start(returns("done"));
  wait_status(task.id, TaskStatus::completed);
  auto after = runner->cancel(task.id, "alice");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, TaskStatus::completed);
}

// ------------------------------------------------------------ questions

TEST_F(TaskRunnerTest, AQuestionWaitsInTheTaskUntilAnswered) {
  auto task = start(asks({"confirm"}));
  auto waiting = wait_status(task.id, TaskStatus::input_required);
  auto questions = json::parse(waiting.input_requests);
  EXPECT_EQ(questions.at("confirm").at("method"), "elicitation/create");
  EXPECT_EQ(questions.at("confirm").at("params").at("message"), "one?");
  // Written through, so a poll served from the store sees it too.
  EXPECT_EQ(stores.tasks->find(task.id, "alice", runner->now_ms())->status, TaskStatus::input_required);

  ASSERT_TRUE(runner->answer(task.id, "alice",
                             json::object{{"confirm", json::object{{"action", "accept"}, {"content", {{"ok", true}}}}}}));
  auto done = wait_status(task.id, TaskStatus::completed);
  EXPECT_EQ(json::parse(done.result).at("structuredContent").at("answers").at(0).at("action"), "accept");
}

TEST_F(TaskRunnerTest, AnswersMayComeOneAtATime) {
  auto task = start(asks({"first", "second"}));
  auto waiting = wait_until(task.id, [](const auto& t) {
    return t.status == TaskStatus::input_required && json::parse(t.input_requests).as_object().size() == 2;
  });
  // Unknown keys are ignored; the known one is taken at once.
  runner->answer(task.id, "alice",
                 json::object{{"first", json::object{{"action", "decline"}}}, {"nobody-asked", json::object{}}});
  auto partly = runner->find(task.id, "alice");
  ASSERT_TRUE(partly);
  EXPECT_EQ(partly->status, TaskStatus::input_required);
  auto open = json::parse(partly->input_requests).as_object();
  EXPECT_FALSE(open.contains("first"));
  EXPECT_TRUE(open.contains("second"));

  runner->answer(task.id, "alice", json::object{{"second", json::object{{"action", "cancel"}}}});
  auto done = wait_status(task.id, TaskStatus::completed);
  auto answers = json::parse(done.result).at("structuredContent").at("answers");
  EXPECT_EQ(answers.at(0).at("action"), "decline");
  EXPECT_EQ(answers.at(1).at("action"), "cancel");
}

TEST_F(TaskRunnerTest, CancelWakesAWaitingQuestion) {
  auto task = start(asks({"confirm"}));
  wait_status(task.id, TaskStatus::input_required);
  runner->cancel(task.id, "alice");
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (runner->live_count() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(runner->live_count(), 0u);
  auto after = runner->find(task.id, "alice");
  EXPECT_EQ(after->status, TaskStatus::cancelled);
  EXPECT_TRUE(after->input_requests.empty());
}

TEST_F(TaskRunnerTest, AQuestionFromA2025TaskWithoutASessionStreamFailsItAtOnce) {
  auto task = start(asks({"confirm"}), origin("alice", Era::session));
  auto failed = wait_status(task.id, TaskStatus::failed);
  EXPECT_NE(json::parse(failed.error).at("message").as_string().find("no stream to ask it on"), std::string::npos)
      << failed.error;
}

TEST_F(TaskRunnerTest, AQuestionFromA2025TaskGoesToTheSessionTiedToTheTask) {
  auto session = std::make_shared<testing_support::FakeRequestChannel>();
  session->answers["elicitation/create"] = json::object{{"action", "accept"}, {"content", {{"ok", true}}}};
  auto from = origin("alice", Era::session);
  from.questions = session;
  auto task = start(asks({"confirm"}), from);
  auto done = wait_status(task.id, TaskStatus::completed);
  ASSERT_EQ(session->asks.size(), 1u);
  // MCP 2025-11-25: a request related to a task carries its id.
  EXPECT_EQ(session->asks[0].params.at("_meta").at("io.modelcontextprotocol/related-task").at("taskId"),
            json::value(task.id));
  EXPECT_EQ(json::parse(done.result).at("structuredContent").at("answers").at(0).at("action"), "accept");
}

TEST_F(TaskRunnerTest, AQuestionTheClientCannotAnswerFailsTheTask) {
  auto from = origin();
  from.client_capabilities = json::object{};  // no elicitation
  auto task = start(asks({"confirm"}), from);
  auto failed = wait_status(task.id, TaskStatus::failed);
  EXPECT_EQ(json::parse(failed.error).at("code"), -32021);
}

// -------------------------------------------- an ordinary call becoming a task

TEST_F(TaskRunnerTest, ACallBecomesATaskWhenItsHandlerSaysSo) {
  testing_support::FakeRequestChannel request;
  request.answers["elicitation/create"] = json::object{{"action", "accept"}, {"content", {{"name", "Alice"}}}};
  auto release = std::make_shared<std::atomic<bool>>(false);
  ToolExecution::Body body = [release](RequestChannel& channel) -> asio::awaitable<json::object> {
    // Asked as part of the call: the request's own channel answers.
    json::object question{{"message", "name?"}};
    std::string_view method = "elicitation/create", key = "user_name";
    auto answer = co_await channel.ask(method, std::move(question), key);
    EXPECT_FALSE(channel.in_task());
    EXPECT_TRUE(co_await channel.continue_as_task());
    EXPECT_TRUE(channel.in_task());
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!release->load()) {
      timer.expires_after(1ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
    json::object text{{"type", "text"}, {"text", answer.at("content").at("name")}};
    json::object result;
    result["content"] = json::array{std::move(text)};
    co_return result;
  };
  auto outcome = call(runner, body, request);
  ASSERT_TRUE(outcome.task);
  EXPECT_FALSE(outcome.result);
  EXPECT_EQ(request.asks.size(), 1u);
  EXPECT_EQ(runner->find(outcome.task->id, "alice")->status, TaskStatus::working);
  release->store(true);
  auto done = wait_status(outcome.task->id, TaskStatus::completed);
  EXPECT_EQ(json::parse(done.result).at("content").at(0).at("text"), "Alice");
}

TEST_F(TaskRunnerTest, ACallThatCannotBecomeATaskCarriesOn) {
  testing_support::FakeRequestChannel request;
  ToolExecution::Body body = [](RequestChannel& channel) -> asio::awaitable<json::object> {
    bool became = co_await channel.continue_as_task();
    json::object result;
    result["content"] = json::array{};
    result["became"] = became;
    co_return result;
  };
  auto outcome = call(nullptr, body, request);
  ASSERT_TRUE(outcome.result);
  EXPECT_EQ(outcome.result->at("became"), false);
  EXPECT_FALSE(outcome.task);
}

TEST_F(TaskRunnerTest, AnOrdinaryCallsFailureReachesItsCaller) {
  testing_support::FakeRequestChannel request;
  ToolExecution::Body body = [](RequestChannel&) -> asio::awaitable<json::object> {
    throw McpError(error_code::invalid_params, "bad");
    co_return json::object{};
  };
  EXPECT_THROW(call(runner, body, request), McpError);
}

// --------------------------------------------------------------- restart

TEST(TaskRestart, TA6_ATaskRunningWhenTheServerStoppedIsFailedAtTheNextStart) {
  store::testing::TempDir dir;
  testing::ManualClock clock;
  std::string running, finished;
  {
    auto stores = store::open_sqlite_stores(dir.path() / "gatehouse.db");
    TaskRunner runner(*stores.tasks, {}, clock);
    running = runner.create("alice", "report").id;
    auto done = runner.create("alice", "report");
    finished = done.id;
    done.status = TaskStatus::completed;
    done.result = R"({"content":[]})";
    runner.write(done);
    // The process ends here without a word (a crash, a kill -9).
  }
  auto stores = store::open_sqlite_stores(dir.path() / "gatehouse.db");
  TaskRunner runner(*stores.tasks, {}, clock);
  EXPECT_EQ(runner.recover(), 1u);
  auto lost = runner.find(running, "alice");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, TaskStatus::failed);
  EXPECT_NE(lost->status_message.find("restarted"), std::string::npos);
  EXPECT_EQ(json::parse(lost->error).at("code"), error_code::internal_error);
  // A task that had finished keeps its result.
  EXPECT_EQ(runner.find(finished, "alice")->status, TaskStatus::completed);
}

TEST_F(TaskRunnerTest, AGracefulStopFailsTheTasksStillRunning) {
  auto aborted = std::make_shared<std::atomic<bool>>(false);
  auto task = start(sleeps(1h, aborted));
  runner->stop_all("the server stopped");
  auto after = stores.tasks->find(task.id, "alice", runner->now_ms());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, TaskStatus::failed);
  EXPECT_EQ(after->status_message, "the server stopped");
}

}  // namespace
}  // namespace gatehouse::mcp
