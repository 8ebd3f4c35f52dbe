#include "config/connect_rules.hpp"

#include "config/load.hpp"
#include "config/spelling.hpp"
#include "gateway/template.hpp"
#include "mcp/schema/pattern.hpp"

#include <algorithm>
#include <set>

namespace gatehouse::config {

namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool valid_host_pattern(std::string_view p) {
  if (p.starts_with("*.")) p.remove_prefix(2);
  return !p.empty() && std::all_of(p.begin(), p.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.';
  });
}

// A check_url or check_headers template: {connection.NAME} of a declared
// field, or {env.NAME}.
void check_template(const std::string& text, const std::string& title, const std::vector<std::string>& fields) {
  gateway::Template t;
  try {
    t = gateway::Template::parse(text);
  } catch (const gateway::TemplateError& e) {
    throw ConfigError(title + ": " + e.what());
  }
  for (const auto& v : t.variables()) {
    if (v.space == "env") {
      if (auto problem = gateway::check(v); !problem.empty()) throw ConfigError(title + ": " + problem);
      continue;
    }
    if (v.space != "connection")
      throw ConfigError(title + ": " + v.text() + " is not available here; use {connection.NAME} of a field, or {env.NAME}");
    if (std::find(fields.begin(), fields.end(), v.name) == fields.end()) {
      std::string out = title + ": " + v.text() + " names no [[connect.field]]";
      if (auto guess = closest(v.name, fields)) out += "; did you mean {connection." + *guess + "}?";
      throw ConfigError(out);
    }
  }
}

}  // namespace

void check_connect(const Config& c) {
  if (c.connect_fields.empty()) {
    if (!c.connect_check_url.empty())
      throw ConfigError("[connect] check_url is set but there is no [[connect.field]] for the user to fill in");
    return;
  }
  const std::string first = c.connect_fields.front().where + ": ";
  if (c.auth != "oauth")
    throw ConfigError(first + "[[connect.field]]: a connect form is shown during OAuth authorization; it needs "
                      "[server] auth = \"oauth\" (now \"" + c.auth + "\")");
  std::vector<std::string> names;
  for (const auto& f : c.connect_fields) {
    const std::string at = f.where + ": [[connect.field]] ";
    if (!valid_name(f.name))
      throw ConfigError(at + "name \"" + f.name + "\" must be a lower-case word ([a-z][a-z0-9_]*, at most 64), "
                        "e.g. \"account_url\"");
    if (std::find(names.begin(), names.end(), f.name) != names.end())
      throw ConfigError(at + "name \"" + f.name + "\" is used by an earlier field");
    names.push_back(f.name);
    if (f.kind != "url" && f.kind != "text" && f.kind != "secret") {
      std::string out = at + "kind \"" + f.kind + "\" is not url, text or secret";
      if (auto guess = closest(f.kind, {"url", "text", "secret"})) out += "; did you mean \"" + *guess + "\"?";
      throw ConfigError(out);
    }
    if (!f.pattern.empty()) {
      if (f.kind == "url") throw ConfigError(at + "pattern does not apply to a url field (use schemes and hosts)");
      if (!mcp::pattern_usable(f.pattern))
        throw ConfigError(at + "pattern \"" + f.pattern + "\" is not a usable regular expression (ECMAScript, at most "
                          "2048 bytes and 64 nested groups, no back-references)");
    }
    if (f.kind == "url") {
      if (f.schemes.empty()) throw ConfigError(at + "schemes must list at least one scheme, e.g. [\"https\"]");
      for (const auto& scheme : f.schemes)
        if (scheme != "https" && scheme != "http")
          throw ConfigError(at + "schemes: \"" + scheme + "\" is not https or http (http is accepted only with "
                            "--insecure-dev)");
      for (const auto& host : f.hosts)
        if (!valid_host_pattern(host))
          throw ConfigError(at + "hosts: \"" + host + "\" is not a host name or *.domain pattern, e.g. "
                            "\"*.snowflakecomputing.com\"");
    } else if (!f.hosts.empty() || f.schemes != std::vector<std::string>{"https"}) {
      throw ConfigError(at + "schemes and hosts apply to url fields only");
    }
  }
  if (!c.connect_check_url.empty()) {
    if (!(c.connect_check_url.starts_with("https://") || c.connect_check_url.starts_with("{")))
      throw ConfigError("[connect] check_url \"" + c.connect_check_url + "\" must be an https:// URL (or start with a "
                        "{connection.NAME} url field)");
    check_template(c.connect_check_url, "[connect] check_url", names);
  }
  for (const auto& [name, value] : c.connect_check_headers)
    check_template(value, "[connect] check_headers." + name, names);
}

}  // namespace gatehouse::config
