#include "gateway/backend_settings.hpp"

#include "config/backend_rules.hpp"

#include <algorithm>
#include "config/load.hpp"

namespace gatehouse::gateway {

std::string_view to_string(Isolation i) {
  switch (i) {
    case Isolation::shared: return "shared";
    case Isolation::user: return "user";
    case Isolation::session: return "session";
  }
  return "shared";
}

bool BackendSettings::tool_allowed(std::string_view tool) const {
  std::string name(tool);
  if (deny_tools.contains(name)) return false;
  return allow_tools.empty() || allow_tools.contains(name);
}

BackendSettings BackendSettings::from(const config::Config& config, const config::BackendConfig& b) {
  BackendSettings s;
  s.name = b.name;
  s.prefix = config::effective_prefix(config, b);
  auto isolation = config::effective_isolation(b);
  s.isolation = isolation == "user" ? Isolation::user : isolation == "session" ? Isolation::session : Isolation::shared;
  for (const auto& word : b.command) s.command.push_back(Template::parse(word));
  for (const auto& [k, v] : b.env) s.env.emplace(k, Template::parse(v));
  s.cwd = b.cwd;
  s.url = b.url;
  for (const auto& [k, v] : b.headers) s.headers.emplace(k, Template::parse(v));
  s.ca_file = b.ca_file;
  auto note = [&s](const Template& t) {
    for (const auto& v : t.variables())
      if ((v.space == "upstream" || v.space == "connection") &&
          std::none_of(s.grant_variables.begin(), s.grant_variables.end(),
                       [&](const TemplateVariable& known) { return known.text() == v.text(); }))
        s.grant_variables.push_back(v);
  };
  for (const auto& t : s.command) note(t);
  for (const auto& [k, t] : s.env) note(t);
  for (const auto& [k, t] : s.headers) note(t);
  s.allow_tools.insert(b.allow_tools.begin(), b.allow_tools.end());
  s.task_tools.insert(b.task_tools.begin(), b.task_tools.end());
  s.deny_tools.insert(b.deny_tools.begin(), b.deny_tools.end());
  for (const auto& entry : b.tool_scopes)
    if (auto split = config::split_tool_scopes(entry)) s.tool_scopes[split->first] = std::move(split->second);
  s.max_result_chars = b.max_result_chars;
  s.start_timeout = b.start_timeout;
  s.call_timeout = b.call_timeout;
  s.idle_timeout = b.idle_timeout;
  s.max_processes = b.max_processes;
  s.max_waiting_calls = b.max_waiting_calls;
  return s;
}

}  // namespace gatehouse::gateway
