#pragma once
// The stateless revision (MCP 2026-07-28) on the Streamable HTTP endpoint:
// one JSON-RPC request per POST, checked against its headers and _meta,
// answered with JSON or SSE; questions to the client become input-required
// results; subscriptions/listen holds a notification stream open. Nothing is
// kept between requests except live subscriptions.
#include "mcp/dispatcher.hpp"
#include "mcp/input_rounds.hpp"
#include "mcp/stateless_request.hpp"
#include "mcp/subscriptions.hpp"
#include "net/access_guard.hpp"
#include "time/clock.hpp"
#include "net/http.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

namespace gatehouse::mcp {

struct StatelessHttpOptions {
  StatelessOptions headers;
  EventStream::Limits stream_limits;
  std::chrono::seconds keepalive{15};
  // Key sealing requestState; instances behind one load balancer share it.
  std::string request_state_key;
  std::chrono::seconds request_state_lifetime{600};
  const time::Clock* clock = &time::system_clock();  // for its event streams; not owned
};

class StatelessHttp {
 public:
  StatelessHttp(const Dispatcher& dispatcher, StatelessHttpOptions options);

  // Serves one POST whose body is `body` (already parsed).
  // `guard` (may be null) answers a tools/call whose tool needs scopes the
  // caller lacks (403, RS3).
  boost::asio::awaitable<net::Reply> handle(const net::Request& request, json::value body, const Principal& principal,
                                            const net::AccessGuard* guard = nullptr);

  void list_changed(std::string_view method, std::optional<std::string_view> owner) {
    subscriptions_.list_changed(method, owner);
  }
  void resource_updated(const std::string& uri, std::optional<std::string_view> owner) {
    subscriptions_.resource_updated(uri, owner);
  }
  void task_changed(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
    subscriptions_.task_changed(task, poll_interval);
  }
  // Ends every subscription stream with its final result (shutdown).
  void close_subscriptions();
  std::size_t subscription_count() const { return subscriptions_.size(); }

 private:
  net::Reply listen(const jsonrpc::Message& message, const Principal& principal);
  boost::asio::awaitable<net::Reply> run(jsonrpc::Message message, StatelessRequest meta, const Principal& principal);
  void note_legacy_header(const StatelessRequest& meta);

  const Dispatcher& dispatcher_;
  StatelessHttpOptions options_;
  RequestStateCodec codec_;
  SubscriptionHub subscriptions_;
  std::atomic<std::uint64_t> next_stream_{1};
  std::mutex noted_mutex_;
  std::set<std::string> noted_clients_;
};

}  // namespace gatehouse::mcp
