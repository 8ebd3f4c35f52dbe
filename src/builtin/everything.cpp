// builtin:everything — the tools, resources and prompts the official MCP
// conformance suite exercises (names, schemas and texts follow the suite's
// reference "everything" server), written with the public API only. It is
// also a tour of that API: every kind of content block, logging, progress,
// sampling, elicitation, roots, resource templates, subscriptions, prompts
// and completion.
//
// Handlers are written once for both protocol eras: a question to the client
// (ctx.elicit, ctx.create_message, ctx.list_roots) is a server→client request
// inside a 2025-era session, and an input-required round on the stateless
// 2026-07-28 wire; the transport makes that difference, not the handler.
#include "builtin/builtin.hpp"
#include "json.hpp"

#include <gatehouse/content.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <mutex>
#include <string>

namespace gatehouse::builtin {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A 1×1 red PNG and a tiny WAV header, both already base64 encoded.
constexpr std::string_view kPngBase64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr std::string_view kWavBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

constexpr std::string_view kWatchedUri = "test://watched-resource";

// MCP 2026-07-28 MissingRequiredClientCapabilityError (not yet named in
// <gatehouse/error.hpp>).
constexpr int kMissingRequiredClientCapability = -32021;

json::object schema(std::string_view text) { return json::parse(text).as_object(); }

// The schema of a tool without parameters.
json::object no_arguments() { return {{"type", "object"}, {"properties", json::object{}}}; }

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

std::string string_or_empty(const json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// The text of a sampling/createMessage result, whose `content` is one block
// or (since 2025-11-25) an array of blocks.
std::string sampled_text(const json::object& result) {
  auto* content = result.if_contains("content");
  if (!content) return {};
  if (content->is_object()) return string_or_empty(content->get_object(), "text");
  std::string text;
  if (content->is_array())
    for (const auto& block : content->get_array())
      if (block.is_object()) text += string_or_empty(block.get_object(), "text");
  return text;
}

// "action=accept, content={...}" for an elicitation/create result.
std::string describe_elicitation(const json::object& result) {
  std::string text = "action=" + string_or_empty(result, "action");
  if (auto* content = result.if_contains("content")) text += ", content=" + json::serialize(*content);
  return text;
}

// The `content` of an accepted elicitation, or nullptr when the user
// declined, cancelled or sent no content.
const json::object* accepted_content(const json::object& result) {
  if (string_or_empty(result, "action") != "accept") return nullptr;
  auto* content = result.if_contains("content");
  return content && content->is_object() ? &content->get_object() : nullptr;
}

json::object user_message(json::object content) { return {{"role", "user"}, {"content", std::move(content)}}; }

json::object text_sampling_request(std::string_view prompt) {
  return {{"messages", json::array{user_message(content::text(prompt))}}, {"maxTokens", 100}};
}

// The values of `candidates` that start with `prefix`.
Completion complete_from(std::initializer_list<std::string_view> candidates, std::string_view prefix) {
  Completion completion;
  for (auto candidate : candidates)
    if (candidate.starts_with(prefix)) completion.values.emplace_back(candidate);
  completion.total = static_cast<std::int64_t>(completion.values.size());
  return completion;
}

// The text of test://watched-resource, which test_update_watched_resource
// changes so subscribers see resources/updated.
class WatchedResource {
 public:
  std::string get() const {
    std::lock_guard lock(mutex_);
    return text_;
  }
  void set(std::string text) {
    std::lock_guard lock(mutex_);
    text_ = std::move(text);
  }

 private:
  mutable std::mutex mutex_;
  std::string text_ = "Watched resource content";
};

// ---------------------------------------------------------------------------
// Tools of the 2025-era scenarios (tools-call-*, elicitation-*, json-schema-*,
// server-sse-polling). test_simple_text stays first: the 2026 header
// validation scenario calls tools[0] with empty arguments.
void add_content_tools(Server& server) {
  // tools-call-simple-text: one text block; called without `arguments`.
  server.tool({.name = "test_simple_text",
               .description = "Returns a simple text response.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult::text("This is a simple text response for testing.");
              });

  // tools-call-image: one image block with base64 PNG data.
  server.tool({.name = "test_image_content",
               .description = "Returns an image content block (a 1x1 red PNG).",
               .input_schema = no_arguments()},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult{.content = {content::image(kPngBase64, "image/png")}};
              });

  // tools-call-audio: one audio block; the suite checks mimeType "audio/wav".
  server.tool({.name = "test_audio_content",
               .description = "Returns an audio content block (a tiny WAV file).",
               .input_schema = no_arguments()},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult{.content = {content::audio(kWavBase64, "audio/wav")}};
              });

  // tools-call-embedded-resource: a `resource` block with text contents.
  server.tool({.name = "test_embedded_resource",
               .description = "Returns an embedded text resource.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult{.content = {content::embedded(content::text_contents(
                                         "test://embedded-resource", "text/plain",
                                         "This is an embedded resource content."))}};
              });

  // tools-call-mixed-content: text, image and embedded resource together.
  server.tool({.name = "test_multiple_content_types",
               .description = "Returns text, image and embedded resource content in one result.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult{.content = {
                                         content::text("Multiple content types test:"),
                                         content::image(kPngBase64, "image/png"),
                                         content::embedded(content::text_contents(
                                             "test://mixed-content-resource", "application/json",
                                             R"({"test":"data","value":123})")),
                                     }};
              });
}

void add_notification_tools(Server& server) {
  // tools-call-with-logging: three notifications/message before the result.
  server.tool({.name = "test_tool_with_logging",
               .description = "Sends three log messages while it runs.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                ctx.log(LogLevel::info, "Tool execution started", "test_tool_with_logging");
                co_await sleep_for(50ms);
                ctx.log(LogLevel::info, "Tool processing data", "test_tool_with_logging");
                co_await sleep_for(50ms);
                ctx.log(LogLevel::info, "Tool execution completed", "test_tool_with_logging");
                co_return ToolResult::text("Tool with logging executed successfully");
              });

  // tools-call-error: a tool execution error is a result with isError, not a
  // JSON-RPC error.
  server.tool({.name = "test_error_handling",
               .description = "Always fails, returning a tool result with isError: true.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult::error("This tool intentionally returns an error for testing");
              });

  // tools-call-with-progress: progress 0, 50, 100 of 100 for the caller's
  // progressToken, all before the result.
  server.tool({.name = "test_tool_with_progress",
               .description = "Reports progress (0, 50, 100 of 100) while it runs.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                ctx.progress(0, 100, "Started");
                co_await sleep_for(50ms);
                ctx.progress(50, 100, "Half way");
                co_await sleep_for(50ms);
                ctx.progress(100, 100, "Done");
                co_return ToolResult::text("Tool with progress executed successfully");
              });
}

void add_client_request_tools(Server& server) {
  // tools-call-sampling: sampling/createMessage with the caller's prompt.
  server.tool({.name = "test_sampling",
               .description = "Asks the client's LLM to answer a prompt (sampling/createMessage).",
               .input_schema = schema(R"({"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]})")},
              [](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.create_message(text_sampling_request(args.at("prompt").as_string()));
                co_return ToolResult::text("LLM response: " + sampled_text(result));
              });

  // tools-call-elicitation: a form with two required string fields.
  server.tool({.name = "test_elicitation",
               .description = "Asks the user for a username and an email address (elicitation/create).",
               .input_schema = schema(R"({"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]})")},
              [](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(
                    std::string(args.at("message").as_string()),
                    schema(R"({"type":"object","properties":{
                      "username":{"type":"string","description":"User's response"},
                      "email":{"type":"string","description":"User's email address"}},
                      "required":["username","email"]})"));
                co_return ToolResult::text("User response: " + describe_elicitation(result));
              });

  // elicitation-sep1034-defaults: a default on every primitive field type.
  server.tool({.name = "test_elicitation_sep1034_defaults",
               .description = "Asks for a form whose string, integer, number, enum and boolean fields have defaults (SEP-1034).",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(schema(R"({"mode":"form",
                  "message":"Please review and update the form fields with defaults",
                  "requestedSchema":{"type":"object","properties":{
                    "name":{"type":"string","description":"User name","default":"John Doe"},
                    "age":{"type":"integer","description":"User age","default":30},
                    "score":{"type":"number","description":"User score","default":95.5},
                    "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
                    "verified":{"type":"boolean","description":"Verification status","default":true}},
                    "required":[]}})"));
                co_return ToolResult::text("Elicitation completed: " + describe_elicitation(result));
              });

  // elicitation-sep1330-enums: the five enum shapes (untitled, titled and
  // legacy single select; untitled and titled multi select).
  server.tool({.name = "test_elicitation_sep1330_enums",
               .description = "Asks for a form using every enum schema variant (SEP-1330).",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(schema(R"json({"mode":"form",
                  "message":"Please select options from the enum fields",
                  "requestedSchema":{"type":"object","properties":{
                    "untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},
                    "titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[
                      {"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
                    "legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],
                      "enumNames":["Option One","Option Two","Option Three"]},
                    "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,
                      "items":{"type":"string","enum":["option1","option2","option3"]}},
                    "titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,
                      "items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},
                    "required":[]}})json"));
                co_return ToolResult::text("Elicitation completed: " + describe_elicitation(result));
              });
}

void add_misc_tools(Server& server, std::shared_ptr<WatchedResource> watched) {
  // json-schema-2020-12: the input schema is listed exactly as written,
  // with $schema, $defs/$anchor, $ref, allOf/anyOf and if/then/else.
  server.tool({.name = "json_schema_2020_12_tool",
               .description = "Tool with JSON Schema 2020-12 features",
               .input_schema = schema(R"({
                 "$schema":"https://json-schema.org/draft/2020-12/schema",
                 "type":"object",
                 "$defs":{"address":{"$anchor":"addressDef","type":"object",
                   "properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
                 "properties":{
                   "name":{"type":"string"},
                   "address":{"$ref":"#/$defs/address"},
                   "contactMethod":{"type":"string","enum":["phone","email"]},
                   "phone":{"type":"string"},
                   "email":{"type":"string"}},
                 "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
                 "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},
                 "then":{"required":["phone"]},
                 "else":{"required":["email"]},
                 "additionalProperties":false})")},
              [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult::text("Received: " + json::serialize(args));
              });

  // server-sse-polling (SEP-1699): the transport ends the POST stream after
  // its priming event; this result then reaches the client on the GET
  // stream it resumes with Last-Event-ID. The pause keeps the call running
  // past the moment the stream closes.
  server.tool({.name = "test_reconnection",
               .description = "A tool that triggers SSE stream closure to test client reconnection behavior",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                // End the SSE response now (after its priming event); the
                // result follows on the stream the client resumes with
                // GET + Last-Event-ID (MCP 2025-11-25 "Polling SSE Streams").
                ctx.close_response_stream();
                co_await sleep_for(100ms);
                co_return ToolResult::text(
                    "Reconnection test completed successfully. If you received this, the client properly "
                    "reconnected after stream closure.");
              });

  // resources-subscribe (not scored, for people): changing the watched
  // resource sends notifications/resources/updated to its subscribers.
  server.tool({.name = "test_update_watched_resource",
               .description = "Replaces the text of test://watched-resource and notifies its subscribers.",
               .input_schema = schema(R"({"type":"object","properties":{"text":{"type":"string","description":"The new text"}}})")},
              [&server, watched](json::object args, RequestContext&) -> awaitable<ToolResult> {
                auto* text = args.if_contains("text");
                std::string new_text = "Watched resource content, updated";
                if (text && text->is_string()) new_text = text->get_string();
                watched->set(std::move(new_text));
                server.notify_resource_updated(std::string(kWatchedUri));
                co_return ToolResult::text("Updated " + std::string(kWatchedUri));
              });
}

// ---------------------------------------------------------------------------
// Tools of the 2026-07-28 scenarios (server-stateless, http-custom-header-*).
void add_stateless_tools(Server& server) {
  // server-stateless "rejects undeclared capability": without the client's
  // sampling capability the call fails with -32021 naming what is missing.
  server.tool({.name = "test_missing_capability",
               .description = "Needs the client's sampling capability; fails with -32021 when it is missing.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                if (!ctx.client_supports("sampling"))
                  throw McpError(kMissingRequiredClientCapability, "This tool needs the client's sampling capability",
                                 json::object{{"requiredCapabilities", json::object{{"sampling", json::object{}}}}});
                auto result = co_await ctx.create_message(text_sampling_request("Say hello."));
                co_return ToolResult::text("LLM response: " + sampled_text(result));
              });

  // server-stateless "no independent requests on stream": the question must
  // come back as an input-required result, never as a request on the stream.
  server.tool({.name = "test_streaming_elicitation",
               .description = "Asks the user a question mid-call (elicitation/create).",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(
                    "What is your name?", schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"));
                co_return ToolResult::text("Elicitation result: " + describe_elicitation(result));
              });

  // server-stateless "no log without logLevel": ctx.log sends nothing unless
  // the client asked for a level.
  server.tool({.name = "test_logging_tool",
               .description = "Logs three messages, which reach only clients that asked for a log level.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                ctx.log(LogLevel::debug, "Logging tool: debug message", "test_logging_tool");
                ctx.log(LogLevel::info, "Logging tool: info message", "test_logging_tool");
                ctx.log(LogLevel::warning, "Logging tool: warning message", "test_logging_tool");
                co_return ToolResult::text("Logging tool executed");
              });

  // server-stateless subscriptions: list_changed notifications on demand.
  server.tool({.name = "test_trigger_tool_change",
               .description = "Sends notifications/tools/list_changed.",
               .input_schema = no_arguments()},
              [&server](json::object, RequestContext&) -> awaitable<ToolResult> {
                server.notify_list_changed("tools");
                co_return ToolResult::text("Sent notifications/tools/list_changed");
              });
  server.tool({.name = "test_trigger_prompt_change",
               .description = "Sends notifications/prompts/list_changed.",
               .input_schema = no_arguments()},
              [&server](json::object, RequestContext&) -> awaitable<ToolResult> {
                server.notify_list_changed("prompts");
                co_return ToolResult::text("Sent notifications/prompts/list_changed");
              });

  // http-custom-header-server-validation (SEP-2243): `region` is mirrored in
  // the Mcp-Param-Region header, which the transport checks against the body.
  server.tool({.name = "test_custom_header_echo",
               .description = "Echoes a value mirrored in Mcp-Param-Region",
               .input_schema = schema(R"({"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"}},"required":["region"]})")},
              [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult::text("Region: " + std::string(args.at("region").as_string()));
              });
}

// Tools of the 2026-07-28 input-required-result scenarios (SEP-2322). Each
// simply awaits its questions; on the stateless wire the transport answers
// them with an InputRequiredResult and reruns the handler with the client's
// inputResponses, protecting requestState against tampering.
void add_input_required_tools(Server& server) {
  // basic-elicitation, missing-input-response, result-type,
  // ignore-extra-params, validate-input: one elicitation (key `user_name`).
  server.tool({.name = "test_input_required_result_elicitation",
               .description = "Asks the user for their name, then greets them.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(
                    "What is your name?", schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"), "user_name");
                auto* content = accepted_content(result);
                if (!content) co_return ToolResult::text("No name given (" + describe_elicitation(result) + ").");
                auto name = string_or_empty(*content, "name");
                if (name.empty()) co_return ToolResult::error("The answer has no name.");
                co_return ToolResult::text("Hello, " + name + "!");
              });

  // basic-sampling: one sampling request.
  server.tool({.name = "test_input_required_result_sampling",
               .description = "Asks the client's LLM for the capital of France.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.create_message(text_sampling_request("What is the capital of France?"), "capital_question");
                co_return ToolResult::text("LLM response: " + sampled_text(result));
              });

  // basic-list-roots: one roots/list request.
  server.tool({.name = "test_input_required_result_list_roots",
               .description = "Lists the client's roots.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto roots = co_await ctx.list_roots("client_roots");
                std::string text = "Client roots:";
                for (const auto& root : roots)
                  if (root.is_object())
                    text += " " + string_or_empty(root.get_object(), "uri") + " (" +
                            string_or_empty(root.get_object(), "name") + ")";
                co_return ToolResult::text(text);
              });

  // request-state: the answer arrives with the requestState of round one.
  server.tool({.name = "test_input_required_result_request_state",
               .description = "Asks for a confirmation and reports state-ok once it arrives.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(
                    "Please confirm", schema(R"({"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]})"),
                    "confirm");
                auto* content = accepted_content(result);
                bool ok = content && content->contains("ok") && content->at("ok") == json::value(true);
                co_return ToolResult::text(ok ? "state-ok: confirmed" : "state-ok: not confirmed");
              });

  // multiple-input-requests: elicitation, sampling and roots asked at once
  // (concurrently, so they form one round with three input requests).
  server.tool({.name = "test_input_required_result_multiple_inputs",
               .description = "Asks for a name, a sampled greeting and the client's roots, all at once.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                using namespace asio::experimental::awaitable_operators;
                auto [answer, greeting, roots] = co_await (
                    ctx.elicit("What is your name?",
                               schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"),
                               "user_name") &&
                    ctx.create_message(text_sampling_request("Say a short greeting."), "greeting") &&
                    ctx.list_roots("client_roots"));
                auto* content = accepted_content(answer);
                std::string name;
                if (content) name = string_or_empty(*content, "name");
                co_return ToolResult::text("name=" + name + ", greeting=" + sampled_text(greeting) +
                                           ", roots=" + std::to_string(roots.size()));
              });

  // multi-round: the second question is asked only after the first answer.
  server.tool({.name = "test_input_required_result_multi_round",
               .description = "Asks for a name, then for a favourite colour.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto first = co_await ctx.elicit("What is your name?", schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"), "step1");
                auto* name = accepted_content(first);
                if (!name) co_return ToolResult::text("No name given.");
                auto second = co_await ctx.elicit(
                    "What is your favourite colour?",
                    schema(R"({"type":"object","properties":{"color":{"type":"string"}},"required":["color"]})"), "step2");
                auto* color = accepted_content(second);
                std::string colour = "no colour";
                if (color) colour = string_or_empty(*color, "color");
                co_return ToolResult::text(string_or_empty(*name, "name") + " likes " + colour + ".");
              });

  // tampered-state: a modified requestState must be rejected (transport).
  server.tool({.name = "test_input_required_result_tampered_state",
               .description = "Asks for a confirmation; a tampered requestState is rejected.",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto result = co_await ctx.elicit(
                    "Please confirm", schema(R"({"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]})"),
                    "confirm");
                co_return ToolResult::text("Confirmation: " + describe_elicitation(result));
              });

  // capability-check: ask only what the client declared it can answer.
  server.tool({.name = "test_input_required_result_capabilities",
               .description = "Asks the client only through the capabilities it declared (elicitation, sampling).",
               .input_schema = no_arguments()},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                std::string text;
                if (ctx.client_supports("elicitation")) {
                  auto result = co_await ctx.elicit(
                      "What is your name?", schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"));
                  text += "elicitation: " + describe_elicitation(result) + "\n";
                }
                if (ctx.client_supports("sampling")) {
                  auto result = co_await ctx.create_message(text_sampling_request("Say hello."));
                  text += "sampling: " + sampled_text(result) + "\n";
                }
                if (text.empty()) text = "The client declared neither elicitation nor sampling.";
                co_return ToolResult::text(text);
              });
}

// ---------------------------------------------------------------------------
// Resources (resources-*, sep-2164-resource-not-found, caching).
// test://static-text stays first: the caching scenario reads resources[0].
void add_resources(Server& server, std::shared_ptr<WatchedResource> watched) {
  // resources-read-text: text contents.
  server.resource({.uri = "test://static-text",
                   .name = "static-text",
                   .description = "A static text resource",
                   .mime_type = "text/plain"},
                  [](const ResourceRequest& request, RequestContext&) -> awaitable<json::array> {
                    co_return json::array{content::text_contents(request.uri, "text/plain",
                                                                 "This is the content of the static text resource.")};
                  });

  // resources-read-binary: blob (base64) contents.
  server.resource({.uri = "test://static-binary",
                   .name = "static-binary",
                   .description = "A static binary resource (a 1x1 red PNG)",
                   .mime_type = "image/png"},
                  [](const ResourceRequest& request, RequestContext&) -> awaitable<json::array> {
                    co_return json::array{content::blob_contents(request.uri, "image/png", kPngBase64)};
                  });

  // resources-subscribe / -unsubscribe: the resource clients subscribe to;
  // test_update_watched_resource changes it.
  server.resource({.uri = std::string(kWatchedUri),
                   .name = "watched-resource",
                   .description = "A resource to subscribe to; test_update_watched_resource changes it",
                   .mime_type = "text/plain"},
                  [watched](const ResourceRequest& request, RequestContext&) -> awaitable<json::array> {
                    co_return json::array{content::text_contents(request.uri, "text/plain", watched->get())};
                  });

  // resources-templates-read: the variable must show up in the text.
  server.resource_template(
      {.uri_template = "test://template/{id}/data",
       .name = "template",
       .description = "A JSON document for any id",
       .mime_type = "application/json"},
      [](const ResourceRequest& request, RequestContext&) -> awaitable<json::array> {
        const auto& id = request.variables.at("id");
        json::object data{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
        co_return json::array{content::text_contents(request.uri, "application/json", json::serialize(data))};
      });
}

// ---------------------------------------------------------------------------
// Prompts (prompts-*, input-required-result-non-tool-request).
void add_prompts(Server& server) {
  // prompts-get-simple: no arguments, one text message.
  server.prompt({.name = "test_simple_prompt", .description = "A simple prompt without arguments"},
                [](const std::map<std::string, std::string>&, RequestContext&) -> awaitable<PromptResult> {
                  co_return PromptResult{.messages = {user_message(content::text("This is a simple prompt for testing."))}};
                });

  // prompts-get-with-args: both arguments appear in the message.
  server.prompt({.name = "test_prompt_with_arguments",
                 .description = "A prompt with two required arguments",
                 .arguments = {{.name = "arg1", .description = "First test argument", .required = true},
                               {.name = "arg2", .description = "Second test argument", .required = true}}},
                [](const std::map<std::string, std::string>& args, RequestContext&) -> awaitable<PromptResult> {
                  co_return PromptResult{.messages = {user_message(content::text(
                                             "Prompt with arguments: arg1='" + args.at("arg1") + "', arg2='" +
                                             args.at("arg2") + "'"))}};
                });

  // prompts-get-embedded-resource: a `resource` block for the given URI.
  server.prompt({.name = "test_prompt_with_embedded_resource",
                 .description = "A prompt that embeds a resource",
                 .arguments = {{.name = "resourceUri", .description = "URI of the resource to embed", .required = true}}},
                [](const std::map<std::string, std::string>& args, RequestContext&) -> awaitable<PromptResult> {
                  co_return PromptResult{.messages = {
                                             user_message(content::embedded(content::text_contents(
                                                 args.at("resourceUri"), "text/plain",
                                                 "Embedded resource content for testing."))),
                                             user_message(content::text("Please process the embedded resource above.")),
                                         }};
                });

  // prompts-get-with-image: an image block.
  server.prompt({.name = "test_prompt_with_image", .description = "A prompt that includes an image"},
                [](const std::map<std::string, std::string>&, RequestContext&) -> awaitable<PromptResult> {
                  co_return PromptResult{.messages = {
                                             user_message(content::image(kPngBase64, "image/png")),
                                             user_message(content::text("Please analyze the image above.")),
                                         }};
                });

  // input-required-result-non-tool-request: prompts can ask the client too.
  server.prompt({.name = "test_input_required_result_prompt",
                 .description = "Asks the user for context before building the prompt"},
                [](const std::map<std::string, std::string>&, RequestContext& ctx) -> awaitable<PromptResult> {
                  auto result = co_await ctx.elicit(
                      "What context should the prompt use?",
                      schema(R"({"type":"object","properties":{"context":{"type":"string"}},"required":["context"]})"),
                      "user_context");
                  auto* content = accepted_content(result);
                  std::string text = "No context was given.";
                  if (content) {
                    auto context = string_or_empty(*content, "context");
                    if (!context.empty()) text = "Context: " + context;
                  }
                  co_return PromptResult{.messages = {user_message(content::text(text))}};
                });
}

// The Tasks extension scenarios (tasks-*, io.modelcontextprotocol/tasks):
// tools that run as tasks when the client can take one. Each handler is an
// ordinary handler; Tool::task_support decides how a call runs, and the
// same code serves a direct call and a task.
void add_task_tools(Server& server) {
  // A sync-only tool: never a task, even when the client sends a 2025-style
  // `task` param.
  server.tool({.name = "greet",
               .description = "Greets someone by name.",
               .input_schema = schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})")},
              [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                co_return ToolResult::text("Hello, " + string_or_empty(args, "name") + "!");
              });

  // Sleeps `seconds` (0: at once), reporting progress each second; a task
  // when the client can take one. tasks/cancel interrupts the sleep.
  server.tool({.name = "slow_compute",
               .description = "Works for the given number of seconds, then reports what it computed.",
               .input_schema = schema(R"({"type":"object","properties":{"seconds":{"type":"number","minimum":0,"maximum":3600},"label":{"type":"string"}}})"),
               .task_support = TaskSupport::optional},
              [](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                double seconds = 0;
                if (auto* s = args.if_contains("seconds"); s && s->is_number()) seconds = s->to_number<double>();
                auto label = string_or_empty(args, "label");
                asio::steady_timer timer(co_await asio::this_coro::executor);
                auto whole = static_cast<int>(seconds);
                for (int i = 0; i < whole && !ctx.cancelled(); ++i) {
                  ctx.progress(i, seconds, "computing " + (label.empty() ? std::string("") : label + ": ") +
                                               std::to_string(i) + " of " + std::to_string(whole) + " s");
                  timer.expires_after(1s);
                  co_await timer.async_wait(asio::use_awaitable);
                }
                if (seconds > whole) {
                  timer.expires_after(std::chrono::milliseconds(static_cast<int>((seconds - whole) * 1000)));
                  co_await timer.async_wait(asio::use_awaitable);
                }
                co_return ToolResult::text("Computed " + (label.empty() ? std::string("a result") : label) + " in " +
                                           std::to_string(whole) + " s");
              });

  // A tool error after about a second: `completed` with isError (2026-07-28).
  // Task-required: a client without the extension is refused with -32021.
  server.tool({.name = "failing_job",
               .description = "Runs for a second, then fails with a tool error.",
               .input_schema = no_arguments(),
               .task_support = TaskSupport::required},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                asio::steady_timer timer(co_await asio::this_coro::executor, 1s);
                co_await timer.async_wait(asio::use_awaitable);
                co_return ToolResult::error("The job failed: the input data is incomplete.");
              });

  // A protocol error while running: the task is `failed` with the error inlined.
  server.tool({.name = "protocol_error_job",
               .description = "Runs briefly, then fails with a JSON-RPC error.",
               .input_schema = no_arguments(),
               .task_support = TaskSupport::optional},
              [](json::object, RequestContext&) -> awaitable<ToolResult> {
                asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
                co_await timer.async_wait(asio::use_awaitable);
                throw McpError::internal("the job's worker stopped unexpectedly");
              });

  // One question while running: the task waits in input_required until the
  // client answers with tasks/update. Nothing is deleted: a fixture.
  server.tool({.name = "confirm_delete",
               .description = "Asks for confirmation before (pretending to) delete a file.",
               .input_schema = schema(R"({"type":"object","properties":{"filename":{"type":"string"}},"required":["filename"]})"),
               .task_support = TaskSupport::optional},
              [](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                auto filename = string_or_empty(args, "filename");
                auto answer = co_await ctx.elicit(
                    "Delete " + filename + "?",
                    schema(R"({"type":"object","properties":{"confirm":{"type":"boolean"}},"required":["confirm"]})"),
                    "confirm_delete");
                auto* content = accepted_content(answer);
                if (content && content->contains("confirm") && content->at("confirm") == json::value(true))
                  co_return ToolResult::text("Deleted " + filename + " (a test fixture: nothing was deleted)");
                co_return ToolResult::text("Kept " + filename + " (" + describe_elicitation(answer) + ")");
              });

  // Two questions at once (awaitable operators): both are open together,
  // and the client may answer them one at a time.
  server.tool({.name = "multi_input",
               .description = "Asks two questions at once, then reports both answers.",
               .input_schema = no_arguments(),
               .task_support = TaskSupport::optional},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                using namespace asio::experimental::awaitable_operators;
                auto question = schema(R"({"type":"object","properties":{"name":{"type":"string"},"confirm":{"type":"boolean"}}})");
                auto [first, second] = co_await (ctx.elicit("First question: your name?", question, "first") &&
                                                 ctx.elicit("Second question: your name?", question, "second"));
                auto name = [](const json::object& answer) {
                  auto* content = accepted_content(answer);
                  return content ? string_or_empty(*content, "name") : std::string("(none)");
                };
                co_return ToolResult::text("first=" + name(first) + ", second=" + name(second));
              });

  // Input first, then a task (SEP-2663 with SEP-2322): the question is an
  // input-required round of the call itself; once answered, the handler
  // turns the call into a task and finishes in the background.
  server.tool({.name = "test_tool_with_task",
               .description = "Asks for a name, then greets it from a task.",
               .input_schema = no_arguments(),
               .task_support = TaskSupport::required,
               .task_after_questions = true},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                auto answer = co_await ctx.elicit(
                    "What is your name?",
                    schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})"), "user_name");
                auto* content = accepted_content(answer);
                auto name = content ? string_or_empty(*content, "name") : std::string();
                co_await ctx.continue_as_task();
                asio::steady_timer timer(co_await asio::this_coro::executor, 300ms);
                co_await timer.async_wait(asio::use_awaitable);
                co_return ToolResult::text("Hello, " + (name.empty() ? std::string("stranger") : name) + "!");
              });
}

// completion-complete: values for prompt arguments and template variables.
awaitable<Completion> complete(const CompletionRequest& request, RequestContext&) {
  if (request.ref_type == "ref/prompt" && request.ref == "test_prompt_with_arguments")
    co_return complete_from({"testValue1", "testValue2", "test", "example"}, request.value);
  if (request.ref_type == "ref/prompt" && request.ref == "test_prompt_with_embedded_resource" &&
      request.argument == "resourceUri")
    co_return complete_from({"test://static-text", "test://static-binary", "test://watched-resource",
                             "test://example-resource"},
                            request.value);
  if (request.ref_type == "ref/resource" && request.ref == "test://template/{id}/data" && request.argument == "id")
    co_return complete_from({"1", "2", "3", "123"}, request.value);
  co_return Completion{};
}

}  // namespace

std::unique_ptr<Server> make_everything(const BuiltinOptions&) {
  auto server = std::make_unique<Server>(ServerInfo{.name = "gatehouse-everything", .version = "0.1.0"});
  server->instructions(
      "Test fixtures for MCP clients, as the MCP conformance suite uses them: test_* tools return every kind of "
      "content and exercise logging, progress, sampling, elicitation and errors; test:// resources (with the "
      "template test://template/{id}/data) and test_* prompts cover the rest.");

  auto watched = std::make_shared<WatchedResource>();
  add_content_tools(*server);
  add_notification_tools(*server);
  add_client_request_tools(*server);
  add_misc_tools(*server, watched);
  add_stateless_tools(*server);
  add_input_required_tools(*server);
  add_task_tools(*server);
  add_resources(*server, watched);
  add_prompts(*server);
  server->completion(complete);
  return server;
}

}  // namespace gatehouse::builtin
