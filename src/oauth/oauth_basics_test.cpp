// The pure building blocks of the authorization server, each rule named
// after its INTEROP id.
#include "net/form.hpp"
#include "oauth/endpoint/metadata.hpp"
#include "oauth/error.hpp"
#include "oauth/grant/pkce.hpp"
#include "oauth/resource/challenge.hpp"
#include "oauth/resource/resource_uri.hpp"
#include "oauth/scope.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

namespace json = boost::json;

Settings settings() {
  Settings s;
  s.issuer = "https://mcp.example.com";
  s.resource = "https://mcp.example.com/mcp";
  return s;
}

struct SameCase {
  const char* a;
  const char* b;
  bool same;
};

class ResourceUri : public testing::TestWithParam<SameCase> {};

TEST_P(ResourceUri, RS4_ComparesAfterNormalisation) {
  EXPECT_EQ(same_resource(GetParam().a, GetParam().b), GetParam().same) << GetParam().a << " vs " << GetParam().b;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ResourceUri,
    testing::Values(SameCase{"https://h/mcp", "https://h/mcp/", true}, SameCase{"https://H/mcp", "https://h/mcp", true},
                    SameCase{"HTTPS://h/mcp", "https://h/mcp", true}, SameCase{"https://h:443/mcp", "https://h/mcp", true},
                    SameCase{"http://h:80/mcp", "http://h/mcp", true}, SameCase{"https://h/", "https://h", true},
                    SameCase{"https://h/MCP", "https://h/mcp", false}, SameCase{"https://h/mcp", "http://h/mcp", false},
                    SameCase{"https://h:8443/mcp", "https://h/mcp", false}, SameCase{"https://h/mcp#x", "https://h/mcp", false},
                    SameCase{"https://u@h/mcp", "https://h/mcp", false}, SameCase{"urn:x:y", "urn:x:y", false},
                    SameCase{"https://other/mcp", "https://h/mcp", false}, SameCase{"", "", false}));

TEST(Pkce, AZ1_S256VerifierMatchesChallenge) {
  // RFC 7636 Appendix B.
  EXPECT_TRUE(verify_pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(verify_pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(verify_pkce_s256("short", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(verify_pkce_s256(std::string(129, 'a'), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(valid_code_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"));    // 42
  EXPECT_FALSE(valid_code_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM="));  // padding
  EXPECT_FALSE(valid_code_verifier(std::string(43, ' ')));
}

TEST(Scope, AZ5_ParsingIsTolerant) {
  EXPECT_EQ(parse_scope(" mcp  offline_access\tclaudeai mcp"),
            (std::vector<std::string>{"mcp", "offline_access", "claudeai"}));
  EXPECT_TRUE(parse_scope("   ").empty());
  EXPECT_EQ(known_scopes(parse_scope("read write mcp"), {"mcp"}), (std::vector<std::string>{"mcp"}));
  EXPECT_EQ(join_scope({"a", "b"}), "a b");
  EXPECT_TRUE(contains_all({"a", "b"}, {"b"}));
  EXPECT_FALSE(contains_all({"a"}, {"b"}));
}

TEST(Form, ParsesAndReportsDuplicates) {
  auto form = net::parse_form("grant_type=authorization_code&code=a%2Bb&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&x=1+2&code=again");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->value_or("grant_type"), "authorization_code");
  EXPECT_EQ(form->value_or("code"), "a+b");
  EXPECT_EQ(form->value_or("redirect_uri"), "http://localhost/cb");
  EXPECT_EQ(form->value_or("x"), "1 2");
  EXPECT_EQ(form->duplicates, (std::vector<std::string>{"code"}));
  EXPECT_FALSE(net::parse_form("a=%zz"));
  EXPECT_FALSE(net::parse_form("a=%2"));
  EXPECT_TRUE(net::parse_form("")->values.empty());
  EXPECT_FALSE(net::parse_form(std::string(300, '&') + "a=1&b=2", 1));
  EXPECT_EQ(net::url_encode("a b/c~"), "a%20b%2Fc~");
}

TEST(Metadata, AS2_AuthorizationServerFields) {
  auto m = authorization_server_metadata(settings());
  EXPECT_EQ(m.at("issuer"), "https://mcp.example.com");
  EXPECT_EQ(m.at("authorization_endpoint"), "https://mcp.example.com/authorize");
  EXPECT_EQ(m.at("token_endpoint"), "https://mcp.example.com/token");
  EXPECT_EQ(m.at("registration_endpoint"), "https://mcp.example.com/register");
  EXPECT_EQ(m.at("revocation_endpoint"), "https://mcp.example.com/revoke");
  EXPECT_EQ(m.at("response_types_supported"), json::array{"code"});
  EXPECT_EQ(m.at("grant_types_supported"), (json::array{"authorization_code", "refresh_token"}));
  EXPECT_EQ(m.at("code_challenge_methods_supported"), json::array{"S256"});
  EXPECT_EQ(m.at("response_modes_supported"), json::array{"query"});
  EXPECT_EQ(m.at("authorization_response_iss_parameter_supported"), true);
  auto scopes = m.at("scopes_supported").as_array();
  EXPECT_NE(std::find(scopes.begin(), scopes.end(), json::value("offline_access")), scopes.end());
}

TEST(Metadata, AS3_CimdNeedsNoneAuthMethodAdvertised) {
  auto s = settings();
  EXPECT_EQ(authorization_server_metadata(s).at("client_id_metadata_document_supported"), false);
  s.client_id_metadata_documents = true;
  auto m = authorization_server_metadata(s);
  EXPECT_EQ(m.at("client_id_metadata_document_supported"), true);
  auto methods = m.at("token_endpoint_auth_methods_supported").as_array();
  EXPECT_NE(std::find(methods.begin(), methods.end(), json::value("none")), methods.end());
}

TEST(Metadata, RS5_ProtectedResourceDocument) {
  auto s = settings();
  auto m = protected_resource_metadata(s);
  EXPECT_EQ(m.at("resource"), "https://mcp.example.com/mcp");
  EXPECT_EQ(m.at("authorization_servers"), json::array{"https://mcp.example.com"});
  EXPECT_EQ(m.at("bearer_methods_supported"), json::array{"header"});
  auto scopes = m.at("scopes_supported").as_array();
  EXPECT_EQ(std::find(scopes.begin(), scopes.end(), json::value("offline_access")), scopes.end());
  EXPECT_EQ(protected_resource_metadata_path(s), "/.well-known/oauth-protected-resource/mcp");
  EXPECT_EQ(protected_resource_metadata_url(s), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
  s.resource = "https://mcp.example.com/";
  EXPECT_EQ(protected_resource_metadata_path(s), "/.well-known/oauth-protected-resource");
}

TEST(Challenge, RS2_NoErrorWhenNothingWasSent) {
  auto c = bearer_challenge("https://h/.well-known/oauth-protected-resource/mcp", {"mcp"});
  EXPECT_EQ(c, R"(Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", scope="mcp")");
  EXPECT_EQ(c.find("error="), std::string::npos);
}

TEST(Challenge, RS3_InvalidTokenAndInsufficientScope) {
  auto c = bearer_challenge("https://h/prm", {"mcp"}, Error::invalid_token("the token has expired"));
  EXPECT_NE(c.find(R"(error="invalid_token")"), std::string::npos);
  EXPECT_NE(c.find(R"(error_description="the token has expired")"), std::string::npos);
  auto s = bearer_challenge("https://h/prm", {"mcp", "admin"}, Error::insufficient_scope("needs admin"));
  EXPECT_NE(s.find(R"(scope="mcp admin")"), std::string::npos);
  EXPECT_NE(s.find(R"(error="insufficient_scope")"), std::string::npos);
  // Quotes in descriptions cannot break out of the quoted-string.
  auto q = bearer_challenge("https://h/prm", {}, Error::invalid_token(R"(bad "x")"));
  EXPECT_NE(q.find(R"(error_description="bad \"x\"")"), std::string::npos);
}

TEST(Error, RendersAsJsonAndQuery) {
  auto e = Error::invalid_grant("code expired").with_debug("code abc expired at 12");
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(json::serialize(e.to_json()), R"({"error":"invalid_grant","error_description":"code expired"})");
  EXPECT_EQ(e.to_query().size(), 2u);
  EXPECT_EQ(Error::invalid_client("x").status(), 401);
  EXPECT_EQ(Error::invalid_token("x").status(), 401);
  EXPECT_EQ(Error::insufficient_scope("x").status(), 403);
}

}  // namespace
}  // namespace gatehouse::oauth
