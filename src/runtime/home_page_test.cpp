#include "runtime/home_page.hpp"

#include <gtest/gtest.h>

namespace gatehouse::runtime {
namespace {

TEST(OperatorExperience, HomePageOnlyForBrowsersAskingForHtml) {
  EXPECT_TRUE(accepts_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));  // browsers
  EXPECT_TRUE(accepts_html("TEXT/HTML"));
  EXPECT_TRUE(accepts_html("application/json, text/html;q=0.5"));
  EXPECT_FALSE(accepts_html("*/*"));  // curl
  EXPECT_FALSE(accepts_html("application/json"));
  EXPECT_FALSE(accepts_html("application/json, text/event-stream"));  // MCP clients
  EXPECT_FALSE(accepts_html("text/html;q=0"));
  EXPECT_FALSE(accepts_html("text/html; q=0.0, application/json"));
  EXPECT_FALSE(accepts_html("text/htmlx"));
  EXPECT_FALSE(accepts_html(""));
}

TEST(OperatorExperience, HomePageSaysWhatAndHowToConnect) {
  auto html = render_home_page(
      {.title = "Gatehouse demo", .name = "gatehouse-demo", .mcp_url = "https://mcp.example.com/mcp", .auth = "oauth"});
  EXPECT_NE(html.find("<title>Gatehouse demo · Gatehouse</title>"), std::string::npos);
  EXPECT_NE(html.find("MCP server"), std::string::npos);
  EXPECT_NE(html.find("<code>https://mcp.example.com/mcp</code>"), std::string::npos);
  EXPECT_NE(html.find("OAuth 2.1 sign-in"), std::string::npos);
  EXPECT_NE(html.find("custom connector"), std::string::npos);
  EXPECT_NE(html.find("claude mcp add --transport http gatehouse-demo https://mcp.example.com/mcp"), std::string::npos);
  EXPECT_EQ(html.find("reaches only public https"), std::string::npos) << "an https URL works for claude.ai";

  auto local = render_home_page({.title = "t", .name = "n", .mcp_url = "http://127.0.0.1:8080/mcp", .auth = "none"});
  EXPECT_NE(local.find("reaches only public https"), std::string::npos);
  EXPECT_NE(local.find("Anyone who can reach this address"), std::string::npos);

  auto keyed = render_home_page({.title = "t", .name = "n", .mcp_url = "https://h/mcp", .auth = "api-key"});
  EXPECT_NE(keyed.find("API key"), std::string::npos);
}

TEST(OperatorExperience, HomePageEscapesWhatItShows) {
  auto html = render_home_page({.title = "<b>x</b>", .name = "n", .mcp_url = "https://h/mcp?a=\"b\"", .auth = "none"});
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("https://h/mcp?a=&quot;b&quot;"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::runtime
