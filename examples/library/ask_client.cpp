// A tool that asks the person using the client a question before it acts
// (MCP elicitation). Written once, it works in both protocol eras: in a
// session (2025 revisions) the question is a request to the client and the
// handler waits for the answer; in the stateless 2026-07-28 revision the
// handler ends with an input-required result, the client asks, then repeats
// the call and the handler runs again from the start with the answer. So it
// does nothing irreversible before its last question.
//
//   ./ask_client [HOST:PORT] [DATA_DIR]
#include <gatehouse/serve.hpp>

#include <iostream>

using namespace gatehouse;
namespace json = boost::json;

int main(int argc, char** argv) {
  Server server({.name = "booking", .version = "1.0.0"});
  server.tool(
      {.name = "book_table", .description = "Books a table, asking how many people are coming"},
      [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
        if (!ctx.client_supports("elicitation"))
          co_return ToolResult::error("this client cannot answer questions; call book_table from one that can");
        // The arguments are built before co_await: GCC 12 cannot compile a
        // braced list inside a co_await expression.
        json::object people_schema = {
            {"type", "object"},
            {"properties", {{"people", {{"type", "integer"}, {"minimum", 1}, {"maximum", 12}}}}},
            {"required", {"people"}}};
        auto question = ctx.elicit("How many people are coming?", std::move(people_schema), "people");
        json::object answer = co_await std::move(question);
        // The person may decline or cancel: then nothing happens.
        if (!answer["action"].is_string() || answer["action"].get_string() != "accept")
          co_return ToolResult::text("Nothing booked.");
        // An accepted answer has been checked against the schema asked with
        // (an integer from 1 to 12): elicit() throws, a tool error, otherwise.
        auto people = answer["content"].as_object()["people"].to_number<std::int64_t>();
        co_return ToolResult::text("Booked a table for " + std::to_string(people) + ".");
      });
  try {
    return serve(server, {.listen = argc > 1 ? argv[1] : "127.0.0.1:8080",
                          .data_dir = argc > 2 ? argv[2] : "./var"});
  } catch (const ServeError& e) {
    std::cerr << "ask_client: " << e.what() << "\n";
    return 2;
  }
}
