#include "config/tool_scopes.hpp"

#include "config/load.hpp"

#include <algorithm>
#include <stdexcept>

namespace gatehouse::config {

void apply_tool_scopes(const Config& config, Server& server, std::string_view what) {
  for (const auto& entry : config.tool_scopes) {
    auto split = split_tool_scopes(entry);
    if (!split) throw ConfigError("[oauth] tool_scopes: \"" + entry + "\" is not TOOL=SCOPE [SCOPE...]");
    auto& [tool, scopes] = *split;
    for (const auto& scope : scopes)
      if (std::find(config.scopes.begin(), config.scopes.end(), scope) == config.scopes.end())
        throw ConfigError("[oauth] tool_scopes: scope \"" + scope + "\" is not listed in [oauth] scopes");
    try {
      server.require_scopes(tool, std::move(scopes));
    } catch (const std::invalid_argument&) {
      throw ConfigError("[oauth] tool_scopes: " + std::string(what) + " has no tool \"" + tool + "\"");
    }
  }
}

}  // namespace gatehouse::config
