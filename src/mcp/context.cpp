#include <gatehouse/context.hpp>
#include <gatehouse/error.hpp>

#include "mcp/json_schema.hpp"
#include "mcp/request_channel.hpp"

#include <array>

namespace gatehouse {

namespace json = boost::json;

namespace {
constexpr std::array<std::string_view, 8> kLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
}

std::string_view to_string(LogLevel level) { return kLevelNames[static_cast<std::size_t>(level)]; }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
  return std::nullopt;
}

RequestContext::RequestContext(mcp::RequestChannel& channel, const Principal& principal, json::value progress_token,
                               std::string_view upstream_api_key, UpstreamCredentials* upstream)
    : channel_(channel),
      principal_(principal),
      progress_token_(std::move(progress_token)),
      upstream_api_key_(upstream_api_key),
      upstream_(upstream) {}

std::string_view RequestContext::protocol_version() const { return channel_.protocol_version(); }
const json::object& RequestContext::client_capabilities() const { return channel_.client_capabilities(); }
bool RequestContext::cancelled() const { return channel_.cancelled(); }
bool RequestContext::in_task() const { return channel_.in_task(); }
awaitable<bool> RequestContext::continue_as_task() { return channel_.continue_as_task(); }
void RequestContext::close_response_stream() { channel_.close_response_stream(); }

awaitable<json::value> RequestContext::ask(std::string_view method, json::object params, std::string_view key) {
  return channel_.ask(method, std::move(params), key);
}

bool RequestContext::client_supports(std::string_view capability) const {
  return client_capabilities().contains(capability);
}

bool RequestContext::wants_progress() const noexcept { return !progress_token_.is_null() || channel_.in_task(); }

void RequestContext::progress(double progress, std::optional<double> total, std::string_view message) {
  // A task's client polls rather than listens: its progress is the task's
  // statusMessage, asked for or not.
  if (progress_token_.is_null() && !channel_.in_task()) return;
  json::object params{{"progressToken", progress_token_}, {"progress", progress}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = message;
  channel_.notify("notifications/progress", std::move(params));
}

void RequestContext::log(LogLevel level, json::value data, std::string_view logger) {
  auto threshold = channel_.log_level();
  if (!threshold || level < *threshold) return;
  json::object params{{"level", to_string(level)}, {"data", std::move(data)}};
  if (!logger.empty()) params["logger"] = logger;
  channel_.notify("notifications/message", std::move(params));
}

awaitable<json::object> RequestContext::create_message(json::object params, std::string_view key) {
  auto result = co_await channel_.ask("sampling/createMessage", std::move(params), key);
  if (!result.is_object()) throw McpError::internal("sampling/createMessage: the client's result is not an object");
  co_return std::move(result.as_object());
}

awaitable<json::object> RequestContext::elicit(std::string message, json::object requested_schema,
                                               std::string_view key) {
  return elicit(json::object{{"message", message}, {"requestedSchema", std::move(requested_schema)}}, key);
}

awaitable<json::object> RequestContext::elicit(json::object params, std::string_view key) {
  json::value schema;
  if (auto* requested = params.if_contains("requestedSchema")) schema = *requested;
  auto result = co_await channel_.ask("elicitation/create", std::move(params), key);
  if (!result.is_object()) throw McpError::internal("elicitation/create: the client's result is not an object");
  // MCP 2025-11-25 client/elicitation "Security Considerations": the server
  // checks accepted content against the schema it asked with; the client's
  // check is not enough (a client, or a forged requestState round, can send
  // anything).
  auto& answer = result.as_object();
  auto* action = answer.if_contains("action");
  if (action && action->is_string() && action->get_string() == "accept" && !schema.is_null()) {
    auto* content = answer.if_contains("content");
    if (!content || !content->is_object())
      throw std::runtime_error("the answer to the question was accepted without content");
    if (auto violation = mcp::validate_json_schema(schema, *content))
      throw std::runtime_error("the answer to the question does not match what was asked: " + mcp::to_string(*violation));
  }
  co_return std::move(answer);
}

awaitable<json::array> RequestContext::list_roots(std::string_view key) {
  json::object no_params;
  auto result = co_await channel_.ask("roots/list", std::move(no_params), key);
  if (!result.is_object() || !result.as_object().contains("roots") || !result.at("roots").is_array())
    throw McpError::internal("roots/list: the client's result has no roots array");
  co_return std::move(result.at("roots").as_array());
}

awaitable<UpstreamToken> RequestContext::upstream_token() const {
  if (!upstream_) throw std::runtime_error("this server has no upstream sign-in ([login] method \"local\")");
  co_return co_await upstream_->token(principal_);
}

awaitable<UpstreamIdentity> RequestContext::upstream_identity() const {
  if (!upstream_) throw std::runtime_error("this server has no upstream sign-in ([login] method \"local\")");
  co_return co_await upstream_->identity(principal_);
}

awaitable<json::value> RequestContext::upstream_userinfo() const {
  if (!upstream_) throw std::runtime_error("this server has no upstream sign-in ([login] method \"local\")");
  co_return co_await upstream_->userinfo(principal_);
}

awaitable<json::object> RequestContext::connection() const {
  if (!upstream_) throw std::runtime_error("this server has no connect form ([connect])");
  co_return co_await upstream_->connection(principal_);
}

awaitable<std::string> RequestContext::connection_value(std::string_view name) const {
  auto values = co_await connection();
  const auto* value = values.if_contains(name);
  if (!value || !value->is_string()) co_return std::string();
  co_return std::string(value->get_string());
}

}  // namespace gatehouse
