#include "gateway/backend_connection.hpp"

#include "crypto/random.hpp"
#include "gateway/backend_error.hpp"
#include "mcp/client_requests.hpp"
#include "mcp/input_rounds.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/stateless_request.hpp"
#include "mcp/tasks/task_wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <unordered_map>

namespace gatehouse::gateway {

namespace asio = boost::asio;
namespace jsonrpc = mcp::jsonrpc;

namespace {

// Notifications forwarded to one client request per second at most; the
// rest are dropped (a backend logging a line per loop iteration must not
// fill every stream and buffer on the way to the client).
constexpr std::size_t kNotificationsPerSecond = 200;
// Pages of a list fetched at most, and items kept at most.
constexpr std::size_t kMaxListPages = 100;
constexpr std::size_t kMaxListItems = 10'000;
// Input-required rounds of one request to a 2026-07-28 backend at most.
constexpr int kMaxRounds = 16;

std::string seconds(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

// What Gatehouse declares as the backend's client: it can ask its own
// clients everything, and decides per request whether a question can be
// answered (docs/gateway.md).
json::object client_capabilities() {
  return {{"roots", json::object{}}, {"sampling", json::object{}}, {"elicitation", json::object{}}};
}
json::object client_info() { return {{"name", "gatehouse"}, {"version", "0.1.0"}}; }
// ... and, in a request that may become a task of the backend's, the Tasks
// extension (SEP-2663 "Capability Negotiation").
json::object client_capabilities_with_tasks() {
  auto capabilities = client_capabilities();
  capabilities["extensions"] = json::object{{mcp::kTasksExtension, json::object{}}};
  return capabilities;
}

// The backend's task a message is tied to (MCP 2025-11-25
// basic/utilities/tasks "Associating Task-Related Messages"), taken out of
// its _meta: the id is the backend's, which the client never sees.
std::string take_related_task(json::object& params) {
  auto* meta = params.if_contains("_meta");
  if (!meta || !meta->is_object()) return {};
  auto& m = meta->as_object();
  auto it = m.find(mcp::kRelatedTaskMeta);
  if (it == m.end()) return {};
  std::string id;
  if (auto* task = it->value().if_object())
    if (auto* t = task->if_contains("taskId"); t && t->is_string()) id = t->get_string();
  m.erase(it);
  if (m.empty()) params.erase("_meta");
  return id;
}

bool input_required(const json::value& result) {
  auto* o = result.if_object();
  auto* type = o ? o->if_contains("resultType") : nullptr;
  return type && type->is_string() && type->get_string() == "input_required";
}

const json::value* progress_token(const json::object& params) {
  if (auto* meta = params.if_contains("_meta"); meta && meta->is_object())
    if (auto* token = meta->get_object().if_contains("progressToken"); token && !token->is_null()) return token;
  return nullptr;
}

}  // namespace

std::shared_ptr<const BackendMetrics> BackendMetrics::make(net::Metrics& metrics, const std::string& backend) {
  auto m = std::make_shared<BackendMetrics>();
  net::Metrics::Labels labels{{"backend", backend}};
  m->started = &metrics.counter("gatehouse_backend_started_total", "Backend processes started (HTTP: sessions opened)", labels);
  m->crashed = &metrics.counter("gatehouse_backend_crashed_total",
                                "Backend processes that ended without being asked to (HTTP: sessions lost)", labels);
  m->live = &metrics.gauge("gatehouse_backend_live", "Backend processes running (HTTP: sessions open)", labels);
  m->in_flight = &metrics.gauge("gatehouse_backend_calls_in_flight", "Requests waiting for the backend", labels);
  m->latency = &metrics.histogram("gatehouse_backend_call_duration_seconds",
                                  "Time from a request to the backend's answer, starting it included", labels);
  return m;
}

bool Route::notify(std::string_view method, json::object params, std::size_t per_second,
                   std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex);
  if (!live) return false;
  if (now - window > std::chrono::seconds(1)) {
    window = now;
    in_window = 0;
  }
  if (++in_window > per_second) {
    ++dropped;
    return false;
  }
  channel->notify(method, std::move(params));
  return true;
}

// A question of the backend to the client of a 2026-07-28 request, handed
// from the reading side to the request's own coroutine.
struct Question {
  json::value id;  // the backend's request id
  std::string method;
  json::object params;
};

struct BackendConnection::Pending {
  net::AsyncSignal signal;
  std::mutex mutex;
  bool done = false;
  json::value result;
  json::value error;
  std::optional<McpError> failure;
  std::shared_ptr<Route> route;
  std::optional<Question> question;

  void ask(Question q) {
    {
      std::lock_guard lock(mutex);
      if (done) return;
      question = std::move(q);
    }
    signal.notify();
  }

  void finish(json::value r, json::value e, std::optional<McpError> f) {
    {
      std::lock_guard lock(mutex);
      if (done) return;
      done = true;
      result = std::move(r);
      error = std::move(e);
      failure = std::move(f);
    }
    signal.notify();
  }
};

// One opened link and everything that lives as long as it does.
struct BackendConnection::Run final : LinkEvents {
  std::weak_ptr<BackendConnection> connection;
  std::shared_ptr<Link> link;

  std::mutex mutex;  // everything below
  std::unordered_map<std::uint64_t, std::shared_ptr<Pending>> pending;
  std::unordered_map<std::string, std::shared_ptr<Route>> tokens;  // our progress token -> route
  std::uint64_t next_id = 1;
  std::uint64_t next_order = 1;
  bool closed = false;
  std::optional<McpError> close_error;
  json::object capabilities;
  // The backend speaks 2026-07-28: every request stands alone and carries
  // Gatehouse's _meta (protocol version, capabilities, client info).
  bool stateless = false;
  // Calls waiting for a 2026-07-28 client's next round, by the key of the
  // question it must answer.
  struct Parked {
    std::uint64_t id;  // ours, of the backend request
    std::shared_ptr<Pending> pending;
    Question question;
    std::string method;
    std::chrono::steady_clock::time_point deadline;
    std::string session_id;
  };
  std::unordered_map<std::string, Parked> parked;

  void on_message(json::value message, const std::shared_ptr<Route>& route) override {
    if (auto c = connection.lock()) c->on_message(shared(), std::move(message), route);
  }
  void on_closed(const McpError& error) override {
    {
      std::lock_guard lock(mutex);
      closed = true;
      if (!close_error) close_error = error;
    }
    if (auto c = connection.lock()) c->on_closed(shared(), error);
    fail_all(error);
  }
  void fail_all(const McpError& error) {
    std::vector<std::shared_ptr<Pending>> waiting;
    {
      std::lock_guard lock(mutex);
      for (auto& [id, p] : pending) waiting.push_back(p);
    }
    for (auto& p : waiting) p->finish(nullptr, nullptr, error);
  }
  std::shared_ptr<Run> shared() { return self.lock(); }
  std::weak_ptr<Run> self;
};

BackendConnection::BackendConnection(asio::any_io_executor executor, std::shared_ptr<const BackendSettings> settings,
                                     std::optional<std::string> owner, LinkFactory make_link, ConnectionEvents events,
                                     std::shared_ptr<const BackendMetrics> metrics, const time::Clock& clock)
    : strand_(asio::make_strand(executor)),
      settings_(std::move(settings)),
      owner_(std::move(owner)),
      make_link_(std::move(make_link)),
      events_(std::move(events)),
      metrics_(std::move(metrics)),
      clock_(clock),
      last_used_(clock.monotonic().time_since_epoch().count()) {}

BackendConnection::~BackendConnection() {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = std::move(run_);
  }
  if (!run) return;
  if (metrics_) metrics_->live->add(-1);
  run->link->close("Gatehouse is stopping");
}

json::object BackendConnection::server_capabilities() const {
  std::lock_guard lock(mutex_);
  if (!run_) return {};
  std::lock_guard run_lock(run_->mutex);
  return run_->capabilities;
}

bool BackendConnection::busy() const {
  if (in_flight_.load() > 0) return true;
  std::lock_guard lock(mutex_);
  if (!run_) return false;
  std::lock_guard run_lock(run_->mutex);
  return !run_->parked.empty();
}

void BackendConnection::expire_rounds() {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = run_;
  }
  if (!run) return;
  std::vector<Run::Parked> expired;
  {
    std::lock_guard lock(run->mutex);
    auto now = clock_.monotonic();
    for (auto it = run->parked.begin(); it != run->parked.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(std::move(it->second));
        run->pending.erase(it->second.id);
        it = run->parked.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& p : expired) {
    // The client never came back with its answer: the backend hears so.
    respond(run, jsonrpc::make_error(p.question.id, error_code::internal_error,
                                     "the client did not answer within " + seconds(settings_->call_timeout)));
    run->link->send(jsonrpc::make_notification("notifications/cancelled",
                                               {{"requestId", p.id}, {"reason", "the client did not answer in time"}}),
                    nullptr);
  }
}

std::chrono::steady_clock::time_point BackendConnection::last_used() const { return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_used_.load())); }

void BackendConnection::stop(std::string_view why) {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = std::move(run_);
    lists_.clear();
    subscriptions_.clear();
  }
  if (!run) return;
  if (metrics_) metrics_->live->add(-1);
  run->link->close(why);
}

void BackendConnection::forget(const std::shared_ptr<Run>& run) {
  {
    std::lock_guard lock(mutex_);
    if (run_ != run) return;
    run_.reset();
    lists_.clear();
    subscriptions_.clear();
  }
  if (metrics_) {
    metrics_->live->add(-1);
    metrics_->crashed->add();
  }
}

// ------------------------------------------------------------- requests

asio::awaitable<json::value> BackendConnection::request(std::string method, json::object params, mcp::RequestChannel& channel,
                                                        std::string session_id, RequestOptions options) {
  ++in_flight_;
  if (metrics_) metrics_->in_flight->add(1);
  struct Done {
    BackendConnection& self;
    std::chrono::steady_clock::time_point start = self.clock_.monotonic();
    ~Done() {
      self.last_used_ = self.clock_.monotonic().time_since_epoch().count();
      --self.in_flight_;
      if (self.metrics_) {
        self.metrics_->in_flight->add(-1);
        self.metrics_->latency->observe(std::chrono::duration<double>(self.clock_.monotonic() - start).count());
      }
    }
  } done{*this};
  last_used_ = clock_.monotonic().time_since_epoch().count();
  // A backend that forgot the session (an HTTP server restarted) is opened
  // again once, and the request sent again.
  for (int attempt = 0;; ++attempt) {
    auto run = co_await ready();
    auto route = std::make_shared<Route>();
    route->channel = &channel;
    route->session_id = session_id;
    route->related_task = options.related_task;
    std::optional<McpError> lost;
    json::value result;
    try {
      result = co_await exchange(run, method, params, route, settings_->call_timeout, options.tasks_extension);
    } catch (const McpError& e) {
      if (attempt > 0 || reason_of(e) != reason::session_lost) throw;
      lost = e;
    }
    if (lost) {
      forget(run);
      continue;
    }
    // A 2026-07-28 backend asks by input-required results (SEP-2322): each
    // question goes to the client — a request to a 2025-era client, a round
    // of Gatehouse's own to a 2026-07-28 one (the backend's keys, which the
    // backend keeps stable, name them) — and the request is sent again with
    // the answers and the backend's requestState.
    for (int round = 0; input_required(result); ++round) {
      if (round >= kMaxRounds)
        throw backend_error(settings_->name, reason::protocol,
                            "the backend asked for input more than " + std::to_string(kMaxRounds) + " times");
      auto& asked = result.as_object();
      json::object answers;
      if (auto* requests = asked.if_contains("inputRequests"); requests && requests->is_object())
        for (const auto& [key, question] : requests->as_object()) {
          auto* q = question.if_object();
          auto* m = q ? q->if_contains("method") : nullptr;
          if (!m || !m->is_string()) continue;
          json::object question_params;
          if (auto* p = q->if_contains("params"); p && p->is_object()) question_params = p->as_object();
          answers[key] = co_await channel.ask(m->get_string(), std::move(question_params), key);
        }
      json::object again = params;
      again["inputResponses"] = std::move(answers);
      if (auto* state = asked.if_contains("requestState")) again["requestState"] = *state;
      route = std::make_shared<Route>();
      route->channel = &channel;
      route->session_id = session_id;
      route->related_task = options.related_task;
      result = co_await exchange(run, method, std::move(again), route, settings_->call_timeout, options.tasks_extension);
    }
    co_return result;
  }
}

bool BackendConnection::stateless() const {
  std::lock_guard lock(mutex_);
  if (!run_) return false;
  std::lock_guard run_lock(run_->mutex);
  return run_->stateless;
}

asio::awaitable<TaskSupport> BackendConnection::task_support(std::string tool, mcp::RequestChannel& channel) {
  auto run = co_await ready();
  json::object capabilities;
  bool stateless;
  {
    std::lock_guard lock(run->mutex);
    capabilities = run->capabilities;
    stateless = run->stateless;
  }
  if (stateless) {
    // SEP-2663: a server of the extension decides per call whether a call
    // becomes a task; its tools say nothing.
    auto* extensions = capabilities.if_contains("extensions");
    bool declared = extensions && extensions->is_object() && extensions->as_object().contains(mcp::kTasksExtension);
    co_return declared ? TaskSupport::optional : TaskSupport::forbidden;
  }
  // MCP 2025-11-25 basic/utilities/tasks "Capabilities": task-augmented
  // tools/call only under capabilities.tasks.requests.tools.call, and then
  // per tool ("Tool-Level Negotiation").
  static constexpr std::string_view kPath[] = {"tasks", "requests", "tools", "call"};
  const json::object* node = &capabilities;
  for (auto key : kPath) {
    auto* next = node->if_contains(key);
    node = next ? next->if_object() : nullptr;
    if (!node) co_return TaskSupport::forbidden;
  }
  auto tools = co_await list("tools/list", "tools", channel);
  for (const auto& t : tools) {
    auto* object = t.if_object();
    auto* name = object ? object->if_contains("name") : nullptr;
    if (!name || !name->is_string() || name->get_string() != tool) continue;
    auto* execution = object->if_contains("execution");
    auto* support = execution && execution->is_object() ? execution->as_object().if_contains("taskSupport") : nullptr;
    if (support && support->is_string() && support->get_string() == "required") co_return TaskSupport::required;
    if (support && support->is_string() && support->get_string() == "optional") co_return TaskSupport::optional;
    co_return TaskSupport::forbidden;
  }
  co_return TaskSupport::forbidden;
}

asio::awaitable<json::array> BackendConnection::list(std::string method, std::string key, mcp::RequestChannel& channel) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = lists_.find(method); it != lists_.end()) {
      if (!it->second.expires || clock_.monotonic() < *it->second.expires) co_return it->second.items;
      lists_.erase(it);
    }
  }
  json::array items;
  json::value cursor;
  std::optional<std::chrono::steady_clock::time_point> expires;
  for (std::size_t page = 0; page < kMaxListPages; ++page) {
    json::object params;
    if (cursor.is_string()) params["cursor"] = cursor;
    auto result = co_await request(method, std::move(params), channel, {});
    auto* object = result.if_object();
    auto* page_items = object ? object->if_contains(key) : nullptr;
    if (!page_items || !page_items->is_array())
      throw backend_error(settings_->name, reason::protocol, method + " answered without a " + key + " array");
    for (auto& item : page_items->as_array())
      if (items.size() < kMaxListItems) items.push_back(std::move(item));
    // SEP-2549: a 2026-07-28 list may be reused for ttlMs (0 or none: not at all).
    if (page == 0 && object->contains("resultType")) {
      auto* ttl = object->if_contains("ttlMs");
      std::int64_t ms = ttl && ttl->is_int64() ? ttl->get_int64() : 0;
      expires = clock_.monotonic() + std::chrono::milliseconds(std::clamp<std::int64_t>(ms, 0, 3'600'000));
    }
    auto* next = object->if_contains("nextCursor");
    if (!next || !next->is_string() || next->get_string().empty()) break;
    cursor = *next;
  }
  {
    std::lock_guard lock(mutex_);
    if (run_ && (!expires || *expires > clock_.monotonic())) lists_[method] = CachedList{items, expires};
  }
  co_return items;
}

asio::awaitable<void> BackendConnection::subscribe(std::string uri, bool subscribe, mcp::RequestChannel& channel) {
  bool tell = false;
  {
    std::lock_guard lock(mutex_);
    auto& count = subscriptions_[uri];
    if (subscribe) tell = count++ == 0;
    else if (count > 0) tell = --count == 0;
    if (count == 0) subscriptions_.erase(uri);
  }
  if (!tell) co_return;
  {
    // 2026-07-28 has no resources/subscribe (subscriptions/listen replaces
    // it); such a backend's updates are not followed yet.
    std::lock_guard lock(mutex_);
    if (run_) {
      std::lock_guard run_lock(run_->mutex);
      if (run_->stateless) co_return;
    }
  }
  auto caps = server_capabilities();
  auto* resources = caps.if_contains("resources");
  auto* flag = resources && resources->is_object() ? resources->as_object().if_contains("subscribe") : nullptr;
  if (!flag || !flag->is_bool() || !flag->get_bool()) co_return;
  std::string method = subscribe ? "resources/subscribe" : "resources/unsubscribe";
  json::object params{{"uri", uri}};
  co_await request(std::move(method), std::move(params), channel, std::string{});
}

// ------------------------------------------------------------- lifecycle

asio::awaitable<std::shared_ptr<BackendConnection::Run>> BackendConnection::ready() {
  auto deadline = clock_.monotonic() + settings_->start_timeout + std::chrono::seconds(5);
  asio::steady_timer wait(co_await asio::this_coro::executor);
  for (;;) {
    bool open_now = false;
    {
      std::lock_guard lock(mutex_);
      if (run_) co_return run_;
      if (open_failure_ && clock_.monotonic() < retry_at_) {
        auto left = std::chrono::ceil<std::chrono::seconds>(retry_at_ - clock_.monotonic());
        throw McpError(open_failure_->code(),
                       std::string(open_failure_->what()) + " (next attempt in " + seconds(left) + ")",
                       open_failure_->data());
      }
      if (!opening_) opening_ = open_now = true;
    }
    if (open_now) {
      co_await open();
      std::lock_guard lock(mutex_);
      opening_ = false;
      if (run_) co_return run_;
      throw *open_failure_;
    }
    if (clock_.monotonic() > deadline)
      throw backend_error(settings_->name, reason::start_failed,
                          "not ready within " + seconds(settings_->start_timeout));
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> BackendConnection::open() {
  const auto& name = settings_->name;
  auto fail = [&](const McpError& error) {
    spdlog::error("{}", error.what());
    std::lock_guard lock(mutex_);
    open_failure_ = error;
    backoff_ = std::min<std::chrono::seconds>(std::max<std::chrono::seconds>(backoff_ * 2, std::chrono::seconds(1)),
                                              std::chrono::seconds(30));
    retry_at_ = clock_.monotonic() + backoff_;
  };

  auto run = std::make_shared<Run>();
  run->self = run;
  run->connection = weak_from_this();
  std::optional<McpError> failure;
  try {
    run->link = make_link_(strand_);
    co_await run->link->open(run);
  } catch (const McpError& e) {
    failure = e;
  }
  if (failure) {
    fail(*failure);
    co_return;
  }

  // MCP 2026-07-28: a client first asks server/discover; a server of the
  // earlier revisions refuses it (-32601, or HTTP 400), and is initialized
  // instead. A stdio server that ignores the request (no answer within 3 s)
  // or ends its process on it is never asked again: its processes are
  // initialized at once from then on.
  const bool stdio = settings_->url.empty();
  if (!stdio || !skip_discovery_.load()) {
    std::optional<json::object> discovered;
    bool unanswered = false;
    try {
      {
        std::lock_guard lock(run->mutex);
        run->stateless = true;  // the discover request is one of 2026-07-28
      }
      auto wait = stdio ? std::min<std::chrono::seconds>(settings_->start_timeout, std::chrono::seconds(3))
                        : settings_->start_timeout;
      auto result = co_await exchange(run, "server/discover", {}, nullptr, wait, false);
      if (auto* o = result.if_object())
        if (auto* versions = o->if_contains("supportedVersions"); versions && versions->is_array())
          for (const auto& v : versions->as_array())
            if (v.is_string() && v.get_string() == mcp::kStatelessVersion) discovered = *o;
    } catch (const McpError& e) {
      unanswered = reason_of(e) == reason::timeout || reason_of(e) == reason::exited;
    }
    bool ended;
    {
      std::lock_guard lock(run->mutex);
      run->stateless = discovered.has_value();
      ended = run->closed;
    }
    if (stdio && (unanswered || ended)) {
      skip_discovery_ = true;
      spdlog::warn("backend {}: the process {} server/discover; it is initialized without asking from now on", name,
                   ended ? "ended on" : "did not answer");
      if (ended) {
        // A new process, initialized at once.
        co_await open();
        co_return;
      }
    }
    if (discovered) {
      run->link->negotiated(mcp::kStatelessVersion);
      {
        std::lock_guard lock(run->mutex);
        if (auto* caps = discovered->if_contains("capabilities"); caps && caps->is_object())
          run->capabilities = caps->get_object();
      }
      std::lock_guard lock(mutex_);
      run_ = run;
      open_failure_.reset();
      backoff_ = std::chrono::seconds(0);
      if (metrics_) {
        metrics_->started->add();
        metrics_->live->add(1);
      }
      spdlog::info("backend {}: {} ready (protocol version 2026-07-28)", name, run->link->describe());
      co_return;
    }
  }

  // MCP basic/lifecycle "Initialization": Gatehouse is the client. It
  // declares what its own clients may be asked; a question reaches the
  // client whose request caused it, or is refused (docs/gateway.md).
  json::object params{{"protocolVersion", mcp::kLatestSessionVersion},
                      {"capabilities", client_capabilities()},
                      {"clientInfo", client_info()}};
  std::string problem;
  std::string_view why = reason::start_failed;
  try {
    auto result = co_await exchange(run, "initialize", std::move(params), nullptr, settings_->start_timeout, false);
    auto* object = result.if_object();
    auto* version = object ? object->if_contains("protocolVersion") : nullptr;
    if (!version || !version->is_string() || !mcp::is_session_version(version->get_string())) {
      problem = "its initialize result names protocol version " +
                (version ? json::serialize(*version) : std::string("none")) +
                ", not one Gatehouse speaks (2025-03-26, 2025-06-18, 2025-11-25)";
    } else {
      run->link->negotiated(version->get_string());
      std::lock_guard lock(run->mutex);
      if (auto* caps = object->if_contains("capabilities"); caps && caps->is_object())
        run->capabilities = caps->get_object();
    }
  } catch (const McpError& e) {
    std::lock_guard lock(run->mutex);
    if (run->closed) problem = "it closed before answering initialize";
    else if (reason_of(e) == reason::timeout) problem = "no answer to initialize within " + seconds(settings_->start_timeout);
    else {
      // Without the "backend NAME: " the error starts with: it is said once.
      std::string_view what = e.what();
      std::string prefix = "backend " + name + ": ";
      if (what.starts_with(prefix)) what.remove_prefix(prefix.size());
      problem = "initialize failed: " + std::string(what);
    }
    if (reason_of(e) == reason::unreachable) why = reason::unreachable;
  }
  if (problem.empty()) {
    // MCP basic/lifecycle: the backend hears notifications/initialized
    // before any other request of the session.
    co_await run->link->send_in_order(jsonrpc::make_notification("notifications/initialized", {}));
    run->link->ready();
    std::lock_guard lock(mutex_);
    run_ = run;
    open_failure_.reset();
    backoff_ = std::chrono::seconds(0);
    if (metrics_) {
      metrics_->started->add();
      metrics_->live->add(1);
    }
    spdlog::info("backend {}: {} ready{}", name, run->link->describe(), owner_ ? " for one user" : "");
    co_return;
  }
  if (auto notes = run->link->notes(); !notes.empty()) problem += "; " + notes;
  run->link->close("it did not initialize");
  fail(backend_error(name, why, "could not start: " + problem));
}

void BackendConnection::on_closed(const std::shared_ptr<Run>& run, const McpError& error) {
  bool was_current;
  {
    std::lock_guard lock(mutex_);
    was_current = run_ == run;
  }
  forget(run);
  if (was_current) spdlog::warn("{}", error.what());
}

// ------------------------------------------------------------- exchange

asio::awaitable<json::value> BackendConnection::exchange(std::shared_ptr<Run> run, std::string method,
                                                         json::object params, std::shared_ptr<Route> route,
                                                         std::chrono::seconds timeout, bool tasks_extension) {
  auto pending = std::make_shared<Pending>();
  pending->route = route;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(run->mutex);
    if (run->closed) throw *run->close_error;
    // The client's own io.modelcontextprotocol/* _meta (its version,
    // capabilities, log level) describe its exchange with Gatehouse, not
    // Gatehouse's with the backend: they are not passed on.
    if (auto* meta = params.if_contains("_meta"); meta && meta->is_object()) {
      auto& m = meta->as_object();
      for (auto it = m.begin(); it != m.end();)
        it = it->key().starts_with("io.modelcontextprotocol/") ? m.erase(it) : std::next(it);
      if (m.empty()) params.erase("_meta");
    }
    if (run->stateless) {
      // MCP 2026-07-28: what initialize used to say, in every request.
      auto& meta = params["_meta"];
      if (!meta.is_object()) meta = json::object{};
      meta.as_object()[mcp::meta_key::protocol_version] = mcp::kStatelessVersion;
      meta.as_object()[mcp::meta_key::client_capabilities] =
          tasks_extension ? client_capabilities_with_tasks() : client_capabilities();
      meta.as_object()[mcp::meta_key::client_info] = client_info();
    }
    id = run->next_id++;
    run->pending.emplace(id, pending);
    if (route) {
      route->order = run->next_order++;
      // Progress: the backend sees a token of ours, the client gets its own back.
      if (auto* token = progress_token(params)) {
        route->client_token = *token;
        std::string ours = "p" + std::to_string(id);
        run->tokens.emplace(ours, route);
        params["_meta"].as_object()["progressToken"] = ours;
      }
    }
  }
  std::optional<McpError> unsent;
  try {
    run->link->send(jsonrpc::make_request(json::value(id), method, std::move(params)), route);
  } catch (const McpError& e) {
    unsent = e;
  }
  if (unsent) {
    std::lock_guard lock(run->mutex);
    run->pending.erase(id);
    std::erase_if(run->tokens, [&](const auto& entry) { return entry.second == route; });
    throw *unsent;
  }
  co_return co_await await_answer(run, id, pending, route, method, clock_.monotonic() + timeout);
}

asio::awaitable<json::value> BackendConnection::await_answer(std::shared_ptr<Run> run, std::uint64_t id,
                                                             std::shared_ptr<Pending> pending,
                                                             std::shared_ptr<Route> route, std::string method,
                                                             std::chrono::steady_clock::time_point deadline) {
  std::exception_ptr failure;
  json::value result;
  bool parked = false;
  std::optional<json::value> asked;  // the backend's question put to the client
  try {
    for (;;) {
      std::optional<Question> question;
      {
        std::lock_guard lock(pending->mutex);
        if (pending->done) break;
        if (pending->question) {
          question = std::move(pending->question);
          pending->question.reset();
        }
      }
      if (question) {
        // A client without the capability is not asked: the backend hears
        // so and its tool decides (it may go on, or fail with its own
        // error). Over stdio the question may not even be this call's.
        auto capability = mcp::required_client_capability(question->method);
        if (!capability.empty() && !route->channel->client_capabilities().contains(capability)) {
          respond(run, jsonrpc::make_error(question->id, error_code::method_not_found,
                                           "the client did not declare the " + std::string(capability) +
                                               " capability, so it cannot be asked " + question->method));
          continue;
        }
        // MCP 2026-07-28 (SEP-2322): the client is asked by an
        // input-required result, under a key naming this call; the backend's
        // request waits, parked, for the round that answers it.
        std::string key = "gw-" + crypto::random_token(16);
        bool full = false;
        {
          std::lock_guard lock(run->mutex);
          // Bounded: a client that never comes back must not pile up calls.
          full = run->parked.size() >= settings_->max_waiting_calls;
          if (!full) run->parked.emplace(key, Run::Parked{id, pending, *question, method, deadline, route->session_id});
        }
        if (full) {
          respond(run, jsonrpc::make_error(question->id, error_code::internal_error,
                                           "too many calls are waiting for their clients' answers"));
          run->link->send(jsonrpc::make_notification("notifications/cancelled",
                                                     {{"requestId", id}, {"reason", "too many calls waiting"}}),
                          nullptr);
          throw backend_error(settings_->name, reason::waiting_cap,
                              std::to_string(settings_->max_waiting_calls) +
                                  " calls (max_waiting_calls) are waiting for their clients' answers; try again later");
        }
        parked = true;
        asked = question->id;
        co_await route->channel->ask(question->method, std::move(question->params), key);
        // The key is new: the client cannot have answered it yet, so ask()
        // ended the request with InputRequired and this line is not reached.
        throw McpError(error_code::internal_error, "the client answered a question it was not asked");
      }
      if (route && route->channel->cancelled()) {
        // MCP basic/utilities/cancellation: tell the backend too.
        run->link->send(jsonrpc::make_notification("notifications/cancelled",
                                                   {{"requestId", id}, {"reason", "cancelled by the client"}}),
                        nullptr);
        throw McpError(error_code::internal_error, "request cancelled");
      }
      auto now = clock_.monotonic();
      if (now >= deadline) {
        run->link->send(jsonrpc::make_notification("notifications/cancelled",
                                                   {{"requestId", id}, {"reason", "timed out in Gatehouse"}}),
                        nullptr);
        auto notes = run->link->notes();
        throw backend_error(settings_->name, reason::timeout,
                            "no answer to " + method + " within " + seconds(settings_->call_timeout) +
                                (notes.empty() ? "" : "; " + notes));
      }
      co_await pending->signal.wait(std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(250)));
    }
    std::lock_guard lock(pending->mutex);
    if (pending->failure) throw *pending->failure;
    if (!pending->error.is_null()) {
      // The backend's own error answer, passed on as it is.
      int code = error_code::internal_error;
      std::string message = "error";
      json::value data;
      if (auto* e = pending->error.if_object()) {
        if (auto* c = e->if_contains("code"); c && c->is_int64()) code = static_cast<int>(c->get_int64());
        if (auto* m = e->if_contains("message"); m && m->is_string()) message = m->get_string();
        if (auto* d = e->if_contains("data")) data = *d;
      }
      throw McpError(code, message, std::move(data));
    }
    result = std::move(pending->result);
  } catch (const mcp::InputRequired&) {
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
    parked = false;
  }
  if (asked && !parked) {
    // The client could not be asked (it lacks the capability, say): the
    // backend hears so, and its request ends.
    std::string why = "the client could not be asked";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
    }
    respond(run, jsonrpc::make_error(*asked, error_code::internal_error, why));
    run->link->send(jsonrpc::make_notification("notifications/cancelled", {{"requestId", id}, {"reason", why}}), nullptr);
  }
  if (!parked) {
    std::lock_guard lock(run->mutex);
    run->pending.erase(id);
    if (route) std::erase_if(run->tokens, [&](const auto& entry) { return entry.second == route; });
    std::erase_if(run->parked, [&](const auto& entry) { return entry.second.id == id; });
  }
  if (route) {
    // The client's channel lives as long as this request: questions still
    // being asked through it finish first.
    std::size_t dropped = 0;
    {
      std::lock_guard lock(route->mutex);
      route->live = false;
      dropped = route->dropped;
    }
    for (;;) {
      {
        std::lock_guard lock(route->mutex);
        if (route->asks == 0) break;
      }
      co_await route->asks_done.wait(std::chrono::milliseconds(100));
    }
    if (dropped)
      spdlog::warn("backend {}: {} notifications for one {} request dropped (over {} a second)", settings_->name,
                   dropped, method, kNotificationsPerSecond);
  }
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

asio::awaitable<std::optional<json::value>> BackendConnection::resume(const json::object& params,
                                                                      mcp::RequestChannel& channel,
                                                                      const std::string& session_id) {
  auto* responses = params.if_contains("inputResponses");
  if (!responses || !responses->is_object()) co_return std::nullopt;
  std::string key;
  for (const auto& [k, v] : responses->as_object())
    if (k.starts_with("gw-")) key = std::string(k);
  if (key.empty()) co_return std::nullopt;

  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = run_;
  }
  std::optional<Run::Parked> parked;
  if (run) {
    std::lock_guard lock(run->mutex);
    if (auto it = run->parked.find(key); it != run->parked.end()) {
      parked = std::move(it->second);
      run->parked.erase(it);
    }
  }
  // The call is gone: it ended, timed out, or lives in another process
  // (another instance behind a load balancer, or before a restart).
  if (!parked)
    throw backend_error(settings_->name, reason::round_lost,
                        "the call this answer belongs to is no longer waiting here (it timed out, the backend "
                        "restarted, or the round reached another Gatehouse instance); call the tool again");
  ++in_flight_;
  struct Done {
    BackendConnection& self;
    ~Done() {
      self.last_used_ = self.clock_.monotonic().time_since_epoch().count();
      --self.in_flight_;
    }
  } done{*this};

  // The stateless transport checked the round (requestState bound to the
  // user, method and arguments); ask() now finds the answer.
  auto answer = co_await channel.ask(parked->question.method, parked->question.params, key);
  auto route = std::make_shared<Route>();
  route->channel = &channel;
  route->session_id = session_id;
  {
    std::lock_guard lock(run->mutex);
    route->order = run->next_order++;
    parked->pending->route = route;
    // Progress of the call now goes to this request's client.
    for (auto& [token, r] : run->tokens)
      if (token == "p" + std::to_string(parked->id)) {
        route->client_token = r->client_token;
        if (auto* t = progress_token(params)) route->client_token = *t;
        r = route;
      }
  }
  respond(run, jsonrpc::make_result(parked->question.id, std::move(answer)));
  co_return co_await await_answer(run, parked->id, parked->pending, route, parked->method, parked->deadline);
}

// ------------------------------------------------------------- incoming

void BackendConnection::on_message(const std::shared_ptr<Run>& run, json::value value,
                                   const std::shared_ptr<Route>& route) {
  auto classified = jsonrpc::classify(std::move(value));
  auto* message = std::get_if<jsonrpc::Message>(&classified);
  if (!message) {
    spdlog::warn("backend {}: an invalid JSON-RPC message: {}", settings_->name,
                 std::get<jsonrpc::Invalid>(classified).message);
    return;
  }
  switch (message->kind) {
    case jsonrpc::Kind::response: {
      std::shared_ptr<Pending> pending;
      if (message->id.is_int64() || message->id.is_uint64()) {
        auto id = message->id.is_int64() ? static_cast<std::uint64_t>(message->id.get_int64()) : message->id.get_uint64();
        std::lock_guard lock(run->mutex);
        if (auto it = run->pending.find(id); it != run->pending.end()) pending = it->second;
      }
      if (pending) pending->finish(std::move(message->result), std::move(message->error), std::nullopt);
      else spdlog::debug("backend {}: an answer to no request in flight (id {})", settings_->name, json::serialize(message->id));
      return;
    }
    case jsonrpc::Kind::notification:
      on_notification(run, message->method, std::move(message->params), route);
      return;
    case jsonrpc::Kind::request:
      on_request(run, std::move(message->id), std::move(message->method), std::move(message->params), route);
      return;
  }
}

std::shared_ptr<Route> BackendConnection::attribute(const std::shared_ptr<Run>& run) const {
  std::lock_guard lock(run->mutex);
  std::shared_ptr<Route> newest;
  bool one_session = true;
  for (const auto& [id, pending] : run->pending) {
    const auto& route = pending->route;
    if (!route) continue;
    {
      // A call parked for a 2026-07-28 round has no client listening now.
      std::lock_guard route_lock(route->mutex);
      if (!route->live) continue;
    }
    if (!newest) {
      newest = route;
      continue;
    }
    if (route->session_id.empty() || route->session_id != newest->session_id) one_session = false;
    if (route->order > newest->order) newest = route;
  }
  // Several requests in flight: only when they all come from one session is
  // the newest a safe guess; otherwise nobody is told rather than the wrong
  // client.
  return one_session ? newest : nullptr;
}

std::shared_ptr<Route> BackendConnection::waiting_on(const std::shared_ptr<Run>& run, std::string_view task_id) const {
  std::lock_guard lock(run->mutex);
  for (const auto& [id, pending] : run->pending)
    if (pending->route && pending->route->related_task == task_id) return pending->route;
  return nullptr;
}

void BackendConnection::on_notification(const std::shared_ptr<Run>& run, std::string_view method, json::object params,
                                        const std::shared_ptr<Route>& carried_by) {
  if (method == "notifications/progress") {
    std::shared_ptr<Route> route;
    if (auto* token = params.if_contains("progressToken"); token && token->is_string()) {
      std::lock_guard lock(run->mutex);
      if (auto it = run->tokens.find(std::string(token->get_string())); it != run->tokens.end()) route = it->second;
    }
    if (!route) return;
    params["progressToken"] = route->client_token;
    route->notify(method, std::move(params), kNotificationsPerSecond, clock_.monotonic());
    return;
  }
  if (method == "notifications/message") {
    auto route = carried_by || run->link->routes_exactly() ? carried_by : attribute(run);
    if (!route) return;
    auto* level = params.if_contains("level");
    auto parsed = level && level->is_string() ? parse_log_level(level->get_string()) : std::nullopt;
    {
      std::lock_guard lock(route->mutex);
      if (!route->live) return;
      auto wanted = route->channel->log_level();
      if (!wanted || !parsed || *parsed < *wanted) return;
    }
    route->notify(method, std::move(params), kNotificationsPerSecond, clock_.monotonic());
    return;
  }
  if (method == "notifications/resources/updated") {
    if (auto* uri = params.if_contains("uri"); uri && uri->is_string() && events_.resource_updated)
      events_.resource_updated(std::string(uri->get_string()), owner_);
    return;
  }
  constexpr std::string_view kLists[] = {"tools", "resources", "prompts"};
  for (auto list : kLists)
    if (method == "notifications/" + std::string(list) + "/list_changed") {
      {
        std::lock_guard lock(mutex_);
        if (run_ != run) return;
        std::erase_if(lists_, [&](const auto& entry) { return entry.first.starts_with(list); });
      }
      if (events_.list_changed) events_.list_changed(list, owner_);
      return;
    }
  // notifications/cancelled of its own questions, and anything else: nothing to do.
}

void BackendConnection::on_request(const std::shared_ptr<Run>& run, json::value id, std::string method,
                                   json::object params, const std::shared_ptr<Route>& carried_by) {
  if (method == "ping") {
    respond(run, jsonrpc::make_result(id, json::object{}));
    return;
  }
  if (method != "sampling/createMessage" && method != "elicitation/create" && method != "roots/list") {
    respond(run, jsonrpc::make_error(id, error_code::method_not_found, "Method not found: " + method));
    return;
  }
  // A question tied to a task of the backend's goes to the request waiting
  // on that task (tasks/result), whichever stream carried it.
  std::shared_ptr<Route> route;
  if (auto task = take_related_task(params); !task.empty()) route = waiting_on(run, task);
  if (!route) route = carried_by || run->link->routes_exactly() ? carried_by : attribute(run);
  if (!route) {
    std::size_t waiting;
    {
      std::lock_guard lock(run->mutex);
      waiting = run->pending.size();
    }
    respond(run, jsonrpc::make_error(
                     id, error_code::internal_error,
                     waiting == 0 ? method + " outside a request: Gatehouse forwards questions to the client whose "
                                             "request is being served, and none is"
                                  : method + ": requests of several clients are in flight through this backend, so "
                                             "Gatehouse cannot tell which client to ask (isolation = \"session\" "
                                             "gives each client its own)"));
    return;
  }
  bool stateless = false;
  {
    std::lock_guard lock(route->mutex);
    if (!route->live) {
      respond(run, jsonrpc::make_error(id, error_code::internal_error, "the request this belongs to has ended"));
      return;
    }
    // A Gatehouse task asks its client itself, in either revision (the
    // question waits in the task).
    stateless = route->channel->protocol_version() == mcp::kStatelessVersion && !route->channel->in_task();
    if (!stateless) ++route->asks;
  }
  if (stateless) {
    // 2026-07-28: the request's own coroutine turns the question into an
    // input-required round (await_answer).
    std::shared_ptr<Pending> pending;
    {
      std::lock_guard lock(run->mutex);
      for (const auto& [pid, p] : run->pending)
        if (p->route == route) pending = p;
    }
    if (pending) pending->ask({std::move(id), std::move(method), std::move(params)});
    else respond(run, jsonrpc::make_error(id, error_code::internal_error, "the request this belongs to has ended"));
    return;
  }
  asio::co_spawn(strand_, ask_client(run, route, std::move(id), std::move(method), std::move(params)), asio::detached);
}

asio::awaitable<void> BackendConnection::ask_client(std::shared_ptr<Run> run, std::shared_ptr<Route> route,
                                                    json::value id, std::string method, json::object params) {
  json::object answer;
  try {
    auto result = co_await route->channel->ask(method, std::move(params), {});
    answer = jsonrpc::make_result(id, std::move(result));
  } catch (const McpError& e) {
    answer = jsonrpc::make_error(id, e.code(), e.what(), e.data());
  } catch (const mcp::InputRequired&) {
    // Not reached: 2026-07-28 questions go through await_answer.
    answer = jsonrpc::make_error(id, error_code::internal_error, method + ": the client cannot be asked here");
  } catch (const std::exception& e) {
    answer = jsonrpc::make_error(id, error_code::internal_error, e.what());
  } catch (...) {
    answer = jsonrpc::make_error(id, error_code::internal_error, method + " failed");
  }
  respond(run, std::move(answer));
  {
    std::lock_guard lock(route->mutex);
    --route->asks;
  }
  route->asks_done.notify();
}

void BackendConnection::respond(const std::shared_ptr<Run>& run, json::object message) {
  try {
    run->link->send(std::move(message), nullptr);
  } catch (const McpError& e) {
    spdlog::warn("{}", e.what());
  }
}

}  // namespace gatehouse::gateway
