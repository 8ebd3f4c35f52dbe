#pragma once
// Runs a Server the way `gatehouse serve` does: over Streamable HTTP (with
// /healthz, graceful shutdown on SIGINT/SIGTERM, idle-session expiry) or
// over stdio.
#include "config/config.hpp"

#include <gatehouse/server.hpp>

#include <functional>
#include <string>

namespace gatehouse::runtime {

// Serves until SIGINT/SIGTERM (HTTP) or the end of stdin (stdio). Returns the
// process exit code. `on_listening` receives the bound base URL (HTTP only).
int serve(const config::Config& config, Server& server, std::function<void(const std::string&)> on_listening = {});

}  // namespace gatehouse::runtime
