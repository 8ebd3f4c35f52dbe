// The connect form's values are checked on the server (custom_connection):
// required fields, caps, URL scheme and host, patterns.
#include "upstream/connect_form.hpp"

#include <gtest/gtest.h>

namespace gatehouse::upstream {
namespace {

ConnectForm form() {
  ConnectForm f;
  ConnectField url;
  url.name = "account_url";
  url.label = "Account URL";
  url.kind = "url";
  url.hosts = {"*.snowflakecomputing.com"};
  ConnectField user;
  user.name = "user";
  user.kind = "text";
  user.pattern = "[a-z][a-z0-9_]*";
  user.max_length = 32;
  ConnectField secret;
  secret.name = "password";
  secret.kind = "secret";
  ConnectField note;
  note.name = "note";
  note.required = false;
  f.fields = {url, user, secret, note};
  return f;
}

net::Form posted(std::map<std::string, std::string> values) {
  net::Form f;
  for (auto& [k, v] : values) f.values["field_" + k] = v;
  return f;
}

std::map<std::string, std::string> problems(const ConnectForm& f, const net::Form& p) {
  std::map<std::string, std::string> out;
  auto r = validate_connection(f, p);
  if (auto* list = std::get_if<std::vector<FieldProblem>>(&r))
    for (const auto& problem : *list) out[problem.field] = problem.message;
  return out;
}

const std::map<std::string, std::string> kGood{
    {"account_url", "https://acme.snowflakecomputing.com"}, {"user", "alice"}, {"password", " s3cret "}};

TEST(ConnectForm, GoodValuesAreAcceptedAndOptionalEmptyOnesLeftOut) {
  auto r = validate_connection(form(), posted(kGood));
  ASSERT_TRUE(std::holds_alternative<boost::json::object>(r));
  const auto& values = std::get<boost::json::object>(r);
  EXPECT_EQ(values.at("account_url"), "https://acme.snowflakecomputing.com");
  EXPECT_EQ(values.at("password"), " s3cret ") << "a secret keeps its blanks";
  EXPECT_FALSE(values.contains("note"));
}

TEST(ConnectForm, MissingRequiredFieldIsNamed) {
  auto values = kGood;
  values.erase("user");
  auto p = problems(form(), posted(values));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p["user"].find("required"), std::string::npos);
}

TEST(ConnectForm, BadUrlIsRefused) {
  for (const char* bad : {"acme.snowflakecomputing.com", "not a url", "ftp://acme.snowflakecomputing.com",
                          "javascript:alert(1)", "https://user:pw@acme.snowflakecomputing.com"}) {
    auto values = kGood;
    values["account_url"] = bad;
    EXPECT_EQ(problems(form(), posted(values)).count("account_url"), 1u) << bad;
  }
}

TEST(ConnectForm, HttpUrlOnlyWithInsecureDev) {
  auto f = form();
  f.fields[0].schemes = {"https", "http"};
  auto values = kGood;
  values["account_url"] = "http://acme.snowflakecomputing.com";
  EXPECT_EQ(problems(f, posted(values)).count("account_url"), 1u);
  f.allow_http = true;
  EXPECT_TRUE(problems(f, posted(values)).empty());
}

TEST(ConnectForm, HostOutsideTheAllowedSetIsRefused) {
  for (const char* bad : {"https://evil.example.com", "https://snowflakecomputing.com",
                          "https://acme.snowflakecomputing.com.evil.example", "https://127.0.0.1"}) {
    auto values = kGood;
    values["account_url"] = bad;
    auto p = problems(form(), posted(values));
    ASSERT_EQ(p.count("account_url"), 1u) << bad;
    EXPECT_NE(p["account_url"].find("snowflakecomputing.com"), std::string::npos);
  }
  auto values = kGood;
  values["account_url"] = "https://ACME.SnowflakeComputing.com/path";
  EXPECT_TRUE(problems(form(), posted(values)).empty()) << "hosts compare ignoring case";
}

TEST(ConnectForm, OversizeValueIsRefused) {
  auto values = kGood;
  values["user"] = std::string(33, 'a');
  EXPECT_NE(problems(form(), posted(values))["user"].find("too long"), std::string::npos);
  values = kGood;
  values["password"] = std::string(2049, 'x');
  EXPECT_NE(problems(form(), posted(values))["password"].find("too long"), std::string::npos);
}

TEST(ConnectForm, PatternMustMatchTheWholeValue) {
  auto values = kGood;
  values["user"] = "alice; drop";
  EXPECT_EQ(problems(form(), posted(values)).count("user"), 1u);
  values["user"] = "9lives";
  EXPECT_EQ(problems(form(), posted(values)).count("user"), 1u);
}

TEST(ConnectForm, LongValuesAgainstAPatternDoNotExhaustTheStack) {
  auto f = form();
  f.fields[1].max_length = 65536;
  auto values = kGood;
  values["user"] = "a" + std::string(65535, 'b');
  EXPECT_TRUE(problems(f, posted(values)).empty()) << "matched in one linear pass";
  values["user"] = std::string(65535, 'b') + "!";
  EXPECT_EQ(problems(f, posted(values)).count("user"), 1u);
}

TEST(ConnectForm, ControlCharactersAreRefused) {
  auto values = kGood;
  values["password"] = "line\nbreak";
  EXPECT_NE(problems(form(), posted(values))["password"].find("control"), std::string::npos);
}

TEST(ConnectForm, HostPatterns) {
  EXPECT_TRUE(host_allowed("a.example.com", {"*.example.com"}));
  EXPECT_FALSE(host_allowed("example.com", {"*.example.com"}));
  EXPECT_FALSE(host_allowed("aexample.com", {"*.example.com"}));
  EXPECT_TRUE(host_allowed("Example.COM", {"example.com"}));
  EXPECT_FALSE(host_allowed("example.com.evil", {"example.com"}));
}

}  // namespace
}  // namespace gatehouse::upstream
