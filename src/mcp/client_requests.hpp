#pragma once
// Server→client requests awaiting their responses (sampling, elicitation,
// roots). The asking coroutine parks until the client's response arrives on
// whatever connection it comes, or the wait times out.
#include "net/async_signal.hpp"
#include "time/clock.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gatehouse::mcp {

namespace json = boost::json;

// The client capability a server→client request needs ("sampling",
// "elicitation", "roots"), or empty (MCP basic/lifecycle: only use what the
// client declared).
std::string_view required_client_capability(std::string_view method);

class ClientRequests {
 public:
  // Timeouts are measured on `clock`'s monotonic time.
  explicit ClientRequests(const time::Clock& clock = time::system_clock()) : clock_(clock) {}

  // Sends the request through `send` (which writes the serialised message to
  // the client) and waits for the response. Returns the `result`; throws
  // McpError for an error response, a timeout or cancellation.
  boost::asio::awaitable<json::value> ask(std::string_view method, json::object params,
                                          const std::function<void(std::string)>& send,
                                          std::chrono::steady_clock::duration timeout,
                                          const std::atomic<bool>* cancelled = nullptr);

  // Delivers a response message from the client. False when no request with
  // that id is waiting (a late or unknown response, which is ignored).
  bool deliver(const json::value& id, json::value result, json::value error);

  std::size_t waiting() const;

 private:
  struct Pending {
    net::AsyncSignal signal;
    std::mutex mutex;
    bool done = false;
    json::value result;
    json::value error;
  };
  const time::Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Pending>> pending_;
  std::atomic<std::uint64_t> next_id_{1};
};

}  // namespace gatehouse::mcp
