#include "oauth/client/client_metadata_document.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

constexpr std::string_view kClaudeUrl = "https://claude.ai/oauth/mcp-oauth-client-metadata";
constexpr std::string_view kClaudeDocument =
    R"({"client_id":"https://claude.ai/oauth/mcp-oauth-client-metadata","client_name":"Claude",)"
    R"("redirect_uris":["https://claude.ai/api/mcp/auth_callback"],)"
    R"("grant_types":["authorization_code","refresh_token","urn:ietf:params:oauth:grant-type:jwt-bearer"],)"
    R"("token_endpoint_auth_method":"none"})";

constexpr std::string_view kClaudeCodeUrl = "https://claude.ai/oauth/claude-code-client-metadata";
constexpr std::string_view kClaudeCodeDocument =
    R"({"client_id":"https://claude.ai/oauth/claude-code-client-metadata","client_name":"Claude Code",)"
    R"("redirect_uris":["http://localhost/callback","http://127.0.0.1/callback"],)"
    R"("grant_types":["authorization_code","refresh_token"],"token_endpoint_auth_method":"none"})";

constexpr std::string_view kUrl = "https://app.example.com/client.json";

std::variant<ClientMetadataDocument, std::string> parse(std::string_view body,
                                                        std::string_view content_type = "application/json") {
  return parse_client_metadata_document(body, content_type, kUrl);
}

// A minimal valid document for kUrl with `extra` fields appended.
std::string doc(std::string_view extra = "", std::string_view redirects = R"(["https://app.example.com/cb"])") {
  std::string out = R"({"client_id":")";
  out.append(kUrl).append(R"(","redirect_uris":)").append(redirects);
  if (!extra.empty()) out.append(",").append(extra);
  out.append("}");
  return out;
}

TEST(ClientMetadataDocument, CI4_ClaudeDocumentIsAccepted) {
  auto r = parse_client_metadata_document(kClaudeDocument, "application/json", kClaudeUrl);
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r)) << std::get<std::string>(r);
  const auto& d = std::get<ClientMetadataDocument>(r);
  EXPECT_EQ(d.client_id, kClaudeUrl);
  EXPECT_EQ(d.client_name, "Claude");
  EXPECT_EQ(d.token_endpoint_auth_method, "none");
  EXPECT_EQ(d.redirect_uris, std::vector<std::string>{"https://claude.ai/api/mcp/auth_callback"});
  ASSERT_EQ(d.grant_types.size(), 3u);
  EXPECT_EQ(d.grant_types[2], "urn:ietf:params:oauth:grant-type:jwt-bearer");  // CLAUDE: tolerated
  EXPECT_TRUE(document_allows_redirect(d, "https://claude.ai/api/mcp/auth_callback"));
  EXPECT_FALSE(document_allows_redirect(d, "https://claude.ai/api/mcp/auth_callback/"));
  EXPECT_FALSE(document_allows_redirect(d, "https://claude.ai:8443/api/mcp/auth_callback"));
  EXPECT_FALSE(document_allows_redirect(d, "https://evil.example/api/mcp/auth_callback"));
}

// AZ3 + CI4: Claude Code's document lists loopback callbacks without a port.
TEST(ClientMetadataDocument, CI4_ClaudeCodeLoopbackRedirectsAnyPort) {
  auto r = parse_client_metadata_document(kClaudeCodeDocument, "application/json; charset=utf-8", kClaudeCodeUrl);
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r)) << std::get<std::string>(r);
  const auto& d = std::get<ClientMetadataDocument>(r);
  EXPECT_TRUE(document_allows_redirect(d, "http://localhost:43123/callback"));
  EXPECT_TRUE(document_allows_redirect(d, "http://localhost/callback"));
  EXPECT_TRUE(document_allows_redirect(d, "http://127.0.0.1:51234/callback"));
  EXPECT_FALSE(document_allows_redirect(d, "http://localhost:43123/other"));
  EXPECT_FALSE(document_allows_redirect(d, "http://127.0.0.1:51234/callback?x=1"));
  EXPECT_FALSE(document_allows_redirect(d, "http://[::1]:43123/callback"));  // not listed
  EXPECT_FALSE(document_allows_redirect(d, "https://localhost:43123/callback"));
  EXPECT_FALSE(document_allows_redirect(d, "http://localhost.evil.example:43123/callback"));

  auto client = to_client(d);
  EXPECT_EQ(client.client_id, kClaudeCodeUrl);
  EXPECT_EQ(client.client_name, "Claude Code");
  EXPECT_TRUE(client.secret_hash.empty());
  EXPECT_EQ(client.token_endpoint_auth_method, "none");
  EXPECT_EQ(client.response_types, std::vector<std::string>{"code"});
  EXPECT_EQ(client.redirect_uris, d.redirect_uris);
}

struct Rejection {
  std::string_view name;
  std::string body;
  std::string content_type;
  std::string_view reason_contains;
};

// CI2 and CI4: one row per rejection reason.
TEST(ClientMetadataDocument, CI4_Rejections) {
  const Rejection rows[] = {
      {"content type text/html (a bot challenge)", doc(), "text/html; charset=utf-8", "content type"},
      {"content type missing", doc(), "", "content type"},
      {"content type json-ish", doc(), "application/jsonp", "content type"},
      {"content type text/json", doc(), "text/json", "content type"},
      {"oversized", doc(std::string(R"("client_name":")").append(6000, 'a').append("\"")), "application/json", "larger"},
      {"not JSON", "<html>challenge</html>", "application/json", "not valid JSON"},
      {"truncated JSON", doc().substr(0, 20), "application/json", "not valid JSON"},
      {"array", "[]", "application/json", "not a JSON object"},
      {"string", R"("https://app.example.com/client.json")", "application/json", "not a JSON object"},
      {"no client_id", R"({"redirect_uris":["https://a.example/cb"]})", "application/json", "client_id"},
      {"client_id not a string", R"({"client_id":1,"redirect_uris":["https://a.example/cb"]})", "application/json",
       "client_id"},
      {"client_id differs", R"({"client_id":"https://app.example.com/other.json","redirect_uris":["https://a.example/cb"]})",
       "application/json", "does not equal"},
      {"client_id differs by a slash",
       R"({"client_id":"https://app.example.com/client.json/","redirect_uris":["https://a.example/cb"]})",
       "application/json", "does not equal"},
      {"client_id differs in case",
       R"({"client_id":"https://APP.example.com/client.json","redirect_uris":["https://a.example/cb"]})",
       "application/json", "does not equal"},
      {"no redirect_uris", R"({"client_id":"https://app.example.com/client.json"})", "application/json",
       "redirect_uris"},
      {"redirect_uris a string", doc("", R"("https://app.example.com/cb")"), "application/json", "redirect_uris"},
      {"redirect_uris empty", doc("", "[]"), "application/json", "empty"},
      {"redirect_uri not a string", doc("", "[42]"), "application/json", "not a string"},
      {"redirect_uri relative", doc("", R"(["/cb"])"), "application/json", "absolute"},
      {"redirect_uri with fragment", doc("", R"(["https://app.example.com/cb#x"])"), "application/json", "fragment"},
      {"client_secret", doc(R"("client_secret":"s3cret")"), "application/json", "client_secret"},
      {"client_secret null", doc(R"("client_secret":null)"), "application/json", "client_secret"},
      {"client_secret_expires_at", doc(R"("client_secret_expires_at":0)"), "application/json",
       "client_secret_expires_at"},
      {"client_secret_basic", doc(R"("token_endpoint_auth_method":"client_secret_basic")"), "application/json",
       "not allowed"},
      {"client_secret_post", doc(R"("token_endpoint_auth_method":"client_secret_post")"), "application/json",
       "not allowed"},
      {"client_secret_jwt", doc(R"("token_endpoint_auth_method":"client_secret_jwt")"), "application/json",
       "not allowed"},
      {"auth method not a string", doc(R"("token_endpoint_auth_method":["none"])"), "application/json",
       "not a string"},
      {"private_key_jwt without keys", doc(R"("token_endpoint_auth_method":"private_key_jwt")"),
       "application/json", "requires jwks"},
      {"private_key_jwt with http jwks_uri",
       doc(R"("token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://app.example.com/jwks")"),
       "application/json", "jwks_uri"},
      {"private_key_jwt with jwks not a set",
       doc(R"("token_endpoint_auth_method":"private_key_jwt","jwks":{"kty":"EC"})"), "application/json",
       "JWK Set"},
      {"private_key_jwt with both",
       doc(R"("token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[]},"jwks_uri":"https://a.example/j")"),
       "application/json", "both"},
      {"grant_types a string", doc(R"("grant_types":"authorization_code")"), "application/json", "grant_types"},
      {"grant_types with a number", doc(R"("grant_types":["authorization_code",7])"), "application/json",
       "grant_types"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(std::string(row.name));
    auto r = parse(row.body, row.content_type);
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_NE(std::get<std::string>(r).find(row.reason_contains), std::string::npos) << std::get<std::string>(r);
  }
}

TEST(ClientMetadataDocument, M6_RedirectUrisFollowTheRegistrationRules) {
  // The same validator as /register: what it refuses, a document cannot list.
  for (const char* uri : {"javascript:alert(1)", "http://app.example.com/cb", "data:text/html,x", "file:///etc/passwd",
                          "ftp://app.example.com/cb", "https:///cb"}) {
    SCOPED_TRACE(uri);
    auto r = parse(doc("", "[\"" + std::string(uri) + "\"]"), "application/json");
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_NE(std::get<std::string>(r).find("the document's redirect URI " + std::string(uri)), std::string::npos)
        << std::get<std::string>(r);
    EXPECT_NE(redirect_uri_problem(uri), "") << "refused at /register too";
  }
  for (const char* uri : {"https://app.example.com/cb", "http://localhost/callback", "http://127.0.0.1:8080/cb",
                          "http://[::1]/cb", "com.example.app:/callback"}) {
    SCOPED_TRACE(uri);
    auto r = parse(doc("", "[\"" + std::string(uri) + "\"]"), "application/json");
    EXPECT_TRUE(std::holds_alternative<ClientMetadataDocument>(r));
  }
}

TEST(ClientMetadataDocument, L12_ApplicationTypeIsCheckedAndDefaulted) {
  auto type_of = [](const std::string& body) {
    auto r = parse(body, "application/json");
    return std::holds_alternative<ClientMetadataDocument>(r) ? std::string(to_string(std::get<ClientMetadataDocument>(r).application_type))
                                                              : "refused: " + std::get<std::string>(r);
  };
  EXPECT_EQ(type_of(doc("", R"(["https://app.example.com/cb"])")), "web");
  EXPECT_EQ(type_of(doc("", R"(["http://localhost/callback"])")), "native");
  EXPECT_EQ(type_of(doc("", R"(["https://app.example.com/cb","http://localhost/cb"])")), "web") << "mixed, unnamed: kept";
  EXPECT_EQ(type_of(doc(R"("application_type":"native")", R"(["http://127.0.0.1/cb"])")), "native");
  // RFC 8252 §7.2: a native app may claim an https redirect.
  EXPECT_EQ(type_of(doc(R"("application_type":"native")", R"(["https://app.example.com/cb","http://localhost/cb"])")),
            "native");
  EXPECT_NE(type_of(doc(R"("application_type":"native")", R"(["http://app.example.com/cb"])")).find(
                "must use https unless the host is localhost"),
            std::string::npos);
  EXPECT_NE(type_of(doc(R"("application_type":"web")", R"(["http://localhost/cb"])")).find(
                "does not fit application_type web"),
            std::string::npos);
  EXPECT_NE(type_of(doc(R"("application_type":"desktop")")).find("not one of web, native"), std::string::npos);
  EXPECT_NE(type_of(doc(R"("application_type":1)")).find("application_type is not a string"), std::string::npos);
}

TEST(ClientMetadataDocument, CI2_SizeLimitIsInclusive) {
  std::string body = doc();
  body.pop_back();  // the closing brace, re-added after JSON whitespace
  body.append(5119 - body.size(), ' ').append("}");
  ASSERT_EQ(body.size(), 5120u);
  EXPECT_TRUE(std::holds_alternative<ClientMetadataDocument>(parse(body)));
  body.pop_back();
  body.append(" }");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse(body)));
  EXPECT_TRUE(std::holds_alternative<ClientMetadataDocument>(
      parse_client_metadata_document(body, "application/json", kUrl, 8192)));
}

TEST(ClientMetadataDocument, CI2_ContentTypeParametersAndCase) {
  for (std::string_view ct : {"application/json", "Application/JSON", "application/json;charset=utf-8",
                              "application/json ; charset=\"UTF-8\"", " application/json "}) {
    SCOPED_TRACE(std::string(ct));
    EXPECT_TRUE(std::holds_alternative<ClientMetadataDocument>(parse(doc(), ct)));
  }
}

// CI4: unknown fields and grant types are tolerated; defaults filled.
TEST(ClientMetadataDocument, CI4_ToleratesUnknowns) {
  auto r = parse(doc(R"("software_id":"x","application_type":"web","scope":"mcp","contacts":["a@b.c"],)"
                     R"("response_types":["code"],"grant_types":["authorization_code","urn:example:custom"],)"
                     R"("x-vendor":{"nested":[1,2,null]},"client_name":null)"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r)) << std::get<std::string>(r);
  const auto& d = std::get<ClientMetadataDocument>(r);
  EXPECT_EQ(d.grant_types, (std::vector<std::string>{"authorization_code", "urn:example:custom"}));
  EXPECT_EQ(d.client_name, "");  // not a string: dropped
  EXPECT_EQ(d.token_endpoint_auth_method, "none");
}

TEST(ClientMetadataDocument, CI4_DefaultsWhenAbsent) {
  auto r = parse(doc());
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r));
  const auto& d = std::get<ClientMetadataDocument>(r);
  EXPECT_EQ(d.token_endpoint_auth_method, "none");
  EXPECT_EQ(d.grant_types, std::vector<std::string>{"authorization_code"});  // RFC 7591 §2
  EXPECT_TRUE(d.client_name.empty());
  EXPECT_FALSE(d.jwks.has_value());
}

TEST(ClientMetadataDocument, CI4_DisplayUrlsMustBeHttps) {
  auto r = parse(doc(R"("client_name":"App","client_uri":"https://app.example.com","logo_uri":"http://app.example.com/logo.png")"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r));
  const auto& d = std::get<ClientMetadataDocument>(r);
  EXPECT_EQ(d.client_name, "App");
  EXPECT_EQ(d.client_uri, "https://app.example.com");
  EXPECT_EQ(d.logo_uri, "");  // http: dropped

  r = parse(doc(R"("client_uri":"javascript:alert","logo_uri":"https://cdn.example.com/l.png")"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r));
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).client_uri, "");
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).logo_uri, "https://cdn.example.com/l.png");

  r = parse(doc(R"("client_uri":42,"logo_uri":["https://x.example/l.png"])"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r));
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).client_uri, "");
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).logo_uri, "");
}

TEST(ClientMetadataDocument, CI4_PrivateKeyJwtWithKeys) {
  auto r = parse(doc(R"("token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"}]})"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).token_endpoint_auth_method, "private_key_jwt");
  EXPECT_TRUE(std::get<ClientMetadataDocument>(r).jwks.has_value());

  r = parse(doc(R"("token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://app.example.com/jwks.json")"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).jwks_uri, "https://app.example.com/jwks.json");
}

TEST(ClientMetadataDocument, CI4_FragmentFreeAbsoluteRedirectsOfAnySchemeAreKept) {
  // The document's redirect list is the client's; the authorize endpoint's
  // own policy (AZ3) decides what it will redirect to.
  auto r = parse(doc("", R"(["https://app.example.com/cb","com.example.app:/oauth","http://localhost/cb"])"));
  ASSERT_TRUE(std::holds_alternative<ClientMetadataDocument>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<ClientMetadataDocument>(r).redirect_uris.size(), 3u);
}

}  // namespace
}  // namespace gatehouse::oauth

namespace gatehouse::oauth {
namespace {

// Boost.JSON keeps the last of duplicate keys (as JavaScript does); the
// checks apply to that value.
TEST(ClientMetadataDocument, CI4_DuplicateKeysLastWins) {
  std::string body = R"({"client_id":"https://evil.example/x","client_id":"https://app.example.com/client.json",)"
                     R"("redirect_uris":["https://app.example.com/cb"]})";
  EXPECT_TRUE(std::holds_alternative<ClientMetadataDocument>(
      parse_client_metadata_document(body, "application/json", "https://app.example.com/client.json")));
  body = R"({"client_id":"https://app.example.com/client.json","client_id":"https://evil.example/x",)"
         R"("redirect_uris":["https://app.example.com/cb"]})";
  EXPECT_TRUE(std::holds_alternative<std::string>(
      parse_client_metadata_document(body, "application/json", "https://app.example.com/client.json")));
}

}  // namespace
}  // namespace gatehouse::oauth
