// Client ID Metadata Documents through the authorization server, in process:
// /authorize and /token with a client_id URL, the document served by a fake
// fetcher (the real HTTPS client and SSRF guard have their own tests, and
// tests/e2e/cimd.test.mjs runs all of it against a local HTTPS host).
// Each test is named after the INTEROP id it checks.
#include "support/test_jws_signer.hpp"
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace gatehouse::oauth_test {
namespace {

constexpr std::string_view kDocUrl = "https://app.example.com/oauth/client.json";
constexpr std::string_view kRedirect = "https://app.example.com/callback";
constexpr std::string_view kClaudeId = "https://claude.ai/oauth/mcp-oauth-client-metadata";
constexpr std::string_view kClaudeCallback = "https://claude.ai/api/mcp/auth_callback";
constexpr std::string_view kClaudeCodeId = "https://claude.ai/oauth/claude-code-client-metadata";

json::object document(std::string_view client_id = kDocUrl, json::array redirects = {json::string(kRedirect)}) {
  return {{"client_id", client_id},
          {"client_name", "Example App"},
          {"redirect_uris", std::move(redirects)},
          {"grant_types", json::array{"authorization_code", "refresh_token"}},
          {"token_endpoint_auth_method", "none"}};
}

// What the fake network answers, per URL; counts fetches.
struct FakeWeb {
  std::map<std::string, std::variant<net::HttpsResponse, net::FetchFailure>> answers;
  std::atomic<int> fetches{0};

  void serve(std::string url, const json::object& body, std::string cache_control = "max-age=3600") {
    net::HttpsResponse r;
    r.status = 200;
    r.content_type = "application/json";
    r.cache_control = std::move(cache_control);
    r.body = json::serialize(body);
    r.peer = "203.0.113.10:443";
    answers[std::move(url)] = r;
  }

  oauth::DocumentFetcher fetcher() {
    return [this](std::string url, std::size_t max_body)
               -> boost::asio::awaitable<std::variant<net::HttpsResponse, net::FetchFailure>> {
      ++fetches;
      auto it = answers.find(url);
      if (it == answers.end())
        co_return net::FetchFailure{net::FetchFailureKind::connect_failed, "connection refused"};
      if (auto* r = std::get_if<net::HttpsResponse>(&it->second); r && r->body.size() > max_body)
        co_return net::FetchFailure{net::FetchFailureKind::too_large, "the response is larger than the limit"};
      co_return it->second;
    };
  }
};

oauth::AuthorizationServerOptions cimd_options(FakeWeb& web, oauth::CimdTrustPolicy trust = {}) {
  auto options = OAuthHarness::options_for_tests();
  options.cimd.enabled = true;
  options.cimd.trust = std::move(trust);
  options.fetcher = web.fetcher();
  options.pins = oauth::PinnedDocuments::builtin();
  return options;
}

Client cimd_client(std::string_view id = kDocUrl, std::string_view redirect = kRedirect) {
  Client c;
  c.client_id = std::string(id);
  c.redirect_uris = {std::string(redirect)};
  c.auth = ClientAuth::none;
  return c;
}

bool mentions(const net::Reply& reply, std::string_view text) {
  return reply.response.body().find(text) != std::string::npos;
}

struct CimdFlow : ::testing::Test {
  FakeWeb web;
};

TEST_F(CimdFlow, AS3_MetadataAdvertisesDocumentsWithNoneAndPrivateKeyJwt) {
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto metadata = body_json(h.send(OAuthHarness::get("/.well-known/oauth-authorization-server")));
  EXPECT_EQ(metadata.at("client_id_metadata_document_supported"), true);
  auto methods = metadata.at("token_endpoint_auth_methods_supported").as_array();
  EXPECT_NE(std::find(methods.begin(), methods.end(), json::value("none")), methods.end());
  EXPECT_NE(std::find(methods.begin(), methods.end(), json::value("private_key_jwt")), methods.end());
  EXPECT_TRUE(metadata.contains("token_endpoint_auth_signing_alg_values_supported"));
}

TEST_F(CimdFlow, AS3_NotAdvertisedWhenDisabled) {
  OAuthHarness h;
  auto metadata = body_json(h.send(OAuthHarness::get("/.well-known/oauth-authorization-server")));
  EXPECT_EQ(metadata.at("client_id_metadata_document_supported"), false);
  auto page = h.authorize_get(h.authorize_params(cimd_client(), Pkce::make()));
  EXPECT_EQ(page.response.result(), http::status::bad_request);
  EXPECT_TRUE(header(page, http::field::location).empty());
  EXPECT_TRUE(mentions(page, "does not accept Client ID Metadata Documents"));
}

TEST_F(CimdFlow, CI4_FetchedDocumentCompletesTheCodeFlowWithoutRegistration) {
  web.serve(std::string(kDocUrl), document());
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto client = cimd_client();
  auto pkce = Pkce::make();

  auto login = h.authorize_get(h.authorize_params(client, pkce));
  ASSERT_TRUE(is_login_page(login)) << login.response.body();
  auto consent = h.login(login);
  ASSERT_TRUE(is_consent_page(consent));
  // AZ6: the verified domain, prominently, and the name the document gives.
  EXPECT_TRUE(mentions(consent, "Verified domain"));
  EXPECT_TRUE(mentions(consent, "app.example.com"));
  EXPECT_TRUE(mentions(consent, "Example App"));
  auto redirect = h.consent(consent);
  ASSERT_EQ(redirect.response.result(), http::status::found);
  auto code = location_query(redirect).value_or("code");
  ASSERT_FALSE(code.empty());

  auto tokens = OAuthHarness::tokens_of(h.exchange(client, code, pkce));
  auto principal = h.bearer(tokens.access_token);
  ASSERT_TRUE(std::holds_alternative<Principal>(principal));
  EXPECT_EQ(std::get<Principal>(principal).client_id, kDocUrl);
  // No registration: nothing was stored for the client.
  EXPECT_TRUE(h.stores.clients->list().empty());
  // CI5: one fetch served the authorization and the token request.
  EXPECT_EQ(web.fetches.load(), 1);

  auto refreshed = h.refresh(client, tokens.refresh_token);
  EXPECT_EQ(refreshed.response.result(), http::status::ok) << refreshed.response.body();
  EXPECT_EQ(h.revoke(client, tokens.refresh_token).response.result(), http::status::ok);
  EXPECT_FALSE(h.accepted(tokens.access_token));
}

TEST_F(CimdFlow, CI1_MalformedClientIdUrlIsRefusedWithoutFetching) {
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  for (std::string id : {"https://app.example.com/", "https://app.example.com/a/../client.json",
                         "https://user@app.example.com/client.json", "https://app.example.com:8443/client.json",
                         "https://app.example.com/client.json#frag"}) {
    auto page = h.authorize_get(h.authorize_params(cimd_client(id), Pkce::make()));
    EXPECT_EQ(page.response.result(), http::status::bad_request) << id;
    EXPECT_TRUE(header(page, http::field::location).empty()) << id;
    EXPECT_TRUE(mentions(page, "could not be verified")) << id;
  }
  EXPECT_EQ(web.fetches.load(), 0);
}

// CI4 and CI2: every way a document can be wrong becomes an error page that
// names the reason, never a redirect.
TEST_F(CimdFlow, CI4_BadDocumentsShowTheReasonAndNeverRedirect) {
  struct Case {
    std::string name;
    std::variant<net::HttpsResponse, net::FetchFailure> answer;
    std::string reason;
  };
  auto response = [](json::object body, std::string type = "application/json", unsigned status = 200) {
    net::HttpsResponse r;
    r.status = status;
    r.content_type = std::move(type);
    r.body = json::serialize(body);
    return r;
  };
  auto with_secret = document();
  with_secret["client_secret"] = "s3cret";
  auto basic = document();
  basic["token_endpoint_auth_method"] = "client_secret_basic";
  auto redirect = response({}, "text/html", 302);
  redirect.location = "https://elsewhere.example/client.json";
  std::vector<Case> cases{
      {"id mismatch", response(document("https://other.example.com/client.json")), "client_id"},
      {"secret", response(with_secret), "client_secret"},
      {"shared-secret method", response(basic), "client_secret_basic"},
      {"not json type", response(document(), "text/html"), "content type"},
      {"redirect", redirect, "redirect"},
      {"404", response({}, "application/json", 404), "HTTP 404"},
      {"blocked", net::FetchFailure{net::FetchFailureKind::address_refused, "app.example.com resolves to 10.0.0.5"},
       "not a public internet address"},
      {"timeout", net::FetchFailure{net::FetchFailureKind::timed_out, "no answer within 5 s"}, "did not answer in time"},
      {"huge", net::FetchFailure{net::FetchFailureKind::too_large, "larger than 5120 bytes"}, "too large"},
  };
  for (const auto& c : cases) {
    web.answers[std::string(kDocUrl)] = c.answer;
    OAuthHarness h(store::open_memory_stores(), cimd_options(web));
    auto page = h.authorize_get(h.authorize_params(cimd_client(), Pkce::make()));
    EXPECT_EQ(page.response.result(), http::status::bad_request) << c.name;
    EXPECT_TRUE(header(page, http::field::location).empty()) << c.name;
    EXPECT_TRUE(mentions(page, c.reason)) << c.name << ": " << page.response.body();
  }
}

TEST_F(CimdFlow, CI4_RedirectUriMustBeListedInTheDocument) {
  web.serve(std::string(kDocUrl), document());
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto page = h.authorize_get(h.authorize_params(cimd_client(kDocUrl, "https://evil.example/callback"), Pkce::make()));
  EXPECT_EQ(page.response.result(), http::status::bad_request);
  EXPECT_TRUE(header(page, http::field::location).empty());
  EXPECT_TRUE(mentions(page, "does not list"));
}

TEST_F(CimdFlow, M6_JavascriptAndPlainHttpRedirectsInADocumentAreRefused) {
  // The audit's documents: each got a 302 (and the plain-http one a code).
  const std::pair<std::string, std::string> cases[] = {
      {"https://evil.example.com/js.json", "javascript:alert(document.domain)//"},
      {"https://evil.example.com/http.json", "http://evil.example.com/callback"},
      {"https://evil.example.com/data.json", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="},
  };
  for (const auto& [url, redirect] : cases) {
    SCOPED_TRACE(redirect);
    web.serve(url, document(url, {json::string(redirect)}));
    OAuthHarness h(store::open_memory_stores(), cimd_options(web));
    auto page = h.authorize_get(h.authorize_params(cimd_client(url, redirect), Pkce::make()));
    EXPECT_EQ(page.response.result(), http::status::bad_request);
    EXPECT_TRUE(header(page, http::field::location).empty()) << header(page, http::field::location);
    EXPECT_FALSE(is_login_page(page));
    EXPECT_TRUE(mentions(page, "must use https")) << page.response.body();
  }
}

TEST_F(CimdFlow, M5_RequestErrorsOfADocumentClientAreAPageNotARedirect) {
  web.serve(std::string(kDocUrl), document());
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto params = h.authorize_params(cimd_client(), Pkce::make());
  set_param(params, "response_type", "token");
  auto page = h.authorize_get(params);
  EXPECT_EQ(page.response.result(), http::status::bad_request);
  EXPECT_TRUE(header(page, http::field::location).empty()) << header(page, http::field::location);
  EXPECT_TRUE(mentions(page, "unsupported_response_type")) << page.response.body();
  // A person's Deny still goes back to the application.
  auto consent = h.login(h.authorize_get(h.authorize_params(cimd_client(), Pkce::make())));
  ASSERT_TRUE(is_consent_page(consent));
  auto denied = h.consent(consent, "deny");
  ASSERT_EQ(denied.response.result(), http::status::found);
  EXPECT_EQ(location_query(denied).value_or("error"), "access_denied");
  EXPECT_TRUE(header(denied, http::field::location).starts_with(std::string(kRedirect) + "?"));
}

TEST_F(CimdFlow, CI5_FailuresAreNotCached) {
  web.answers[std::string(kDocUrl)] = net::FetchFailure{net::FetchFailureKind::timed_out, "no answer"};
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto client = cimd_client();
  EXPECT_EQ(h.authorize_get(h.authorize_params(client, Pkce::make())).response.result(), http::status::bad_request);
  web.serve(std::string(kDocUrl), document());
  EXPECT_TRUE(is_login_page(h.authorize_get(h.authorize_params(client, Pkce::make()))));
  EXPECT_EQ(web.fetches.load(), 2);
}

TEST_F(CimdFlow, CI5_PinnedClaudeDocumentAnswersWhenTheFetchFails) {
  // claude.ai answers with a bot challenge (an HTML page).
  net::HttpsResponse challenge;
  challenge.status = 403;
  challenge.content_type = "text/html";
  challenge.body = "<html>Just a moment...</html>";
  web.answers[std::string(kClaudeId)] = challenge;
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto claude = cimd_client(kClaudeId, kClaudeCallback);
  auto pkce = Pkce::make();
  auto redirect = h.authorize(h.authorize_params(claude, pkce));
  ASSERT_EQ(redirect.response.result(), http::status::found) << redirect.response.body();
  auto location = header(redirect, http::field::location);
  EXPECT_TRUE(location.starts_with(std::string(kClaudeCallback) + "?")) << location;
  auto tokens = OAuthHarness::tokens_of(h.exchange(claude, location_query(redirect).value_or("code"), pkce));
  EXPECT_FALSE(tokens.access_token.empty());
}

TEST_F(CimdFlow, CI5_AfterAFailedFetchThePinAnswersAloneForAWhile) {
  web.answers[std::string(kClaudeId)] = net::FetchFailure{net::FetchFailureKind::timed_out, "no answer within 5 s"};
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto claude = cimd_client(kClaudeId, kClaudeCallback);
  for (int i = 0; i < 3; ++i) {
    auto pkce = Pkce::make();
    auto code = h.authorize_code(claude, pkce);
    EXPECT_EQ(h.exchange(claude, code, pkce).response.result(), http::status::ok);
  }
  // One slow failure, then the pin alone: three sign-ins and three code
  // exchanges did not wait for claude.ai again.
  EXPECT_EQ(web.fetches.load(), 1);
}

TEST_F(CimdFlow, AZ3_PinnedClaudeCodeDocumentTakesAnyLoopbackPort) {
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));  // no network at all
  for (std::string redirect : {"http://localhost:53682/callback", "http://127.0.0.1:9/callback", "http://localhost/callback"}) {
    auto pkce = Pkce::make();
    auto client = cimd_client(kClaudeCodeId, redirect);
    auto reply = h.authorize(h.authorize_params(client, pkce));
    ASSERT_EQ(reply.response.result(), http::status::found) << redirect << reply.response.body();
    EXPECT_TRUE(header(reply, http::field::location).starts_with(redirect + "?"));
    EXPECT_EQ(h.exchange(client, location_query(reply).value_or("code"), pkce).response.result(), http::status::ok);
  }
  for (std::string redirect : {"http://localhost:53682/other", "https://localhost/callback", "http://evil.example/callback"}) {
    auto page = h.authorize_get(h.authorize_params(cimd_client(kClaudeCodeId, redirect), Pkce::make()));
    EXPECT_EQ(page.response.result(), http::status::bad_request) << redirect;
    EXPECT_TRUE(header(page, http::field::location).empty()) << redirect;
  }
}

TEST_F(CimdFlow, AZ6_ConsentWarnsWhenEveryRedirectIsLoopback) {
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto consent = h.login(h.authorize_get(h.authorize_params(cimd_client(kClaudeCodeId, "http://127.0.0.1:4000/callback"), Pkce::make())));
  ASSERT_TRUE(is_consent_page(consent));
  EXPECT_TRUE(mentions(consent, "only send its access to a program on this computer"));
  EXPECT_TRUE(mentions(consent, "Verified domain"));
  EXPECT_TRUE(mentions(consent, "claude.ai"));
}

TEST_F(CimdFlow, TrustPolicyRefusesBeforeFetching) {
  web.serve(std::string(kDocUrl), document());
  OAuthHarness h(store::open_memory_stores(), cimd_options(web, {.allowed_hosts = {"claude.ai"}, .denied_hosts = {}}));
  auto page = h.authorize_get(h.authorize_params(cimd_client(), Pkce::make()));
  EXPECT_EQ(page.response.result(), http::status::bad_request);
  EXPECT_TRUE(mentions(page, "allowlist"));
  EXPECT_EQ(web.fetches.load(), 0);
  // Claude's pinned document is still accepted under this allowlist.
  auto claude = h.authorize_get(h.authorize_params(cimd_client(kClaudeId, kClaudeCallback), Pkce::make()));
  EXPECT_TRUE(is_login_page(claude) || claude.response.result() == http::status::found);
}

TEST_F(CimdFlow, CI4_DocumentClientsHaveNoSecret) {
  web.serve(std::string(kDocUrl), document());
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto client = cimd_client();
  auto pkce = Pkce::make();
  auto code = h.authorize_code(client, pkce);
  client.client_secret = "guessed";
  auto reply = h.exchange(client, code, pkce, ClientAuth::post);
  EXPECT_EQ(reply.response.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(reply), "invalid_client");
}

TEST_F(CimdFlow, CI3_UnfetchableDocumentAtTheTokenEndpointIsInvalidClient) {
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  Params p{{"grant_type", "authorization_code"}, {"code", "gta_nothing"}, {"code_verifier", Pkce::make().verifier},
           {"client_id", std::string(kDocUrl)}};
  auto reply = h.send(OAuthHarness::form_request("/token", p));
  EXPECT_EQ(reply.response.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(reply), "invalid_client");
}

// ---- private_key_jwt (RFC 7523) ----

constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct PrivateKeyJwtFlow : CimdFlow {
  crypto::EcKey key = crypto::EcKey::generate();

  json::object signing_document(bool by_uri) {
    auto d = document();
    d["token_endpoint_auth_method"] = "private_key_jwt";
    json::object jwks{{"keys", json::array{key.public_jwk("k1")}}};
    if (by_uri) {
      d["jwks_uri"] = "https://app.example.com/oauth/jwks.json";
      web.serve("https://app.example.com/oauth/jwks.json", jwks);
    } else {
      d["jwks"] = jwks;
    }
    return d;
  }

  std::string assertion(std::int64_t now, std::string jti = crypto::random_token(12),
                        std::string audience = std::string(kIssuer) + "/token") {
    json::object claims{{"iss", kDocUrl}, {"sub", kDocUrl}, {"aud", audience},
                        {"iat", now}, {"exp", now + 120}, {"jti", std::move(jti)}};
    return crypto::testing::sign_jws({{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "k1"}}, claims, key);
  }

  net::Reply exchange_with(OAuthHarness& h, const std::string& code, const Pkce& pkce, const std::string& signed_assertion) {
    Params p{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", std::string(kRedirect)},
             {"code_verifier", pkce.verifier}, {"client_assertion_type", std::string(kJwtBearer)},
             {"client_assertion", signed_assertion}};
    return h.send(OAuthHarness::form_request("/token", p));
  }
};

TEST_F(PrivateKeyJwtFlow, RFC7523_SignedAssertionWithInlineJwksGetsTokens) {
  web.serve(std::string(kDocUrl), signing_document(false));
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto pkce = Pkce::make();
  auto code = h.authorize_code(cimd_client(), pkce);
  auto reply = exchange_with(h, code, pkce, assertion(h.now()));
  ASSERT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
  EXPECT_TRUE(h.accepted(OAuthHarness::tokens_of(reply).access_token));
}

TEST_F(PrivateKeyJwtFlow, RFC7523_JwksUriIsFetchedAndCached) {
  web.serve(std::string(kDocUrl), signing_document(true));
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  for (int i = 0; i < 2; ++i) {
    auto pkce = Pkce::make();
    auto code = h.authorize_code(cimd_client(), pkce);
    auto reply = exchange_with(h, code, pkce, assertion(h.now()));
    ASSERT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
  }
  EXPECT_EQ(web.fetches.load(), 2);  // the document once, the key set once
}

TEST_F(PrivateKeyJwtFlow, RFC7523_AReplayedAssertionIsRefused) {
  web.serve(std::string(kDocUrl), signing_document(false));
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto signed_assertion = assertion(h.now(), "jti-once");
  auto pkce = Pkce::make();
  ASSERT_EQ(exchange_with(h, h.authorize_code(cimd_client(), pkce), pkce, signed_assertion).response.result(),
            http::status::ok);
  auto pkce2 = Pkce::make();
  auto replay = exchange_with(h, h.authorize_code(cimd_client(), pkce2), pkce2, signed_assertion);
  EXPECT_EQ(replay.response.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(replay), "invalid_client");
  EXPECT_NE(replay.response.body().find("already used"), std::string::npos);
}

TEST_F(PrivateKeyJwtFlow, RFC7523_AssertionIsRequiredAndMustBeGood) {
  web.serve(std::string(kDocUrl), signing_document(false));
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto pkce = Pkce::make();
  auto code = h.authorize_code(cimd_client(), pkce);
  // Public-client style: refused, the document asks for an assertion.
  auto bare = h.exchange(cimd_client(), code, pkce);
  EXPECT_EQ(bare.response.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(bare), "invalid_client");
  // Wrong audience, and a key the document does not publish.
  EXPECT_EQ(error_of(exchange_with(h, code, pkce, assertion(h.now(), "a", "https://elsewhere.example/token"))),
            "invalid_client");
  key = crypto::EcKey::generate();
  EXPECT_EQ(error_of(exchange_with(h, code, pkce, assertion(h.now(), "b"))), "invalid_client");
}

TEST_F(CimdFlow, RFC7523_AssertionFromAPublicDocumentClientIsRefused) {
  web.serve(std::string(kDocUrl), document());
  OAuthHarness h(store::open_memory_stores(), cimd_options(web));
  auto key = crypto::EcKey::generate();
  json::object claims{{"iss", kDocUrl}, {"sub", kDocUrl}, {"aud", std::string(kIssuer) + "/token"},
                      {"exp", h.now() + 60}, {"jti", "x"}};
  Params p{{"grant_type", "refresh_token"}, {"refresh_token", "gtr_none"},
           {"client_assertion_type", std::string(kJwtBearer)},
           {"client_assertion", crypto::testing::sign_jws({{"alg", "ES256"}}, claims, key)}};
  auto reply = h.send(OAuthHarness::form_request("/token", p));
  EXPECT_EQ(reply.response.result(), http::status::unauthorized);
  EXPECT_NE(reply.response.body().find("none"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::oauth_test
