#pragma once
// Everything `gatehouse serve` can be told, with its default. Values come
// from, in increasing precedence: these defaults, the TOML file (--config),
// GATEHOUSE_* environment variables, then command-line flags.
// config/load.hpp reads the file and the environment and checks the result;
// docs/gatehouse.example.toml documents every key.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::config {

// One `[[backend]]` table: an existing MCP server Gatehouse fronts (the
// gateway; docs/gateway.md). Exactly one of `command` (a child process
// speaking stdio) and `url` (Streamable HTTP) is set. Strings of `command`,
// `env` and `headers` are templates (gateway/template.hpp).
struct BackendConfig {
  std::string name;                  // in logs, errors and the default prefix
  std::vector<std::string> command;  // stdio: the program and its arguments
  std::string url;                   // http: the backend's MCP endpoint
  std::filesystem::path cwd;         // stdio: working directory (empty: Gatehouse's)
  std::map<std::string, std::string> env;      // stdio: variables besides PATH, HOME, LANG, TZ
  std::map<std::string, std::string> headers;  // http: sent with every request
  // shared | user | session; empty: user when a template uses a per-user
  // value ({user.*}), shared otherwise.
  std::string isolation;
  // Prepended to tool and prompt names with "__" between. Unset: none with
  // one backend, the name with several.
  std::optional<std::string> prefix;
  std::vector<std::string> allow_tools;  // empty: every tool
  std::vector<std::string> deny_tools;
  std::vector<std::string> tool_scopes;  // "tool=scope scope", tool as the backend names it
  // Tools (as the backend names them) whose calls run as tasks for clients
  // that support tasks (docs/tasks.md "Through the gateway").
  std::vector<std::string> task_tools;
  std::size_t max_result_chars = 150'000;  // 0: no cap
  std::chrono::seconds start_timeout{30};
  std::chrono::seconds call_timeout{290};   // under the 300 s Claude waits for a tool
  std::chrono::seconds idle_timeout{600};   // a child with no call this long is stopped
  std::size_t max_processes = 50;           // live children of this backend at most
  // Calls of one process (HTTP: session) waiting for a 2026-07-28 client's
  // next round at most; past it a question is refused (waiting_cap).
  std::size_t max_waiting_calls = 1000;
  std::filesystem::path ca_file;            // http: extra trust anchor for https
  // "file:line" of the table (or the flag that made it), and of each key
  // the file set, for errors.
  std::string where;
  std::map<std::string, std::string> key_where;
};

// One `[[connect.field]]`: a value the user types while connecting
// (Claude's custom_connection; docs/upstream.md "Connect forms").
struct ConnectField {
  std::string name;   // in {connection.NAME} and RequestContext::connection(): [a-z][a-z0-9_]*
  std::string label;  // shown on the form
  std::string kind = "text";  // url | text | secret (never shown again once entered)
  bool required = true;
  std::string pattern;  // text / secret: an ECMAScript regular expression the whole value must match
  std::vector<std::string> schemes = {"https"};  // url: allowed schemes (http only with --insecure-dev)
  std::vector<std::string> hosts;  // url: allowed hosts, "example.com" or "*.example.com"; empty: any
  std::string help;                // a line under the field
  std::size_t max_length = 2048;   // bytes
  std::string placeholder;
  std::string where;  // "file:line" of the table
};

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  // The URL clients use to reach this server (scheme, host, optional port and
  // path prefix), e.g. https://mcp.example.com. Empty: derived from `listen`.
  std::string public_url;
  std::filesystem::path data_dir = "./var";
  std::string backend = "builtin:demo";  // builtin:demo | builtin:everything (without [[backend]])
  // [[backend]] tables and --backend stdio:/http: (the gateway); when not
  // empty they are what /mcp serves instead of a builtin backend.
  std::vector<BackendConfig> backends;
  // --check-config: validate, print a summary, exit.
  bool check_only = false;
  std::string auth = "none";             // none | oauth | api-key (docs/oauth.md)
  std::size_t threads = 0;               // 0: one per core
  std::size_t body_limit = 4 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};  // in-flight requests get this long on SIGTERM
  bool stdio = false;
  // Reverse proxies (IP addresses) whose X-Forwarded-For names the client;
  // rate limits then count clients, not the proxy.
  std::vector<std::string> trusted_proxies;
  // Open connections at most: in all (0: three quarters of the process's
  // file-descriptor limit), and from one TCP peer address (0: no limit;
  // trusted_proxies are exempt). The excess gets 503 and is closed.
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 256;
  // GET /metrics (Prometheus text): "local" answers only requests made on
  // this machine and not forwarded by a proxy (no X-Forwarded-For);
  // "public" answers anyone; "off" has no such route.
  std::string metrics = "local";

  // [mcp]
  bool stateless = false;
  std::size_t page_size = 100;
  std::size_t max_sessions = 10000;
  std::size_t max_sessions_per_user = 100;  // past it the user's least recently used session makes room
  std::chrono::seconds session_idle_timeout{30 * 60};
  // Bytes of SSE events kept for Last-Event-ID resumption.
  std::size_t resumption_buffer_per_session = 4 * 1024 * 1024;
  std::size_t resumption_buffer_total = 256 * 1024 * 1024;
  std::chrono::milliseconds sse_retry{1000};
  std::chrono::seconds sse_keepalive{15};
  std::chrono::seconds client_request_timeout{300};
  std::vector<std::string> allowed_origins;  // browser origins allowed besides loopback and public_url
  std::vector<std::string> allowed_hosts;    // Host names allowed besides loopback and public_url
  // 2026-07-28: refuse requests whose MCP-Protocol-Version header says a 2025
  // revision while params._meta says 2026-07-28 (a pattern reported from
  // Claude). Default: serve them as 2026-07-28 and log the client once.
  bool strict_protocol_headers = false;
  // 2026-07-28 caching hint (ttlMs) for server/discover and the list methods.
  std::chrono::milliseconds list_ttl{60'000};
  // [tasks] Tools that run as tasks (the Tasks extension; docs/tasks.md).
  // How long a task and its outcome are kept after it was created (ttlMs).
  std::chrono::seconds task_ttl{60 * 60};
  // How often clients are asked to poll a task (pollIntervalMs).
  std::chrono::milliseconds task_poll_interval{1000};
  // Per user: tasks running at once, and tasks kept (any status, until their
  // ttl runs out). Past either, a task-optional tool runs as an ordinary
  // call and a task-required one answers with a tool error.
  std::size_t max_running_tasks_per_user = 16;
  std::size_t max_kept_tasks_per_user = 1000;
  // How long an input-required round may take before its requestState expires.
  std::chrono::seconds request_state_lifetime{600};
  // The key sealing requestState (32+ random bytes). Created on first start
  // when missing; instances behind one load balancer must share the file.
  // Empty: <data_dir>/keys/request-state.key.
  std::filesystem::path request_state_key_file;

  // [oauth] (with auth = "oauth")
  std::vector<std::string> scopes = {"mcp"};  // scopes_supported; the first is the default
  std::chrono::seconds access_token_lifetime{3600};
  std::chrono::seconds refresh_idle_lifetime{30 * 24 * 3600};      // sliding
  std::chrono::seconds refresh_absolute_lifetime{90 * 24 * 3600};  // cap on a grant
  std::chrono::seconds refresh_reuse_grace{30};
  std::chrono::seconds unused_client_lifetime{24 * 3600};  // DCR clients that never signed in
  // When not empty, dynamic registration accepts only these redirect URIs
  // (e.g. Claude's callbacks plus the loopback ones your CLI clients use).
  std::vector<std::string> redirect_uri_allowlist;
  // "tool=scope scope": the scopes a token needs to call a tool.
  std::vector<std::string> tool_scopes;
  // Client ID Metadata Documents (a URL as client_id; what Claude prefers).
  bool client_id_metadata_documents = true;
  std::vector<std::string> cimd_allowed_hosts;  // empty: any public host; "claude.ai", "*.example.com"
  std::vector<std::string> cimd_denied_hosts;
  std::vector<std::uint16_t> cimd_allowed_ports = {443};
  std::chrono::seconds cimd_fetch_timeout{5};
  std::chrono::seconds cimd_cache_min_lifetime{300};
  std::chrono::seconds cimd_cache_max_lifetime{24 * 3600};
  std::size_t cimd_cache_entries = 1000;
  // Pin files (see docs/oauth.md), and whether the shipped copies of
  // Claude's two documents are used when claude.ai cannot be fetched.
  std::vector<std::string> pinned_client_documents;
  bool pin_claude_documents = true;

  // [upstream]
  // Name of the environment variable holding the key of the API this server
  // wraps (Tier 1). When set, the server refuses to start unless the variable
  // is set and not empty; tools read it through the request context.
  std::string api_key_env;

  // [login] (with auth = "oauth"): how people sign in during authorization.
  // "local" (Gatehouse's own users), "upstream" (through [login.provider]
  // only) or "both" (the sign-in page offers both). docs/upstream.md.
  std::string login_method = "local";
  // Who may sign in through the provider: anyone matching one rule.
  std::vector<std::string> allow_subjects;
  std::vector<std::string> allow_emails;         // verified emails only
  std::vector<std::string> allow_email_domains;  // verified emails only
  std::vector<std::string> allow_organizations;  // GitHub organisations
  // With no allow rule, a public provider (GitHub, Google) would let anyone
  // with an account in: say so explicitly, or the server refuses to start.
  bool allow_everyone = false;

  // [login.provider]
  std::string provider_preset;  // "" | "github" | "google"
  std::string provider_kind;    // "oidc" | "oauth2"; empty: oidc with an issuer, else oauth2
  std::string provider_name;    // short id (records, logs); default from the preset or "upstream"
  std::string provider_display_name;
  std::string provider_issuer;
  std::string provider_authorization_endpoint, provider_token_endpoint, provider_userinfo_endpoint,
      provider_revocation_endpoint, provider_jwks_uri;
  std::string provider_client_id;
  // The environment variable holding the client secret (never in the file).
  std::string provider_client_secret_env = "GATEHOUSE_LOGIN_CLIENT_SECRET";
  std::string provider_token_endpoint_auth_method = "client_secret_basic";
  std::vector<std::string> provider_scopes;  // empty: the preset's, or openid email profile offline_access
  std::string provider_subject_claim, provider_username_claim, provider_email_claim;
  std::vector<std::string> provider_authorize_params;  // "name=value"
  std::vector<std::string> provider_token_params;      // "name=value"
  std::string provider_resource;                       // RFC 8707, sent upstream when set
  // preset "github": the API base (GitHub Enterprise Server:
  // https://HOST/api/v3); the preset's web endpoints then follow
  // authorization_endpoint / token_endpoint.
  std::string provider_api_url;
  // The provider may resolve to private addresses (a company IdP inside
  // the network). Loopback stays refused unless --insecure-dev.
  bool provider_private_network = false;

  // [connect]: a form shown after sign-in and before consent, whose values
  // are sealed per grant like upstream tokens. No fields: no form.
  std::string connect_title = "Connect your account";
  std::string connect_description;
  // When set, Gatehouse GETs this URL (a template over {connection.NAME})
  // with connect_check_headers before accepting the values; a 2xx answer
  // accepts them. Through the SSRF guard: public https addresses only.
  std::string connect_check_url;
  std::map<std::string, std::string> connect_check_headers;
  std::vector<ConnectField> connect_fields;

  // [log]
  std::string log_level = "info";  // trace | debug | info | warn | error

  // Command line only (never from a file or the environment, so that no
  // configuration quietly weakens a production server):
  // --insecure-dev: CIMD fetches from loopback/private addresses, an http
  // public_url on any host, and --ca-file trust anchors.
  bool insecure_dev = false;
  std::vector<std::filesystem::path> ca_files;

  // Where each value that is not a default came from, so that a value found
  // wrong only by validate() is reported where the operator set it:
  // "[server] auth" -> "gatehouse.toml:3", "environment variable
  // GATEHOUSE_SERVER_AUTH" or "--auth". Filled by load.hpp and the command line.
  std::map<std::string, std::string, std::less<>> sources;
};

}  // namespace gatehouse::config
