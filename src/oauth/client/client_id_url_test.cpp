#include "oauth/client/client_id_url.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

struct Case {
  std::string_view url;
  bool valid;
  std::string_view reason_contains = "";  // for invalid rows
};

// CI1: the client_id URL rules (metadata draft §3), one row per form.
const Case kCases[] = {
    // Claude's two real document URLs.
    {"https://claude.ai/oauth/mcp-oauth-client-metadata", true},
    {"https://claude.ai/oauth/claude-code-client-metadata", true},
    {"https://example.com/client.json", true},
    {"https://example.com/x", true},
    {"https://example.com/a/b/c", true},
    {"https://example.com/x/", true},
    {"https://example.com:443/x", true},
    {"https://EXAMPLE.com/x", true},
    {"https://sub.example.co.uk/clients/42/metadata.json", true},
    {"https://example.com/a%20b", true},
    {"https://example.com/.well-known/client", true},  // a segment that merely starts with "."
    {"https://example.com/a..b", true},
    {"https://93.184.216.34/x", true},     // IP literals are judged by the SSRF guard at fetch time
    {"https://[2606:4700::1111]/x", true},
    {"https://example.com//x", true},
    // Scheme.
    {"http://example.com/x", false, "https"},
    {"HTTPS://example.com/x", false, "https"},
    {"ftp://example.com/x", false, "https"},
    {"https:/example.com/x", false, "host"},
    {"https:example.com/x", false, "host"},
    {"example.com/x", false, "valid"},
    {"", false, "empty"},
    // Path.
    {"https://example.com", false, "path"},
    {"https://example.com/", false, "path"},
    {"https://example.com/./x", false, "segments"},
    {"https://example.com/x/.", false, "segments"},
    {"https://example.com/../x", false, "segments"},
    {"https://example.com/a/../b", false, "segments"},
    {"https://example.com/a/%2e%2e/b", false, "segments"},
    {"https://example.com/a/%2E%2E/b", false, "segments"},
    {"https://example.com/a/.%2e/b", false, "segments"},
    {"https://example.com/%2e/b", false, "segments"},
    {"https://example.com/a%2fb", false, "encoded"},
    {"https://example.com/a%5C..%5Cb", false, "encoded"},
    // Userinfo.
    {"https://user@example.com/x", false, "username"},
    {"https://user:pass@example.com/x", false, "username"},
    {"https://@example.com/x", false, "username"},
    // Port.
    {"https://example.com:8443/x", false, "not allowed unless configured"},
    {"https://example.com:80/x", false, "not allowed unless configured"},
    {"https://example.com:/x", false, "empty port"},
    {"https://example.com:99999/x", false, "range"},
    // Query and fragment.
    {"https://example.com/x?y", false, "query"},
    {"https://example.com/x?", false, "query"},
    {"https://example.com/x#f", false, "fragment"},
    {"https://example.com/x#", false, "fragment"},
    // Characters and length.
    {"https://example.com/x y", false, "whitespace"},
    {" https://example.com/x", false, "whitespace"},
    {"https://example.com/x\n", false, "whitespace"},
    {"https://example.com/x\t", false, "whitespace"},
    {std::string_view("https://example.com/x\0", 22), false, "control"},
    {"https://exa mple.com/x", false, "whitespace"},
    {"https://example.com/\xc3\xa9", false, "valid"},
    // Hosts.
    {"https://exa%6dple.com/x", false, "percent-encoded"},
    {"https://1.2.3.4.5/x", false, "unambiguously"},
    {"https://999.1.1.1/x", false, "IPv4"},
    {"https://[v1.x]/x", false, "host"},
    {"https://127.0.0.1.nip.io/x", false, "unambiguously"},  // Boost.URL 1.81 would read host 127.0.0.1
    {"https://1.2.3.4x/x", false, "unambiguously"},
    {"https://0x7f000001/x", true},  // a literal (127.0.0.1): refused by the SSRF guard, not here
};

TEST(ClientIdUrl, CI1_Table) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.url));
    auto problem = client_id_url_problem(c.url);
    if (c.valid) {
      EXPECT_FALSE(problem.has_value()) << *problem;
    } else {
      ASSERT_TRUE(problem.has_value());
      EXPECT_NE(problem->find(c.reason_contains), std::string::npos) << *problem;
    }
  }
  EXPECT_GE(std::size(kCases), 40u);
}

TEST(ClientIdUrl, CI1_LengthLimit) {
  std::string at_limit = "https://example.com/";
  at_limit.append(kMaxClientIdUrlLength - at_limit.size(), 'a');
  EXPECT_FALSE(client_id_url_problem(at_limit).has_value());
  auto problem = client_id_url_problem(at_limit + "a");
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("2048"), std::string::npos);
}

TEST(ClientIdUrl, CI1_ConfiguredPortsAreAllowed) {
  EXPECT_FALSE(client_id_url_problem("https://example.com:8443/x", {443, 8443}).has_value());
  EXPECT_FALSE(client_id_url_problem("https://example.com/x", {8443}).has_value());  // no port: 443 implied
  EXPECT_TRUE(client_id_url_problem("https://example.com:443/x", {8443}).has_value());
}

TEST(ClientIdUrl, CI1_IsClientIdUrl) {
  EXPECT_TRUE(is_client_id_url("https://claude.ai/oauth/mcp-oauth-client-metadata"));
  EXPECT_TRUE(is_client_id_url("https://example.com"));  // meant as a URL, then refused by CI1
  EXPECT_FALSE(is_client_id_url("0d6b1c0e-3b8a-4a57-9d6e-d4c6c1c1a2f0"));
  EXPECT_FALSE(is_client_id_url("http://example.com/x"));
}

}  // namespace
}  // namespace gatehouse::oauth
