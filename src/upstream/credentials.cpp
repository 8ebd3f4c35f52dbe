#include "upstream/credentials.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace gatehouse::upstream {

namespace asio = boost::asio;

asio::awaitable<Access> VaultCredentials::access(const Principal& principal) {
  auto result = co_await vault_.access(principal.grant_id);
  if (auto* failure = std::get_if<AccessFailure>(&result)) {
    // The message is for the person and the model reading the tool error.
    std::string message = failure->message;
    if (failure->kind == AccessFailure::Kind::none)
      message = "you did not sign in with " + vault_.provider().settings().display_name +
                " when connecting: " + message + ". Reconnect and sign in with it";
    throw std::runtime_error(message);
  }
  co_return std::move(std::get<Access>(result));
}

asio::awaitable<UpstreamToken> VaultCredentials::token(const Principal& principal) {
  auto a = co_await access(principal);
  co_return UpstreamToken{std::move(a.access_token), std::move(a.token_type), a.expires_at, std::move(a.scope)};
}

asio::awaitable<UpstreamIdentity> VaultCredentials::identity(const Principal& principal) {
  auto a = co_await access(principal);
  co_return UpstreamIdentity{std::move(a.identity.subject), std::move(a.identity.username), std::move(a.identity.name),
                             std::move(a.identity.email), a.identity.email_verified, std::move(a.identity.claims)};
}

std::string VaultCredentials::userinfo_endpoint() {
  const auto& s = vault_.provider().settings();
  return s.userinfo_endpoint;
}

asio::awaitable<boost::json::value> VaultCredentials::userinfo(const Principal& principal) {
  const auto& name = vault_.provider().settings().display_name;
  auto found = co_await vault_.provider().endpoints();
  if (std::holds_alternative<std::string>(found)) throw std::runtime_error(name + " cannot be reached right now");
  const std::string url = std::get<Endpoints>(found).userinfo;
  if (url.empty()) throw std::runtime_error(name + " has no userinfo endpoint");
  auto a = co_await access(principal);
  auto result = co_await vault_.provider().get_with_token(url, a.access_token);
  if (std::holds_alternative<net::FetchFailure>(result))
    throw std::runtime_error(name + "'s userinfo endpoint could not be reached");
  const auto& r = std::get<net::HttpsResponse>(result);
  if (r.status != 200)
    throw std::runtime_error(name + "'s userinfo endpoint answered HTTP " + std::to_string(r.status));
  boost::system::error_code ec;
  auto doc = boost::json::parse(r.body, ec);
  if (ec) throw std::runtime_error(name + "'s userinfo answer is not JSON");
  co_return doc;
}

}  // namespace gatehouse::upstream
