#include "upstream/credentials.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace gatehouse::upstream {

namespace asio = boost::asio;

namespace {

std::string provider_name(TokenVault& vault) {
  return vault.provider() ? vault.provider()->settings().display_name : std::string("an upstream provider");
}

}  // namespace

asio::awaitable<std::shared_ptr<const Access>> VaultCredentials::access(const Principal& principal, bool need_token) {
  auto result = co_await vault_.access(principal.grant_id);
  std::optional<std::string> problem;
  if (auto* failure = std::get_if<AccessFailure>(&result)) {
    // The message is for the person and the model reading the tool error.
    problem = failure->message;
    if (failure->kind == AccessFailure::Kind::none) {
      if (need_token) problem = "you did not sign in with " + provider_name(vault_) + " when connecting; reconnect and sign in with it";
      else problem = "this connection has no connect-form values; reconnect to enter them";
    }
  } else if (need_token && std::get<std::shared_ptr<const Access>>(result)->access_token.empty()) {
    problem = "you did not sign in with " + provider_name(vault_) + " when connecting; reconnect and sign in with it";
  }
  if (problem) throw std::runtime_error(*problem);
  co_return std::get<std::shared_ptr<const Access>>(std::move(result));
}

asio::awaitable<UpstreamToken> VaultCredentials::token(const Principal& principal) {
  auto a = co_await access(principal, true);
  co_return UpstreamToken{a->access_token, a->token_type, a->expires_at, a->scope};
}

asio::awaitable<boost::json::object> VaultCredentials::connection(const Principal& principal) {
  auto a = co_await access(principal, false);
  co_return a->connection;
}

asio::awaitable<UpstreamIdentity> VaultCredentials::identity(const Principal& principal) {
  auto a = co_await access(principal, true);
  const auto& who = a->identity;
  co_return UpstreamIdentity{who.subject, who.username, who.name, who.email, who.email_verified, who.claims};
}

std::string VaultCredentials::userinfo_endpoint() {
  return vault_.provider() ? vault_.provider()->settings().userinfo_endpoint : std::string();
}

asio::awaitable<boost::json::value> VaultCredentials::userinfo(const Principal& principal) {
  if (!vault_.provider()) throw std::runtime_error("this server has no upstream sign-in ([login] method \"local\")");
  const std::string name = vault_.provider()->settings().display_name;
  auto found = co_await vault_.provider()->endpoints();
  if (std::holds_alternative<std::string>(found)) throw std::runtime_error(name + " cannot be reached right now");
  const std::string url = std::get<Endpoints>(found).userinfo;
  if (url.empty()) throw std::runtime_error(name + " has no userinfo endpoint");
  auto a = co_await access(principal, true);
  auto result = co_await vault_.provider()->get_with_token(url, a->access_token);
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
