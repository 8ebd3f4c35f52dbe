#include "net/url.hpp"

#include "net/origin_policy.hpp"
#include "oauth/client/redirect_uri.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(Url, RefusesHostsThatOnlyStartLikeAnAddress) {
  EXPECT_FALSE(parse_url("http://127.0.0.1.evil.example/cb"));
  EXPECT_FALSE(parse_url("https://1.2.3.4.5/x"));
  ASSERT_TRUE(parse_url("http://127.0.0.1:8080/cb"));
  EXPECT_EQ(parse_url("http://127.0.0.1:8080/cb")->encoded_host(), "127.0.0.1");
  EXPECT_TRUE(parse_url("https://mcp.example.com"));
  EXPECT_TRUE(parse_url("https://[::1]:443/x?y#z"));
  EXPECT_FALSE(parse_url("not a url"));
}

// RG2 / TR2: the parser quirk must not make a remote host look like loopback.
TEST(Url, RG2_TR2_LookalikeLoopbackHostsAreNotLoopback) {
  EXPECT_NE(oauth::redirect_uri_problem("http://127.0.0.1.evil.example/cb"), "");
  EXPECT_FALSE(oauth::is_loopback_redirect("http://127.0.0.1.evil.example/cb"));
  OriginPolicy policy({.loopback_bind = true});
  EXPECT_FALSE(policy.origin_allowed("http://127.0.0.1.evil.example"));
  EXPECT_TRUE(policy.origin_allowed("http://127.0.0.1:6274"));
}

}  // namespace
}  // namespace gatehouse::net
