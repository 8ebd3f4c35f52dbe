#pragma once
// The rules of single keys beyond their type and range: the checks the
// table of keys (fields.hpp) names for its keys, applied when a value is
// loaded and again by validate() (some only by validate(): those that
// depend on this build's features or on policy). Each returns "" when the
// value is fine, else the message that follows "[section] key ", e.g.
//   "oauth2" is not an authentication mode; did you mean "oauth"? ...
// Rules between keys are validate()'s (load.cpp) and the *_rules files'.
#include "config/config.hpp"

#include <string>

namespace gatehouse::config {

// [server]
std::string check_listen(const Config& c);
std::string check_public_url(const Config& c);
std::string check_data_dir(const Config& c);
std::string check_backend(const Config& c);
std::string check_auth(const Config& c);
std::string check_trusted_proxies(const Config& c);
std::string check_metrics(const Config& c);

// [mcp]
std::string check_allowed_origins(const Config& c);
std::string check_allowed_hosts(const Config& c);

// [oauth]
std::string check_scopes(const Config& c);
std::string check_tool_scopes(const Config& c);
std::string check_cimd_allowed_hosts(const Config& c);
std::string check_cimd_denied_hosts(const Config& c);
std::string check_cimd_allowed_ports(const Config& c);
std::string check_cimd_cache_max_lifetime(const Config& c);

// [upstream]
std::string check_api_key_env(const Config& c);

// [login]
std::string check_login_method(const Config& c);

// [login.provider]
std::string check_provider_preset(const Config& c);
std::string check_provider_kind(const Config& c);
std::string check_provider_issuer(const Config& c);
std::string check_provider_authorization(const Config& c);
std::string check_provider_token(const Config& c);
std::string check_provider_userinfo(const Config& c);
std::string check_provider_revocation(const Config& c);
std::string check_provider_jwks(const Config& c);
std::string check_secret_env(const Config& c);
std::string check_token_auth_method(const Config& c);
std::string check_authorize_params(const Config& c);
std::string check_token_params(const Config& c);
std::string check_provider_api(const Config& c);

// [log]
std::string check_log_level(const Config& c);

}  // namespace gatehouse::config
