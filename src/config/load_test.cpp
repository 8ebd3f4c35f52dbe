#include "config/load.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace gatehouse::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A fresh directory under the test temp dir, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = fs::path(testing::TempDir()) /
            ("gatehouse_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const fs::path& path() const { return path_; }

  fs::path write(const std::string& name, const std::string& text) const {
    auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

fs::path example_file() {
  if (const char* root = std::getenv("TESTS_SOURCE_DIR"); root && *root)
    return fs::path(root) / "docs" / "gatehouse.example.toml";
  return (fs::path(__FILE__).parent_path() / ".." / ".." / "docs" / "gatehouse.example.toml").lexically_normal();
}

// Every field, one per line: compare two configs with a readable diff.
std::string dump(const Config& c) {
  std::ostringstream out;
  auto list = [](const std::vector<std::string>& items) {
    std::string s = "[";
    for (const auto& item : items) s += item + ";";
    return s + "]";
  };
  out << "listen=" << c.listen << "\npublic_url=" << c.public_url << "\ndata_dir=" << c.data_dir.string()
      << "\nbackend=" << c.backend << "\nauth=" << c.auth << "\nthreads=" << c.threads
      << "\nbody_limit=" << c.body_limit << "\nread_timeout=" << c.read_timeout.count()
      << "\nshutdown_grace=" << c.shutdown_grace.count() << "\nstdio=" << c.stdio
      << "\nmax_connections=" << c.max_connections << "\nmax_connections_per_address=" << c.max_connections_per_address
      << "\nmetrics=" << c.metrics << "\nstateless=" << c.stateless
      << "\npage_size=" << c.page_size << "\nmax_sessions=" << c.max_sessions
      << "\nmax_sessions_per_user=" << c.max_sessions_per_user
      << "\nresumption_buffer_per_session=" << c.resumption_buffer_per_session
      << "\nresumption_buffer_total=" << c.resumption_buffer_total
      << "\nsession_idle_timeout=" << c.session_idle_timeout.count() << "\nsse_retry=" << c.sse_retry.count()
      << "\nsse_keepalive=" << c.sse_keepalive.count()
      << "\nclient_request_timeout=" << c.client_request_timeout.count()
      << "\nallowed_origins=" << list(c.allowed_origins) << "\nallowed_hosts=" << list(c.allowed_hosts)
      << "\ntask_ttl=" << c.task_ttl.count() << "\ntask_poll_interval=" << c.task_poll_interval.count()
      << "\nmax_running_tasks_per_user=" << c.max_running_tasks_per_user
      << "\nmax_kept_tasks_per_user=" << c.max_kept_tasks_per_user
      << "\nlog_level=" << c.log_level << "\n";
  return out.str();
}

// A valid config where every field differs from its default.
Config all_changed() {
  Config c;
  c.listen = "0.0.0.0:9000";
  c.public_url = "https://mcp.example.com";
  c.data_dir = "/srv/gatehouse";
  c.backend = "builtin:everything";
  c.auth = "none";  // the only valid value; cannot differ
  c.threads = 8;
  c.body_limit = 1024;
  c.read_timeout = 5s;
  c.shutdown_grace = 3s;
  c.stdio = true;
  c.max_connections = 100;
  c.max_connections_per_address = 10;
  c.metrics = "off";
  c.stateless = true;
  c.page_size = 7;
  c.max_sessions = 5;
  c.max_sessions_per_user = 3;
  c.resumption_buffer_per_session = 7;
  c.resumption_buffer_total = 9;
  c.session_idle_timeout = 60s;
  c.sse_retry = 250ms;
  c.sse_keepalive = 2s;
  c.client_request_timeout = 9s;
  c.allowed_origins = {"https://app.example.com"};
  c.allowed_hosts = {"mcp.internal"};
  c.task_ttl = 120s;
  c.task_poll_interval = 500ms;
  c.max_running_tasks_per_user = 2;
  c.max_kept_tasks_per_user = 20;
  c.log_level = "debug";
  return c;
}

// The message of the ConfigError `f` throws, or a marker when it throws none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}

// ------------------------------------------------------------------ files

TEST(ApplyFile, ReadsEveryKey) {
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml", R"(
# comment
[server]
listen = "[::1]:9443"
public_url = "https://mcp.example.com/prefix"
data_dir = "state"
backend = "builtin:everything"
auth = "none"
threads = 4
body_limit = 65536
read_timeout = 12
shutdown_grace = 3
stdio = true

[mcp]
stateless = true
page_size = 50
max_sessions = 20
session_idle_timeout = 600
sse_retry = 2500
sse_keepalive = 20
client_request_timeout = 60
allowed_origins = ["https://app.example.com", "http://localhost:5173"]
allowed_hosts = ["mcp.internal"]

[tasks]
ttl = 7200
poll_interval = 250
max_running_per_user = 4
max_kept_per_user = 40

[log]
log_level = "warn"
)");
  Config c;
  apply_file(c, file);
  EXPECT_EQ(c.listen, "[::1]:9443");
  EXPECT_EQ(c.public_url, "https://mcp.example.com/prefix");
  EXPECT_EQ(c.data_dir, (fs::absolute(dir.path()) / "state").lexically_normal());
  EXPECT_EQ(c.backend, "builtin:everything");
  EXPECT_EQ(c.auth, "none");
  EXPECT_EQ(c.threads, 4u);
  EXPECT_EQ(c.body_limit, 65536u);
  EXPECT_EQ(c.read_timeout, 12s);
  EXPECT_EQ(c.shutdown_grace, 3s);
  EXPECT_TRUE(c.stdio);
  EXPECT_TRUE(c.stateless);
  EXPECT_EQ(c.page_size, 50u);
  EXPECT_EQ(c.max_sessions, 20u);
  EXPECT_EQ(c.session_idle_timeout, 600s);
  EXPECT_EQ(c.sse_retry, 2500ms);
  EXPECT_EQ(c.sse_keepalive, 20s);
  EXPECT_EQ(c.client_request_timeout, 60s);
  EXPECT_EQ(c.task_ttl, 7200s);
  EXPECT_EQ(c.task_poll_interval, 250ms);
  EXPECT_EQ(c.max_running_tasks_per_user, 4u);
  EXPECT_EQ(c.max_kept_tasks_per_user, 40u);
  EXPECT_EQ(c.allowed_origins, (std::vector<std::string>{"https://app.example.com", "http://localhost:5173"}));
  EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"mcp.internal"}));
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_NO_THROW(validate(c));
}

TEST(ApplyFile, KeysNotInTheFileKeepTheirValue) {
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml", "[mcp]\npage_size = 3\n");
  Config c = all_changed();
  Config expected = all_changed();
  expected.page_size = 3;
  apply_file(c, file);
  EXPECT_EQ(dump(c), dump(expected));
}

TEST(ApplyFile, EmptyFileChangesNothing) {
  ScratchDir dir;
  Config c;
  apply_file(c, dir.write("gatehouse.toml", ""));
  EXPECT_EQ(dump(c), dump(Config{}));
}

TEST(ApplyFile, DataDirIsRelativeToTheFile) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "etc");
  const fs::path base = fs::absolute(dir.path());
  struct Case {
    std::string value;
    fs::path expected;
  };
  const Case cases[] = {
      {"var", base / "etc" / "var"},
      {"./var", base / "etc" / "var"},
      {"../var", base / "var"},
      {"/srv/gatehouse", "/srv/gatehouse"},
  };
  for (const auto& [value, expected] : cases) {
    SCOPED_TRACE(value);
    auto file = dir.write("etc/gatehouse.toml", "[server]\ndata_dir = \"" + value + "\"\n");
    Config c;
    apply_file(c, file);
    EXPECT_EQ(c.data_dir, expected);
  }
}

// H5: the connection limits, from the file and from the environment.
TEST(ApplyFile, H5_ConnectionLimits) {
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml", "[server]\nmax_connections = 500\nmax_connections_per_address = 0\n");
  Config c;
  apply_file(c, file);
  EXPECT_EQ(c.max_connections, 500u);
  EXPECT_EQ(c.max_connections_per_address, 0u);
  apply_environment(c, {"GATEHOUSE_SERVER_MAX_CONNECTIONS_PER_ADDRESS=32"});
  EXPECT_EQ(c.max_connections_per_address, 32u);
  auto bad = dir.write("bad.toml", "[server]\nmax_connections = -1\n");
  Config d;
  auto message = error_of([&] { apply_file(d, bad); });
  EXPECT_NE(message.find("max_connections"), std::string::npos) << message;
  EXPECT_NE(message.find(":2:"), std::string::npos) << message;
}

// apply_text is apply_file without the read: same values, same data_dir
// anchoring, same file:line errors naming the given path.
TEST(ApplyText, SameAsApplyFile) {
  ScratchDir dir;
  const std::string text = "[server]\ndata_dir = \"var\"\nthreads = 3\n[mcp]\nstateless = true\n";
  auto file = dir.write("gatehouse.toml", text);
  Config from_file;
  apply_file(from_file, file);
  Config from_text;
  apply_text(from_text, text, file);
  EXPECT_EQ(dump(from_text), dump(from_file));

  const std::string bad = "[server]\n\nlisen = \"127.0.0.1:80\"\n";
  auto bad_file = dir.write("bad.toml", bad);
  std::string file_error, text_error;
  try {
    Config c;
    apply_file(c, bad_file);
  } catch (const ConfigError& e) {
    file_error = e.what();
  }
  try {
    Config c;
    apply_text(c, bad, bad_file);
  } catch (const ConfigError& e) {
    text_error = e.what();
  }
  EXPECT_EQ(text_error, bad_file.string() + ":3: unknown key \"lisen\" in [server]; did you mean \"listen\"?");
  EXPECT_EQ(text_error, file_error);
}

// Characters beyond ASCII stay allowed where TOML allows them: comments and
// every kind of string.
TEST(ApplyText, NonAsciiInStringsAndCommentsIsAccepted) {
  for (std::string value : {"\"/srv/caf\xc3\xa9\"", "'/srv/caf\xc3\xa9'", "\"\"\"/srv/caf\xc3\xa9\"\"\"",
                            "'''/srv/caf\xc3\xa9'''"}) {
    SCOPED_TRACE(value);
    Config c;
    EXPECT_NO_THROW(apply_text(c, "# caf\xc3\xa9 \xc2\xa1\n[server] # \xd0\xa5\ndata_dir = " + value + "\n", "gatehouse.toml"));
    EXPECT_EQ(c.data_dir, "/srv/caf\xc3\xa9");
  }
}

TEST(ApplyFile, ExampleFileLoadsAndListsEveryKeyAtItsDefault) {
  const fs::path example = example_file();
  ASSERT_TRUE(fs::exists(example)) << example;
  // Starting from values that all differ from the defaults, the example
  // must bring every one back: so it sets every key, to its default.
  Config c = all_changed();
  ASSERT_NO_THROW(apply_file(c, example));
  Config expected;
  expected.data_dir = (fs::absolute(example).parent_path() / "var").lexically_normal();
  EXPECT_EQ(dump(c), dump(expected));
  EXPECT_NO_THROW(validate(c));
}

struct FileErrorCase {
  const char* name;
  std::string toml;
  std::string expected;  // "{file}" stands for the file's path
  bool prefix = false;   // only the start must match (toml++ words syntax errors)
};

std::string expand(std::string text, const std::string& file) {
  for (auto at = text.find("{file}"); at != std::string::npos; at = text.find("{file}", at + file.size()))
    text.replace(at, 6, file);
  return text;
}

// Loads the case's file and compares the error; returns the message.
std::string expect_file_error(const FileErrorCase& c) {
  SCOPED_TRACE(c.name);
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml", c.toml);
  Config config;
  std::string message = error_of([&] { apply_file(config, file); });
  std::string expected = expand(c.expected, file.string());
  if (c.prefix) {
    EXPECT_TRUE(message.starts_with(expected)) << message << "\nexpected to start with\n" << expected;
    EXPECT_GT(message.size(), expected.size()) << "the syntax error says nothing: " << message;
  } else {
    EXPECT_EQ(message, expected);
  }
  return message;
}

TEST(ApplyFile, Errors) {
  const FileErrorCase cases[] = {
      // syntax
      {"syntax: missing value", "[server]\nlisten =\n",
       "{file}:2:9: the key listen has no value after '='; write a value (e.g. listen = \"...\") or remove the line "
       "(TOML syntax error in the key-value pair: expected value, saw '\\n')"},
      {"syntax: unterminated string", "\n\n[server]\nlisten = \"127.0.0.1:80\n",
       "{file}:4:23: the string is not closed: a quoted value ends with \" on the same line", true},
      {"syntax: duplicate key", "[server]\nthreads = 1\nthreads = 2\n",
       "{file}:3:11: the key threads is set twice in this section; keep one of the two lines", true},
      {"syntax: bad header", "[server\n", "{file}:1:8: the section header is not closed: write it as [name]", true},
      {"syntax: capitalised boolean", "[mcp]\nstateless = True\n",
       "{file}:2:13: booleans are written true or false, in lower case", true},
      // toml++ 3.3 reached undefined behaviour on these (fuzz/regressions/config_toml/)
      {"syntax: non-ASCII outside a string", "[server]\nlisten = 1979-05-27T07:32:0\xd0\xa5\n",
       "{file}:2:28: a character beyond ASCII outside a string or comment (TOML syntax error; quote the value)"},
      {"syntax: non-ASCII after a multi-line string", "[server]\nlisten = \"\"\"\xc3\xa9\n\"\"\" \xc2\xa1\n",
       "{file}:3:5: a character beyond ASCII outside a string or comment (TOML syntax error; quote the value)"},
      // A quote in the middle of a value opens no string: toml++ scans the bad value to its end.
      {"syntax: non-ASCII after a quote inside a bad value", "[server]\nlisten = 0xog\"\xd0\x80\"\n",
       "{file}:2:15: a character beyond ASCII outside a string or comment (TOML syntax error; quote the value)"},
      // toml++ reads `0["s...` as one bad value and classifies every character of it.
      {"syntax: non-ASCII in a quote glued to a bad value", "[a]\ntoo=0[\"s\xc6\x86r\"\n", "{file}:2:", true},
      {"syntax: non-ASCII after a line-ending backslash", "[server]\nlisten = \"\"\"a\\\n  \xd0\x80\"\"\"\n",
       "{file}:3:3: a character beyond ASCII right after a line-ending backslash (TOML syntax error; write it as a "
       "\\u escape)"},
      // toml++ asserted on this in debug builds (fuzz/regressions/config_toml/)
      {"syntax: header starting with a non-key character", "[)\n", "{file}:1:2: ", true},
      // unknown names
      {"unknown key, suggestion", "[server]\n\n\n\n\n\nlisen = \"127.0.0.1:80\"\n",
       "{file}:7: unknown key \"lisen\" in [server]; did you mean \"listen\"?"},
      {"unknown key, dash for underscore", "[server]\nbody-limit = 10\n",
       "{file}:2: unknown key \"body-limit\" in [server]; did you mean \"body_limit\"?"},
      {"unknown key, transposed letters", "[mcp]\npage_szie = 10\n",
       "{file}:2: unknown key \"page_szie\" in [mcp]; did you mean \"page_size\"?"},
      {"unknown key, missing letter", "[mcp]\nallowed_origin = []\n",
       "{file}:2: unknown key \"allowed_origin\" in [mcp]; did you mean \"allowed_origins\"?"},
      {"unknown key, case", "[log]\nLog_Level = \"info\"\n",
       "{file}:2: unknown key \"Log_Level\" in [log]; did you mean \"log_level\"?"},
      {"key in the wrong section", "[server]\nstateless = true\n",
       "{file}:2: unknown key \"stateless\" in [server]; it belongs in [mcp]"},
      {"typo of a key in another section", "[server]\nstatless = true\n",
       "{file}:2: unknown key \"statless\" in [server]; did you mean \"stateless\" (in [mcp])?"},
      {"unknown key, nothing close", "[log]\nformat = \"json\"\n",
       "{file}:2: unknown key \"format\" in [log]; the keys in [log] are log_level"},
      {"unknown section, suggestion", "[mcp]\npage_size = 10\n[sever]\nlisten = \"x\"\n",
       "{file}:3: unknown section [sever]; did you mean [server]?"},
      {"unknown section, nothing close", "[database]\nurl = \"x\"\n",
       "{file}:1: unknown section [database]; the sections are [server], [mcp], [tasks], [oauth], [upstream], [login], [login.provider], [connect], [log] and [[backend]]"},
      {"known key outside a section", "listen = \"127.0.0.1:80\"\n",
       "{file}:1: key \"listen\" is outside any section: put it under [server]"},
      {"unknown key outside a section", "\nfoo = 1\n",
       "{file}:2: key \"foo\" is outside any section; the sections are [server], [mcp], [tasks], [oauth], [upstream], [login], [login.provider], [connect], [log] and [[backend]]"},
      {"section that is a value", "server = 1\n",
       "{file}:1: [server] must be a section (a line [server] followed by its keys), not 1"},
      {"nested table", "[server.tls]\ncert = \"x\"\n",
       "{file}:1: unknown key \"tls\" in [server]; the keys in [server] are listen, public_url, data_dir, backend, "
       "auth, threads, body_limit, read_timeout, shutdown_grace, stdio, trusted_proxies, max_connections, max_connections_per_address and metrics"},
      // types and ranges
      {"integer as string", "[server]\n\n\n\n\n\n\n\nbody_limit = \"4MB\"\n",
       "{file}:9: [server] body_limit must be a positive integer (bytes), got the string \"4MB\""},
      {"zero where positive", "[server]\nbody_limit = 0\n",
       "{file}:2: [server] body_limit must be a positive integer (bytes), got 0"},
      {"negative", "[mcp]\nmax_sessions = -1\n", "{file}:2: [mcp] max_sessions must be a positive integer, got -1"},
      {"float duration", "[server]\nread_timeout = 1.5\n",
       "{file}:2: [server] read_timeout must be a positive integer (seconds, at most a year), got 1.5"},
      {"duration too long", "[mcp]\nsse_keepalive = 99999999999\n",
       "{file}:2: [mcp] sse_keepalive must be a positive integer (seconds, at most a year), got 99999999999"},
      {"milliseconds", "[mcp]\nsse_retry = 0\n",
       "{file}:2: [mcp] sse_retry must be a positive integer (milliseconds, at most a year), got 0"},
      {"threads too many", "[server]\nthreads = 257\n",
       "{file}:2: [server] threads must be an integer from 0 to 256 (0: one per core), got 257"},
      {"page_size too large", "[mcp]\npage_size = 1001\n",
       "{file}:2: [mcp] page_size must be an integer from 1 to 1000, got 1001"},
      {"boolean as string", "[mcp]\nstateless = \"yes\"\n",
       "{file}:2: [mcp] stateless must be true or false, got the string \"yes\"; write true, without quotes"},
      {"number as string", "[server]\nread_timeout = \"30\"\n",
       "{file}:2: [server] read_timeout must be a positive integer (seconds, at most a year), got the string \"30\"; "
       "write 30, without quotes"},
      {"string as integer", "[server]\nlisten = 8080\n",
       "{file}:2: [server] listen must be a string HOST:PORT, e.g. \"127.0.0.1:8080\", got 8080"},
      {"list as string", "[mcp]\nallowed_hosts = \"a.example\"\n",
       "{file}:2: [mcp] allowed_hosts must be an array of strings, e.g. [\"mcp.example.com\"], got the string "
       "\"a.example\""},
      {"list item not a string", "[mcp]\nallowed_origins = [\n  \"https://a.example\",\n  5,\n]\n",
       "{file}:4: [mcp] allowed_origins must be an array of strings, e.g. [\"https://app.example.com\"], but item 2 "
       "is 5"},
      {"date", "[server]\nlisten = 1979-05-27\n",
       "{file}:2: [server] listen must be a string HOST:PORT, e.g. \"127.0.0.1:8080\", got a date/time"},
      // values checked while loading
      {"listen without port", "[server]\nlisten = \"localhost\"\n",
       "{file}:2: [server] listen \"localhost\" is not HOST:PORT: the port is missing (write HOST:PORT) (e.g. "
       "127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)"},
      {"log level", "[log]\nlog_level = \"warning\"\n",
       "{file}:2: [log] log_level \"warning\" is not a log level; did you mean \"warn\"? The levels are trace, "
       "debug, info, warn and error"},
      {"empty data_dir", "[server]\ndata_dir = \"\"\n",
       "{file}:2: [server] data_dir must not be empty: it is the directory Gatehouse keeps its state in (default "
       "./var)"},
      {"origin with no scheme", "[mcp]\nallowed_origins = [\"app.example.com\"]\n",
       "{file}:2: [mcp] allowed_origins entry \"app.example.com\" is not an origin: write SCHEME://HOST[:PORT] "
       "without a path, e.g. https://app.example.com"},
  };
  for (const auto& c : cases) expect_file_error(c);
}

TEST(ApplyFile, PolicyChecksWaitForValidate) {
  // backend, auth and public_url may still be overridden by the environment
  // or a flag; validate() judges the final value.
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml",
                        "[server]\nbackend = \"stdio:npx server\"\nauth = \"oauth\"\npublic_url = \"http://x.example\"\n");
  Config c;
  ASSERT_NO_THROW(apply_file(c, file));
  EXPECT_NE(error_of([&] { validate(c); }), "<no error>");
}

TEST(OperatorExperience, SyntaxErrorsSayWhatIsWrongInPlainWords) {
  const FileErrorCase cases[] = {
      {"unquoted string", "[server]\nauth = oauth\n",
       "{file}:2:8: the value oauth is not quoted: strings go in double quotes, e.g. auth = \"oauth\" (TOML syntax "
       "error in the value: could not determine value type)"},
      {"unquoted URL", "[server]\npublic_url = https://mcp.example.com\n",
       "{file}:2:14: the value https://mcp.example.com is not quoted: strings go in double quotes, e.g. public_url = "
       "\"https://mcp.example.com\"",
       true},
      {"yes for true", "[mcp]\nstateless = yes\n",
       "{file}:2:13: the value yes is not a TOML value: booleans are written true or false (lower case)", true},
      {"colon for equals", "[server]\nlisten: \"127.0.0.1:80\"\n",
       "{file}:2:7: keys and values are separated by '=', not ':' (listen = ...)", true},
      {"space in a key", "[server]\ndata dir = \"x\"\n",
       "{file}:2:6: a key must be one word before '=' (letters, digits, '_' and '-'); keys use underscores, e.g. "
       "data_dir",
       true},
      {"unit after a number", "[server]\nbody_limit = 4MB\n",
       "{file}:2:15: numbers are plain digits without units: sizes are in bytes, durations in seconds", true},
      {"section twice", "[server]\nthreads = 1\n[server]\n",
       "{file}:3:1: this section appears twice in the file; put all its keys under one [server] line", true},
      {"list not closed", "[mcp]\nallowed_hosts = [\"a.example\"\n", "{file}:2:", true},
      {"list without commas", "[mcp]\nallowed_hosts = [\"a.example\" \"b.example\"]\n",
       "{file}:2:30: list items are separated by commas", true},
      {"trailing text", "[server]\nauth = \"none\" x\n",
       "{file}:2:15: there is more on this line after the value; only a comment (# ...) may follow it", true},
      {"backslash in a path", "[server]\ndata_dir = \"C:\\state\"\n",
       "{file}:2:16: a backslash in a double-quoted string starts an escape", true},
      {"not UTF-8", "\xff\xfe", "{file}:1:1: the file is not UTF-8 text", true},
  };
  for (const auto& c : cases) {
    auto message = expect_file_error(c);
    EXPECT_NE(message.find("(TOML syntax error"), std::string::npos) << "the parser's own words are kept: " << message;
  }
}

TEST(OperatorExperience, ValueErrorsNameTheFileAndLineOrTheVariableOrTheFlag) {
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml",
                        "[server]\nlisten = \"127.0.0.1:8080\"\n\nauth = \"oauth2\"\nbackend = \"demo\"\n"
                        "public_url = \"http://mcp.example.com\"\n");
  const std::string auth_error =
      "[server] auth \"oauth2\" is not an authentication mode; did you mean \"oauth\"? Use \"none\", \"oauth\" (what "
      "Claude supports) or \"api-key\"";
  // Each value the file got wrong, in the order validate() checks them.
  auto loaded = [&] {
    Config c;
    apply_file(c, file);
    return c;
  };
  {
    Config c = loaded();
    EXPECT_TRUE(error_of([&] { validate(c); })
                    .starts_with(file.string() + ":6: [server] public_url \"http://mcp.example.com\" must use https"));
    c.public_url = "https://mcp.example.com";
    EXPECT_EQ(error_of([&] { validate(c); }),
              file.string() + ":5: [server] backend \"demo\" is not a backend; did you mean builtin:demo?");
    c.backend = "builtin:demo";
    EXPECT_EQ(error_of([&] { validate(c); }), file.string() + ":4: " + auth_error);
  }
  {  // the environment overrides the file, and the error names the variable
    Config c = loaded();
    c.public_url = "https://mcp.example.com";
    c.backend = "builtin:demo";
    apply_environment(c, {"GATEHOUSE_SERVER_AUTH=nnoe"});
    EXPECT_EQ(error_of([&] { validate(c); }),
              "environment variable GATEHOUSE_SERVER_AUTH: [server] auth \"nnoe\" is not an authentication mode; did "
              "you mean \"none\"? Use \"none\", \"oauth\" (what Claude supports) or \"api-key\"");
  }
  {  // a flag overrides both, and the error names the flag
    Config c = loaded();
    c.public_url = "https://mcp.example.com";
    c.backend = "builtin:demo";
    c.auth = "oauht";
    note_flag(c, "auth", "--auth");
    EXPECT_EQ(error_of([&] { validate(c); }),
              "--auth \"oauht\" is not an authentication mode; did you mean \"oauth\"? Use \"none\", \"oauth\" (what "
              "Claude supports) or \"api-key\"");
  }
}

TEST(OperatorExperience, L10_StdioRefusesAnAuthMode) {
  const std::string why =
      ": over stdio the MCP client starts Gatehouse itself and talks to it through a private pipe, so nobody else can "
      "connect and there is no bearer token to check (OAuth sign-in and API keys exist for HTTP). For stdio leave "
      "auth at \"none\" (drop --auth, or pass --auth none); to require ";
  {
    Config c;
    c.stdio = true;
    c.auth = "oauth";
    note_flag(c, "stdio", "--stdio");
    note_flag(c, "auth", "--auth");
    EXPECT_EQ(error_of([&] { validate(c); }),
              "--stdio cannot be used with --auth oauth" + why +
                  "OAuth sign-in, serve Streamable HTTP instead (without --stdio)");
  }
  {
    ScratchDir dir;
    auto file = dir.write("gatehouse.toml", "[server]\nauth = \"api-key\"\n");
    Config c;
    apply_file(c, file);
    c.stdio = true;
    note_flag(c, "stdio", "--stdio");
    EXPECT_EQ(error_of([&] { validate(c); }), "--stdio cannot be used with [server] auth = \"api-key\" (" +
                                                  file.string() + ":2)" + why +
                                                  "API keys, serve Streamable HTTP instead (without --stdio)");
    apply_environment(c, {"GATEHOUSE_SERVER_AUTH=none"});
    EXPECT_EQ(error_of([&] { validate(c); }), "<no error>");
  }
  {
    Config c;
    apply_environment(c, {"GATEHOUSE_SERVER_STDIO=true", "GATEHOUSE_SERVER_AUTH=oauth"});
    EXPECT_TRUE(error_of([&] { validate(c); })
                    .starts_with("GATEHOUSE_SERVER_STDIO=true cannot be used with GATEHOUSE_SERVER_AUTH=oauth: "));
  }
}

TEST(ApplyFile, MissingFileOrDirectory) {
  ScratchDir dir;
  Config c;
  auto missing = dir.path() / "nope.toml";
  EXPECT_EQ(error_of([&] { apply_file(c, missing); }), "config file " + missing.string() + " does not exist");
  EXPECT_EQ(error_of([&] { apply_file(c, dir.path()); }),
            "config file " + dir.path().string() + " is a directory; give the path of a .toml file");
}

// ------------------------------------------------------------------ environment

TEST(ApplyEnvironment, SetsEachKind) {
  struct Case {
    std::string entry;
    std::function<void(const Config&)> check;
  };
  const Case cases[] = {
      {"GATEHOUSE_SERVER_LISTEN=0.0.0.0:9000", [](const Config& c) { EXPECT_EQ(c.listen, "0.0.0.0:9000"); }},
      {"GATEHOUSE_SERVER_LISTEN=  [::]:80 ", [](const Config& c) { EXPECT_EQ(c.listen, "[::]:80"); }},
      {"GATEHOUSE_SERVER_PUBLIC_URL=https://mcp.example.com",
       [](const Config& c) { EXPECT_EQ(c.public_url, "https://mcp.example.com"); }},
      {"GATEHOUSE_SERVER_DATA_DIR=rel/dir", [](const Config& c) { EXPECT_EQ(c.data_dir, fs::path("rel/dir")); }},
      {"GATEHOUSE_SERVER_BACKEND=builtin:everything",
       [](const Config& c) { EXPECT_EQ(c.backend, "builtin:everything"); }},
      {"GATEHOUSE_SERVER_AUTH=none", [](const Config& c) { EXPECT_EQ(c.auth, "none"); }},
      {"GATEHOUSE_SERVER_THREADS=0", [](const Config& c) { EXPECT_EQ(c.threads, 0u); }},
      {"GATEHOUSE_SERVER_THREADS=256", [](const Config& c) { EXPECT_EQ(c.threads, 256u); }},
      {"GATEHOUSE_SERVER_BODY_LIMIT=1", [](const Config& c) { EXPECT_EQ(c.body_limit, 1u); }},
      {"GATEHOUSE_SERVER_READ_TIMEOUT=7", [](const Config& c) { EXPECT_EQ(c.read_timeout, 7s); }},
      {"GATEHOUSE_SERVER_SHUTDOWN_GRACE=31536000", [](const Config& c) { EXPECT_EQ(c.shutdown_grace, 31536000s); }},
      {"GATEHOUSE_SERVER_STDIO=yes", [](const Config& c) { EXPECT_TRUE(c.stdio); }},
      {"GATEHOUSE_MCP_STATELESS=true", [](const Config& c) { EXPECT_TRUE(c.stateless); }},
      {"GATEHOUSE_MCP_STATELESS=1", [](const Config& c) { EXPECT_TRUE(c.stateless); }},
      {"GATEHOUSE_MCP_STATELESS=TRUE", [](const Config& c) { EXPECT_TRUE(c.stateless); }},
      {"GATEHOUSE_MCP_PAGE_SIZE=1000", [](const Config& c) { EXPECT_EQ(c.page_size, 1000u); }},
      {"GATEHOUSE_MCP_MAX_SESSIONS=3", [](const Config& c) { EXPECT_EQ(c.max_sessions, 3u); }},
      {"GATEHOUSE_MCP_SESSION_IDLE_TIMEOUT=90", [](const Config& c) { EXPECT_EQ(c.session_idle_timeout, 90s); }},
      {"GATEHOUSE_MCP_SSE_RETRY=1500", [](const Config& c) { EXPECT_EQ(c.sse_retry, 1500ms); }},
      {"GATEHOUSE_MCP_SSE_KEEPALIVE=5", [](const Config& c) { EXPECT_EQ(c.sse_keepalive, 5s); }},
      {"GATEHOUSE_MCP_CLIENT_REQUEST_TIMEOUT=45", [](const Config& c) { EXPECT_EQ(c.client_request_timeout, 45s); }},
      {"GATEHOUSE_MCP_ALLOWED_ORIGINS=https://a.example,http://localhost:3000",
       [](const Config& c) {
         EXPECT_EQ(c.allowed_origins, (std::vector<std::string>{"https://a.example", "http://localhost:3000"}));
       }},
      {"GATEHOUSE_MCP_ALLOWED_HOSTS=a.example", [](const Config& c) {
         EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"a.example"}));
       }},
      {"GATEHOUSE_LOG_LEVEL=trace", [](const Config& c) { EXPECT_EQ(c.log_level, "trace"); }},
  };
  for (const auto& [entry, check] : cases) {
    SCOPED_TRACE(entry);
    Config c;
    ASSERT_NO_THROW(apply_environment(c, {entry}));
    check(c);
  }
}

TEST(ApplyEnvironment, Booleans) {
  struct Case {
    std::string value;
    bool expected;
  };
  const Case cases[] = {{"true", true}, {"1", true},  {"yes", true},   {"Yes", true},
                        {"false", false}, {"0", false}, {"no", false}, {" NO ", false}};
  for (const auto& [value, expected] : cases) {
    SCOPED_TRACE(value);
    Config c;
    c.stateless = !expected;
    apply_environment(c, {"GATEHOUSE_MCP_STATELESS=" + value});
    EXPECT_EQ(c.stateless, expected);
  }
}

TEST(ApplyEnvironment, Lists) {
  struct Case {
    std::string value;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"a.example", {"a.example"}},
      {"a.example,b.example", {"a.example", "b.example"}},
      {" a.example , b.example ", {"a.example", "b.example"}},
      {"a.example,,b.example,", {"a.example", "b.example"}},
      {"", {}},  // clears a list the file set
      {" , ", {}},
  };
  for (const auto& [value, expected] : cases) {
    SCOPED_TRACE(value);
    Config c;
    c.allowed_hosts = {"from.file"};
    apply_environment(c, {"GATEHOUSE_MCP_ALLOWED_HOSTS=" + value});
    EXPECT_EQ(c.allowed_hosts, expected);
  }
}

TEST(ApplyEnvironment, IgnoresOtherVariables) {
  Config c;
  apply_environment(c, {"PATH=/usr/bin", "HOME=/root", "gatehouse_server_listen=nonsense", "GATEHOUSE_BIN=/x/gatehouse",
                        "GATEHOUSE_SKIP_APT=1", "GATEHOUSE_SKIP_NPM=1", "NO_EQUALS_SIGN", "GATEHOUSE"});
  EXPECT_EQ(dump(c), dump(Config{}));
}

TEST(ApplyEnvironment, Errors) {
  struct Case {
    std::string entry;
    std::string expected;
  };
  const Case cases[] = {
      {"GATEHOUSE_SERVER_LISEN=127.0.0.1:80",
       "unknown environment variable GATEHOUSE_SERVER_LISEN; did you mean GATEHOUSE_SERVER_LISTEN?"},
      {"GATEHOUSE_LISTEN=127.0.0.1:80",
       "unknown environment variable GATEHOUSE_LISTEN; did you mean GATEHOUSE_SERVER_LISTEN?"},
      {"GATEHOUSE_SERVER_STATELESS=1",
       "unknown environment variable GATEHOUSE_SERVER_STATELESS; did you mean GATEHOUSE_MCP_STATELESS?"},
      {"GATEHOUSE_LOG_LOG_LEVEL=debug",
       "unknown environment variable GATEHOUSE_LOG_LOG_LEVEL; did you mean GATEHOUSE_LOG_LEVEL?"},
      {"GATEHOUSE_MCP_PAGESIZE=5", "unknown environment variable GATEHOUSE_MCP_PAGESIZE; did you mean GATEHOUSE_MCP_PAGE_SIZE?"},
      {"GATEHOUSE_SERVER_LISTEN_ADDRESS=x",
       "unknown environment variable GATEHOUSE_SERVER_LISTEN_ADDRESS; unset it, or use one of GATEHOUSE_SERVER_LISTEN, "
       "GATEHOUSE_SERVER_PUBLIC_URL, GATEHOUSE_SERVER_DATA_DIR, GATEHOUSE_SERVER_BACKEND, GATEHOUSE_SERVER_AUTH, "
       "GATEHOUSE_SERVER_THREADS, GATEHOUSE_SERVER_BODY_LIMIT, GATEHOUSE_SERVER_READ_TIMEOUT, "
       "GATEHOUSE_SERVER_SHUTDOWN_GRACE, GATEHOUSE_SERVER_STDIO, GATEHOUSE_SERVER_TRUSTED_PROXIES, GATEHOUSE_SERVER_MAX_CONNECTIONS, GATEHOUSE_SERVER_MAX_CONNECTIONS_PER_ADDRESS, GATEHOUSE_SERVER_METRICS, GATEHOUSE_MCP_STATELESS, GATEHOUSE_MCP_PAGE_SIZE, "
       "GATEHOUSE_MCP_MAX_SESSIONS, GATEHOUSE_MCP_MAX_SESSIONS_PER_USER, GATEHOUSE_MCP_RESUMPTION_BUFFER_PER_SESSION, "
       "GATEHOUSE_MCP_RESUMPTION_BUFFER_TOTAL, GATEHOUSE_MCP_SESSION_IDLE_TIMEOUT, GATEHOUSE_MCP_SSE_RETRY, "
       "GATEHOUSE_MCP_SSE_KEEPALIVE, GATEHOUSE_MCP_CLIENT_REQUEST_TIMEOUT, GATEHOUSE_MCP_ALLOWED_ORIGINS, "
       "GATEHOUSE_MCP_ALLOWED_HOSTS, GATEHOUSE_MCP_STRICT_PROTOCOL_HEADERS, GATEHOUSE_MCP_LIST_TTL, GATEHOUSE_MCP_REQUEST_STATE_LIFETIME, GATEHOUSE_MCP_REQUEST_STATE_KEY_FILE, GATEHOUSE_TASKS_TTL, GATEHOUSE_TASKS_POLL_INTERVAL, GATEHOUSE_TASKS_MAX_RUNNING_PER_USER, GATEHOUSE_TASKS_MAX_KEPT_PER_USER, GATEHOUSE_OAUTH_SCOPES, GATEHOUSE_OAUTH_ACCESS_TOKEN_LIFETIME, GATEHOUSE_OAUTH_REFRESH_IDLE_LIFETIME, GATEHOUSE_OAUTH_REFRESH_ABSOLUTE_LIFETIME, GATEHOUSE_OAUTH_REFRESH_REUSE_GRACE, GATEHOUSE_OAUTH_UNUSED_CLIENT_LIFETIME, GATEHOUSE_OAUTH_REDIRECT_URI_ALLOWLIST, GATEHOUSE_OAUTH_TOOL_SCOPES, GATEHOUSE_OAUTH_CLIENT_ID_METADATA_DOCUMENTS, GATEHOUSE_OAUTH_CIMD_ALLOWED_HOSTS, GATEHOUSE_OAUTH_CIMD_DENIED_HOSTS, GATEHOUSE_OAUTH_CIMD_ALLOWED_PORTS, GATEHOUSE_OAUTH_CIMD_FETCH_TIMEOUT, GATEHOUSE_OAUTH_CIMD_CACHE_MIN_LIFETIME, GATEHOUSE_OAUTH_CIMD_CACHE_MAX_LIFETIME, GATEHOUSE_OAUTH_CIMD_CACHE_ENTRIES, GATEHOUSE_OAUTH_PINNED_CLIENT_DOCUMENTS, GATEHOUSE_OAUTH_PIN_CLAUDE_DOCUMENTS, GATEHOUSE_UPSTREAM_API_KEY_ENV, GATEHOUSE_LOGIN_METHOD, GATEHOUSE_LOGIN_ALLOW_SUBJECTS, GATEHOUSE_LOGIN_ALLOW_EMAILS, GATEHOUSE_LOGIN_ALLOW_EMAIL_DOMAINS, GATEHOUSE_LOGIN_ALLOW_ORGANIZATIONS, GATEHOUSE_LOGIN_ALLOW_EVERYONE, GATEHOUSE_LOGIN_PROVIDER_PRESET, GATEHOUSE_LOGIN_PROVIDER_KIND, GATEHOUSE_LOGIN_PROVIDER_NAME, GATEHOUSE_LOGIN_PROVIDER_DISPLAY_NAME, GATEHOUSE_LOGIN_PROVIDER_ISSUER, GATEHOUSE_LOGIN_PROVIDER_AUTHORIZATION_ENDPOINT, GATEHOUSE_LOGIN_PROVIDER_TOKEN_ENDPOINT, GATEHOUSE_LOGIN_PROVIDER_USERINFO_ENDPOINT, GATEHOUSE_LOGIN_PROVIDER_REVOCATION_ENDPOINT, GATEHOUSE_LOGIN_PROVIDER_JWKS_URI, GATEHOUSE_LOGIN_PROVIDER_CLIENT_ID, GATEHOUSE_LOGIN_PROVIDER_CLIENT_SECRET_ENV, GATEHOUSE_LOGIN_PROVIDER_TOKEN_ENDPOINT_AUTH_METHOD, GATEHOUSE_LOGIN_PROVIDER_SCOPES, GATEHOUSE_LOGIN_PROVIDER_SUBJECT_CLAIM, GATEHOUSE_LOGIN_PROVIDER_USERNAME_CLAIM, GATEHOUSE_LOGIN_PROVIDER_EMAIL_CLAIM, GATEHOUSE_LOGIN_PROVIDER_AUTHORIZE_PARAMS, GATEHOUSE_LOGIN_PROVIDER_TOKEN_PARAMS, GATEHOUSE_LOGIN_PROVIDER_RESOURCE, GATEHOUSE_LOGIN_PROVIDER_PRIVATE_NETWORK, GATEHOUSE_LOGIN_PROVIDER_API_URL, GATEHOUSE_CONNECT_TITLE, GATEHOUSE_CONNECT_DESCRIPTION, GATEHOUSE_CONNECT_CHECK_URL and GATEHOUSE_LOG_LEVEL"},
      {"GATEHOUSE_SERVER_BODY_LIMIT=4MB",
       "environment variable GATEHOUSE_SERVER_BODY_LIMIT: [server] body_limit must be a positive integer (bytes), got "
       "\"4MB\""},
      {"GATEHOUSE_SERVER_BODY_LIMIT=-5",
       "environment variable GATEHOUSE_SERVER_BODY_LIMIT: [server] body_limit must be a positive integer (bytes), got "
       "\"-5\""},
      {"GATEHOUSE_SERVER_BODY_LIMIT=",
       "environment variable GATEHOUSE_SERVER_BODY_LIMIT: [server] body_limit must be a positive integer (bytes), got "
       "\"\""},
      {"GATEHOUSE_SERVER_THREADS=99999999999999999999999",
       "environment variable GATEHOUSE_SERVER_THREADS: [server] threads must be an integer from 0 to 256 (0: one per "
       "core), got \"99999999999999999999999\""},
      {"GATEHOUSE_MCP_PAGE_SIZE=0",
       "environment variable GATEHOUSE_MCP_PAGE_SIZE: [mcp] page_size must be an integer from 1 to 1000, got \"0\""},
      {"GATEHOUSE_MCP_SSE_RETRY=1.5",
       "environment variable GATEHOUSE_MCP_SSE_RETRY: [mcp] sse_retry must be a positive integer (milliseconds, at "
       "most a year), got \"1.5\""},
      {"GATEHOUSE_MCP_STATELESS=maybe",
       "environment variable GATEHOUSE_MCP_STATELESS: [mcp] stateless must be true, false, 1, 0, yes or no, got "
       "\"maybe\""},
      {"GATEHOUSE_SERVER_LISTEN=8080",
       "environment variable GATEHOUSE_SERVER_LISTEN: [server] listen \"8080\" is not HOST:PORT: the host is missing; "
       "did you mean 127.0.0.1:8080? (e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)"},
      {"GATEHOUSE_LOG_LEVEL=INFO",
       "environment variable GATEHOUSE_LOG_LEVEL: [log] log_level \"INFO\" is not a log level; did you mean \"info\"? "
       "The levels are trace, debug, info, warn and error"},
      {"GATEHOUSE_MCP_ALLOWED_HOSTS=https://a.example",
       "environment variable GATEHOUSE_MCP_ALLOWED_HOSTS: [mcp] allowed_hosts entry \"https://a.example\" is a URL; "
       "write only the host name, e.g. mcp.example.com"},
  };
  for (const auto& [entry, expected] : cases) {
    SCOPED_TRACE(entry);
    Config c;
    EXPECT_EQ(error_of([&] { apply_environment(c, {entry}); }), expected);
  }
}

TEST(ApplyEnvironment, ReadsTheProcessEnvironment) {
  ASSERT_EQ(::setenv("GATEHOUSE_MCP_PAGE_SIZE", "42", 1), 0);
  Config c;
  std::string error = error_of([&] { apply_environment(c); });
  ::unsetenv("GATEHOUSE_MCP_PAGE_SIZE");
  EXPECT_EQ(error, "<no error>");
  EXPECT_EQ(c.page_size, 42u);
}

TEST(Precedence, EnvironmentOverridesFile) {
  ScratchDir dir;
  auto file = dir.write("gatehouse.toml", R"([server]
listen = "127.0.0.1:7000"
threads = 2
[mcp]
stateless = true
allowed_hosts = ["from.file"]
[log]
log_level = "debug"
)");
  Config c;
  apply_file(c, file);
  apply_environment(c, {"GATEHOUSE_SERVER_LISTEN=127.0.0.1:7001", "GATEHOUSE_MCP_STATELESS=no",
                        "GATEHOUSE_MCP_ALLOWED_HOSTS=from.env,other.env"});
  EXPECT_EQ(c.listen, "127.0.0.1:7001");  // env wins
  EXPECT_FALSE(c.stateless);              // env wins, also back to the default
  EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"from.env", "other.env"}));  // replaced, not merged
  EXPECT_EQ(c.threads, 2u);                                                           // file only
  EXPECT_EQ(c.log_level, "debug");                                                    // file only
  EXPECT_EQ(c.page_size, 100u);                                                       // default
  EXPECT_NO_THROW(validate(c));
}

// ------------------------------------------------------------------ validate

TEST(Validate, DefaultsAndAFullConfigAreValid) {
  EXPECT_NO_THROW(validate(Config{}));
  EXPECT_NO_THROW(validate(all_changed()));
}

TEST(Validate, Accepts) {
  struct Case {
    const char* name;
    std::function<void(Config&)> change;
  };
  const Case cases[] = {
      {"public_url https with port and path", [](Config& c) { c.public_url = "https://mcp.example.com:8443/a/b%20c"; }},
      {"public_url https trailing slash", [](Config& c) { c.public_url = "https://mcp.example.com/"; }},
      {"public_url http localhost", [](Config& c) { c.public_url = "http://localhost:8080"; }},
      {"public_url http 127.0.0.2", [](Config& c) { c.public_url = "http://127.0.0.2:8080/mcp"; }},
      {"public_url http [::1]", [](Config& c) { c.public_url = "http://[::1]:8080"; }},
      {"public_url upper-case scheme", [](Config& c) { c.public_url = "HTTPS://MCP.example.com"; }},
      {"public_url IPv6", [](Config& c) { c.public_url = "https://[2001:db8::1]"; }},
      {"backend everything", [](Config& c) { c.backend = "builtin:everything"; }},
      {"threads 256", [](Config& c) { c.threads = 256; }},
      {"page_size 1", [](Config& c) { c.page_size = 1; }},
      {"page_size 1000", [](Config& c) { c.page_size = 1000; }},
      {"listen IPv6 any", [](Config& c) { c.listen = "[::]:0"; }},
      {"origins", [](Config& c) { c.allowed_origins = {"https://a.example", "http://localhost:5173/", "http://[::1]:3000"}; }},
      {"hosts", [](Config& c) { c.allowed_hosts = {"a.example", "a.example:8443", "[::1]"}; }},
  };
  for (const auto& [name, change] : cases) {
    SCOPED_TRACE(name);
    Config c;
    change(c);
    EXPECT_EQ(error_of([&] { validate(c); }), "<no error>");
  }
}

TEST(Validate, Rejects) {
  struct Case {
    std::function<void(Config&)> change;
    std::string expected;
    bool prefix = false;
  };
  const std::string https_reason =
      " must use https: clients send their access tokens and MCP session IDs to this URL, and over plain http anyone "
      "on the network path can read and replay them. http is accepted only for a loopback host (localhost, "
      "127.0.0.1, [::1]), or anywhere with --insecure-dev (tests only). Behind a TLS-terminating proxy, set "
      "public_url to the proxy's https:// URL";
  const Case cases[] = {
      {[](Config& c) { c.listen = "127.0.0.1"; },
       "[server] listen \"127.0.0.1\" is not HOST:PORT: the port is missing (write HOST:PORT) (e.g. 127.0.0.1:8080, "
       "0.0.0.0:8080 or [::1]:8080)"},
      {[](Config& c) { c.public_url = "http://mcp.example.com"; },
       "[server] public_url \"http://mcp.example.com\"" + https_reason},
      {[](Config& c) { c.public_url = "http://10.0.0.1:8080"; }, "[server] public_url \"http://10.0.0.1:8080\"" + https_reason},
      {[](Config& c) { c.public_url = "mcp.example.com"; },
       "[server] public_url \"mcp.example.com\" is not an absolute URL; write https://HOST[:PORT][/PATH], e.g. "
       "https://mcp.example.com"},
      {[](Config& c) { c.public_url = "ftp://mcp.example.com"; },
       "[server] public_url \"ftp://mcp.example.com\" must be an https URL, not ftp:; write https://HOST[:PORT][/PATH], "
       "e.g. https://mcp.example.com"},
      {[](Config& c) { c.public_url = "https://mcp.example.com/?x=1"; },
       "[server] public_url \"https://mcp.example.com/?x=1\" must not have a query (?...): it is the base URL the MCP "
       "endpoint and metadata URLs are built from"},
      {[](Config& c) { c.public_url = "https://mcp.example.com#top"; },
       "[server] public_url \"https://mcp.example.com#top\" must not have a fragment (#...): it is the base URL the "
       "MCP endpoint and metadata URLs are built from"},
      {[](Config& c) { c.public_url = "https://user:pw@mcp.example.com"; },
       "[server] public_url \"https://user:pw@mcp.example.com\" must not contain a user name or password (user@)"},
      {[](Config& c) { c.public_url = "https://"; },
       "[server] public_url \"https://\" has no host; write https://HOST[:PORT][/PATH], e.g. https://mcp.example.com"},
      {[](Config& c) { c.public_url = "https://mcp.example.com:99999"; },
       "[server] public_url \"https://mcp.example.com:99999\" has an invalid port \"99999\" (1 to 65535)"},
      {[](Config& c) { c.public_url = "https://mcp example.com"; },
       "[server] public_url \"https://mcp example.com\" has a space in its host name"},
      {[](Config& c) { c.public_url = "https://mcp.example.com/a b"; },
       "[server] public_url \"https://mcp.example.com/a b\" has a space in its path; percent-encode it (e.g. %20 for "
       "a space)"},
      {[](Config& c) { c.public_url = "https://mcp.example.com/%zz"; },
       "[server] public_url \"https://mcp.example.com/%zz\" has a '%' in its path that is not followed by two hex "
       "digits"},
      {[](Config& c) { c.public_url = "https://2001:db8::1/"; },
       "[server] public_url \"https://2001:db8::1/\": an IPv6 host must be in brackets, e.g. https://[2001:db8::1]"},
      {[](Config& c) { c.backend = "stdio:"; },
       "[server] backend --backend stdio: needs a command, e.g. --backend 'stdio:python3 server.py'"},
      {[](Config& c) { c.backend = "stdio:python3 'my server.py"; },
       "[server] backend --backend stdio:python3 'my server.py: a quote is not closed"},
      {[](Config& c) { c.backend = "builtin:dmeo"; },
       "[server] backend \"builtin:dmeo\" is not a backend; did you mean builtin:demo?"},
      {[](Config& c) { c.backend = "everything"; },
       "[server] backend \"everything\" is not a backend; did you mean builtin:everything?"},
      {[](Config& c) { c.backend = "builtin:filesystem"; },
       "[server] backend \"builtin:filesystem\" is not a built-in backend; use builtin:demo, builtin:everything, "
       "'stdio:COMMAND ARGS...' or http://HOST:PORT/PATH (or [[backend]] tables)"},
      {[](Config& c) { c.backend = ""; }, "[server] backend must not be empty; use builtin:demo, builtin:everything, 'stdio:COMMAND ARGS...' or "
       "http://HOST:PORT/PATH (or [[backend]] tables)"},
      {[](Config& c) { c.auth = "basic"; },
       "[server] auth \"basic\" is not an authentication mode; use \"none\", \"oauth\" (what Claude supports) or "
       "\"api-key\""},
      {[](Config& c) { c.auth = "nnoe"; },
       "[server] auth \"nnoe\" is not an authentication mode; did you mean \"none\"? Use \"none\", \"oauth\" (what "
       "Claude supports) or \"api-key\""},
      {[](Config& c) { c.threads = 257; },
       "[server] threads must be an integer from 0 to 256 (0: one per core), got 257"},
      {[](Config& c) { c.body_limit = 0; }, "[server] body_limit must be a positive integer (bytes), got 0"},
      {[](Config& c) { c.read_timeout = 0s; },
       "[server] read_timeout must be a positive integer (seconds, at most a year), got 0"},
      {[](Config& c) { c.shutdown_grace = -1s; },
       "[server] shutdown_grace must be a positive integer (seconds, at most a year), got -1"},
      {[](Config& c) { c.data_dir.clear(); },
       "[server] data_dir must not be empty: it is the directory Gatehouse keeps its state in (default ./var)"},
      {[](Config& c) { c.page_size = 0; }, "[mcp] page_size must be an integer from 1 to 1000, got 0"},
      {[](Config& c) { c.page_size = 1001; }, "[mcp] page_size must be an integer from 1 to 1000, got 1001"},
      {[](Config& c) { c.max_sessions = 0; }, "[mcp] max_sessions must be a positive integer, got 0"},
      {[](Config& c) { c.session_idle_timeout = 0s; },
       "[mcp] session_idle_timeout must be a positive integer (seconds, at most a year), got 0"},
      {[](Config& c) { c.sse_retry = 0ms; },
       "[mcp] sse_retry must be a positive integer (milliseconds, at most a year), got 0"},
      {[](Config& c) { c.sse_keepalive = 0s; },
       "[mcp] sse_keepalive must be a positive integer (seconds, at most a year), got 0"},
      {[](Config& c) { c.client_request_timeout = std::chrono::hours(24 * 366); },
       "[mcp] client_request_timeout must be a positive integer (seconds, at most a year), got 31622400"},
      {[](Config& c) { c.allowed_origins = {"*"}; },
       "[mcp] allowed_origins does not take wildcards: list each origin, e.g. https://app.example.com"},
      {[](Config& c) { c.allowed_origins = {"https://a.example/app"}; },
       "[mcp] allowed_origins entry \"https://a.example/app\" is not an origin: write SCHEME://HOST[:PORT] without a "
       "path, e.g. https://app.example.com"},
      {[](Config& c) { c.allowed_origins = {""}; }, "[mcp] allowed_origins has an empty entry"},
      {[](Config& c) { c.allowed_hosts = {"*.example.com"}; },
       "[mcp] allowed_hosts does not take wildcards: list each host name, e.g. mcp.example.com"},
      {[](Config& c) { c.allowed_hosts = {"a b"}; },
       "[mcp] allowed_hosts entry \"a b\" is not a host name (e.g. mcp.example.com, or with a port: "
       "mcp.example.com:8443)"},
      {[](Config& c) { c.log_level = "verbose"; },
       "[log] log_level \"verbose\" is not a log level; use trace, debug, info, warn or error"},
      {[](Config& c) { c.log_level = "err"; },
       "[log] log_level \"err\" is not a log level; did you mean \"error\"? The levels are trace, debug, info, warn and "
       "error"},
  };
  for (const auto& [change, expected, prefix] : cases) {
    SCOPED_TRACE(expected);
    Config c;
    change(c);
    auto message = error_of([&] { validate(c); });
    if (prefix)
      EXPECT_TRUE(message.starts_with(expected)) << message;
    else
      EXPECT_EQ(message, expected);
  }
}

TEST(Validate, M2_ScopeCapsApplyToConfiguredScopes) {
  std::string many;
  for (int i = 0; i <= 100; ++i) many += " s" + std::to_string(i);
  Config c;
  c.tool_scopes = {"save_note=" + many};
  auto message = error_of([&] { validate(c); });
  EXPECT_TRUE(message.starts_with("[oauth] tool_scopes")) << message;
  EXPECT_NE(message.find("the scope lists 101 values; at most 100 are accepted"), std::string::npos) << message;

  Config d;
  d.scopes.clear();
  for (int i = 0; i <= 100; ++i) d.scopes.push_back("s" + std::to_string(i));
  message = error_of([&] { validate(d); });
  EXPECT_TRUE(message.starts_with("[oauth] scopes")) << message;
  EXPECT_NE(message.find("names 101 scopes; at most 100"), std::string::npos) << message;

  Config e;
  e.scopes = {"mcp", std::string(201, 'x')};
  message = error_of([&] { validate(e); });
  EXPECT_NE(message.find("is longer than 200 bytes"), std::string::npos) << message;
}

// ------------------------------------------------------------------ parse_listen

TEST(ParseListen, Accepts) {
  struct Case {
    std::string listen;
    std::string host;
    unsigned short port;
  };
  const Case cases[] = {
      {"127.0.0.1:8080", "127.0.0.1", 8080},
      {"0.0.0.0:0", "0.0.0.0", 0},
      {"localhost:65535", "localhost", 65535},
      {"LOCALHOST:1", "localhost", 1},
      {"[::1]:8080", "::1", 8080},
      {"[::]:443", "::", 443},
      {"[2001:db8::1]:80", "2001:db8::1", 80},
      {"[fe80::1%eth0]:80", "fe80::1%eth0", 80},
      {"[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1", 80},
      {"10.1.2.3:00080", "10.1.2.3", 80},
  };
  for (const auto& [listen, host, port] : cases) {
    SCOPED_TRACE(listen);
    std::pair<std::string, unsigned short> parsed;
    ASSERT_NO_THROW(parsed = parse_listen(listen));
    EXPECT_EQ(parsed.first, host);
    EXPECT_EQ(parsed.second, port);
  }
}

TEST(ParseListen, Rejects) {
  struct Case {
    std::string listen;
    std::string problem;  // between "invalid listen address \"...\": " and the example
  };
  const Case cases[] = {
      {"", "it is empty"},
      {"8080", "the host is missing; did you mean 127.0.0.1:8080?"},
      {"localhost", "the port is missing (write HOST:PORT)"},
      {":8080", "the host is missing; use 127.0.0.1 for this machine only, or 0.0.0.0 (or [::]) for all interfaces"},
      {"127.0.0.1:", "the port must be a number from 0 to 65535 (0 picks a free one), not \"\""},
      {"127.0.0.1:65536", "the port must be a number from 0 to 65535 (0 picks a free one), not \"65536\""},
      {"127.0.0.1:-1", "the port must be a number from 0 to 65535 (0 picks a free one), not \"-1\""},
      {"127.0.0.1:80x", "the port must be a number from 0 to 65535 (0 picks a free one), not \"80x\""},
      {"127.0.0.1:99999999999999999999", "the port must be a number from 0 to 65535 (0 picks a free one), not "
                                         "\"99999999999999999999\""},
      {"127.0.0.256:80", "\"127.0.0.256\" is not an IPv4 address"},
      {"example.com:80",
       "the host must be an IP address or localhost, not \"example.com\" (0.0.0.0 listens on all interfaces, "
       "127.0.0.1 on this machine only)"},
      {"::1:8080", "IPv6 addresses must be in brackets, e.g. [::1]:8080"},
      {"[::1]", "the port is missing (write [ADDRESS]:PORT)"},
      {"[::1:8080", "the IPv6 address has no closing ']'"},
      {"[::1]8080", "expected ':' and the port after ']'"},
      {"[127.0.0.1]:80", "\"127.0.0.1\" is not an IPv6 address"},
      {"[fe80::1%]:80", "the IPv6 zone after '%' must be an interface name such as eth0"},
      {"127.0.0.1:80\n", "the port must be a number from 0 to 65535 (0 picks a free one), not \"80\\x0a\""},
  };
  for (const auto& [listen, problem] : cases) {
    SCOPED_TRACE(listen);
    std::string expected = "invalid listen address \"" + listen + "\": " + problem +
                           " (expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)";
    if (listen.ends_with('\n')) expected.replace(expected.find('\n'), 1, "\\x0a");
    EXPECT_EQ(error_of([&] { parse_listen(listen); }), expected);
  }
}

}  // namespace
}  // namespace gatehouse::config

namespace gatehouse::config {
namespace {

// ------------------------------------------------------------------ [oauth] CIMD keys

TEST(ClientIdMetadataDocumentKeys, FileAndEnvironment) {
  ScratchDir dir;
  auto file = dir.write("cimd.toml",
                        "[oauth]\n"
                        "client_id_metadata_documents = false\n"
                        "cimd_allowed_hosts = [\"claude.ai\", \"*.example.com\"]\n"
                        "cimd_denied_hosts = [\"bad.example.com\"]\n"
                        "cimd_allowed_ports = [443, 8443]\n"
                        "cimd_fetch_timeout = 3\n"
                        "cimd_cache_min_lifetime = 60\n"
                        "cimd_cache_max_lifetime = 3600\n"
                        "cimd_cache_entries = 50\n"
                        "pinned_client_documents = [\"/etc/gatehouse/pins/app.json\"]\n"
                        "pin_claude_documents = false\n");
  Config c;
  apply_file(c, file);
  EXPECT_FALSE(c.client_id_metadata_documents);
  EXPECT_EQ(c.cimd_allowed_hosts, (std::vector<std::string>{"claude.ai", "*.example.com"}));
  EXPECT_EQ(c.cimd_denied_hosts, std::vector<std::string>{"bad.example.com"});
  EXPECT_EQ(c.cimd_allowed_ports, (std::vector<std::uint16_t>{443, 8443}));
  EXPECT_EQ(c.cimd_fetch_timeout, 3s);
  EXPECT_EQ(c.cimd_cache_min_lifetime, 60s);
  EXPECT_EQ(c.cimd_cache_max_lifetime, 3600s);
  EXPECT_EQ(c.cimd_cache_entries, 50u);
  EXPECT_EQ(c.pinned_client_documents, std::vector<std::string>{"/etc/gatehouse/pins/app.json"});
  EXPECT_FALSE(c.pin_claude_documents);
  validate(c);

  apply_environment(c, {"GATEHOUSE_OAUTH_CIMD_ALLOWED_PORTS= 443 , 9443", "GATEHOUSE_OAUTH_CLIENT_ID_METADATA_DOCUMENTS=yes"});
  EXPECT_EQ(c.cimd_allowed_ports, (std::vector<std::uint16_t>{443, 9443}));
  EXPECT_TRUE(c.client_id_metadata_documents);
}

TEST(ClientIdMetadataDocumentKeys, Errors) {
  ScratchDir dir;
  EXPECT_NE(error_of([&] {
              Config c;
              apply_file(c, dir.write("a.toml", "[oauth]\ncimd_allowed_ports = [443, 70000]\n"));
            }).find("a.toml:2: [oauth] cimd_allowed_ports must be an array of port numbers"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              Config c;
              apply_file(c, dir.write("b.toml", "[oauth]\ncimd_allowed_hosts = [\"https://claude.ai\"]\n"));
            }).find("is a URL; write only the host name"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              Config c;
              apply_environment(c, {"GATEHOUSE_OAUTH_CIMD_ALLOWED_PORTS=443,https"});
            }).find("GATEHOUSE_OAUTH_CIMD_ALLOWED_PORTS: [oauth] cimd_allowed_ports must be comma-separated port numbers"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              Config c;
              c.cimd_cache_min_lifetime = 600s;
              c.cimd_cache_max_lifetime = 60s;
              validate(c);
            }).find("[oauth] cimd_cache_max_lifetime (60) must not be less than cimd_cache_min_lifetime (600)"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              Config c;
              c.cimd_allowed_ports.clear();
              validate(c);
            }).find("cimd_allowed_ports must list at least one port"),
            std::string::npos);
}

TEST(ClientIdMetadataDocumentKeys, HttpPublicUrlOnAnyHostOnlyWithInsecureDev) {
  Config c;
  c.public_url = "http://mcp.test.internal:8080";
  EXPECT_NE(error_of([&] { validate(c); }).find("must use https"), std::string::npos);
  c.insecure_dev = true;
  validate(c);
}

}  // namespace
}  // namespace gatehouse::config
