#include "doctor/mcp_call.hpp"

#include "gateway/sse_parser.hpp"
#include "mcp/protocol_headers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace gatehouse::doctor {

namespace json = boost::json;

namespace {

constexpr std::int64_t kCallId = 1;
constexpr std::size_t kMaxEvent = 1024 * 1024;

json::object client_info() { return json::object{{"name", "gatehouse-doctor"}, {"version", "1.0.0"}}; }

// A response to our request: a JSON-RPC object with our id and a result or
// an error (JSON-RPC 2.0 §5).
bool is_jsonrpc_response(const json::value& value) {
  if (!value.is_object()) return false;
  const auto& object = value.get_object();
  auto* version = object.if_contains("jsonrpc");
  return version && version->is_string() && version->get_string() == "2.0" &&
         (object.contains("result") || object.contains("error"));
}

bool is_our_answer(const json::value& value) {
  if (!is_jsonrpc_response(value)) return false;
  const auto& object = value.get_object();
  auto* id = object.if_contains("id");
  return id && id->is_int64() && id->get_int64() == kCallId && (object.contains("result") || object.contains("error"));
}

}  // namespace

const json::object* McpAnswer::result() const {
  if (!has_result()) return nullptr;
  return &message->at("result").get_object();
}

std::optional<std::int64_t> McpAnswer::error_code() const {
  if (!message) return std::nullopt;
  auto* error = message->if_contains("error");
  if (!error || !error->is_object()) return std::nullopt;
  auto* code = error->get_object().if_contains("code");
  if (!code || !code->is_int64()) return std::nullopt;
  return code->get_int64();
}

json::object initialize_params(std::string_view version) {
  return json::object{{"protocolVersion", version}, {"capabilities", json::object{}}, {"clientInfo", client_info()}};
}

boost::asio::awaitable<McpAnswer> call_mcp(Prober& prober, const std::string& url, const McpCall& call) {
  net::HttpsRequest request;
  request.method = net::HttpsRequest::Method::post;
  request.url = url;
  request.accept = "application/json, text/event-stream";
  request.content_type = "application/json";
  request.user_agent = call.user_agent;
  request.max_body = 1024 * 1024;
  if (!call.bearer.empty()) request.authorization = "Bearer " + call.bearer;
  if (!call.session_id.empty()) request.headers.emplace_back(mcp::headers::session_id, call.session_id);
  if (!call.origin.empty()) request.headers.emplace_back("Origin", call.origin);
  std::string version_header = call.protocol_version_header;
  if (call.modern && version_header.empty()) version_header = std::string(kModernVersion);
  if (!version_header.empty()) request.headers.emplace_back(mcp::headers::protocol_version, version_header);

  json::object params = call.params;
  if (call.modern) {
    // MCP 2026-07-28: every request names its revision and the client's
    // capabilities in _meta, and its method (and tool name) in headers.
    json::object meta{{"io.modelcontextprotocol/protocolVersion", kModernVersion},
                      {"io.modelcontextprotocol/clientCapabilities", json::object{}},
                      {"io.modelcontextprotocol/clientInfo", client_info()}};
    params["_meta"] = std::move(meta);
    request.headers.emplace_back(mcp::headers::method, call.method);
    if (auto* name = params.if_contains("name"); name && name->is_string())
      request.headers.emplace_back(mcp::headers::name, std::string(name->get_string()));
  }
  json::object message{{"jsonrpc", "2.0"}, {"method", call.method}};
  if (!params.empty() || call.modern) message["params"] = std::move(params);
  if (!call.notification) message["id"] = kCallId;
  if (call.raw_body.empty()) request.body = json::serialize(message);
  else request.body = call.raw_body;

  McpAnswer answer;
  answer.exchange = co_await prober.send(std::move(request));
  const Exchange& exchange = answer.exchange;
  if (!exchange.answered()) {
    answer.problem = "no answer";
    co_return answer;
  }
  const std::string& body = exchange.response->body;
  if (exchange.is("text/event-stream")) {
    gateway::SseParser parser(kMaxEvent);
    auto on_event = [&answer](const gateway::SseEvent& event) {
      if (answer.message) return;
      boost::system::error_code ec;
      auto value = json::parse(event.data, ec);
      if (!ec && is_our_answer(value)) answer.message = std::move(value.as_object());
    };
    auto on_oversize = [] {};
    parser.feed(body, on_event, on_oversize);
    parser.feed("\n\n", on_event, on_oversize);  // a last event the stream did not terminate
    if (!answer.message) answer.problem = "an event stream without the response";
    co_return answer;
  }
  if (exchange.is("text/html")) {
    answer.problem = "an HTML page";
    co_return answer;
  }
  if (body.empty()) {
    answer.problem = "an empty body";
    co_return answer;
  }
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) {
    answer.problem = "a body that is not JSON";
    co_return answer;
  }
  if (is_jsonrpc_response(value)) {
    answer.message = std::move(value.as_object());
  } else {
    answer.problem = "JSON that is not a JSON-RPC response";
  }
  co_return answer;
}

}  // namespace gatehouse::doctor
