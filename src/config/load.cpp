#include "config/load.hpp"
#include "oauth/scope.hpp"

#include "config/backend_rules.hpp"
#include "config/connect_rules.hpp"
#include "config/login_rules.hpp"
#include "config/spelling.hpp"
#include "config/toml_syntax.hpp"
#include "net/listen_address.hpp"
#include "net/public_url.hpp"
#include "net/quote.hpp"
#include "net/text.hpp"

#include <boost/asio/ip/address.hpp>

// toml++ is slow to compile: this is the only file that includes it.
//
// toml++ 3.3 asserts (TOML_ASSERT_ASSUME in parser::parse_key) that a table
// header starts with a key character, and only then reports the error
// itself when it does not: a config line "[)" aborted a debug build instead
// of naming its file and line (found by the config_toml fuzzer). Its
// assertions check the library's own invariants, which its release builds
// (NDEBUG) do not check either; here they are off in every build, so every
// build reports the syntax error.
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>

#include <unistd.h>  // environ

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <system_error>
#include <type_traits>
#include <variant>

namespace gatehouse::config {

namespace {

using namespace std::string_view_literals;

// ---------------------------------------------------------------- text

using net::lower;
using net::quote;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr auto space = " \t\r\n\v\f"sv;
  auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "a, b and c"
std::string join_and(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

// ---------------------------------------------------------------- the keys

using Member = std::variant<std::string Config::*, std::filesystem::path Config::*, bool Config::*,
                            std::size_t Config::*, std::chrono::seconds Config::*, std::chrono::milliseconds Config::*,
                            std::vector<std::string> Config::*, std::vector<std::uint16_t> Config::*>;

// The rule for a value beyond its type: "" when fine, else the message that
// follows "[section] key ".
using Check = std::string (*)(const Config&);

struct Field {
  std::string_view section;
  std::string_view key;
  Member member;
  std::string_view requirement;  // "must be ...", said when the type or range is wrong
  std::uint64_t min = 0;         // integer fields: the accepted range
  std::uint64_t max = 0;
  Check check = nullptr;
  bool check_when_loading = true;  // false: only validate() applies `check` (build features, policy)
};

constexpr std::uint64_t kYearSeconds = 365ull * 24 * 60 * 60;
constexpr std::uint64_t kSizeMax = std::numeric_limits<std::size_t>::max();

std::string check_listen(const Config& c) {
  auto problem = net::listen_problem(c.listen);
  if (problem.empty()) return {};
  return quote(c.listen) + " is not HOST:PORT: " + problem + " (e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)";
}

std::string check_public_url(const Config& c) {
  return c.public_url.empty() ? std::string{} : net::public_url_problem(c.public_url, c.insecure_dev);
}

std::string check_data_dir(const Config& c) {
  if (c.data_dir.empty()) return "must not be empty: it is the directory Gatehouse keeps its state in (default ./var)";
  return {};
}

std::string check_backend(const Config& c) {
  const std::string& b = c.backend;
  static const std::vector<std::string> kBuiltins{"builtin:demo", "builtin:everything"};
  static const std::vector<std::string> kShort{"demo", "everything"};
  if (std::find(kBuiltins.begin(), kBuiltins.end(), b) != kBuiltins.end()) return {};
  // A gateway backend: another MCP server for Gatehouse to front.
  if (is_gateway_flag(b)) {
    try {
      backend_from_flag(b);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return {};
  }
  const std::string choices =
      "; use builtin:demo, builtin:everything, 'stdio:COMMAND ARGS...' or http://HOST:PORT/PATH (or [[backend]] tables)";
  if (b.empty()) return "must not be empty" + choices;
  auto suggestion = closest(b, kBuiltins);
  if (!suggestion)
    if (auto name = closest(b, kShort)) suggestion = "builtin:" + *name;
  if (suggestion) return quote(b) + " is not a backend; did you mean " + *suggestion + "?";
  if (b.starts_with("builtin:")) return quote(b) + " is not a built-in backend" + choices;
  return quote(b) + " is not a backend" + choices;
}

std::string check_metrics(const Config& c) {
  if (c.metrics == "local" || c.metrics == "public" || c.metrics == "off") return {};
  std::string out = quote(c.metrics) + " is not one of \"local\", \"public\", \"off\"";
  if (auto suggestion = closest(c.metrics, {"local", "public", "off"})) out += "; did you mean " + quote(*suggestion) + "?";
  return out;
}

std::string check_auth(const Config& c) {
  const std::string& a = c.auth;
  if (a == "none" || a == "oauth" || a == "api-key") return {};
  std::string out = quote(a) + " is not an authentication mode";
  if (auto suggestion = closest(a, {"none", "oauth", "api-key"})) out += "; did you mean " + quote(*suggestion) + "?";
  return out + (out.ends_with('?') ? " Use" : "; use") + " \"none\", \"oauth\" (what Claude supports) or \"api-key\"";
}

std::string check_log_level(const Config& c) {
  static const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error"};
  const std::string& level = c.log_level;
  if (std::find(kLevels.begin(), kLevels.end(), level) != kLevels.end()) return {};
  std::string out = quote(level) + " is not a log level";
  auto suggestion = closest(level, kLevels);
  if (!suggestion && !level.empty())
    for (const auto& known : kLevels)  // "warning", "err"
      if (lower(level).starts_with(known) || known.starts_with(lower(level))) suggestion = known;
  if (suggestion) return out + "; did you mean " + quote(*suggestion) + "? The levels are trace, debug, info, warn and error";
  return out + "; use trace, debug, info, warn or error";
}

std::string check_allowed_origins(const Config& c) {
  for (const auto& origin : c.allowed_origins) {
    const std::string entry = "entry " + quote(origin);
    if (origin.empty()) return "has an empty entry";
    if (origin == "*") return "does not take wildcards: list each origin, e.g. https://app.example.com";
    auto separator = origin.find("://");
    bool ok = separator != std::string::npos && separator > 0 && std::isalpha(static_cast<unsigned char>(origin[0]));
    if (ok) {
      for (std::size_t i = 0; i < separator; ++i) {
        auto ch = static_cast<unsigned char>(origin[i]);
        ok = ok && (std::isalnum(ch) || ch == '+' || ch == '-' || ch == '.');
      }
      std::string_view rest = std::string_view(origin).substr(separator + 3);
      if (rest.ends_with('/')) rest.remove_suffix(1);
      ok = ok && !rest.empty() && rest.front() != ':';
      for (unsigned char ch : rest) ok = ok && (net::is_unreserved(ch) || ch == ':' || ch == '[' || ch == ']');
    }
    if (!ok) return entry + " is not an origin: write SCHEME://HOST[:PORT] without a path, e.g. https://app.example.com";
  }
  return {};
}

std::string check_allowed_hosts(const Config& c) {
  for (const auto& host : c.allowed_hosts) {
    const std::string entry = "entry " + quote(host);
    if (host.empty()) return "has an empty entry";
    if (host == "*" || host.starts_with("*.")) return "does not take wildcards: list each host name, e.g. mcp.example.com";
    if (host.find("://") != std::string::npos || host.find('/') != std::string::npos)
      return entry + " is a URL; write only the host name, e.g. mcp.example.com";
    bool ok = std::all_of(host.begin(), host.end(), [](unsigned char ch) {
      return net::is_unreserved(ch) || ch == ':' || ch == '[' || ch == ']';
    });
    if (!ok) return entry + " is not a host name (e.g. mcp.example.com, or with a port: mcp.example.com:8443)";
  }
  return {};
}

std::string check_trusted_proxies(const Config& c) {
  for (const auto& p : c.trusted_proxies) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(p, ec);
    if (ec) return quote(p) + " is not an IP address (e.g. \"127.0.0.1\" for a proxy on this machine)";
  }
  return {};
}

std::string check_scopes(const Config& c) {
  if (c.scopes.empty()) return "must name at least one scope";
  // The caps every scope value from a request gets (oauth/scope.hpp):
  // a scope a client could not ask for is of no use here.
  if (c.scopes.size() > oauth::kMaxScopes)
    return "names " + std::to_string(c.scopes.size()) + " scopes; at most " + std::to_string(oauth::kMaxScopes) +
           " can be requested at once";
  for (const auto& s : c.scopes) {
    if (s.empty() || s.find_first_of(" \t\"\\") != std::string::npos || s == "offline_access")
      return quote(s) + " is not a scope name this server can offer (no spaces, quotes or offline_access)";
    if (s.size() > oauth::kMaxScopeLength)
      return quote(s) + " is longer than " + std::to_string(oauth::kMaxScopeLength) + " bytes";
  }
  return {};
}

std::string check_tool_scopes(const Config& c) {
  for (const auto& entry : c.tool_scopes) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 >= entry.size())
      return quote(entry) + " is not \"tool=scope ...\", e.g. \"delete_note=notes:write\"";
    auto scopes = oauth::parse_requested_scope(std::string_view(entry).substr(eq + 1));
    if (auto* problem = std::get_if<std::string>(&scopes)) return quote(entry) + ": " + *problem;
  }
  return {};
}

std::string check_api_key_env(const Config& c) {
  for (char ch : c.api_key_env)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'))
      return quote(c.api_key_env) + " is not an environment variable name (letters, digits and _), e.g. \"UPSTREAM_API_KEY\"";
  return {};
}

std::string check_host_patterns(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    if (p.empty()) return "has an empty entry";
    if (p.find("://") != std::string::npos || p.find('/') != std::string::npos)
      return "entry " + quote(p) + " is a URL; write only the host name, e.g. \"claude.ai\" or \"*.example.com\"";
    std::string_view name = p;
    if (name.starts_with("*.")) name.remove_prefix(2);
    bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char ch) {
      return std::isalnum(ch) || ch == '-' || ch == '.';
    });
    if (!ok) return "entry " + quote(p) + " is not a host name or *.domain pattern, e.g. \"claude.ai\" or \"*.example.com\"";
  }
  return {};
}

std::string check_cimd_allowed_hosts(const Config& c) { return check_host_patterns(c.cimd_allowed_hosts); }
std::string check_cimd_denied_hosts(const Config& c) { return check_host_patterns(c.cimd_denied_hosts); }

std::string check_cimd_allowed_ports(const Config& c) {
  if (c.cimd_allowed_ports.empty()) return "must list at least one port (443 is the standard https port)";
  for (auto port : c.cimd_allowed_ports)
    if (port == 0) return "must list ports from 1 to 65535, not 0";
  return {};
}

std::string check_cimd_cache_max_lifetime(const Config& c) {
  if (c.cimd_cache_max_lifetime < c.cimd_cache_min_lifetime)
    return "(" + std::to_string(c.cimd_cache_max_lifetime.count()) + ") must not be less than cimd_cache_min_lifetime (" +
           std::to_string(c.cimd_cache_min_lifetime.count()) + ")";
  return {};
}

std::string check_login_method(const Config& c) {
  if (c.login_method == "local" || c.login_method == "upstream" || c.login_method == "both") return {};
  std::string out = quote(c.login_method) + " is not a sign-in method";
  if (auto suggestion = closest(c.login_method, {"local", "upstream", "both"})) out += "; did you mean " + quote(*suggestion) + "?";
  return out + " Use \"local\" (Gatehouse's users), \"upstream\" ([login.provider]) or \"both\"";
}

std::string check_provider_preset(const Config& c) {
  if (c.provider_preset.empty() || c.provider_preset == "github" || c.provider_preset == "google") return {};
  std::string out = quote(c.provider_preset) + " is not a preset";
  if (auto suggestion = closest(c.provider_preset, {"github", "google"})) out += "; did you mean " + quote(*suggestion) + "?";
  return out + " The presets are \"github\" and \"google\"; for any other provider set issuer (OpenID Connect) or the endpoints";
}

std::string check_provider_kind(const Config& c) {
  if (c.provider_kind.empty() || c.provider_kind == "oidc" || c.provider_kind == "oauth2") return {};
  return quote(c.provider_kind) + " is not \"oidc\" (OpenID Connect) or \"oauth2\" (plain OAuth 2.0)";
}

std::string check_token_auth_method(const Config& c) {
  const auto& m = c.provider_token_endpoint_auth_method;
  if (m == "client_secret_basic" || m == "client_secret_post") return {};
  return quote(m) + " is not \"client_secret_basic\" or \"client_secret_post\"";
}

std::string check_secret_env(const Config& c) {
  if (c.provider_client_secret_env.empty()) return "must name an environment variable";
  for (char ch : c.provider_client_secret_env)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'))
      return quote(c.provider_client_secret_env) + " is not an environment variable name (letters, digits and _)";
  return {};
}

std::string check_params(const std::vector<std::string>& params) {
  for (const auto& p : params) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return quote(p) + " is not \"name=value\", e.g. \"access_type=offline\"";
    static const std::vector<std::string> kReserved{"response_type", "client_id", "redirect_uri", "state", "nonce",
                                                    "code_challenge", "code_challenge_method", "grant_type", "code",
                                                    "code_verifier", "refresh_token", "client_secret"};
    if (std::find(kReserved.begin(), kReserved.end(), p.substr(0, eq)) != kReserved.end())
      return quote(p) + ": " + p.substr(0, eq) + " is set by Gatehouse itself";
  }
  return {};
}
std::string check_authorize_params(const Config& c) { return check_params(c.provider_authorize_params); }
std::string check_token_params(const Config& c) { return check_params(c.provider_token_params); }

std::string check_provider_url(std::string_view url, bool insecure_dev) {
  if (url.empty()) return {};
  if (!(url.starts_with("https://") || (insecure_dev && url.starts_with("http://"))))
    return quote(url) + " must be an https:// URL";
  return net::public_url_problem(url, true);
}
std::string check_provider_issuer(const Config& c) { return check_provider_url(c.provider_issuer, c.insecure_dev); }
std::string check_provider_authorization(const Config& c) { return check_provider_url(c.provider_authorization_endpoint, c.insecure_dev); }
std::string check_provider_token(const Config& c) { return check_provider_url(c.provider_token_endpoint, c.insecure_dev); }
std::string check_provider_userinfo(const Config& c) { return check_provider_url(c.provider_userinfo_endpoint, c.insecure_dev); }
std::string check_provider_revocation(const Config& c) { return check_provider_url(c.provider_revocation_endpoint, c.insecure_dev); }
std::string check_provider_jwks(const Config& c) { return check_provider_url(c.provider_jwks_uri, c.insecure_dev); }
std::string check_provider_api(const Config& c) {
  if (!c.provider_api_url.empty() && c.provider_preset != "github")
    return "applies to preset = \"github\" only (GitHub's API: its users' emails and organisations)";
  return check_provider_url(c.provider_api_url, c.insecure_dev);
}

const std::array kFields{
    // [server]
    Field{"server", "listen", &Config::listen, "must be a string HOST:PORT, e.g. \"127.0.0.1:8080\"", 0, 0, check_listen},
    Field{"server", "public_url", &Config::public_url, "must be a string, e.g. \"https://mcp.example.com\"", 0, 0,
          check_public_url, false},
    Field{"server", "data_dir", &Config::data_dir, "must be a string (a directory path)", 0, 0, check_data_dir},
    Field{"server", "backend", &Config::backend, "must be a string: \"builtin:demo\", \"builtin:everything\" or \"stdio:COMMAND ARGS...\"", 0, 0,
          check_backend, false},
    Field{"server", "auth", &Config::auth, "must be a string: \"none\", \"oauth\" or \"api-key\"", 0, 0, check_auth, false},
    Field{"server", "threads", &Config::threads, "must be an integer from 0 to 256 (0: one per core)", 0, 256},
    Field{"server", "body_limit", &Config::body_limit, "must be a positive integer (bytes)", 1, kSizeMax},
    Field{"server", "read_timeout", &Config::read_timeout, "must be a positive integer (seconds, at most a year)", 1,
          kYearSeconds},
    Field{"server", "shutdown_grace", &Config::shutdown_grace, "must be a positive integer (seconds, at most a year)", 1,
          kYearSeconds},
    Field{"server", "stdio", &Config::stdio, "must be true or false"},
    Field{"server", "trusted_proxies", &Config::trusted_proxies, "must be an array of IP addresses", 0, 0,
          check_trusted_proxies},
    Field{"server", "max_connections", &Config::max_connections,
          "must be an integer from 0 (0: three quarters of the file-descriptor limit)", 0, kSizeMax},
    Field{"server", "max_connections_per_address", &Config::max_connections_per_address,
          "must be an integer from 0 (0: no per-address limit)", 0, kSizeMax},
    Field{"server", "metrics", &Config::metrics, "must be a string: \"local\", \"public\" or \"off\"", 0, 0,
          check_metrics},
    // [mcp]
    Field{"mcp", "stateless", &Config::stateless, "must be true or false"},
    Field{"mcp", "page_size", &Config::page_size, "must be an integer from 1 to 1000", 1, 1000},
    Field{"mcp", "max_sessions", &Config::max_sessions, "must be a positive integer", 1, kSizeMax},
    Field{"mcp", "max_sessions_per_user", &Config::max_sessions_per_user, "must be a positive integer", 1, kSizeMax},
    Field{"mcp", "resumption_buffer_per_session", &Config::resumption_buffer_per_session,
          "must be an integer from 0 (bytes; 0 keeps nothing once written)", 0, kSizeMax},
    Field{"mcp", "resumption_buffer_total", &Config::resumption_buffer_total,
          "must be an integer from 0 (bytes; 0 keeps nothing once written)", 0, kSizeMax},
    Field{"mcp", "session_idle_timeout", &Config::session_idle_timeout,
          "must be a positive integer (seconds, at most a year)", 1, kYearSeconds},
    Field{"mcp", "sse_retry", &Config::sse_retry, "must be a positive integer (milliseconds, at most a year)", 1,
          kYearSeconds * 1000},
    Field{"mcp", "sse_keepalive", &Config::sse_keepalive, "must be a positive integer (seconds, at most a year)", 1,
          kYearSeconds},
    Field{"mcp", "client_request_timeout", &Config::client_request_timeout,
          "must be a positive integer (seconds, at most a year)", 1, kYearSeconds},
    Field{"mcp", "allowed_origins", &Config::allowed_origins,
          "must be an array of strings, e.g. [\"https://app.example.com\"]", 0, 0, check_allowed_origins},
    Field{"mcp", "allowed_hosts", &Config::allowed_hosts, "must be an array of strings, e.g. [\"mcp.example.com\"]", 0,
          0, check_allowed_hosts},
    Field{"mcp", "strict_protocol_headers", &Config::strict_protocol_headers, "must be true or false"},
    Field{"mcp", "list_ttl", &Config::list_ttl, "must be an integer from 0 (milliseconds, at most a year)", 0,
          kYearSeconds * 1000},
    Field{"mcp", "request_state_lifetime", &Config::request_state_lifetime,
          "must be a positive integer (seconds, at most a year)", 1, kYearSeconds},
    Field{"mcp", "request_state_key_file", &Config::request_state_key_file, "must be a string (a file path)"},
    // [oauth]
    Field{"oauth", "scopes", &Config::scopes, "must be a non-empty array of scope names, e.g. [\"mcp\"]", 0, 0, check_scopes},
    Field{"oauth", "access_token_lifetime", &Config::access_token_lifetime,
          "must be an integer from 60 to 86400 (seconds)", 60, 86400},
    Field{"oauth", "refresh_idle_lifetime", &Config::refresh_idle_lifetime,
          "must be a positive integer (seconds, at most a year)", 60, kYearSeconds},
    Field{"oauth", "refresh_absolute_lifetime", &Config::refresh_absolute_lifetime,
          "must be a positive integer (seconds, at most a year)", 60, kYearSeconds},
    Field{"oauth", "refresh_reuse_grace", &Config::refresh_reuse_grace, "must be an integer from 0 to 300 (seconds)", 0,
          300},
    Field{"oauth", "unused_client_lifetime", &Config::unused_client_lifetime,
          "must be a positive integer (seconds, at most a year)", 60, kYearSeconds},
    Field{"oauth", "redirect_uri_allowlist", &Config::redirect_uri_allowlist,
          "must be an array of strings (redirect URIs)"},
    Field{"oauth", "tool_scopes", &Config::tool_scopes, "must be an array of \"tool=scope ...\" strings", 0, 0,
          check_tool_scopes},
    Field{"oauth", "client_id_metadata_documents", &Config::client_id_metadata_documents, "must be true or false"},
    Field{"oauth", "cimd_allowed_hosts", &Config::cimd_allowed_hosts,
          "must be an array of host names, e.g. [\"claude.ai\", \"*.example.com\"]", 0, 0, check_cimd_allowed_hosts},
    Field{"oauth", "cimd_denied_hosts", &Config::cimd_denied_hosts,
          "must be an array of host names, e.g. [\"bad.example.com\"]", 0, 0, check_cimd_denied_hosts},
    Field{"oauth", "cimd_allowed_ports", &Config::cimd_allowed_ports, "must be an array of port numbers, e.g. [443]", 0,
          0, check_cimd_allowed_ports},
    Field{"oauth", "cimd_fetch_timeout", &Config::cimd_fetch_timeout, "must be an integer from 1 to 60 (seconds)", 1, 60},
    Field{"oauth", "cimd_cache_min_lifetime", &Config::cimd_cache_min_lifetime,
          "must be an integer from 0 to 86400 (seconds)", 0, 86400},
    Field{"oauth", "cimd_cache_max_lifetime", &Config::cimd_cache_max_lifetime,
          "must be an integer from 0 to 604800 (seconds)", 0, 604800, check_cimd_cache_max_lifetime, false},
    Field{"oauth", "cimd_cache_entries", &Config::cimd_cache_entries, "must be an integer from 1 to 1000000", 1, 1000000},
    Field{"oauth", "pinned_client_documents", &Config::pinned_client_documents,
          "must be an array of file paths (pinned client metadata documents)"},
    Field{"oauth", "pin_claude_documents", &Config::pin_claude_documents, "must be true or false"},
    // [upstream]
    Field{"upstream", "api_key_env", &Config::api_key_env, "must be a string: the name of an environment variable", 0, 0,
          check_api_key_env},
    // [login]
    Field{"login", "method", &Config::login_method, "must be a string: \"local\", \"upstream\" or \"both\"", 0, 0,
          check_login_method},
    Field{"login", "allow_subjects", &Config::allow_subjects, "must be an array of the provider's user ids"},
    Field{"login", "allow_emails", &Config::allow_emails, "must be an array of email addresses"},
    Field{"login", "allow_email_domains", &Config::allow_email_domains, "must be an array of domains, e.g. [\"example.com\"]"},
    Field{"login", "allow_organizations", &Config::allow_organizations, "must be an array of GitHub organisation names"},
    Field{"login", "allow_everyone", &Config::allow_everyone, "must be true or false"},
    // [login.provider]
    Field{"login.provider", "preset", &Config::provider_preset, "must be a string: \"github\" or \"google\"", 0, 0,
          check_provider_preset},
    Field{"login.provider", "kind", &Config::provider_kind, "must be a string: \"oidc\" or \"oauth2\"", 0, 0,
          check_provider_kind},
    Field{"login.provider", "name", &Config::provider_name, "must be a string, e.g. \"okta\""},
    Field{"login.provider", "display_name", &Config::provider_display_name, "must be a string, e.g. \"Company SSO\""},
    Field{"login.provider", "issuer", &Config::provider_issuer, "must be a string: the provider's issuer URL", 0, 0,
          check_provider_issuer, false},
    Field{"login.provider", "authorization_endpoint", &Config::provider_authorization_endpoint, "must be a string (a URL)",
          0, 0, check_provider_authorization, false},
    Field{"login.provider", "token_endpoint", &Config::provider_token_endpoint, "must be a string (a URL)", 0, 0,
          check_provider_token, false},
    Field{"login.provider", "userinfo_endpoint", &Config::provider_userinfo_endpoint, "must be a string (a URL)", 0, 0,
          check_provider_userinfo, false},
    Field{"login.provider", "revocation_endpoint", &Config::provider_revocation_endpoint, "must be a string (a URL)", 0,
          0, check_provider_revocation, false},
    Field{"login.provider", "jwks_uri", &Config::provider_jwks_uri, "must be a string (a URL)", 0, 0, check_provider_jwks,
          false},
    Field{"login.provider", "client_id", &Config::provider_client_id, "must be a string"},
    Field{"login.provider", "client_secret_env", &Config::provider_client_secret_env,
          "must be a string: the name of an environment variable", 0, 0, check_secret_env},
    Field{"login.provider", "token_endpoint_auth_method", &Config::provider_token_endpoint_auth_method,
          "must be a string: \"client_secret_basic\" or \"client_secret_post\"", 0, 0, check_token_auth_method},
    Field{"login.provider", "scopes", &Config::provider_scopes, "must be an array of scope names"},
    Field{"login.provider", "subject_claim", &Config::provider_subject_claim, "must be a string, e.g. \"sub\""},
    Field{"login.provider", "username_claim", &Config::provider_username_claim, "must be a string, e.g. \"preferred_username\""},
    Field{"login.provider", "email_claim", &Config::provider_email_claim, "must be a string, e.g. \"email\""},
    Field{"login.provider", "authorize_params", &Config::provider_authorize_params,
          "must be an array of \"name=value\" strings", 0, 0, check_authorize_params},
    Field{"login.provider", "token_params", &Config::provider_token_params, "must be an array of \"name=value\" strings",
          0, 0, check_token_params},
    Field{"login.provider", "resource", &Config::provider_resource, "must be a string (a URL)"},
    Field{"login.provider", "private_network", &Config::provider_private_network, "must be true or false"},
    Field{"login.provider", "api_url", &Config::provider_api_url, "must be a string: GitHub's API base URL", 0, 0,
          check_provider_api, false},
    // [connect] (its [[connect.field]] tables and check_headers are read by apply_connect)
    Field{"connect", "title", &Config::connect_title, "must be a string: the form's heading"},
    Field{"connect", "description", &Config::connect_description, "must be a string: a paragraph under the heading"},
    Field{"connect", "check_url", &Config::connect_check_url,
          "must be a string: a URL template, e.g. \"https://{connection.instance}/api/me\""},
    // [log]
    Field{"log", "log_level", &Config::log_level, "must be a string: trace, debug, info, warn or error", 0, 0,
          check_log_level},
};

constexpr std::array kSections{"server"sv, "mcp"sv, "oauth"sv, "upstream"sv, "login"sv, "login.provider"sv, "connect"sv, "log"sv};

std::string title(const Field& f) { return "[" + std::string(f.section) + "] " + std::string(f.key); }

const Field* find_field(std::string_view section, std::string_view key) {
  for (const auto& f : kFields)
    if (f.section == section && f.key == key) return &f;
  return nullptr;
}

const Field* find_key_anywhere(std::string_view key) {
  for (const auto& f : kFields)
    if (f.key == key) return &f;
  return nullptr;
}

bool is_section(std::string_view name) {
  return std::find(kSections.begin(), kSections.end(), name) != kSections.end();
}

std::vector<std::string> keys_of(std::string_view section) {
  std::vector<std::string> out;
  for (const auto& f : kFields)
    if (f.section == section) out.emplace_back(f.key);
  return out;
}

std::string sections_list() {
  std::vector<std::string> names;
  for (auto section : kSections) {
    std::string name(1, '[');
    name.append(section).push_back(']');
    names.push_back(std::move(name));
  }
  names.push_back("[[backend]]");
  return join_and(names);
}

bool is_integer(const Field& f) {
  return std::holds_alternative<std::size_t Config::*>(f.member) ||
         std::holds_alternative<std::chrono::seconds Config::*>(f.member) ||
         std::holds_alternative<std::chrono::milliseconds Config::*>(f.member);
}

// `value` is within the field's range.
void set_integer(Config& c, const Field& f, std::uint64_t value) {
  if (auto m = std::get_if<std::size_t Config::*>(&f.member)) c.*(*m) = static_cast<std::size_t>(value);
  if (auto m = std::get_if<std::chrono::seconds Config::*>(&f.member))
    c.*(*m) = std::chrono::seconds(static_cast<std::chrono::seconds::rep>(value));
  if (auto m = std::get_if<std::chrono::milliseconds Config::*>(&f.member))
    c.*(*m) = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(value));
}

// "" when the integer field's current value is in range, else the message.
std::string integer_problem(const Config& c, const Field& f) {
  std::int64_t signed_value = 0;
  std::uint64_t value = 0;
  if (auto m = std::get_if<std::size_t Config::*>(&f.member)) value = c.*(*m);
  if (auto m = std::get_if<std::chrono::seconds Config::*>(&f.member)) signed_value = (c.*(*m)).count();
  if (auto m = std::get_if<std::chrono::milliseconds Config::*>(&f.member)) signed_value = (c.*(*m)).count();
  if (signed_value < 0) return std::string(f.requirement) + ", got " + std::to_string(signed_value);
  if (signed_value > 0) value = static_cast<std::uint64_t>(signed_value);
  if (value < f.min || value > f.max) return std::string(f.requirement) + ", got " + std::to_string(value);
  return {};
}

// The rule check after a value was loaded; throws with `where` in front.
void check_loaded(const Config& c, const Field& f, const std::string& where) {
  if (!f.check || !f.check_when_loading) return;
  if (auto problem = f.check(c); !problem.empty()) throw ConfigError(where + title(f) + " " + problem);
}

// ---------------------------------------------------------------- file

std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "the string " + quote(node.as_string()->get());
    case toml::node_type::integer: return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      std::ostringstream out;
      out << node.as_floating_point()->get();
      return out.str();
    }
    case toml::node_type::boolean: return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    default: return "nothing";
  }
}

class FileReader {
 public:
  FileReader(std::filesystem::path file, Config& config) : file_(std::move(file)), name_(file_.string()), config_(config) {}

  void apply() { apply_text(read()); }

  void apply_text(std::string_view text) {
    toml::table root = parse(text);
    for (auto&& [key, node] : root) apply_section(key, node);
  }

 private:
  std::string read() const {
    std::error_code ec;
    auto status = std::filesystem::status(file_, ec);
    if (status.type() == std::filesystem::file_type::not_found)
      throw ConfigError("config file " + name_ + " does not exist");
    if (ec) throw ConfigError("cannot read config file " + name_ + ": " + ec.message());
    if (std::filesystem::is_directory(status))
      throw ConfigError("config file " + name_ + " is a directory; give the path of a .toml file");
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw ConfigError("cannot open config file " + name_ + ": check that it is readable by this user");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw ConfigError("cannot read config file " + name_);
    return text;
  }

  toml::table parse(std::string_view text) const {
    refuse_non_ascii_outside_strings(text);
    // The scan above follows TOML's grammar, not toml++'s way of reading a
    // document it cannot parse. So the text is first parsed with every byte
    // beyond ASCII replaced by a backquote, a character TOML allows only in
    // strings and comments: when that parses, no such character stands where
    // toml++ would classify it, and the real text is safe to parse.
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      std::string probe(text);
      for (auto& c : probe)
        if (static_cast<unsigned char>(c) >= 0x80) c = '`';
      parse_or_explain(probe, text);
    }
    return parse_or_explain(text, text);
  }

  // Parses `text`; a syntax error names the file, line and column, explained
  // with the line as written in `original` (the same bytes but for the
  // replaced ones).
  toml::table parse_or_explain(std::string_view text, std::string_view original) const {
    try {
      return toml::parse(text, std::string_view(name_));
    } catch (const toml::parse_error& e) {
      const auto& begin = e.source().begin;
      std::string where = name_;
      if (begin.line > 0) where += ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
      auto line = line_of(original, begin.line);
      if (begin.column > 0 && begin.column <= line.size() && static_cast<unsigned char>(line[begin.column - 1]) >= 0x80)
        throw ConfigError(where + ": a character beyond ASCII outside a string or comment (TOML syntax error; quote "
                                  "the value)");
      throw ConfigError(where + ": " + explain_toml_syntax_error(e.description(), line));
    }
  }

  // TOML 1.0 allows characters beyond ASCII only in strings and comments
  // (bare keys are A-Za-z0-9_-). toml++ 3.3 reaches __builtin_unreachable
  // (undefined behaviour, in every build) when it asks whether such a
  // character elsewhere is whitespace (is_non_ascii_horizontal_whitespace,
  // e.g. U+00A1-U+0499; found by the config_toml fuzzer), so that case is
  // reported here, with its line, before toml++ reads the text.
  //
  // toml++ also classifies characters it scans past while reading a value it
  // cannot parse (`x = 0xog"é"` is scanned to its end as one bad value), and
  // the whitespace after a line-ending backslash in a multi-line basic
  // string. So a quote opens a string here only where TOML lets a string
  // start (at the start of a line, after `=`, `[`, `,` or `{`, or after `.`
  // in a dotted key), and the first character after a line-ending backslash
  // must be ASCII.
  void refuse_non_ascii_outside_strings(std::string_view text) const {
    enum class In { value, basic, literal, multiline_basic, multiline_literal, comment } in = In::value;
    std::size_t line = 1, line_start = 0;
    char previous = '\n';       // the last character outside strings and comments that is not blank
    bool key_context = true;    // before the line's `=`: a `.` separates parts of a key
    bool continuation = false;  // after a line-ending backslash, in a multi-line basic string
    auto refuse = [&](std::size_t i, const std::string& what) {
      throw ConfigError(name_ + ":" + std::to_string(line) + ":" + std::to_string(i - line_start + 1) + ": " + what);
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      const auto rest = text.substr(i);
      // A character beyond ASCII is judged once, at its first byte.
      std::size_t extra_bytes = 0;
      if (static_cast<unsigned char>(c) >= 0x80) {
        auto length = utf8_sequence_length(rest);
        if (length == 0) refuse(i, explain_toml_syntax_error("Encountered invalid utf-8 sequence", {}));
        extra_bytes = length - 1;
      }
      if (c == '\n') {
        ++line;
        line_start = i + 1;
        // Single-line strings and comments end at the line's end.
        if (in != In::multiline_basic && in != In::multiline_literal) {
          in = In::value;
          previous = '\n';
          key_context = true;
        }
        continue;
      }
      if (continuation) {
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (static_cast<unsigned char>(c) >= 0x80)
          refuse(i, "a character beyond ASCII right after a line-ending backslash (TOML syntax error; write it as a "
                    "\\u escape)");
        continuation = false;
      }
      switch (in) {
        case In::value: {
          if (static_cast<unsigned char>(c) >= 0x80)
            refuse(i, "a character beyond ASCII outside a string or comment (TOML syntax error; quote the value)");
          if (c == ' ' || c == '\t' || c == '\r') break;
          const bool string_may_start = previous == '\n' || previous == '=' || previous == '[' || previous == ',' ||
                                        previous == '{' || (previous == '.' && key_context);
          if (c == '#') in = In::comment;
          else if (string_may_start && rest.starts_with(R"(""")")) in = In::multiline_basic, i += 2;
          else if (string_may_start && c == '"') in = In::basic;
          else if (string_may_start && rest.starts_with("'''")) in = In::multiline_literal, i += 2;
          else if (string_may_start && c == '\'') in = In::literal;
          if (c == '=') key_context = false;
          previous = c;
          break;
        }
        case In::basic:
          if (c == '\\') ++i;
          else if (c == '"') in = In::value;
          break;
        case In::multiline_basic:
          if (c == '\\') {
            // A backslash with only blanks after it on its line trims what follows.
            auto after = rest.substr(1);
            auto blanks = after.find_first_not_of(" \t\r");
            if (blanks != std::string_view::npos && after[blanks] == '\n') continuation = true;
            else ++i;
          } else if (rest.starts_with(R"(""")")) {
            in = In::value, i += 2;
          }
          break;
        case In::literal:
          if (c == '\'') in = In::value;
          break;
        case In::multiline_literal:
          if (rest.starts_with("'''")) in = In::value, i += 2;
          break;
        case In::comment: break;
      }
      i += extra_bytes;
    }
  }

  // RFC 3629 §4: the length of the well-formed UTF-8 sequence `text` starts
  // with (no overlong forms, surrogates or code points past U+10FFFF); 0
  // when it starts with none.
  static std::size_t utf8_sequence_length(std::string_view text) {
    if (text.empty()) return 0;
    const auto c = static_cast<unsigned char>(text[0]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || length > text.size()) return 0;
    std::uint32_t code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[k]);
      if ((next & 0xC0) != 0x80) return 0;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
  }

  // Line `number` (from 1) of `text`, without its line break.
  static std::string_view line_of(std::string_view text, std::size_t number) {
    for (std::size_t n = 1; n < number; ++n) {
      auto newline = text.find('\n');
      if (newline == std::string_view::npos) return {};
      text.remove_prefix(newline + 1);
    }
    return text.substr(0, text.find('\n'));
  }

  std::string at(const toml::source_region& region) const {
    if (region.begin.line == 0) return name_ + ": ";
    return name_ + ":" + std::to_string(region.begin.line) + ": ";
  }

  std::string at(const toml::key& key, const toml::node& node) const {
    return at(key.source().begin.line > 0 ? key.source() : node.source());
  }

  void apply_section(const toml::key& key, const toml::node& node) {
    const std::string_view name = key.str();
    const std::string where = at(key, node);
    if (name == "backend" && !node.is_string()) return apply_backends(node, where);
    if (!is_section(name)) {
      if (!node.is_table()) {
        std::string out = where + "key " + quote(name) + " is outside any section";
        if (auto* f = find_key_anywhere(name))
          out += ": put it under [" + std::string(f->section) + "]";
        else
          out += "; the sections are " + sections_list();
        throw ConfigError(out);
      }
      std::string out = where + "unknown section [" + std::string(name) + "]";
      std::vector<std::string> sections(kSections.begin(), kSections.end());
      if (auto suggestion = closest(name, sections))
        out += "; did you mean [" + *suggestion + "]?";
      else
        out += "; the sections are " + sections_list();
      throw ConfigError(out);
    }
    const auto* table = node.as_table();
    if (!table)
      throw ConfigError(where + "[" + std::string(name) + "] must be a section (a line [" + std::string(name) +
                        "] followed by its keys), not " + describe(node));
    for (auto&& [k, v] : *table) {
      if (name == "connect" && (k.str() == "field" || k.str() == "check_headers")) {
        apply_connect(k, v);
        continue;
      }
      // A sub-table that is a section of its own: [login.provider].
      const std::string nested = std::string(name) + "." + std::string(k.str());
      if (v.is_table() && is_section(nested)) {
        const auto section = *std::find(kSections.begin(), kSections.end(), nested);
        for (auto&& [k2, v2] : *v.as_table()) apply_key(section, k2, v2);
        continue;
      }
      apply_key(name, k, v);
    }
  }

  // [[connect.field]] tables and [connect.check_headers] (config.hpp
  // ConnectField; rules in connect_rules.cpp).
  void apply_connect(const toml::key& key, const toml::node& node) {
    const std::string where = at(key, node);
    if (key.str() == "check_headers") {
      const auto* t = node.as_table();
      if (!t)
        throw ConfigError(where + "[connect] check_headers must be a table of strings ([connect.check_headers] or "
                          "check_headers = { Authorization = \"Bearer {connection.api_key}\" }), got " + describe(node));
      for (auto&& [name, value] : *t) {
        if (!value.is_string())
          throw ConfigError(at(name, value) + "[connect] check_headers." + std::string(name.str()) +
                            " must be a string, got " + describe(value));
        config_.connect_check_headers[std::string(name.str())] = value.as_string()->get();
      }
      return;
    }
    const auto* array = node.as_array();
    if (!array || !array->is_array_of_tables())
      throw ConfigError(where + "connect form fields are written [[connect.field]] (two brackets), one table per "
                        "field, not " + describe(node));
    static const std::vector<std::string> kKeys{"name", "label", "kind", "required", "pattern", "schemes",
                                                "hosts", "help", "max_length", "placeholder"};
    for (const auto& item : *array) {
      const auto& table = *item.as_table();
      ConnectField f;
      f.where = at(table.source()).substr(0, at(table.source()).size() - 2);
      for (auto&& entry : table) {
        // Named references, not a structured binding: the lambdas below use
        // them (clang refuses to capture structured bindings).
        const toml::key& k = entry.first;
        const toml::node& v = entry.second;
        const std::string w = at(k, v);
        const std::string title = "[[connect.field]] " + std::string(k.str());
        auto wrong = [&](std::string_view requirement) {
          throw ConfigError(w + title + " must be " + std::string(requirement) + ", got " + describe(v));
        };
        auto string = [&]() -> std::string {
          if (!v.is_string()) wrong("a string");
          return v.as_string()->get();
        };
        auto strings = [&]() {
          const auto* a = v.as_array();
          if (!a) wrong("an array of strings");
          std::vector<std::string> out;
          for (std::size_t i = 0; i < a->size(); ++i) {
            if (!a->get(i)->is_string()) wrong("an array of strings");
            out.push_back(a->get(i)->as_string()->get());
          }
          return out;
        };
        const std::string_view name = k.str();
        if (name == "name") f.name = string();
        else if (name == "label") f.label = string();
        else if (name == "kind") f.kind = string();
        else if (name == "required") {
          if (!v.is_boolean()) wrong("true or false");
          f.required = v.as_boolean()->get();
        } else if (name == "pattern") f.pattern = string();
        else if (name == "schemes") f.schemes = strings();
        else if (name == "hosts") f.hosts = strings();
        else if (name == "help") f.help = string();
        else if (name == "placeholder") f.placeholder = string();
        else if (name == "max_length") {
          if (!v.is_integer() || v.as_integer()->get() < 1 || v.as_integer()->get() > 65536)
            wrong("an integer from 1 to 65536 (bytes)");
          f.max_length = static_cast<std::size_t>(v.as_integer()->get());
        } else {
          std::string out = w + "unknown key " + quote(name) + " in [[connect.field]]";
          if (auto guess = closest(name, kKeys)) throw ConfigError(out + "; did you mean " + quote(*guess) + "?");
          throw ConfigError(out + "; the keys are " + join_and(kKeys));
        }
      }
      config_.connect_fields.push_back(std::move(f));
    }
  }

  // [[backend]] tables (config.hpp BackendConfig; rules in backend_rules.cpp).
  void apply_backends(const toml::node& node, const std::string& where) {
    const auto* array = node.as_array();
    if (!array || !array->is_array_of_tables())
      throw ConfigError(where + "backends are written [[backend]] (two brackets), one table per backend, not " +
                        (node.is_table() ? std::string("[backend]") : describe(node)));
    for (const auto& item : *array) {
      const auto& table = *item.as_table();
      BackendConfig b;
      b.where = at(table.source()).substr(0, at(table.source()).size() - 2);
      for (auto&& [k, v] : table) apply_backend_key(b, k, v);
      config_.backends.push_back(std::move(b));
    }
  }

  void apply_backend_key(BackendConfig& b, const toml::key& key, const toml::node& node) {
    static const std::vector<std::string> kKeys{
        "name",        "command",       "url",           "cwd",           "env",          "headers",
        "isolation",   "prefix",        "allow_tools",   "deny_tools",    "tool_scopes",  "max_result_chars",
        "start_timeout", "call_timeout", "idle_timeout", "max_processes", "max_waiting_calls", "ca_file"};
    const std::string where = at(key, node);
    const std::string k(key.str());
    const std::string title = "[[backend]] " + k;
    b.key_where[k] = where.substr(0, where.size() - 2);
    auto wrong = [&](std::string_view requirement) {
      throw ConfigError(where + title + " must be " + std::string(requirement) + ", got " + describe(node));
    };
    auto string = [&]() -> std::string {
      if (!node.is_string()) wrong("a string");
      return node.as_string()->get();
    };
    auto strings = [&]() {
      const auto* array = node.as_array();
      if (!array) wrong("an array of strings");
      std::vector<std::string> out;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const auto* s = array->get(i)->as_string();
        if (!s)
          throw ConfigError(at(array->get(i)->source().begin.line > 0 ? array->get(i)->source() : node.source()) +
                            title + " must be an array of strings, but item " + std::to_string(i + 1) + " is " +
                            describe(*array->get(i)));
        out.push_back(s->get());
      }
      return out;
    };
    auto table = [&]() {
      const auto* t = node.as_table();
      if (!t) wrong("a table of strings ([backend." + k + "] or " + k + " = { NAME = \"value\" })");
      std::map<std::string, std::string> out;
      for (auto&& [name, value] : *t) {
        if (!value.is_string())
          throw ConfigError(at(name, value) + title + "." + std::string(name.str()) + " must be a string, got " +
                            describe(value));
        out[std::string(name.str())] = value.as_string()->get();
      }
      return out;
    };
    auto integer = [&](std::int64_t min, std::int64_t max, std::string_view unit) -> std::int64_t {
      if (!node.is_integer() || node.as_integer()->get() < min || node.as_integer()->get() > max)
        wrong("an integer from " + std::to_string(min) + " to " + std::to_string(max) + " (" + std::string(unit) + ")");
      return node.as_integer()->get();
    };
    auto path = [&]() {
      std::filesystem::path p = string();
      if (!p.empty() && p.is_relative()) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(file_, ec);
        p = ((ec ? file_ : absolute).parent_path() / p).lexically_normal();
      }
      return p;
    };
    const std::int64_t year = static_cast<std::int64_t>(kYearSeconds);
    if (k == "name") b.name = string();
    else if (k == "command") b.command = strings();
    else if (k == "url") b.url = string();
    else if (k == "cwd") b.cwd = path();
    else if (k == "env") b.env = table();
    else if (k == "headers") b.headers = table();
    else if (k == "isolation") b.isolation = string();
    else if (k == "prefix") b.prefix = string();
    else if (k == "allow_tools") b.allow_tools = strings();
    else if (k == "deny_tools") b.deny_tools = strings();
    else if (k == "tool_scopes") b.tool_scopes = strings();
    else if (k == "max_result_chars") b.max_result_chars = static_cast<std::size_t>(integer(0, 1'000'000'000, "characters; 0: no cap"));
    else if (k == "start_timeout") b.start_timeout = std::chrono::seconds(integer(1, year, "seconds"));
    else if (k == "call_timeout") b.call_timeout = std::chrono::seconds(integer(1, year, "seconds"));
    else if (k == "idle_timeout") b.idle_timeout = std::chrono::seconds(integer(1, year, "seconds"));
    else if (k == "max_processes") b.max_processes = static_cast<std::size_t>(integer(1, 100'000, "processes"));
    else if (k == "max_waiting_calls") b.max_waiting_calls = static_cast<std::size_t>(integer(1, 1'000'000, "calls"));
    else if (k == "ca_file") b.ca_file = path();
    else {
      std::string out = where + "unknown key " + quote(k) + " in [[backend]]";
      if (auto guess = closest(k, kKeys)) throw ConfigError(out + "; did you mean " + quote(*guess) + "?");
      throw ConfigError(out + "; the keys are " + join_and(kKeys));
    }
  }

  void apply_key(std::string_view section, const toml::key& key, const toml::node& node) {
    const std::string where = at(key, node);
    const Field* field = find_field(section, key.str());
    if (!field) throw ConfigError(where + unknown_key(section, key.str()));
    apply_value(*field, node, where);
    config_.sources[title(*field)] = where.substr(0, where.size() - 2);  // "file:line"
    check_loaded(config_, *field, where);
  }

  static std::string unknown_key(std::string_view section, std::string_view key) {
    std::string out = "unknown key " + quote(key) + " in [" + std::string(section) + "]";
    if (auto* elsewhere = find_key_anywhere(key)) return out + "; it belongs in [" + std::string(elsewhere->section) + "]";
    if (auto suggestion = closest(key, keys_of(section))) return out + "; did you mean " + quote(*suggestion) + "?";
    for (auto other : kSections)
      if (other != section)
        if (auto suggestion = closest(key, keys_of(other)))
          return out + "; did you mean " + quote(*suggestion) + " (in [" + std::string(other) + "])?";
    return out + "; the keys in [" + std::string(section) + "] are " + join_and(keys_of(section));
  }

  [[noreturn]] static void wrong(const Field& f, const toml::node& node, const std::string& where) {
    throw ConfigError(where + title(f) + " " + std::string(f.requirement) + ", got " + describe(node) +
                      near_miss(f, node));
  }

  // A right value in quotes ("true", "30"): say how to write it.
  static std::string near_miss(const Field& f, const toml::node& node) {
    if (!node.is_string()) return {};
    const std::string v = lower(trim(node.as_string()->get()));
    if (std::holds_alternative<bool Config::*>(f.member)) {
      if (v == "true" || v == "yes" || v == "on" || v == "1") return "; write true, without quotes";
      if (v == "false" || v == "no" || v == "off" || v == "0") return "; write false, without quotes";
    }
    if (is_integer(f) && all_digits(v)) return "; write " + v + ", without quotes";
    return {};
  }

  // Item `i` (from 0) of the array `array` is not what the field takes.
  [[noreturn]] void wrong_item(const Field& f, const toml::node& array, const toml::node& item, std::size_t i,
                               std::string_view note = {}) const {
    throw ConfigError(at(item.source().begin.line > 0 ? item.source() : array.source()) + title(f) + " " +
                      std::string(f.requirement) + ", but item " + std::to_string(i + 1) + " is " + describe(item) +
                      std::string(note));
  }

  void apply_value(const Field& f, const toml::node& node, const std::string& where) {
    Config& c = config_;
    if (auto m = std::get_if<std::string Config::*>(&f.member)) {
      if (!node.is_string()) wrong(f, node, where);
      c.*(*m) = node.as_string()->get();
    } else if (auto m = std::get_if<std::filesystem::path Config::*>(&f.member)) {
      if (!node.is_string()) wrong(f, node, where);
      std::filesystem::path path = node.as_string()->get();
      if (!path.empty() && path.is_relative()) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(file_, ec);
        path = ((ec ? file_ : absolute).parent_path() / path).lexically_normal();
      }
      c.*(*m) = path;
    } else if (auto m = std::get_if<bool Config::*>(&f.member)) {
      if (!node.is_boolean()) wrong(f, node, where);
      c.*(*m) = node.as_boolean()->get();
    } else if (auto m = std::get_if<std::vector<std::string> Config::*>(&f.member)) {
      const auto* array = node.as_array();
      if (!array) wrong(f, node, where);
      std::vector<std::string> items;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        if (!item.is_string()) wrong_item(f, node, item, i);
        items.push_back(item.as_string()->get());
      }
      c.*(*m) = std::move(items);
    } else if (auto m = std::get_if<std::vector<std::uint16_t> Config::*>(&f.member)) {
      const auto* array = node.as_array();
      if (!array) wrong(f, node, where);
      std::vector<std::uint16_t> ports;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        if (!item.is_integer() || item.as_integer()->get() < 1 || item.as_integer()->get() > 65535)
          wrong_item(f, node, item, i, " (ports are 1 to 65535)");
        ports.push_back(static_cast<std::uint16_t>(item.as_integer()->get()));
      }
      c.*(*m) = std::move(ports);
    } else {  // integers
      if (!node.is_integer()) wrong(f, node, where);
      std::int64_t value = node.as_integer()->get();
      if (value < 0 || static_cast<std::uint64_t>(value) < f.min || static_cast<std::uint64_t>(value) > f.max)
        wrong(f, node, where);
      set_integer(c, f, static_cast<std::uint64_t>(value));
    }
  }

  std::filesystem::path file_;
  std::string name_;
  Config& config_;
};

// ---------------------------------------------------------------- environment

constexpr std::string_view kPrefix = "GATEHOUSE_";

// Variables of the repository's scripts and tests, not configuration.
constexpr std::array kToolingVariables{"GATEHOUSE_BIN"sv, "GATEHOUSE_SKIP_APT"sv, "GATEHOUSE_SKIP_NPM"sv};
// Secrets read where they are used, never as configuration values
// (upstream/vault_keys.hpp; [login.provider] client_secret_env).
constexpr std::array kSecretVariables{"GATEHOUSE_SECRET_KEY"sv, "GATEHOUSE_SECRET_KEY_PREVIOUS"sv};

// GATEHOUSE_<SECTION>_<KEY>, without saying the section twice ([log]
// log_level is GATEHOUSE_LOG_LEVEL).
std::string variable_name(const Field& f) {
  std::string_view key = f.key;
  if (key.starts_with(f.section) && key.substr(f.section.size()).starts_with('_'))
    key.remove_prefix(f.section.size() + 1);
  std::string section = upper(f.section);
  std::replace(section.begin(), section.end(), '.', '_');  // [login.provider] -> LOGIN_PROVIDER
  return std::string(kPrefix) + section + "_" + upper(key);
}

const Field* find_variable(std::string_view name) {
  for (const auto& f : kFields)
    if (variable_name(f) == name) return &f;
  return nullptr;
}

std::string unknown_variable(std::string_view name) {
  std::string out = "unknown environment variable " + std::string(name);
  const std::string_view tail = name.substr(kPrefix.size());
  // Besides typos, catch a right key under a missing or wrong section:
  // GATEHOUSE_LISTEN, GATEHOUSE_MCP_LISTEN, GATEHOUSE_LOG_LOG_LEVEL.
  const auto underscore = tail.find('_');
  const std::string_view after_section = underscore == std::string_view::npos ? tail : tail.substr(underscore + 1);
  const Field* best = nullptr;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& f : kFields) {
    const std::string full = variable_name(f);
    const std::string_view candidate_tail = std::string_view(full).substr(kPrefix.size());
    const std::string_view candidate_key = candidate_tail.substr(candidate_tail.find('_') + 1);
    const std::string key = upper(f.key);
    const std::pair<std::string_view, std::string_view> comparisons[] = {
        {tail, candidate_tail}, {tail, key}, {tail, candidate_key}, {after_section, key}, {after_section, candidate_key}};
    for (auto [word, candidate] : comparisons) {
      auto d = edit_distance(word, candidate);
      if (d <= typo_budget(candidate) && d < best_distance) {
        best = &f;
        best_distance = d;
      }
    }
  }
  if (best) return out + "; did you mean " + variable_name(*best) + "?";
  std::vector<std::string> names;
  for (const auto& f : kFields) names.push_back(variable_name(f));
  return out + "; unset it, or use one of " + join_and(names);
}

// A list in an environment variable: comma-separated, items trimmed, empty
// items dropped ("a, b,,c" is a, b and c).
std::vector<std::string_view> comma_items(std::string_view value) {
  std::vector<std::string_view> items;
  while (!value.empty()) {
    auto comma = value.find(',');
    if (auto item = trim(value.substr(0, comma)); !item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

void apply_variable(Config& c, const Field& f, std::string_view name, std::string_view raw) {
  const std::string where = "environment variable " + std::string(name) + ": ";
  const std::string_view value = trim(raw);
  auto wrong = [&](std::string_view requirement) {
    throw ConfigError(where + title(f) + " " + std::string(requirement) + ", got " + quote(value));
  };
  if (auto m = std::get_if<std::string Config::*>(&f.member)) {
    c.*(*m) = std::string(value);
  } else if (auto m = std::get_if<std::filesystem::path Config::*>(&f.member)) {
    c.*(*m) = std::filesystem::path(std::string(value));
  } else if (auto m = std::get_if<bool Config::*>(&f.member)) {
    const std::string v = lower(value);
    if (v == "true" || v == "1" || v == "yes")
      c.*(*m) = true;
    else if (v == "false" || v == "0" || v == "no")
      c.*(*m) = false;
    else
      wrong("must be true, false, 1, 0, yes or no");
  } else if (auto m = std::get_if<std::vector<std::string> Config::*>(&f.member)) {
    std::vector<std::string> items;
    for (auto item : comma_items(value)) items.emplace_back(item);
    c.*(*m) = std::move(items);
  } else if (auto m = std::get_if<std::vector<std::uint16_t> Config::*>(&f.member)) {
    std::vector<std::uint16_t> ports;
    for (auto item : comma_items(value)) {
      unsigned port = 0;
      auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), port);
      if (!all_digits(item) || ec != std::errc{} || end != item.data() + item.size() || port < 1 || port > 65535)
        wrong("must be comma-separated port numbers from 1 to 65535, e.g. 443,8443");
      ports.push_back(static_cast<std::uint16_t>(port));
    }
    c.*(*m) = std::move(ports);
  } else {  // integers
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (!all_digits(value) || ec != std::errc{} || end != value.data() + value.size() || number < f.min ||
        number > f.max)
      wrong(f.requirement);
    set_integer(c, f, number);
  }
  c.sources[title(f)] = "environment variable " + std::string(name);
  check_loaded(c, f, where);
}

// What an error about `f` starts with: where its value was set, then the key
// ("gatehouse.toml:3: [server] auth ", "environment variable
// GATEHOUSE_SERVER_AUTH: [server] auth "), or the flag that set it ("--auth ").
std::string subject(const Config& c, const Field& f) {
  auto it = c.sources.find(title(f));
  if (it == c.sources.end()) return title(f) + " ";
  if (it->second.starts_with("--")) return it->second + " ";
  return it->second + ": " + title(f) + " ";
}

// `f` set to `value`, the way the operator wrote it: "--auth oauth",
// "GATEHOUSE_SERVER_AUTH=oauth", or "[server] auth = "oauth" (gatehouse.toml:3)".
std::string setting(const Config& c, const Field& f, std::string_view value, std::string_view toml_value) {
  auto it = c.sources.find(title(f));
  if (it != c.sources.end() && it->second.starts_with("--"))
    return it->second + (std::holds_alternative<bool Config::*>(f.member) ? "" : " " + std::string(value));
  if (it != c.sources.end() && it->second.starts_with("environment variable "))
    return variable_name(f) + "=" + std::string(value);
  std::string out = title(f) + " = " + std::string(toml_value);
  if (it != c.sources.end()) out += " (" + it->second + ")";
  return out;
}

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

// ---------------------------------------------------------------- public

void apply_file(Config& config, const std::filesystem::path& file) { FileReader(file, config).apply(); }

void apply_text(Config& config, std::string_view text, const std::filesystem::path& file) {
  FileReader(file, config).apply_text(text);
}

void apply_environment(Config& config) {
  std::vector<std::string> environment;
  for (char** entry = ::environ; entry && *entry; ++entry) environment.emplace_back(*entry);
  apply_environment(config, environment);
}

void apply_environment(Config& config, const std::vector<std::string>& environment) {
  for (const auto& entry : environment) {
    auto equals = entry.find('=');
    if (equals == std::string::npos) continue;
    std::string_view name = std::string_view(entry).substr(0, equals);
    if (!name.starts_with(kPrefix)) continue;
    if (std::find(kToolingVariables.begin(), kToolingVariables.end(), name) != kToolingVariables.end()) continue;
    if (std::find(kSecretVariables.begin(), kSecretVariables.end(), name) != kSecretVariables.end()) continue;
    if (name == config.provider_client_secret_env) continue;
    const Field* field = find_variable(name);
    if (!field) throw ConfigError(unknown_variable(name));
    apply_variable(config, *field, name, std::string_view(entry).substr(equals + 1));
  }
}

void note_flag(Config& config, std::string_view key, std::string_view flag) {
  if (const Field* f = find_key_anywhere(key)) config.sources[title(*f)] = std::string(flag);
}

void validate(const Config& config) {
  for (const auto& f : kFields) {
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
