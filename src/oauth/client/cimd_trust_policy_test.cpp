#include "oauth/client/cimd_trust_policy.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

TEST(CimdTrustPolicy, HostPatterns) {
  EXPECT_TRUE(host_pattern_matches("claude.ai", "claude.ai"));
  EXPECT_TRUE(host_pattern_matches("claude.ai", "CLAUDE.AI"));
  EXPECT_TRUE(host_pattern_matches("claude.ai", "claude.ai."));
  EXPECT_FALSE(host_pattern_matches("claude.ai", "evil-claude.ai"));
  EXPECT_FALSE(host_pattern_matches("claude.ai", "claude.ai.evil.example"));
  EXPECT_FALSE(host_pattern_matches("claude.ai", "www.claude.ai"));
  EXPECT_TRUE(host_pattern_matches("*.example.com", "app.example.com"));
  EXPECT_TRUE(host_pattern_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(host_pattern_matches("*.example.com", "example.com"));
  EXPECT_FALSE(host_pattern_matches("*.example.com", "badexample.com"));
}

TEST(CimdTrustPolicy, EmptyPolicyAllowsEveryHost) {
  CimdTrustPolicy policy;
  EXPECT_FALSE(policy.refusal("app.example.com"));
}

TEST(CimdTrustPolicy, AllowlistNarrowsAndDenylistWins) {
  CimdTrustPolicy policy{.allowed_hosts = {"claude.ai", "*.example.com"}, .denied_hosts = {"bad.example.com"}};
  EXPECT_FALSE(policy.refusal("claude.ai"));
  EXPECT_FALSE(policy.refusal("app.example.com"));
  auto outside = policy.refusal("other.test");
  ASSERT_TRUE(outside);
  EXPECT_NE(outside->find("allowlist"), std::string::npos);
  auto denied = policy.refusal("bad.example.com");
  ASSERT_TRUE(denied);
  EXPECT_NE(denied->find("denylist"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::oauth
