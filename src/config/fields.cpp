#include "config/fields.hpp"

#include "config/key_rules.hpp"
#include "config/load.hpp"
#include "config/text.hpp"

#include <algorithm>
#include <limits>

namespace gatehouse::config {

namespace {

constexpr std::uint64_t kSizeMax = std::numeric_limits<std::size_t>::max();

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
    // [tasks]
    Field{"tasks", "ttl", &Config::task_ttl, "must be an integer from 60 to 2592000 (seconds, at most 30 days)", 60,
          2592000},
    Field{"tasks", "poll_interval", &Config::task_poll_interval, "must be an integer from 100 to 600000 (milliseconds)",
          100, 600000},
    Field{"tasks", "max_running_per_user", &Config::max_running_tasks_per_user, "must be an integer from 1 to 10000", 1,
          10000},
    Field{"tasks", "max_kept_per_user", &Config::max_kept_tasks_per_user, "must be an integer from 1 to 1000000", 1,
          1000000},
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

}  // namespace

std::span<const Field> fields() { return kFields; }

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

void set_integer(Config& c, const Field& f, std::uint64_t value) {
  if (auto m = std::get_if<std::size_t Config::*>(&f.member)) c.*(*m) = static_cast<std::size_t>(value);
  if (auto m = std::get_if<std::chrono::seconds Config::*>(&f.member))
    c.*(*m) = std::chrono::seconds(static_cast<std::chrono::seconds::rep>(value));
  if (auto m = std::get_if<std::chrono::milliseconds Config::*>(&f.member))
    c.*(*m) = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(value));
}

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

void check_loaded(const Config& c, const Field& f, const std::string& where) {
  if (!f.check || !f.check_when_loading) return;
  if (auto problem = f.check(c); !problem.empty()) throw ConfigError(where + title(f) + " " + problem);
}

std::string variable_name(const Field& f) {
  std::string_view key = f.key;
  if (key.starts_with(f.section) && key.substr(f.section.size()).starts_with('_'))
    key.remove_prefix(f.section.size() + 1);
  std::string section = upper(f.section);
  std::replace(section.begin(), section.end(), '.', '_');  // [login.provider] -> LOGIN_PROVIDER
  return std::string(kVariablePrefix) + section + "_" + upper(key);
}

std::string subject(const Config& c, const Field& f) {
  auto it = c.sources.find(title(f));
  if (it == c.sources.end()) return title(f) + " ";
  if (it->second.starts_with("--")) return it->second + " ";
  return it->second + ": " + title(f) + " ";
}

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

}  // namespace gatehouse::config
