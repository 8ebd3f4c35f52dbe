#include "mcp/stateless_http.hpp"

#include "crypto/random.hpp"
#include "mcp/client_requests.hpp"
#include "mcp/post_response.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/registry.hpp"
#include "mcp/sse_source.hpp"
#include "mcp/tool_scopes.hpp"
#include "mcp/transport_replies.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::mcp {

namespace http = boost::beast::http;
namespace asio = boost::asio;

namespace {

// The HTTP status that carries a JSON-RPC error of this revision: clients
// of both eras read it to decide whether to fall back (MCP 2026-07-28
// basic/transports).
http::status status_for(int code) {
  switch (code) {
    case error_code::method_not_found: return http::status::not_found;
    case stateless_error::header_mismatch:
    case stateless_error::missing_capability:
    case stateless_error::unsupported_version: return http::status::bad_request;
    default: return http::status::ok;
  }
}

net::Reply refusal_reply(const Refusal& r, const json::value& id) {
  return rpc_error(r.status, r.code, r.message, id, r.data);
}

// The channel back to the client for one stateless request: notifications
// on the response stream, questions as input-required rounds.
class StatelessChannel final : public RequestChannel {
 public:
  StatelessChannel(const StatelessRequest& meta, std::shared_ptr<PostResponse> response, InputRounds& rounds,
                   std::shared_ptr<std::atomic<bool>> cancelled)
      : meta_(meta), response_(std::move(response)), rounds_(rounds), cancelled_(std::move(cancelled)) {}

  void notify(std::string_view method, json::object params) override {
    response_->stream()->push(json::serialize(jsonrpc::make_notification(method, std::move(params))));
  }

  awaitable<json::value> ask(std::string_view method, json::object params, std::string_view key) override {
    // MCP 2026-07-28: a question the client cannot answer is an error that
    // names the capability it lacks (-32021).
    auto capability = required_client_capability(method);
    if (!capability.empty() && !meta_.client_capabilities.contains(capability))
      throw McpError(stateless_error::missing_capability,
                     "Missing required client capability: " + std::string(capability),
                     json::object{{"requiredCapabilities", json::object{{capability, json::object{}}}}});
    std::string name = key.empty() ? rounds_.next_key(method) : std::string(key);
    if (const auto* answer = rounds_.answer(name)) co_return *answer;
    rounds_.request_input(std::move(name), method, std::move(params));
    // Let sibling questions asked concurrently (awaitable operators) join
    // this round before it ends.
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    throw InputRequired{};
  }

  bool cancelled() const override { return cancelled_->load(); }
  std::optional<LogLevel> log_level() const override { return meta_.log_level; }
  const json::object& client_capabilities() const override { return meta_.client_capabilities; }
  std::string_view protocol_version() const override { return kStatelessVersion; }

 private:
  const StatelessRequest& meta_;
  std::shared_ptr<PostResponse> response_;
  InputRounds& rounds_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

std::string random_key() { return crypto::random_bytes(32); }

}  // namespace

StatelessHttp::StatelessHttp(const Dispatcher& dispatcher, StatelessHttpOptions options)
    : dispatcher_(dispatcher),
      options_(std::move(options)),
      codec_(options_.request_state_key.empty() ? random_key() : options_.request_state_key,
             options_.request_state_lifetime) {}

asio::awaitable<net::Reply> StatelessHttp::handle(const net::Request& request, json::value body,
                                                  const Principal& principal, const net::AccessGuard* guard) {
  // JSON-RPC in this revision: one message per POST, no batches.
  if (body.is_array())
    co_return rpc_error(http::status::bad_request, error_code::invalid_request,
                        "Invalid Request: protocol version 2026-07-28 takes one message per POST");
  auto classified = jsonrpc::classify(std::move(body));
  if (auto* invalid = std::get_if<jsonrpc::Invalid>(&classified))
    co_return rpc_error(http::status::bad_request, invalid->code, "Invalid Request: " + invalid->message, invalid->id);
  auto message = std::move(std::get<jsonrpc::Message>(classified));
  // No server→client requests exist in this revision, so no responses either.
  if (message.kind == jsonrpc::Kind::response)
    co_return rpc_error(http::status::bad_request, error_code::invalid_request,
                        "Invalid Request: protocol version 2026-07-28 has no server-to-client requests to answer");
  if (message.kind == jsonrpc::Kind::notification) co_return accepted();

  auto checked = check_stateless_request(request, message, options_.headers);
  if (auto* refusal = std::get_if<Refusal>(&checked)) co_return refusal_reply(*refusal, message.id);
  auto meta = std::move(std::get<StatelessRequest>(checked));
  if (meta.legacy_header) note_legacy_header(meta);

  if (message.method == "subscriptions/listen") co_return listen(message, principal);

  // SEP-2243: tool arguments marked x-mcp-header must be mirrored in headers.
  if (message.method == "tools/call") {
    auto* name = message.params.if_contains("name");
    auto* args = message.params.if_contains("arguments");
    if (name && name->is_string())
      if (const auto* tool = registry_of(dispatcher_.server()).find_tool(name->get_string()))
        if (args && args->is_object())
          if (auto refusal = check_param_headers(request, tool->tool.input_schema, args->get_object()))
            co_return refusal_reply(*refusal, message.id);
  }
  if (guard)
    if (auto needed = missing_tool_scopes(dispatcher_.server(), message, principal); !needed.empty())
      co_return guard->insufficient_scope(principal, needed);
  co_return co_await run(std::move(message), std::move(meta), principal);
}

asio::awaitable<net::Reply> StatelessHttp::run(jsonrpc::Message message, StatelessRequest meta,
                                               const Principal& principal) {
  // What the handler needs outlives this exchange: the client may hang up.
  struct Exchange {
    jsonrpc::Message message;
    StatelessRequest meta;
    Principal principal;
    std::unique_ptr<InputRounds> rounds;
  };
  auto exchange = std::make_shared<Exchange>(Exchange{std::move(message), std::move(meta), principal, nullptr});
  auto begun = InputRounds::begin(codec_, exchange->message, exchange->principal);
  if (auto* error = std::get_if<McpError>(&begun))
    co_return rpc_error(http::status::bad_request, error->code(), error->what(), exchange->message.id);
  exchange->rounds = std::move(std::get<std::unique_ptr<InputRounds>>(begun));

  // Stream ids only label events here: no resumption without sessions.
  auto response = std::make_shared<PostResponse>([this] {
    return std::make_shared<EventStream>(std::to_string(next_stream_++), options_.stream_limits, nullptr, *options_.clock);
  });
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto error_code = std::make_shared<std::atomic<int>>(0);
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(
      executor,
      [this, exchange, response, cancelled, error_code]() -> asio::awaitable<void> {
        const auto& message = exchange->message;
        const auto& principal = exchange->principal;
        auto rounds = exchange->rounds.get();
        StatelessChannel channel(exchange->meta, response, *rounds, cancelled);
        auto answer = co_await dispatcher_.dispatch(Call{message, channel, principal, nullptr, Era::stateless, rounds});
        if (auto* error = answer.if_contains("error"); error && error->is_object())
          if (auto* code = error->as_object().if_contains("code"); code && code->is_int64())
            error_code->store(static_cast<int>(code->get_int64()));
        if (!cancelled->load()) response->respond(json::serialize(answer));
        response->finish();
      },
      asio::detached);

  // A call not answered within a keep-alive interval is answered as a
  // stream, whose keep-alive comments keep proxies with idle timeouts
  // (nginx's 60 s) from cutting a long call; a quick one stays plain JSON.
  co_await response->decided(options_.keepalive);
  if (auto only = response->take_answer())
    co_return net::reply(net::json_response(status_for(error_code->load()), std::move(*only)));
  // MCP 2026-07-28: closing the response stream cancels the request.
  auto stream = response->stream();
  co_return net::Reply{sse_head(), std::make_shared<SseSource>(stream, stream->attach(0), std::nullopt,
                                                               options_.keepalive, [cancelled] { cancelled->store(true); })};
}

net::Reply StatelessHttp::listen(const jsonrpc::Message& message, const Principal& principal) {
  auto* notifications = message.params.if_contains("notifications");
  if (!notifications || !notifications->is_object())
    return rpc_error(http::status::bad_request, error_code::invalid_params,
                     "Invalid params: subscriptions/listen needs params.notifications", message.id);
  // Honour only what this server can send; the acknowledgement says which.
  auto filter = SubscriptionFilter::from_json(notifications->get_object());
  if (!dispatcher_.has_prompts()) filter.prompts_list_changed = false;
  if (!dispatcher_.has_resources()) {
    filter.resources_list_changed = false;
    filter.resource_uris.clear();
  }
  // Task status notifications (SEP-2663) for a client of the extension.
  bool tasks = false;
  if (dispatcher_.runs_tasks())
    if (auto* meta = message.params.if_contains("_meta"); meta && meta->is_object())
      if (auto* caps = meta->as_object().if_contains(meta_key::client_capabilities); caps && caps->is_object())
        tasks = declares_tasks_extension(caps->as_object());
  if (!tasks) filter.task_ids.clear();
  auto stream = std::make_shared<EventStream>(std::to_string(next_stream_++), options_.stream_limits, nullptr, *options_.clock);
  auto subscription = std::make_shared<Subscription>(message.id, filter, stream, principal.subject);
  // The acknowledgement comes first; nothing is sent on the subscription before it.
  subscription->send("notifications/subscriptions/acknowledged", {{"notifications", filter.to_json()}});
  subscriptions_.add(subscription);
  // The subscription lasts as long as its response stream.
  return net::Reply{sse_head(), std::make_shared<SseSource>(stream, stream->attach(0), std::nullopt, options_.keepalive,
                                                            [this, raw = subscription.get()] { subscriptions_.remove(raw); })};
}

void StatelessHttp::close_subscriptions() {
  // SubscriptionsListenResult: the response that ends the stream.
  subscriptions_.close_all([](Subscription& s) {
    json::object result{{"resultType", "complete"}, {"_meta", json::object{{meta_key::subscription_id, s.id()}}}};
    return json::serialize(jsonrpc::make_result(s.id(), std::move(result)));
  });
}

void StatelessHttp::note_legacy_header(const StatelessRequest& meta) {
  std::string client = "unknown client";
  if (auto* name = meta.client_info.if_contains("name"); name && name->is_string()) client = name->get_string();
  std::lock_guard lock(noted_mutex_);
  if (noted_clients_.size() < 1000 && noted_clients_.insert(client).second)
    spdlog::warn("client \"{}\" sends protocol version 2026-07-28 in _meta with a 2025 MCP-Protocol-Version header; "
                 "served as 2026-07-28 (set strict_protocol_headers to refuse)",
                 client);
}

}  // namespace gatehouse::mcp
