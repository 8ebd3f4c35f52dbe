// The smallest MCP server on Gatehouse: one tool, served over Streamable
// HTTP (both protocol eras) behind Gatehouse's OAuth authorization server.
// The first start creates the user `admin` and prints its password.
//
//   ./hello                      # http://127.0.0.1:8080/mcp, state in ./var
//   ./hello 127.0.0.1:0 ./state  # a free port, another data directory
#include <gatehouse/serve.hpp>

#include <iostream>

using namespace gatehouse;
namespace json = boost::json;

int main(int argc, char** argv) {
  Server server({.name = "hello", .version = "1.0.0"});
  server.tool({.name = "hello",
               .description = "Greets someone by name",
               .input_schema = {{"type", "object"},
                                {"properties", {{"name", {{"type", "string"}}}}},
                                {"required", {"name"}}}},
              [](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                std::string greeting = "Hello, " + std::string(args["name"].as_string()) + "!";
                if (ctx.principal().authenticated()) greeting += " (asked by " + ctx.principal().subject + ")";
                co_return ToolResult::text(greeting);
              });
  try {
    return serve(server, {.listen = argc > 1 ? argv[1] : "127.0.0.1:8080",
                          .data_dir = argc > 2 ? argv[2] : "./var"});
  } catch (const ServeError& e) {
    std::cerr << "hello: " << e.what() << "\n";
    return 2;
  }
}
