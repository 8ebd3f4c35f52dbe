#pragma once
// Gatehouse's MCP client session with one backend (a process, or a session
// on an HTTP server) over a Link, shared by many client requests (MCP
// basic/lifecycle; docs/gateway.md "Multiplexing"). Each request is sent
// under an id of Gatehouse's own, progress tokens are replaced the same way,
// and what the backend sends back is routed to the client whose request it
// belongs to.
//
// Lifecycle: opened on first use (initialize, then notifications/initialized),
// opened again on the next request after the link closes, with a growing
// pause while opening keeps failing; closed when idle, on shutdown, or when
// its user's session ends (isolation "session").
#include "gateway/backend_settings.hpp"
#include "gateway/link.hpp"
#include "net/async_signal.hpp"
#include "net/metrics.hpp"
#include "mcp/request_channel.hpp"
#include "time/clock.hpp"

#include <gatehouse/context.hpp>
#include <gatehouse/error.hpp>
#include <gatehouse/server.hpp>

#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gatehouse::gateway {

// A client request being served through a connection: where its progress,
// log messages and questions go. Notifications to it are rate-limited.
struct Route {
  std::mutex mutex;
  bool live = true;
  mcp::RequestChannel* channel = nullptr;
  std::string session_id;
  json::value client_token;  // the client's progressToken
  std::uint64_t order = 0;
  int asks = 0;  // questions to the client still open
  net::AsyncSignal asks_done;
  // The backend's task this request waits on (tasks/result): the
  // backend's questions tied to that task go to this request's client.
  std::string related_task;
  std::chrono::steady_clock::time_point window{};
  std::size_t in_window = 0;
  std::size_t dropped = 0;

  // Sends a notification to the client unless the request ended or more
  // than `per_second` were sent in the second before `now` (the
  // connection's monotonic clock); false when dropped.
  bool notify(std::string_view method, json::object params, std::size_t per_second,
              std::chrono::steady_clock::time_point now);
};

// What a backend tells Gatehouse that is not an answer to a request.
struct ConnectionEvents {
  // notifications/resources/updated and notifications/*/list_changed, with
  // the only user allowed to hear of them (nullopt: every user).
  std::function<void(const std::string& uri, std::optional<std::string> owner)> resource_updated;
  std::function<void(std::string_view list, std::optional<std::string> owner)> list_changed;
};

// The /metrics series of one backend (docs/gateway.md "Operations").
struct BackendMetrics {
  net::Metrics::Counter* started = nullptr;   // connections opened (processes started)
  net::Metrics::Counter* crashed = nullptr;   // closed without being asked to (process exits)
  net::Metrics::Gauge* live = nullptr;        // open now
  net::Metrics::Gauge* in_flight = nullptr;   // requests waiting for the backend
  net::Metrics::Histogram* latency = nullptr; // seconds per request, start included

  static std::shared_ptr<const BackendMetrics> make(net::Metrics& metrics, const std::string& backend);
};

// How a request is sent, besides its method and params.
struct RequestOptions {
  // MCP 2026-07-28: the request declares the Tasks extension (SEP-2663) in
  // its client capabilities, so that the backend may answer with a task.
  bool tasks_extension = false;
  // The backend's task the request waits on (MCP 2025-11-25 tasks/result):
  // the backend's questions tied to that task (related-task _meta) go to
  // the request's client.
  std::string related_task;
};

class BackendConnection : public std::enable_shared_from_this<BackendConnection> {
 public:
  using LinkFactory = std::function<std::shared_ptr<Link>(boost::asio::strand<boost::asio::any_io_executor>)>;

  // `owner`: the user the connection serves (isolation user/session),
  // nullopt when shared. `make_link` makes a new link each time it opens.
  // Idleness, backoff, list lifetimes, call deadlines and the notification
  // rate are measured on `clock`'s monotonic time.
  BackendConnection(boost::asio::any_io_executor executor, std::shared_ptr<const BackendSettings> settings,
                    std::optional<std::string> owner, LinkFactory make_link, ConnectionEvents events,
                    std::shared_ptr<const BackendMetrics> metrics = nullptr,
                    const time::Clock& clock = time::system_clock());
  ~BackendConnection();

  // Sends a request on behalf of the client behind `channel` and returns
  // the result. Throws McpError: the backend's own error answer, or
  // backend_error() when it fails, times out or cannot be reached.
  boost::asio::awaitable<json::value> request(std::string method, json::object params, mcp::RequestChannel& channel,
                                              std::string session_id, RequestOptions options);
  // (An overload, not a default argument: GCC 12 frees a coroutine's
  // defaulted class-type argument wrongly.)
  boost::asio::awaitable<json::value> request(std::string method, json::object params, mcp::RequestChannel& channel,
                                              std::string session_id) {
    return request(std::move(method), std::move(params), channel, std::move(session_id), RequestOptions());
  }

  // Whether the backend runs calls of `tool` (its own name) as tasks of its
  // own: per its tools/list execution.taskSupport, under its declared
  // capabilities.tasks (2025-11-25), or `optional` for any tool of a
  // 2026-07-28 server declaring the Tasks extension (it decides per call).
  // Opens the connection first when needed.
  boost::asio::awaitable<TaskSupport> task_support(std::string tool, mcp::RequestChannel& channel);
  // Whether the backend speaks 2026-07-28 (false before it is opened).
  bool stateless() const;

  // A request of a 2026-07-28 client that answers a question of a call
  // parked in an earlier round: the call's answer, or nullopt when the
  // request answers none. Throws backend_error round_lost when it answers
  // a call that is no longer waiting here.
  boost::asio::awaitable<std::optional<json::value>> resume(const json::object& params, mcp::RequestChannel& channel,
                                                            const std::string& session_id);

  // The whole list a `*/list` method returns (every page), kept until the
  // backend says it changed.
  boost::asio::awaitable<json::array> list(std::string method, std::string key, mcp::RequestChannel& channel);

  // resources/subscribe and unsubscribe, counted: the backend hears of the
  // first subscriber of a URI and of the last one leaving.
  boost::asio::awaitable<void> subscribe(std::string uri, bool subscribe, mcp::RequestChannel& channel);

  const BackendSettings& settings() const { return *settings_; }

  // What the backend declared in its initialize result (empty before).
  json::object server_capabilities() const;

  void stop(std::string_view why);
  // Busy: requests in flight, or calls waiting for a client's next round.
  bool busy() const;
  // Ends calls whose client did not come back with its round in time.
  void expire_rounds();
  std::chrono::steady_clock::time_point last_used() const;

 private:
  struct Pending;
  struct Run;

  boost::asio::awaitable<std::shared_ptr<Run>> ready();
  boost::asio::awaitable<void> open();
  boost::asio::awaitable<json::value> exchange(std::shared_ptr<Run> run, std::string method, json::object params,
                                               std::shared_ptr<Route> route, std::chrono::seconds timeout,
                                               bool tasks_extension);
  // Waits for the answer to request `id` (already sent) until `deadline`,
  // handing the backend's questions to a 2026-07-28 client as input-required
  // rounds (docs/gateway.md "Protocol versions").
  boost::asio::awaitable<json::value> await_answer(std::shared_ptr<Run> run, std::uint64_t id,
                                                   std::shared_ptr<Pending> pending, std::shared_ptr<Route> route,
                                                   std::string method, std::chrono::steady_clock::time_point deadline);
  void on_message(const std::shared_ptr<Run>& run, json::value message, const std::shared_ptr<Route>& route);
  void on_closed(const std::shared_ptr<Run>& run, const McpError& error);
  void on_notification(const std::shared_ptr<Run>& run, std::string_view method, json::object params,
                       const std::shared_ptr<Route>& route);
  void on_request(const std::shared_ptr<Run>& run, json::value id, std::string method, json::object params,
                  const std::shared_ptr<Route>& route);
  boost::asio::awaitable<void> ask_client(std::shared_ptr<Run> run, std::shared_ptr<Route> route, json::value id,
                                          std::string method, json::object params);
  void respond(const std::shared_ptr<Run>& run, json::object message);
  // The one client a message without a request of its own belongs to,
  // when that can be told (docs/gateway.md "Multiplexing").
  std::shared_ptr<Route> attribute(const std::shared_ptr<Run>& run) const;
  // The route of the request waiting on the backend's task `task_id`.
  std::shared_ptr<Route> waiting_on(const std::shared_ptr<Run>& run, std::string_view task_id) const;
  // Forgets the lists and subscriptions of `run` if it is the current one.
  void forget(const std::shared_ptr<Run>& run);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<const BackendSettings> settings_;
  const std::optional<std::string> owner_;
  LinkFactory make_link_;
  ConnectionEvents events_;
  std::shared_ptr<const BackendMetrics> metrics_;
  const time::Clock& clock_;

  mutable std::mutex mutex_;
  std::shared_ptr<Run> run_;  // the open link, if any
  bool opening_ = false;
  std::optional<McpError> open_failure_;  // why the last opening failed
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::seconds backoff_{0};
  std::atomic<std::chrono::steady_clock::rep> last_used_;
  std::atomic<std::size_t> in_flight_{0};
  // A stdio backend that did not answer server/discover: initialized at once.
  std::atomic<bool> skip_discovery_{false};
  // Lists by method, until the backend says they changed (2025 revisions)
  // or until their ttlMs passes (2026-07-28, whose list changes Gatehouse
  // does not listen for).
  struct CachedList {
    json::array items;
    std::optional<std::chrono::steady_clock::time_point> expires;
  };
  std::map<std::string, CachedList> lists_;
  std::map<std::string, std::size_t> subscriptions_;
};

}  // namespace gatehouse::gateway
