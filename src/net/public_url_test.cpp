// A server's public base URL (net/public_url.hpp).
#include "net/public_url.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(PublicUrl, AcceptsHttpsAnywhereAndHttpOnLoopback) {
  EXPECT_EQ(public_url_problem("https://mcp.example.com", false), "");
  EXPECT_EQ(public_url_problem("https://mcp.example.com:8443/team%20a/", false), "");
  EXPECT_EQ(public_url_problem("https://[2001:db8::1]", false), "");
  EXPECT_EQ(public_url_problem("http://127.0.0.1:8080", false), "");
  EXPECT_EQ(public_url_problem("http://localhost", false), "");
  EXPECT_EQ(public_url_problem("http://mcp.internal", true), "");  // --insecure-dev
}

TEST(PublicUrl, NamesWhatIsWrong) {
  auto problem = [](std::string_view url) { return public_url_problem(url, false); };
  EXPECT_NE(problem("mcp.example.com").find("not an absolute URL"), std::string::npos);
  EXPECT_NE(problem("ftp://mcp.example.com").find("must be an https URL"), std::string::npos);
  EXPECT_NE(problem("https://mcp.example.com/?a=1").find("query"), std::string::npos);
  EXPECT_NE(problem("https://mcp.example.com/#top").find("fragment"), std::string::npos);
  EXPECT_NE(problem("https://user@mcp.example.com").find("user name or password"), std::string::npos);
  EXPECT_NE(problem("https://2001:db8::1/").find("in brackets"), std::string::npos);
  EXPECT_NE(problem("https://[2001:db8::zz]/").find("invalid IPv6 host"), std::string::npos);
  EXPECT_NE(problem("https://1.2.3.400/").find("invalid IPv4 host"), std::string::npos);
  EXPECT_NE(problem("https://bücher.example/").find("xn--"), std::string::npos);
  EXPECT_NE(problem("https://mcp.example.com:0/").find("invalid port"), std::string::npos);
  EXPECT_NE(problem("https://mcp.example.com:65536/").find("invalid port"), std::string::npos);
  EXPECT_NE(problem("https://mcp.example.com/a b").find("percent-encode"), std::string::npos);
  EXPECT_NE(problem("https://mcp.example.com/%4").find("two hex digits"), std::string::npos);
  EXPECT_NE(problem("http://mcp.example.com").find("must use https"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::net
