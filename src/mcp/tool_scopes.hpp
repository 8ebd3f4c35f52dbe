#pragma once
// Per-tool scopes (INTEROP RS3): a tools/call of a tool that declares
// `required_scopes` needs a token carrying them. The transports answer the
// lack with 403 insufficient_scope so the client can step up (RFC 6750
// §3.1); the dispatcher refuses the call again whatever path it came by, so
// no transport, batch or protocol era can run the tool without the scopes.
#include "mcp/jsonrpc.hpp"

#include <gatehouse/server.hpp>

#include <vector>

namespace gatehouse::mcp {

// JSON-RPC error of a tools/call refused for lack of scopes, in the range
// JSON-RPC 2.0 §5.1 leaves to implementations. `data.requiredScopes` lists
// what the tool needs. Transports over HTTP answer 403 before it comes to that.
inline constexpr int kInsufficientScope = -32003;

// The scopes `tool` requires, when the authenticated `principal` lacks any of
// them; empty otherwise (and always for anonymous callers: a server without
// authentication has no scopes to check).
std::vector<std::string> missing_tool_scopes(const Tool& tool, const Principal& principal);

// The -32003 error refusing a call of `tool` that needs `needed`.
McpError insufficient_scope_error(std::string_view tool, const std::vector<std::string>& needed);

// The same for the tool named in a tools/call message; empty for other methods.
std::vector<std::string> missing_tool_scopes(const Server& server, const jsonrpc::Message& message,
                                             const Principal& principal);

}  // namespace gatehouse::mcp
