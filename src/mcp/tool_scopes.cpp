#include "mcp/tool_scopes.hpp"

#include "mcp/registry.hpp"

namespace gatehouse::mcp {

std::vector<std::string> missing_tool_scopes(const Tool& tool, const Principal& principal) {
  if (!principal.authenticated()) return {};
  for (const auto& scope : tool.required_scopes)
    if (!principal.has_scope(scope)) return tool.required_scopes;
  return {};
}

std::vector<std::string> missing_tool_scopes(const Server& server, const jsonrpc::Message& message,
                                             const Principal& principal) {
  if (message.method != "tools/call" || !principal.authenticated()) return {};
  auto* name = message.params.if_contains("name");
  if (!name || !name->is_string()) return {};
  const auto* tool = server.registry().find_tool(name->get_string());
  if (!tool) return {};
  return missing_tool_scopes(tool->tool, principal);
}

}  // namespace gatehouse::mcp
