#pragma once
// The rules of `[[backend]]` tables and of `--backend stdio:…|http(s)://…`
// (the gateway; docs/gateway.md), apart from TOML reading (file.cpp).
#include "config/config.hpp"

#include <string>
#include <string_view>

namespace gatehouse::config {

// Why `backend` cannot be served (empty text when it can), and the key at
// fault: exactly one of command and url, a known isolation, a usable prefix,
// template syntax and variables, tool lists and scopes, bounds.
struct BackendProblem {
  std::string key;
  std::string text;
};
BackendProblem backend_problem(const BackendConfig& backend, const Config& config);

// Checks every backend and the rules between them (unique names, distinct
// prefixes); throws ConfigError starting with the backend's `where`.
void check_backends(const Config& config);

// `--backend 'stdio:python3 server.py'` or `--backend http://127.0.0.1:9000/mcp`
// (also `http:URL`); throws ConfigError for anything else. The command is
// split like a shell would, without expansions: spaces separate words,
// quotes group them, a backslash escapes the next character.
BackendConfig backend_from_flag(std::string_view value);
bool is_gateway_flag(std::string_view value);

// shared | user | session: the table's isolation, or its default (user when
// a template depends on the caller, shared otherwise).
std::string effective_isolation(const BackendConfig& backend);
// The prefix tool and prompt names get ("" for none).
std::string effective_prefix(const Config& config, const BackendConfig& backend);

// Separator between a backend's prefix and a tool or prompt name.
inline constexpr std::string_view kPrefixSeparator = "__";

}  // namespace gatehouse::config
