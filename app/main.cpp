// gatehouse — the command line. Everything it does lives in the library; this
// file only parses arguments and reports errors.
#include "admin/admin.hpp"
#include "builtin/builtin.hpp"
#include "cli/usage_error.hpp"
#include "config/backend_rules.hpp"
#include "config/load.hpp"
#include "config/tool_scopes.hpp"
#include "doctor/doctor.hpp"
#include "runtime/data_dir.hpp"
#include "upstream/token_vault.hpp"
#include "runtime/json_log_sink.hpp"
#include "runtime/serve.hpp"
#include "crypto/random.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>
#include <unistd.h>
#include <iostream>

namespace {

using gatehouse::config::Config;

int run_serve(Config config, const std::string& config_file, const std::vector<std::string>& flags_set,
              const Config& flags, const std::vector<std::string>& backend_flags) {
  namespace cfg = gatehouse::config;
  // Precedence: defaults < file < environment < flags.
  if (!config_file.empty()) cfg::apply_file(config, config_file);
  cfg::apply_environment(config);
  // A flag given also names itself in errors about its value.
  auto set = [&](const char* name, std::string_view key = {}) {
    bool given = std::find(flags_set.begin(), flags_set.end(), name) != flags_set.end();
    if (given && !key.empty()) cfg::note_flag(config, key, name);
    return given;
  };
  if (set("--listen", "listen")) config.listen = flags.listen;
  if (set("--public-url", "public_url")) config.public_url = flags.public_url;
  if (set("--data-dir", "data_dir")) config.data_dir = flags.data_dir;
  if (set("--backend", "backend")) {
    // Repeatable: builtin:NAME once, or gateway backends (stdio:/http:),
    // which replace the file's [[backend]] tables.
    std::vector<gatehouse::config::BackendConfig> gateway;
    for (const auto& value : backend_flags) {
      if (cfg::is_gateway_flag(value)) gateway.push_back(cfg::backend_from_flag(value));
      else config.backend = value;
    }
    if (!gateway.empty()) {
      // Several from the command line: each named after its program, made unique.
      for (std::size_t i = 0; i < gateway.size() && gateway.size() > 1; ++i) gateway[i].name += std::to_string(i + 1);
      config.backends = std::move(gateway);
    }
  }
  // [server] backend = "stdio:..." in the file: one gateway backend.
  if (config.backends.empty() && cfg::is_gateway_flag(config.backend)) {
    config.backends.push_back(cfg::backend_from_flag(config.backend));
    config.backend = "builtin:demo";
  }
  if (set("--auth", "auth")) config.auth = flags.auth;
  if (set("--stdio", "stdio")) config.stdio = true;
  if (set("--stateless", "stateless")) config.stateless = true;
  if (set("--log-level", "log_level")) config.log_level = flags.log_level;
  if (set("--insecure-dev")) config.insecure_dev = true;
  if (set("--check-config")) config.check_only = true;
  if (set("--ca-file")) config.ca_files = flags.ca_files;
  if (!config.ca_files.empty() && !config.insecure_dev)
    throw cfg::ConfigError("--ca-file adds trust anchors for test servers and needs --insecure-dev; production "
                           "servers trust the system's certificate store only");
  cfg::validate(config);
  if (config.check_only) {
    std::cerr << "gatehouse: configuration is valid";
    if (!config.backends.empty()) {
      std::cerr << "; backends:";
      for (const auto& b : config.backends)
        std::cerr << " " << b.name << " (" << cfg::effective_isolation(b) << ")";
    }
    std::cerr << std::endl;
    return 0;
  }
  // A stdio server runs wherever its client starts it: unless told
  // otherwise, its state goes to the user's data directory, not ./var there.
  // Said on stderr, since stdout carries the protocol.
  if (config.stdio && !config.sources.contains("[server] data_dir"))
    if (auto per_user = gatehouse::runtime::per_user_data_dir(std::getenv)) {
      config.data_dir = *per_user;
      std::cerr << "gatehouse: stdio server; state in " << config.data_dir.string()
                << " (the per-user default; --data-dir chooses another)" << std::endl;
    }

  gatehouse::runtime::install_json_logger(config.log_level);
  if (gatehouse::runtime::create_data_dir(config.data_dir))
    std::cerr << gatehouse::runtime::new_data_dir_notice(config.data_dir) << std::endl;

  if (!config.backends.empty()) {
    if (!config.tool_scopes.empty())
      throw cfg::ConfigError("[oauth] tool_scopes names tools of a builtin backend; for [[backend]] tables put "
                             "tool_scopes in the table");
    gatehouse::Server gateway({.name = "gatehouse", .version = "0.1.0", .title = "Gatehouse"});
    return gatehouse::runtime::serve(config, gateway);
  }
  auto name = std::string_view(config.backend).substr(std::string_view("builtin:").size());
  auto server = gatehouse::builtin::make(name, {.data_dir = config.data_dir});
  cfg::apply_tool_scopes(config, *server, "backend " + config.backend);
  return gatehouse::runtime::serve(config, *server);
}

// Where the state commands find the store: --data-dir (and --config) as
// `serve` takes them.
struct StateOptions {
  std::string config_file;
  std::string data_dir;
};


// The data directory the state commands use: --data-dir, else the
// configuration's (file, then environment), as `serve` finds it.
std::filesystem::path state_data_dir(const StateOptions& options) {
  namespace cfg = gatehouse::config;
  Config config;
  if (!options.config_file.empty()) cfg::apply_file(config, options.config_file);
  cfg::apply_environment(config);
  if (!options.data_dir.empty()) config.data_dir = options.data_dir;
  return config.data_dir;
}

gatehouse::store::Stores open_state(const StateOptions& options) {
  const auto data_dir = state_data_dir(options);
  if (gatehouse::runtime::create_data_dir(data_dir))
    std::cerr << gatehouse::runtime::new_data_dir_notice(data_dir) << std::endl;
  return gatehouse::store::open_sqlite_stores(data_dir / "gatehouse.db");
}

void add_state_options(CLI::App* command, StateOptions& options) {
  command->add_option("--config", options.config_file, "TOML configuration file")->check(CLI::ExistingFile);
  command->add_option("--data-dir", options.data_dir, "Directory for state (default ./var)");
}

// --password-stdin reads one line; otherwise a random password is made and shown once.
std::string password_from(bool from_stdin, bool& generated) {
  generated = false;
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    return line;
  }
  generated = true;
  return gatehouse::crypto::random_token(12);
}

std::string when(std::int64_t t) {
  if (t == 0) return "-";
  std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &tm);
  return buffer;
}

// The commands and options `app` defines, for gatehouse::cli::diagnose.
// (The top-level name is given: CLI11 renames the app after argv[0].)
gatehouse::cli::CommandSpec spec_of(const CLI::App& app, std::string name, std::vector<std::string> planned = {}) {
  gatehouse::cli::CommandSpec spec{.name = std::move(name), .planned = std::move(planned)};
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      ++spec.positionals;
      if (option->get_required()) {
        std::string name = option->get_name();
        for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        spec.required.push_back(name + " (" + option->get_description() + ")");
      }
      continue;
    }
    gatehouse::cli::OptionSpec o{.takes_value = option->get_type_size_min() > 0};
    for (const auto& name : option->get_lnames()) o.names.push_back("--" + name);
    for (const auto& name : option->get_snames()) o.names.push_back("-" + name);
    spec.options.push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    spec.commands.push_back(spec_of(*sub, sub->get_name()));
  return spec;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Gatehouse: authentication and transport for MCP servers, the way Claude expects them."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gatehouse 0.1.0");

  Config flags;
  std::string config_file;
  auto* serve = app.add_subcommand("serve", "Serve MCP over Streamable HTTP (or stdio with --stdio)");
  // A later occurrence wins, so wrappers can pass defaults before the user's options.
  serve->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  serve->add_option("--config", config_file, "TOML configuration file")->check(CLI::ExistingFile);
  serve->add_option("--listen", flags.listen, "Address to listen on, HOST:PORT (default 127.0.0.1:8080; port 0 picks one)");
  serve->add_option("--public-url", flags.public_url, "URL clients use to reach this server, e.g. https://mcp.example.com");
  serve->add_option("--data-dir", flags.data_dir,
                    "Directory for state (default ./var; with --stdio $XDG_DATA_HOME/gatehouse or "
                    "~/.local/share/gatehouse)");
  std::vector<std::string> backend_flags;
  serve->add_option("--backend", backend_flags,
                    "What to serve: builtin:demo (default), builtin:everything, an MCP server to front: "
                    "'stdio:COMMAND ARGS...' (repeatable), or [[backend]] tables in --config")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  serve->add_flag("--check-config", flags.check_only, "Check the configuration (file, environment, flags) and exit");
  serve->add_option("--auth", flags.auth,
                    "Authentication over HTTP: none (default), oauth, or api-key (private deployments; not for "
                    "Claude); stdio takes none");
  serve->add_flag("--stdio", flags.stdio, "Speak newline-delimited JSON-RPC on stdin/stdout instead of HTTP");
  serve->add_flag("--stateless", flags.stateless, "No MCP sessions: every POST stands alone");
  serve->add_option("--log-level", flags.log_level, "trace, debug, info (default), warn or error");
  serve->add_flag("--insecure-dev", flags.insecure_dev,
                  "For local testing only: fetch client metadata documents from loopback and private addresses, "
                  "accept an http public URL on any host, and allow --ca-file");
  serve->add_option("--ca-file", flags.ca_files, "Extra PEM trust anchors for outbound https (needs --insecure-dev; repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(CLI::ExistingFile);

  // gatehouse users add|list|remove|passwd
  StateOptions state;
  std::string name, client_id, grant_id, user_filter, client_filter;
  bool password_stdin = false, confidential = false, claude = false, api_key = false;
  std::vector<std::string> redirect_uris;
  auto* users = app.add_subcommand("users", "Local accounts that sign in at /authorize");
  users->require_subcommand(1);
  auto* users_add = users->add_subcommand("add", "Add a user (prints a generated password unless --password-stdin)");
  users_add->add_option("name", name, "Login name")->required();
  users_add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  auto* users_passwd = users->add_subcommand("passwd", "Set a user's password");
  users_passwd->add_option("name", name, "Login name")->required();
  users_passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  auto* users_remove = users->add_subcommand("remove", "Remove a user and revoke their grants");
  users_remove->add_option("name", name, "Login name")->required();
  auto* users_list = users->add_subcommand("list", "List users");
  for (auto* c : {users_add, users_passwd, users_remove, users_list}) add_state_options(c, state);

  // gatehouse clients add|list|remove
  auto* clients = app.add_subcommand("clients", "Pre-registered OAuth clients");
  clients->require_subcommand(1);
  auto* clients_add = clients->add_subcommand(
      "add", "Register a client; --confidential prints a secret once (what you hand to Anthropic for oauth_anthropic_creds)");
  clients_add->add_option("name", name, "A name shown on the consent page")->required();
  clients_add->add_option("--redirect-uri", redirect_uris, "A redirect URI (repeatable)");
  clients_add->add_flag("--claude", claude, "Add Claude's redirect URIs (claude.ai and claude.com callbacks)");
  clients_add->add_flag("--confidential", confidential, "Issue a client secret");
  clients_add->add_flag("--api-key", api_key,
                        "Create a static API key for --auth api-key (private deployments; Claude cannot use it)");
  auto* clients_remove = clients->add_subcommand("remove", "Remove a client and revoke its grants");
  clients_remove->add_option("client_id", client_id, "The client id")->required();
  auto* clients_list = clients->add_subcommand("list", "List clients");
  for (auto* c : {clients_add, clients_remove, clients_list}) add_state_options(c, state);

  // gatehouse grants list|revoke
  auto* grants = app.add_subcommand("grants", "What users have allowed which clients");
  grants->require_subcommand(1);
  auto* grants_list = grants->add_subcommand("list", "List grants");
  grants_list->add_option("--user", user_filter, "Only this user's");
  grants_list->add_option("--client", client_filter, "Only this client's");
  auto* grants_revoke = grants->add_subcommand("revoke", "Revoke a grant, or every grant of --user / --client");
  grants_revoke->add_option("grant_id", grant_id, "The grant id");
  grants_revoke->add_option("--user", user_filter, "Every grant of this user");
  grants_revoke->add_option("--client", client_filter, "Every grant of this client");
  for (auto* c : {grants_list, grants_revoke}) add_state_options(c, state);

  // gatehouse keys list|rotate
  auto* keys = app.add_subcommand("keys", "Access-token signing keys (JWKS)");
  keys->require_subcommand(1);
  auto* keys_list = keys->add_subcommand("list", "List signing keys");
  auto* keys_rotate = keys->add_subcommand("rotate", "Start signing with a new key; old keys verify until their tokens expire");
  auto* keys_rotate_vault = keys->add_subcommand(
      "rotate-vault", "Seal upstream tokens and connect-form values under a new key (the old one keeps opening them)");
  for (auto* c : {keys_list, keys_rotate, keys_rotate_vault}) add_state_options(c, state);

  gatehouse::doctor::Options doctor_options;
  double doctor_timeout = 10;
  std::vector<std::string> doctor_ca_files;
  auto* doctor = app.add_subcommand("doctor", "Check an MCP server URL the way Claude connects to it, and say what would fail");
  doctor->add_option("url", doctor_options.url, "The MCP URL Claude would be given, e.g. https://mcp.example.com/mcp")
      ->required();
  doctor->add_flag("--json", doctor_options.json, "Print one JSON document instead of the table");
  doctor->add_flag("--verbose", doctor_options.verbose, "Show the evidence of passed checks too");
  doctor->add_option("--client-id", doctor_options.client_id,
                     "Probe with this OAuth client (a pre-registered id or a metadata document URL) instead of Claude's; "
                     "its secret, if any, from GATEHOUSE_DOCTOR_CLIENT_SECRET");
  doctor->add_flag("--interactive", doctor_options.interactive,
                   "Sign in through a browser and test the whole flow: token, MCP calls, refresh, revocation");
  doctor->add_flag("--insecure-dev", doctor_options.insecure_dev,
                   "A local server: http, loopback and private addresses only warn");
  doctor->add_option("--ca-file", doctor_ca_files, "Extra trust anchors (PEM), e.g. a private CA");
  doctor->add_option("--timeout", doctor_timeout, "Seconds to wait for each answer (default 10)")
      ->check(CLI::Range(1.0, 120.0));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing too, successfully.
    if (e.get_exit_code() != 0)
      if (auto problem = gatehouse::cli::diagnose(spec_of(app, "gatehouse"),
                                                  std::vector<std::string>(argv + 1, argv + argc))) {
        std::cerr << "gatehouse: " << *problem << "\n";
        return 2;
      }
    return app.exit(e);
  }

  if (*doctor) {
    for (const auto& file : doctor_ca_files) doctor_options.ca_files.emplace_back(file);
    doctor_options.timeout = std::chrono::milliseconds(static_cast<long>(doctor_timeout * 1000));
    if (const char* secret = std::getenv("GATEHOUSE_DOCTOR_CLIENT_SECRET")) doctor_options.client_secret = secret;
    doctor_options.colour = !doctor_options.json && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    doctor_options.progress = isatty(STDERR_FILENO);
    return gatehouse::doctor::run(doctor_options, std::cout, std::cerr);
  }

  try {
    if (*serve) {
      std::vector<std::string> given;
      for (const auto* option : serve->get_options())
        if (option->count() > 0) given.push_back(option->get_name());
      return run_serve(Config{}, config_file, given, flags, backend_flags);
    }
    namespace admin = gatehouse::admin;
    auto optional = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
    if (*users_add || *users_passwd) {
      auto stores = open_state(state);
      bool generated = false;
      auto password = password_from(password_stdin, generated);
      if (*users_add) admin::add_user(stores, name, password);
      else admin::set_password(stores, name, password);
      std::cout << (*users_add ? "added user " : "changed the password of ") << name;
      if (!*users_add) std::cout << " and ended their sign-in sessions";
      if (generated)
        std::cout << "\ngenerated password (shown only now; to choose one, use --password-stdin): " << password;
      std::cout << "\n";
    } else if (*users_remove) {
      auto stores = open_state(state);
      admin::remove_user(stores, name);
      std::cout << "removed user " << name << " and revoked their grants\n";
    } else if (*users_list) {
      auto stores = open_state(state);
      auto list = admin::list_users(stores);
      if (list.empty()) std::cout << "no users (add one with: gatehouse users add NAME)\n";
      for (const auto& u : list)
        std::cout << u.name << "\t" << u.id << "\tcreated " << when(u.created_at) << (u.disabled ? "\tdisabled" : "")
                  << "\n";
    } else if (*clients_add) {
      auto stores = open_state(state);
      if (api_key) {
        auto created = admin::add_api_key(stores, name);
        std::cout << "client_id: " << created.client_id << "\napi_key: " << created.client_secret
                  << "\n(the key is shown only now; send it as Authorization: Bearer <key>)\n";
        return 0;
      }
      if (claude)
        for (const auto& uri : admin::claude_redirect_uris()) redirect_uris.push_back(uri);
      auto created = admin::add_client(stores, name, redirect_uris, confidential);
      std::cout << "client_id: " << created.client_id << "\n";
      if (!created.client_secret.empty())
        std::cout << "client_secret: " << created.client_secret << "\n(the secret is shown only now; it is stored hashed)\n";
    } else if (*clients_remove) {
      auto stores = open_state(state);
      admin::remove_client(stores, client_id);
      std::cout << "removed client " << client_id << " and revoked its grants\n";
    } else if (*clients_list) {
      auto stores = open_state(state);
      auto list = admin::list_clients(stores);
      if (list.empty()) std::cout << "no clients (add one with: gatehouse clients add NAME ...)\n";
      for (const auto& c : list)
        std::cout << c.client_id << "\t" << gatehouse::store::to_string(c.kind) << "\t"
                  << (c.secret_hash.empty() ? "public" : "confidential") << "\t" << c.client_name << "\tlast used "
                  << when(c.last_used_at) << "\n";
    } else if (*grants_list) {
      auto stores = open_state(state);
      auto list = admin::list_grants(stores, optional(user_filter), optional(client_filter));
      if (list.empty()) std::cout << "no grants" << (user_filter.empty() && client_filter.empty() ? "" : " match") << "\n";
      for (const auto& [g, user_name, client_name, vault] : list) {
        std::cout << g.id << "\tuser " << user_name << "\tclient " << client_name
                  << (client_name == g.client_id ? std::string() : " (" + g.client_id + ")") << "\tscope " << g.scope
                  << "\tcreated " << when(g.created_at)
                  << (g.revoked_at ? "\trevoked " + when(g.revoked_at) : std::string());
        // What the vault holds for it: never a token, only its state.
        if (vault) {
          if (vault->provider.empty()) {
            std::cout << "\tconnection values";
          } else {
            std::cout << "\tupstream " << vault->provider;
            if (vault->access_expires_at) std::cout << " token expires " << when(vault->access_expires_at);
            std::cout << (vault->has_refresh_token ? ", refresh token" : ", no refresh token");
          }
          std::cout << " (" << (vault->state == gatehouse::store::VaultState::needs_reauthorization
                                    ? "needs re-authorization"
                                    : std::string(gatehouse::store::to_string(vault->state)))
                    << ")";
        }
        std::cout << "\n";
      }
    } else if (*grants_revoke) {
      auto stores = open_state(state);
      if (!grant_id.empty()) {
        admin::revoke_grant(stores, grant_id);
        std::cout << "revoked grant " << grant_id << "\n";
      } else {
        auto n = admin::revoke_grants(stores, optional(user_filter), optional(client_filter));
        std::cout << "revoked " << n << " grants\n";
      }
    } else if (*keys_list) {
      auto stores = open_state(state);
      auto list = admin::list_keys(stores);
      if (list.empty()) std::cout << "no signing keys (the server creates one at its first start)\n";
      for (const auto& k : list)
        std::cout << k.kid << "\t" << k.algorithm << "\tcreated " << when(k.created_at)
                  << (k.retired_at ? "\tretired " + when(k.retired_at) : "\tactive") << "\n";
    } else if (*keys_rotate_vault) {
      auto stores = open_state(state);
      auto data_dir = state_data_dir(state);
      auto from_env = [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        return value ? std::optional<std::string>(value) : std::nullopt;
      };
      // With GATEHOUSE_SECRET_KEY the operator has already put the new key
      // in place: only the re-sealing is left to do.
      auto keys = std::getenv("GATEHOUSE_SECRET_KEY") ? gatehouse::upstream::VaultKeys::load(data_dir, from_env)
                                                      : gatehouse::upstream::VaultKeys::rotate_key_file(data_dir, from_env);
      gatehouse::upstream::TokenVault vault(*stores.upstream_tokens, keys, nullptr, {});
      auto count = vault.reseal_all();
      std::cout << "vault key " << keys.active_id() << " (" << keys.source() << "): " << count.resealed
                << " records sealed anew, " << count.current << " already under it";
      if (count.unreadable) std::cout << ", " << count.unreadable << " sealed under a key no longer configured";
      if (keys.from_environment())
        std::cout << "; servers must run with this GATEHOUSE_SECRET_KEY (and the old key in "
                     "GATEHOUSE_SECRET_KEY_PREVIOUS until every record is sealed anew)\n";
      else
        std::cout << "; running servers pick up the new key within 5 seconds\n";
    } else if (*keys_rotate) {
      auto stores = open_state(state);
      std::cout << "new signing key " << admin::rotate_key(stores)
                << "; running servers switch to it within seconds, old tokens stay valid until they expire\n";
    }
  } catch (const gatehouse::admin::AdminError& e) {
    std::cerr << "gatehouse: " << e.what() << "\n";
    return 2;
  } catch (const gatehouse::config::ConfigError& e) {
    std::cerr << "gatehouse: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gatehouse: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
