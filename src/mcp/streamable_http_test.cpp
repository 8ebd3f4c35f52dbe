// The Streamable HTTP transport as a function from request to reply: every
// status and error body the MCP transport spec and INTEROP TR1–TR6 name.
#include "mcp/streamable_http.hpp"

#include "mcp/tool_scopes.hpp"

#include "support/manual_clock.hpp"
#include "support/recording_guard.hpp"
#include "support/run.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace gatehouse::mcp {
namespace {

namespace http = boost::beast::http;
using boost::asio::awaitable;

std::unique_ptr<Server> make_test_server() {
  auto server = std::make_unique<Server>(ServerInfo{.name = "test", .version = "1"});
  server->tool({.name = "add",
                .description = "adds",
                .input_schema = json::parse(R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]})").as_object()},
               [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                 co_return ToolResult::text(std::to_string(args.at("a").as_int64() + args.at("b").as_int64()));
               });
  server->tool({.name = "silent", .description = "works 1.5 s without a word"},
               [](json::object, RequestContext&) -> awaitable<ToolResult> {
                 boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                                 std::chrono::milliseconds(1500));
                 co_await timer.async_wait(boost::asio::use_awaitable);
                 co_return ToolResult::text("finished");
               });
  server->tool({.name = "chatty", .description = "logs then answers"},
               [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                 ctx.log(LogLevel::info, "working");
                 co_return ToolResult::text("done");
               });
  return server;
}

// A POST to the MCP endpoint as a client sends it.
net::Request mcp_post(std::string body, std::string session = {}, std::string version = {}) {
  net::Request r{http::verb::post, "/mcp", 11};
  r.set(http::field::host, "127.0.0.1");
  r.set(http::field::content_type, "application/json");
  r.set(http::field::accept, "application/json, text/event-stream");
  if (!session.empty()) r.set("Mcp-Session-Id", session);
  if (!version.empty()) r.set("MCP-Protocol-Version", version);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

struct Fixture : ::testing::Test {
  std::unique_ptr<Server> server = make_test_server();
  std::shared_ptr<StreamableHttp> transport =
      StreamableHttp::create(*server, {}, net::OriginPolicy({.loopback_bind = true}));
  Principal alice{.subject = "alice"};

  net::Request post(std::string body, std::string session = {}) {
    net::Request r{http::verb::post, "/mcp", 11};
    r.set(http::field::host, "127.0.0.1:8080");
    r.set(http::field::content_type, "application/json");
    r.set(http::field::accept, "application/json, text/event-stream");
    if (!session.empty()) r.set("Mcp-Session-Id", session);
    r.body() = std::move(body);
    r.prepare_payload();
    return r;
  }

  net::Reply send(net::Request request, const Principal& who) {
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(request, who); });
  }
  net::Reply send(net::Request request) { return send(std::move(request), alice); }

  std::string initialize(std::string version = "2025-11-25") {
    auto reply = send(post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" + version +
                           R"(","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"));
    EXPECT_EQ(reply.response.result(), http::status::ok);
    return std::string(reply.response["Mcp-Session-Id"]);
  }

  static json::value body(const net::Reply& reply) { return json::parse(reply.response.body()); }
  static int error_code_of(const net::Reply& reply) {
    return static_cast<int>(body(reply).at("error").at("code").as_int64());
  }
  static std::vector<std::string> drain(net::Reply& reply) {
    return testing::run([&]() -> awaitable<std::vector<std::string>> {
      std::vector<std::string> frames;
      while (auto f = co_await reply.stream->next()) frames.push_back(*f);
      co_return frames;
    });
  }
};

TEST_F(Fixture, TR4_InitializeIssuesVisibleAsciiSessionId) {
  auto reply = send(post(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"));
  ASSERT_EQ(reply.response.result(), http::status::ok);
  std::string id(reply.response["Mcp-Session-Id"]);
  ASSERT_FALSE(id.empty());
  for (char c : id) EXPECT_TRUE(c >= 0x21 && c <= 0x7e);
  auto result = body(reply).at("result");
  EXPECT_EQ(result.at("protocolVersion"), "2025-06-18");
  EXPECT_EQ(result.at("serverInfo").at("name"), "test");
  EXPECT_TRUE(result.at("capabilities").as_object().contains("tools"));
}

TEST_F(Fixture, TR5_UnknownRequestedVersionNegotiatesLatest) {
  auto reply = send(post(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"));
  EXPECT_EQ(body(reply).at("result").at("protocolVersion"), "2025-11-25");
}

TEST_F(Fixture, TR3_RequestAnsweredWithJsonWhenNothingStreams) {
  auto sid = initialize();
  auto reply = send(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}})", sid));
  ASSERT_EQ(reply.response.result(), http::status::ok);
  EXPECT_EQ(reply.stream, nullptr);
  EXPECT_EQ(reply.response[http::field::content_type], "application/json");
  EXPECT_EQ(body(reply).at("result").at("content").at(0).at("text"), "5");
}

// A call still running after one keep-alive interval is answered as a
// stream, so that keep-alive comments flow while it works (a proxy with an
// idle timeout does not cut it); its result is the stream's last event.
TEST_F(Fixture, TR3_ACallSilentPastTheKeepAliveIsAnsweredAsAStream) {
  StreamableHttpOptions options;
  options.keepalive = std::chrono::seconds(1);
  transport = StreamableHttp::create(*server, options, net::OriginPolicy({.loopback_bind = true}));
  auto sid = initialize();
  auto reply = send(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"silent"}})", sid));
  ASSERT_NE(reply.stream, nullptr);
  EXPECT_EQ(reply.response[http::field::content_type], "text/event-stream");
  auto frames = drain(reply);
  ASSERT_FALSE(frames.empty());
  EXPECT_NE(frames.back().find(R"("text":"finished")"), std::string::npos) << frames.back();
}

TEST_F(Fixture, TR3_RequestThatNotifiesIsAnsweredWithSse) {
  auto sid = initialize();
  auto reply = send(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"chatty"}})", sid));
  ASSERT_NE(reply.stream, nullptr);
  EXPECT_EQ(reply.response[http::field::content_type], "text/event-stream");
  auto frames = drain(reply);
  ASSERT_EQ(frames.size(), 3u);
  // Priming event first (id, retry, empty data), then the log, then the result.
  EXPECT_NE(frames[0].find("retry: "), std::string::npos);
  EXPECT_NE(frames[0].find("data: \n"), std::string::npos);
  EXPECT_NE(frames[1].find("notifications/message"), std::string::npos);
  EXPECT_NE(frames[2].find(R"("id":1)"), std::string::npos);
}

// Resumability (MCP basic/transports "Resumability and Redelivery"): only
// answers that stream make a resumable stream; plain JSON answers, however
// many, do not push an earlier SSE stream out of the session's memory.
TEST_F(Fixture, TR3_JsonAnswersDoNotDisplaceAResumableStream) {
  auto sid = initialize();
  auto streamed = send(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"chatty"}})", sid));
  ASSERT_NE(streamed.stream, nullptr);
  auto first = testing::run([&]() -> awaitable<std::optional<std::string>> { co_return co_await streamed.stream->next(); });
  ASSERT_TRUE(first);
  auto id_at = first->find("id: ");
  ASSERT_NE(id_at, std::string::npos) << *first;
  std::string stream_id = first->substr(id_at + 4, first->find('-', id_at) - id_at - 4);
  for (int i = 0; i < 100; ++i) {
    auto reply = send(post(R"({"jsonrpc":"2.0","id":)" + std::to_string(10 + i) +
                               R"(,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":1}}})",
                           sid));
    ASSERT_EQ(reply.stream, nullptr);
  }
  net::Request resume{http::verb::get, "/mcp", 11};
  resume.set(http::field::host, "127.0.0.1:8080");
  resume.set(http::field::accept, "text/event-stream");
  resume.set("Mcp-Session-Id", sid);
  resume.set("Last-Event-ID", stream_id + "-0");
  auto resumed = send(resume);
  ASSERT_NE(resumed.stream, nullptr);
  auto replayed = testing::run([&]() -> awaitable<std::optional<std::string>> { co_return co_await resumed.stream->next(); });
  ASSERT_TRUE(replayed);
  // The stream's own next event, not the standalone stream's priming event.
  EXPECT_NE(replayed->find("id: " + stream_id + "-1"), std::string::npos) << *replayed;
}

TEST_F(Fixture, TR3_NotificationsAndResponsesGet202) {
  auto sid = initialize();
  EXPECT_EQ(send(post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", sid)).response.result(),
            http::status::accepted);
  EXPECT_EQ(send(post(R"({"jsonrpc":"2.0","id":"s99","result":{}})", sid)).response.result(), http::status::accepted);
}

TEST_F(Fixture, TR4_InitializedWithoutOrWithStaleSessionIsAccepted) {
  EXPECT_EQ(send(post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")).response.result(),
            http::status::accepted);
  EXPECT_EQ(send(post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", "stale")).response.result(),
            http::status::accepted);
}

TEST_F(Fixture, TR4_MissingSessionIs400UnknownIs404) {
  auto missing = send(post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"));
  EXPECT_EQ(missing.response.result(), http::status::bad_request);
  auto unknown = send(post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", "nope"));
  EXPECT_EQ(unknown.response.result(), http::status::not_found);
  EXPECT_EQ(error_code_of(unknown), -32001);
}

TEST_F(Fixture, TR4_DeleteEndsSessionThen404) {
  auto sid = initialize();
  net::Request del{http::verb::delete_, "/mcp", 11};
  del.set(http::field::host, "localhost:8080");
  del.set("Mcp-Session-Id", sid);
  EXPECT_EQ(send(del).response.result(), http::status::ok);
  EXPECT_EQ(send(post(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}})", sid)).response.result(),
            http::status::not_found);
  EXPECT_EQ(send(del).response.result(), http::status::not_found);
}

TEST_F(Fixture, TR4_SessionsAreBoundToTheirUser) {
  auto sid = initialize();
  Principal mallory{.subject = "mallory"};
  auto reply = send(post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid), mallory);
  EXPECT_EQ(reply.response.result(), http::status::not_found);
}

TEST_F(Fixture, TR5_UnsupportedProtocolVersionHeaderIs400) {
  auto sid = initialize();
  auto r = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid);
  r.set("MCP-Protocol-Version", "1999-01-01");
  EXPECT_EQ(send(r).response.result(), http::status::bad_request);
  // Any supported revision is fine, even one other than negotiated.
  r.set("MCP-Protocol-Version", "2025-03-26");
  EXPECT_EQ(send(r).response.result(), http::status::ok);
}

TEST_F(Fixture, TR2_ForeignOriginIs403) {
  auto r = post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  r.set(http::field::origin, "http://evil.example.com");
  EXPECT_EQ(send(r).response.result(), http::status::forbidden);
}

TEST_F(Fixture, TR2_ReboundHostIs403) {
  auto r = post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  r.set(http::field::host, "evil.example.com");
  EXPECT_EQ(send(r).response.result(), http::status::forbidden);
}

TEST_F(Fixture, TR6_MalformedJsonIsParseError) {
  auto reply = send(post("{not json"));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32700);
  EXPECT_EQ(reply.response[http::field::content_type], "application/json");
}

TEST_F(Fixture, TR6_InvalidMessageIsInvalidRequest) {
  auto reply = send(post(R"({"jsonrpc":"1.0","id":1,"method":"ping"})"));
  EXPECT_EQ(reply.response.result(), http::status::bad_request);
  EXPECT_EQ(error_code_of(reply), -32600);
}

TEST_F(Fixture, TR1_WrongContentTypeIs415AndWrongAcceptIs406) {
  auto r = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  r.set(http::field::content_type, "text/plain");
  EXPECT_EQ(send(r).response.result(), http::status::unsupported_media_type);
  auto a = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  a.set(http::field::accept, "application/json");
  EXPECT_EQ(send(a).response.result(), http::status::not_acceptable);
}

// L9: the body is parsed as UTF-8; a request announcing another charset is
// refused, not misread. utf-8 spelled any way is fine.
TEST_F(Fixture, L9_CharsetOtherThanUtf8Is415) {
  for (const char* type : {"application/json; charset=utf-16", "application/json; charset=\"UTF-32\""}) {
    auto r = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    r.set(http::field::content_type, type);
    auto reply = send(r);
    EXPECT_EQ(reply.response.result(), http::status::unsupported_media_type) << type;
    EXPECT_NE(reply.response.body().find("UTF-8"), std::string::npos) << reply.response.body();
  }
  auto sid = initialize();
  auto ok = post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", sid);
  ok.set(http::field::content_type, "application/json; charset=\"UTF-8\"");
  EXPECT_EQ(send(ok).response.result(), http::status::ok);
}

TEST_F(Fixture, UnknownMethodIsMethodNotFound) {
  auto sid = initialize();
  auto reply = send(post(R"({"jsonrpc":"2.0","id":1,"method":"no/such"})", sid));
  EXPECT_EQ(reply.response.result(), http::status::ok);
  EXPECT_EQ(error_code_of(reply), -32601);
}

TEST_F(Fixture, BatchesOnlyIn20250326) {
  auto modern = initialize("2025-11-25");
  auto rejected = send(post(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", modern));
  EXPECT_EQ(rejected.response.result(), http::status::bad_request);

  auto old = initialize("2025-03-26");
  auto reply = send(post(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}])", old));
  ASSERT_NE(reply.stream, nullptr);
  auto frames = drain(reply);
  EXPECT_EQ(frames.size(), 2u);  // no priming event for 2025-03-26 clients
}

TEST_F(Fixture, TR1_GetNeedsSessionAndEventStream) {
  net::Request get{http::verb::get, "/mcp", 11};
  get.set(http::field::host, "localhost");
  get.set(http::field::accept, "text/event-stream");
  EXPECT_EQ(send(get).response.result(), http::status::bad_request);
  auto sid = initialize();
  get.set("Mcp-Session-Id", sid);
  auto reply = send(get);
  EXPECT_EQ(reply.response.result(), http::status::ok);
  EXPECT_NE(reply.stream, nullptr);
  get.set(http::field::accept, "application/json");
  EXPECT_EQ(send(get).response.result(), http::status::not_acceptable);
}

TEST_F(Fixture, StatelessModeServesWithoutSessions) {
  auto stateless = StreamableHttp::create(*server, {.stateless = true}, net::OriginPolicy({.loopback_bind = true}));
  auto call = [&](net::Request r) {
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await stateless->handle(r, alice); });
  };
  auto init = call(post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})"));
  EXPECT_EQ(init.response.result(), http::status::ok);
  EXPECT_TRUE(init.response["Mcp-Session-Id"].empty());
  auto list = call(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"));
  EXPECT_EQ(list.response.result(), http::status::ok);
  net::Request get{http::verb::get, "/mcp", 11};
  get.set(http::field::host, "localhost");
  get.set(http::field::accept, "text/event-stream");
  EXPECT_EQ(call(get).response.result(), http::status::method_not_allowed);
}

TEST_F(Fixture, RS7_CorsPreflightAndExposedHeaders) {
  net::Request options{http::verb::options, "/mcp", 11};
  options.set(http::field::host, "localhost:8080");
  options.set(http::field::origin, "http://localhost:6274");
  auto reply = send(options);
  EXPECT_EQ(reply.response.result(), http::status::no_content);
  EXPECT_EQ(reply.response[http::field::access_control_allow_origin], "http://localhost:6274");
  auto r = post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  r.set(http::field::origin, "http://localhost:6274");
  auto init = send(r);
  EXPECT_NE(std::string(init.response[http::field::access_control_expose_headers]).find("Mcp-Session-Id"),
            std::string::npos);
}

}  // namespace
}  // namespace gatehouse::mcp

namespace gatehouse::mcp {
namespace {

// RS3: a tool that needs a scope the token lacks is refused with the step-up
// reply, in both eras; with the scope it runs.
TEST(ToolScopes, RS3_MissingToolScopeGetsStepUpReply) {
  Server server(ServerInfo{.name = "scoped", .version = "1"});
  server.tool({.name = "admin_only", .description = "needs admin", .required_scopes = {"admin"}},
              [](json::object, RequestContext&) -> awaitable<ToolResult> { co_return ToolResult::text("ok"); });
  StreamableHttpOptions options;
  testing_support::RecordingGuard guard;
  options.guard = &guard;
  auto transport = StreamableHttp::create(server, options, net::OriginPolicy({.loopback_bind = true}));
  auto call = [&](const Principal& who) {
    net::Request r{http::verb::post, "/mcp", 11};
    r.set(http::field::host, "127.0.0.1");
    r.set(http::field::content_type, "application/json");
    r.set(http::field::accept, "application/json, text/event-stream");
    r.set("MCP-Protocol-Version", "2026-07-28");
    r.set("Mcp-Method", "tools/call");
    r.set("Mcp-Name", "admin_only");
    r.body() = R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin_only","arguments":{},)"
               R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";
    r.prepare_payload();
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(r, who); });
  };
  EXPECT_EQ(call(Principal{.subject = "u", .scopes = {"mcp"}}).response.result(), http::status::forbidden);
  EXPECT_EQ(guard.asked, std::vector<std::string>{"admin"});
  EXPECT_EQ(call(Principal{.subject = "u", .scopes = {"mcp", "admin"}}).response.result(), http::status::ok);
}


// H1: the per-tool scope check holds on every path that runs a tools/call:
// a session request, a 2025-03-26 batch, the stateless mode of the session
// revisions, the 2026-07-28 revision, and the dispatcher itself.
struct ScopedServer : ::testing::Test {
  Server server{ServerInfo{.name = "scoped", .version = "1"}};
  std::atomic<int> runs{0};
  testing_support::RecordingGuard guard;
  Principal weak{.subject = "u", .scopes = {"mcp"}};
  Principal strong{.subject = "u", .scopes = {"mcp", "notes:write"}};

  ScopedServer() {
    server.tool({.name = "save_note", .description = "writes", .required_scopes = {"notes:write"}},
                [this](json::object, RequestContext&) -> awaitable<ToolResult> {
                  ++runs;
                  co_return ToolResult::text("saved");
                });
  }
  std::shared_ptr<StreamableHttp> transport(bool stateless) {
    StreamableHttpOptions options;
    options.stateless = stateless;
    options.guard = &guard;
    return StreamableHttp::create(server, options, net::OriginPolicy({.loopback_bind = true}));
  }
  static net::Request post(std::string body, std::string session = {}, std::string version = {}) {
    return mcp_post(std::move(body), std::move(session), std::move(version));
  }
  static net::Reply send(StreamableHttp& t, net::Request r, const Principal& who) {
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await t.handle(r, who); });
  }
  static std::string open_session(StreamableHttp& t, const Principal& who, const std::string& version) {
    auto reply = send(t, post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" +
                               version + R"(","capabilities":{}}})"),
                      who);
    return std::string(reply.response["Mcp-Session-Id"]);
  }
  static constexpr const char* kCall =
      R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"save_note","arguments":{}}})";
};

TEST_F(ScopedServer, H1_SessionCallWithoutScopeIs403) {
  auto t = transport(false);
  auto sid = open_session(*t, weak, "2025-11-25");
  EXPECT_EQ(send(*t, post(kCall, sid), weak).response.result(), http::status::forbidden);
  EXPECT_EQ(guard.asked, std::vector<std::string>{"notes:write"});
  EXPECT_EQ(runs.load(), 0);
}

TEST_F(ScopedServer, H1_BatchWithoutScopeIs403AndRunsNothing) {
  auto t = transport(false);
  auto sid = open_session(*t, weak, "2025-03-26");
  auto batch = std::string("[") + R"({"jsonrpc":"2.0","id":1,"method":"ping"},)" + kCall + "]";
  EXPECT_EQ(send(*t, post(batch, sid), weak).response.result(), http::status::forbidden);
  EXPECT_EQ(guard.asked, std::vector<std::string>{"notes:write"});
  EXPECT_EQ(runs.load(), 0);

  auto allowed = send(*t, post(batch, open_session(*t, strong, "2025-03-26")), strong);
  ASSERT_NE(allowed.stream, nullptr);
  testing::run([&]() -> awaitable<void> {
    while (co_await allowed.stream->next()) {
    }
  });
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(ScopedServer, H1_StatelessModeCallWithoutScopeIs403) {
  auto t = transport(true);
  EXPECT_EQ(send(*t, post(kCall, {}, "2025-06-18"), weak).response.result(), http::status::forbidden);
  EXPECT_EQ(runs.load(), 0);
  EXPECT_EQ(send(*t, post(kCall, {}, "2025-06-18"), strong).response.result(), http::status::ok);
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(ScopedServer, H1_DispatcherRefusesACallWithoutScopeWhateverThePath) {
  Dispatcher dispatcher(server);
  class NoChannel final : public RequestChannel {
   public:
    void notify(std::string_view, json::object) override {}
    awaitable<json::value> ask(std::string_view, json::object, std::string_view) override { co_return nullptr; }
    bool cancelled() const override { return false; }
    void close_response_stream() override {}
    std::optional<LogLevel> log_level() const override { return std::nullopt; }
    const json::object& client_capabilities() const override { return caps; }
    std::string_view protocol_version() const override { return "2025-11-25"; }
    json::object caps;
  } channel;
  auto message = std::get<jsonrpc::Message>(jsonrpc::classify(json::parse(kCall)));
  auto refused = testing::run([&]() -> awaitable<json::object> { co_return co_await dispatcher.dispatch(Call{message, channel, weak}); });
  ASSERT_TRUE(refused.contains("error"));
  EXPECT_EQ(refused.at("error").at("code").as_int64(), kInsufficientScope);
  EXPECT_EQ(refused.at("error").at("data").at("requiredScopes").as_array().at(0).as_string(), "notes:write");
  EXPECT_EQ(runs.load(), 0);
  auto allowed = testing::run([&]() -> awaitable<json::object> { co_return co_await dispatcher.dispatch(Call{message, channel, strong}); });
  EXPECT_TRUE(allowed.contains("result"));
  EXPECT_EQ(runs.load(), 1);
  // Without authentication there are no scopes to hold against anyone.
  Principal anonymous;
  testing::run([&]() -> awaitable<json::object> { co_return co_await dispatcher.dispatch(Call{message, channel, anonymous}); });
  EXPECT_EQ(runs.load(), 2);
}


// M7: carol subscribed to note://x is not told when alice saves her note x.
TEST_F(Fixture, M7_ResourceUpdatesReachOnlyTheOwnersSessions) {
  Principal carol{.subject = "carol"};
  auto alice_sid = initialize();
  auto carol_sid = testing::run([&]() -> awaitable<std::string> {
    auto r = post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
    auto reply = co_await transport->handle(r, carol);
    co_return std::string(reply.response["Mcp-Session-Id"]);
  });
  const char* subscribe = R"({"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"note://x"}})";
  EXPECT_EQ(send(post(subscribe, alice_sid)).response.result(), http::status::ok);
  EXPECT_EQ(send(post(subscribe, carol_sid), carol).response.result(), http::status::ok);
  auto listen = [&](const std::string& sid, const Principal& who) {
    net::Request get{http::verb::get, "/mcp", 11};
    get.set(http::field::host, "localhost");
    get.set(http::field::accept, "text/event-stream");
    get.set("Mcp-Session-Id", sid);
    return send(get, who);
  };
  auto alice_stream = listen(alice_sid, alice);
  auto carol_stream = listen(carol_sid, carol);
  server->notify_resource_updated("note://x", "alice");
  transport->close_all();
  auto updates = [](net::Reply& reply) {
    std::size_t n = 0;
    for (const auto& frame : drain(reply)) n += frame.find("notifications/resources/updated") != std::string::npos;
    return n;
  };
  EXPECT_EQ(updates(alice_stream), 1u);
  EXPECT_EQ(updates(carol_stream), 0u);
}

// H7: a full server refuses a new session with 503 and Retry-After instead
// of closing another client's; one user past their own bound gives up their
// own least recently used session, never someone else's.
TEST(SessionLimits, H7_FullServerRefusesNewcomerAndKeepsOthersSessions) {
  auto server = make_test_server();
  StreamableHttpOptions options;
  options.session_limits = {.max_sessions = 2, .max_sessions_per_user = 2};
  auto transport = StreamableHttp::create(*server, options, net::OriginPolicy({.loopback_bind = true}));
  auto open = [&](const Principal& who) {
    auto r = mcp_post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(r, who); });
  };
  Principal alice{.subject = "alice"}, bob{.subject = "bob"}, mallory{.subject = "mallory"};
  auto a = open(alice);
  auto b = open(bob);
  auto refused = open(mallory);
  EXPECT_EQ(refused.response.result(), http::status::service_unavailable);
  EXPECT_EQ(refused.response[http::field::retry_after], "30");
  EXPECT_EQ(json::parse(refused.response.body()).at("error").at("code").as_int64(), -32000);
  EXPECT_EQ(transport->session_count(), 2u);

  // Both sessions still answer.
  auto ping = [&](const net::Reply& opened, const Principal& who) {
    auto r = mcp_post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", std::string(opened.response["Mcp-Session-Id"]));
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(r, who); })
        .response.result();
  };
  EXPECT_EQ(ping(a, alice), http::status::ok);
  EXPECT_EQ(ping(b, bob), http::status::ok);
}

TEST(SessionLimits, H7_UserPastTheirBoundGivesUpTheirOwnOldestSession) {
  auto server = make_test_server();
  gatehouse::testing::ManualClock clock;
  StreamableHttpOptions options;
  options.session_limits = {.max_sessions = 10, .max_sessions_per_user = 2};
  options.clock = &clock;
  auto transport = StreamableHttp::create(*server, options, net::OriginPolicy({.loopback_bind = true}));
  auto request = [](const std::string& body, const std::string& sid) { return mcp_post(body, sid); };
  auto send = [&](net::Request r, const Principal& who) {
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(r, who); });
  };
  const std::string init = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})";
  const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  Principal alice{.subject = "alice"}, bob{.subject = "bob"};
  auto bobs = std::string(send(request(init, ""), bob).response["Mcp-Session-Id"]);
  auto first = std::string(send(request(init, ""), alice).response["Mcp-Session-Id"]);
  clock.advance(std::chrono::seconds(1));  // distinct last-seen times
  auto second = std::string(send(request(init, ""), alice).response["Mcp-Session-Id"]);
  clock.advance(std::chrono::seconds(1));
  auto third = send(request(init, ""), alice);
  EXPECT_EQ(third.response.result(), http::status::ok);
  EXPECT_EQ(send(request(ping, first), alice).response.result(), http::status::not_found);
  EXPECT_EQ(send(request(ping, second), alice).response.result(), http::status::ok);
  EXPECT_EQ(send(request(ping, bobs), bob).response.result(), http::status::ok);
  EXPECT_EQ(transport->session_count(), 3u);
}


// H6: one client making many streamed calls with large answers holds at most
// its session's resumption budget (it held 32 answers of up to 4 MB each).
TEST(ResumptionBuffer, H6_ManyLargeStreamedAnswersStayWithinTheSessionBudget) {
  Server server(ServerInfo{.name = "big", .version = "1"});
  server.tool({.name = "big", .description = "logs, then answers with 300 kB"},
              [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                ctx.log(LogLevel::info, "working");
                co_return ToolResult::text(std::string(300'000, 'b'));
              });
  StreamableHttpOptions options;
  options.replay_bytes_per_session = 1'000'000;
  auto transport = StreamableHttp::create(server, options, net::OriginPolicy({.loopback_bind = true}));
  auto request = [](const std::string& body, const std::string& sid) { return mcp_post(body, sid); };
  Principal alice{.subject = "alice"};
  auto send = [&](net::Request r) {
    return testing::run([&]() -> awaitable<net::Reply> { co_return co_await transport->handle(r, alice); });
  };
  auto sid = std::string(
      send(request(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})", ""))
          .response["Mcp-Session-Id"]);
  std::size_t answers = 0;
  for (int i = 1; i <= 20; ++i) {
    auto reply = send(request(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                                  R"(,"method":"tools/call","params":{"name":"big","arguments":{}}})",
                              sid));
    ASSERT_NE(reply.stream, nullptr);
    for (const auto& frame : Fixture::drain(reply)) answers += frame.find("\"result\"") != std::string::npos;
    EXPECT_LE(transport->replay_bytes(), 1'000'000u + 310'000u) << "after call " << i;
  }
  EXPECT_EQ(answers, 20u);
}

}  // namespace
}  // namespace gatehouse::mcp
