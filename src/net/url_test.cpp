#include "net/url.hpp"

#include "net/origin_policy.hpp"
#include "oauth/client/client_id_url.hpp"
#include "oauth/client/redirect_uri.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(Url, PortsBeyond16BitsAreNotTruncated) {
  auto port = [](std::string_view text) { return url_port(*parse_url(text)); };
  EXPECT_EQ(port("https://h/x"), std::nullopt);
  EXPECT_EQ(port("https://h:/x"), std::nullopt);  // RFC 3986 §6.2.3: the default
  EXPECT_EQ(port("https://h:8443/x"), 8443u);
  EXPECT_EQ(port("https://h:00443/x"), 443u);
  EXPECT_EQ(port("https://h:65535/x"), 65535u);
  EXPECT_EQ(port("https://h:65536/x"), 0u);
  EXPECT_EQ(port("https://h:65979/x"), 0u);  // not 443
  EXPECT_EQ(port("https://h:0/x"), 0u);
  EXPECT_EQ(port("https://h:99999999999999999999/x"), 0u);
}

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

// Found by the url fuzzer (fuzz/regressions/url/): Boost.URL 1.81 aborts
// its debug builds on "scheme:?", "scheme:#" or "scheme:" and one character
// that cannot start a path (an empty hier-part counted as one path segment).
// Such text is refused before Boost.URL parses it, wherever a URL from the
// network is read.
TEST(Url, EmptyHierPartIsRefusedBeforeBoostUrlParsesIt) {
  for (std::string_view text :
       {"http0t1s:?", "a:?", "a:#", "https:?", "totp:\xe0", "a:[", "a:{", "a:", "a:?x", "a:?#f"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_absolute_uri(text));
    EXPECT_FALSE(parse_url(text));
    EXPECT_EQ(origin_of(text), "");
    EXPECT_NE(oauth::redirect_uri_problem(text), "");
    EXPECT_FALSE(oauth::is_loopback_redirect(text));
    EXPECT_EQ(oauth::client_id_url_problem(text), "client_id is not a valid absolute URL");
  }
  // A path or an authority after the scheme still parses.
  EXPECT_TRUE(parse_absolute_uri("a:b?x"));
  EXPECT_TRUE(parse_absolute_uri("com.example.app:/callback?x"));
  EXPECT_TRUE(parse_url("http://h?x"));
}

}  // namespace
}  // namespace gatehouse::net
