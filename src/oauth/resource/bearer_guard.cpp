#include "oauth/resource/bearer_guard.hpp"

#include "net/text.hpp"

#include "net/form.hpp"
#include "net/router.hpp"
#include "oauth/endpoint/metadata.hpp"
#include "oauth/resource/challenge.hpp"
#include "oauth/scope.hpp"

#include <boost/json.hpp>

namespace gatehouse::oauth {

namespace http = boost::beast::http;

namespace {
bool iequals_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && net::iequals(s.substr(0, prefix.size()), prefix);
}
}  // namespace

BearerGuard::BearerGuard(const Settings& settings, const AccessTokens& tokens)
    : settings_(settings), tokens_(tokens), metadata_url_(protected_resource_metadata_url(settings)) {}

net::Reply BearerGuard::challenge(std::optional<Error> error, unsigned version) const {
  Error shown = error ? *error : Error::invalid_token("an access token is required");
  auto response = net::json_response(http::status::unauthorized, boost::json::serialize(shown.to_json()), version);
  // RS2: resource_metadata and the minimal scopes; `error` only when a token was sent.
  response.set(http::field::www_authenticate, bearer_challenge(metadata_url_, settings_.default_scopes, error));
  return net::reply(std::move(response));
}

std::variant<Principal, net::Reply> BearerGuard::authenticate(const net::Request& request) const {
  // RS1: tokens in the query string are refused (RFC 6750 §2.3 is not offered).
  auto target = std::string_view(request.target());
  if (auto q = target.find('?'); q != std::string_view::npos)
    if (auto form = net::parse_form(target.substr(q + 1)); form && form->get("access_token"))
      return challenge(Error::invalid_request("send the access token in the Authorization header, not the URL"),
                       request.version());

  auto it = request.find(http::field::authorization);
  if (it == request.end()) return challenge(std::nullopt, request.version());
  std::string_view value = it->value();
  if (!iequals_prefix(value, "Bearer ")) return challenge(std::nullopt, request.version());
  auto token = value.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return challenge(Error::invalid_token("the access token is empty"), request.version());

  auto verified = tokens_.verify(token);
  if (auto* error = std::get_if<Error>(&verified)) return challenge(*error, request.version());
  return std::get<Principal>(std::move(verified));
}

std::string_view BearerGuard::refusal_reason(const net::Response& refusal) const {
  boost::system::error_code ec;
  auto body = boost::json::parse(refusal.body(), ec);
  const auto* o = ec ? nullptr : body.if_object();
  auto text = [&](std::string_view key) -> std::string_view {
    auto* v = o ? o->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
  };
  if (text("error") == "invalid_request") return "invalid_request";
  // The descriptions AccessTokens::verify and authenticate() give.
  auto description = text("error_description");
  if (description == "an access token is required" || description == "the access token is empty") return "missing";
  if (description.find("expired") != std::string_view::npos) return "expired";
  if (description.find("revoked") != std::string_view::npos) return "revoked";
  if (description.find("another resource") != std::string_view::npos) return "wrong_audience";
  if (description.find("another server") != std::string_view::npos) return "wrong_issuer";
  if (description.find("not valid yet") != std::string_view::npos) return "not_yet_valid";
  return "invalid";
}

net::Reply BearerGuard::insufficient_scope(const Principal& principal, const std::vector<std::string>& needed,
                                           unsigned version) const {
  std::vector<std::string> scopes = needed;
  for (const auto& s : principal.scopes)
    if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
  auto error = Error::insufficient_scope("this call needs the scope " + join_scope(needed));
  auto response = net::json_response(http::status::forbidden, boost::json::serialize(error.to_json()), version);
  response.set(http::field::www_authenticate, bearer_challenge(metadata_url_, scopes, error));
  return net::reply(std::move(response));
}

}  // namespace gatehouse::oauth
