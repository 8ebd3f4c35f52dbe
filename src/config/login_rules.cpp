#include "config/login_rules.hpp"

#include "config/load.hpp"

namespace gatehouse::config {

namespace {

// "gatehouse.toml:12: [login.provider] client_id " or "[login.provider] client_id "
std::string where(const Config& c, const std::string& key) {
  auto it = c.sources.find(key);
  if (it == c.sources.end()) return key + " ";
  if (it->second.starts_with("--")) return it->second + " ";
  return it->second + ": " + key + " ";
}

std::vector<std::pair<std::string, std::string>> params(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq != std::string::npos) out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

void set_if_empty(std::string& field, std::string value) {
  if (field.empty()) field = std::move(value);
}

}  // namespace

bool upstream_login(const Config& config) { return config.login_method == "upstream" || config.login_method == "both"; }

void check_login(const Config& c) {
  if (!upstream_login(c)) return;
  const std::string method = where(c, "[login] method");
  if (c.auth != "oauth")
    throw ConfigError(method + "\"" + c.login_method + "\" signs people in during OAuth authorization; it needs "
                      "[server] auth = \"oauth\" (now \"" + c.auth + "\")");
  if (c.provider_client_id.empty())
    throw ConfigError(method + "\"" + c.login_method + "\" needs [login.provider] client_id: the client id this "
                      "server has at the provider (register " + (c.public_url.empty() ? std::string("<public_url>")
                                                                                          : c.public_url) +
                      "/oauth/upstream/callback as its redirect URI)");
  const bool preset = !c.provider_preset.empty();
  const std::string kind = !c.provider_kind.empty()      ? c.provider_kind
                           : c.provider_preset == "github" ? "oauth2"
                           : preset || !c.provider_issuer.empty() ? "oidc"
                                                                 : "oauth2";
  if (!preset && kind == "oidc" && c.provider_issuer.empty())
    throw ConfigError(where(c, "[login.provider] kind") +
                      "\"oidc\" needs [login.provider] issuer, e.g. \"https://login.example.com/realms/main\"");
  if (!preset && kind == "oauth2") {
    for (const auto& [key, value] : {std::pair{"authorization_endpoint", &c.provider_authorization_endpoint},
                                     std::pair{"token_endpoint", &c.provider_token_endpoint},
                                     std::pair{"userinfo_endpoint", &c.provider_userinfo_endpoint}})
      if (value->empty())
        throw ConfigError(method + "needs [login.provider] " + std::string(key) +
                          " for a plain OAuth 2.0 provider (or an issuer for OpenID Connect, or preset = \"github\" "
                          "/ \"google\")");
  }
  const bool rules = !c.allow_subjects.empty() || !c.allow_emails.empty() || !c.allow_email_domains.empty() ||
                     !c.allow_organizations.empty();
  if (preset && !rules && !c.allow_everyone)
    throw ConfigError(where(c, "[login.provider] preset") + "\"" + c.provider_preset + "\" lets anyone with a " +
                      c.provider_preset + " account sign in unless [login] says who may: set allow_emails, "
                      "allow_email_domains, allow_subjects" +
                      (c.provider_preset == "github" ? std::string(" or allow_organizations") : std::string()) +
                      ", or allow_everyone = true if that is what you want");
  if (!c.allow_organizations.empty() && c.provider_preset != "github")
    throw ConfigError(where(c, "[login] allow_organizations") +
                      "works with [login.provider] preset = \"github\" only (organisations are GitHub's)");
}

upstream::ProviderSettings provider_settings(
    const Config& c, const std::function<std::optional<std::string>(const char*)>& environment) {
  upstream::ProviderSettings p;
  if (c.provider_preset == "github") {
    p.kind = upstream::ProviderSettings::Kind::oauth2;
    p.name = "github";
    p.display_name = "GitHub";
    p.authorization_endpoint = "https://github.com/login/oauth/authorize";
    p.token_endpoint = "https://github.com/login/oauth/access_token";
    p.userinfo_endpoint = "https://api.github.com/user";
    p.github_api = "https://api.github.com";
    p.scopes = {"read:user", "user:email"};
    if (!c.allow_organizations.empty()) p.scopes.push_back("read:org");
    p.subject_claim = "id";
    p.username_claim = "login";
  } else if (c.provider_preset == "google") {
    p.kind = upstream::ProviderSettings::Kind::oidc;
    p.name = "google";
    p.display_name = "Google";
    p.issuer = "https://accounts.google.com";
    p.scopes = {"openid", "email", "profile"};
    // Google hands out a refresh token only with these.
    p.authorize_params = {{"access_type", "offline"}, {"prompt", "consent"}};
  } else {
    const bool oidc = c.provider_kind == "oidc" || (c.provider_kind.empty() && !c.provider_issuer.empty());
    p.kind = oidc ? upstream::ProviderSettings::Kind::oidc : upstream::ProviderSettings::Kind::oauth2;
    p.name = "upstream";
    p.display_name = oidc ? "single sign-on" : "the provider";
    if (oidc) p.scopes = {"openid", "email", "profile", "offline_access"};
  }
  if (!c.provider_name.empty()) p.name = c.provider_name;
  if (!c.provider_display_name.empty()) p.display_name = c.provider_display_name;
  if (!c.provider_issuer.empty()) p.issuer = c.provider_issuer;
  if (!c.provider_authorization_endpoint.empty()) p.authorization_endpoint = c.provider_authorization_endpoint;
  if (!c.provider_token_endpoint.empty()) p.token_endpoint = c.provider_token_endpoint;
  if (!c.provider_userinfo_endpoint.empty()) p.userinfo_endpoint = c.provider_userinfo_endpoint;
  if (!c.provider_revocation_endpoint.empty()) p.revocation_endpoint = c.provider_revocation_endpoint;
  if (!c.provider_jwks_uri.empty()) p.jwks_uri = c.provider_jwks_uri;
  if (!c.provider_scopes.empty()) p.scopes = c.provider_scopes;
  if (!c.provider_subject_claim.empty()) p.subject_claim = c.provider_subject_claim;
  if (!c.provider_username_claim.empty()) p.username_claim = c.provider_username_claim;
  if (!c.provider_email_claim.empty()) p.email_claim = c.provider_email_claim;
  if (!c.provider_authorize_params.empty()) p.authorize_params = params(c.provider_authorize_params);
  p.token_params = params(c.provider_token_params);
  p.resource = c.provider_resource;
  if (!c.provider_api_url.empty()) {
    p.github_api = c.provider_api_url;
    while (p.github_api.ends_with('/')) p.github_api.pop_back();
    if (c.provider_userinfo_endpoint.empty()) p.userinfo_endpoint = p.github_api + "/user";
  }
  p.client_id = c.provider_client_id;
  p.token_endpoint_auth_method = c.provider_token_endpoint_auth_method;
  set_if_empty(p.subject_claim, "sub");
  const auto& variable = c.provider_client_secret_env;
  auto secret = environment(variable.c_str());
  if (!secret || secret->empty())
    throw ConfigError("the environment variable " + variable + " is not set: it holds the client secret of this server "
                      "at " + p.display_name + " ([login.provider] client_secret_env names it)");
  p.client_secret = std::move(*secret);
  return p;
}

upstream::Allowlist allowlist(const Config& c) {
  return upstream::Allowlist{c.allow_subjects, c.allow_emails, c.allow_email_domains, c.allow_organizations};
}

}  // namespace gatehouse::config
