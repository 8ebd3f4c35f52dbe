#pragma once
// The Streamable HTTP transport (MCP 2025-11-25 basic/transports; INTEROP
// TR1–TR6) for the initialization-based revisions: POST carries messages,
// answered with JSON or an SSE stream; GET opens the session's standalone
// stream or resumes one with Last-Event-ID; DELETE ends the session.
#include "mcp/dispatcher.hpp"
#include "mcp/session_registry.hpp"
#include "mcp/stateless_http.hpp"
#include "net/access_guard.hpp"
#include "time/clock.hpp"
#include "net/http.hpp"
#include "net/origin_policy.hpp"
#include "mcp/server_events.hpp"

#include <gatehouse/principal.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace gatehouse::mcp {

struct StreamableHttpOptions {
  // No sessions: every POST stands alone, GET answers 405, server→client
  // requests are unavailable. For deployments behind a load balancer.
  bool stateless = false;
  // SSE `retry` sent with the priming event (MCP 2025-11-25 "Polling SSE Streams").
  std::chrono::milliseconds sse_retry{1000};
  // A comment line on quiet streams so proxies and clients keep them open.
  std::chrono::seconds keepalive{15};
  // How long a handler waits for the client to answer sampling/elicitation/roots.
  std::chrono::seconds client_request_timeout{300};
  EventStream::Limits stream_limits;
  SessionRegistry::Limits session_limits;
  // H6: bytes of SSE events kept for Last-Event-ID resumption, per session
  // and for all sessions together. Past either bound the oldest and largest
  // events already written to the client are dropped first.
  std::size_t replay_bytes_per_session = 4 * 1024 * 1024;
  std::size_t replay_bytes_total = 256 * 1024 * 1024;
  DispatchOptions dispatch;
  // The stateless revision (2026-07-28) served on the same endpoint.
  StatelessOptions stateless_headers;
  std::string request_state_key;  // empty: a random key per process
  std::chrono::seconds request_state_lifetime{600};
  // What sessions, their streams and the replay sweep read the time from
  // (not owned; tests pass a ManualClock).
  const time::Clock* clock = &time::system_clock();
  // The guard that lets requests in also answers, before the call runs, a
  // tools/call whose tool needs scopes the caller lacks (403, RS3). Null:
  // no guard, and the dispatcher's JSON-RPC error is the only refusal.
  // Not owned; outlives the transport.
  const net::AccessGuard* guard = nullptr;
};

class StreamableHttp : public ServerEvents, public std::enable_shared_from_this<StreamableHttp> {
 public:
  static std::shared_ptr<StreamableHttp> create(const Server& server, StreamableHttpOptions options,
                                                net::OriginPolicy origin_policy);

  // Serves one request to the MCP endpoint for `principal` (empty without auth).
  boost::asio::awaitable<net::Reply> handle(net::Request& request, const Principal& principal);

  // Drops idle sessions; call periodically.
  std::size_t expire_idle_sessions() { return sessions_.expire_idle(); }
  // Ends every session, subscription and stream (shutdown).
  void close_all() {
    sessions_.close_all();
    stateless_.close_subscriptions();
  }
  // Ends the standalone GET streams so their connections can close; request
  // streams end with their requests (graceful shutdown).
  void close_standalone_streams() {
    sessions_.for_each([](Session& s) { s.standalone_stream()->close(); });
    stateless_.close_subscriptions();
  }
  std::size_t session_count() const { return sessions_.size(); }
  // Bytes of SSE events all sessions keep for resumption.
  std::size_t replay_bytes() const { return replay_total_->used(); }

  // ServerEvents
  void resource_updated(const std::string& uri, std::optional<std::string_view> owner) override;
  void list_changed(std::string_view method, std::optional<std::string_view> owner) override;

  StreamableHttp(const Server& server, StreamableHttpOptions options, net::OriginPolicy origin_policy);

 private:
  boost::asio::awaitable<net::Reply> post(net::Request& request, const Principal& principal);
  net::Reply get(net::Request& request, const Principal& principal);
  net::Reply del(net::Request& request, const Principal& principal);
  net::Reply options_preflight(net::Request& request) const;

  boost::asio::awaitable<net::Reply> initialize(const jsonrpc::Message& message, const net::Request& request,
                                                const Principal& principal);
  boost::asio::awaitable<net::Reply> run_request(jsonrpc::Message message, std::shared_ptr<Session> session,
                                                 const net::Request& request, const Principal& principal);
  boost::asio::awaitable<net::Reply> run_batch(std::vector<jsonrpc::Message> messages, std::shared_ptr<Session> session,
                                               const net::Request& request, const Principal& principal);
  void handle_notification(const jsonrpc::Message& message, Session* session);
  // RS3: the 403 step-up reply when `message` calls a tool whose scopes the
  // token lacks. Every path that runs a request asks this first.
  std::optional<net::Reply> scope_refusal(const jsonrpc::Message& message, const Principal& principal) const;
  // H6: after a request, keeps `session` and all sessions within their replay bounds.
  void trim_replay(Session& session);

  // Finds the request's session: the session, or the error reply to send.
  std::variant<std::shared_ptr<Session>, net::Reply> lookup_session(const net::Request& request,
                                                                      const Principal& principal) const;
  net::Reply sse_reply(const net::Request& request, std::shared_ptr<EventStream> stream, EventStream::Cursor cursor,
                       bool prime, const std::string& version) const;

  const Server& server_;
  StreamableHttpOptions options_;
  net::OriginPolicy origin_policy_;
  Dispatcher dispatcher_;
  SessionRegistry sessions_;
  std::shared_ptr<ReplayBudget> replay_total_;
  std::atomic<std::int64_t> last_sweep_{0};  // steady-clock ticks of the last all-session trim
  StatelessHttp stateless_;
};

}  // namespace gatehouse::mcp
