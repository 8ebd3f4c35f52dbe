#pragma once
// The transport side of one request: how a handler's progress, log messages
// and questions reach the client. Each transport implements it (a session's
// SSE stream and server-to-client requests, a stateless request's
// input-required rounds, stdio); handlers see it only through
// RequestContext.
#include <gatehouse/context.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace gatehouse::mcp {

namespace json = boost::json;

class RequestChannel {
 public:
  virtual ~RequestChannel() = default;
  // Sends a notification related to the request being served.
  virtual void notify(std::string_view method, json::object params) = 0;
  // Asks the client and waits for its answer. Throws McpError when the client
  // answers with an error, lacks the capability, or the request is cancelled.
  // `key` names the question in an input-required round (2026-07-28); empty:
  // the transport numbers questions in the order they are asked.
  virtual awaitable<json::value> ask(std::string_view method, json::object params, std::string_view key) = 0;
  virtual bool cancelled() const = 0;
  // The least severe level the client wants; nullopt: no log messages.
  virtual std::optional<LogLevel> log_level() const = 0;
  virtual const json::object& client_capabilities() const = 0;
  virtual std::string_view protocol_version() const = 0;
  // Ends the response stream the client is reading now; the client resumes
  // with Last-Event-ID and receives what follows. No-op where meaningless.
  virtual void close_response_stream() {}
  // Tasks (mcp/tasks/tool_execution.hpp): whether the handler runs as a
  // task, and the switch from an ordinary call to a task. An ordinary
  // request's channel is never a task and cannot become one.
  virtual bool in_task() const { return false; }
  virtual awaitable<bool> continue_as_task() { co_return false; }
  // For a task of a 2025-11-25 session, which outlives this request: a
  // channel whose questions go to the client on the session's own stream
  // (MCP 2025-11-25 basic/utilities/tasks "Input Required"). Null where
  // there is none (no session, stdio).
  virtual std::shared_ptr<RequestChannel> outliving() const { return nullptr; }
};

}  // namespace gatehouse::mcp
