// follow_backend_task against a scripted backend: the messages Gatehouse
// sends, in each revision, and what reaches the task's channel. The real
// backends (the reference server over stdio, Gatehouse over HTTP) are in
// tests/e2e/gateway-tasks.test.mjs.
#include "gateway/backend_task.hpp"

#include "gateway/backend_error.hpp"
#include "mcp/tasks/task_wire.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <vector>

namespace gatehouse::gateway {
namespace {

namespace asio = boost::asio;

// What the backend answers a request: a result, an error, or nothing yet
// (the script answers later, by reply()).
struct Answer {
  json::value result;
  json::value error;
  bool later = false;
};

// A backend speaking through a Link: answers the lifecycle itself and each
// request by the script's handler for its method; records what it was sent.
class ScriptedBackend final : public Link, public std::enable_shared_from_this<ScriptedBackend> {
 public:
  using Handler = std::function<Answer(const json::object& params, const json::value& id)>;

  ScriptedBackend(asio::strand<asio::any_io_executor> strand, bool stateless) : strand_(strand), stateless_(stateless) {}

  std::map<std::string, Handler> handlers;
  std::vector<json::object> requests;   // every request, in order
  std::vector<json::object> responses;  // answers to the backend's own requests
  std::function<void(const json::object&)> on_response;

  boost::asio::awaitable<void> open(std::shared_ptr<LinkEvents> events) override {
    events_ = std::move(events);
    co_return;
  }
  void send(json::object message, std::shared_ptr<Route> route) override {
    if (!message.contains("method")) {
      responses.push_back(message);
      if (on_response) on_response(message);
      return;
    }
    if (!message.contains("id")) return;  // a notification
    auto method = std::string(message.at("method").as_string());
    auto id = message.at("id");
    json::object params;
    if (auto* p = message.if_contains("params"); p && p->is_object()) params = p->as_object();
    if (method != "server/discover" && method != "initialize") requests.push_back(message);
    Answer answer;
    if (method == "server/discover") {
      if (stateless_)
        answer.result = json::object{
            {"supportedVersions", json::array{"2026-07-28"}},
            {"capabilities", json::object{{"tools", json::object{}},
                                          {"extensions", json::object{{mcp::kTasksExtension, json::object{}}}}}}};
      else
        answer.error = json::object{{"code", -32601}, {"message", "Method not found"}};
    } else if (method == "initialize") {
      answer.result = json::object{
          {"protocolVersion", "2025-11-25"},
          {"capabilities",
           json::object{{"tools", json::object{}},
                        {"tasks", json::object{{"requests", json::object{{"tools", json::object{{"call", json::object{}}}}}}}}}},
          {"serverInfo", json::object{{"name", "scripted"}, {"version", "1"}}}};
    } else if (method == "tools/list") {
      answer.result = json::object{
          {"tools", json::array{json::object{{"name", "research"},
                                             {"inputSchema", json::object{{"type", "object"}}},
                                             {"execution", json::object{{"taskSupport", "required"}}}}}}};
    } else if (auto it = handlers.find(method); it != handlers.end()) {
      answer = it->second(params, id);
    } else {
      answer.error = json::object{{"code", -32601}, {"message", "no script for " + method}};
    }
    routes_[json::serialize(id)] = route;
    if (!answer.later) reply(id, std::move(answer));
  }
  void reply(const json::value& id, Answer answer) {
    json::object message{{"jsonrpc", "2.0"}, {"id", id}};
    if (!answer.error.is_null()) message["error"] = std::move(answer.error);
    else message["result"] = std::move(answer.result);
    deliver(std::move(message), routes_[json::serialize(id)]);
  }
  // A request of the backend's own (a question), carried by no stream.
  void ask(json::object request) { deliver(std::move(request), nullptr); }
  void close(std::string_view) override {}
  // The process ends: every request waiting fails.
  void exit() {
    asio::post(strand_, [events = events_] {
      events->on_closed(backend_error("scripted", reason::exited, "the process exited (code 1)"));
    });
  }
  std::string describe() const override { return "scripted backend"; }

  std::size_t count(std::string_view method) const {
    std::size_t n = 0;
    for (const auto& r : requests)
      if (r.at("method").as_string() == method) ++n;
    return n;
  }
  const json::object& last(std::string_view method) const {
    for (auto it = requests.rbegin(); it != requests.rend(); ++it)
      if (it->at("method").as_string() == method) return *it;
    throw std::runtime_error("no " + std::string(method) + " request");
  }

 private:
  void deliver(json::object message, std::shared_ptr<Route> route) {
    asio::post(strand_, [events = events_, message = std::move(message), route]() mutable {
      events->on_message(std::move(message), route);
    });
  }

  asio::strand<asio::any_io_executor> strand_;
  bool stateless_;
  std::shared_ptr<LinkEvents> events_;
  std::map<std::string, std::shared_ptr<Route>> routes_;
};

// The task's channel: records progress and questions; answers questions
// from `answers`; cancelled when told.
class TaskChannel final : public mcp::RequestChannel {
 public:
  std::vector<json::object> progress;
  std::vector<std::pair<std::string, json::object>> asked;
  std::vector<std::string> keys;
  json::value answer = json::object{{"action", "accept"}, {"content", json::object{{"choice", "snake"}}}};
  bool stop = false;
  json::object capabilities{{"elicitation", json::object{}}};

  void notify(std::string_view method, json::object params) override {
    if (method == "notifications/progress") progress.push_back(std::move(params));
  }
  boost::asio::awaitable<json::value> ask(std::string_view method, json::object params, std::string_view key) override {
    asked.emplace_back(std::string(method), std::move(params));
    keys.emplace_back(key);
    co_return answer;
  }
  bool cancelled() const override { return stop; }
  std::optional<LogLevel> log_level() const override { return std::nullopt; }
  const json::object& client_capabilities() const override { return capabilities; }
  std::string_view protocol_version() const override { return "2026-07-28"; }
  bool in_task() const override { return became_task > 0; }
  boost::asio::awaitable<bool> continue_as_task() override {
    ++became_task;
    co_return true;
  }
  int became_task = 0;  // continue_as_task() calls
};

struct Fixture {
  asio::io_context ioc;
  std::shared_ptr<ScriptedBackend> backend;
  std::shared_ptr<BackendConnection> connection;
  TaskChannel channel;

  explicit Fixture(bool stateless) {
    auto settings = std::make_shared<BackendSettings>();
    settings->name = "scripted";
    connection = std::make_shared<BackendConnection>(
        ioc.get_executor(), settings, std::nullopt,
        [this, stateless](asio::strand<asio::any_io_executor> strand) {
          ++links;
          backend = std::make_shared<ScriptedBackend>(strand, stateless);
          setup(*backend);
          return backend;
        },
        ConnectionEvents{});
  }
  std::function<void(ScriptedBackend&)> setup = [](ScriptedBackend&) {};
  int links = 0;  // links opened (processes started)

  // Runs follow_backend_task to its end (and whatever it left running).
  json::object follow(json::object params = {{"name", "research"}, {"arguments", json::object{}}}) {
    std::optional<json::object> result;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          // The backend is opened as the gateway does before deciding.
          co_await connection->task_support("research", channel);
          result = co_await follow_backend_task(connection, params, channel, std::chrono::minutes(5));
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    return *result;
  }
};

json::object task(std::string_view status, std::string_view message = {}) {
  json::object t{{"taskId", "b-1"}, {"status", status}, {"pollInterval", 0}, {"pollIntervalMs", 0}};
  if (!message.empty()) t["statusMessage"] = message;
  return t;
}

// A 2026-07-28 CreateTaskResult.
Answer created_task(std::string_view status) {
  auto created = task(status);
  created["resultType"] = "task";
  return Answer{std::move(created)};
}

json::object tool_result(std::string_view text) {
  return {{"content", json::array{json::object{{"type", "text"}, {"text", text}}}}};
}

// ---------------------------------------------------------------- 2025-11-25

TEST(BackendTask, TA7_SessionBackendTaskIsFollowedToItsResultWithoutItsTie) {
  Fixture f(false);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) {
      return Answer{json::object{{"task", task("working")}}};
    };
    auto polls = std::make_shared<int>(0);
    b.handlers["tasks/get"] = [polls](const json::object&, const json::value&) {
      return Answer{++*polls < 2 ? task("working", "Gathering sources...") : task("completed")};
    };
    b.handlers["tasks/result"] = [](const json::object&, const json::value&) {
      auto result = tool_result("the report");
      result["_meta"] = json::object{{mcp::kRelatedTaskMeta, json::object{{"taskId", "b-1"}}}};
      return Answer{std::move(result)};
    };
  };
  auto result = f.follow();
  EXPECT_EQ(result.at("content").at(0).at("text"), "the report");
  EXPECT_FALSE(result.contains("_meta")) << "the tie names the backend's task";

  // The call asked for a task kept as long as Gatehouse's.
  const auto& call = f.backend->last("tools/call");
  EXPECT_EQ(call.at("params").at("task").at("ttl").to_number<std::int64_t>(), 300'000);
  EXPECT_EQ(f.backend->last("tasks/result").at("params").at("taskId"), "b-1");
  ASSERT_FALSE(f.channel.progress.empty());
  EXPECT_EQ(f.channel.progress.front().at("message"), "Gathering sources...");
  EXPECT_EQ(f.backend->count("tasks/cancel"), 0U) << "a task that ended is not cancelled";
  EXPECT_EQ(f.channel.became_task, 1) << "the call became Gatehouse's task once the backend made one";
}

TEST(BackendTask, TA7_SessionBackendQuestionTiedToItsTaskReachesTheTaskWithoutTheTie) {
  Fixture f(false);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) {
      return Answer{json::object{{"task", task("input_required")}}};
    };
    // tasks/result: the question first, tied to the task; the result once answered.
    b.handlers["tasks/result"] = [&b](const json::object&, const json::value& id) {
      b.ask({{"jsonrpc", "2.0"},
             {"id", "q-1"},
             {"method", "elicitation/create"},
             {"params", json::object{{"message", "Which python?"},
                                     {"requestedSchema", json::object{{"type", "object"}}},
                                     {"_meta", json::object{{mcp::kRelatedTaskMeta, json::object{{"taskId", "b-1"}}}}}}}});
      b.on_response = [&b, id](const json::object& response) {
        auto choice = response.at("result").at("content").at("choice").as_string();
        b.reply(id, Answer{tool_result("a report on " + std::string(choice))});
      };
      return Answer{nullptr, nullptr, true};
    };
  };
  auto result = f.follow();
  EXPECT_EQ(result.at("content").at(0).at("text"), "a report on snake");
  ASSERT_EQ(f.channel.asked.size(), 1U);
  EXPECT_EQ(f.channel.asked[0].first, "elicitation/create");
  EXPECT_EQ(f.channel.asked[0].second.at("message"), "Which python?");
  EXPECT_FALSE(f.channel.asked[0].second.contains("_meta")) << "the backend's task id stays with Gatehouse";
  EXPECT_EQ(f.backend->count("tasks/get"), 0U) << "input_required goes to tasks/result at once";
}

TEST(BackendTask, SessionBackendAnsweringAtOnceEndsTheTaskWithThatResult) {
  Fixture f(false);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) { return Answer{tool_result("at once")}; };
  };
  auto result = f.follow();
  EXPECT_EQ(result.at("content").at(0).at("text"), "at once");
  EXPECT_EQ(f.backend->count("tasks/get"), 0U);
  EXPECT_EQ(f.channel.became_task, 0) << "an answer at once stays an ordinary call";
}

TEST(BackendTask, SessionBackendCreateTaskResultWithoutTaskIdIsAProtocolError) {
  Fixture f(false);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) {
      return Answer{json::object{{"task", json::object{{"status", "working"}}}}};
    };
  };
  try {
    f.follow();
    FAIL() << "expected an error";
  } catch (const McpError& e) {
    EXPECT_NE(std::string(e.what()).find("no taskId"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- 2026-07-28

TEST(BackendTask, TA7_ExtensionBackendQuestionsAreAnsweredOnceWithTasksUpdate) {
  Fixture f(true);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) { return created_task("working"); };
    auto polls = std::make_shared<int>(0);
    b.handlers["tasks/get"] = [polls](const json::object&, const json::value&) {
      ++*polls;
      if (*polls >= 4) {
        auto done = task("completed");
        done["result"] = tool_result("done");
        return Answer{std::move(done)};
      }
      // Still listed on the poll after the answer (the backend is slow to
      // take it): not asked again.
      auto asking = task("input_required");
      asking["inputRequests"] = json::object{
          {"pick", json::object{{"method", "elicitation/create"},
                                {"params", json::object{{"message", "Pick one"},
                                                        {"_meta", json::object{{mcp::kRelatedTaskMeta,
                                                                                json::object{{"taskId", "b-1"}}}}}}}}}};
      return Answer{std::move(asking)};
    };
    b.handlers["tasks/update"] = [](const json::object&, const json::value&) { return Answer{json::object{}}; };
  };
  auto result = f.follow();
  EXPECT_EQ(result.at("content").at(0).at("text"), "done");

  const auto& call = f.backend->last("tools/call");
  auto& meta = call.at("params").at("_meta").as_object();
  EXPECT_TRUE(meta.at("io.modelcontextprotocol/clientCapabilities").at("extensions").as_object().contains(mcp::kTasksExtension))
      << "the call declares the extension";
  EXPECT_FALSE(call.at("params").as_object().contains("task")) << "no 2025-11-25 task param";

  ASSERT_EQ(f.channel.asked.size(), 1U) << "asked once, though listed on two polls";
  EXPECT_EQ(f.channel.keys[0], "pick") << "under the backend's key";
  EXPECT_FALSE(f.channel.asked[0].second.contains("_meta") &&
               f.channel.asked[0].second.at("_meta").as_object().contains(mcp::kRelatedTaskMeta));
  ASSERT_EQ(f.backend->count("tasks/update"), 1U);
  const auto& update = f.backend->last("tasks/update").at("params");
  EXPECT_EQ(update.at("taskId"), "b-1");
  EXPECT_EQ(update.at("inputResponses").at("pick").at("content").at("choice"), "snake");
}

TEST(BackendTask, ExtensionBackendFailedTaskThrowsItsErrorAndIsNotCancelled) {
  Fixture f(true);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) { return created_task("working"); };
    b.handlers["tasks/get"] = [](const json::object&, const json::value&) {
      auto failed = task("failed");
      failed["error"] = json::object{{"code", -32000}, {"message", "the worker died"}};
      return Answer{std::move(failed)};
    };
  };
  try {
    f.follow();
    FAIL() << "expected the task's error";
  } catch (const McpError& e) {
    EXPECT_EQ(e.code(), -32000);
    EXPECT_STREQ(e.what(), "the worker died");
  }
  EXPECT_EQ(f.backend->count("tasks/cancel"), 0U);
}

TEST(BackendTask, TA7_FollowingEndedByCancellationCancelsTheBackendsTask) {
  Fixture f(true);
  f.setup = [&f](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) { return created_task("working"); };
    // Gatehouse's task is cancelled while the backend's still works.
    b.handlers["tasks/get"] = [&f](const json::object&, const json::value&) {
      f.channel.stop = true;
      return Answer{nullptr, nullptr, true};  // never answered
    };
    b.handlers["tasks/cancel"] = [](const json::object&, const json::value&) { return Answer{task("cancelled")}; };
  };
  EXPECT_THROW(f.follow(), McpError);
  ASSERT_EQ(f.backend->count("tasks/cancel"), 1U) << "the backend's task does not work on for nobody";
  const auto& cancel = f.backend->last("tasks/cancel").at("params");
  EXPECT_EQ(cancel.at("taskId"), "b-1");
  EXPECT_TRUE(cancel.at("_meta").at("io.modelcontextprotocol/clientCapabilities").at("extensions").as_object().contains(
      mcp::kTasksExtension));
}

TEST(BackendTask, ABackendThatExitedIsNotStartedAgainToCancelATaskThatWentWithIt) {
  Fixture f(false);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) {
      return Answer{json::object{{"task", task("working")}}};
    };
    b.handlers["tasks/get"] = [&b](const json::object&, const json::value&) {
      b.exit();
      return Answer{nullptr, nullptr, true};
    };
  };
  try {
    f.follow();
    FAIL() << "expected the backend's exit";
  } catch (const McpError& e) {
    EXPECT_EQ(reason_of(e), reason::exited) << e.what();
  }
  EXPECT_EQ(f.links, 1) << "no process started to cancel a task that exited with the last one";
  EXPECT_EQ(f.backend->count("tasks/cancel"), 0U);
}

TEST(BackendTask, ExtensionBackendCancellingOnItsOwnFailsTheTask) {
  Fixture f(true);
  f.setup = [](ScriptedBackend& b) {
    b.handlers["tools/call"] = [](const json::object&, const json::value&) { return created_task("cancelled"); };
  };
  try {
    f.follow();
    FAIL() << "expected an error";
  } catch (const McpError& e) {
    EXPECT_NE(std::string(e.what()).find("cancelled the task on its own"), std::string::npos) << e.what();
  }
  EXPECT_EQ(f.backend->count("tasks/cancel"), 0U);
}

}  // namespace
}  // namespace gatehouse::gateway
