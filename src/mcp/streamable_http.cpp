#include "mcp/streamable_http.hpp"

#include "crypto/random.hpp"
#include "mcp/backend.hpp"
#include "mcp/post_response.hpp"
#include "mcp/protocol_headers.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/registry.hpp"
#include "mcp/sse_source.hpp"
#include "mcp/tool_scopes.hpp"
#include "mcp/transport_replies.hpp"
#include "net/media_type.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace gatehouse::mcp {

namespace http = boost::beast::http;
namespace asio = boost::asio;

namespace {

// The channel back to the client for one request served over HTTP.
class HttpChannel final : public RequestChannel {
 public:
  HttpChannel(std::shared_ptr<Session> session, std::shared_ptr<PostResponse> response,
              std::shared_ptr<std::atomic<bool>> cancelled, std::chrono::seconds ask_timeout)
      : session_(std::move(session)),
        response_(std::move(response)),
        cancelled_(std::move(cancelled)),
        ask_timeout_(ask_timeout) {}

  void notify(std::string_view method, json::object params) override {
    response_->stream()->push(json::serialize(jsonrpc::make_notification(method, std::move(params))));
  }

  awaitable<json::value> ask(std::string_view method, json::object params, std::string_view) override {
    if (!session_)
      throw McpError(error_code::internal_error, std::string(method) + " needs a session; this server runs stateless");
    // MCP basic/lifecycle: only use capabilities the client declared.
    auto capability = required_client_capability(method);
    if (!capability.empty() && !session_->client_capabilities().contains(capability))
      throw McpError(error_code::invalid_request,
                     "the client did not declare the " + std::string(capability) + " capability");
    // Named, not a temporary: GCC 12 destroys a lambda temporary inside a
    // co_await expression twice.
    std::function<void(std::string)> send = [stream = response_->stream()](std::string message) {
      stream->push(std::move(message));
    };
    co_return co_await session_->client_requests().ask(method, std::move(params), send, ask_timeout_, cancelled_.get());
  }

  bool cancelled() const override { return cancelled_ && cancelled_->load(); }
  void close_response_stream() override {
    // Without a session nobody could resume the stream: keep it open.
    if (session_) response_->stream()->interrupt();
  }
  std::optional<LogLevel> log_level() const override {
    return session_ ? session_->log_level() : std::optional<LogLevel>(LogLevel::debug);
  }
  const json::object& client_capabilities() const override {
    static const json::object kNone;
    return session_ ? session_->client_capabilities() : kNone;
  }
  std::string_view protocol_version() const override {
    return session_ ? std::string_view(session_->version()) : kLatestSessionVersion;
  }
  std::shared_ptr<RequestChannel> outliving() const override;

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<PostResponse> response_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::chrono::seconds ask_timeout_;
};

// What a task of a session keeps once its POST is answered: questions go to
// the client on the session's standalone (GET) stream, and the answers come
// back as POSTed responses like any other (MCP 2025-11-25 basic/transports:
// a server may send requests on the GET stream).
class SessionChannel final : public RequestChannel {
 public:
  SessionChannel(std::shared_ptr<Session> session, std::chrono::seconds ask_timeout)
      : session_(std::move(session)), ask_timeout_(ask_timeout) {}

  void notify(std::string_view method, json::object params) override {
    session_->standalone_stream()->push(json::serialize(jsonrpc::make_notification(method, std::move(params))));
  }
  awaitable<json::value> ask(std::string_view method, json::object params, std::string_view) override {
    auto capability = required_client_capability(method);
    if (!capability.empty() && !session_->client_capabilities().contains(capability))
      throw McpError(error_code::invalid_request,
                     "the client did not declare the " + std::string(capability) + " capability");
    std::function<void(std::string)> send = [stream = session_->standalone_stream()](std::string message) {
      stream->push(std::move(message));
    };
    co_return co_await session_->client_requests().ask(method, std::move(params), send, ask_timeout_, nullptr);
  }
  bool cancelled() const override { return false; }
  std::optional<LogLevel> log_level() const override { return session_->log_level(); }
  const json::object& client_capabilities() const override { return session_->client_capabilities(); }
  std::string_view protocol_version() const override { return session_->version(); }

 private:
  std::shared_ptr<Session> session_;
  std::chrono::seconds ask_timeout_;
};

std::shared_ptr<RequestChannel> HttpChannel::outliving() const {
  if (!session_) return nullptr;
  return std::make_shared<SessionChannel>(session_, ask_timeout_);
}

}  // namespace

std::shared_ptr<StreamableHttp> StreamableHttp::create(const Server& server, StreamableHttpOptions options,
                                                       net::OriginPolicy origin_policy) {
  auto transport = std::make_shared<StreamableHttp>(server, options, std::move(origin_policy));
  subscribe_events(server, transport);
  // Task status notifications: 2026-07-28 subscriptions that name the task.
  if (const auto& runner = options.dispatch.tasks)
    runner->observe([weak = std::weak_ptr<StreamableHttp>(transport),
                     poll = runner->settings().poll_interval](const store::TaskRecord& task) {
      if (auto t = weak.lock()) t->stateless_.task_changed(task, poll);
    });
  return transport;
}

StreamableHttp::StreamableHttp(const Server& server, StreamableHttpOptions options, net::OriginPolicy origin_policy)
    : server_(server),
      options_(options),
      origin_policy_(std::move(origin_policy)),
      dispatcher_(server, options.dispatch),
      sessions_(options.session_limits, *options.clock),
      replay_total_(std::make_shared<ReplayBudget>(options.replay_bytes_total)),
      stateless_(dispatcher_, {.headers = options.stateless_headers,
                               .stream_limits = options.stream_limits,
                               .keepalive = options.keepalive,
                               .request_state_key = options.request_state_key,
                               .request_state_lifetime = options.request_state_lifetime,
                               .clock = options.clock}) {
  // What a backend keeps for one session alone goes with the session.
  if (auto backend = registry_of(server).backend)
    sessions_.on_closed([backend](const std::string& id) { backend->session_closed(id); });
}

asio::awaitable<net::Reply> StreamableHttp::handle(net::Request& request, const Principal& principal) {
  // TR2: refuse foreign pages and rebound host names before anything else.
  if (!origin_policy_.host_allowed(header_value(request, "Host")))
    co_return rpc_error(http::status::forbidden, kTransportError, "Forbidden: Host header not allowed");
  auto origin = header_value(request, "Origin");
  if (!origin_policy_.origin_allowed(origin))
    co_return rpc_error(http::status::forbidden, kTransportError, "Forbidden: Origin not allowed");

  net::Reply reply;
  switch (request.method()) {
    case http::verb::post: reply = co_await post(request, principal); break;
    case http::verb::get: reply = get(request, principal); break;
    case http::verb::delete_: reply = del(request, principal); break;
    case http::verb::options: co_return options_preflight(request);
    default: {
      reply = rpc_error(http::status::method_not_allowed, kTransportError, "Method not allowed");
      reply.response.set(http::field::allow, "GET, POST, DELETE, OPTIONS");
    }
  }
  // RS7: browser clients read these headers only when exposed.
  if (!origin.empty()) {
    reply.response.set(http::field::access_control_allow_origin, origin);
    reply.response.set(http::field::vary, "Origin");
    reply.response.set(http::field::access_control_expose_headers,
                       "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
  }
  co_return reply;
}

net::Reply StreamableHttp::options_preflight(net::Request& request) const {
  net::Response r{http::status::no_content, 11};
  auto origin = header_value(request, "Origin");
  if (!origin.empty()) {
    r.set(http::field::access_control_allow_origin, origin);
    r.set(http::field::vary, "Origin");
  }
  r.set(http::field::access_control_allow_methods, "GET, POST, DELETE, OPTIONS");
  r.set(http::field::access_control_allow_headers,
        "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, Mcp-Method, "
        "Mcp-Name");
  r.set(http::field::access_control_expose_headers, "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
  r.set(http::field::access_control_max_age, "86400");
  r.prepare_payload();
  return net::reply(std::move(r));
}

std::variant<std::shared_ptr<Session>, net::Reply> StreamableHttp::lookup_session(const net::Request& request,
                                                                                    const Principal& principal) const {
  auto id = header_value(request, headers::session_id);
  if (id.empty())
    return rpc_error(http::status::bad_request, kTransportError, "Bad Request: Mcp-Session-Id header is required");
  auto session = sessions_.find(std::string(id));
  // TR4: a session belongs to the user who opened it; to anyone else it does not exist.
  if (!session || session->subject() != principal.subject)
    return rpc_error(http::status::not_found, kSessionNotFound, "Session not found");
  // TR5: a request in a session names a revision this server speaks, or none.
  auto version = header_value(request, headers::protocol_version);
  if (!version.empty() && !is_session_version(version))
    return rpc_error(http::status::bad_request, kTransportError,
                     "Bad Request: Unsupported protocol version " + std::string(version) +
                         " (supported: 2025-11-25, 2025-06-18, 2025-03-26)");
  session->touch();
  return session;
}

asio::awaitable<net::Reply> StreamableHttp::post(net::Request& request, const Principal& principal) {
  // MCP basic/transports "Sending Messages to the Server".
  if (!accepts(header_value(request, "Accept"), "application/json") || !accepts(header_value(request, "Accept"), "text/event-stream"))
    co_return rpc_error(http::status::not_acceptable, kTransportError,
                        "Not Acceptable: the client must accept both application/json and text/event-stream");
  switch (net::json_content_type(header_value(request, "Content-Type"))) {
    case net::JsonContentType::json: break;
    case net::JsonContentType::not_json:
      co_return rpc_error(http::status::unsupported_media_type, kTransportError,
                          "Unsupported Media Type: Content-Type must be application/json");
    case net::JsonContentType::unsupported_charset:
      co_return rpc_error(http::status::unsupported_media_type, kTransportError,
                          "Unsupported Media Type: the body must be UTF-8 JSON (Content-Type charset=utf-8 or none)");
  }

  boost::system::error_code ec;
  json::value body = json::parse(request.body(), ec);
  if (ec) co_return rpc_error(http::status::bad_request, error_code::parse_error, "Parse error: " + ec.message());

  // MO1: the era is decided per request. A request of the stateless revision
  // is served without sessions; everything else keeps the session rules.
  if (is_stateless_request(header_value(request, headers::protocol_version), body))
    co_return co_await stateless_.handle(request, std::move(body), principal, options_.guard);

  // JSON-RPC batches (2025-03-26 only).
  if (body.is_array()) {
    auto& items = body.as_array();
    if (items.empty()) co_return rpc_error(http::status::bad_request, error_code::invalid_request, "Invalid Request: empty batch");
    if (options_.stateless)
      co_return rpc_error(http::status::bad_request, error_code::invalid_request, "Invalid Request: batches need a session");
    auto found = lookup_session(request, principal);
    if (auto* error = std::get_if<net::Reply>(&found)) co_return std::move(*error);
    auto session = std::get<std::shared_ptr<Session>>(found);
    if (!allows_batches(session->version()))
      co_return rpc_error(http::status::bad_request, error_code::invalid_request,
                          "Invalid Request: JSON-RPC batches are not part of protocol version " + session->version());
    // The whole batch is checked before any of it takes effect: a refused
    // item refuses the batch (one HTTP status answers one POST).
    std::vector<jsonrpc::Message> messages;
    messages.reserve(items.size());
    for (auto& item : items) {
      auto classified = jsonrpc::classify(std::move(item));
      if (auto* invalid = std::get_if<jsonrpc::Invalid>(&classified))
        co_return rpc_error(http::status::bad_request, invalid->code, "Invalid Request: " + invalid->message, invalid->id);
      auto& message = std::get<jsonrpc::Message>(classified);
      if (message.method == "initialize")
        co_return rpc_error(http::status::bad_request, error_code::invalid_request,
                            "Invalid Request: initialize must not be part of a batch");
      if (message.kind == jsonrpc::Kind::request)
        if (auto refusal = scope_refusal(message, principal)) co_return std::move(*refusal);
      messages.push_back(std::move(message));
    }
    std::vector<jsonrpc::Message> requests;
    for (auto& message : messages) {
      if (message.kind == jsonrpc::Kind::request) requests.push_back(std::move(message));
      else if (message.kind == jsonrpc::Kind::response)
        session->client_requests().deliver(message.id, std::move(message.result), std::move(message.error));
      else handle_notification(message, session.get());
    }
    if (requests.empty()) co_return accepted();
    co_return co_await run_batch(std::move(requests), std::move(session), request, principal);
  }

  auto classified = jsonrpc::classify(std::move(body));
  if (auto* invalid = std::get_if<jsonrpc::Invalid>(&classified))
    co_return rpc_error(http::status::bad_request, invalid->code, "Invalid Request: " + invalid->message, invalid->id);
  auto& message = std::get<jsonrpc::Message>(classified);

  if (message.kind == jsonrpc::Kind::request) {
    if (message.method == "initialize") co_return co_await initialize(message, request, principal);
    if (auto refusal = scope_refusal(message, principal)) co_return std::move(*refusal);
  }

  if (options_.stateless) {
    if (message.kind == jsonrpc::Kind::request) co_return co_await run_request(std::move(message), nullptr, request, principal);
    co_return accepted();
  }

  auto found = lookup_session(request, principal);
  if (auto* error = std::get_if<net::Reply>(&found)) {
    // TR4 (CLAUDE): notifications/initialized may arrive without a session or
    // with a stale one; acknowledging it costs nothing and avoids a reconnect loop.
    if (message.kind == jsonrpc::Kind::notification && message.method == "notifications/initialized") co_return accepted();
    co_return std::move(*error);
  }
  auto session = std::get<std::shared_ptr<Session>>(found);
  switch (message.kind) {
    case jsonrpc::Kind::notification:
      handle_notification(message, session.get());
      co_return accepted();
    case jsonrpc::Kind::response:
      session->client_requests().deliver(message.id, std::move(message.result), std::move(message.error));
      co_return accepted();
    case jsonrpc::Kind::request:
      break;
  }
  co_return co_await run_request(std::move(message), std::move(session), request, principal);
}

asio::awaitable<net::Reply> StreamableHttp::initialize(const jsonrpc::Message& message, const net::Request& request,
                                                       const Principal& principal) {
  const auto& params = message.params;
  auto* requested = params.if_contains("protocolVersion");
  if (!requested || !requested->is_string())
    co_return rpc_error(http::status::bad_request, error_code::invalid_params,
                        "Invalid params: initialize needs params.protocolVersion", message.id);
  std::string version(negotiate_session_version(requested->get_string()));
  json::object capabilities, client_info;
  if (auto* c = params.if_contains("capabilities"); c && c->is_object()) capabilities = c->get_object();
  if (auto* i = params.if_contains("clientInfo"); i && i->is_object()) client_info = i->get_object();

  auto response = jsonrpc::make_result(message.id, dispatcher_.initialize_result(version));
  net::Reply reply = net::reply(net::json_response(http::status::ok, json::serialize(response)));
  if (options_.stateless) co_return reply;

  // TR4: a random, visible-ASCII session id.
  auto session = std::make_shared<Session>(crypto::random_hex(16), version, std::move(capabilities),
                                           std::move(client_info), principal.subject, options_.stream_limits,
                                           std::make_shared<ReplayBudget>(options_.replay_bytes_per_session,
                                                                          replay_total_),
                                           *options_.clock);
  // H7: a full server refuses the newcomer; it never closes someone else's
  // session to make room. RFC 9110 §10.2.3: Retry-After says when to retry.
  if (sessions_.add(session) == SessionRegistry::Added::full) {
    spdlog::warn("session refused: the server holds its maximum of {} sessions", options_.session_limits.max_sessions);
    auto refusal = rpc_error(http::status::service_unavailable, kTransportError,
                             "Service Unavailable: this server holds its maximum number of MCP sessions; "
                             "try again later or end unused sessions with DELETE",
                             message.id);
    refusal.response.set(http::field::retry_after, "30");
    co_return refusal;
  }
  spdlog::info("session {} opened: protocol {}, client {}", session->id(), version,
               json::serialize(session->client_info()));
  reply.response.set(headers::session_id, session->id());
  (void)request;
  co_return reply;
}

std::optional<net::Reply> StreamableHttp::scope_refusal(const jsonrpc::Message& message,
                                                        const Principal& principal) const {
  if (!options_.guard) return std::nullopt;
  auto needed = missing_tool_scopes(server_, message, principal);
  if (needed.empty()) return std::nullopt;
  return options_.guard->insufficient_scope(principal, needed);
}

void StreamableHttp::trim_replay(Session& session) {
  session.trim_replay(options_.replay_bytes_per_session);
  if (!replay_total_->over()) return;
  // Over the process-wide bound: every session gives up what it can, at most
  // once a second so a flood of requests does not sweep the registry each time.
  auto now = options_.clock->monotonic().time_since_epoch().count();
  auto last = last_sweep_.load();
  if (now - last < std::chrono::steady_clock::duration(std::chrono::seconds(1)).count()) return;
  if (!last_sweep_.compare_exchange_strong(last, now)) return;
  sessions_.for_each([](Session& s) { s.trim_replay(0); });
  if (replay_total_->over())
    spdlog::warn("SSE resumption buffers hold {} bytes, over the bound of {}: only undelivered events are left",
                 replay_total_->used(), replay_total_->limit());
}

void StreamableHttp::handle_notification(const jsonrpc::Message& message, Session* session) {
  if (message.method == "notifications/cancelled") {
    // MCP basic/utilities/cancellation: stop work and send no response.
    if (auto* id = message.params.if_contains("requestId"); id && session) session->cancel_request(*id);
  }
  // notifications/initialized, roots/list_changed, progress: nothing to do.
}

asio::awaitable<net::Reply> StreamableHttp::run_request(jsonrpc::Message message, std::shared_ptr<Session> session,
                                                        const net::Request& request, const Principal& principal) {
  // No conditional expressions of class type in coroutines: GCC 12
  // destroys such temporaries twice (a use-after-free).
  std::shared_ptr<PostResponse> response;
  std::shared_ptr<std::atomic<bool>> cancelled;
  if (session) {
    // A stream is made (and kept for resumption) only if the answer streams.
    response = std::make_shared<PostResponse>([session] { return session->open_request_stream(); });
    cancelled = session->begin_request(message.id);
  } else {
    response = std::make_shared<PostResponse>(
        [limits = options_.stream_limits, clock = options_.clock] {
          return std::make_shared<EventStream>(crypto::random_hex(8), limits, nullptr, *clock);
        });
    cancelled = std::make_shared<std::atomic<bool>>(false);
  }
  auto executor = co_await asio::this_coro::executor;

  // The handler runs on its own (co_spawn starts it at once, here, until it
  // first waits); this coroutine only decides how to answer. The principal
  // is copied: the handler may outlive this HTTP exchange.
  asio::co_spawn(
      executor,
      [this, self = shared_from_this(), message = std::move(message), session, response, cancelled,
       principal = principal]() -> asio::awaitable<void> {
        HttpChannel channel(session, response, cancelled, options_.client_request_timeout);
        auto answer = co_await dispatcher_.dispatch(Call{message, channel, principal, session.get()});
        if (session) session->end_request(message.id);
        if (!cancelled->load()) response->respond(json::serialize(answer));
        response->finish();
        if (session) trim_replay(*session);
      },
      asio::detached);

  // A call not answered within a keep-alive interval is answered as a
  // stream, whose keep-alive comments keep proxies with idle timeouts
  // (nginx's 60 s) from cutting a long call; a quick one stays plain JSON.
  co_await response->decided(options_.keepalive);
  if (auto only = response->take_answer()) co_return net::reply(net::json_response(http::status::ok, std::move(*only)));
  std::string version(kLatestSessionVersion);
  if (session) version = session->version();
  auto stream = response->stream();
  co_return sse_reply(request, stream, stream->attach(0), true, version);
}

asio::awaitable<net::Reply> StreamableHttp::run_batch(std::vector<jsonrpc::Message> messages,
                                                      std::shared_ptr<Session> session, const net::Request& request,
                                                      const Principal& principal) {
  auto stream = session->open_request_stream();
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(
      executor,
      [this, self = shared_from_this(), messages = std::move(messages), session, stream,
       principal = principal]() -> asio::awaitable<void> {
        // Always a stream: every message of the batch shares it.
        auto shared = std::make_shared<PostResponse>([stream] { return stream; });
        for (const auto& message : messages) {
          auto cancelled = session->begin_request(message.id);
          HttpChannel channel(session, shared, cancelled, options_.client_request_timeout);
          auto response = co_await dispatcher_.dispatch(Call{message, channel, principal, session.get()});
          session->end_request(message.id);
          if (!cancelled->load()) stream->push(json::serialize(response));
        }
        stream->close();
        trim_replay(*session);
      },
      asio::detached);
  co_await stream->wait_for_first(options_.client_request_timeout + std::chrono::seconds(60));
  // Always stream a batch: its responses may come at different times.
  co_return sse_reply(request, stream, stream->attach(0), true, session->version());
}

net::Reply StreamableHttp::sse_reply(const net::Request& request, std::shared_ptr<EventStream> stream,
                                     EventStream::Cursor cursor, bool prime, const std::string& version) const {
  (void)request;
  std::optional<std::string> priming;
  // MCP 2025-11-25: prime the stream with an event id and an empty data
  // field so the client can resume. Older clients do not expect it.
  if (prime && version >= "2025-11-25")
    priming = EventStream::frame(stream->event_id(0), "", static_cast<int>(options_.sse_retry.count()));
  return net::Reply{sse_head(),
                    std::make_shared<SseSource>(std::move(stream), cursor, std::move(priming), options_.keepalive)};
}

net::Reply StreamableHttp::get(net::Request& request, const Principal& principal) {
  if (options_.stateless || is_stateless_version(header_value(request, headers::protocol_version))) {
    auto reply = rpc_error(http::status::method_not_allowed, kTransportError,
                           "Method not allowed: this server runs stateless and has no standalone stream");
    reply.response.set(http::field::allow, "POST, OPTIONS");
    return reply;
  }
  if (!accepts(header_value(request, "Accept"), "text/event-stream"))
    return rpc_error(http::status::not_acceptable, kTransportError, "Not Acceptable: the client must accept text/event-stream");
  auto found = lookup_session(request, principal);
  if (auto* error = std::get_if<net::Reply>(&found)) return std::move(*error);
  auto session = std::get<std::shared_ptr<Session>>(found);

  // Resumption (MCP basic/transports "Resumability and Redelivery"): replay
  // what followed the last event the client saw, on the stream it came from.
  if (auto last = header_value(request, headers::last_event_id); !last.empty()) {
    if (auto parsed = EventStream::parse_event_id(last)) {
      if (auto stream = session->find_stream(parsed->first))
        return sse_reply(request, stream, stream->attach(parsed->second), false, session->version());
    }
  }
  auto stream = session->standalone_stream();
  // Messages queued before this GET are delivered now; a newer GET takes
  // over from an older one, so nothing is sent on two streams.
  return sse_reply(request, stream, stream->attach(0), true, session->version());
}

net::Reply StreamableHttp::del(net::Request& request, const Principal& principal) {
  if (options_.stateless || is_stateless_version(header_value(request, headers::protocol_version))) {
    auto reply = rpc_error(http::status::method_not_allowed, kTransportError, "Method not allowed: no sessions");
    reply.response.set(http::field::allow, "POST, OPTIONS");
    return reply;
  }
  auto found = lookup_session(request, principal);
  if (auto* error = std::get_if<net::Reply>(&found)) return std::move(*error);
  auto session = std::get<std::shared_ptr<Session>>(found);
  sessions_.remove(session->id());
  spdlog::info("session {} closed by the client", session->id());
  net::Response r{http::status::ok, 11};
  r.prepare_payload();
  return net::reply(std::move(r));
}

void StreamableHttp::resource_updated(const std::string& uri, std::optional<std::string_view> owner) {
  stateless_.resource_updated(uri, owner);
  auto message = json::serialize(jsonrpc::make_notification("notifications/resources/updated", {{"uri", uri}}));
  // M7: a per-user resource's change reaches its owner's sessions only.
  sessions_.for_each([&](Session& s) {
    if (s.subscribed(uri) && (!owner || s.subject() == *owner)) s.standalone_stream()->push(message);
  });
}

void StreamableHttp::list_changed(std::string_view method, std::optional<std::string_view> owner) {
  stateless_.list_changed(method, owner);
  auto message = json::serialize(jsonrpc::make_notification(method, {}));
  sessions_.for_each([&](Session& s) {
    if (!owner || s.subject() == *owner) s.standalone_stream()->push(message);
  });
}

}  // namespace gatehouse::mcp
