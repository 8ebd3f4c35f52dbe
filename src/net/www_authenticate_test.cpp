#include "net/www_authenticate.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

// RS2: what a client reads from a protected resource's 401.
TEST(WwwAuthenticate, RS2_ReadsTheBearerChallengeOfAProtectedResource) {
  auto parsed = parse_www_authenticate(
      R"(Bearer resource_metadata="https://h.example/.well-known/oauth-protected-resource/mcp", scope="mcp read")");
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.challenges.size(), 1u);
  const AuthChallenge* bearer = parsed.find("bearer");
  ASSERT_NE(bearer, nullptr);
  EXPECT_EQ(bearer->scheme, "Bearer");
  EXPECT_EQ(bearer->param("resource_metadata"), "https://h.example/.well-known/oauth-protected-resource/mcp");
  EXPECT_EQ(bearer->param("scope"), "mcp read");
  EXPECT_FALSE(bearer->param("error").has_value());
}

TEST(WwwAuthenticate, SeveralChallengesAndTokenValues) {
  auto parsed = parse_www_authenticate(R"(Basic realm="api", Bearer error=invalid_token, ERROR_description="a \"quoted\" word")");
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.challenges.size(), 2u);
  EXPECT_EQ(parsed.challenges[0].scheme, "Basic");
  EXPECT_EQ(parsed.challenges[0].param("realm"), "api");
  const AuthChallenge* bearer = parsed.find("Bearer");
  ASSERT_NE(bearer, nullptr);
  EXPECT_EQ(bearer->param("error"), "invalid_token");
  // Parameter names are case-insensitive (RFC 9110 §11.2); quoted-pairs unescaped.
  EXPECT_EQ(bearer->param("error_description"), "a \"quoted\" word");
}

TEST(WwwAuthenticate, SchemeAloneAndToken68) {
  auto parsed = parse_www_authenticate("Bearer, Negotiate YWJjZA==");
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.challenges.size(), 2u);
  EXPECT_TRUE(parsed.challenges[0].params.empty());
  EXPECT_EQ(parsed.challenges[1].token68, "YWJjZA==");
}

TEST(WwwAuthenticate, MalformedInputKeepsWhatWasRead) {
  auto unterminated = parse_www_authenticate(R"(Bearer realm="never closed)");
  EXPECT_FALSE(unterminated.complete);
  const std::string_view cases[] = {"", ",,,", "=", "\"", "Bearer =x", "Bearer a=\"\\", "Bearer ,a=b,,c=\"d\"",
                                   std::string_view("\0\0", 2), "Bearer realm=\"x\" realm2=y"};
  for (std::string_view hostile : cases) {
    auto parsed = parse_www_authenticate(hostile);  // never throws, never reads past the end
    for (const auto& challenge : parsed.challenges) EXPECT_FALSE(challenge.scheme.empty());
  }
}

}  // namespace
}  // namespace gatehouse::net
