#pragma once
// Routes one MCP request to the registered handlers and shapes the result.
// The dispatcher does not know the transport or the protocol era: the caller
// passes what differs (version, channel back to the client, session hooks).
#include "mcp/jsonrpc.hpp"
#include "mcp/registry.hpp"
#include "mcp/request_channel.hpp"

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
};

// The protocol era a request is served in.
enum class Era {
  session,    // 2025-03-26 … 2025-11-25: initialize, sessions
  stateless,  // 2026-07-28: every request stands alone
};

class InputRounds;

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

  const Server& server() const noexcept { return server_; }

 private:
  boost::asio::awaitable<json::value> route(Call& call) const;
  boost::asio::awaitable<json::value> call_tool(Call& call) const;
  boost::asio::awaitable<json::value> read_resource(Call& call) const;
  boost::asio::awaitable<json::value> get_prompt(Call& call) const;
  boost::asio::awaitable<json::value> complete(Call& call) const;
  json::object failure_response(const Call& call, std::exception_ptr failure) const;
  static std::exception_ptr unwrap(std::exception_ptr failure);
  // Stateless era: resultType, caching hints and serverInfo on every result.
  void shape_stateless_result(std::string_view method, json::object& result) const;

  const Server& server_;
  const Registry& registry_;
  DispatchOptions options_;
  json::object capabilities_;
  json::object server_info_;
};

// Opaque list cursors (MCP server/utilities/pagination).
std::string encode_cursor(std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view cursor);

}  // namespace gatehouse::mcp
