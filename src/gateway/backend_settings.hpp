#pragma once
// A `[[backend]]` table made ready to serve: templates parsed, lists turned
// into sets, defaults resolved (config/backend_rules.hpp).
#include "config/config.hpp"
#include "gateway/template.hpp"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gatehouse::gateway {

enum class Isolation { shared, user, session };
std::string_view to_string(Isolation);

struct BackendSettings {
  std::string name;
  std::string prefix;  // "" for none
  Isolation isolation = Isolation::shared;
  std::vector<Template> command;  // stdio
  std::map<std::string, Template> env;
  std::filesystem::path cwd;
  std::string url;  // http
  std::map<std::string, Template> headers;
  // The {upstream.*} and {connection.*} variables the templates use: a
  // process then serves one grant, and is replaced when their values change
  // (a refreshed upstream token).
  std::vector<TemplateVariable> grant_variables;
  std::filesystem::path ca_file;
  std::set<std::string> allow_tools;  // empty: all
  std::set<std::string> deny_tools;
  std::map<std::string, std::vector<std::string>> tool_scopes;  // by the backend's tool name
  std::set<std::string> task_tools;  // by the backend's tool name: run as tasks when the client can
  std::size_t max_result_chars = 150'000;
  std::chrono::seconds start_timeout{30};
  std::chrono::seconds call_timeout{290};
  std::chrono::seconds idle_timeout{600};
  std::size_t max_processes = 50;
  std::size_t max_waiting_calls = 1000;
  // Bound of one message line from the child (bytes).
  std::size_t max_message_bytes = 32 * 1024 * 1024;
  // Bound of what waits to be written to the child's stdin (bytes).
  std::size_t max_pending_input = 64 * 1024 * 1024;

  // Whether the backend offers `tool` (by its own name) under the policy.
  bool tool_allowed(std::string_view tool) const;

  // From a table that config::check_backends accepted.
  static BackendSettings from(const config::Config& config, const config::BackendConfig& backend);
};

}  // namespace gatehouse::gateway
