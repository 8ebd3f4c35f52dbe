#pragma once
// Everything `gatehouse serve` can be told, with its default. Values come
// from, in increasing precedence: these defaults, the TOML file (--config),
// GATEHOUSE_* environment variables, then command-line flags.
// config/load.hpp reads the file and the environment and checks the result;
// docs/gatehouse.example.toml documents every key.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace gatehouse::config {

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  // The URL clients use to reach this server (scheme, host, optional port and
  // path prefix), e.g. https://mcp.example.com. Empty: derived from `listen`.
  std::string public_url;
  std::filesystem::path data_dir = "./var";
  std::string backend = "builtin:demo";  // builtin:demo | builtin:everything
  std::string auth = "none";             // none (oauth and api-key arrive with the authorization server)
  std::size_t threads = 0;               // 0: one per core
  std::size_t body_limit = 4 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};  // in-flight requests get this long on SIGTERM
  bool stdio = false;

  // [mcp]
  bool stateless = false;
  std::size_t page_size = 100;
  std::size_t max_sessions = 10000;
  std::chrono::seconds session_idle_timeout{30 * 60};
  std::chrono::milliseconds sse_retry{1000};
  std::chrono::seconds sse_keepalive{15};
  std::chrono::seconds client_request_timeout{300};
  std::vector<std::string> allowed_origins;  // browser origins allowed besides loopback and public_url
  std::vector<std::string> allowed_hosts;    // Host names allowed besides loopback and public_url

  // [log]
  std::string log_level = "info";  // trace | debug | info | warn | error
};

}  // namespace gatehouse::config
