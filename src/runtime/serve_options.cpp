// gatehouse::serve (include/gatehouse/serve.hpp): ServeOptions mapped onto
// the configuration `gatehouse serve` uses, then the same runtime.
#include <gatehouse/serve.hpp>

#include "config/load.hpp"
#include "config/tool_scopes.hpp"
#include "runtime/data_dir.hpp"
#include "runtime/json_log_sink.hpp"
#include "runtime/serve.hpp"

namespace gatehouse {

namespace {

// Defaults < config_file < environment (when asked) < the options set.
config::Config config_of(const ServeOptions& options) {
  config::Config config;
  // A program embedding Gatehouse gets authentication unless it says
  // otherwise (the binary's default is "none", for trying it out).
  config.auth = "oauth";
  if (!options.config_file.empty()) config::apply_file(config, options.config_file);
  if (options.read_environment) config::apply_environment(config);
  // Errors about a value name the option that set it.
  auto set = [&config](std::string_view key) { config::note_flag(config, key, "ServeOptions::" + std::string(key)); };
  if (options.listen) {
    config.listen = *options.listen;
    set("listen");
  }
  if (options.public_url) {
    config.public_url = *options.public_url;
    set("public_url");
  }
  if (options.data_dir) {
    config.data_dir = *options.data_dir;
    set("data_dir");
  }
  if (options.auth) {
    config.auth = *options.auth;
    set("auth");
  }
  if (options.scopes) {
    config.scopes = *options.scopes;
    set("scopes");
  }
  if (options.threads) {
    config.threads = *options.threads;
    set("threads");
  }
  if (options.stdio) {
    config.stdio = true;
    set("stdio");
  }
  if (options.insecure_dev) config.insecure_dev = true;
  if (!options.ca_files.empty()) config.ca_files = options.ca_files;
  if (!config.ca_files.empty() && !config.insecure_dev)
    throw config::ConfigError("ServeOptions::ca_files adds trust anchors for test servers and needs insecure_dev; "
                              "production servers trust the system's certificate store only");
  if (!config.backends.empty())
    throw config::ConfigError(config.backends.front().where +
                              ": [[backend]] tables put existing MCP servers behind `gatehouse serve`; a program "
                              "serving its own gatehouse::Server registers its tools on it instead");
  config::validate(config);
  return config;
}

}  // namespace

int serve(Server& server, const ServeOptions& options) {
  config::Config config;
  try {
    config = config_of(options);
    config::apply_tool_scopes(config, server, "the server");
  } catch (const config::ConfigError& e) {
    throw ServeError(e.what());
  }
  runtime::install_json_logger(config.log_level);
  runtime::create_data_dir(config.data_dir);
  return runtime::serve(config, server, options.on_listening);
}

}  // namespace gatehouse
