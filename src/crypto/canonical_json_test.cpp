#include "crypto/canonical_json.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::crypto {
namespace {

namespace json = boost::json;

TEST(CanonicalJson, MO4_SortsKeysAtEveryLevel) {
  auto value = json::parse(R"({"b":1,"a":{"d":[{"z":1,"y":2},3],"c":null},"B":true})");
  EXPECT_EQ(canonical_json(value), R"({"B":true,"a":{"c":null,"d":[{"y":2,"z":1},3]},"b":1})");
}

TEST(CanonicalJson, MO4_IsStableAcrossKeyOrders) {
  auto one = json::parse(R"({"x":{"q":"1","p":[true,false]},"w":0})");
  auto two = json::parse(R"({"w":0,"x":{"p":[true,false],"q":"1"}})");
  EXPECT_EQ(canonical_json(one), canonical_json(two));
  EXPECT_EQ(canonical_json(one), canonical_json(one));
  // Array order is meaningful and kept.
  EXPECT_NE(canonical_json(json::parse("[1,2]")), canonical_json(json::parse("[2,1]")));
}

TEST(CanonicalJson, MO4_ScalarsAndEscapes) {
  struct Case {
    json::value value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {nullptr, "null"},
      {true, "true"},
      {42, "42"},
      {"text", R"("text")"},
      {json::object{}, "{}"},
      {json::array{}, "[]"},
      {json::object{{"q\"k", "v\n"}}, R"({"q\"k":"v\n"})"},
  };
  for (const auto& c : cases) EXPECT_EQ(canonical_json(c.value), c.expected) << c.expected;
}

}  // namespace
}  // namespace gatehouse::crypto
