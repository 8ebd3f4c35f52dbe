// [[backend]] tables and --backend stdio:/http: (the gateway): what a valid
// table becomes, and the message each broken one gets, naming the file,
// line and key.
#include "config/backend_rules.hpp"
#include "config/load.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace gatehouse::config {
namespace {

Config load(std::string_view text) {
  Config c;
  apply_text(c, text, "gatehouse.toml");
  validate(c);
  return c;
}

std::string error_of(std::string_view text) {
  try {
    load(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(BackendTables, AValidTableIsRead) {
  ::setenv("BACKEND_RULES_TEST_KEY", "k", 1);
  auto c = load(R"([[backend]]
name = "notes"
command = ["python3", "server.py", "--db", "{user.subject}.db"]
call_timeout = 60
allow_tools = ["search"]
task_tools = ["reindex"]
[backend.env]
API_KEY = "{env.BACKEND_RULES_TEST_KEY}"
)");
  ASSERT_EQ(c.backends.size(), 1u);
  const auto& b = c.backends[0];
  EXPECT_EQ(b.name, "notes");
  EXPECT_EQ(b.command.size(), 4u);
  EXPECT_EQ(b.call_timeout.count(), 60);
  EXPECT_EQ(b.task_tools, std::vector<std::string>{"reindex"});
  EXPECT_EQ(b.env.at("API_KEY"), "{env.BACKEND_RULES_TEST_KEY}");
  EXPECT_EQ(b.where, "gatehouse.toml:1");
  // A per-user value in a template makes the default isolation "user".
  EXPECT_EQ(effective_isolation(b), "user");
  EXPECT_EQ(effective_prefix(c, b), "");  // one backend: no prefix
}

TEST(BackendTables, SeveralBackendsArePrefixedByName) {
  auto c = load(R"([[backend]]
name = "a"
command = ["a"]
[[backend]]
name = "b"
command = ["b"]
prefix = "bee"
)");
  EXPECT_EQ(effective_prefix(c, c.backends[0]), "a");
  EXPECT_EQ(effective_prefix(c, c.backends[1]), "bee");
  EXPECT_EQ(effective_isolation(c.backends[0]), "shared");
}

TEST(BackendTables, BrokenTablesAreNamedByFileLineAndKey) {
  ::unsetenv("BACKEND_RULES_TEST_UNSET");
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"[backend]\nname = \"x\"\n", "gatehouse.toml:1: backends are written [[backend]] (two brackets)"},
      {"[[backend]]\nname = \"x\"\ncomand = [\"a\"]\n",
       "gatehouse.toml:3: unknown key \"comand\" in [[backend]]; did you mean \"command\"?"},
      {"[[backend]]\nname = \"x\"\ncommand = \"python3 server.py\"\n",
       "gatehouse.toml:3: [[backend]] command must be an array of strings, got the string \"python3 server.py\""},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\nisolation = \"users\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": isolation \"users\" is not one of shared, user, session; did you mean "
       "\"user\"?"},
      {"[[backend]]\nname = \"x\"\n", "gatehouse.toml:1: [[backend]] \"x\": needs either command"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\nurl = \"http://127.0.0.1:9/mcp\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": has both command and url"},
      {"[[backend]]\ncommand = [\"a\"]\n", "gatehouse.toml:1: [[backend]] (unnamed): needs a name"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[[backend]]\nname = \"x\"\ncommand = [\"b\"]\n",
       "gatehouse.toml:4: [[backend]] \"x\": another backend has this name"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\nprefix = \"a__b\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": prefix \"a__b\" must not contain \"__\""},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nKEY = \"{user.nmae}\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": env KEY: {user.nmae} is not a variable; did you mean {user.name}?"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nKEY = \"{env.BACKEND_RULES_TEST_UNSET}\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": env KEY: {env.BACKEND_RULES_TEST_UNSET} names the environment variable "
       "BACKEND_RULES_TEST_UNSET, which is not set"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\", \"{user.subject}\"]\nisolation = \"shared\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": command item 2 depends on the user, but isolation is \"shared\""},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\ncall_timeout = 0\n",
       "gatehouse.toml:4: [[backend]] call_timeout must be an integer from 1 to"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\ntask_tools = [\"re index\"]\n",
       "gatehouse.toml:4: [[backend]] \"x\": task_tools: \"re index\" is not a tool name"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\ntask_tools = \"reindex\"\n",
       "gatehouse.toml:4: [[backend]] task_tools must be an array of strings"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\ntool_scopes = [\"search=admin\"]\n",
       "gatehouse.toml:4: [[backend]] \"x\": tool_scopes: scope \"admin\" is not listed in [oauth] scopes"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nKEY = 3\n",
       "gatehouse.toml:5: [[backend]] env.KEY must be a string, got 3"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nTOKEN = \"{upstream.access_token}\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": env TOKEN: {upstream.access_token} needs upstream sign-in"},
      {"[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nTOKEN = \"{upstream.acess_token}\"\n",
       "gatehouse.toml:4: [[backend]] \"x\": env TOKEN: {upstream.acess_token} is not a variable; did you mean "
       "{upstream.access_token}?"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"api_key\"\nkind = \"secret\"\n"
       "[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nKEY = \"{connection.api_kye}\"\n",
       "gatehouse.toml:9: [[backend]] \"x\": env KEY: {connection.api_kye} names no [[connect.field]]; did you mean "
       "{connection.api_key}?"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"api_key\"\nkind = \"secret\"\n"
       "[[backend]]\nname = \"x\"\ncommand = [\"a\"]\nisolation = \"shared\"\n[backend.env]\nKEY = \"{connection.api_key}\"\n",
       "gatehouse.toml:9: [[backend]] \"x\": env KEY depends on the user, but isolation is \"shared\""},
  };
  for (const auto& c : cases) {
    auto message = error_of(c.text);
    EXPECT_TRUE(message.starts_with(c.expected)) << "config:\n" << c.text << "\nmessage: " << message;
  }
}

TEST(BackendTables, ConnectionAndUpstreamValuesMakeAProcessPerGrant) {
  auto c = load(
      "[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"api_key\"\nkind = \"secret\"\n"
      "[[backend]]\nname = \"x\"\ncommand = [\"a\"]\n[backend.env]\nKEY = \"{connection.api_key}\"\n");
  EXPECT_EQ(effective_isolation(c.backends.at(0)), "user");
}

TEST(ConnectTables, BrokenFormsAreNamedByFileLine) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"Account URL\"\n",
       "gatehouse.toml:3: [[connect.field]] name \"Account URL\" must be a lower-case word"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"a\"\nkind = \"secrt\"\n",
       "gatehouse.toml:3: [[connect.field]] kind \"secrt\" is not url, text or secret; did you mean \"secret\"?"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"a\"\npattern = \"([a-z\"\n",
       "gatehouse.toml:3: [[connect.field]] pattern \"([a-z\" is not a usable regular expression"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"a\"\n[[connect.field]]\nname = \"a\"\n",
       "gatehouse.toml:5: [[connect.field]] name \"a\" is used by an earlier field"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"u\"\nkind = \"url\"\nhosts = [\"https://x.com\"]\n",
       "gatehouse.toml:3: [[connect.field]] hosts: \"https://x.com\" is not a host name"},
      {"[[connect.field]]\nname = \"a\"\n", "gatehouse.toml:1: [[connect.field]]: a connect form is shown during OAuth"},
      {"[server]\nauth = \"oauth\"\n[connect]\ncheck_url = \"https://{connection.instanse}/me\"\n"
       "[[connect.field]]\nname = \"instance\"\n",
       "[connect] check_url: {connection.instanse} names no [[connect.field]]; did you mean {connection.instance}?"},
      {"[server]\nauth = \"oauth\"\n[[connect.field]]\nname = \"a\"\nlabl = \"A\"\n",
       "gatehouse.toml:5: unknown key \"labl\" in [[connect.field]]; did you mean \"label\"?"},
  };
  for (const auto& c : cases) {
    auto message = error_of(c.text);
    EXPECT_TRUE(message.starts_with(c.expected)) << "config:\n" << c.text << "\nmessage: " << message;
  }
}

TEST(ConnectTables, AValidFormIsRead) {
  auto c = load(
      "[server]\nauth = \"oauth\"\n[connect]\ntitle = \"Connect Snowflake\"\n"
      "check_url = \"{connection.account_url}/api/ping\"\n[connect.check_headers]\n"
      "Authorization = \"Bearer {connection.token}\"\n"
      "[[connect.field]]\nname = \"account_url\"\nkind = \"url\"\nhosts = [\"*.snowflakecomputing.com\"]\n"
      "[[connect.field]]\nname = \"token\"\nkind = \"secret\"\nmax_length = 4096\n");
  ASSERT_EQ(c.connect_fields.size(), 2u);
  EXPECT_EQ(c.connect_title, "Connect Snowflake");
  EXPECT_EQ(c.connect_fields[0].hosts, std::vector<std::string>{"*.snowflakecomputing.com"});
  EXPECT_EQ(c.connect_fields[1].max_length, 4096u);
  EXPECT_EQ(c.connect_check_headers.at("Authorization"), "Bearer {connection.token}");
}

TEST(BackendFlag, StdioCommandsAreSplitLikeAShellWould) {
  auto b = backend_from_flag(R"(stdio:python3 "my server.py" --name 'a b' c\ d)");
  EXPECT_EQ(b.command, (std::vector<std::string>{"python3", "my server.py", "--name", "a b", "c d"}));
  EXPECT_EQ(b.name, "python3");
  EXPECT_EQ(b.where, "--backend");
  EXPECT_EQ(backend_from_flag("stdio:/opt/x/bin/server").name, "server");
  EXPECT_THROW(backend_from_flag("stdio:"), ConfigError);
  EXPECT_THROW(backend_from_flag("stdio:a 'b"), ConfigError);
  EXPECT_EQ(backend_from_flag("http://127.0.0.1:9000/mcp").url, "http://127.0.0.1:9000/mcp");
  EXPECT_EQ(backend_from_flag("http:http://127.0.0.1:9000/mcp").url, "http://127.0.0.1:9000/mcp");
  EXPECT_THROW(backend_from_flag("ftp://x"), ConfigError);
}

}  // namespace
}  // namespace gatehouse::config
