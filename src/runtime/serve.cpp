#include "runtime/serve.hpp"

#include "config/load.hpp"
#include "config/login_rules.hpp"
#include "gateway/gateway.hpp"
#include "mcp/backend.hpp"
#include "mcp/registry.hpp"
#include "mcp/stdio_transport.hpp"
#include "mcp/streamable_http.hpp"
#include "mcp/tasks/task_runner.hpp"
#include "net/http_server.hpp"
#include "net/https_client.hpp"
#include "net/router.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/resource/api_key_guard.hpp"
#include "runtime/access_log.hpp"
#include "runtime/descriptor_limit.hpp"
#include "runtime/first_user.hpp"
#include "runtime/home_page.hpp"
#include "runtime/mcp_route.hpp"
#include "runtime/secret_file.hpp"
#include "upstream/connect_form.hpp"
#include "upstream/credentials.hpp"
#include "upstream/sign_in.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include "net/url.hpp"

#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <sys/stat.h>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace gatehouse::runtime {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// Tier 1: the upstream API key named by `[upstream] api_key_env`. A server
// configured for one refuses to start without it, naming the variable (and
// never showing the value).
std::string upstream_api_key(const config::Config& config) {
  if (config.api_key_env.empty()) return {};
  const char* value = std::getenv(config.api_key_env.c_str());
  if (!value || !*value)
    throw config::ConfigError("[upstream] api_key_env names the environment variable " + config.api_key_env +
                              ", which is not set or empty; set it to the upstream API's key before starting");
  return value;
}

// Client ID Metadata Documents: the policy, the SSRF-safe fetcher and the
// pinned copies, from [oauth] and the --insecure-dev / --ca-file flags.
void configure_cimd(const config::Config& config, oauth::AuthorizationServerOptions& options) {
  auto& cimd = options.cimd;
  cimd.enabled = config.client_id_metadata_documents;
  cimd.trust = {config.cimd_allowed_hosts, config.cimd_denied_hosts};
  cimd.allowed_ports.assign(config.cimd_allowed_ports.begin(), config.cimd_allowed_ports.end());
  cimd.cache_min = config.cimd_cache_min_lifetime;
  cimd.cache_max = config.cimd_cache_max_lifetime;
  cimd.cache_limits.max_entries = config.cimd_cache_entries;
  cimd.cache_limits.max_bytes = config.cimd_cache_entries * 8 * 1024;
  // A document that expired is still used when its host fails, for as long
  // as a document may be cached at most.
  cimd.cache_limits.stale_if_error = config.cimd_cache_max_lifetime;

  options.pins = config.pin_claude_documents ? oauth::PinnedDocuments::builtin() : oauth::PinnedDocuments{};
  for (const auto& file : config.pinned_client_documents) {
    try {
      options.pins.load_file(file);
    } catch (const std::runtime_error& e) {
      throw config::ConfigError(std::string("[oauth] pinned_client_documents: ") + e.what());
    }
  }
  for (const auto* pin : options.pins.list())
    spdlog::info("pinned client document {} ({}, {}; recorded {})", pin->document.client_id, to_string(pin->use),
                 pin->origin, pin->recorded);
  if (!cimd.enabled) return;

  net::OutboundPolicy outbound;
  outbound.ssrf.allow_private = config.insecure_dev;
  outbound.ssrf.allowed_ports = cimd.allowed_ports;
  outbound.timeout = config.cimd_fetch_timeout;
  outbound.ca_files = config.ca_files;
  std::shared_ptr<const net::HttpsClient> https;
  try {
    https = std::make_shared<const net::HttpsClient>(outbound);
  } catch (const std::runtime_error& e) {
    throw config::ConfigError(std::string("--ca-file: ") + e.what());
  }
  options.fetcher = [https](std::string url, std::size_t max_body) {
    return https->get(std::move(url), "application/json", max_body);
  };
}

// An HTTPS client for the server's own outbound requests; a --ca-file that
// cannot be read is a configuration error.
std::unique_ptr<net::HttpsClient> outbound_client(const net::OutboundPolicy& policy) {
  try {
    return std::make_unique<net::HttpsClient>(policy);
  } catch (const std::runtime_error& e) {
    throw config::ConfigError(std::string("--ca-file: ") + e.what());
  }
}

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

// Sign-in through an upstream provider ([login] method "upstream" or
// "both") and the connect form ([connect]): the provider, the sign-in flow,
// the form and its check, and the vault both keep their values in.
struct UpstreamLogin {
  std::unique_ptr<net::HttpsClient> https;
  std::unique_ptr<upstream::Provider> provider;
  std::unique_ptr<upstream::TokenVault> vault;
  std::unique_ptr<upstream::SignIn> sign_in;
  std::shared_ptr<upstream::VaultCredentials> credentials;
  // The connect form ([connect]) and its check.
  std::unique_ptr<upstream::ConnectForm> connect;
  std::unique_ptr<net::HttpsClient> connect_https;
  std::unique_ptr<upstream::ConnectionCheck> connect_check;
};

// The gateway, when the configuration names backends to front: attached to
// `server` so the dispatcher hands it the requests (mcp/backend.hpp).
std::shared_ptr<gateway::Gateway> attach_gateway(const config::Config& config, Server& server,
                                                 asio::any_io_executor executor,
                                                 std::function<std::string(const std::string&)> user_name,
                                                 net::Metrics* metrics = nullptr) {
  if (config.backends.empty()) return nullptr;
  auto gateway =
      std::make_shared<gateway::Gateway>(std::move(executor), server, config, std::move(user_name), metrics);
  mcp::registry_of(server).backend = gateway;
  return gateway;
}

// Detaches and stops the gateway's processes (SIGTERM; SIGKILL as each
// process object goes).
void detach_gateway(Server& server, std::shared_ptr<gateway::Gateway>& gateway) {
  if (!gateway) return;
  gateway->stop_all();
  mcp::registry_of(server).backend.reset();
  gateway.reset();
}

// Whether a tool may run as a task: a registered one with task support, or
// any of a gateway's (whose backends may run tasks of their own, or list
// tools in task_tools); attach the gateway first.
bool runs_tasks(const Server& server) {
  const auto& registry = mcp::registry_of(server);
  if (registry.backend) return registry.backend->runs_tasks();
  return std::any_of(registry.tools.begin(), registry.tools.end(),
                     [](const auto& entry) { return entry.tool.task_support != TaskSupport::forbidden; });
}

mcp::TaskSettings task_settings(const config::Config& config) {
  return {.ttl = config.task_ttl,
          .poll_interval = config.task_poll_interval,
          .limits = {.max_active = config.max_running_tasks_per_user, .max_kept = config.max_kept_tasks_per_user}};
}

int serve_stdio(const config::Config& config, Server& server) {
  asio::io_context ioc(1);
  auto work = asio::make_work_guard(ioc);
  auto gateway = attach_gateway(config, server, ioc.get_executor(), {});
  mcp::DispatchOptions dispatch;
  dispatch.page_size = config.page_size;
  dispatch.upstream_api_key = upstream_api_key(config);
  // Over stdio the client and the server live and die together: tasks are
  // kept in memory, for as long as the process runs.
  store::Stores stores;
  std::shared_ptr<mcp::TaskRunner> tasks;
  if (runs_tasks(server)) {
    stores = store::open_memory_stores();
    tasks = std::make_shared<mcp::TaskRunner>(*stores.tasks, task_settings(config));
    dispatch.tasks = tasks;
  }
  mcp::StdioTransport transport(ioc, server, {}, dispatch);
  asio::steady_timer drain(ioc);
  transport.start_reading_stdin([&] {
    // End of input: let requests in flight finish (bounded), then exit.
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          auto deadline = std::chrono::steady_clock::now() + config.shutdown_grace;
          while (transport.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
            drain.expires_after(std::chrono::milliseconds(20));
            co_await drain.async_wait(asio::use_awaitable);
          }
          work.reset();
          ioc.stop();
        },
        asio::detached);
  });
  ioc.run();
  detach_gateway(server, gateway);
  return 0;
}

}  // namespace

int serve(const config::Config& config, Server& server, std::function<void(const std::string&)> on_listening) {
  if (config.insecure_dev)
    spdlog::warn("--insecure-dev: client metadata documents may be fetched from loopback and private addresses{}; "
                 "never run a production server like this",
                 config.ca_files.empty() ? "" : ", and the --ca-file certificates are trusted");
  if (config.stdio) return serve_stdio(config, server);

  auto [host, port] = config::parse_listen(config.listen);
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host);
  std::size_t threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(static_cast<int>(threads));

  const net::OriginPolicy origin_policy({.loopback_bind = address.is_loopback(),
                                         .public_origin = net::origin_of(config.public_url),
                                         .extra_origins = config.allowed_origins,
                                         .extra_hosts = config.allowed_hosts});
  mcp::StreamableHttpOptions mcp_options;
  mcp_options.stateless = config.stateless;
  mcp_options.sse_retry = config.sse_retry;
  mcp_options.keepalive = config.sse_keepalive;
  mcp_options.client_request_timeout = config.client_request_timeout;
  mcp_options.session_limits = {.max_sessions = config.max_sessions,
                                .max_sessions_per_user = config.max_sessions_per_user,
                                .idle_timeout = config.session_idle_timeout};
  mcp_options.replay_bytes_per_session = config.resumption_buffer_per_session;
  mcp_options.replay_bytes_total = config.resumption_buffer_total;
  mcp_options.dispatch.page_size = config.page_size;
  mcp_options.dispatch.upstream_api_key = upstream_api_key(config);
  mcp_options.dispatch.list_ttl_ms = config.list_ttl.count();
  mcp_options.stateless_headers.strict_protocol_headers = config.strict_protocol_headers;
  mcp_options.request_state_lifetime = config.request_state_lifetime;
  mcp_options.request_state_key = load_or_create_secret(
      config.request_state_key_file.empty() ? config.data_dir / "keys" / "request-state.key" : config.request_state_key_file);
  // Set up after the listener (the issuer may depend on the bound port).
  std::unique_ptr<store::Stores> stores;
  std::unique_ptr<oauth::AuthorizationServer> authorization;
  UpstreamLogin upstream_login;
  const bool upstream_on = config.auth == "oauth" && config::upstream_login(config);
  const bool connect_on = config.auth == "oauth" && !config.connect_fields.empty();
  if (upstream_on) {
    auto settings = config::provider_settings(config, environment);
    net::OutboundPolicy outbound;
    // The provider is the operator's choice, not a client's: any port, and
    // private addresses when [login.provider] private_network says so.
    outbound.ssrf.allow_private = config.insecure_dev || config.provider_private_network;
    outbound.ssrf.any_port = true;
    outbound.timeout = std::chrono::seconds(10);
    outbound.ca_files = config.ca_files;
    upstream_login.https = outbound_client(outbound);
    upstream_login.provider = std::make_unique<upstream::Provider>(settings, *upstream_login.https);
  }
  if (connect_on) {
    upstream_login.connect = std::make_unique<upstream::ConnectForm>(
        upstream::ConnectForm{config.connect_title, config.connect_description, config.connect_fields,
                              config.connect_check_url, config.connect_check_headers, config.insecure_dev});
    // The check goes to an address the user typed: the SSRF guard applies
    // (public addresses, port 443; anything local only with --insecure-dev).
    net::OutboundPolicy outbound;
    outbound.ssrf.allow_private = config.insecure_dev;
    outbound.ssrf.any_port = config.insecure_dev;
    outbound.timeout = std::chrono::seconds(10);
    outbound.ca_files = config.ca_files;
    upstream_login.connect_https = outbound_client(outbound);
    upstream_login.connect_check =
        std::make_unique<upstream::ConnectionCheck>(*upstream_login.connect, *upstream_login.connect_https);
  }
  if (upstream_on || connect_on) {
    auto keys = upstream::VaultKeys::load(config.data_dir, environment);
    spdlog::info("upstream token vault: key {} from {}", keys.active_id(), keys.source());
    stores = std::make_unique<store::Stores>(store::open_sqlite_stores(config.data_dir / "gatehouse.db"));
    std::string reason = "the upstream sign-in has ended; authorize again";
    if (upstream_login.provider)
      reason = "the sign-in at " + upstream_login.provider->settings().display_name + " has ended; authorize again";
    upstream_login.vault = std::make_unique<upstream::TokenVault>(
        *stores->upstream_tokens, std::move(keys), upstream_login.provider.get(),
        [&authorization, reason](const std::string& grant_id) {
          if (authorization) oauth::revoke_grant(authorization->context(), grant_id, reason);
        });
    // Key-file mode: `gatehouse keys rotate-vault` run meanwhile is picked up
    // when a value sealed under the new key is first met.
    if (!upstream_login.vault->keys_from_environment())
      upstream_login.vault->reload_keys_with(
          [data_dir = config.data_dir] { return upstream::VaultKeys::load(data_dir, environment); },
          [keys = config.data_dir / "keys"] {
            // The key files' change times and sizes: enough to notice a rotation.
            std::string stamp;
            for (const char* name : {"upstream-vault.key", "upstream-vault.previous"}) {
              struct stat st {};
              if (::stat((keys / name).c_str(), &st) == 0)
                stamp += std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec) + ":" +
                         std::to_string(st.st_size) + ";";
              else
                stamp += "-;";
            }
            return stamp;
          });
    upstream_login.credentials = std::make_shared<upstream::VaultCredentials>(*upstream_login.vault);
    mcp_options.dispatch.upstream = upstream_login.credentials;
  }
  net::Metrics metrics;
  // {user.name}: looked up when a backend process starts for a user.
  auto gateway = attach_gateway(
      config, server, ioc.get_executor(),
      [&stores](const std::string& subject) {
        if (!stores) return subject;
        auto user = stores->users->find(subject);
        return user ? user->name : subject;
      },
      &metrics);
  // {upstream.*} and {connection.*} in backend templates come from the vault.
  if (gateway && upstream_login.credentials) gateway->set_upstream(upstream_login.credentials);
  // Made once the guard is known (below): the authorization server needs the bound address.
  std::shared_ptr<mcp::StreamableHttp> transport;

  net::Router router;
  // L3: the Host check guards every endpoint, not only /mcp. /healthz is
  // exempt: it reveals nothing to a rebinding page, and health checkers
  // send Host headers of their own.
  router.check_host(origin_policy, {"/healthz"});
  if (config.metrics != "off")
    router.route("/metrics", [&metrics, &transport, public_metrics = config.metrics == "public"](
                                 net::Request& request, const net::Peer& peer) -> asio::awaitable<net::Reply> {
      if (request.method() != http::verb::get && request.method() != http::verb::head)
        co_return net::reply(net::error_response(http::status::method_not_allowed, "method_not_allowed", "use GET"));
      // "local": asked on this machine, and not through a proxy that says
      // whom it forwards for.
      if (!public_metrics &&
          (!peer.remote.address().is_loopback() || request.find("X-Forwarded-For") != request.end()))
        co_return net::reply(net::error_response(http::status::forbidden, "forbidden",
                                                 "metrics are served to this machine only ([server] metrics)"));
      metrics.gauge("gatehouse_mcp_sessions", "MCP sessions open (2025 revisions)")
          .set(static_cast<std::int64_t>(transport->session_count()));
      net::Response r{http::status::ok, request.version()};
      r.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      r.set(http::field::cache_control, "no-store");
      r.body() = metrics.render();
      r.prepare_payload();
      co_return net::reply(std::move(r));
    });
  router.route("/healthz", [](net::Request& request, const net::Peer&) -> asio::awaitable<net::Reply> {
    if (request.method() != http::verb::get && request.method() != http::verb::head)
      co_return net::reply(net::error_response(http::status::method_not_allowed, "method_not_allowed", "use GET"));
    co_return net::reply(net::json_response(http::status::ok, R"({"status":"ok"})"));
  });

  // Routes are complete before the first request is read (the io threads
  // start below), so the router needs no lock.
  std::vector<asio::ip::address> trusted_proxies;
  for (const auto& proxy : config.trusted_proxies) trusted_proxies.push_back(asio::ip::make_address(proxy));
  // H5: connections, not descriptors, should be what runs out first.
  if (auto fds = raise_descriptor_limit(); fds.now != fds.before)
    spdlog::info("file-descriptor limit raised from {} to {}", fds.before, fds.now);
  net::HttpServer http_server(ioc,
                              {.body_limit = config.body_limit,
                               .read_timeout = config.read_timeout,
                               .trusted_proxies = trusted_proxies,
                               .max_connections = config.max_connections,
                               .max_connections_per_address = config.max_connections_per_address},
                              runtime::observed(router, metrics));
  auto bound = http_server.listen({address, port});
  std::string base = "http://" + (address.is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string()) +
                     ":" + std::to_string(bound.port());
  // The issuer and resource: the public URL when set, else where we listen.
  std::string public_base = config.public_url.empty() ? base : config.public_url;
  while (public_base.ends_with('/')) public_base.pop_back();
  install_home_page(router, {.title = server.info().title.empty() ? server.info().name : server.info().title,
                             .name = server.info().name,
                             .mcp_url = public_base + "/mcp",
                             .auth = config.auth});

  // Who may call /mcp: OAuth access tokens, API keys, or anyone (none).
  const net::AccessGuard* guard = nullptr;
  std::unique_ptr<oauth::ApiKeyGuard> api_keys;
  if (upstream_login.provider) {
    upstream_login.sign_in = std::make_unique<upstream::SignIn>(
        *upstream_login.provider, *upstream_login.vault, *stores->users, *stores->client_assertions,
        upstream::SignInOptions{.callback_url = public_base + "/oauth/upstream/callback",
                                .lifetime = std::chrono::seconds(600),
                                .allow = config::allowlist(config),
                                .want_organizations = !config.allow_organizations.empty()});
    const auto& provider = upstream_login.provider->settings();
    spdlog::info("sign-in through {} ({}), callback {}/oauth/upstream/callback; local users {}", provider.display_name,
                 provider.kind == upstream::ProviderSettings::Kind::oidc ? provider.issuer : provider.authorization_endpoint,
                 public_base, config.login_method == "both" ? "too" : "off");
  }
  if (config.auth == "oauth") {
    if (!stores) stores = std::make_unique<store::Stores>(store::open_sqlite_stores(config.data_dir / "gatehouse.db"));
    if (config.login_method != "upstream") ensure_first_user(*stores->users);
    oauth::Settings settings;
    settings.issuer = public_base;
    settings.resource = public_base + "/mcp";
    settings.scopes = config.scopes;
    settings.default_scopes = {config.scopes.front()};
    settings.access_token_lifetime = config.access_token_lifetime;
    settings.refresh_idle_lifetime = config.refresh_idle_lifetime;
    settings.refresh_absolute_lifetime = config.refresh_absolute_lifetime;
    settings.refresh_reuse_grace = config.refresh_reuse_grace;
    oauth::AuthorizationServerOptions options;
    options.authorize.ui_key = load_or_create_secret(config.data_dir / "keys" / "ui.key");
    options.registration.redirect_uri_allowlist = config.redirect_uri_allowlist;
    options.unused_client_lifetime = config.unused_client_lifetime;
    configure_cimd(config, options);
    if (upstream_login.sign_in) {
      options.authorize.upstream = upstream_login.sign_in.get();
      options.authorize.local_login = config.login_method != "upstream";
    }
    options.authorize.vault = upstream_login.vault.get();
    options.authorize.connect = upstream_login.connect.get();
    options.authorize.connect_check = upstream_login.connect_check.get();
    authorization = std::make_unique<oauth::AuthorizationServer>(settings, *stores, options);
    if (auto* vault = upstream_login.vault.get()) {
      // The vault follows its grants: a new grant activates its upstream
      // tokens; a revoked one gives them back to the provider.
      authorization->context().grant_hooks.created = [vault](const std::string& id) { vault->activate(id); };
      authorization->context().grant_hooks.revoked = [vault, &ioc](const std::string& id) {
        asio::co_spawn(ioc, vault->revoke(id), asio::detached);
      };
    }
    authorization->start();
    authorization->install(router);
    guard = &authorization->guard();
    spdlog::info("OAuth authorization server: issuer {}, resource {}, client metadata documents {}", settings.issuer,
                 settings.resource, authorization->settings().client_id_metadata_documents ? "accepted" : "off");
  } else if (config.auth == "api-key") {
    // Private deployments only: Claude does not accept user-pasted bearer tokens.
    stores = std::make_unique<store::Stores>(store::open_sqlite_stores(config.data_dir / "gatehouse.db"));
    api_keys = std::make_unique<oauth::ApiKeyGuard>(*stores->clients, config.scopes);
    guard = api_keys.get();
    spdlog::warn("auth api-key: clients send a static key (gatehouse clients add NAME --api-key); Claude cannot "
                 "connect this way — use auth oauth for Claude");
  }
  mcp_options.guard = guard;
  // Tools that run as tasks keep their tasks in the store, so a task
  // outlives its request and a restart (docs/tasks.md).
  std::shared_ptr<mcp::TaskRunner> tasks;
  if (runs_tasks(server)) {
    if (!stores) stores = std::make_unique<store::Stores>(store::open_sqlite_stores(config.data_dir / "gatehouse.db"));
    tasks = std::make_shared<mcp::TaskRunner>(*stores->tasks, task_settings(config));
    tasks->recover();
    mcp_options.dispatch.tasks = tasks;
  }
  transport = mcp::StreamableHttp::create(server, mcp_options, origin_policy);
  router.route("/mcp", mcp_route(transport, guard, metrics));
  // What answers: the gateway's backends, or the Server given (a builtin
  // backend of `gatehouse serve`, or a program's own).
  std::string serving = "server " + server.info().name + " " + server.info().version;
  if (gateway) serving = std::to_string(config.backends.size()) + " gateway backend(s)";
  spdlog::info("serving MCP at {}/mcp ({} threads, {}, auth {})", base, threads, serving, config.auth);
  // Scripts and tests read this line to learn the port.
  std::cout << "listening on " << base << std::endl;
  if (on_listening) on_listening(base);

  // Idle sessions expire in the background; the authorization server
  // refreshes its revocation list and cleans its stores.
  asio::steady_timer sweep(ioc);
  asio::co_spawn(
      asio::make_strand(ioc),
      [&]() -> asio::awaitable<void> {
        for (int tick = 0;; ++tick) {
          sweep.expires_after(std::chrono::seconds(5));
          auto [ec] = co_await sweep.async_wait(asio::as_tuple(asio::use_awaitable));
          if (ec) co_return;
          if (authorization) authorization->housekeeping();
          if (upstream_login.vault) upstream_login.vault->follow_key_changes();
          // Sign-ins whose code was never exchanged: their tokens go back.
          if (upstream_login.vault && tick % 60 == 0) {
            co_await upstream_login.vault->remove_abandoned(std::chrono::seconds(1800));
            // Grants revoked by `gatehouse grants revoke` or removed at expiry.
            co_await upstream_login.vault->sweep(*stores->grants);
          }
          if (gateway) gateway->housekeeping();
          if (tick % 6 == 0)
            if (auto n = transport->expire_idle_sessions()) spdlog::info("expired {} idle sessions", n);
          if (tasks && tick % 12 == 0) {
            try {
              if (auto n = tasks->sweep()) spdlog::info("removed {} expired tasks", n);
            } catch (const store::StoreError& e) {
              spdlog::error("expired tasks could not be removed: {}", e.what());
            }
          }
        }
      },
      asio::detached);

  // Graceful stop: no new connections, standalone streams end, requests in
  // flight finish within the grace period, then the process exits.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer grace(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received: finishing requests in flight (at most {} s)", signal, config.shutdown_grace.count());
    sweep.cancel();
    transport->close_standalone_streams();
    http_server.stop([&ioc] { ioc.stop(); });
    grace.expires_after(config.shutdown_grace);
    grace.async_wait([&](const boost::system::error_code& e) {
      if (e) return;
      spdlog::warn("grace period over: closing {} connections", http_server.connections());
      ioc.stop();
    });
  });

  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  // Tasks still running cannot finish now: their clients read why.
  if (tasks) tasks->stop_all("the server stopped while this task was running; call the tool again");
  transport->close_all();
  detach_gateway(server, gateway);
  spdlog::info("stopped");
  return 0;
}

}  // namespace gatehouse::runtime
