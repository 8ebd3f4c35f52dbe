// gatehouse — the command line. Everything it does lives in the library; this
// file only parses arguments and reports errors.
#include "builtin/builtin.hpp"
#include "config/load.hpp"
#include "runtime/json_log_sink.hpp"
#include "runtime/serve.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

namespace {

using gatehouse::config::Config;

int run_serve(Config config, const std::string& config_file, const std::vector<std::string>& flags_set,
              const Config& flags) {
  namespace cfg = gatehouse::config;
  // Precedence: defaults < file < environment < flags.
  if (!config_file.empty()) cfg::apply_file(config, config_file);
  cfg::apply_environment(config);
  auto set = [&](const char* name) { return std::find(flags_set.begin(), flags_set.end(), name) != flags_set.end(); };
  if (set("--listen")) config.listen = flags.listen;
  if (set("--public-url")) config.public_url = flags.public_url;
  if (set("--data-dir")) config.data_dir = flags.data_dir;
  if (set("--backend")) config.backend = flags.backend;
  if (set("--auth")) config.auth = flags.auth;
  if (set("--stdio")) config.stdio = true;
  if (set("--stateless")) config.stateless = true;
  if (set("--log-level")) config.log_level = flags.log_level;
  cfg::validate(config);

  gatehouse::runtime::install_json_logger(config.log_level);
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) throw cfg::ConfigError("cannot create the data directory " + config.data_dir.string() + ": " + ec.message());

  auto name = std::string_view(config.backend).substr(std::string_view("builtin:").size());
  auto server = gatehouse::builtin::make(name, {.data_dir = config.data_dir});
  return gatehouse::runtime::serve(config, *server);
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
  serve->add_option("--data-dir", flags.data_dir, "Directory for state (default ./var)");
  serve->add_option("--backend", flags.backend, "What to serve: builtin:demo (default) or builtin:everything");
  serve->add_option("--auth", flags.auth, "Authentication: none");
  serve->add_flag("--stdio", flags.stdio, "Speak newline-delimited JSON-RPC on stdin/stdout instead of HTTP");
  serve->add_flag("--stateless", flags.stateless, "No MCP sessions: every POST stands alone");
  serve->add_option("--log-level", flags.log_level, "trace, debug, info (default), warn or error");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*serve) {
      std::vector<std::string> given;
      for (const auto* option : serve->get_options())
        if (option->count() > 0) given.push_back(option->get_name());
      return run_serve(Config{}, config_file, given, flags);
    }
  } catch (const gatehouse::config::ConfigError& e) {
    std::cerr << "gatehouse: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gatehouse: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
