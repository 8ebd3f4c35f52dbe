#include "doctor/target.hpp"

#include <gtest/gtest.h>

namespace gatehouse::doctor {
namespace {

Target target_of(std::string_view url) {
  std::string error;
  auto target = parse_target(url, error);
  EXPECT_TRUE(target.has_value()) << url << ": " << error;
  return target.value_or(Target{});
}

TEST(DoctorTarget, ParsesTheMcpUrl) {
  auto t = target_of("https://MCP.Example.com/mcp");
  EXPECT_EQ(t.scheme, "https");
  EXPECT_EQ(t.host, "mcp.example.com");
  EXPECT_EQ(t.port, 443);
  EXPECT_FALSE(t.explicit_port);
  EXPECT_EQ(t.path, "/mcp");
  auto local = target_of("http://[::1]:8080/");
  EXPECT_EQ(local.host, "::1");
  EXPECT_EQ(local.port, 8080);
  EXPECT_EQ(local.path, "");
}

TEST(DoctorTarget, RefusesWhatIsNotAnMcpUrl) {
  for (std::string_view bad : {"mcp.example.com/mcp", "ftp://h/mcp", "https://user:pw@h/mcp", "https://h/mcp#x",
                               "https://h:99999/mcp", "not a url"}) {
    std::string error;
    EXPECT_FALSE(parse_target(bad, error).has_value()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

// RFC 9728 §3.1: the well-known suffix goes between the host and the path.
TEST(DoctorTarget, RS5_ProtectedResourceMetadataUrls) {
  auto t = target_of("https://h.example/api/mcp");
  EXPECT_EQ(prm_path_url(t), "https://h.example/.well-known/oauth-protected-resource/api/mcp");
  EXPECT_EQ(prm_root_url(t), "https://h.example/.well-known/oauth-protected-resource");
  auto root = target_of("https://h.example/");
  EXPECT_EQ(prm_path_url(root), "https://h.example/.well-known/oauth-protected-resource");
}

// RFC 8414 §3.1, then OpenID Connect Discovery in both placements.
TEST(DoctorTarget, AS1_AuthorizationServerMetadataUrls) {
  EXPECT_EQ(as_metadata_urls("https://as.example"),
            (std::vector<std::string>{"https://as.example/.well-known/oauth-authorization-server",
                                      "https://as.example/.well-known/openid-configuration"}));
  EXPECT_EQ(as_metadata_urls("https://as.example/tenant1/"),
            (std::vector<std::string>{"https://as.example/.well-known/oauth-authorization-server/tenant1",
                                      "https://as.example/.well-known/openid-configuration/tenant1",
                                      "https://as.example/tenant1/.well-known/openid-configuration"}));
  EXPECT_TRUE(as_metadata_urls("nonsense").empty());
}

// RS4/RS5: the mistakes a resource value is made with, named.
TEST(DoctorTarget, RS4_ResourceMismatchesAreNamed) {
  auto t = target_of("https://h.example/mcp");
  EXPECT_EQ(resource_mismatch(t, "https://h.example/mcp"), "");
  EXPECT_EQ(resource_mismatch(t, "https://h.example/mcp/"), "a trailing slash more than the URL");
  EXPECT_EQ(resource_mismatch(t, "https://h.example"), "the bare origin, without the path /mcp");
  EXPECT_EQ(resource_mismatch(t, "https://h.example/"), "the bare origin, without the path /mcp");
  EXPECT_EQ(resource_mismatch(t, "https://h.example/api/mcp"), "another path (/api/mcp)");
  EXPECT_EQ(resource_mismatch(t, "https://other.example/mcp"), "another origin (https://other.example)");
  EXPECT_EQ(resource_mismatch(t, "https://H.example/mcp"), "the same URL in another letter case");
  EXPECT_EQ(resource_mismatch(t, "/mcp"), "not an absolute URL");
  auto slash = target_of("https://h.example/mcp/");
  EXPECT_EQ(resource_mismatch(slash, "https://h.example/mcp"), "a trailing slash less than the URL");
}

}  // namespace
}  // namespace gatehouse::doctor
