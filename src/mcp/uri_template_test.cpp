#include "mcp/uri_template.hpp"

#include <gtest/gtest.h>

namespace gatehouse::mcp {
namespace {

TEST(UriTemplate, MatchesSimpleExpressions) {
  UriTemplate t("test://template/{id}/data");
  auto m = t.match("test://template/123/data");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("id"), "123");
  EXPECT_FALSE(t.match("test://template//data"));
  EXPECT_FALSE(t.match("test://template/1/2/data"));
  EXPECT_FALSE(t.match("test://template/123/datax"));
  EXPECT_FALSE(t.match("other://template/123/data"));
}

TEST(UriTemplate, DecodesPercentEncoding) {
  UriTemplate t("note://{title}");
  auto m = t.match("note://hello%20world");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("title"), "hello world");
}

TEST(UriTemplate, SeveralVariables) {
  UriTemplate t("repo://{owner}/{name}");
  auto m = t.match("repo://a/b");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("owner"), "a");
  EXPECT_EQ(m->at("name"), "b");
  EXPECT_EQ(t.variables().size(), 2u);
}

}  // namespace
}  // namespace gatehouse::mcp
