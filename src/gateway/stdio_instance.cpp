#include "gateway/stdio_instance.hpp"

#include "gateway/backend_error.hpp"
#include "mcp/input_rounds.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/protocol_version.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>

namespace gatehouse::gateway {

namespace asio = boost::asio;
namespace jsonrpc = mcp::jsonrpc;
using Clock = std::chrono::steady_clock;

namespace {

// Notifications forwarded to one client request per second at most; the
// rest are dropped (a child printing a log line per loop iteration must not
// fill every stream and buffer on the way to the client).
constexpr std::size_t kNotificationsPerSecond = 200;
// Pages of a list fetched at most, and items kept at most.
constexpr std::size_t kMaxListPages = 100;
constexpr std::size_t kMaxListItems = 10'000;
// Lines of the child's stderr kept to explain a failed start in the log.
constexpr std::size_t kStderrTail = 8;
constexpr std::size_t kLoggedChars = 300;

std::string shorten(std::string_view text) {
  std::string out(text.substr(0, kLoggedChars));
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (text.size() > kLoggedChars) out += "…";
  return out;
}

std::string seconds(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

const json::value* progress_token(const json::object& params) {
  if (auto* meta = params.if_contains("_meta"); meta && meta->is_object())
    if (auto* token = meta->get_object().if_contains("progressToken"); token && !token->is_null()) return token;
  return nullptr;
}

}  // namespace

// A client request being served by the process: where its progress,
// log messages and questions go.
struct StdioInstance::Route {
  std::mutex mutex;
  bool live = true;
  RequestChannel* channel = nullptr;
  std::string session_id;
  json::value client_token;  // the client's progressToken
  std::uint64_t order = 0;
  int asks = 0;  // questions to the client still open
  net::AsyncSignal asks_done;
  Clock::time_point window{};
  std::size_t in_window = 0;
  std::size_t dropped = 0;

  // Sends a notification to the client unless the request ended or the rate
  // is exceeded. Returns false when dropped.
  bool notify(std::string_view method, json::object params) {
    std::lock_guard lock(mutex);
    if (!live) return false;
    auto now = Clock::now();
    if (now - window > std::chrono::seconds(1)) {
      window = now;
      in_window = 0;
    }
    if (++in_window > kNotificationsPerSecond) {
      ++dropped;
      return false;
    }
    channel->notify(method, std::move(params));
    return true;
  }
};

struct StdioInstance::Pending {
  net::AsyncSignal signal;
  std::mutex mutex;
  bool done = false;
  json::value result;
  json::value error;
  std::optional<McpError> failure;
  std::shared_ptr<Route> route;

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

// One started process and everything that lives as long as it does.
struct StdioInstance::Run {
  explicit Run(std::size_t max_line) : splitter(max_line) {}
  std::unique_ptr<ChildProcess> child;
  Clock::time_point started = Clock::now();
  pid_t pid = 0;

  std::mutex mutex;  // everything below
  std::unordered_map<std::uint64_t, std::shared_ptr<Pending>> pending;
  std::unordered_map<std::string, std::shared_ptr<Route>> tokens;  // our progress token -> route
  std::uint64_t next_id = 1;
  std::uint64_t next_order = 1;
  std::deque<std::string> input;  // lines waiting for stdin
  std::size_t input_bytes = 0;
  bool writing = false;
  bool dead = false;
  std::string exit_status;
  json::object capabilities;
  std::deque<std::string> stderr_tail;
  std::size_t not_json = 0;  // stdout lines that were not JSON-RPC
  LineSplitter splitter;     // read loop only
};

StdioInstance::StdioInstance(asio::any_io_executor executor, std::shared_ptr<const BackendSettings> settings,
                             std::optional<std::string> owner,
                             std::function<std::string(const TemplateVariable&)> variables, InstanceEvents events)
    : strand_(asio::make_strand(executor)),
      settings_(std::move(settings)),
      owner_(std::move(owner)),
      variables_(std::move(variables)),
      events_(std::move(events)),
      last_used_(Clock::now().time_since_epoch().count()) {}

StdioInstance::~StdioInstance() {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = std::move(run_);
  }
  if (run && run->child) run->child->kill();
}

json::object StdioInstance::server_capabilities() const {
  std::lock_guard lock(mutex_);
  if (!run_) return {};
  std::lock_guard run_lock(run_->mutex);
  return run_->capabilities;
}

bool StdioInstance::busy() const { return in_flight_.load() > 0; }

Clock::time_point StdioInstance::last_used() const { return Clock::time_point(Clock::duration(last_used_.load())); }

std::optional<pid_t> StdioInstance::pid() const {
  std::lock_guard lock(mutex_);
  if (!run_) return std::nullopt;
  return run_->pid;
}

std::vector<std::string> StdioInstance::environment() const {
  std::vector<std::string> env;
  // The child inherits nothing else of Gatehouse's environment: its keys
  // and settings are not the backend's business (docs/gateway.md).
  for (const char* name : {"PATH", "HOME", "LANG", "TZ"})
    if (!settings_->env.contains(name))
      if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  for (const auto& [name, value] : settings_->env) env.push_back(name + "=" + value.expand(variables_));
  return env;
}

void StdioInstance::stop(std::string_view why) {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = std::move(run_);
    lists_.clear();
    subscriptions_.clear();
  }
  if (!run) return;
  spdlog::info("backend {}: stopping process {} ({})", settings_->name, run->pid, why);
  run->child->terminate();
  // SIGKILL when SIGTERM is not enough.
  auto timer = std::make_shared<asio::steady_timer>(strand_, std::chrono::seconds(3));
  timer->async_wait([timer, run](const boost::system::error_code&) {
    std::lock_guard lock(run->mutex);
    if (!run->dead) run->child->kill();
  });
}

// ------------------------------------------------------------- requests

asio::awaitable<json::value> StdioInstance::request(std::string method, json::object params, RequestChannel& channel,
                                                    std::string session_id) {
  ++in_flight_;
  struct Done {
    StdioInstance& self;
    ~Done() {
      self.last_used_ = Clock::now().time_since_epoch().count();
      --self.in_flight_;
    }
  } done{*this};
  last_used_ = Clock::now().time_since_epoch().count();
  auto run = co_await ready();
  auto route = std::make_shared<Route>();
  route->channel = &channel;
  route->session_id = std::move(session_id);
  co_return co_await exchange(run, std::move(method), std::move(params), route, settings_->call_timeout);
}

asio::awaitable<json::array> StdioInstance::list(std::string method, std::string key, RequestChannel& channel) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = lists_.find(method); it != lists_.end()) co_return it->second;
  }
  ++in_flight_;
  struct Done {
    StdioInstance& self;
    ~Done() { --self.in_flight_; }
  } done{*this};
  auto run = co_await ready();
  json::array items;
  json::value cursor;
  for (std::size_t page = 0; page < kMaxListPages; ++page) {
    json::object params;
    if (cursor.is_string()) params["cursor"] = cursor;
    auto route = std::make_shared<Route>();
    route->channel = &channel;
    auto result = co_await exchange(run, method, std::move(params), route, settings_->call_timeout);
    auto* object = result.if_object();
    auto* page_items = object ? object->if_contains(key) : nullptr;
    if (!page_items || !page_items->is_array())
      throw backend_error(settings_->name, reason::protocol, method + " answered without a " + key + " array");
    for (auto& item : page_items->as_array())
      if (items.size() < kMaxListItems) items.push_back(std::move(item));
    auto* next = object->if_contains("nextCursor");
    if (!next || !next->is_string() || next->get_string().empty()) break;
    cursor = *next;
  }
  {
    std::lock_guard lock(mutex_);
    if (run_ == run) lists_[method] = items;
  }
  co_return items;
}

asio::awaitable<void> StdioInstance::subscribe(std::string uri, bool subscribe, RequestChannel& channel) {
  bool tell = false;
  {
    std::lock_guard lock(mutex_);
    auto& count = subscriptions_[uri];
    if (subscribe) tell = count++ == 0;
    else if (count > 0) tell = --count == 0;
    if (count == 0) subscriptions_.erase(uri);
  }
  if (!tell) co_return;
  auto caps = server_capabilities();
  auto* resources = caps.if_contains("resources");
  bool supported = resources && resources->is_object() && resources->as_object().contains("subscribe") &&
                   resources->as_object().at("subscribe") == true;
  if (!supported) co_return;
  std::string method = subscribe ? "resources/subscribe" : "resources/unsubscribe";
  json::object params{{"uri", uri}};
  co_await request(std::move(method), std::move(params), channel, std::string{});
}

// ------------------------------------------------------------- lifecycle

asio::awaitable<std::shared_ptr<StdioInstance::Run>> StdioInstance::ready() {
  auto deadline = Clock::now() + settings_->start_timeout + std::chrono::seconds(5);
  asio::steady_timer wait(co_await asio::this_coro::executor);
  for (;;) {
    bool start_now = false;
    {
      std::lock_guard lock(mutex_);
      if (run_) co_return run_;
      if (start_failure_ && Clock::now() < retry_at_) {
        auto left = std::chrono::ceil<std::chrono::seconds>(retry_at_ - Clock::now());
        throw McpError(start_failure_->code(),
                       std::string(start_failure_->what()) + " (next attempt in " + seconds(left) + ")",
                       start_failure_->data());
      }
      if (!starting_) {
        starting_ = true;
        start_now = true;
      }
    }
    if (start_now) {
      co_await start();
      std::lock_guard lock(mutex_);
      starting_ = false;
      if (run_) co_return run_;
      throw *start_failure_;
    }
    if (Clock::now() > deadline)
      throw backend_error(settings_->name, reason::start_failed, "the process did not start within " +
                                                                     seconds(settings_->start_timeout));
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> StdioInstance::start() {
  const auto& name = settings_->name;
  ChildSpec spec;
  for (const auto& word : settings_->command) spec.argv.push_back(word.expand(variables_));
  spec.env = environment();
  spec.cwd = settings_->cwd;

  auto fail = [&](std::string message) {
    spdlog::error("backend {}: {}", name, message);
    std::lock_guard lock(mutex_);
    start_failure_ = backend_error(name, reason::start_failed, "could not start: " + message);
    backoff_ = std::min<std::chrono::seconds>(std::max<std::chrono::seconds>(backoff_ * 2, std::chrono::seconds(1)),
                                              std::chrono::seconds(30));
    retry_at_ = Clock::now() + backoff_;
  };

  auto run = std::make_shared<Run>(settings_->max_message_bytes);
  try {
    run->child = ChildProcess::spawn(strand_, spec);
  } catch (const SpawnError& e) {
    fail(e.what());
    co_return;
  }
  run->pid = run->child->pid();
  auto self = shared_from_this();
  asio::co_spawn(strand_, read_loop(run), asio::detached);
  asio::co_spawn(strand_, stderr_loop(run), asio::detached);
  asio::co_spawn(strand_, exit_watch(run), asio::detached);

  // MCP basic/lifecycle "Initialization": Gatehouse is the client. It
  // declares what its own clients may be asked; a question reaches the
  // client whose request caused it, or is refused (docs/gateway.md).
  json::object params{
      {"protocolVersion", mcp::kLatestSessionVersion},
      {"capabilities", json::object{{"roots", json::object{}}, {"sampling", json::object{}},
                                    {"elicitation", json::object{}}}},
      {"clientInfo", json::object{{"name", "gatehouse"}, {"version", "0.1.0"}}}};
  std::string problem;
  try {
    auto result = co_await exchange(run, "initialize", std::move(params), nullptr, settings_->start_timeout);
    auto* object = result.if_object();
    auto* version = object ? object->if_contains("protocolVersion") : nullptr;
    if (!version || !version->is_string() || !mcp::is_session_version(version->get_string()))
      problem = "its initialize result names protocol version " +
                (version ? json::serialize(*version) : std::string("none")) +
                ", not one Gatehouse speaks (2025-03-26, 2025-06-18, 2025-11-25)";
    else if (auto* caps = object->if_contains("capabilities"); caps && caps->is_object()) {
      std::lock_guard lock(run->mutex);
      run->capabilities = caps->get_object();
    }
  } catch (const McpError& e) {
    std::lock_guard lock(run->mutex);
    problem = run->dead ? "the process ended (" + run->exit_status + ") before answering initialize"
                        : std::string("initialize failed: ") + e.what();
  }
  if (problem.empty()) {
    send(run, json::serialize(jsonrpc::make_notification("notifications/initialized", {})));
    std::lock_guard lock(mutex_);
    run_ = run;
    start_failure_.reset();
    backoff_ = std::chrono::seconds(0);
    spdlog::info("backend {}: process {} started{}", name, run->pid, owner_ ? " for one user" : "");
    co_return;
  }
  {
    std::lock_guard lock(run->mutex);
    for (const auto& line : run->stderr_tail) problem += "\n  stderr: " + line;
  }
  run->child->kill();
  fail(problem);
}

asio::awaitable<void> StdioInstance::exit_watch(std::shared_ptr<Run> run) {
  auto status = co_await run->child->wait();
  {
    std::lock_guard lock(run->mutex);
    run->dead = true;
    run->exit_status = status;
  }
  bool was_current = false;
  {
    std::lock_guard lock(mutex_);
    if (run_ == run) {
      run_.reset();
      lists_.clear();
      subscriptions_.clear();
      was_current = true;
    }
  }
  if (was_current) spdlog::warn("backend {}: process {} ended ({})", settings_->name, run->pid, status);
  fail_all(run, backend_error(settings_->name, reason::exited,
                              "the process ended (" + status +
                                  ") before answering; it is started again on the next request"));
}

// ------------------------------------------------------------- exchange

asio::awaitable<json::value> StdioInstance::exchange(std::shared_ptr<Run> run, std::string method, json::object params,
                                                     std::shared_ptr<Route> route, std::chrono::seconds timeout) {
  auto pending = std::make_shared<Pending>();
  pending->route = route;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(run->mutex);
    if (run->dead)
      throw backend_error(settings_->name, reason::exited,
                          "the process ended (" + run->exit_status + "); it is started again on the next request");
    id = run->next_id++;
    run->pending.emplace(id, pending);
    if (route) {
      route->order = run->next_order++;
      // Progress: the process sees a token of ours, the client gets its own back.
      if (auto* token = progress_token(params)) {
        route->client_token = *token;
        std::string ours = "p" + std::to_string(id);
        run->tokens.emplace(ours, route);
        params["_meta"].as_object()["progressToken"] = ours;
      }
    }
  }
  const std::string what = method;
  std::exception_ptr failure;
  json::value result;
  try {
    send(run, json::serialize(jsonrpc::make_request(json::value(id), method, std::move(params))));
    auto deadline = Clock::now() + timeout;
    for (;;) {
      {
        std::lock_guard lock(pending->mutex);
        if (pending->done) break;
      }
      if (route && route->channel->cancelled()) {
        // MCP basic/utilities/cancellation: tell the process too.
        send(run, json::serialize(jsonrpc::make_notification(
                      "notifications/cancelled", {{"requestId", id}, {"reason", "cancelled by the client"}})));
        throw McpError(error_code::internal_error, "request cancelled");
      }
      auto now = Clock::now();
      if (now >= deadline) {
        send(run, json::serialize(jsonrpc::make_notification(
                      "notifications/cancelled", {{"requestId", id}, {"reason", "timed out in Gatehouse"}})));
        std::string note;
        {
          std::lock_guard lock(run->mutex);
          if (run->not_json)
            note = "; it wrote " + std::to_string(run->not_json) +
                   " line(s) on stdout that are not JSON-RPC messages (see Gatehouse's log)";
        }
        throw backend_error(settings_->name, reason::timeout,
                            "no answer to " + what + " within " + seconds(timeout) + note);
      }
      co_await pending->signal.wait(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(250)));
    }
    std::lock_guard lock(pending->mutex);
    if (pending->failure) throw *pending->failure;
    if (!pending->error.is_null()) {
      // The process's own error answer, passed on as it is.
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
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(run->mutex);
    run->pending.erase(id);
    std::erase_if(run->tokens, [&](const auto& entry) { return entry.second == route; });
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
                   dropped, what, kNotificationsPerSecond);
  }
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

void StdioInstance::send(const std::shared_ptr<Run>& run, std::string line) {
  line.push_back('\n');
  bool start_writer = false;
  {
    std::lock_guard lock(run->mutex);
    if (run->dead) return;
    if (run->input_bytes + line.size() > settings_->max_pending_input)
      throw backend_error(settings_->name, reason::protocol,
                          "the process is not reading its input (" + std::to_string(run->input_bytes) +
                              " bytes waiting)");
    run->input_bytes += line.size();
    run->input.push_back(std::move(line));
    if (!run->writing) start_writer = run->writing = true;
  }
  if (start_writer) asio::co_spawn(strand_, write_loop(run), asio::detached);
}

asio::awaitable<void> StdioInstance::write_loop(std::shared_ptr<Run> run) {
  for (;;) {
    std::string line;
    {
      std::lock_guard lock(run->mutex);
      if (run->input.empty() || run->dead) {
        run->writing = false;
        co_return;
      }
      line = std::move(run->input.front());
      run->input.pop_front();
      run->input_bytes -= line.size();
    }
    auto [ec, n] = co_await asio::async_write(run->child->stdin_pipe(), asio::buffer(line),
                                              asio::as_tuple(asio::use_awaitable));
    if (ec) {
      // The process closed its input or died: the exit watcher reports it.
      std::lock_guard lock(run->mutex);
      run->writing = false;
      run->input.clear();
      run->input_bytes = 0;
      co_return;
    }
  }
}

// ------------------------------------------------------------- reading

asio::awaitable<void> StdioInstance::read_loop(std::shared_ptr<Run> run) {
  std::array<char, 64 * 1024> buffer;
  bool oversize = false;
  for (;;) {
    auto [ec, n] = co_await run->child->stdout_pipe().async_read_some(asio::buffer(buffer),
                                                                      asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    run->splitter.feed(
        std::string_view(buffer.data(), n), [&](std::string_view line) { on_line(run, line); },
        [&](std::size_t size) {
          oversize = true;
          spdlog::error("backend {}: process {} wrote a message of {} bytes, over the limit of {}; stopping it",
                        settings_->name, run->pid, size, settings_->max_message_bytes);
        });
    if (oversize) break;
    // A line that is still arriving and already too long ends it too, without
    // waiting for its end (which may never come).
    if (run->splitter.pending() >= settings_->max_message_bytes) {
      oversize = true;
      spdlog::error("backend {}: process {} is writing a message over the limit of {} bytes; stopping it",
                    settings_->name, run->pid, settings_->max_message_bytes);
      break;
    }
  }
  if (oversize) {
    fail_all(run, backend_error(settings_->name, reason::protocol,
                                "the process wrote a message over the limit of " +
                                    std::to_string(settings_->max_message_bytes) +
                                    " bytes; it was stopped and is started again on the next request"));
    {
      std::lock_guard lock(mutex_);
      if (run_ == run) {
        run_.reset();
        lists_.clear();
        subscriptions_.clear();
      }
    }
  }
  // No more messages can come: a process without stdout is of no use.
  run->child->kill();
}

asio::awaitable<void> StdioInstance::stderr_loop(std::shared_ptr<Run> run) {
  std::array<char, 16 * 1024> buffer;
  LineSplitter splitter(4096);
  for (;;) {
    auto [ec, n] = co_await run->child->stderr_pipe().async_read_some(asio::buffer(buffer),
                                                                      asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    splitter.feed(
        std::string_view(buffer.data(), n),
        [&](std::string_view line) {
          {
            std::lock_guard lock(run->mutex);
            run->stderr_tail.push_back(shorten(line));
            if (run->stderr_tail.size() > kStderrTail) run->stderr_tail.pop_front();
          }
          // The backend's own log, in Gatehouse's, at a bounded rate.
          if (auto count = stderr_throttle_.occurred())
            spdlog::info("backend {} [{}]: {}{}", settings_->name, run->pid, shorten(line),
                         *count > 1 ? " (" + std::to_string(*count - 1) + " earlier lines not shown)" : "");
        },
        [](std::size_t) {});
  }
}

void StdioInstance::on_line(const std::shared_ptr<Run>& run, std::string_view line) {
  boost::system::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec || !value.is_object()) {
    // Often a print() meant for a log: stdout is for MCP messages only.
    {
      std::lock_guard lock(run->mutex);
      ++run->not_json;
    }
    if (auto count = noise_throttle_.occurred())
      spdlog::warn("backend {}: process {} wrote {} line(s) on stdout that are not JSON-RPC messages (stdout carries "
                   "MCP messages only; write logs to stderr), e.g.: {}",
                   settings_->name, run->pid, *count, shorten(line));
    return;
  }
  auto classified = jsonrpc::classify(std::move(value));
  auto* message = std::get_if<jsonrpc::Message>(&classified);
  if (!message) {
    if (auto count = noise_throttle_.occurred())
      spdlog::warn("backend {}: process {} wrote an invalid JSON-RPC message: {}", settings_->name, run->pid,
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
      on_notification(run, message->method, std::move(message->params));
      return;
    case jsonrpc::Kind::request:
      on_request(run, std::move(message->id), std::move(message->method), std::move(message->params));
      return;
  }
}

std::shared_ptr<StdioInstance::Route> StdioInstance::attribute(const std::shared_ptr<Run>& run) const {
  std::lock_guard lock(run->mutex);
  std::shared_ptr<Route> newest;
  bool one_session = true;
  for (const auto& [id, pending] : run->pending) {
    const auto& route = pending->route;
    if (!route) continue;
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

void StdioInstance::on_notification(const std::shared_ptr<Run>& run, std::string_view method, json::object params) {
  if (method == "notifications/progress") {
    std::shared_ptr<Route> route;
    if (auto* token = params.if_contains("progressToken"); token && token->is_string()) {
      std::lock_guard lock(run->mutex);
      if (auto it = run->tokens.find(std::string(token->get_string())); it != run->tokens.end()) route = it->second;
    }
    if (!route) return;
    params["progressToken"] = route->client_token;
    route->notify(method, std::move(params));
    return;
  }
  if (method == "notifications/message") {
    auto route = attribute(run);
    if (!route) return;
    auto* level = params.if_contains("level");
    auto parsed = level && level->is_string() ? parse_log_level(level->get_string()) : std::nullopt;
    {
      std::lock_guard lock(route->mutex);
      if (!route->live) return;
      auto wanted = route->channel->log_level();
      if (!wanted || !parsed || *parsed < *wanted) return;
    }
    route->notify(method, std::move(params));
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

void StdioInstance::on_request(const std::shared_ptr<Run>& run, json::value id, std::string method,
                               json::object params) {
  if (method == "ping") {
    respond(run, id, jsonrpc::make_result(id, json::object{}));
    return;
  }
  if (method != "sampling/createMessage" && method != "elicitation/create" && method != "roots/list") {
    respond(run, id, jsonrpc::make_error(id, error_code::method_not_found, "Method not found: " + method));
    return;
  }
  auto route = attribute(run);
  if (!route) {
    std::size_t waiting;
    {
      std::lock_guard lock(run->mutex);
      waiting = run->pending.size();
    }
    respond(run, id,
            jsonrpc::make_error(id, error_code::internal_error,
                                waiting == 0 ? method + " outside a request: Gatehouse forwards questions to the client "
                                                        "whose request is being served, and none is"
                                             : method + ": requests of several clients are in flight through this "
                                                        "process, so Gatehouse cannot tell which client to ask "
                                                        "(isolation = \"session\" gives each client its own process)"));
    return;
  }
  {
    std::lock_guard lock(route->mutex);
    if (!route->live) {
      respond(run, id, jsonrpc::make_error(id, error_code::internal_error, "the request this belongs to has ended"));
      return;
    }
    ++route->asks;
  }
  asio::co_spawn(strand_, ask_client(run, route, std::move(id), std::move(method), std::move(params)), asio::detached);
}

asio::awaitable<void> StdioInstance::ask_client(std::shared_ptr<Run> run, std::shared_ptr<Route> route, json::value id,
                                                std::string method, json::object params) {
  json::object answer;
  try {
    auto result = co_await route->channel->ask(method, std::move(params), {});
    answer = jsonrpc::make_result(id, std::move(result));
  } catch (const McpError& e) {
    answer = jsonrpc::make_error(id, e.code(), e.what(), e.data());
  } catch (const mcp::InputRequired&) {
    answer = jsonrpc::make_error(id, error_code::internal_error,
                                 method + ": the client speaks protocol version 2026-07-28, whose questions are asked "
                                          "by input-required results; Gatehouse does not bridge them to this backend yet");
  } catch (const std::exception& e) {
    answer = jsonrpc::make_error(id, error_code::internal_error, e.what());
  } catch (...) {
    answer = jsonrpc::make_error(id, error_code::internal_error, method + " failed");
  }
  respond(run, id, std::move(answer));
  {
    std::lock_guard lock(route->mutex);
    --route->asks;
  }
  route->asks_done.notify();
}

void StdioInstance::respond(const std::shared_ptr<Run>& run, const json::value&, json::object message) {
  try {
    send(run, json::serialize(message));
  } catch (const McpError& e) {
    spdlog::warn("backend {}: {}", settings_->name, e.what());
  }
}

void StdioInstance::fail_all(const std::shared_ptr<Run>& run, const McpError& error) {
  std::vector<std::shared_ptr<Pending>> pending;
  {
    std::lock_guard lock(run->mutex);
    run->dead = run->dead || !run->exit_status.empty();
    for (auto& [id, p] : run->pending) pending.push_back(p);
  }
  for (auto& p : pending) p->finish(nullptr, nullptr, error);
}

}  // namespace gatehouse::gateway
