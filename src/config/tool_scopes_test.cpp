#include "config/tool_scopes.hpp"

#include "config/load.hpp"
#include "mcp/registry.hpp"

#include <gtest/gtest.h>

namespace gatehouse::config {
namespace {

// RS3: the scopes a token needs per tool come from [oauth] tool_scopes.
TEST(ToolScopes, RS3_AppliesEachEntryToItsTool) {
  Config config;
  config.scopes = {"mcp", "notes:read", "notes:write"};
  config.tool_scopes = {"read=notes:read", "write=notes:read  notes:write"};
  Server server;
  auto handler = [](json::object, RequestContext&) -> awaitable<ToolResult> { co_return ToolResult::text("ok"); };
  server.tool({.name = "read"}, handler);
  server.tool({.name = "write"}, handler);
  apply_tool_scopes(config, server, "the server");
  EXPECT_EQ(mcp::registry_of(server).find_tool("read")->tool.required_scopes, (std::vector<std::string>{"notes:read"}));
  EXPECT_EQ(mcp::registry_of(server).find_tool("write")->tool.required_scopes,
            (std::vector<std::string>{"notes:read", "notes:write"}));
}

TEST(ToolScopes, RefusesUnknownToolsAndScopesNamingThem) {
  Config config;
  config.scopes = {"mcp", "notes:read"};
  Server server;
  auto handler = [](json::object, RequestContext&) -> awaitable<ToolResult> { co_return ToolResult::text("ok"); };
  server.tool({.name = "read"}, handler);
  config.tool_scopes = {"nope=notes:read"};
  try {
    apply_tool_scopes(config, server, "backend builtin:demo");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "[oauth] tool_scopes: backend builtin:demo has no tool \"nope\"");
  }
  config.tool_scopes = {"read=notes:write"};
  try {
    apply_tool_scopes(config, server, "backend builtin:demo");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "[oauth] tool_scopes: scope \"notes:write\" is not listed in [oauth] scopes");
  }
  config.tool_scopes = {"read"};
  EXPECT_THROW(apply_tool_scopes(config, server, "x"), ConfigError);
}

}  // namespace
}  // namespace gatehouse::config
