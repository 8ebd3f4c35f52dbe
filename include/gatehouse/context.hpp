#pragma once
// What a handler sees of the request it serves: who called, and a channel back
// to the client for progress, log messages and questions (sampling,
// elicitation, roots). Handlers are written once; the transport decides how a
// question reaches the client (a server→client request in a session, or an
// input-required round in the stateless revision).
#include <gatehouse/principal.hpp>
#include <gatehouse/upstream.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

namespace mcp {
class Dispatcher;
class RequestChannel;
}  // namespace mcp

template <class T>
using awaitable = boost::asio::awaitable<T>;

// RFC 5424 severities, as MCP logging uses them (server/utilities/logging).
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };
std::string_view to_string(LogLevel);
std::optional<LogLevel> parse_log_level(std::string_view);

// Made by the server for each call and handed to the handler by reference;
// valid until the handler's coroutine finishes.
class RequestContext {
 public:
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  const Principal& principal() const noexcept { return principal_; }
  // The server-wide key for the upstream API this server wraps (Tier 1:
  // `[upstream] api_key_env`); empty when none is configured. Never log it.
  std::string_view upstream_api_key() const noexcept { return upstream_api_key_; }
  // The caller's own access token at the upstream provider they signed in
  // with, fresh (refreshed first when about to expire). Throws
  // std::runtime_error — a tool error the user can read — when there is no
  // upstream sign-in (a local user, or [login] method "local") or the
  // provider refused to renew it. Never log or return the token.
  awaitable<UpstreamToken> upstream_token() const;
  // Who the caller is at the upstream provider (the same failures).
  awaitable<UpstreamIdentity> upstream_identity() const;
  // The provider's userinfo answer for the caller, asked with their
  // upstream token (the same failures).
  awaitable<boost::json::value> upstream_userinfo() const;
  // The values the caller entered in the connect form while connecting
  // (Claude's custom_connection; [connect]), by field name, secrets
  // included: never log them or return them. Throws std::runtime_error (a
  // tool error) when the server has no connect form or this connection has
  // no values.
  awaitable<boost::json::object> connection() const;
  // One value of connection(); "" when the field was optional and left empty.
  awaitable<std::string> connection_value(std::string_view name) const;
  std::string_view protocol_version() const;
  const boost::json::object& client_capabilities() const;
  bool client_supports(std::string_view capability) const;

  // notifications/progress, sent only when the caller asked for progress
  // (params._meta.progressToken); in a task, the task's statusMessage
  // whether or not it asked. `progress` must increase on every call.
  void progress(double progress, std::optional<double> total = std::nullopt,
                std::string_view message = {});
  bool wants_progress() const noexcept;

  // notifications/message, sent only at or above the client's level.
  void log(LogLevel level, boost::json::value data, std::string_view logger = {});

  // True once the client cancelled this request (notifications/cancelled),
  // or its task (tasks/cancel). A handler running as a task is also
  // cancelled at its next asynchronous wait (a timer, a socket): that wait
  // throws boost::system::system_error (operation_aborted).
  bool cancelled() const;

  // True while the handler runs as a task: the client has been answered
  // with a task handle and polls for the outcome. Progress reported with
  // progress() becomes the task's statusMessage; questions wait in the task
  // (status input_required) until the client answers them with tasks/update.
  bool in_task() const;
  // For a tool with Tool::task_after_questions: ends the synchronous part of
  // the call. When the client can take a task, the call is answered with
  // one now (durably created first) and the handler carries on in the
  // background: returns true. When it cannot (an optional tool, a client
  // without task support), returns false and the handler carries on as an
  // ordinary call. Returns in_task() for other tools.
  awaitable<bool> continue_as_task();

  // Closes the SSE stream carrying this request's messages while the handler
  // keeps running; the client reconnects with Last-Event-ID and gets the rest
  // (MCP 2025-11-25 basic/transports "Polling SSE Streams"). Lets long tool
  // calls free their connection.
  void close_response_stream();

  // Questions to the client. Each throws McpError when the client declined the
  // capability or answered with an error.
  //
  // In a session (2025 revisions) a question is a server→client request and
  // the handler waits for the answer. In the stateless revision it ends the
  // handler with an input-required result; the client answers and repeats the
  // request, and the handler runs again from the start, this time getting the
  // answer. Handlers must therefore do nothing irreversible before their last
  // question. `key` names the question (stable across rounds); empty keys are
  // numbered in the order questions are asked.
  awaitable<boost::json::object> create_message(boost::json::object params, std::string_view key = {});  // sampling/createMessage
  // An accepted answer's content is checked against the requested schema
  // first: one that does not match throws std::runtime_error (a tool error
  // naming the mismatch), so a handler may read it as the schema says.
  awaitable<boost::json::object> elicit(std::string message, boost::json::object requested_schema, std::string_view key = {});
  awaitable<boost::json::object> elicit(boost::json::object params, std::string_view key = {});  // elicitation/create
  awaitable<boost::json::array> list_roots(std::string_view key = {});                     // roots/list
  awaitable<boost::json::value> ask(std::string_view method, boost::json::object params, std::string_view key = {});

 private:
  friend class mcp::Dispatcher;
  RequestContext(mcp::RequestChannel& channel, const Principal& principal, boost::json::value progress_token,
                 std::string_view upstream_api_key = {}, UpstreamCredentials* upstream = nullptr);

  mcp::RequestChannel& channel_;
  const Principal& principal_;
  boost::json::value progress_token_;
  std::string_view upstream_api_key_;
  UpstreamCredentials* upstream_;
};

}  // namespace gatehouse
