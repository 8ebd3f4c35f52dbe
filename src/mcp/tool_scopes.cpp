#include "mcp/tool_scopes.hpp"

#include "mcp/backend.hpp"
#include "mcp/registry.hpp"

namespace gatehouse::mcp {

std::vector<std::string> missing_tool_scopes(const Tool& tool, const Principal& principal) {
  if (!principal.authenticated()) return {};
  for (const auto& scope : tool.required_scopes)
    if (!principal.has_scope(scope)) return tool.required_scopes;
  return {};
}

McpError insufficient_scope_error(std::string_view tool, const std::vector<std::string>& needed) {
  json::array scopes;
  for (const auto& s : needed) scopes.emplace_back(s);
  std::string list;
  for (const auto& s : needed) list += (list.empty() ? "" : " ") + s;
  return McpError(kInsufficientScope, "Forbidden: tool " + std::string(tool) + " needs the scope(s) " + list,
                  json::object{{"error", "insufficient_scope"}, {"requiredScopes", std::move(scopes)}});
}

std::vector<std::string> missing_tool_scopes(const Server& server, const jsonrpc::Message& message,
                                             const Principal& principal) {
  if (message.method != "tools/call" || !principal.authenticated()) return {};
  auto* name = message.params.if_contains("name");
  if (!name || !name->is_string()) return {};
  if (const auto& backend = registry_of(server).backend) {
    auto required = backend->tool_scopes(name->get_string());
    for (const auto& scope : required)
      if (!principal.has_scope(scope)) return required;
    return {};
  }
  const auto* tool = registry_of(server).find_tool(name->get_string());
  if (!tool) return {};
  return missing_tool_scopes(tool->tool, principal);
}

}  // namespace gatehouse::mcp
