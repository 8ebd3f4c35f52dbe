// The authorization server end to end, in process: DCR → /authorize (login,
// consent) → /token → bearer guard, through the Router the server installs.
// Each test is named after the INTEROP id it checks.
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth_test {
namespace {

// Every JSON value in `v`, recursively, is not null.
bool has_null(const json::value& v) {
  if (v.is_null()) return true;
  if (v.is_object())
    for (const auto& [k, m] : v.get_object())
      if (has_null(m)) return true;
  if (v.is_array())
    for (const auto& m : v.get_array())
      if (has_null(m)) return true;
  return false;
}

// A JSON string's text, for comparisons with std::string / string_view.
std::string str(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : "<" + json::serialize(v) + ">"; }

json::object jwt_claims(const std::string& token) {
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  auto payload = crypto::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  return payload ? json::parse(*payload).as_object() : json::object{};
}

struct AuthorizationServerFlow : ::testing::Test {
  OAuthHarness h;
};

TEST_F(AuthorizationServerFlow, TK3_PublicClientDcrAuthorizeTokenBearerAccepted) {
  auto client = h.register_public();
  auto pkce = Pkce::make();

  auto page = h.authorize_get(h.authorize_params(client, pkce));
  ASSERT_EQ(page.response.result(), http::status::ok);
  ASSERT_TRUE(is_login_page(page));
  EXPECT_FALSE(hidden_field(page.response.body(), "request").empty());
  EXPECT_FALSE(hidden_field(page.response.body(), "csrf_token").empty());
  EXPECT_TRUE(h.cookies.contains("__Host-gh_browser"));

  auto consent = h.login(page);
  ASSERT_EQ(consent.response.result(), http::status::ok);
  ASSERT_TRUE(is_consent_page(consent));
  EXPECT_TRUE(h.cookies.contains("__Host-gh_session"));

  auto redirect = h.consent(consent);
  ASSERT_EQ(redirect.response.result(), http::status::found);
  auto q = location_query(redirect);
  ASSERT_FALSE(q.value_or("code").empty());

  auto reply = h.exchange(client, q.value_or("code"), pkce);
  ASSERT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
  auto body = body_json(reply);
  // TK3: access_token, token_type Bearer, integer expires_in, refresh_token
  // (without offline_access), scope.
  ASSERT_TRUE(body.contains("access_token") && body.at("access_token").is_string());
  EXPECT_EQ(body.at("token_type"), "Bearer");
  ASSERT_TRUE(body.contains("expires_in"));
  EXPECT_TRUE(body.at("expires_in").is_int64() || body.at("expires_in").is_uint64());
  EXPECT_GT(body.at("expires_in").to_number<std::int64_t>(), 0);
  ASSERT_TRUE(body.contains("refresh_token") && body.at("refresh_token").is_string());
  EXPECT_FALSE(body.at("refresh_token").as_string().empty());
  EXPECT_EQ(body.at("scope"), "mcp");
  // TK1
  EXPECT_EQ(header(reply, http::field::cache_control), "no-store");
  EXPECT_EQ(header(reply, http::field::content_type), "application/json");

  auto principal = h.bearer(std::string(body.at("access_token").as_string()));
  ASSERT_TRUE(std::holds_alternative<Principal>(principal));
  const auto& p = std::get<Principal>(principal);
  EXPECT_EQ(p.subject, "usr_alice");
  EXPECT_EQ(p.client_id, client.client_id);
  EXPECT_EQ(p.scopes, std::vector<std::string>{"mcp"});
  EXPECT_FALSE(p.grant_id.empty());

  // RFC 9068 access token bound to this resource (RS4, AZ4).
  auto claims = jwt_claims(std::string(body.at("access_token").as_string()));
  EXPECT_EQ(str(claims.at("aud")), kResource);
  EXPECT_EQ(str(claims.at("iss")), kIssuer);
  // The client completed a flow: it is no longer an unused registration.
  EXPECT_GT(h.stores.clients->find(client.client_id)->last_used_at, 0);
}

TEST_F(AuthorizationServerFlow, TK3_RefreshTokenWithoutOfflineAccessAndWithIt) {
  auto client = h.register_public();
  for (std::string scope : {"mcp", "mcp offline_access", "offline_access"}) {
    auto tokens = h.issue(client, scope);
    EXPECT_FALSE(tokens.refresh_token.empty()) << scope;
    EXPECT_EQ(tokens.body.at("scope"), "mcp") << scope;
    EXPECT_TRUE(h.accepted(tokens.access_token)) << scope;
  }
}

// TK1: client_secret_basic and client_secret_post are both accepted, whatever
// the registration said (CLAUDE posts secrets even when only basic is
// advertised).
struct ConfidentialCase {
  const char* name;
  const char* registered;
  ClientAuth used;
};

class ConfidentialClient : public ::testing::TestWithParam<ConfidentialCase> {
 protected:
  OAuthHarness h;
};

TEST_P(ConfidentialClient, TK1_SecretAuthenticationAccepted) {
  auto client = h.register_confidential(GetParam().registered);
  ASSERT_FALSE(client.client_secret.empty());
  EXPECT_EQ(client.registration.at("client_secret_expires_at"), 0);
  auto pkce = Pkce::make();
  auto code = h.authorize_code(client, pkce);
  auto reply = h.exchange(client, code, pkce, GetParam().used);
  ASSERT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
  EXPECT_EQ(header(reply, http::field::cache_control), "no-store");
  auto tokens = OAuthHarness::tokens_of(reply);
  EXPECT_TRUE(h.accepted(tokens.access_token));
  // Refresh with the same method works too.
  client.auth = GetParam().used;
  auto refreshed = h.refresh(client, tokens.refresh_token);
  ASSERT_EQ(refreshed.response.result(), http::status::ok) << refreshed.response.body();
  EXPECT_TRUE(h.accepted(OAuthHarness::tokens_of(refreshed).access_token));
}

INSTANTIATE_TEST_SUITE_P(
    Methods, ConfidentialClient,
    ::testing::Values(ConfidentialCase{"BasicRegisteredBasicUsed", "client_secret_basic", ClientAuth::basic},
                      ConfidentialCase{"BasicRegisteredPostUsed", "client_secret_basic", ClientAuth::post},
                      ConfidentialCase{"PostRegisteredPostUsed", "client_secret_post", ClientAuth::post},
                      ConfidentialCase{"PostRegisteredBasicUsed", "client_secret_post", ClientAuth::basic}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(AuthorizationServerFlow, TK1_BasicCredentialsAreFormEncoded) {
  // RFC 6749 §2.3.1: id and secret are form-urlencoded inside Basic.
  auto client = h.register_confidential();
  auto pkce = Pkce::make();
  auto code = h.authorize_code(client, pkce);
  auto r = OAuthHarness::form_request("/token", h.exchange_params(client, code, pkce));
  r.set(http::field::authorization, "Basic " + base64(client.client_id + ":" + net::url_encode(client.client_secret)));
  auto reply = h.send(std::move(r));
  EXPECT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
}

TEST_F(AuthorizationServerFlow, AZ7_RedirectIs302WithStateUnchangedAndIss) {
  auto client = h.register_public("https://app.example.com/callback?tenant=7");
  auto pkce = Pkce::make();
  auto reply = h.authorize(h.authorize_params(client, pkce));
  ASSERT_EQ(reply.response.result(), http::status::found);  // never 307/308
  auto location = header(reply, http::field::location);
  EXPECT_TRUE(location.starts_with("https://app.example.com/callback?tenant=7&")) << location;
  auto q = location_query(reply);
  EXPECT_EQ(q.value_or("state"), kState);
  EXPECT_EQ(q.value_or("iss"), kIssuer);
  EXPECT_EQ(q.value_or("tenant"), "7");
  EXPECT_FALSE(q.value_or("code").empty());
  EXPECT_EQ(header(reply, http::field::cache_control), "no-store");
  // The redirect target with its query is what the code is bound to.
  EXPECT_EQ(h.exchange(client, q.value_or("code"), pkce).response.result(), http::status::ok);
}

TEST_F(AuthorizationServerFlow, AZ7_ErrorRedirectIs302WithStateAndIss) {
  auto client = h.register_operator();  // request errors redirect only for the operator's clients (M5)
  auto params = h.authorize_params(client, Pkce::make());
  set_param(params, "response_type", "token");
  auto reply = h.authorize_get(params);
  ASSERT_EQ(reply.response.result(), http::status::found);
  auto q = location_query(reply);
  EXPECT_EQ(q.value_or("error"), "unsupported_response_type");
  EXPECT_EQ(q.value_or("state"), kState);
  EXPECT_EQ(q.value_or("iss"), kIssuer);
}

TEST_F(AuthorizationServerFlow, M5_SelfRegisteredClientGetsAnErrorPageNotARedirect) {
  // RFC 9700 §4.11.2: anyone can register a client with their own redirect
  // URI; a request error must not bounce the browser there.
  auto client = h.register_public("https://attacker.example.net/landing");
  const std::pair<const char*, const char*> changes[] = {
      {"response_type", "token"}, {"code_challenge_method", "plain"}, {"resource", "https://evil.example.net/mcp"}};
  for (const auto& [key, value] : changes) {
    SCOPED_TRACE(key);
    auto params = h.authorize_params(client, Pkce::make());
    set_param(params, key, value);
    auto reply = h.authorize_get(params);
    EXPECT_EQ(reply.response.result(), http::status::bad_request);
    EXPECT_TRUE(header(reply, http::field::location).empty()) << header(reply, http::field::location);
    EXPECT_TRUE(header(reply, http::field::content_type).starts_with("text/html"));
  }
  // The page says what was wrong, for the person and the developer.
  auto params = h.authorize_params(client, Pkce::make());
  erase_param(params, "code_challenge");
  auto page = h.authorize_get(params);
  EXPECT_NE(page.response.body().find("invalid_request: PKCE is required"), std::string::npos) << page.response.body();
  // The person's own Deny still goes back to the application.
  auto consent = h.login(h.authorize_get(h.authorize_params(client, Pkce::make())));
  ASSERT_TRUE(is_consent_page(consent));
  auto denied = h.consent(consent, "deny");
  ASSERT_EQ(denied.response.result(), http::status::found);
  EXPECT_EQ(location_query(denied).value_or("error"), "access_denied");
  EXPECT_EQ(location_query(denied).value_or("state"), kState);
}

TEST_F(AuthorizationServerFlow, M5_OperatorClientKeepsTheErrorRedirect) {
  auto client = h.register_operator();
  auto params = h.authorize_params(client, Pkce::make());
  erase_param(params, "code_challenge");
  auto reply = h.authorize_get(params);
  ASSERT_EQ(reply.response.result(), http::status::found);
  EXPECT_TRUE(header(reply, http::field::location).starts_with(client.redirect() + "?"));
  EXPECT_EQ(location_query(reply).value_or("error"), "invalid_request");
}

TEST_F(AuthorizationServerFlow, AZ6_ConsentPageCannotBeFramed) {
  auto client = h.register_public();
  auto page = h.authorize_get(h.authorize_params(client, Pkce::make()));
  // The login page too.
  EXPECT_EQ(header(page, "X-Frame-Options"), "DENY");
  EXPECT_NE(header(page, "Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  auto consent = h.login(page);
  ASSERT_TRUE(is_consent_page(consent));
  EXPECT_EQ(header(consent, "X-Frame-Options"), "DENY");
  auto csp = header(consent, "Content-Security-Policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(header(consent, http::field::cache_control), "no-store");
  EXPECT_TRUE(header(consent, http::field::content_type).starts_with("text/html"));
  // AZ6: client name, redirect host, scopes, resource and a CSRF token.
  const auto& html = consent.response.body();
  EXPECT_NE(html.find("Test app"), std::string::npos);
  EXPECT_NE(html.find("app.example.com"), std::string::npos);
  EXPECT_NE(html.find(">mcp<"), std::string::npos);
  EXPECT_NE(html.find(std::string(kResource)), std::string::npos);
  EXPECT_FALSE(hidden_field(html, "csrf_token").empty());
  // Session cookies are HttpOnly, SameSite and Secure on an https issuer.
  for (auto it = consent.response.find(http::field::set_cookie);
       it != consent.response.end() && it->name() == http::field::set_cookie; ++it) {
    std::string_view c = it->value();
    EXPECT_NE(c.find("HttpOnly"), std::string_view::npos) << c;
    EXPECT_NE(c.find("SameSite=Lax"), std::string_view::npos) << c;
    EXPECT_NE(c.find("Secure"), std::string_view::npos) << c;
  }
}

TEST_F(AuthorizationServerFlow, AZ6_LoopbackRedirectIsWarnedAbout) {
  auto client = h.register_public("http://127.0.0.1:33418/callback");
  auto page = h.authorize_get(h.authorize_params(client, Pkce::make()));
  auto consent = h.login(page);
  ASSERT_TRUE(is_consent_page(consent));
  EXPECT_NE(consent.response.body().find("notice warn"), std::string::npos);
}

TEST_F(AuthorizationServerFlow, AZ1_UnknownParametersAreIgnored) {
  auto client = h.register_public();
  auto pkce = Pkce::make();
  auto params = h.authorize_params(client, pkce);
  params.emplace_back("prompt", "consent");
  params.emplace_back("nonce", "n-0S6_WzA2Mj");
  params.emplace_back("x-vendor-thing", "1");
  params.emplace_back("max_age", "0");
  auto reply = h.authorize(params);
  ASSERT_EQ(reply.response.result(), http::status::found);
  auto q = location_query(reply);
  EXPECT_TRUE(q.value_or("error").empty()) << q.value_or("error");
  EXPECT_EQ(h.exchange(client, q.value_or("code"), pkce).response.result(), http::status::ok);
}

// AZ5: scopes are split on any whitespace, empties dropped, unknown ignored.
class ScopeParsing : public ::testing::TestWithParam<std::pair<const char*, const char*>> {
 protected:
  OAuthHarness h;
};

TEST_P(ScopeParsing, AZ5_ToleratedAndNormalised) {
  auto client = h.register_public();
  auto tokens = h.issue(client, GetParam().first);
  EXPECT_EQ(tokens.body.at("scope"), "mcp") << "scope \"" << GetParam().first << "\"";
  EXPECT_TRUE(h.accepted(tokens.access_token));
}

INSTANTIATE_TEST_SUITE_P(Scopes, ScopeParsing,
                         ::testing::Values(std::pair{"claudeai", "Claudeai"}, std::pair{" mcp", "LeadingSpace"},
                                           std::pair{"read write", "ReadWrite"}, std::pair{"", "Empty"},
                                           std::pair{"mcp\tclaudeai  offline_access ", "MixedWhitespace"},
                                           std::pair{"mcp mcp", "Repeated"}),
                         [](const auto& info) { return std::string(info.param.second); });

// AZ3: loopback http redirects may use any port (RFC 8252 §7.3).
struct LoopbackCase {
  const char* name;
  const char* registered;
  const char* requested;
};

class LoopbackRedirect : public ::testing::TestWithParam<LoopbackCase> {
 protected:
  OAuthHarness h;
};

TEST_P(LoopbackRedirect, AZ3_AnotherPortIsAllowed) {
  auto client = h.register_public(GetParam().registered);
  auto pkce = Pkce::make();
  auto params = h.authorize_params(client, pkce);
  set_param(params, "redirect_uri", GetParam().requested);
  auto reply = h.authorize(params);
  ASSERT_EQ(reply.response.result(), http::status::found) << reply.response.body();
  auto location = header(reply, http::field::location);
  EXPECT_TRUE(location.starts_with(std::string(GetParam().requested) + "?")) << location;
  auto exchange = h.exchange_params(client, location_query(reply).value_or("code"), pkce);
  set_param(exchange, "redirect_uri", GetParam().requested);
  exchange.emplace_back("client_id", client.client_id);
  EXPECT_EQ(h.send(OAuthHarness::form_request("/token", exchange)).response.result(), http::status::ok);
}

INSTANTIATE_TEST_SUITE_P(
    Ports, LoopbackRedirect,
    ::testing::Values(LoopbackCase{"Ipv4", "http://127.0.0.1:33418/callback", "http://127.0.0.1:5555/callback"},
                      LoopbackCase{"LocalhostWithoutPort", "http://localhost/callback", "http://localhost:8080/callback"},
                      LoopbackCase{"Ipv6", "http://[::1]:1/cb", "http://[::1]:61000/cb"},
                      LoopbackCase{"SamePort", "http://127.0.0.1:33418/callback", "http://127.0.0.1:33418/callback"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(AuthorizationServerFlow, AZ4_ResourceIsNormalisedAndAbsentMeansThisServer) {
  auto client = h.register_public();
  for (std::string resource : {"https://mcp.example.com/mcp/", "HTTPS://MCP.EXAMPLE.COM/mcp", "https://mcp.example.com:443/mcp", ""}) {
    auto pkce = Pkce::make();
    auto params = h.authorize_params(client, pkce);
    if (resource.empty()) erase_param(params, "resource");
    else set_param(params, "resource", resource);
    auto reply = h.authorize(params);
    ASSERT_EQ(reply.response.result(), http::status::found) << resource;
    auto q = location_query(reply);
    ASSERT_FALSE(q.value_or("code").empty()) << resource << ": " << q.value_or("error");
    auto exchange = h.exchange_params(client, q.value_or("code"), pkce);
    if (resource.empty()) erase_param(exchange, "resource");
    else set_param(exchange, "resource", resource);
    exchange.emplace_back("client_id", client.client_id);
    auto tokens = OAuthHarness::tokens_of(h.send(OAuthHarness::form_request("/token", exchange)));
    // Always minted for the canonical resource.
    EXPECT_EQ(str(jwt_claims(tokens.access_token).at("aud")), kResource) << resource;
    EXPECT_TRUE(h.accepted(tokens.access_token)) << resource;
  }
}

TEST_F(AuthorizationServerFlow, AZ6_RememberedConsentSkipsThePage) {
  auto client = h.register_public();
  auto page = h.authorize_get(h.authorize_params(client, Pkce::make()));
  auto consent = h.login(page);
  auto first = h.submit(consent, {{"step", "consent"}, {"decision", "approve"}, {"remember", "1"}});
  ASSERT_EQ(first.response.result(), http::status::found);
  EXPECT_TRUE(h.cookies.contains("__Host-gh_consent"));
  // Signed in and remembered: straight back with a code.
  auto pkce = Pkce::make();
  auto again = h.authorize_get(h.authorize_params(client, pkce));
  ASSERT_EQ(again.response.result(), http::status::found);
  EXPECT_EQ(h.exchange(client, location_query(again).value_or("code"), pkce).response.result(), http::status::ok);
  // Another client still needs consent.
  auto other = h.register_public("https://other.example.com/cb", "Other");
  auto page2 = h.authorize_get(h.authorize_params(other, Pkce::make()));
  EXPECT_TRUE(is_consent_page(page2));
}

// ---- registration ----

TEST_F(AuthorizationServerFlow, RG1_RegistrationResponseHasNoNullsAndIntegerTimes) {
  for (std::string method : {"none", "client_secret_basic", "client_secret_post"}) {
    auto reply = h.register_raw({{"client_name", "Claude"},
                                 {"redirect_uris", json::array{"https://claude.ai/api/mcp/auth_callback"}},
                                 {"token_endpoint_auth_method", method},
                                 {"grant_types", json::array{"authorization_code", "refresh_token"}},
                                 {"response_types", json::array{"code"}},
                                 {"application_type", "web"},
                                 {"x_unknown_field", "kept or ignored, never an error"}});
    ASSERT_EQ(reply.response.result(), http::status::created) << reply.response.body();
    auto body = body_json(reply);
    EXPECT_FALSE(has_null(body)) << reply.response.body();
    ASSERT_TRUE(body.contains("client_id"));
    EXPECT_TRUE(body.at("client_id").is_string());
    ASSERT_TRUE(body.contains("client_id_issued_at"));
    EXPECT_TRUE(body.at("client_id_issued_at").is_int64()) << reply.response.body();
    EXPECT_EQ(str(body.at("token_endpoint_auth_method")), method);
    EXPECT_EQ(body.at("redirect_uris"), json::array{"https://claude.ai/api/mcp/auth_callback"});
    if (method == "none") {
      EXPECT_FALSE(body.contains("client_secret"));
      EXPECT_FALSE(body.contains("client_secret_expires_at"));
    } else {
      EXPECT_TRUE(body.at("client_secret").is_string());
      EXPECT_TRUE(body.at("client_secret_expires_at").is_int64());
    }
    EXPECT_EQ(header(reply, http::field::cache_control), "no-store");
  }
}

TEST_F(AuthorizationServerFlow, RG1_NullMetadataIsNotEchoedAsNull) {
  // Optional fields sent as null are absent fields; the response must not
  // carry null (CLAUDE and the SDKs reject nulls in the registration response).
  auto reply = h.register_raw({{"client_name", "Claude"},
                               {"redirect_uris", json::array{"https://claude.ai/api/mcp/auth_callback"}},
                               {"token_endpoint_auth_method", "none"},
                               {"client_uri", nullptr},
                               {"logo_uri", nullptr},
                               {"scope", nullptr}});
  ASSERT_EQ(reply.response.result(), http::status::created) << reply.response.body();
  EXPECT_FALSE(has_null(body_json(reply))) << reply.response.body();
}

TEST_F(AuthorizationServerFlow, L12_ApplicationTypeIsStoredOrDefaulted) {
  struct Case {
    std::optional<std::string> named;
    json::array redirects;
    std::string stored;
  };
  const Case cases[] = {
      {"web", {"https://claude.ai/api/mcp/auth_callback"}, "web"},
      {"native", {"http://127.0.0.1:33418/callback", "com.example.app:/callback"}, "native"},
      // What the MCP SDKs send for a list with one loopback redirect (RFC 8252 §7.2: claimed https).
      {"native", {"http://127.0.0.1:33418/callback", "https://vscode.dev/redirect"}, "native"},
      // Clients from before SEP-837 send none: loopback or private-use only → native, else web.
      {std::nullopt, {"https://claude.ai/api/mcp/auth_callback"}, "web"},
      {std::nullopt, {"http://localhost:8976/callback"}, "native"},
      {std::nullopt, {"http://127.0.0.1:33418/callback", "https://vscode.dev/redirect"}, "web"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.stored + " " + json::serialize(c.redirects));
    json::object meta{{"client_name", "App"}, {"redirect_uris", c.redirects}, {"token_endpoint_auth_method", "none"}};
    if (c.named) meta["application_type"] = *c.named;
    auto reply = h.register_raw(meta);
    ASSERT_EQ(reply.response.result(), http::status::created) << reply.response.body();
    auto body = body_json(reply);
    EXPECT_EQ(str(body.at("application_type")), c.stored);
    auto stored = h.stores.clients->find(str(body.at("client_id")));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->application_type, c.stored);
  }
  // Claude's callback with application_type web completes the flow.
  auto claude = h.register_client({{"client_name", "Claude"},
                                   {"redirect_uris", json::array{"https://claude.ai/api/mcp/auth_callback"}},
                                   {"token_endpoint_auth_method", "none"},
                                   {"application_type", "web"}});
  EXPECT_TRUE(h.accepted(h.issue(claude).access_token));
}

TEST_F(AuthorizationServerFlow, RG3_IdenticalPublicRegistrationsShareOneClient) {
  auto before = h.counts().clients;
  auto a = h.register_public("https://claude.ai/api/mcp/auth_callback", "Claude");
  auto b = h.register_public("https://claude.ai/api/mcp/auth_callback", "Claude");
  auto c = h.register_public("https://claude.ai/api/mcp/auth_callback", "Claude");
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.client_id, c.client_id);
  EXPECT_EQ(h.counts().clients, before + 1);
  EXPECT_EQ(b.registration.at("client_id_issued_at"), a.registration.at("client_id_issued_at"));
  // Different metadata is another client.
  auto d = h.register_public("https://claude.ai/api/mcp/auth_callback", "Claude Code");
  EXPECT_NE(d.client_id, a.client_id);
  // Confidential clients are never shared (each has its own secret).
  auto e = h.register_confidential();
  auto f = h.register_confidential();
  EXPECT_NE(e.client_id, f.client_id);
  EXPECT_NE(e.client_secret, f.client_secret);
  // The deduplicated client works.
  EXPECT_TRUE(h.accepted(h.issue(b).access_token));
}

TEST_F(AuthorizationServerFlow, RG3_RegistrationsAreRateLimitedPerSource) {
  std::int64_t ok = 0, limited = 0;
  for (int i = 0; i < 62; ++i) {
    auto reply = h.register_raw({{"client_name", "App " + std::to_string(i)},
                                 {"redirect_uris", json::array{"https://app.example.com/cb"}},
                                 {"token_endpoint_auth_method", "none"}});
    if (reply.response.result() == http::status::created) ++ok;
    else if (reply.response.result_int() == 429 && error_of(reply) == "too_many_requests") ++limited;
  }
  EXPECT_EQ(ok, 60);
  EXPECT_EQ(limited, 2);
  // Repeats that dedupe are still answered.
  auto again = h.register_raw({{"client_name", "App 0"},
                               {"redirect_uris", json::array{"https://app.example.com/cb"}},
                               {"token_endpoint_auth_method", "none"}});
  EXPECT_EQ(again.response.result(), http::status::created);
  // Another window: allowed again.
  h.clock.advance(std::chrono::seconds(60));
  EXPECT_EQ(h.register_raw({{"client_name", "Later"},
                            {"redirect_uris", json::array{"https://app.example.com/cb"}},
                            {"token_endpoint_auth_method", "none"}})
                .response.result(),
            http::status::created);
}

// The server's one clock times access tokens too: the bearer guard refuses
// a token once the clock reaches its exp (RFC 9068 §4), with no sleeping.
TEST_F(AuthorizationServerFlow, RS3_AccessTokenExpiresOnTheServersClock) {
  auto client = h.register_public();
  auto tokens = h.issue(client);
  ASSERT_TRUE(h.accepted(tokens.access_token));
  h.clock.advance(std::chrono::seconds(3599));
  EXPECT_TRUE(h.accepted(tokens.access_token));
  h.clock.advance(std::chrono::seconds(1));
  EXPECT_FALSE(h.accepted(tokens.access_token));
  EXPECT_NE(h.challenge(tokens.access_token).find("has expired"), std::string::npos) << h.challenge(tokens.access_token);
}

// ---- revocation ----

TEST_F(AuthorizationServerFlow, RV1_RevokingTheRefreshTokenEndsTheGrantsAccessTokens) {
  auto client = h.register_public();
  auto tokens = h.issue(client);
  auto refreshed = OAuthHarness::tokens_of(h.refresh(client, tokens.refresh_token));
  ASSERT_TRUE(h.accepted(tokens.access_token));
  ASSERT_TRUE(h.accepted(refreshed.access_token));  // now cached by the guard

  auto reply = h.revoke(client, refreshed.refresh_token, "refresh_token");
  EXPECT_EQ(reply.response.result(), http::status::ok);
  EXPECT_EQ(header(reply, http::field::cache_control), "no-store");

  for (const auto* t : {&tokens.access_token, &refreshed.access_token}) {
    auto c = h.challenge(*t);
    EXPECT_NE(c.find("error=\"invalid_token\""), std::string::npos) << c;
  }
  auto after = h.refresh(client, refreshed.refresh_token);
  EXPECT_EQ(after.response.result(), http::status::bad_request);
  EXPECT_EQ(error_of(after), "invalid_grant");
  // Another grant of the same client and user is untouched.
  auto other = h.issue(client);
  EXPECT_TRUE(h.accepted(other.access_token));
}

TEST_F(AuthorizationServerFlow, RV1_RevokingAnAccessTokenEndsItsGrant) {
  auto client = h.register_public();
  auto tokens = h.issue(client);
  EXPECT_EQ(h.revoke(client, tokens.access_token, "access_token").response.result(), http::status::ok);
  EXPECT_FALSE(h.accepted(tokens.access_token));
  EXPECT_EQ(error_of(h.refresh(client, tokens.refresh_token)), "invalid_grant");
}

TEST_F(AuthorizationServerFlow, RV1_UnknownTokensAnswer200) {
  auto client = h.register_public();
  auto confidential = h.register_confidential();
  for (const std::string& token : std::vector<std::string>{"gtr_unknown", "", "not a token at all",
                                                           "eyJhbGciOiJub25lIn0.e30.", std::string(5000, 'x')}) {
    for (const auto* c : {&client, &confidential}) {
      auto reply = h.revoke(*c, token);
      EXPECT_EQ(reply.response.result(), http::status::ok) << "token \"" << token.substr(0, 20) << "\"";
      EXPECT_TRUE(reply.response.body().empty());
    }
  }
  // Hints that do not match the token are only hints.
  auto tokens = h.issue(client);
  EXPECT_EQ(h.revoke(client, tokens.refresh_token, "access_token").response.result(), http::status::ok);
  EXPECT_FALSE(h.accepted(tokens.access_token));
}

TEST_F(AuthorizationServerFlow, RV1_AnotherClientsTokenIsNotRevoked) {
  auto alice_app = h.register_public();
  auto other = h.register_public("https://other.example.com/cb", "Other");
  auto tokens = h.issue(alice_app);
  EXPECT_EQ(h.revoke(other, tokens.refresh_token).response.result(), http::status::ok);
  EXPECT_EQ(h.revoke(other, tokens.access_token).response.result(), http::status::ok);
  EXPECT_TRUE(h.accepted(tokens.access_token));
  EXPECT_EQ(h.refresh(alice_app, tokens.refresh_token).response.result(), http::status::ok);
}

TEST_F(AuthorizationServerFlow, RV2_IntrospectionReportsActiveAndRevokedTokens) {
  auto client = h.register_public();
  auto resource_server = h.register_operator("https://rs.example.com/callback", true);  // L4: the operator's
  auto tokens = h.issue(client);
  auto introspect = [&](const std::string& token) {
    auto reply = h.send(OAuthHarness::client_form("/introspect", resource_server, {{"token", token}}));
    EXPECT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
    EXPECT_EQ(header(reply, http::field::cache_control), "no-store");
    return body_json(reply);
  };
  auto active = introspect(tokens.access_token);
  EXPECT_EQ(active.at("active"), true);
  EXPECT_EQ(str(active.at("sub")), "usr_alice");
  EXPECT_EQ(str(active.at("client_id")), client.client_id);
  EXPECT_EQ(str(active.at("scope")), "mcp");
  EXPECT_EQ(str(active.at("aud")), kResource);
  EXPECT_EQ(str(active.at("token_type")), "Bearer");
  EXPECT_EQ(introspect("garbage"), (json::object{{"active", false}}));
  auto expired = h.claims();
  expired["exp"] = h.now() - 10;
  EXPECT_EQ(introspect(h.sign(expired)), (json::object{{"active", false}}));
  ASSERT_EQ(h.revoke(client, tokens.refresh_token).response.result(), http::status::ok);
  EXPECT_EQ(introspect(tokens.access_token), (json::object{{"active", false}}));
}

TEST_F(AuthorizationServerFlow, TK2_ReplayedCodeRevokesItsTokens) {
  auto client = h.register_public();
  auto pkce = Pkce::make();
  auto code = h.authorize_code(client, pkce);
  auto tokens = OAuthHarness::tokens_of(h.exchange(client, code, pkce));
  ASSERT_TRUE(h.accepted(tokens.access_token));
  auto replay = h.exchange(client, code, pkce);
  EXPECT_EQ(replay.response.result(), http::status::bad_request);
  EXPECT_EQ(error_of(replay), "invalid_grant");
  EXPECT_FALSE(body_json(replay).contains("access_token"));
  EXPECT_NE(h.challenge(tokens.access_token).find("error=\"invalid_token\""), std::string::npos);
  EXPECT_EQ(error_of(h.refresh(client, tokens.refresh_token)), "invalid_grant");
}

// ---- discovery (AS, RS5, RS6) ----

TEST_F(AuthorizationServerFlow, AS2_AuthorizationServerMetadataThroughTheRouter) {
  for (std::string path : {"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"}) {
    auto reply = h.send(OAuthHarness::get(path));
    ASSERT_EQ(reply.response.result(), http::status::ok) << path;
    EXPECT_EQ(header(reply, http::field::content_type), "application/json");
    auto m = body_json(reply);
    EXPECT_EQ(str(m.at("issuer")), kIssuer);  // AS1
    EXPECT_EQ(m.at("authorization_endpoint"), "https://mcp.example.com/authorize");  // AS4
    EXPECT_EQ(m.at("token_endpoint"), "https://mcp.example.com/token");
    EXPECT_EQ(m.at("registration_endpoint"), "https://mcp.example.com/register");
    EXPECT_EQ(m.at("revocation_endpoint"), "https://mcp.example.com/revoke");
    EXPECT_EQ(m.at("response_types_supported"), json::array{"code"});
    EXPECT_EQ(m.at("response_modes_supported"), json::array{"query"});
    EXPECT_EQ(m.at("grant_types_supported"), (json::array{"authorization_code", "refresh_token"}));
    EXPECT_EQ(m.at("code_challenge_methods_supported"), json::array{"S256"});
    EXPECT_EQ(m.at("authorization_response_iss_parameter_supported"), true);
    EXPECT_TRUE(m.at("client_id_metadata_document_supported").is_bool());
    auto methods = m.at("token_endpoint_auth_methods_supported").as_array();
    EXPECT_NE(std::find(methods.begin(), methods.end(), json::value("none")), methods.end());
    auto scopes = m.at("scopes_supported").as_array();
    EXPECT_NE(std::find(scopes.begin(), scopes.end(), json::value("offline_access")), scopes.end());
    EXPECT_NE(std::find(scopes.begin(), scopes.end(), json::value("mcp")), scopes.end());
  }
  // AS4: the endpoints answer at the origin paths the metadata names.
  for (std::string path : {"/authorize", "/token", "/register", "/revoke"})
    EXPECT_NE(h.send(OAuthHarness::get(path)).response.result(), http::status::not_found) << path;
}

TEST_F(AuthorizationServerFlow, AS2_EveryAdvertisedEndpointIsServed) {
  auto m = body_json(h.send(OAuthHarness::get("/.well-known/oauth-authorization-server")));
  std::vector<std::string> missing;
  for (const auto& [key, value] : m) {
    if (!key.ends_with("_endpoint") && key != "jwks_uri") continue;
    std::string url = str(value);
    ASSERT_TRUE(url.starts_with(std::string(kIssuer) + "/")) << key << " " << url;
    auto path = url.substr(kIssuer.size());
    // POST an empty form: any answer but the router's 404 means it is served.
    auto reply = h.send(OAuthHarness::form_request(path, {}));
    if (reply.response.result() == http::status::not_found) missing.push_back(std::string(key) + " " + path);
  }
  EXPECT_TRUE(missing.empty()) << "advertised but not routed: " << ::testing::PrintToString(missing);
}

TEST_F(AuthorizationServerFlow, RS5_RS6_ProtectedResourceMetadataWithoutAuth) {
  std::optional<json::object> first;
  for (std::string path : {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
    auto reply = h.send(OAuthHarness::get(path));  // no Authorization header
    ASSERT_EQ(reply.response.result(), http::status::ok) << path;  // RS6: no 401, no redirect
    EXPECT_TRUE(header(reply, http::field::location).empty());
    EXPECT_EQ(header(reply, http::field::content_type), "application/json");
    EXPECT_EQ(header(reply, http::field::access_control_allow_origin), "*");
    auto m = body_json(reply);
    EXPECT_EQ(str(m.at("resource")), kResource);  // the endpoint, not the bare origin
    EXPECT_EQ(m.at("authorization_servers"), json::array{json::string(kIssuer)});
    EXPECT_EQ(m.at("bearer_methods_supported"), json::array{"header"});
    auto scopes = m.at("scopes_supported").as_array();
    EXPECT_EQ(std::find(scopes.begin(), scopes.end(), json::value("offline_access")), scopes.end());
    EXPECT_NE(std::find(scopes.begin(), scopes.end(), json::value("mcp")), scopes.end());
    if (first) {
      EXPECT_EQ(*first, m);
    }
    first = m;
  }
  // AS1: the issuer PRM lists is the one the AS metadata states.
  auto as = body_json(h.send(OAuthHarness::get("/.well-known/oauth-authorization-server")));
  EXPECT_EQ(json::value(as.at("issuer")), first->at("authorization_servers").at(0));
  // The JWKS is public too, and holds the signing key.
  auto jwks = h.send(OAuthHarness::get("/.well-known/jwks.json"));
  ASSERT_EQ(jwks.response.result(), http::status::ok);
  EXPECT_EQ(str(body_json(jwks).at("keys").at(0).at("kid")), h.active_key_record().kid);
}

TEST_F(AuthorizationServerFlow, RS6_MetadataAnswersEvenWithABadBearerToken) {
  auto r = OAuthHarness::get("/.well-known/oauth-protected-resource/mcp");
  r.set(http::field::authorization, "Bearer garbage");
  r.set("MCP-Protocol-Version", "1999-01-01");
  EXPECT_EQ(h.send(std::move(r)).response.result(), http::status::ok);
}

TEST_F(AuthorizationServerFlow, RS2_NoCredentialsChallenge) {
  auto result = h.authenticate("");
  ASSERT_TRUE(std::holds_alternative<net::Reply>(result));
  const auto& reply = std::get<net::Reply>(result);
  EXPECT_EQ(reply.response.result(), http::status::unauthorized);
  EXPECT_EQ(header(reply, http::field::www_authenticate),
            "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
            "scope=\"mcp\"");
}

TEST_F(AuthorizationServerFlow, RS4_AudienceWithTrailingSlashIsAccepted) {
  auto claims = h.claims();
  for (std::string aud : {"https://mcp.example.com/mcp/", "https://MCP.example.com/mcp", "https://mcp.example.com:443/mcp"}) {
    claims["aud"] = aud;
    EXPECT_TRUE(h.accepted(h.sign(claims))) << aud;
  }
}

// Client ids and secrets now carry Gatehouse's own prefixes (gtc_, gts_);
// clients stored before keep working: ids are opaque and secrets are
// compared by hash.
TEST_F(AuthorizationServerFlow, Operator_ClientsWithOldGhPrefixesKeepWorking) {
  store::Client legacy;
  legacy.client_id = "ghp_legacyClientId0123";
  legacy.client_name = "Registered last year";
  legacy.secret_hash = oauth::token_hash("ghs_legacySecret0123456789abcdefghijklmnop");
  legacy.redirect_uris = {"https://legacy.example.com/callback"};
  legacy.grant_types = {"authorization_code", "refresh_token"};
  legacy.response_types = {"code"};
  legacy.token_endpoint_auth_method = "client_secret_basic";
  legacy.kind = store::ClientKind::preregistered;
  legacy.metadata_json = "{}";
  legacy.created_at = h.now();
  ASSERT_TRUE(h.stores.clients->add(legacy));
  Client client{legacy.client_id, "ghs_legacySecret0123456789abcdefghijklmnop", legacy.redirect_uris, ClientAuth::basic, {}};
  auto tokens = h.issue(client);
  EXPECT_TRUE(h.accepted(tokens.access_token));
  EXPECT_TRUE(tokens.refresh_token.starts_with("gtr_")) << tokens.refresh_token;
  EXPECT_EQ(h.refresh(client, tokens.refresh_token).response.result(), http::status::ok);
}

}  // namespace
}  // namespace gatehouse::oauth_test
