#include "net/origin_policy.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

OriginPolicy loopback() { return OriginPolicy({.loopback_bind = true}); }

// TR2: DNS rebinding — a loopback listener answers only to loopback names.
TEST(OriginPolicy, TR2_LoopbackBindRefusesForeignHostNames) {
  auto p = loopback();
  EXPECT_TRUE(p.host_allowed("localhost:8080"));
  EXPECT_TRUE(p.host_allowed("127.0.0.1:8080"));
  EXPECT_TRUE(p.host_allowed("127.1.2.3"));
  EXPECT_TRUE(p.host_allowed("[::1]:8080"));
  EXPECT_TRUE(p.host_allowed("LOCALHOST:1"));
  EXPECT_FALSE(p.host_allowed("evil.example.com"));
  EXPECT_FALSE(p.host_allowed("evil.example.com:8080"));
  EXPECT_FALSE(p.host_allowed("127.0.0.1.evil.example"));
  EXPECT_FALSE(p.host_allowed(""));
}

TEST(OriginPolicy, TR2_PublicBindAcceptsAnyHostUnlessListed) {
  OriginPolicy p({.loopback_bind = false});
  EXPECT_TRUE(p.host_allowed("mcp.example.com"));
}

TEST(OriginPolicy, TR2_PublicUrlHostIsAllowedOnLoopbackBind) {
  OriginPolicy p({.loopback_bind = true, .public_origin = "https://mcp.example.com"});
  EXPECT_TRUE(p.host_allowed("mcp.example.com"));
  EXPECT_TRUE(p.origin_allowed("https://mcp.example.com"));
  EXPECT_FALSE(p.origin_allowed("http://mcp.example.com"));  // scheme is part of the origin
}

// TR2: requests without Origin are fine (Claude's servers send none); a
// browser page from elsewhere is refused.
TEST(OriginPolicy, TR2_OriginRules) {
  auto p = loopback();
  EXPECT_TRUE(p.origin_allowed(""));
  EXPECT_TRUE(p.origin_allowed("http://localhost:6274"));
  EXPECT_TRUE(p.origin_allowed("http://127.0.0.1:3000"));
  EXPECT_FALSE(p.origin_allowed("http://evil.example.com"));
  EXPECT_FALSE(p.origin_allowed("null"));
  EXPECT_FALSE(p.origin_allowed("file://"));
  EXPECT_FALSE(p.origin_allowed("not a url"));
}

TEST(OriginPolicy, ExtraOriginsAndHosts) {
  OriginPolicy p({.loopback_bind = true, .extra_origins = {"https://App.Example.com"}, .extra_hosts = {"internal.lan"}});
  EXPECT_TRUE(p.origin_allowed("https://app.example.com"));
  EXPECT_TRUE(p.host_allowed("internal.lan:8443"));
}

TEST(OriginPolicy, HostNameParsing) {
  EXPECT_EQ(OriginPolicy::host_name("Example.COM:80"), "example.com");
  EXPECT_EQ(OriginPolicy::host_name("[::1]:8080"), "[::1]");
  EXPECT_EQ(OriginPolicy::host_name("example.com"), "example.com");
}

}  // namespace
}  // namespace gatehouse::net
