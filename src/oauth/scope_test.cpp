// Scope parsing (RFC 6749 §3.3, INTEROP AZ5) and its caps (audit M2).
#include "oauth/scope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::oauth {
namespace {

using Scopes = std::vector<std::string>;

// An equality that counts its calls: the dedupe's work, without a clock.
struct CountingEqual {
  std::size_t* calls;
  bool operator()(std::string_view a, std::string_view b) const {
    ++*calls;
    return a == b;
  }
};

std::vector<std::string_view> views(const std::vector<std::string>& tokens) {
  return {tokens.begin(), tokens.end()};
}

TEST(Scope, M2_DedupeComparesLinearlyInTheNumberOfScopes) {
  // 20,000 distinct scopes, then 20,000 copies of one: a pairwise dedupe
  // makes about n²/2 = 200 million comparisons for the first; a hash set
  // compares only on equal hashes.
  constexpr std::size_t n = 20000;
  std::vector<std::string> distinct, same(n, "mcp");
  for (std::size_t i = 0; i < n; ++i) distinct.push_back("scope:" + std::to_string(i));

  std::size_t calls = 0;
  auto out = distinct_scopes(views(distinct), CountingEqual{&calls});
  EXPECT_EQ(out.size(), n);
  EXPECT_LE(calls, n) << "comparisons for " << n << " distinct scopes";

  calls = 0;
  out = distinct_scopes(views(same), CountingEqual{&calls});
  EXPECT_EQ(out, Scopes{"mcp"});
  EXPECT_LE(calls, 2 * n) << "comparisons for " << n << " copies of one scope";
}

TEST(Scope, M2_RequestedScopeIsCappedInCountAndLength) {
  std::string at_cap, over_cap;
  for (std::size_t i = 0; i < kMaxScopes; ++i) at_cap += "s" + std::to_string(i) + " ";
  over_cap = at_cap + "one-more";
  auto ok = parse_requested_scope(at_cap);
  ASSERT_TRUE(std::holds_alternative<Scopes>(ok));
  EXPECT_EQ(std::get<Scopes>(ok).size(), kMaxScopes);
  auto refused = parse_requested_scope(over_cap);
  ASSERT_TRUE(std::holds_alternative<std::string>(refused));
  EXPECT_EQ(std::get<std::string>(refused),
            "the scope lists " + std::to_string(kMaxScopes + 1) + " values; at most " + std::to_string(kMaxScopes) +
                " are accepted");

  // Duplicates count: 101 copies of one scope are refused too.
  std::string copies;
  for (std::size_t i = 0; i <= kMaxScopes; ++i) copies += "mcp ";
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_requested_scope(copies)));

  EXPECT_TRUE(std::holds_alternative<Scopes>(parse_requested_scope("mcp " + std::string(kMaxScopeLength, 'x'))));
  auto long_one = parse_requested_scope("mcp " + std::string(kMaxScopeLength + 1, 'x'));
  ASSERT_TRUE(std::holds_alternative<std::string>(long_one));
  EXPECT_NE(std::get<std::string>(long_one).find("at most " + std::to_string(kMaxScopeLength)), std::string::npos);
}

TEST(Scope, AZ5_SplitsOnWhitespaceDropsEmptiesAndDuplicatesKeepsOrder) {
  EXPECT_EQ(parse_scope("  b\ta\n\nb  c "), (Scopes{"b", "a", "c"}));
  EXPECT_EQ(parse_scope(""), Scopes{});
  auto requested = parse_requested_scope(" mcp  notes:read mcp");
  ASSERT_TRUE(std::holds_alternative<Scopes>(requested));
  EXPECT_EQ(std::get<Scopes>(requested), (Scopes{"mcp", "notes:read"}));
  EXPECT_EQ(known_scopes({"claudeai", "mcp", "x"}, {"x", "mcp"}), (Scopes{"mcp", "x"}));
  EXPECT_TRUE(contains_all({"a", "b"}, {"b"}));
  EXPECT_TRUE(contains_all({"a"}, {}));
  EXPECT_FALSE(contains_all({"a"}, {"a", "c"}));
}

}  // namespace
}  // namespace gatehouse::oauth
