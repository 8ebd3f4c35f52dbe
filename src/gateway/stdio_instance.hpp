#pragma once
// One process of a stdio backend and Gatehouse's MCP client session with it
// (MCP basic/transports "stdio", basic/lifecycle). Many client requests share
// one process: each is sent under an id of Gatehouse's own, progress tokens
// are replaced the same way, and what the process sends back is routed to
// the client whose request it belongs to (docs/gateway.md "Multiplexing").
//
// Lifecycle: started on first use (initialize, then notifications/initialized),
// restarted on the next request after it exits, with a growing pause when it
// keeps dying at start; stopped when idle, on shutdown, or when its user's
// session ends (isolation "session").
#include "gateway/backend_settings.hpp"
#include "gateway/child_process.hpp"
#include "gateway/line_splitter.hpp"
#include "net/async_signal.hpp"
#include "net/log_throttle.hpp"

#include <gatehouse/context.hpp>
#include <gatehouse/error.hpp>

#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gatehouse::gateway {

// What a process tells Gatehouse that is not an answer to a request.
struct InstanceEvents {
  // notifications/resources/updated and notifications/*/list_changed, with
  // the only user allowed to hear of them (nullopt: every user).
  std::function<void(const std::string& uri, std::optional<std::string> owner)> resource_updated;
  std::function<void(std::string_view list, std::optional<std::string> owner)> list_changed;
};

class StdioInstance : public std::enable_shared_from_this<StdioInstance> {
 public:
  // `owner`: the user the process serves (isolation user/session), nullopt
  // when shared. `variables` fills the templates of the command and env.
  StdioInstance(boost::asio::any_io_executor executor, std::shared_ptr<const BackendSettings> settings,
                std::optional<std::string> owner, std::function<std::string(const TemplateVariable&)> variables,
                InstanceEvents events);
  ~StdioInstance();

  // Sends a request on behalf of the client behind `channel` and returns
  // the result. Throws McpError: the process's own error answer, or
  // backend_error() when it fails, times out or cannot be started.
  boost::asio::awaitable<json::value> request(std::string method, json::object params, RequestChannel& channel,
                                              std::string session_id);

  // The whole list a `*/list` method returns (every page), kept until the
  // process says it changed.
  boost::asio::awaitable<json::array> list(std::string method, std::string key, RequestChannel& channel);

  // resources/subscribe and unsubscribe, counted: the process hears of the
  // first subscriber of a URI and of the last one leaving.
  boost::asio::awaitable<void> subscribe(std::string uri, bool subscribe, RequestChannel& channel);

  // What the process declared in its initialize result (empty before).
  json::object server_capabilities() const;

  // Ends the process (SIGTERM, SIGKILL after a grace period).
  void stop(std::string_view why);
  bool busy() const;
  std::chrono::steady_clock::time_point last_used() const;
  std::optional<pid_t> pid() const;

 private:
  struct Route;
  struct Pending;
  struct Run;

  boost::asio::awaitable<std::shared_ptr<Run>> ready();
  boost::asio::awaitable<void> start();
  boost::asio::awaitable<json::value> exchange(std::shared_ptr<Run> run, std::string method, json::object params,
                                               std::shared_ptr<Route> route, std::chrono::seconds timeout);
  void send(const std::shared_ptr<Run>& run, std::string line);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<Run> run);
  boost::asio::awaitable<void> read_loop(std::shared_ptr<Run> run);
  boost::asio::awaitable<void> stderr_loop(std::shared_ptr<Run> run);
  boost::asio::awaitable<void> exit_watch(std::shared_ptr<Run> run);
  void on_line(const std::shared_ptr<Run>& run, std::string_view line);
  void on_notification(const std::shared_ptr<Run>& run, std::string_view method, json::object params);
  void on_request(const std::shared_ptr<Run>& run, json::value id, std::string method, json::object params);
  boost::asio::awaitable<void> ask_client(std::shared_ptr<Run> run, std::shared_ptr<Route> route, json::value id,
                                          std::string method, json::object params);
  void respond(const std::shared_ptr<Run>& run, const json::value& id, json::object message);
  // Fails every request of `run` still waiting.
  void fail_all(const std::shared_ptr<Run>& run, const McpError& error);
  // The one client a message of the process without a request id belongs
  // to, when that can be told (docs/gateway.md "Multiplexing").
  std::shared_ptr<Route> attribute(const std::shared_ptr<Run>& run) const;
  std::vector<std::string> environment() const;

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<const BackendSettings> settings_;
  const std::optional<std::string> owner_;
  std::function<std::string(const TemplateVariable&)> variables_;
  InstanceEvents events_;

  mutable std::mutex mutex_;
  std::shared_ptr<Run> run_;  // the live process, if any
  bool starting_ = false;
  std::optional<McpError> start_failure_;  // why the last start failed
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::seconds backoff_{0};
  std::atomic<std::chrono::steady_clock::rep> last_used_;
  std::atomic<std::size_t> in_flight_{0};
  std::map<std::string, json::array> lists_;  // by method
  std::map<std::string, std::size_t> subscriptions_;
  net::LogThrottle stderr_throttle_{std::chrono::seconds(10)};
  net::LogThrottle noise_throttle_{std::chrono::seconds(10)};
};

}  // namespace gatehouse::gateway
