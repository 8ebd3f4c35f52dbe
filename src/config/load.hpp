#pragma once
// Filling a Config from a TOML file and GATEHOUSE_* environment variables,
// and checking the result. The order (see config.hpp) is the caller's:
//
//   Config config;                       // defaults
//   apply_file(config, "gatehouse.toml");
//   apply_environment(config);
//   /* command-line flags */
//   validate(config);
//
// apply_file and apply_environment reject what can never be right, where the
// operator can see it (file:line, or the variable's name): syntax, unknown
// names, wrong types, out-of-range numbers, a malformed listen address or log
// level. validate() checks the final values again, together with the rules
// that depend on this build's features (backend, auth) and on policy
// (public_url must be https unless loopback).
//
// The file has the sections [server], [mcp] and [log]; its keys are Config's
// field names. See docs/gatehouse.example.toml.
#include "config/config.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::config {

// A configuration problem, worded for the operator: names the file and line
// (or the environment variable / flag) and how to fix it.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies a TOML file onto `config`; keys absent from the file keep their
// value. Throws ConfigError:
//   gatehouse.toml:12:5: <syntax error>
//   gatehouse.toml:7: unknown key "lisen" in [server]; did you mean "listen"?
//   gatehouse.toml:9: [server] body_limit must be a positive integer (bytes), got "4MB"
// Durations are integers: seconds, except sse_retry (milliseconds). A relative
// data_dir is resolved against the file's directory.
void apply_file(Config& config, const std::filesystem::path& file);

// apply_file on TOML text already read: `file` is only named in errors and
// anchors a relative data_dir, as if the text had been read from it.
void apply_text(Config& config, std::string_view text, const std::filesystem::path& file);

// Applies GATEHOUSE_<SECTION>_<KEY> variables (upper case, e.g.
// GATEHOUSE_SERVER_LISTEN, GATEHOUSE_MCP_STATELESS; [log] log_level is
// GATEHOUSE_LOG_LEVEL). Surrounding whitespace is ignored; booleans are
// true/false/1/0/yes/no; lists are comma-separated (empty: an empty list).
// An unknown GATEHOUSE_* variable is an error, except the repository tooling's
// GATEHOUSE_BIN, GATEHOUSE_SKIP_APT and GATEHOUSE_SKIP_NPM, which are ignored.
// The first overload reads the process environment; the second takes
// "NAME=value" strings (for tests).
void apply_environment(Config& config);
void apply_environment(Config& config, const std::vector<std::string>& environment);

// Records that the command-line flag `flag` (e.g. "--auth") set the key
// `key` ("auth"), so that validate() names the flag when the value is wrong.
void note_flag(Config& config, std::string_view key, std::string_view flag);

// Checks every value and the rules between them; throws ConfigError naming
// where the value was set and the key, e.g.
//   gatehouse.toml:3: [server] auth "oauth2" is not an authentication mode; did you mean "oauth"? ...
//   environment variable GATEHOUSE_SERVER_LISTEN: [server] listen "8080" is not HOST:PORT: ...
//   --backend "demo" is not a backend; did you mean builtin:demo?
// and refuses --stdio with an auth mode (stdio has no bearer tokens).
void validate(const Config& config);

// One "tool=scope scope" entry ([oauth] tool_scopes, [[backend]] tool_scopes)
// split into the tool and its scopes; nullopt when it has no '=' with text
// on both sides.
std::optional<std::pair<std::string, std::vector<std::string>>> split_tool_scopes(std::string_view entry);

// "HOST:PORT" or "[IPv6]:PORT" -> {host, port}; the host is an IP address
// (IPv6 without brackets, zone kept: "fe80::1%eth0") or "localhost"; port 0
// means "pick a free one". Throws ConfigError.
std::pair<std::string, unsigned short> parse_listen(std::string_view listen);

}  // namespace gatehouse::config
