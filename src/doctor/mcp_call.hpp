#pragma once
// One MCP request over Streamable HTTP as a client sends it, in either era:
// initialization-based (MCP-Protocol-Version and Mcp-Session-Id headers) or
// 2026-07-28 (params._meta with the protocol version and the client's
// capabilities, Mcp-Method and Mcp-Name headers; no session). The answer
// is read from a JSON body or from an SSE stream (MCP 2025-11-25 transports
// §2.1).
#include "doctor/probe.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace gatehouse::doctor {

inline constexpr std::string_view kLegacyVersion = "2025-11-25";
inline constexpr std::string_view kModernVersion = "2026-07-28";

struct McpCall {
  std::string method;
  boost::json::object params;
  bool modern = false;                     // the 2026-07-28 request shape
  std::string protocol_version_header;     // "" : none; modern calls default to kModernVersion
  std::string session_id;                  // Mcp-Session-Id
  std::string bearer;                      // access token, or ""
  bool notification = false;               // no id
  std::string origin;                      // Origin header, or ""
  std::string user_agent{kClaudeMcpAgent};
  std::string raw_body;                    // sent instead of the JSON-RPC message when set
};

struct McpAnswer {
  Exchange exchange;
  // The JSON-RPC response to the call (from JSON or the SSE stream), or nullopt.
  std::optional<boost::json::object> message;
  // Why there is no message, e.g. "an HTML page", for the evidence.
  std::string problem;

  bool has_result() const { return message && message->contains("result") && message->at("result").is_object(); }
  const boost::json::object* result() const;
  // The JSON-RPC error code, or nullopt.
  std::optional<std::int64_t> error_code() const;
};

boost::asio::awaitable<McpAnswer> call_mcp(Prober& prober, const std::string& url, const McpCall& call);

// The params of an initialize request at `version` (MCP 2025-11-25 basic/lifecycle "Initialization").
boost::json::object initialize_params(std::string_view version);

}  // namespace gatehouse::doctor
