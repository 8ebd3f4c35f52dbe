#pragma once
// The upstream identity provider Gatehouse signs users in through
// ([login.provider] in the configuration; docs/upstream.md), after presets
// and defaults are applied (config/login_rules.cpp).
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::upstream {

struct ProviderSettings {
  enum class Kind {
    oidc,    // OpenID Connect: discovery from `issuer`, an ID token checked against the JWKS
    oauth2,  // plain OAuth 2.0: explicit endpoints, the user from `userinfo_endpoint`
  };
  Kind kind = Kind::oidc;
  std::string name;          // short id in records and logs: "github", "google", "oidc", ...
  std::string display_name;  // on the sign-in button: "GitHub", "Google", "Company SSO"
  // OpenID Connect: the issuer (OIDC Discovery §4); the ID token's `iss`
  // must equal it. OAuth 2.0: the `iss` expected on authorization responses
  // (RFC 9207) when the provider sends one; may be empty.
  std::string issuer;
  // Explicit endpoints; with OpenID Connect the discovered ones fill the
  // gaps (an explicit value wins).
  std::string authorization_endpoint, token_endpoint, userinfo_endpoint, revocation_endpoint, jwks_uri;
  std::string client_id;
  std::string client_secret;  // from the environment variable the config names; never logged
  // client_secret_basic (RFC 6749 §2.3.1, the default) or client_secret_post.
  std::string token_endpoint_auth_method = "client_secret_basic";
  std::vector<std::string> scopes;
  // Which claims of the ID token / userinfo name the user.
  std::string subject_claim = "sub";
  std::string username_claim = "preferred_username";
  std::string email_claim = "email";
  // Added to the authorization request and to token requests, for provider
  // quirks (access_type=offline, prompt=consent, audience=...).
  std::vector<std::pair<std::string, std::string>> authorize_params, token_params;
  // RFC 8707 resource sent upstream with the authorization and token
  // requests; empty: none (many providers refuse the parameter).
  std::string resource;
  // GitHub: read verified emails from /user/emails and organisations from
  // /user/orgs (their API base).
  std::string github_api;
  // Tolerance for clock differences when checking exp and iat.
  std::chrono::seconds clock_skew{120};
  // Refresh an upstream access token this long before it expires.
  std::chrono::seconds refresh_ahead{60};
};

}  // namespace gatehouse::upstream
