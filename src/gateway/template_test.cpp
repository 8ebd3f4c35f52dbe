#include "gateway/template.hpp"

#include <gtest/gtest.h>

namespace gatehouse::gateway {
namespace {

std::string fill(const Template& t) {
  return t.expand([](const TemplateVariable& v) { return "<" + v.space + ":" + v.name + ">"; });
}

TEST(Template, LiteralTextStaysAsItIs) {
  auto t = Template::parse("plain value");
  EXPECT_TRUE(t.literal());
  EXPECT_FALSE(t.per_user());
  EXPECT_EQ(fill(t), "plain value");
}

TEST(Template, VariablesAreReplacedInPlace) {
  auto t = Template::parse("Bearer {env.BACKEND_KEY} for {user.subject}");
  ASSERT_EQ(t.variables().size(), 2u);
  EXPECT_EQ(t.variables()[0].text(), "{env.BACKEND_KEY}");
  EXPECT_TRUE(t.per_user());
  EXPECT_EQ(fill(t), "Bearer <env:BACKEND_KEY> for <user:subject>");
}

TEST(Template, EnvironmentAloneIsNotPerUser) {
  EXPECT_FALSE(Template::parse("{env.KEY}").per_user());
}

TEST(Template, DoubledBracesAreLiteralBraces) {
  EXPECT_EQ(fill(Template::parse("{{\"a\": 1}}")), "{\"a\": 1}");
}

TEST(Template, MalformedTextIsRefusedWithItsPosition) {
  for (const char* text : {"{env.KEY", "a } b", "{env}", "{.x}", "{ENV.KEY}", "{env.a b}", "{}"}) {
    try {
      Template::parse(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const TemplateError& e) {
      EXPECT_NE(std::string(e.what()).find("character"), std::string::npos) << e.what();
    }
  }
}

// A template naming an unknown variable is a configuration error at start,
// with a suggestion; new kinds of variables are new table entries.
TEST(Template, UnknownVariablesAreNamedWithASuggestion) {
  EXPECT_EQ(check({"user", "subject"}), "");
  EXPECT_EQ(check({"user", "name"}), "");
  EXPECT_EQ(check({"env", "API_KEY_2"}), "");
  EXPECT_EQ(check({"user", "nmae"}), "{user.nmae} is not a variable; did you mean {user.name}?");
  EXPECT_EQ(check({"usr", "subject"}),
            "{usr.subject} is not a variable: \"usr\" is not a kind of variable; did you mean {user.subject}?");
  EXPECT_NE(check({"env", "A-B"}).find("does not name an environment variable"), std::string::npos);
}

TEST(Template, MissingEnvironmentVariablesAreListed) {
  auto t = Template::parse("{env.SET}:{env.UNSET}");
  auto missing = missing_environment(t, [](const char* name) -> const char* {
    return std::string_view(name) == "SET" ? "x" : nullptr;
  });
  EXPECT_EQ(missing, std::vector<std::string>{"UNSET"});
}

}  // namespace
}  // namespace gatehouse::gateway
