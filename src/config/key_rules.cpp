#include "config/key_rules.hpp"

#include "config/backend_rules.hpp"
#include "config/load.hpp"
#include "config/spelling.hpp"
#include "net/listen_address.hpp"
#include "net/public_url.hpp"
#include "net/quote.hpp"
#include "net/text.hpp"
#include "oauth/scope.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <variant>
#include <vector>

namespace gatehouse::config {

using net::lower;
using net::quote;

namespace {

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

std::string check_provider_url(std::string_view url, bool insecure_dev) {
  if (url.empty()) return {};
  if (!(url.starts_with("https://") || (insecure_dev && url.starts_with("http://"))))
    return quote(url) + " must be an https:// URL";
  return net::public_url_problem(url, true);
}

}  // namespace

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

std::string check_authorize_params(const Config& c) { return check_params(c.provider_authorize_params); }
std::string check_token_params(const Config& c) { return check_params(c.provider_token_params); }

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

}  // namespace gatehouse::config
