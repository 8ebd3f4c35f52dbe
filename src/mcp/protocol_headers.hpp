#pragma once
// The HTTP header fields of MCP's Streamable HTTP transport, spelled once
// (field names compare case-insensitively, RFC 9110 §5.1; these are the
// spellings the specification uses). Character arrays, so that they serve
// as std::string keys and std::string_view alike.
#include <string_view>

namespace gatehouse::mcp::headers {

// MCP 2025-11-25 basic/transports "Session Management".
inline constexpr char session_id[] = "Mcp-Session-Id";
// MCP 2025-11-25 basic/transports "Protocol Version Header".
inline constexpr char protocol_version[] = "MCP-Protocol-Version";
// MCP 2026-07-28 transports: a request's method, the tool, resource or
// prompt it names, and its x-mcp-header parameters (Mcp-Param-NAME).
inline constexpr char method[] = "Mcp-Method";
inline constexpr char name[] = "Mcp-Name";
inline constexpr char param_prefix[] = "Mcp-Param-";
// The member of params that Mcp-Name repeats for `method`, or empty for a
// method without the header: the tool or prompt, the resource, and (SEP-2663
// "Streamable HTTP: Routing Headers") the task of the task methods.
constexpr std::string_view name_param(std::string_view method) {
  if (method == "tools/call" || method == "prompts/get") return "name";
  if (method == "resources/read") return "uri";
  if (method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel") return "taskId";
  return {};
}

// WHATWG HTML "Server-sent events" §9.2.4: where a resumed stream starts.
inline constexpr char last_event_id[] = "Last-Event-ID";

}  // namespace gatehouse::mcp::headers
