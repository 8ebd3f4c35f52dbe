#include "config/backend_rules.hpp"

#include "config/load.hpp"
#include "config/spelling.hpp"
#include "gateway/template.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

namespace gatehouse::config {

namespace {

// MCP 2025-11-25 server/tools "Tool Names": 1 to 128 of A-Z a-z 0-9 _ - .
bool tool_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string label(const BackendConfig& b) { return "[[backend]] " + (b.name.empty() ? std::string("(unnamed)") : in_quotes(b.name)); }

// Every template the backend holds, with what it is ("env PROBE_KEY").
std::vector<std::pair<std::string, const std::string*>> templates_of(const BackendConfig& b) {
  std::vector<std::pair<std::string, const std::string*>> out;
  for (std::size_t i = 0; i < b.command.size(); ++i)
    out.emplace_back("command item " + std::to_string(i + 1), &b.command[i]);
  for (const auto& [k, v] : b.env) out.emplace_back("env " + k, &v);
  for (const auto& [k, v] : b.headers) out.emplace_back("headers " + k, &v);
  return out;
}

BackendProblem template_problem(const BackendConfig& b) {
  for (const auto& [what, text] : templates_of(b)) {
    const std::string key = what.substr(0, what.find(' '));
    try {
      auto t = gateway::Template::parse(*text);
      for (const auto& v : t.variables())
        if (auto problem = gateway::check(v); !problem.empty()) return {key, what + ": " + problem};
      for (const auto& name : gateway::missing_environment(t, [](const char* n) { return std::getenv(n); }))
        return {key, what + ": {env." + name + "} names the environment variable " + name +
                         ", which is not set; set it before starting Gatehouse (an empty value is allowed)"};
    } catch (const gateway::TemplateError& e) {
      return {key, what + ": " + e.what()};
    }
  }
  return {};
}

bool env_name_ok(std::string_view name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// RFC 9110 §5.1 field-name: a token.
bool header_name_ok(std::string_view name) {
  static constexpr std::string_view kTchar = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kTchar.find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string effective_isolation(const BackendConfig& b) {
  if (!b.isolation.empty()) return b.isolation;
  for (const auto& [what, text] : templates_of(b)) {
    try {
      if (gateway::Template::parse(*text).per_user()) return "user";
    } catch (const gateway::TemplateError&) {
    }
  }
  return "shared";
}

std::string effective_prefix(const Config& config, const BackendConfig& b) {
  if (b.prefix) return *b.prefix;
  return config.backends.size() > 1 ? b.name : std::string{};
}

BackendProblem backend_problem(const BackendConfig& b, const Config& config) {
  if (b.name.empty()) return {"name", "needs a name (name = \"...\"): it names the backend in logs, errors and tool prefixes"};
  if (!std::all_of(b.name.begin(), b.name.end(), tool_name_char) || b.name.size() > 64)
    return {"name", "name " + in_quotes(b.name) + " must be 1 to 64 of letters, digits, '_', '-' and '.'"};
  if (b.command.empty() && b.url.empty())
    return {"command", "needs either command = [\"program\", \"arg\", ...] (a server speaking stdio) or url = \"http://...\" "
           "(a Streamable HTTP server)"};
  if (!b.command.empty() && !b.url.empty())
    return {"url", "has both command and url; a backend is either a program Gatehouse starts (command) or a server it "
           "reaches over HTTP (url)"};
  if (!b.command.empty() && b.command.front().empty()) return {"command", "command: the program (item 1) must not be empty"};
  if (!b.url.empty()) {
    if (!b.url.starts_with("http://") && !b.url.starts_with("https://"))
      return {"url", "url " + in_quotes(b.url) + " must start with http:// or https://"};
    if (!b.command.empty() || !b.env.empty() || !b.cwd.empty())
      return {"env", "env and cwd are for command backends; an HTTP backend takes headers"};
  }
  if (!b.command.empty() && !b.headers.empty())
    return {"headers", "headers are for url backends; a command backend takes env"};
  if (!b.ca_file.empty() && b.url.empty()) return {"ca_file", "ca_file is for url backends (https)"};
  for (const auto& [k, v] : b.env)
    if (!env_name_ok(k)) return {"env", "env: " + in_quotes(k) + " is not an environment variable name (letters, digits and _)"};
  for (const auto& [k, v] : b.headers) {
    if (!header_name_ok(k)) return {"headers", "headers: " + in_quotes(k) + " is not a header name"};
    if (v.find_first_of("\r\n") != std::string::npos) return {"headers", "headers " + k + ": a value must be one line"};
  }
  static const std::vector<std::string> kIsolations{"shared", "user", "session"};
  if (!b.isolation.empty() && std::find(kIsolations.begin(), kIsolations.end(), b.isolation) == kIsolations.end()) {
    std::string out = "isolation " + in_quotes(b.isolation) + " is not one of shared, user, session";
    if (auto guess = closest(b.isolation, kIsolations)) out += "; did you mean " + in_quotes(*guess) + "?";
    return {"isolation", out};
  }
  if (b.prefix) {
    const auto& p = *b.prefix;
    if (!std::all_of(p.begin(), p.end(), tool_name_char) || p.size() > 64)
      return {"prefix", "prefix " + in_quotes(p) + " must be at most 64 of letters, digits, '_', '-' and '.'"};
    if (p.find(kPrefixSeparator) != std::string::npos || p.ends_with('_'))
      return {"prefix", "prefix " + in_quotes(p) + " must not contain \"__\" or end with '_': \"__\" separates it from the tool name"};
  }
  for (const auto* list : {&b.allow_tools, &b.deny_tools, &b.task_tools})
    for (const auto& tool : *list)
      if (tool.empty() || !std::all_of(tool.begin(), tool.end(), tool_name_char)) {
        std::string key = list == &b.allow_tools ? "allow_tools" : list == &b.deny_tools ? "deny_tools" : "task_tools";
        return {key, key + ": " + in_quotes(tool) + " is not a tool name (letters, digits, '_', '-' and '.')"};
      }
  for (const auto& entry : b.tool_scopes) {
    auto split = split_tool_scopes(entry);
    if (!split) return {"tool_scopes", "tool_scopes: " + in_quotes(entry) + " must be \"tool=scope [scope ...]\""};
    for (const auto& scope : split->second)
      if (std::find(config.scopes.begin(), config.scopes.end(), scope) == config.scopes.end())
        return {"tool_scopes", "tool_scopes: scope " + in_quotes(scope) + " is not listed in [oauth] scopes"};
  }
  if (b.start_timeout.count() < 1 || b.call_timeout.count() < 1 || b.idle_timeout.count() < 1)
    return {"call_timeout", "start_timeout, call_timeout and idle_timeout must be positive (seconds)"};
  if (b.max_processes < 1) return {"max_processes", "max_processes must be at least 1"};
  // {upstream.*} and {connection.*} need what provides them (after the
  // templates themselves are known good).
  if (auto problem = template_problem(b); !problem.text.empty()) return problem;
  for (const auto& [what, text] : templates_of(b)) {
    const std::string key = what.substr(0, what.find(' '));
    gateway::Template t;
    try {
      t = gateway::Template::parse(*text);
    } catch (const gateway::TemplateError&) {
      continue;  // template_problem reports it
    }
    for (const auto& v : t.variables()) {
      if (v.space == "upstream" && config.login_method == "local")
        return {key, what + ": " + v.text() + " needs upstream sign-in ([login] method = \"upstream\" or \"both\")"};
      if (v.space == "connection" &&
          std::none_of(config.connect_fields.begin(), config.connect_fields.end(),
                       [&](const ConnectField& f) { return f.name == v.name; })) {
        std::vector<std::string> names;
        for (const auto& f : config.connect_fields) names.push_back(f.name);
        std::string out = what + ": " + v.text() + " names no [[connect.field]]";
        if (auto guess = closest(v.name, names)) out += "; did you mean {connection." + *guess + "}?";
        return {key, out};
      }
    }
  }
  if (b.isolation == "shared")
    for (const auto& [what, text] : templates_of(b)) {
      bool per_user = false;
      try {
        per_user = gateway::Template::parse(*text).per_user();
      } catch (const gateway::TemplateError&) {
      }
      if (per_user)
        return {"isolation", what + " depends on the user, but isolation is \"shared\": one process serves every user, so it "
                      "cannot carry one user's value; use isolation = \"user\" (or leave isolation out)"};
    }
  return template_problem(b);
}

void check_backends(const Config& config) {
  std::set<std::string> names, prefixes;
  for (const auto& b : config.backends) {
    std::string where = b.where.empty() ? std::string{} : b.where + ": ";
    if (auto problem = backend_problem(b, config); !problem.text.empty()) {
      // The line of the key at fault when the file gave it.
      auto line = b.key_where.find(problem.key);
      std::string at = line == b.key_where.end() ? where : line->second + ": ";
      throw ConfigError(at + label(b) + ": " + problem.text);
    }
    if (!names.insert(b.name).second)
      throw ConfigError(where + label(b) + ": another backend has this name; names must differ");
    auto prefix = effective_prefix(config, b);
    if (config.backends.size() > 1 && !prefixes.insert(prefix).second)
      throw ConfigError(where + label(b) + ": prefix " + in_quotes(prefix) +
                        " is used by another backend; with several backends each needs its own prefix");
  }
}

bool is_gateway_flag(std::string_view value) {
  return value.starts_with("stdio:") || value.starts_with("http:") || value.starts_with("https:");
}

BackendConfig backend_from_flag(std::string_view value) {
  BackendConfig b;
  b.where = "--backend";
  if (value.starts_with("stdio:")) {
    std::string_view rest = value.substr(6);
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      char c = rest[i];
      if (quote) {
        if (c == quote) quote = 0;
        else if (c == '\\' && quote == '"' && i + 1 < rest.size()) word += rest[++i];
        else word += c;
      } else if (c == '\'' || c == '"') {
        quote = c;
        in_word = true;
      } else if (c == '\\' && i + 1 < rest.size()) {
        word += rest[++i];
        in_word = true;
      } else if (c == ' ' || c == '\t') {
        if (in_word) b.command.push_back(std::move(word));
        word.clear();
        in_word = false;
      } else {
        word += c;
        in_word = true;
      }
    }
    if (quote) throw ConfigError("--backend " + std::string(value) + ": a quote is not closed");
    if (in_word) b.command.push_back(std::move(word));
    if (b.command.empty())
      throw ConfigError("--backend stdio: needs a command, e.g. --backend 'stdio:python3 server.py'");
    auto program = b.command.front();
    auto slash = program.rfind('/');
    std::string base = slash == std::string::npos ? program : program.substr(slash + 1);
    for (auto& c : base)
      if (!tool_name_char(c)) c = '_';
    b.name = base.empty() ? "backend" : base.substr(0, 64);
    return b;
  }
  std::string_view url = value.starts_with("http:") && !value.starts_with("http://") ? value.substr(5) : value;
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    throw ConfigError("--backend " + std::string(value) + " is not a backend; use builtin:demo, builtin:everything, "
                      "'stdio:COMMAND ARGS...' or http://HOST:PORT/PATH");
  b.url = std::string(url);
  b.name = "http";
  return b;
}

}  // namespace gatehouse::config
