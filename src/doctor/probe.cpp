#include "doctor/probe.hpp"

#include "net/form.hpp"
#include "net/media_type.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>

namespace gatehouse::doctor {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::array<std::string_view, 7> kSecretNames{"access_token", "refresh_token", "id_token",
                                                       "code",         "client_secret", "registration_access_token",
                                                       "code_verifier"};

std::string_view method_name(net::HttpsRequest::Method method) {
  switch (method) {
    case net::HttpsRequest::Method::get: return "GET";
    case net::HttpsRequest::Method::post: return "POST";
    case net::HttpsRequest::Method::del: return "DELETE";
  }
  return "GET";
}

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// Masks the value after each `name` that is a whole word followed by
// `":"` (a JSON member) or `=` (a query or form parameter).
std::string mask_after(std::string text, std::string_view name) {
  std::size_t from = 0;
  while ((from = text.find(name, from)) != std::string::npos) {
    std::size_t end = from + name.size();
    const bool word_start = from == 0 || !name_char(text[from - 1]);
    std::size_t value = std::string::npos;
    char stop = '&';
    if (word_start && end < text.size() && text[end] == '=') {
      value = end + 1;
    } else if (word_start && end + 1 < text.size() && text[end] == '"') {
      std::size_t i = end + 1;
      while (i < text.size() && (text[i] == ' ' || text[i] == ':')) ++i;
      if (i < text.size() && text[i] == '"' && text.find(':', end) < i) {
        value = i + 1;
        stop = '"';
      }
    }
    if (value == std::string::npos) {
      from = end;
      continue;
    }
    std::size_t value_end = value;
    while (value_end < text.size() && text[value_end] != stop && text[value_end] != ' ' &&
           (stop != '&' || (text[value_end] != '#' && text[value_end] != '"')))
      ++value_end;
    std::string replacement = masked(std::string_view(text).substr(value, value_end - value));
    text.replace(value, value_end - value, replacement);
    from = value + replacement.size();
  }
  return text;
}

}  // namespace

std::string masked(std::string_view secret) {
  if (secret.empty()) return "";
  if (secret.size() <= 8) return "…(" + std::to_string(secret.size()) + " chars)";
  return std::string(secret.substr(0, 4)) + "…(" + std::to_string(secret.size()) + " chars)";
}

std::string mask_secrets(std::string_view text) {
  std::string out(text);
  for (auto name : kSecretNames) out = mask_after(std::move(out), name);
  return out;
}

bool Exchange::is(std::string_view type) const {
  if (!response) return false;
  return net::media_type_essence(response->content_type) == type;
}

std::string Exchange::line() const {
  std::string out = method + " " + mask_secrets(url) + " -> ";
  if (!response) return out + "no answer: " + (failure ? failure->reason : std::string("not sent"));
  out += std::to_string(response->status);
  if (!response->content_type.empty()) out += " " + response->content_type;
  if (response->status >= 300 && response->status < 400 && !response->location.empty())
    out += " Location: " + mask_secrets(response->location);
  return out + " (" + std::to_string(elapsed.count()) + " ms)";
}

std::optional<json::object> Exchange::json_object() const {
  if (!response) return std::nullopt;
  boost::system::error_code ec;
  auto value = json::parse(response->body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::string Exchange::excerpt(std::size_t max) const {
  if (!response) return "";
  std::string body;
  for (char c : response->body.substr(0, max * 2)) body += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  body = mask_secrets(body);
  if (body.size() > max) body = body.substr(0, max) + "…";
  return body;
}

Prober::Prober(net::OutboundPolicy policy) : client_(std::move(policy)) {}

boost::asio::awaitable<Exchange> Prober::send(net::HttpsRequest request) {
  if (!agent_override_.empty()) request.user_agent = agent_override_;
  Exchange exchange;
  exchange.method = std::string(method_name(request.method));
  exchange.url = request.url;
  const auto start = Clock::now();
  auto result = co_await client_.send(std::move(request));
  exchange.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (auto* response = std::get_if<net::HttpsResponse>(&result)) {
    exchange.response = std::move(*response);
    answered_any_ = true;
  } else {
    exchange.failure = std::get<net::FetchFailure>(result);
  }
  if (!slowest_ || exchange.elapsed > slowest_->elapsed) slowest_ = exchange;
  co_return exchange;
}

boost::asio::awaitable<Exchange> Prober::get(std::string url, std::string_view user_agent) {
  net::HttpsRequest request;
  request.url = std::move(url);
  request.user_agent = std::string(user_agent);
  co_return co_await send(std::move(request));
}

boost::asio::awaitable<Exchange> Prober::post_form(std::string url,
                                                   std::vector<std::pair<std::string, std::string>> fields,
                                                   std::string authorization) {
  net::HttpsRequest request;
  request.method = net::HttpsRequest::Method::post;
  request.url = std::move(url);
  request.content_type = "application/x-www-form-urlencoded";
  request.body = net::encode_form(fields);
  request.authorization = std::move(authorization);
  request.user_agent = std::string(kClaudeOAuthAgent);
  co_return co_await send(std::move(request));
}

boost::asio::awaitable<Exchange> Prober::post_json(std::string url, json::value body,
                                                   std::vector<std::pair<std::string, std::string>> headers,
                                                   std::string authorization, std::string_view user_agent) {
  net::HttpsRequest request;
  request.method = net::HttpsRequest::Method::post;
  request.url = std::move(url);
  request.content_type = "application/json";
  request.body = json::serialize(body);
  request.headers = std::move(headers);
  request.authorization = std::move(authorization);
  request.user_agent = std::string(user_agent);
  request.max_body = 1024 * 1024;
  co_return co_await send(std::move(request));
}

}  // namespace gatehouse::doctor
