// Tools that need more than sign-in: each names the OAuth scopes a caller's
// token must carry. A client whose token lacks one gets 403
// insufficient_scope naming it, and asks the user to allow it (step-up,
// MCP 2025-11-25 authorization "Scope Challenge Handling"); listing tools
// needs only the default scope.
//
//   ./scoped_tools [HOST:PORT] [DATA_DIR]
#include <gatehouse/serve.hpp>

#include <iostream>
#include <map>
#include <mutex>

using namespace gatehouse;
namespace json = boost::json;

int main(int argc, char** argv) {
  // A tiny shared counter, read with "counter:read", changed with "counter:write".
  auto mutex = std::make_shared<std::mutex>();
  auto value = std::make_shared<long>(0);

  Server server({.name = "counter", .version = "1.0.0"});
  server.tool({.name = "read_counter", .description = "The counter's value", .required_scopes = {"counter:read"}},
              [=](json::object, RequestContext&) -> awaitable<ToolResult> {
                std::lock_guard lock(*mutex);
                co_return ToolResult::structured({{"value", *value}});
              });
  server.tool({.name = "add_to_counter",
               .description = "Adds to the counter",
               .input_schema = {{"type", "object"},
                                {"properties", {{"amount", {{"type", "integer"}}}}},
                                {"required", {"amount"}}},
               .annotations = {{"destructiveHint", false}},
               .required_scopes = {"counter:write"}},
              [=](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                std::lock_guard lock(*mutex);
                *value += args["amount"].as_int64();
                ctx.log(LogLevel::info, {{"changed_by", ctx.principal().subject}, {"value", *value}});
                co_return ToolResult::structured({{"value", *value}});
              });
  try {
    return serve(server, {.listen = argc > 1 ? argv[1] : "127.0.0.1:8080",
                          .data_dir = argc > 2 ? argv[2] : "./var",
                          .auth = "oauth",
                          // The first scope is what a client gets when it asks for none.
                          .scopes = std::vector<std::string>{"mcp", "counter:read", "counter:write"}});
  } catch (const ServeError& e) {
    std::cerr << "scoped_tools: " << e.what() << "\n";
    return 2;
  }
}
