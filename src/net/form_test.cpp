#include "net/form.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(Form, EncodesFieldsAndReadsThemBack) {
  const FormFields fields{{"grant_type", "authorization_code"}, {"redirect_uri", "https://c.example/cb?x=1&y=2"},
                          {"scope", "mcp read"}, {"empty", ""}};
  const std::string body = encode_form(fields);
  EXPECT_EQ(body.find(' '), std::string::npos) << body;
  EXPECT_EQ(body.find("cb?x"), std::string::npos) << body;  // '?', '&' and '=' of values are encoded
  auto parsed = parse_form(body);
  ASSERT_TRUE(parsed.has_value());
  for (const auto& [name, value] : fields) EXPECT_EQ(parsed->value_or(name), value) << name;
  EXPECT_EQ(encode_form({}), "");
}

// RFC 6749 §3.1: an endpoint URL may carry its own query, which is kept.
TEST(Form, WithQueryKeepsTheEndpointsOwnQuery) {
  EXPECT_EQ(with_query("https://as.example/authorize", {{"a", "1"}, {"b", "x y"}}),
            "https://as.example/authorize?a=1&b=x%20y");
  EXPECT_EQ(with_query("https://as.example/authorize?tenant=t1", {{"a", "1"}}),
            "https://as.example/authorize?tenant=t1&a=1");
  EXPECT_EQ(with_query("https://as.example/authorize", {}), "https://as.example/authorize");
}

}  // namespace
}  // namespace gatehouse::net
