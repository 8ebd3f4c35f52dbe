// builtin:everything driven through the dispatcher, without sockets: a fake
// request channel records notifications and answers the server's questions
// (sampling, elicitation, roots) with canned results.
#include "builtin/builtin.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/jsonrpc.hpp"
#include "support/fake_request_channel.hpp"
#include "mcp/registry.hpp"

#include <gatehouse/content.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace gatehouse::builtin {
namespace {

namespace asio = boost::asio;
using mcp::jsonrpc::Kind;
using mcp::jsonrpc::Message;

constexpr std::string_view kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

bool is_base64(std::string_view s) {
  static const std::regex kBase64("^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$");
  return !s.empty() && std::regex_match(s.begin(), s.end(), kBase64);
}

using FakeChannel = testing_support::FakeRequestChannel;

// Records server events (resources/updated, list_changed).
class EventRecorder final : public mcp::ServerEvents {
 public:
  std::vector<std::string> updated;
  std::vector<std::string> list_changed_methods;
  void resource_updated(const std::string& uri, std::optional<std::string_view>) override { updated.push_back(uri); }
  void list_changed(std::string_view method, std::optional<std::string_view>) override { list_changed_methods.emplace_back(method); }
};

const json::value kSamplingAnswer = json::parse(
    R"({"role":"assistant","content":{"type":"text","text":"This is a test response from the client"},"model":"test-model","stopReason":"endTurn"})");
const json::value kRootsAnswer = json::parse(R"({"roots":[{"uri":"file:///test/root","name":"Test Root"}]})");

class EverythingTest : public testing::Test {
 protected:
  std::unique_ptr<Server> server = make_everything({});
  mcp::Dispatcher dispatcher{*server};
  FakeChannel channel;
  Principal principal;
  std::int64_t next_id = 1;

  // The full JSON-RPC response to one request.
  json::object send(std::string method, json::object params = {}) {
    Message message{.kind = Kind::request, .id = next_id++, .method = std::move(method), .params = std::move(params)};
    asio::io_context io;
    auto future = asio::co_spawn(io, dispatcher.dispatch(mcp::Call{message, channel, principal, nullptr}),
                                 asio::use_future);
    io.run();
    return future.get();
  }

  json::object result(std::string method, json::object params = {}) {
    auto response = send(std::move(method), std::move(params));
    EXPECT_FALSE(response.contains("error")) << json::serialize(response);
    if (!response.contains("result")) return {};
    return response.at("result").as_object();
  }

  json::object call(std::string_view name, std::optional<json::object> arguments = json::object{}) {
    json::object params{{"name", name}};
    if (arguments) params["arguments"] = std::move(*arguments);
    return result("tools/call", std::move(params));
  }

  static std::string first_text(const json::object& tool_result) {
    for (const auto& block : tool_result.at("content").as_array())
      if (block.at("type") == "text") return std::string(block.at("text").as_string());
    return {};
  }

  static const json::object& only_block(const json::object& tool_result, std::string_view type) {
    const auto& content = tool_result.at("content").as_array();
    EXPECT_EQ(content.size(), 1u);
    EXPECT_EQ(content.at(0).at("type"), json::value(type));
    return content.at(0).as_object();
  }

  void answer_everything() {
    channel.answers["sampling/createMessage"] = kSamplingAnswer;
    channel.answers["roots/list"] = kRootsAnswer;
  }
};

// ---------------------------------------------------------------------------
// Listings

TEST_F(EverythingTest, ServerInfoAndInstructions) {
  auto init = dispatcher.initialize_result("2025-11-25");
  EXPECT_EQ(init.at("serverInfo").at("name"), "gatehouse-everything");
  EXPECT_EQ(init.at("serverInfo").at("version"), "0.1.0");
  EXPECT_FALSE(init.at("instructions").as_string().empty());
  const auto& caps = init.at("capabilities").as_object();
  for (auto key : {"tools", "resources", "prompts", "logging", "completions"}) EXPECT_TRUE(caps.contains(key)) << key;
  EXPECT_EQ(caps.at("resources").at("subscribe"), true);
}

TEST_F(EverythingTest, ListsEveryToolWithValidSchemas) {
  auto listed = result("tools/list");
  EXPECT_FALSE(listed.contains("nextCursor"));
  const auto& tools = listed.at("tools").as_array();
  ASSERT_FALSE(tools.empty());
  // http-header-validation calls tools[0] with empty arguments.
  EXPECT_EQ(tools.at(0).at("name"), "test_simple_text");

  static const std::regex kName("^[A-Za-z0-9_.-]{1,128}$");
  std::set<std::string> names;
  for (const auto& t : tools) {
    const auto& tool = t.as_object();
    std::string name(tool.at("name").as_string());
    EXPECT_TRUE(std::regex_match(name, kName)) << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
    EXPECT_FALSE(tool.at("description").as_string().empty()) << name;
    const auto& input = tool.at("inputSchema").as_object();
    EXPECT_EQ(input.at("type"), "object") << name;
    if (auto* props = input.if_contains("properties")) {
      ASSERT_TRUE(props->is_object()) << name;
      for (const auto& [_, p] : props->as_object()) EXPECT_TRUE(p.is_object()) << name;
    }
    if (auto* out = tool.if_contains("outputSchema")) {
      EXPECT_EQ(out->at("type"), "object") << name;
    }
  }
  for (auto expected :
       {"test_simple_text", "test_image_content", "test_audio_content", "test_embedded_resource",
        "test_multiple_content_types", "test_tool_with_logging", "test_error_handling", "test_tool_with_progress",
        "test_sampling", "test_elicitation", "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums",
        "json_schema_2020_12_tool", "test_reconnection", "test_missing_capability", "test_streaming_elicitation",
        "test_logging_tool", "test_trigger_tool_change", "test_trigger_prompt_change", "test_custom_header_echo",
        "test_input_required_result_elicitation", "test_input_required_result_sampling",
        "test_input_required_result_list_roots", "test_input_required_result_request_state",
        "test_input_required_result_multiple_inputs", "test_input_required_result_multi_round",
        "test_input_required_result_tampered_state", "test_input_required_result_capabilities"})
    EXPECT_TRUE(names.contains(expected)) << expected;

  // Listing order is stable (tools-list-deterministic-order).
  EXPECT_EQ(result("tools/list").at("tools"), listed.at("tools"));
}

TEST_F(EverythingTest, ListsExactSchemasOfSchemaSensitiveTools) {
  std::map<std::string, json::object> by_name;
  auto tools = result("tools/list").at("tools").as_array();
  for (const auto& t : tools)
    by_name[std::string(t.at("name").as_string())] = t.at("inputSchema").as_object();

  EXPECT_EQ(by_name["test_simple_text"], obj(R"({"type":"object","properties":{}})"));
  EXPECT_EQ(by_name["test_sampling"],
            obj(R"({"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]})"));
  EXPECT_EQ(by_name["test_elicitation"],
            obj(R"({"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]})"));

  const auto& s = by_name["json_schema_2020_12_tool"];
  EXPECT_EQ(s.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_TRUE(s.at("$defs").at("address").as_object().contains("$anchor"));
  EXPECT_EQ(s.at("additionalProperties"), false);
  EXPECT_TRUE(s.at("allOf").at(0).at("anyOf").is_array());
  for (auto key : {"if", "then", "else"}) EXPECT_TRUE(s.contains(key)) << key;

  EXPECT_EQ(by_name["test_custom_header_echo"].at("properties").at("region"),
            obj(R"({"type":"string","x-mcp-header":"Region"})"));
}

// ---------------------------------------------------------------------------
// Content tools

TEST_F(EverythingTest, SimpleTextWithoutArguments) {
  auto r = call("test_simple_text", std::nullopt);
  EXPECT_EQ(only_block(r, "text").at("text"), "This is a simple text response for testing.");
  EXPECT_FALSE(r.contains("isError"));
}

TEST_F(EverythingTest, ImageAudioAndEmbeddedResource) {
  auto image_result = call("test_image_content");
  const auto& image = only_block(image_result, "image");
  EXPECT_EQ(image.at("data"), json::value(kPng));
  EXPECT_EQ(image.at("mimeType"), "image/png");

  auto audio_result = call("test_audio_content");
  const auto& audio = only_block(audio_result, "audio");
  EXPECT_TRUE(is_base64(audio.at("data").as_string()));
  EXPECT_EQ(audio.at("mimeType"), "audio/wav");

  auto embedded_result = call("test_embedded_resource");
  EXPECT_EQ(only_block(embedded_result, "resource").at("resource"),
            obj(R"({"uri":"test://embedded-resource","mimeType":"text/plain","text":"This is an embedded resource content."})"));
}

TEST_F(EverythingTest, MixedContent) {
  auto r = call("test_multiple_content_types");
  const auto& content = r.at("content").as_array();
  ASSERT_EQ(content.size(), 3u);
  EXPECT_EQ(content.at(0), obj(R"({"type":"text","text":"Multiple content types test:"})"));
  EXPECT_EQ(content.at(1).at("type"), "image");
  EXPECT_TRUE(is_base64(content.at(1).at("data").as_string()));
  EXPECT_EQ(content.at(2).at("resource"),
            obj(R"({"uri":"test://mixed-content-resource","mimeType":"application/json","text":"{\"test\":\"data\",\"value\":123}"})"));
}

TEST_F(EverythingTest, ErrorToolReturnsIsErrorResult) {
  auto response = send("tools/call", {{"name", "test_error_handling"}, {"arguments", json::object{}}});
  ASSERT_TRUE(response.contains("result")) << json::serialize(response);
  const auto& r = response.at("result").as_object();
  EXPECT_EQ(r.at("isError"), true);
  EXPECT_EQ(r.at("content").at(0).at("text"), "This tool intentionally returns an error for testing");
}

TEST_F(EverythingTest, ReconnectionAndCustomHeaderEcho) {
  EXPECT_EQ(first_text(call("test_reconnection")),
            "Reconnection test completed successfully. If you received this, the client properly reconnected after "
            "stream closure.");
  EXPECT_EQ(first_text(call("test_custom_header_echo", json::object{{"region", "Hello"}})), "Region: Hello");
}

// ---------------------------------------------------------------------------
// Notifications

TEST_F(EverythingTest, LoggingToolSendsThreeMessagesBeforeItsResult) {
  auto r = call("test_tool_with_logging");
  EXPECT_EQ(first_text(r), "Tool with logging executed successfully");
  auto logs = channel.notifications_of("notifications/message");
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0].params.at("data"), "Tool execution started");
  EXPECT_EQ(logs[2].params.at("data"), "Tool execution completed");
  for (const auto& log : logs) EXPECT_EQ(log.params.at("level"), "info");
}

TEST_F(EverythingTest, NoLogMessagesWithoutALogLevel) {
  channel.level = std::nullopt;
  call("test_logging_tool");
  call("test_tool_with_logging");
  EXPECT_TRUE(channel.notifications_of("notifications/message").empty());

  channel.level = LogLevel::info;  // debug is below info: two of three
  call("test_logging_tool");
  EXPECT_EQ(channel.notifications_of("notifications/message").size(), 2u);
}

TEST_F(EverythingTest, ProgressEchoesTheTokenAndIncreases) {
  for (json::value token : {json::value("progress-test-1"), json::value(1)}) {
    channel.notifications.clear();
    auto r = result("tools/call", {{"name", "test_tool_with_progress"},
                                   {"arguments", json::object{}},
                                   {"_meta", json::object{{"progressToken", token}}}});
    EXPECT_FALSE(first_text(r).empty());
    auto progress = channel.notifications_of("notifications/progress");
    ASSERT_EQ(progress.size(), 3u);
    double previous = -1;
    for (const auto& p : progress) {
      EXPECT_EQ(p.params.at("progressToken"), token);
      EXPECT_EQ(p.params.at("total").to_number<double>(), 100);
      double value = p.params.at("progress").to_number<double>();
      EXPECT_GE(value, previous);
      previous = value;
    }
    EXPECT_EQ(previous, 100);
  }
}

TEST_F(EverythingTest, NoProgressWithoutAToken) {
  call("test_tool_with_progress");
  EXPECT_TRUE(channel.notifications_of("notifications/progress").empty());
}

TEST_F(EverythingTest, TriggerAndUpdateToolsRaiseServerEvents) {
  auto events = std::make_shared<EventRecorder>();
  mcp::subscribe_events(*server, events);
  call("test_trigger_tool_change");
  call("test_trigger_prompt_change");
  EXPECT_EQ(events->list_changed_methods,
            (std::vector<std::string>{"notifications/tools/list_changed", "notifications/prompts/list_changed"}));

  call("test_update_watched_resource", json::object{{"text", "changed"}});
  EXPECT_EQ(events->updated, std::vector<std::string>{"test://watched-resource"});
  EXPECT_EQ(result("resources/read", {{"uri", "test://watched-resource"}}).at("contents").at(0).at("text"), "changed");
}

// ---------------------------------------------------------------------------
// Questions to the client

TEST_F(EverythingTest, SamplingRoundTrip) {
  answer_everything();
  auto r = call("test_sampling", json::object{{"prompt", "Test prompt for sampling"}});
  ASSERT_EQ(channel.asks.size(), 1u);
  EXPECT_EQ(channel.asks[0].method, "sampling/createMessage");
  EXPECT_EQ(channel.asks[0].params,
            obj(R"({"messages":[{"role":"user","content":{"type":"text","text":"Test prompt for sampling"}}],"maxTokens":100})"));
  EXPECT_TRUE(channel.asks[0].params.at("maxTokens").is_int64());
  EXPECT_EQ(first_text(r), "LLM response: This is a test response from the client");
}

TEST_F(EverythingTest, SamplingAcceptsAnArrayOfContentBlocks) {
  channel.answers["sampling/createMessage"] = json::parse(
      R"({"role":"assistant","content":[{"type":"text","text":"Paris"}],"model":"m","stopReason":"endTurn"})");
  EXPECT_EQ(first_text(call("test_input_required_result_sampling")), "LLM response: Paris");
}

TEST_F(EverythingTest, ElicitationRoundTrip) {
  channel.answers["elicitation/create"] =
      json::parse(R"({"action":"accept","content":{"username":"testuser","email":"test@example.com"}})");
  auto r = call("test_elicitation", json::object{{"message", "Please provide your information"}});
  ASSERT_EQ(channel.asks.size(), 1u);
  EXPECT_EQ(channel.asks[0].method, "elicitation/create");
  const auto& params = channel.asks[0].params;
  EXPECT_EQ(params.at("message"), "Please provide your information");
  EXPECT_EQ(params.at("requestedSchema"),
            obj(R"({"type":"object","properties":{"username":{"type":"string","description":"User's response"},"email":{"type":"string","description":"User's email address"}},"required":["username","email"]})"));
  auto text = first_text(r);
  EXPECT_NE(text.find("action=accept"), std::string::npos) << text;
  EXPECT_NE(text.find("testuser"), std::string::npos) << text;
}

TEST_F(EverythingTest, ElicitationDefaultsSep1034) {
  channel.answers["elicitation/create"] = json::parse(
      R"({"action":"accept","content":{"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false}})");
  auto r = call("test_elicitation_sep1034_defaults");
  ASSERT_EQ(channel.asks.size(), 1u);
  const auto& params = channel.asks[0].params;
  EXPECT_EQ(params.at("mode"), "form");
  EXPECT_EQ(params.at("message"), "Please review and update the form fields with defaults");
  const auto& props = params.at("requestedSchema").at("properties").as_object();
  EXPECT_EQ(props.at("name").at("type"), "string");
  EXPECT_EQ(props.at("name").at("default"), "John Doe");
  EXPECT_EQ(props.at("age").at("type"), "integer");
  EXPECT_TRUE(props.at("age").at("default").is_int64());
  EXPECT_EQ(props.at("age").at("default"), 30);
  EXPECT_EQ(props.at("score").at("type"), "number");
  EXPECT_EQ(props.at("score").at("default"), 95.5);
  EXPECT_EQ(props.at("status").at("enum"), json::parse(R"(["active","inactive","pending"])"));
  EXPECT_EQ(props.at("status").at("default"), "active");
  EXPECT_EQ(props.at("verified").at("type"), "boolean");
  EXPECT_EQ(props.at("verified").at("default"), true);
  EXPECT_NE(first_text(r).find("Jane Smith"), std::string::npos);
}

TEST_F(EverythingTest, ElicitationEnumsSep1330) {
  channel.answers["elicitation/create"] = json::parse(
      R"({"action":"accept","content":{"untitledSingle":"option1","titledSingle":"value1","legacyEnum":"opt1","untitledMulti":["option1","option2"],"titledMulti":["value1","value2"]}})");
  auto r = call("test_elicitation_sep1330_enums");
  ASSERT_EQ(channel.asks.size(), 1u);
  const auto& props = channel.asks[0].params.at("requestedSchema").at("properties").as_object();

  const auto& untitled = props.at("untitledSingle").as_object();
  EXPECT_TRUE(untitled.at("enum").is_array());
  EXPECT_FALSE(untitled.contains("oneOf") || untitled.contains("enumNames"));

  const auto& titled = props.at("titledSingle").as_object();
  EXPECT_FALSE(titled.contains("enum"));
  for (const auto& option : titled.at("oneOf").as_array()) {
    EXPECT_TRUE(option.at("const").is_string());
    EXPECT_TRUE(option.at("title").is_string());
  }

  const auto& legacy = props.at("legacyEnum").as_object();
  EXPECT_EQ(legacy.at("enum").as_array().size(), legacy.at("enumNames").as_array().size());

  const auto& multi = props.at("untitledMulti").as_object();
  EXPECT_EQ(multi.at("type"), "array");
  EXPECT_EQ(multi.at("items").at("type"), "string");
  EXPECT_TRUE(multi.at("items").at("enum").is_array());
  EXPECT_FALSE(multi.at("items").as_object().contains("anyOf"));

  const auto& titled_multi = props.at("titledMulti").as_object();
  EXPECT_EQ(titled_multi.at("type"), "array");
  EXPECT_FALSE(titled_multi.at("items").as_object().contains("enum"));
  for (const auto& option : titled_multi.at("items").at("anyOf").as_array()) {
    EXPECT_TRUE(option.at("const").is_string());
    EXPECT_TRUE(option.at("title").is_string());
  }
  EXPECT_NE(first_text(r).find("action=accept"), std::string::npos);
}

TEST_F(EverythingTest, InputRequiredElicitation) {
  channel.answers["elicitation/create"] = json::parse(R"({"action":"accept","content":{"name":"Alice"}})");
  EXPECT_EQ(first_text(call("test_input_required_result_elicitation")), "Hello, Alice!");
  ASSERT_EQ(channel.asks.size(), 1u);
  EXPECT_EQ(channel.asks[0].params.at("requestedSchema"),
            obj(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"));
  EXPECT_EQ(first_text(call("test_streaming_elicitation")).find("Elicitation result: action=accept"), 0u);
}

TEST_F(EverythingTest, MalformedElicitationAnswerIsAProtocolError) {
  channel.answers["elicitation/create"] = 12345;  // not a result object
  auto response = send("tools/call", {{"name", "test_input_required_result_elicitation"}, {"arguments", json::object{}}});
  ASSERT_TRUE(response.contains("error")) << json::serialize(response);
}

TEST_F(EverythingTest, InputRequiredSamplingRootsAndState) {
  answer_everything();
  channel.answers["elicitation/create"] = json::parse(R"({"action":"accept","content":{"ok":true}})");
  EXPECT_EQ(first_text(call("test_input_required_result_sampling")),
            "LLM response: This is a test response from the client");
  EXPECT_EQ(channel.asks.back().params.at("messages").at(0).at("content").at("text"),
            "What is the capital of France?");
  EXPECT_EQ(first_text(call("test_input_required_result_list_roots")), "Client roots: file:///test/root (Test Root)");
  EXPECT_EQ(channel.asks.back().method, "roots/list");
  EXPECT_EQ(first_text(call("test_input_required_result_request_state")), "state-ok: confirmed");
  EXPECT_NE(first_text(call("test_input_required_result_tampered_state")).find("action=accept"), std::string::npos);
}

TEST_F(EverythingTest, InputRequiredMultipleInputsAreAskedTogether) {
  answer_everything();
  channel.answers["elicitation/create"] = json::parse(R"({"action":"accept","content":{"name":"Alice"}})");
  auto text = first_text(call("test_input_required_result_multiple_inputs"));
  std::set<std::string> methods;
  for (const auto& ask : channel.asks) methods.insert(ask.method);
  EXPECT_EQ(methods, (std::set<std::string>{"elicitation/create", "sampling/createMessage", "roots/list"}));
  EXPECT_EQ(text, "name=Alice, greeting=This is a test response from the client, roots=1");
}

TEST_F(EverythingTest, InputRequiredMultiRoundAsksTwice) {
  // The fake answers both questions alike; content holds both fields.
  channel.answers["elicitation/create"] = json::parse(R"({"action":"accept","content":{"name":"Alice","color":"blue"}})");
  EXPECT_EQ(first_text(call("test_input_required_result_multi_round")), "Alice likes blue.");
  ASSERT_EQ(channel.asks.size(), 2u);
  EXPECT_TRUE(channel.asks[0].params.at("requestedSchema").at("properties").as_object().contains("name"));
  EXPECT_TRUE(channel.asks[1].params.at("requestedSchema").at("properties").as_object().contains("color"));
}

TEST_F(EverythingTest, CapabilitiesToolAsksOnlyDeclaredCapabilities) {
  answer_everything();
  channel.capabilities = {{"sampling", json::object{}}};
  call("test_input_required_result_capabilities");
  ASSERT_EQ(channel.asks.size(), 1u);
  EXPECT_EQ(channel.asks[0].method, "sampling/createMessage");

  channel.asks.clear();
  channel.capabilities.clear();
  EXPECT_FALSE(first_text(call("test_input_required_result_capabilities")).empty());
  EXPECT_TRUE(channel.asks.empty());
}

TEST_F(EverythingTest, MissingCapabilityIsRejectedWith32021) {
  channel.capabilities.clear();
  auto response = send("tools/call", {{"name", "test_missing_capability"}, {"arguments", json::object{}}});
  ASSERT_TRUE(response.contains("error")) << json::serialize(response);
  EXPECT_EQ(response.at("error").at("code"), -32021);
  EXPECT_TRUE(response.at("error").at("data").at("requiredCapabilities").at("sampling").is_object());
  EXPECT_TRUE(channel.asks.empty());

  answer_everything();
  channel.capabilities = {{"sampling", json::object{}}};
  EXPECT_FALSE(first_text(call("test_missing_capability")).empty());
  EXPECT_EQ(channel.asks.size(), 1u);
}

// ---------------------------------------------------------------------------
// Resources

TEST_F(EverythingTest, ListsResourcesAndTemplate) {
  auto resources = result("resources/list").at("resources").as_array();
  ASSERT_EQ(resources.size(), 3u);
  EXPECT_EQ(resources.at(0).at("uri"), "test://static-text");  // caching reads resources[0]
  std::set<std::string> names;
  for (const auto& r : resources) {
    EXPECT_FALSE(r.at("uri").as_string().empty());
    names.insert(std::string(r.at("name").as_string()));
  }
  EXPECT_EQ(names, (std::set<std::string>{"static-text", "static-binary", "watched-resource"}));

  auto templates = result("resources/templates/list").at("resourceTemplates").as_array();
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates.at(0).at("uriTemplate"), "test://template/{id}/data");
  EXPECT_EQ(templates.at(0).at("name"), "template");
  EXPECT_EQ(templates.at(0).at("mimeType"), "application/json");
}

TEST_F(EverythingTest, ReadsEachResource) {
  EXPECT_EQ(result("resources/read", {{"uri", "test://static-text"}}).at("contents"),
            json::parse(R"([{"uri":"test://static-text","mimeType":"text/plain","text":"This is the content of the static text resource."}])"));

  auto binary = result("resources/read", {{"uri", "test://static-binary"}}).at("contents").at(0).as_object();
  EXPECT_EQ(binary.at("mimeType"), "image/png");
  EXPECT_EQ(binary.at("blob"), json::value(kPng));
  EXPECT_TRUE(is_base64(binary.at("blob").as_string()));

  EXPECT_EQ(result("resources/read", {{"uri", "test://watched-resource"}}).at("contents").at(0).at("text"),
            "Watched resource content");

  EXPECT_EQ(result("resources/read", {{"uri", "test://template/123/data"}}).at("contents"),
            json::parse(R"([{"uri":"test://template/123/data","mimeType":"application/json","text":"{\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\"}"}])"));
}

TEST_F(EverythingTest, UnknownResourceIsNotFound) {
  constexpr std::string_view kUri = "test://nonexistent-resource-for-conformance-testing";
  auto response = send("resources/read", {{"uri", kUri}});
  ASSERT_TRUE(response.contains("error")) << json::serialize(response);
  EXPECT_EQ(response.at("error").at("code"), -32002);
  EXPECT_EQ(response.at("error").at("data").at("uri"), json::value(kUri));
}

// ---------------------------------------------------------------------------
// Prompts and completion

TEST_F(EverythingTest, ListsPromptsWithDescriptions) {
  std::set<std::string> names;
  auto prompts = result("prompts/list").at("prompts").as_array();
  for (const auto& p : prompts) {
    EXPECT_FALSE(p.at("description").as_string().empty());
    names.insert(std::string(p.at("name").as_string()));
  }
  EXPECT_EQ(names, (std::set<std::string>{"test_simple_prompt", "test_prompt_with_arguments",
                                          "test_prompt_with_embedded_resource", "test_prompt_with_image",
                                          "test_input_required_result_prompt"}));
}

TEST_F(EverythingTest, GetsPrompts) {
  EXPECT_EQ(result("prompts/get", {{"name", "test_simple_prompt"}}).at("messages"),
            json::parse(R"([{"role":"user","content":{"type":"text","text":"This is a simple prompt for testing."}}])"));

  EXPECT_EQ(result("prompts/get", {{"name", "test_prompt_with_arguments"},
                                   {"arguments", json::object{{"arg1", "testValue1"}, {"arg2", "testValue2"}}}})
                .at("messages"),
            json::parse(R"([{"role":"user","content":{"type":"text","text":"Prompt with arguments: arg1='testValue1', arg2='testValue2'"}}])"));

  EXPECT_EQ(result("prompts/get", {{"name", "test_prompt_with_embedded_resource"},
                                   {"arguments", json::object{{"resourceUri", "test://example-resource"}}}})
                .at("messages"),
            json::parse(R"([{"role":"user","content":{"type":"resource","resource":{"uri":"test://example-resource","mimeType":"text/plain","text":"Embedded resource content for testing."}}},
                            {"role":"user","content":{"type":"text","text":"Please process the embedded resource above."}}])"));

  auto image = result("prompts/get", {{"name", "test_prompt_with_image"}}).at("messages").as_array();
  ASSERT_EQ(image.size(), 2u);
  EXPECT_EQ(image.at(0).at("content"), content::image(kPng, "image/png"));

  // A required argument that is missing is a protocol error.
  EXPECT_TRUE(send("prompts/get", {{"name", "test_prompt_with_arguments"}}).contains("error"));
}

TEST_F(EverythingTest, InputRequiredPromptAsksForContext) {
  channel.answers["elicitation/create"] = json::parse(R"({"action":"accept","content":{"context":"test context"}})");
  auto messages = result("prompts/get", {{"name", "test_input_required_result_prompt"}}).at("messages");
  EXPECT_EQ(messages, json::parse(R"([{"role":"user","content":{"type":"text","text":"Context: test context"}}])"));
  ASSERT_EQ(channel.asks.size(), 1u);
  EXPECT_EQ(channel.asks[0].method, "elicitation/create");
}

TEST_F(EverythingTest, CompletesPromptArgumentsAndTemplateVariables) {
  auto completion = result("completion/complete", obj(R"({"ref":{"type":"ref/prompt","name":"test_prompt_with_arguments"},"argument":{"name":"arg1","value":"test"}})"))
                        .at("completion");
  EXPECT_EQ(completion.at("values"), json::parse(R"(["testValue1","testValue2","test"])"));
  EXPECT_EQ(completion.at("total"), 3);
  EXPECT_EQ(completion.at("hasMore"), false);

  auto ids = result("completion/complete", obj(R"({"ref":{"type":"ref/resource","uri":"test://template/{id}/data"},"argument":{"name":"id","value":"12"}})"))
                 .at("completion");
  EXPECT_EQ(ids.at("values"), json::parse(R"(["123"])"));

  auto uris = result("completion/complete", obj(R"({"ref":{"type":"ref/prompt","name":"test_prompt_with_embedded_resource"},"argument":{"name":"resourceUri","value":"test://static"}})"))
                  .at("completion");
  EXPECT_EQ(uris.at("values"), json::parse(R"(["test://static-text","test://static-binary"])"));

  auto none = result("completion/complete", obj(R"({"ref":{"type":"ref/prompt","name":"test_simple_prompt"},"argument":{"name":"x","value":""}})"))
                  .at("completion");
  EXPECT_TRUE(none.at("values").as_array().empty());
}

}  // namespace
}  // namespace gatehouse::builtin
