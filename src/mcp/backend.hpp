#pragma once
// The seam between the dispatcher and servers reached over a transport (the
// gateway, src/gateway/): when a Server carries a Backend, the dispatcher
// hands it every request it does not answer itself (ping, server/discover,
// logging/setLevel), after its own checks. The backend answers lists, calls,
// reads and completions from the servers behind it.
#include "mcp/dispatcher.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::mcp {

class Backend {
 public:
  virtual ~Backend() = default;

  // What the endpoint advertises in initialize and server/discover.
  virtual json::object capabilities() const = 0;
  // Whether list results may differ between users (then not cached publicly).
  virtual bool per_user_lists() const = 0;

  // The scopes a caller needs for the tool the client calls `name`; empty
  // for a tool that needs none or that the backend does not know.
  virtual std::vector<std::string> tool_scopes(std::string_view name) const = 0;

  // Tasks (docs/tasks.md "Through the gateway"). Whether calls of backend
  // tools may run as tasks at all (then the endpoint advertises tasks).
  virtual bool runs_tasks() const = 0;
  // What the configuration says of the tool the client calls `name`
  // (task_tools), without asking any backend: for listings.
  virtual TaskSupport configured_task_support(std::string_view name) const = 0;
  // Whether a call of the tool may run as a task of Gatehouse's: the backend
  // runs it as a task of its own, or the configuration lists it. May start
  // the backend to learn what it supports.
  virtual boost::asio::awaitable<TaskSupport> task_support(Call& call, std::string_view name) = 0;
  // The outcome of a tools/call that may become a task of Gatehouse's
  // (call.channel is its ToolExecution, still an ordinary call): the
  // backend's own task, followed to its end, the call becoming a task
  // (continue_as_task()) once the backend has made one; or, for task_tools,
  // a task at once and an ordinary call to the backend. Throws McpError for
  // an error answer.
  virtual boost::asio::awaitable<json::value> task_call(Call& call) = 0;

  // The result of `call.request` (a JSON-RPC result value); throws McpError
  // for an error answer.
  virtual boost::asio::awaitable<json::value> handle(Call& call) = 0;

  // A session of the initialization-based revisions ended (DELETE, expiry):
  // what was kept for it alone can go.
  virtual void session_closed(std::string_view session_id) = 0;
};

}  // namespace gatehouse::mcp
