// The public entry points of load.hpp, put together from the table of keys
// (fields), their rules (key_rules), the TOML file (file) and the
// environment (environment); and validate(), with the rule between keys
// that belongs to no other file (stdio_auth_problem).
#include "config/load.hpp"

#include "config/backend_rules.hpp"
#include "config/connect_rules.hpp"
#include "config/environment.hpp"
#include "config/fields.hpp"
#include "config/file.hpp"
#include "config/login_rules.hpp"
#include "net/listen_address.hpp"
#include "net/quote.hpp"

#include <unistd.h>  // environ

namespace gatehouse::config {

namespace {

using net::quote;

// L10: over stdio the client spawns the server and owns both ends of the
// pipe; nobody else can reach it, and no HTTP request carries a bearer token
// (the MCP authorization spec applies to HTTP transports only; stdio servers
// take credentials from their environment). An auth mode there would be a
// promise the server cannot keep, so it is refused rather than ignored.
std::string stdio_auth_problem(const Config& c) {
  if (!c.stdio || c.auth == "none") return {};
  const Field& stdio = *find_field("server", "stdio");
  const Field& auth = *find_field("server", "auth");
  return setting(c, stdio, "true", "true") + " cannot be used with " + setting(c, auth, c.auth, quote(c.auth)) +
         ": over stdio the MCP client starts Gatehouse itself and talks to it through a private pipe, so nobody "
         "else can connect and there is no bearer token to check (OAuth sign-in and API keys exist for HTTP). "
         "For stdio leave auth at \"none\" (drop --auth, or pass --auth none); to require " +
         (c.auth == "oauth" ? std::string("OAuth sign-in") : std::string("API keys")) +
         ", serve Streamable HTTP instead (without --stdio)";
}

}  // namespace

void apply_file(Config& config, const std::filesystem::path& file) { apply_toml_file(config, file); }

void apply_text(Config& config, std::string_view text, const std::filesystem::path& file) {
  apply_toml_text(config, text, file);
}

void apply_environment(Config& config) {
  std::vector<std::string> environment;
  for (char** entry = ::environ; entry && *entry; ++entry) environment.emplace_back(*entry);
  apply_environment(config, environment);
}

void apply_environment(Config& config, const std::vector<std::string>& environment) {
  apply_variables(config, environment);
}

void note_flag(Config& config, std::string_view key, std::string_view flag) {
  if (const Field* f = find_key_anywhere(key)) config.sources[title(*f)] = std::string(flag);
}

void validate(const Config& config) {
  for (const auto& f : fields()) {
    std::string problem = is_integer(f) ? integer_problem(config, f) : std::string{};
    if (problem.empty() && f.check) problem = f.check(config);
    if (!problem.empty()) throw ConfigError(subject(config, f) + problem);
  }
  if (auto problem = stdio_auth_problem(config); !problem.empty()) throw ConfigError(problem);
  check_backends(config);
  check_login(config);
  check_connect(config);
}

std::optional<std::pair<std::string, std::vector<std::string>>> split_tool_scopes(std::string_view entry) {
  auto eq = entry.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 >= entry.size()) return std::nullopt;
  std::pair<std::string, std::vector<std::string>> out{std::string(entry.substr(0, eq)), {}};
  std::string_view list = entry.substr(eq + 1);
  for (std::size_t pos = 0; pos < list.size();) {
    auto space = list.find(' ', pos);
    if (space == std::string_view::npos) space = list.size();
    if (space > pos) out.second.emplace_back(list.substr(pos, space - pos));
    pos = space + 1;
  }
  return out;
}

std::pair<std::string, unsigned short> parse_listen(std::string_view listen) {
  net::ListenAddress out;
  if (auto problem = net::listen_problem(listen, &out); !problem.empty())
    throw ConfigError("invalid listen address " + net::quote(listen) + ": " + problem +
                      " (expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)");
  return {std::move(out.host), out.port};
}

}  // namespace gatehouse::config
