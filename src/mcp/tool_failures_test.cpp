// What the client sees when a tool handler fails: its own message for an
// error meant for the user, nothing of the internals for a bug; and an
// elicitation answer that does not match the schema asked with never
// reaches the handler, nor do arguments that do not match the tool's
// inputSchema.
#include "mcp/dispatcher.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/registry.hpp"
#include "store/store_error.hpp"
#include "support/fake_request_channel.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse::mcp {
namespace {

namespace asio = boost::asio;

class ToolFailures : public testing::Test {
 protected:
  ToolFailures() {
    server.tool({.name = "user_error"}, [](json::object, RequestContext&) -> awaitable<ToolResult> {
      throw std::runtime_error("the repository name is unknown");
      co_return ToolResult::text("unreachable");
    });
    server.tool({.name = "json_bug"}, [](json::object args, RequestContext&) -> awaitable<ToolResult> {
      // as_object() on a missing member's null: Boost.JSON's system_error,
      // whose text names a header file and a function signature.
      co_return ToolResult::text(json::serialize(args["missing"].as_object()));
    });
    server.tool({.name = "store_failure"}, [](json::object, RequestContext&) -> awaitable<ToolResult> {
      throw store::StoreError("database or disk is full: /var/lib/gatehouse/gatehouse.db");
      co_return ToolResult::text("unreachable");
    });
    server.resource({.uri = "file:///notes.txt", .name = "notes"},
                    [](const ResourceRequest&, RequestContext&) -> awaitable<json::array> {
                      throw store::StoreError("database is locked: /var/lib/gatehouse/gatehouse.db");
                      co_return json::array{};
                    });
    server.tool({.name = "range_bug"}, [](json::object args, RequestContext&) -> awaitable<ToolResult> {
      co_return ToolResult::text(json::serialize(args.at("missing")));
    });
    server.tool({.name = "book"}, [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
      json::object schema = json::parse(
          R"({"type":"object","properties":{"people":{"type":"integer","minimum":1,"maximum":12}},"required":["people"]})")
                                .as_object();
      auto question = ctx.elicit("How many?", std::move(schema), "people");
      json::object answer = co_await std::move(question);
      if (answer.at("action") != "accept") co_return ToolResult::text("declined");
      co_return ToolResult::text(json::serialize(answer.at("content").at("people")));
    });
    Tool lookup{.name = "lookup",
                .input_schema = json::parse(R"({"type":"object",
                  "properties":{"sku":{"type":"string","pattern":"^[A-Z]{2}-[0-9]{4}$"}},
                  "patternProperties":{"^x-":{"type":"string"}},
                  "required":["sku"],"additionalProperties":false})")
                                    .as_object()};
    server.tool(std::move(lookup), [this](json::object args, RequestContext&) -> awaitable<ToolResult> {
      ++lookups;
      co_return ToolResult::text(json::serialize(args.at("sku")));
    });
  }

  json::object respond(std::string_view method, json::object params) {
    jsonrpc::Message message{.kind = jsonrpc::Kind::request, .id = 1, .method = std::string(method), .params = std::move(params)};
    asio::io_context io;
    auto future = asio::co_spawn(io, dispatcher.dispatch(Call{message, channel, principal, nullptr}), asio::use_future);
    io.run();
    return future.get();
  }

  json::object call(std::string_view name, json::object arguments = {}) {
    auto response = respond("tools/call", json::object{{"name", name}, {"arguments", std::move(arguments)}});
    EXPECT_TRUE(response.contains("result")) << json::serialize(response);
    return response.at("result").as_object();
  }

  static std::string text_of(const json::object& result) {
    return std::string(result.at("content").as_array().at(0).at("text").as_string());
  }

  Server server;
  Dispatcher dispatcher{server};
  testing_support::FakeRequestChannel channel;
  Principal principal;
  int lookups = 0;  // calls that reached the lookup tool's handler
};

TEST_F(ToolFailures, AMessageForTheUserIsShownAsItIs) {
  auto result = call("user_error");
  EXPECT_TRUE(result.at("isError").as_bool());
  EXPECT_EQ(text_of(result), "the repository name is unknown");
}

TEST_F(ToolFailures, ALibraryExceptionShowsNoInternals) {
  for (std::string_view tool : {"json_bug", "range_bug"}) {
    auto result = call(tool);
    EXPECT_TRUE(result.at("isError").as_bool()) << tool;
    const std::string text = text_of(result);
    EXPECT_EQ(text, "the tool failed with an internal error (the server's log has the details)") << tool;
    EXPECT_EQ(text.find(".hpp"), std::string::npos) << text;
  }
}

// DESIGN "Errors": a failing store is the server's failure, said without
// the store's own text (which names files).
TEST_F(ToolFailures, AStoreFailureIsAToolErrorWithoutItsCause) {
  auto result = call("store_failure");
  EXPECT_TRUE(result.at("isError").as_bool());
  EXPECT_EQ(text_of(result), "the server could not read or write its store; try again in a moment");
}

TEST_F(ToolFailures, AnElicitationAnswerIsCheckedAgainstTheSchemaAskedWith) {
  channel.answers["elicitation/create"] = json::parse(R"({"action":"accept","content":{"people":4}})");
  EXPECT_EQ(text_of(call("book")), "4");

  for (const char* bad : {R"({"action":"accept","content":{"people":40}})", R"({"action":"accept","content":{}})",
                          R"({"action":"accept","content":{"people":"four"}})", R"({"action":"accept"})"}) {
    channel.answers["elicitation/create"] = json::parse(bad);
    auto result = call("book");
    EXPECT_TRUE(result.at("isError").as_bool()) << bad;
    EXPECT_NE(text_of(result).find("the answer to the question"), std::string::npos) << text_of(result);
  }

  channel.answers["elicitation/create"] = json::parse(R"({"action":"decline"})");
  EXPECT_EQ(text_of(call("book")), "declined");
}

// MCP 2025-11-25 server/tools "Error Handling": arguments that do not match
// the inputSchema are a tool error the model can correct, and the handler
// does not run. The schema's patterns were compiled when the tool was
// registered; calls compile none.
TEST_F(ToolFailures, ArgumentsAreCheckedAgainstTheInputSchemaPreparedAtRegistration) {
  const auto* entry = registry_of(server).find_tool("lookup");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->input_schema.compiled_patterns(), 2u);

  auto result = call("lookup", {{"sku", "AB-1234"}, {"x-trace", "on"}});
  EXPECT_FALSE(result.contains("isError") && result.at("isError").as_bool()) << json::serialize(result);
  EXPECT_EQ(lookups, 1);

  auto mismatch = call("lookup", {{"sku", "ab-1234"}});
  EXPECT_TRUE(mismatch.at("isError").as_bool());
  EXPECT_EQ(text_of(mismatch), R"(Invalid arguments for tool lookup: at /sku: must match pattern "^[A-Z]{2}-[0-9]{4}$")");
  auto extra = call("lookup", {{"sku", "AB-1234"}, {"y-trace", "on"}});
  EXPECT_TRUE(extra.at("isError").as_bool());
  EXPECT_EQ(text_of(extra), R"(Invalid arguments for tool lookup: at root: unexpected property "y-trace")");
  EXPECT_EQ(lookups, 1);
  EXPECT_EQ(entry->input_schema.compiled_patterns(), 2u);
}

}  // namespace
}  // namespace gatehouse::mcp

namespace gatehouse::mcp {
namespace {

// Issue boundary rule: outside a tool, a store failure on /mcp is a JSON-RPC
// internal error (-32603) whose message says what to do, not which file failed.
TEST_F(ToolFailures, AStoreFailureOutsideAToolIsAnInternalErrorWithoutItsCause) {
  auto response = respond("resources/read", json::object{{"uri", "file:///notes.txt"}});
  ASSERT_TRUE(response.contains("error")) << json::serialize(response);
  EXPECT_EQ(response.at("error").at("code"), error_code::internal_error);
  auto message = std::string(response.at("error").at("message").as_string());
  EXPECT_NE(message.find("store"), std::string::npos) << message;
  EXPECT_EQ(message.find("/var/lib"), std::string::npos) << message;
}

}  // namespace
}  // namespace gatehouse::mcp
