#pragma once
// Per-tool scopes (INTEROP RS3): a tools/call of a tool that declares
// `required_scopes` needs a token carrying them; otherwise the transport
// answers 403 insufficient_scope so the client can step up.
#include "mcp/jsonrpc.hpp"

#include <gatehouse/server.hpp>

#include <functional>
#include <vector>

namespace gatehouse::mcp {

// The scopes the tool named in a tools/call requires, when the caller is
// authenticated and lacks any of them; empty otherwise.
std::vector<std::string> missing_tool_scopes(const Server& server, const jsonrpc::Message& message,
                                             const Principal& principal);

}  // namespace gatehouse::mcp
