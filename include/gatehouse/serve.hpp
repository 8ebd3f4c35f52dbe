#pragma once
// Serving a Server of your own with everything `gatehouse serve` brings:
// Streamable HTTP in both protocol eras (or stdio), the OAuth 2.1
// authorization server and protected resource Claude connects through,
// local accounts, the SQLite store, /healthz and /metrics, graceful
// shutdown.
//
//   gatehouse::Server server({.name = "hello", .version = "1.0.0"});
//   server.tool({.name = "hello"}, handler);
//   return gatehouse::serve(server, {.listen = "127.0.0.1:8080"});
//
// Every option not set here takes, in order: the value from
// `config_file` (docs/gatehouse.example.toml lists every key), from
// GATEHOUSE_* environment variables when `read_environment` is true, then
// the default each field names.
#include <gatehouse/server.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse {

struct ServeOptions {
  // HOST:PORT to listen on; port 0 picks a free one (see on_listening).
  // Default: "127.0.0.1:8080".
  std::optional<std::string> listen;

  // The URL clients use to reach this server: scheme, host, optional port
  // and path prefix, e.g. "https://mcp.example.com". Tokens are minted for
  // <public_url>/mcp and the discovery documents name it. It must be https
  // unless the host is loopback.
  // Default: http://<listen>.
  std::optional<std::string> public_url;

  // Where state lives: gatehouse.db (SQLite: users, clients, grants, keys)
  // and keys/. Created when missing; the same directory the
  // `gatehouse users|clients|grants|keys` commands take with --data-dir.
  // Default: "./var".
  std::optional<std::filesystem::path> data_dir;

  // "oauth": every /mcp request needs an access token from the built-in
  //   authorization server (Client ID Metadata Documents, dynamic client
  //   registration, pre-registered clients; local accounts sign in; the
  //   first start creates the user `admin` and prints its password).
  // "none": no authentication (Origin and Host checks still apply).
  // "api-key": static keys from `gatehouse clients add --api-key`; Claude
  //   cannot use these.
  // Default: "oauth".
  std::optional<std::string> auth;

  // The scopes tokens may carry ([oauth] scopes); the first is what a client
  // gets when it asks for none. Tools name theirs in Tool::required_scopes.
  // Default: {"mcp"}.
  std::optional<std::vector<std::string>> scopes;

  // Serve MCP over stdin/stdout instead of HTTP (a local client that starts
  // this program). Needs auth "none": a pipe has no bearer token.
  // Default: false.
  bool stdio = false;

  // I/O threads. Default: 0, one per core.
  std::optional<std::size_t> threads;

  // Development on one machine: an http public_url on a non-loopback host,
  // client metadata documents fetched from private addresses, and the
  // trust anchors in ca_files. Logged as a warning at start.
  // Default: false.
  bool insecure_dev = false;
  std::vector<std::filesystem::path> ca_files;  // needs insecure_dev

  // A gatehouse.toml whose settings apply under the fields set above.
  // Default: none.
  std::filesystem::path config_file;

  // Also read GATEHOUSE_<SECTION>_<KEY> environment variables (between the
  // file and the fields above), as `gatehouse serve` does.
  // Default: false.
  bool read_environment = false;

  // Called once the server listens, with its base URL
  // ("http://127.0.0.1:41234"; HTTP only). The line `listening on URL` is
  // printed on stdout either way, for scripts.
  std::function<void(const std::string& url)> on_listening;
};

// A mistake in ServeOptions or the configuration file, worded for the
// operator: names the file and line (or the option) and how to fix it.
class ServeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Serves `server` until SIGINT or SIGTERM (HTTP) or the end of stdin
// (stdio), then returns the process exit code (0 after a clean shutdown).
// Throws ServeError for a configuration mistake, before anything is served,
// and std::runtime_error when the server cannot start (the address is in
// use, the data directory cannot be written), with a message for the
// operator. Log lines (JSON) go to stderr.
int serve(Server& server, const ServeOptions& options = {});

}  // namespace gatehouse
