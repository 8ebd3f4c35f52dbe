// The stateless revision (MCP 2026-07-28) end to end through the Streamable
// HTTP transport, without sockets: the Dispatcher in Era::stateless behind
// StreamableHttp::handle. INTEROP MO1 era selection, MO2 error codes, MO3
// headers, MO4 discover / resultType / caching / MRTR / subscriptions.
#include "mcp/streamable_http.hpp"

#include "mcp/backend.hpp"
#include "store/stores.hpp"
#include "support/run.hpp"

#include <gatehouse/content.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::mcp {
namespace {

namespace http = boost::beast::http;
using boost::asio::awaitable;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kServerInfo = "io.modelcontextprotocol/serverInfo";
constexpr std::string_view kSubscriptionId = "io.modelcontextprotocol/subscriptionId";

std::unique_ptr<Server> make_stateless_test_server() {
  auto server = std::make_unique<Server>(ServerInfo{.name = "stateless-test", .version = "2"});
  server->instructions("Use the tools.");
  server->tool({.name = "add",
                .description = "adds",
                .input_schema = json::parse(R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]})")
                                    .as_object()},
               [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                 auto sum = std::to_string(args.at("a").as_int64() + args.at("b").as_int64());
                 co_return ToolResult::text(sum);
               });
  server->tool({.name = "ask_name", .description = "asks the user's name"},
               [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                 std::string question = "What is your name?";
                 json::object schema =
                     json::parse(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})")
                         .as_object();
                 json::object answer = co_await ctx.elicit(std::move(question), std::move(schema));
                 if (answer.at("action").as_string() != "accept") co_return ToolResult::text("no name");
                 std::string greeting = "hello " + std::string(answer.at("content").at("name").as_string());
                 co_return ToolResult::text(greeting);
               });
  server->tool({.name = "chatty", .description = "logs then answers"},
               [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                 ctx.log(LogLevel::info, "working");
                 co_return ToolResult::text("done");
               });
  server->tool({.name = "routed",
                .description = "takes a region mirrored in a header",
                .input_schema = json::parse(R"({"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"}},"required":["region"]})")
                                    .as_object()},
               [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                 std::string region(args.at("region").as_string());
                 co_return ToolResult::text(region);
               });
  server->resource({.uri = "notes://1", .name = "note one", .mime_type = "text/plain"},
                   [](const ResourceRequest& r, RequestContext&) -> awaitable<json::array> {
                     json::array contents{content::text_contents(r.uri, "text/plain", "first note")};
                     co_return contents;
                   });
  return server;
}

json::object default_meta(json::object capabilities = json::object{{"elicitation", json::object{}}}) {
  return json::object{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                      {"io.modelcontextprotocol/clientCapabilities", std::move(capabilities)},
                      {"io.modelcontextprotocol/clientInfo", json::object{{"name", "unit"}, {"version", "1"}}}};
}

struct StatelessDispatch : ::testing::Test {
  std::unique_ptr<Server> server = make_stateless_test_server();
  std::shared_ptr<StreamableHttp> transport = make_transport({});
  Principal alice{.subject = "alice"};

  std::shared_ptr<StreamableHttp> make_transport(StatelessOptions headers, std::shared_ptr<TaskRunner> tasks = nullptr) {
    StreamableHttpOptions options;
    options.dispatch.tasks = std::move(tasks);
    options.keepalive = std::chrono::seconds(1);
    options.dispatch.page_size = 1;
    options.stateless_headers = headers;
    options.request_state_key = "0123456789abcdef0123456789abcdef";
    return StreamableHttp::create(*server, options, net::OriginPolicy({.loopback_bind = true}));
  }

  static net::Request post_raw(std::string body, const Headers& headers) {
    net::Request r{http::verb::post, "/mcp", 11};
    r.set(http::field::host, "127.0.0.1:8080");
    r.set(http::field::content_type, "application/json");
    r.set(http::field::accept, "application/json, text/event-stream");
    for (const auto& [name, value] : headers) r.set(name, value);
    r.body() = std::move(body);
    r.prepare_payload();
    return r;
  }

  // A complete 2026-07-28 request: version header, Mcp-Method, Mcp-Name when
  // the method needs one, and params._meta unless `params` brings its own.
  static net::Request stateless(std::string method, json::object params = {}, json::value id = 1,
                                Headers extra = {}) {
    if (!params.contains("_meta")) params["_meta"] = default_meta();
    Headers headers = {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", method}};
    if (method == "tools/call" || method == "prompts/get")
      if (auto* name = params.if_contains("name"); name && name->is_string())
        headers.emplace_back("Mcp-Name", std::string(name->as_string()));
    if (method == "resources/read")
      if (auto* uri = params.if_contains("uri"); uri && uri->is_string())
        headers.emplace_back("Mcp-Name", std::string(uri->as_string()));
    if (method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel")
      if (auto* id = params.if_contains("taskId"); id && id->is_string())
        headers.emplace_back("Mcp-Name", std::string(id->as_string()));
    for (auto& h : extra) headers.push_back(std::move(h));
    json::object body{{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}, {"params", std::move(params)}};
    return post_raw(json::serialize(body), headers);
  }

  net::Reply send(net::Request request, std::shared_ptr<StreamableHttp> via = nullptr) {
    if (!via) via = transport;
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await via->handle(request, alice); });
  }

  static json::value body(const net::Reply& reply) { return json::parse(reply.response.body()); }
  static int error_code_of(const net::Reply& reply) {
    return static_cast<int>(body(reply).at("error").at("code").as_int64());
  }
  static json::object result_of(const net::Reply& reply) {
    auto b = body(reply);
    EXPECT_TRUE(b.as_object().contains("result")) << reply.response.body();
    return b.at("result").as_object();
  }

  // The JSON of one SSE frame ("id: ...\ndata: {...}\n\n").
  static json::object frame_json(const std::string& frame) {
    auto start = frame.find("data: ");
    EXPECT_NE(start, std::string::npos) << frame;
    start += 6;
    auto end = frame.find('\n', start);
    return json::parse(frame.substr(start, end - start)).as_object();
  }
  static std::optional<std::string> next_frame(net::Reply& reply) {
    return testing::run([&]() -> awaitable<std::optional<std::string>> { co_return co_await reply.stream->next(); });
  }
  static std::vector<std::string> drain(net::Reply& reply) {
    return testing::run([&]() -> awaitable<std::vector<std::string>> {
      std::vector<std::string> frames;
      while (auto f = co_await reply.stream->next()) frames.push_back(*f);
      co_return frames;
    });
  }
};

// A call still running after one keep-alive interval (1 s here) is answered
// as a stream, so that keep-alive comments flow while it works: a proxy with
// an idle timeout does not cut it. Its result is the stream's last event.
TEST_F(StatelessDispatch, TR3_ACallSilentPastTheKeepAliveIsAnsweredAsAStream) {
  server->tool({.name = "silent", .description = "works 1.5 s without a word"},
               [](json::object, RequestContext&) -> awaitable<ToolResult> {
                 boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                                 std::chrono::milliseconds(1500));
                 co_await timer.async_wait(boost::asio::use_awaitable);
                 co_return ToolResult::text("finished");
               });
  transport = make_transport({});
  auto reply = send(stateless("tools/call", {{"name", "silent"}}));
  ASSERT_NE(reply.stream, nullptr);
  EXPECT_EQ(reply.response[http::field::content_type], "text/event-stream");
  auto frames = drain(reply);
  ASSERT_FALSE(frames.empty());
  auto last = frame_json(frames.back());
  EXPECT_EQ(last.at("id"), 1);
  EXPECT_EQ(last.at("result").at("content").at(0).at("text"), "finished");
}

// ------------------------------------------------------- MO4 server/discover

TEST_F(StatelessDispatch, MO4_DiscoverDescribesTheServer) {
  auto reply = send(stateless("server/discover"));
  ASSERT_EQ(reply.response.result(), http::status::ok);
  EXPECT_EQ(reply.stream, nullptr);
  EXPECT_EQ(reply.response[http::field::content_type], "application/json");
  EXPECT_EQ(body(reply).at("id"), 1);
  auto result = result_of(reply);
  const auto& versions = result.at("supportedVersions").as_array();
  for (auto v : {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"})
    EXPECT_NE(std::find(versions.begin(), versions.end(), json::value(v)), versions.end()) << v;
  const auto& capabilities = result.at("capabilities").as_object();
  EXPECT_TRUE(capabilities.contains("tools"));
  EXPECT_TRUE(capabilities.contains("resources"));
  EXPECT_FALSE(capabilities.contains("prompts"));
  EXPECT_EQ(result.at("instructions"), "Use the tools.");
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_EQ(result.at("ttlMs"), 60000);
  EXPECT_EQ(result.at("cacheScope"), "public");
  const auto& info = result.at("_meta").at(kServerInfo);
  EXPECT_EQ(info.at("name"), "stateless-test");
  EXPECT_EQ(info.at("version"), "2");
}

TEST_F(StatelessDispatch, MO4_EveryResultIsCompleteWithServerInfo) {
  auto reply = send(stateless("tools/call", {{"name", "add"}, {"arguments", {{"a", 2}, {"b", 3}}}}));
  ASSERT_EQ(reply.response.result(), http::status::ok);
  auto result = result_of(reply);
  EXPECT_EQ(result.at("content").at(0).at("text"), "5");
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_EQ(result.at("_meta").at(kServerInfo).at("name"), "stateless-test");
  EXPECT_FALSE(result.contains("ttlMs"));  // tool results are not cacheable
}

TEST_F(StatelessDispatch, MO4_ResourcesReadIsPrivateAndNotReused) {
  auto reply = send(stateless("resources/read", {{"uri", "notes://1"}}));
  ASSERT_EQ(reply.response.result(), http::status::ok);
  auto result = result_of(reply);
  EXPECT_EQ(result.at("contents").at(0).at("text"), "first note");
  EXPECT_EQ(result.at("ttlMs"), 0);
  EXPECT_EQ(result.at("cacheScope"), "private");
}

// ------------------------------------------------------------ MO4 caching

TEST_F(StatelessDispatch, MO4_ToolsListCachingHintsIdenticalAcrossPages) {
  std::vector<std::string> names;
  std::optional<json::value> ttl, scope;
  json::object params;
  for (int page = 0; page < 10; ++page) {
    auto reply = send(stateless("tools/list", params, page));
    ASSERT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
    auto result = result_of(reply);
    ASSERT_EQ(result.at("tools").as_array().size(), 1u);  // page_size = 1
    names.emplace_back(result.at("tools").at(0).at("name").as_string());
    EXPECT_EQ(result.at("resultType"), "complete");
    if (!ttl) {
      ttl = result.at("ttlMs");
      scope = result.at("cacheScope");
    }
    EXPECT_EQ(result.at("ttlMs"), *ttl) << "page " << page;
    EXPECT_EQ(result.at("cacheScope"), *scope) << "page " << page;
    if (!result.contains("nextCursor")) break;
    params = json::object{{"cursor", result.at("nextCursor")}};
  }
  EXPECT_EQ(names, (std::vector<std::string>{"add", "ask_name", "chatty", "routed"}));
  EXPECT_EQ(*ttl, 60000);
  EXPECT_EQ(*scope, "public");
}

// ------------------------------------------------- MO2 method not found

TEST_F(StatelessDispatch, MO2_RemovedAndUnknownMethodsAre404MethodNotFound) {
  struct Case {
    std::string method;
    json::object params;
  };
  const std::vector<Case> cases = {
      {"initialize", {{"protocolVersion", "2026-07-28"}, {"capabilities", json::object{}}}},
      {"ping", {}},
      {"logging/setLevel", {{"level", "info"}}},
      {"resources/subscribe", {{"uri", "notes://1"}}},
      {"resources/unsubscribe", {{"uri", "notes://1"}}},
      {"no/such/method", {}},
  };
  for (const auto& c : cases) {
    std::string id = "req-" + c.method;
    auto reply = send(stateless(c.method, c.params, json::value(id)));
    EXPECT_EQ(reply.response.result(), http::status::not_found) << c.method << ": " << reply.response.body();
    EXPECT_EQ(error_code_of(reply), -32601) << c.method;
    EXPECT_EQ(body(reply).at("id"), json::value(id)) << c.method;
  }
}

TEST_F(StatelessDispatch, MO2_UnknownResourceIsInvalidParamsWithUri) {
  auto reply = send(stateless("resources/read", {{"uri", "notes://missing"}}, 5));
  auto b = body(reply);
  EXPECT_EQ(b.at("id"), 5);
  EXPECT_EQ(b.at("error").at("code"), -32602) << reply.response.body();
  EXPECT_EQ(b.at("error").at("data").at("uri"), "notes://missing");
}

// ------------------------------------------------------------ MO4 MRTR

TEST_F(StatelessDispatch, MO4_ElicitingToolRoundTrip) {
  json::object params{{"name", "ask_name"}, {"arguments", json::object{}}};
  auto round1 = send(stateless("tools/call", params, 1));
  ASSERT_EQ(round1.response.result(), http::status::ok) << round1.response.body();
  auto result1 = result_of(round1);
  EXPECT_EQ(result1.at("resultType"), "input_required");
  const auto& requests = result1.at("inputRequests").as_object();
  ASSERT_EQ(requests.size(), 1u);
  std::string key(requests.begin()->key());
  const auto& question = requests.begin()->value();
  EXPECT_EQ(question.at("method"), "elicitation/create");
  EXPECT_EQ(question.at("params").at("message"), "What is your name?");
  EXPECT_TRUE(question.at("params").as_object().contains("requestedSchema"));
  ASSERT_TRUE(result1.at("requestState").is_string());
  EXPECT_FALSE(result1.contains("content"));

  auto round2_params = params;
  round2_params["requestState"] = result1.at("requestState");
  round2_params["inputResponses"] =
      json::object{{key, json::object{{"action", "accept"}, {"content", json::object{{"name", "Ada"}}}}}};
  auto round2 = send(stateless("tools/call", round2_params, 2));
  ASSERT_EQ(round2.response.result(), http::status::ok) << round2.response.body();
  auto result2 = result_of(round2);
  EXPECT_EQ(result2.at("resultType"), "complete");
  EXPECT_EQ(result2.at("content").at(0).at("text"), "hello Ada");
  EXPECT_FALSE(result2.contains("requestState"));
}

TEST_F(StatelessDispatch, MO4_TamperedRequestStateIsRefused) {
  json::object params{{"name", "ask_name"}, {"arguments", json::object{}}};
  auto round1 = send(stateless("tools/call", params, 1));
  std::string state(result_of(round1).at("requestState").as_string());
  auto dot = state.find('.');
  ASSERT_NE(dot, std::string::npos);
  state[dot / 2] = state[dot / 2] == 'Q' ? 'R' : 'Q';
  auto tampered = params;
  tampered["requestState"] = state;
  tampered["inputResponses"] = json::object{{"elicitation_1", json::object{{"action", "accept"}, {"content", json::object{{"name", "Eve"}}}}}};
  auto reply = send(stateless("tools/call", tampered, 2));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32602);
  EXPECT_EQ(body(reply).at("id"), 2);
}

TEST_F(StatelessDispatch, MO4_RequestStateOfAnotherRequestIsRefused) {
  auto round1 = send(stateless("tools/call", {{"name", "ask_name"}, {"arguments", json::object{}}}, 1));
  auto state = result_of(round1).at("requestState");
  // The same state replayed on another tool call.
  auto reply = send(stateless("tools/call", {{"name", "add"}, {"arguments", {{"a", 1}, {"b", 1}}}, {"requestState", state}}, 2));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32602);
}

TEST_F(StatelessDispatch, MO2_MissingElicitationCapabilityIs32021) {
  json::object params{{"name", "ask_name"}, {"arguments", json::object{}}, {"_meta", default_meta(json::object{})}};
  auto reply = send(stateless("tools/call", params, 3));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  auto b = body(reply);
  EXPECT_EQ(b.at("id"), 3);
  EXPECT_EQ(b.at("error").at("code"), -32021) << reply.response.body();
  ASSERT_TRUE(b.at("error").at("data").at("requiredCapabilities").as_object().contains("elicitation"));
  EXPECT_TRUE(b.at("error").at("data").at("requiredCapabilities").at("elicitation").is_object());
}

// ----------------------------------------------------------- logging

TEST_F(StatelessDispatch, MO4_LogMessagesOnlyWhenMetaAsksForThem) {
  json::object params{{"name", "chatty"}};
  auto quiet = send(stateless("tools/call", params));
  ASSERT_EQ(quiet.response.result(), http::status::ok);
  EXPECT_EQ(quiet.stream, nullptr) << "no log level: a plain JSON answer";
  EXPECT_EQ(result_of(quiet).at("content").at(0).at("text"), "done");

  auto above = params;
  above["_meta"] = default_meta();
  above["_meta"].as_object()["io.modelcontextprotocol/logLevel"] = "error";
  auto filtered = send(stateless("tools/call", above));
  EXPECT_EQ(filtered.stream, nullptr) << "info is below error";

  auto debug = params;
  debug["_meta"] = default_meta();
  debug["_meta"].as_object()["io.modelcontextprotocol/logLevel"] = "debug";
  auto chatty = send(stateless("tools/call", debug, 9));
  ASSERT_EQ(chatty.response.result(), http::status::ok);
  ASSERT_NE(chatty.stream, nullptr);
  EXPECT_EQ(chatty.response[http::field::content_type], "text/event-stream");
  auto frames = drain(chatty);
  ASSERT_EQ(frames.size(), 2u);
  auto log = frame_json(frames[0]);
  EXPECT_EQ(log.at("method"), "notifications/message");
  EXPECT_EQ(log.at("params").at("level"), "info");
  EXPECT_EQ(log.at("params").at("data"), "working");
  auto response = frame_json(frames[1]);
  EXPECT_EQ(response.at("id"), 9);
  EXPECT_EQ(response.at("result").at("content").at(0).at("text"), "done");
}

// ------------------------------------------------ MO1 / MO3 framing rules

TEST_F(StatelessDispatch, MO3_BatchWith2026HeaderIs400) {
  auto reply = send(post_raw(R"([{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}])",
                             {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/list"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32600);
}

TEST_F(StatelessDispatch, MO3_ResponseMessageIs400) {
  auto reply = send(post_raw(R"({"jsonrpc":"2.0","id":"s1","result":{}})", {{"MCP-Protocol-Version", "2026-07-28"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32600);
}

TEST_F(StatelessDispatch, MO3_NotificationIs202) {
  auto reply = send(post_raw(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})",
                             {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "notifications/cancelled"}}));
  EXPECT_EQ(reply.response.result(), http::status::accepted);
  EXPECT_TRUE(reply.response.body().empty());
}

TEST_F(StatelessDispatch, MO1_MetaVersionWithoutHeaderIsServedStatelessAndRefused) {
  // _meta names 2026-07-28: the stateless rules apply (no session lookup),
  // and they require the version header.
  json::object body_json{{"jsonrpc", "2.0"},
                         {"id", 4},
                         {"method", "tools/list"},
                         {"params", json::object{{"_meta", default_meta()}}}};
  auto reply = send(post_raw(json::serialize(body_json), {{"Mcp-Method", "tools/list"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32020);
  EXPECT_EQ(body(reply).at("id"), 4);
}

TEST_F(StatelessDispatch, MO2_MissingMetaIsInvalidParams) {
  auto reply = send(post_raw(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}})",
                             {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/list"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32602);
}

TEST_F(StatelessDispatch, MO2_UnsupportedVersionIs32022) {
  auto meta = default_meta();
  meta["io.modelcontextprotocol/protocolVersion"] = "v999";
  json::object body_json{{"jsonrpc", "2.0"}, {"id", 8}, {"method", "tools/list"}, {"params", json::object{{"_meta", meta}}}};
  auto reply = send(post_raw(json::serialize(body_json), {{"MCP-Protocol-Version", "v999"}, {"Mcp-Method", "tools/list"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  auto b = body(reply);
  EXPECT_EQ(b.at("id"), 8);
  EXPECT_EQ(b.at("error").at("code"), -32022);
  EXPECT_EQ(b.at("error").at("data").at("requested"), "v999");
  const auto& supported = b.at("error").at("data").at("supported").as_array();
  EXPECT_NE(std::find(supported.begin(), supported.end(), json::value("2026-07-28")), supported.end());
}

TEST_F(StatelessDispatch, MO3_McpNameMismatchIs400) {
  auto reply = send(stateless("tools/call", {{"name", "add"}, {"arguments", {{"a", 1}, {"b", 2}}}}, 6,
                              {{"Mcp-Name", "routed"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32020);
  EXPECT_EQ(body(reply).at("id"), 6);
}

TEST_F(StatelessDispatch, MO3_ClaudePatternServedUnlessStrict) {
  json::object body_json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}, {"params", json::object{{"_meta", default_meta()}}}};
  Headers claude = {{"MCP-Protocol-Version", "2025-11-25"}, {"Mcp-Method", "tools/list"}};
  auto lenient = send(post_raw(json::serialize(body_json), claude));
  ASSERT_EQ(lenient.response.result(), http::status::ok) << lenient.response.body();
  EXPECT_EQ(result_of(lenient).at("resultType"), "complete");

  auto strict_transport = make_transport({.strict_protocol_headers = true});
  auto strict = send(post_raw(json::serialize(body_json), claude), strict_transport);
  EXPECT_EQ(strict.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(strict), -32020);
}

TEST_F(StatelessDispatch, MO3_XMcpHeaderMustMirrorTheArgument) {
  json::object params{{"name", "routed"}, {"arguments", json::object{{"region", "eu-west"}}}};
  auto wrong = send(stateless("tools/call", params, 1, {{"Mcp-Param-Region", "us-east"}}));
  EXPECT_EQ(wrong.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(wrong), -32020);
  EXPECT_EQ(body(wrong).at("id"), 1);

  auto missing = send(stateless("tools/call", params, 2));
  EXPECT_EQ(missing.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(missing), -32020);

  auto right = send(stateless("tools/call", params, 3, {{"Mcp-Param-Region", "eu-west"}}));
  ASSERT_EQ(right.response.result(), http::status::ok) << right.response.body();
  EXPECT_EQ(result_of(right).at("content").at(0).at("text"), "eu-west");

  auto encoded = send(stateless("tools/call", params, 4, {{"Mcp-Param-Region", "=?base64?ZXUtd2VzdA==?="}}));
  EXPECT_EQ(encoded.response.result(), http::status::ok) << encoded.response.body();
}

TEST_F(StatelessDispatch, MO1_GetAndDeleteWith2026HeaderAre405) {
  for (auto verb : {http::verb::get, http::verb::delete_}) {
    net::Request r{verb, "/mcp", 11};
    r.set(http::field::host, "127.0.0.1:8080");
    r.set(http::field::accept, "text/event-stream");
    r.set("MCP-Protocol-Version", "2026-07-28");
    auto reply = send(r);
    EXPECT_EQ(reply.response.result(), http::status::method_not_allowed) << http::to_string(verb);
    EXPECT_FALSE(std::string(reply.response[http::field::allow]).empty());
  }
}

// ------------------------------------------------ MO4 subscriptions/listen

TEST_F(StatelessDispatch, MO4_SubscriptionsListenAcknowledgesThenDelivers) {
  json::object params{{"notifications", json::object{{"toolsListChanged", true},
                                                     {"promptsListChanged", true},  // no prompts: not honoured
                                                     {"resourceSubscriptions", json::array{"notes://1"}}}}};
  auto reply = send(stateless("subscriptions/listen", params, "listen-1"));
  ASSERT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
  ASSERT_NE(reply.stream, nullptr);
  EXPECT_EQ(reply.response[http::field::content_type], "text/event-stream");

  auto first = next_frame(reply);
  ASSERT_TRUE(first);
  auto ack = frame_json(*first);
  EXPECT_EQ(ack.at("method"), "notifications/subscriptions/acknowledged");
  EXPECT_EQ(ack.at("params").at("notifications"),
            json::parse(R"({"toolsListChanged":true,"resourceSubscriptions":["notes://1"]})"));
  // The subscription id is the subscriptions/listen request's id.
  json::value id = ack.at("params").at("_meta").at(kSubscriptionId);
  EXPECT_EQ(id, "listen-1");

  server->notify_list_changed("prompts");  // not subscribed: nothing arrives
  server->notify_list_changed("tools");
  auto second = next_frame(reply);
  ASSERT_TRUE(second);
  auto changed = frame_json(*second);
  EXPECT_EQ(changed.at("method"), "notifications/tools/list_changed");
  EXPECT_EQ(changed.at("params").at("_meta").at(kSubscriptionId), id);

  server->notify_resource_updated("notes://2");  // not subscribed
  server->notify_resource_updated("notes://1");
  auto third = next_frame(reply);
  ASSERT_TRUE(third);
  auto updated = frame_json(*third);
  EXPECT_EQ(updated.at("method"), "notifications/resources/updated");
  EXPECT_EQ(updated.at("params").at("uri"), "notes://1");
  EXPECT_EQ(updated.at("params").at("_meta").at(kSubscriptionId), id);

  // Shutdown ends the subscription with its SubscriptionsListenResult.
  transport->close_all();
  auto last = next_frame(reply);
  ASSERT_TRUE(last);
  auto final_result = frame_json(*last);
  EXPECT_EQ(final_result.at("id"), "listen-1");
  EXPECT_EQ(final_result.at("result").at("resultType"), "complete");
  EXPECT_EQ(final_result.at("result").at("_meta").at(kSubscriptionId), id);
  EXPECT_FALSE(next_frame(reply));
}

TEST_F(StatelessDispatch, MO4_ClosedListenStreamEndsItsSubscription) {
  json::object params{{"notifications", json::object{{"toolsListChanged", true}}}};
  auto reply = send(stateless("subscriptions/listen", params, 1));
  ASSERT_NE(reply.stream, nullptr);
  ASSERT_TRUE(next_frame(reply));  // the acknowledgement
  reply.stream->abandoned();       // the client hung up
  server->notify_list_changed("tools");
  // Nothing more is queued for it: the next read ends at once (the consumer was released).
  EXPECT_FALSE(next_frame(reply));
}

TEST_F(StatelessDispatch, MO4_SubscriptionsOfTwoClientsWithTheSameListenIdAreIndependent) {
  // Stateless clients number their requests independently, so two clients may
  // well both listen with id 1. One client hanging up must not end the other's
  // subscription.
  json::object params{{"notifications", json::object{{"toolsListChanged", true}}}};
  auto first = send(stateless("subscriptions/listen", params, 1));
  auto second = send(stateless("subscriptions/listen", params, 1));
  ASSERT_NE(first.stream, nullptr);
  ASSERT_NE(second.stream, nullptr);
  ASSERT_TRUE(next_frame(first));
  ASSERT_TRUE(next_frame(second));
  first.stream->abandoned();
  server->notify_list_changed("tools");
  auto frame = next_frame(second);  // a keep-alive comment after 1 s when nothing arrives
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame_json(*frame).at("method"), "notifications/tools/list_changed");
}

TEST_F(StatelessDispatch, MO4_SubscriptionsListenNeedsNotifications) {
  auto reply = send(stateless("subscriptions/listen", {}, 2));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32602);
}

// ---------------------------------------------- MO1 both eras, one transport

TEST_F(StatelessDispatch, MO1_LegacySessionStillWorksOnTheSameTransport) {
  auto before = send(stateless("tools/list"));
  EXPECT_EQ(before.response.result(), http::status::ok);

  auto init = send(post_raw(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}})",
      {}));
  ASSERT_EQ(init.response.result(), http::status::ok);
  EXPECT_EQ(result_of(init).at("protocolVersion"), "2025-11-25");
  EXPECT_FALSE(result_of(init).contains("resultType"));
  std::string session(init.response["Mcp-Session-Id"]);
  ASSERT_FALSE(session.empty());

  auto call = send(post_raw(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}})",
                            {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-11-25"}}));
  ASSERT_EQ(call.response.result(), http::status::ok) << call.response.body();
  auto result = result_of(call);
  EXPECT_EQ(result.at("content").at(0).at("text"), "5");
  EXPECT_FALSE(result.contains("resultType")) << "session results are not shaped";

  auto ping = send(post_raw(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", {{"Mcp-Session-Id", session}}));
  EXPECT_EQ(ping.response.result(), http::status::ok);
  EXPECT_TRUE(body(ping).as_object().contains("result"));

  auto after = send(stateless("server/discover"));
  EXPECT_EQ(after.response.result(), http::status::ok);
  EXPECT_EQ(transport->session_count(), 1u);
}

// ---------------------------- the Tasks extension (SEP-2663), INTEROP TA1–TA5
//
// Each request runs its io_context to completion, background tasks
// included (support/run.hpp), so a task created by one request has finished
// when the next is sent.

json::object task_meta() {
  return default_meta(json::object{{"elicitation", json::object{}},
                                   {"extensions", json::object{{"io.modelcontextprotocol/tasks", json::object{}}}}});
}

struct StatelessTasks : StatelessDispatch {
  store::Stores stores = store::open_memory_stores();
  std::shared_ptr<TaskRunner> runner = std::make_shared<TaskRunner>(*stores.tasks, TaskSettings{});

  StatelessTasks() {
    server->tool({.name = "report",
                  .description = "writes a report",
                  .task_support = TaskSupport::optional},
                 [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                   co_return ToolResult::text(ctx.in_task() ? "report (task)" : "report (direct)");
                 });
    server->tool({.name = "batch", .description = "a batch job", .task_support = TaskSupport::required},
                 [](json::object, RequestContext&) -> awaitable<ToolResult> { co_return ToolResult::text("batch done"); });
    transport = make_transport({}, runner);
  }

  std::string create(std::string tool, Principal as = {.subject = "alice"}) {
    auto reply = send_as(stateless("tools/call", {{"name", tool}, {"_meta", task_meta()}}), as);
    auto result = result_of(reply);
    EXPECT_EQ(result.at("resultType"), "task") << reply.response.body();
    return std::string(result.at("taskId").as_string());
  }
  net::Reply send_as(net::Request request, Principal as) {
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(request, as); });
  }
};

TEST_F(StatelessTasks, TA1_DiscoverAdvertisesTheExtensionAndListsCarryNoTaskSupport) {
  auto discover = result_of(send(stateless("server/discover")));
  EXPECT_TRUE(discover.at("capabilities").at("extensions").as_object().contains("io.modelcontextprotocol/tasks"));
  EXPECT_FALSE(discover.at("capabilities").as_object().contains("tasks"));
  json::object params{{"cursor", encode_cursor(4)}};
  auto tools = result_of(send(stateless("tools/list", params)));
  EXPECT_EQ(tools.at("tools").at(0).at("name"), "report");
  EXPECT_FALSE(tools.at("tools").at(0).as_object().contains("execution"));
}

TEST_F(StatelessTasks, TA3_ACallDeclaringTheExtensionGetsAFlatTaskThenItsResultInline) {
  auto reply = send(stateless("tools/call", {{"name", "report"}, {"_meta", task_meta()}}));
  auto created = result_of(reply);
  EXPECT_EQ(created.at("resultType"), "task");
  EXPECT_EQ(created.at("status"), "working");
  EXPECT_FALSE(created.contains("task"));
  EXPECT_FALSE(created.contains("result"));
  EXPECT_EQ(created.at("ttlMs"), 3'600'000);
  EXPECT_EQ(created.at("pollIntervalMs"), 1000);
  EXPECT_TRUE(created.at("createdAt").as_string().ends_with("Z"));
  std::string id(created.at("taskId").as_string());

  auto got = result_of(send(stateless("tasks/get", {{"taskId", id}, {"_meta", task_meta()}})));
  EXPECT_EQ(got.at("resultType"), "complete");
  EXPECT_EQ(got.at("taskId"), json::value(id));
  EXPECT_EQ(got.at("status"), "completed");
  EXPECT_EQ(got.at("result").at("content").at(0).at("text"), "report (task)");
  EXPECT_FALSE(got.at("result").as_object().contains("_meta"));
}

TEST_F(StatelessTasks, TA2_WithoutTheExtensionAnOptionalToolRunsDirectlyAndARequiredOneIsRefused) {
  auto direct = result_of(send(stateless("tools/call", {{"name", "report"}})));
  EXPECT_EQ(direct.at("resultType"), "complete");
  EXPECT_EQ(direct.at("content").at(0).at("text"), "report (direct)");

  auto refused = send(stateless("tools/call", {{"name", "batch"}}));
  EXPECT_EQ(refused.response.result(), http::status::bad_request);
  auto error = body(refused).at("error");
  EXPECT_EQ(error.at("code"), -32021);
  EXPECT_TRUE(error.at("data").at("requiredCapabilities").at("extensions").as_object().contains(
      "io.modelcontextprotocol/tasks"));
}

TEST_F(StatelessTasks, TA2_ALegacyTaskParamPromotesNothing) {
  auto result = result_of(send(stateless("tools/call", {{"name", "add"}, {"arguments", {{"a", 1}, {"b", 2}}},
                                                        {"task", {{"ttl", 1000}}}, {"_meta", task_meta()}})));
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_EQ(result.at("content").at(0).at("text"), "3");
}

TEST_F(StatelessTasks, TA5_TaskMethodsNeedTheExtension) {
  auto id = create("report");
  for (std::string method : {"tasks/get", "tasks/cancel", "tasks/update"}) {
    json::object params{{"taskId", id}, {"inputResponses", json::object{}}};
    auto reply = send(stateless(method, params));
    EXPECT_EQ(error_code_of(reply), -32021) << method;
    EXPECT_EQ(reply.response.result(), http::status::bad_request) << method;
  }
}

TEST_F(StatelessTasks, TA4_UnknownAndOtherUsersTasksAreInvalidParams) {
  auto id = create("report");
  for (std::string method : {"tasks/get", "tasks/cancel", "tasks/update"}) {
    json::object params{{"taskId", "no-such-task"}, {"inputResponses", json::object{}}, {"_meta", task_meta()}};
    EXPECT_EQ(error_code_of(send(stateless(method, params))), -32602) << method;
    params["taskId"] = id;
    EXPECT_EQ(error_code_of(send_as(stateless(method, params), {.subject = "mallory"})), -32602) << method;
  }
}

TEST_F(StatelessTasks, TA5_RemovedMethodsAreMethodNotFound) {
  for (std::string method : {"tasks/result", "tasks/list"}) {
    auto reply = send(stateless(method, {{"taskId", "x"}, {"_meta", task_meta()}}));
    EXPECT_EQ(error_code_of(reply), -32601) << method;
  }
}

TEST_F(StatelessTasks, TA5_CancelAndUpdateAnswerAnEmptyAcknowledgement) {
  auto id = create("report");
  auto cancelled = result_of(send(stateless("tasks/cancel", {{"taskId", id}, {"_meta", task_meta()}})));
  EXPECT_EQ(cancelled.at("resultType"), "complete");
  EXPECT_FALSE(cancelled.contains("taskId"));
  EXPECT_FALSE(cancelled.contains("status"));
  auto updated = result_of(send(stateless(
      "tasks/update", {{"taskId", id}, {"inputResponses", {{"unknown-key", {{"ignored", true}}}}}, {"_meta", task_meta()}})));
  EXPECT_EQ(updated.at("resultType"), "complete");
  EXPECT_FALSE(updated.contains("status"));
  auto bad = send(stateless("tasks/update", {{"taskId", id}, {"inputResponses", {{"k", 5}}}, {"_meta", task_meta()}}));
  EXPECT_EQ(error_code_of(bad), -32602);
}

TEST_F(StatelessTasks, TA5_McpNameMustMatchTheTaskId) {
  auto id = create("report");
  auto reply = send(stateless("tasks/get", {{"taskId", id}, {"_meta", task_meta()}}, 1, {{"Mcp-Name", "another"}}));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32020);
}

TEST_F(StatelessTasks, TA1_A2025SessionGetsWrappedTasksAndTheResultFromTasksResult) {
  auto init = send(post_raw(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}})",
      {}));
  auto capabilities = result_of(init).at("capabilities");
  EXPECT_TRUE(capabilities.at("tasks").at("requests").at("tools").as_object().contains("call"));
  std::string session(init.response["Mcp-Session-Id"]);
  Headers headers{{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-11-25"}};

  auto listed = result_of(send(post_raw(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"o4"}})", headers)));
  EXPECT_EQ(listed.at("tools").at(0).at("execution").at("taskSupport"), "optional");

  auto created = result_of(send(post_raw(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"report","task":{"ttl":60000}}})", headers)));
  auto task = created.at("task").as_object();
  EXPECT_EQ(task.at("status"), "working");
  EXPECT_EQ(task.at("ttl"), 60000);
  std::string id(task.at("taskId").as_string());

  auto result = result_of(send(post_raw(
      R"({"jsonrpc":"2.0","id":3,"method":"tasks/result","params":{"taskId":")" + id + R"("}})", headers)));
  EXPECT_EQ(result.at("content").at(0).at("text"), "report (task)");
  EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/related-task").at("taskId"), json::value(id));

  auto listing = result_of(send(post_raw(R"({"jsonrpc":"2.0","id":4,"method":"tasks/list","params":{}})", headers)));
  EXPECT_EQ(listing.at("tasks").at(0).at("taskId"), json::value(id));
  EXPECT_EQ(listing.at("tasks").at(0).at("status"), "completed");

  auto cancel = send(post_raw(R"({"jsonrpc":"2.0","id":5,"method":"tasks/cancel","params":{"taskId":")" + id + R"("}})", headers));
  EXPECT_EQ(error_code_of(cancel), -32602) << "a terminal task cannot be cancelled in 2025-11-25";

  auto required = send(post_raw(R"({"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"batch"}})", headers));
  EXPECT_EQ(error_code_of(required), -32601);
  auto forbidden = send(post_raw(
      R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":1},"task":{}}})", headers));
  EXPECT_EQ(error_code_of(forbidden), -32601);
}

// A gateway backend's own extensions stay advertised beside the Tasks
// extension when Gatehouse runs some of its tools as tasks.
class ExtensionsBackend final : public Backend {
 public:
  json::object capabilities() const override {
    return {{"tools", json::object{}}, {"extensions", json::object{{"example.com/other", json::object{}}}}};
  }
  bool per_user_lists() const override { return false; }
  std::vector<std::string> tool_scopes(std::string_view) const override { return {}; }
  bool runs_tasks() const override { return true; }
  TaskSupport configured_task_support(std::string_view) const override { return TaskSupport::optional; }
  boost::asio::awaitable<TaskSupport> task_support(Call&, std::string_view) override { co_return TaskSupport::optional; }
  boost::asio::awaitable<json::value> task_call(Call&) override { co_return json::object{}; }
  boost::asio::awaitable<json::value> handle(Call&) override { co_return json::object{}; }
  void session_closed(std::string_view) override {}
};

TEST_F(StatelessTasks, TA1_ABackendsOwnExtensionsStayBesideTheTasksExtension) {
  registry_of(*server).backend = std::make_shared<ExtensionsBackend>();
  transport = make_transport({}, runner);
  auto extensions = result_of(send(stateless("server/discover"))).at("capabilities").at("extensions").as_object();
  EXPECT_TRUE(extensions.contains("example.com/other"));
  EXPECT_TRUE(extensions.contains("io.modelcontextprotocol/tasks"));
  registry_of(*server).backend.reset();
}

}  // namespace
}  // namespace gatehouse::mcp
