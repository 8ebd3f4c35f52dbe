#pragma once
// The upstream identity provider as a client of it (RFC 6749 §4.1, OpenID
// Connect Core §3.1): where to send the browser, how to redeem the code,
// who signed in, and later refreshing (RFC 6749 §6) and revoking (RFC 7009)
// the user's tokens.
//
//   auto endpoints = co_await provider.endpoints();            // discovery, cached
//   auto url = provider.authorization_url(e, callback, state, nonce, challenge);
//   ... the browser comes back to the callback with ?code&state[&iss] ...
//   auto tokens = co_await provider.redeem_code(code, verifier, callback);
//   auto identity = co_await provider.identify(tokens, nonce);  // ID token + userinfo
//
// Every request goes through net::HttpsClient (https only, one deadline,
// bounded answers). Discovery documents and JWK Sets are cached (fetch
// cache: single flight, HTTP lifetimes); an ID token signed with a key the
// cached set lacks makes one early refetch of the set (key rollover, OIDC
// Core §10.1.1), at most once a minute.
#include "net/https_client.hpp"
#include "oauth/client/fetch_cache.hpp"
#include "upstream/identity.hpp"
#include "upstream/provider_settings.hpp"
#include "time/clock.hpp"

#include "crypto/jwk.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace gatehouse::upstream {

struct Endpoints {
  std::string authorization, token, userinfo, revocation, jwks_uri;
  // RFC 9207 §3: the provider promises `iss` on every authorization response.
  bool iss_parameter_supported = false;
  bool pkce_s256 = true;  // false when its metadata lists methods without S256
};

// RFC 6749 §5.1 (and OIDC Core §3.1.3.3) as Gatehouse keeps it.
struct TokenSet {
  std::string access_token;
  std::string token_type;  // "Bearer" in practice
  std::string refresh_token;
  std::string scope;
  std::string id_token;
  std::int64_t expires_at = 0;  // Unix seconds; 0: the provider gave no expires_in
};

struct TokenError {
  // true: the provider answered with an OAuth error (RFC 6749 §5.2), e.g.
  // invalid_grant for a revoked refresh token; false: it could not be
  // reached or answered something else (retry later, nothing is lost).
  bool refused = false;
  std::string error;        // the OAuth error code, or a failure kind
  std::string description;  // for logs and pages; never a token
};

class Provider {
 public:

  // `client` must outlive the provider and allow the provider's hosts
  // (its ports; private addresses only where configured).
  Provider(ProviderSettings settings, const net::HttpsClient& client, const time::Clock& clock = time::system_clock());

  const ProviderSettings& settings() const { return settings_; }
  bool openid() const { return settings_.kind == ProviderSettings::Kind::oidc; }

  // The endpoints: configured ones, completed by discovery for OpenID
  // Connect (cached). An error text naming the document and the problem.
  boost::asio::awaitable<std::variant<Endpoints, std::string>> endpoints();

  // RFC 6749 §4.1.1 with PKCE S256 (RFC 7636 §4.3), state, nonce (OIDC),
  // scope, the configured resource and extra parameters.
  std::string authorization_url(const Endpoints& endpoints, std::string_view redirect_uri, std::string_view state,
                                std::string_view nonce, std::string_view code_challenge) const;

  // RFC 6749 §4.1.3 with the PKCE verifier.
  boost::asio::awaitable<std::variant<TokenSet, TokenError>> redeem_code(std::string code, std::string code_verifier,
                                                                         std::string redirect_uri);
  // RFC 6749 §6. A provider that does not rotate keeps the old refresh
  // token: the result then carries the one passed in.
  boost::asio::awaitable<std::variant<TokenSet, TokenError>> refresh(std::string refresh_token);
  // Who signed in: the ID token validated (OIDC; `nonce` of this sign-in),
  // then userinfo where there is an endpoint (its `sub` must match, OIDC
  // Core §5.3.2), then GitHub's emails and organisations with the preset.
  // An error text for the page and the log.
  boost::asio::awaitable<std::variant<Identity, std::string>> identify(const TokenSet& tokens, std::string nonce,
                                                                       bool want_organizations);
  // RFC 7009 §2.1 (GitHub's token deletion with the preset, which has no
  // revocation endpoint); false when there is none or it failed (logged).
  // `hint`: "refresh_token" or "access_token".
  boost::asio::awaitable<bool> revoke(std::string token, std::string hint);

  // A GET with the user's access token (the userinfo call of builtin:demo's
  // tool); the answer's status and body.
  boost::asio::awaitable<std::variant<net::HttpsResponse, net::FetchFailure>> get_with_token(std::string url,
                                                                                             std::string access_token);

 private:
  boost::asio::awaitable<std::variant<TokenSet, TokenError>> token_request(std::string form, std::string_view what);
  boost::asio::awaitable<bool> revoke_at_github(std::string token, std::string hint);
  boost::asio::awaitable<std::variant<std::shared_ptr<const crypto::JwkSet>, std::string>> jwks(const std::string& uri);
  std::int64_t now() const;

  ProviderSettings settings_;
  const net::HttpsClient& client_;
  const time::Clock& clock_;
  oauth::FetchCache<boost::json::object> discovery_;
  oauth::FetchCache<crypto::JwkSet> keys_;
  std::atomic<std::int64_t> last_key_refetch_{0};
};

}  // namespace gatehouse::upstream
