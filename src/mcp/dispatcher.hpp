#pragma once
// Routes one MCP request to the registered handlers and shapes the result.
// The dispatcher does not know the transport or the protocol era: the caller
// passes what differs (version, channel back to the client, session hooks).
#include "mcp/era.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/registry.hpp"
#include "mcp/request_channel.hpp"
#include "mcp/tasks/task_runner.hpp"
#include "mcp/tasks/tool_execution.hpp"

#include <gatehouse/server.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace gatehouse::mcp {

// What only a session can do; null for requests outside a session.
class SessionHooks {
 public:
  virtual ~SessionHooks() = default;
  virtual void set_log_level(LogLevel level) = 0;
  virtual void subscribe(const std::string& uri) = 0;
  virtual void unsubscribe(const std::string& uri) = 0;
  virtual const std::string& session_id() const = 0;
};

struct DispatchOptions {
  std::size_t page_size = 100;  // items per tools/resources/prompts list page
  // Caching hints of the stateless revision (SEP-2549) for server/discover
  // and the list methods: how long a client may reuse the answer, and whether
  // shared caches may (the lists hold no per-user data).
  std::int64_t list_ttl_ms = 60'000;
  std::string list_cache_scope = "public";
  // resources/read: contents may be per user, so private and not reused.
  std::int64_t read_ttl_ms = 0;
  // Handed to handlers as RequestContext::upstream_api_key().
  std::string upstream_api_key;
  // Behind RequestContext::upstream_token() and upstream_identity(); null
  // without upstream sign-in.
  std::shared_ptr<UpstreamCredentials> upstream;
  // Runs tools with task support as tasks, and answers the task methods.
  // Null: no tasks; every call is an ordinary one and the capability is
  // not advertised.
  std::shared_ptr<TaskRunner> tasks;
};

class InputRounds;
class RequestChannel;

struct Call {
  const jsonrpc::Message& request;
  RequestChannel& channel;
  const Principal& principal;
  SessionHooks* session = nullptr;
  Era era = Era::session;
  // Stateless era: the input-required rounds of this request (MRTR).
  InputRounds* rounds = nullptr;
};

class Dispatcher {
 public:
  Dispatcher(const Server& server, DispatchOptions options = {});

  // The complete JSON-RPC response (result or error) for `call.request`.
  boost::asio::awaitable<json::object> dispatch(Call call) const;

  // The result of `initialize` for the negotiated `version`.
  json::object initialize_result(std::string_view version) const;
  // The result of server/discover (2026-07-28), before era shaping.
  json::object discover_result() const;
  const json::object& capabilities() const noexcept { return capabilities_; }
  bool has_prompts() const;
  bool has_resources() const;
  // Whether tasks are on and some tool may run as one.
  bool runs_tasks() const noexcept { return runs_tasks_; }

  const Server& server() const noexcept { return server_; }

  // Questions asked concurrently (awaitable operators) fail together; the
  // first failure is the one that counts.
  static std::exception_ptr unwrap(std::exception_ptr failure);

 private:
  boost::asio::awaitable<json::value> route(Call& call) const;
  boost::asio::awaitable<json::value> call_tool(Call& call) const;
  // The task methods (mcp/dispatcher_tasks.cpp).
  boost::asio::awaitable<json::value> task_method(Call& call) const;
  // Whether this call may be answered with a task, and the answer that
  // announces one, in the call's era.
  bool accepts_task(const Call& call) const;
  json::object task_created(const Call& call, const store::TaskRecord& task) const;
  TaskOrigin task_origin(const Call& call, std::string tool, bool required) const;
  // Starts `body` as a task: the answer announcing it, or nullopt with the
  // reason in `refused` when the owner is at its bounds.
  boost::asio::awaitable<std::optional<json::object>> start_task(const Call& call, TaskOrigin origin,
                                                                 ToolExecution::Body body, std::string& refused) const;
  boost::asio::awaitable<json::value> read_resource(Call& call) const;
  boost::asio::awaitable<json::value> get_prompt(Call& call) const;
  boost::asio::awaitable<json::value> complete(Call& call) const;
  json::object failure_response(const Call& call, std::exception_ptr failure) const;
  // Stateless era: resultType, caching hints and serverInfo on every result.
  void shape_stateless_result(std::string_view method, json::object& result) const;

  const Server& server_;
  const Registry& registry_;
  DispatchOptions options_;
  json::object capabilities_;
  json::object server_info_;
  bool runs_tasks_ = false;
};

// Runs a tool's handler and shapes its CallToolResult: failures of the tool
// become results with isError; protocol errors (McpError) and input-required
// rounds are rethrown.
boost::asio::awaitable<json::object> run_tool(const Registry::ToolEntry& entry, json::object arguments,
                                              RequestContext& ctx);

// Whether clientCapabilities declare the Tasks extension (2026-07-28).
bool declares_tasks_extension(const json::object& client_capabilities);

// Opaque list cursors (MCP server/utilities/pagination).
std::string encode_cursor(std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view cursor);

}  // namespace gatehouse::mcp
