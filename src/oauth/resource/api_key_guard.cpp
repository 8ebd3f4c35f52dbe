#include "oauth/resource/api_key_guard.hpp"

#include "oauth/context.hpp"
#include "oauth/scope.hpp"

#include <boost/json.hpp>

namespace gatehouse::oauth {

namespace http = boost::beast::http;

namespace {
constexpr auto kCacheFor = std::chrono::seconds(60);
constexpr std::size_t kCacheLimit = 10'000;

net::Reply refuse(std::string_view description, unsigned version) {
  Error error = Error::invalid_token(std::string(description));
  auto response = net::json_response(http::status::unauthorized, boost::json::serialize(error.to_json()), version);
  response.set(http::field::www_authenticate, "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
  return net::reply(std::move(response));
}
}  // namespace

ApiKeyGuard::ApiKeyGuard(store::ClientStore& clients, std::vector<std::string> scopes, const time::Clock& clock)
    : clients_(clients), scopes_(std::move(scopes)), clock_(clock) {}

std::variant<Principal, net::Reply> ApiKeyGuard::authenticate(const net::Request& request) const {
  auto it = request.find(http::field::authorization);
  if (it == request.end() || !std::string_view(it->value()).starts_with("Bearer ")) {
    auto response = net::json_response(
        http::status::unauthorized,
        R"({"error":"invalid_request","error_description":"send an API key as Authorization: Bearer <key>"})",
        request.version());
    response.set(http::field::www_authenticate, "Bearer realm=\"gatehouse\"");
    return net::reply(std::move(response));
  }
  auto hash = token_hash(std::string_view(it->value()).substr(7));
  auto now = clock_.monotonic();
  {
    std::lock_guard lock(mutex_);
    if (auto k = known_.find(hash); k != known_.end() && k->second.until > now) return k->second.principal;
    if (auto w = wrong_.find(hash); w != wrong_.end() && w->second > now)
      return refuse("the API key is not valid", request.version());
  }
  std::optional<Principal> principal;
  if (auto client = clients_.find_by_fingerprint(hash); client && client->kind == store::ClientKind::api_key)
    principal = Principal{"apikey:" + client->client_id, client->client_id, scopes_, {}};
  {
    std::lock_guard lock(mutex_);
    if (principal) {
      // Bounded by the keys issued; past the bound, the expired go first.
      if (known_.size() >= kCacheLimit) std::erase_if(known_, [&](const auto& e) { return e.second.until <= now; });
      if (known_.size() >= kCacheLimit) known_.clear();
      known_[hash] = Known{*principal, now + kCacheFor};
      wrong_.erase(hash);
    } else {
      if (wrong_.size() >= kCacheLimit) wrong_.clear();
      wrong_[hash] = now + kCacheFor;
      known_.erase(hash);
    }
  }
  if (!principal) return refuse("the API key is not valid", request.version());
  return *principal;
}

net::Reply ApiKeyGuard::insufficient_scope(const Principal&, const std::vector<std::string>& needed,
                                           unsigned version) const {
  auto error = Error::insufficient_scope("this call needs the scope " + join_scope(needed));
  auto response = net::json_response(http::status::forbidden, boost::json::serialize(error.to_json()), version);
  response.set(http::field::www_authenticate,
               "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"" + join_scope(needed) + "\"");
  return net::reply(std::move(response));
}

std::string_view ApiKeyGuard::refusal_reason(const net::Response& refusal) const {
  // authenticate() answers invalid_request only when no key was sent.
  return refusal.body().find("\"invalid_request\"") != std::string::npos ? "missing" : "invalid";
}

}  // namespace gatehouse::oauth
