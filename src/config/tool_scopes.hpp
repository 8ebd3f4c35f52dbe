#pragma once
// [oauth] tool_scopes ("tool=scope scope") applied to a Server: the scopes a
// caller's token needs for each named tool (RS3: step-up with
// insufficient_scope otherwise).
#include "config/config.hpp"

#include <gatehouse/server.hpp>

#include <string_view>

namespace gatehouse::config {

// Sets Server::require_scopes for every entry of config.tool_scopes. Throws
// ConfigError when an entry names a scope missing from [oauth] scopes or a
// tool `server` does not have (`what` names the server in the message, e.g.
// "backend builtin:demo"). validate() has checked the entries' form.
void apply_tool_scopes(const Config& config, Server& server, std::string_view what);

}  // namespace gatehouse::config
