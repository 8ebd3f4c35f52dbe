#include "upstream/provider.hpp"

#include "crypto/encoding.hpp"
#include "net/form.hpp"
#include "net/log_value.hpp"
#include "oauth/client/cache_policy.hpp"
#include "upstream/id_token.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <spdlog/spdlog.h>

namespace gatehouse::upstream {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxDocument = 256 * 1024;  // discovery, JWKS, userinfo
constexpr std::size_t kMaxTokenResponse = 64 * 1024;
constexpr std::int64_t kMaxExpiresIn = 10ll * 365 * 24 * 3600;  // ten years

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) return std::nullopt;
  return value;
}

std::string string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A claim as text: strings as they are, integers (GitHub's numeric user id)
// in decimal; anything else is no value.
std::string claim_text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

// email_verified is a boolean (OIDC Core §5.1); a few providers send the
// string "true". Anything else is unverified.
bool claim_true(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return false;
  if (v->is_bool()) return v->get_bool();
  return v->is_string() && v->get_string() == "true";
}

std::string failure_text(const net::FetchFailure& f) { return std::string(net::to_string(f.kind)) + ": " + f.reason; }

// RFC 6749 §2.3.1: client id and secret are form-encoded before Basic.
std::string basic_credentials(std::string_view id, std::string_view secret) {
  return "Basic " + crypto::base64_encode(net::url_encode(id) + ":" + net::url_encode(secret));
}

}  // namespace

Provider::Provider(ProviderSettings settings, const net::HttpsClient& client, const time::Clock& clock)
    : settings_(std::move(settings)),
      client_(client),
      clock_(clock),
      discovery_(oauth::FetchCacheLimits{.max_entries = 4, .max_bytes = 4 * kMaxDocument,
                                         .stale_if_error = std::chrono::hours(24)},
                 clock),
      keys_(oauth::FetchCacheLimits{.max_entries = 4, .max_bytes = 4 * kMaxDocument,
                                    .stale_if_error = std::chrono::hours(24)},
            clock) {}

std::int64_t Provider::now() const {
  return clock_.unix_seconds();
}

asio::awaitable<std::variant<Endpoints, std::string>> Provider::endpoints() {
  Endpoints e{settings_.authorization_endpoint, settings_.token_endpoint, settings_.userinfo_endpoint,
              settings_.revocation_endpoint, settings_.jwks_uri};
  if (openid()) {
    // OIDC Discovery §4: the issuer's path, then /.well-known/openid-configuration.
    std::string issuer = settings_.issuer;
    while (issuer.ends_with('/')) issuer.pop_back();
    const std::string url = issuer + "/.well-known/openid-configuration";
    auto fetch = [this, url]() -> asio::awaitable<oauth::FetchCache<json::object>::FetchResult> {
      auto result = co_await client_.get(url, "application/json", kMaxDocument);
      if (auto* f = std::get_if<net::FetchFailure>(&result)) co_return failure_text(*f);
      const auto& r = std::get<net::HttpsResponse>(result);
      if (r.status != 200) co_return "answered HTTP " + std::to_string(r.status);
      auto doc = parse_json(r.body);
      if (!doc || !doc->is_object()) co_return std::string("is not a JSON object");
      // §4.3: the document's issuer must be exactly the one configured, or
      // an attacker's document could name another issuer's endpoints.
      if (string_member(doc->as_object(), "issuer") != settings_.issuer)
        co_return "names the issuer \"" + net::log_value(string_member(doc->as_object(), "issuer"), 200) +
            "\", not \"" + settings_.issuer + "\" (set [login.provider] issuer to exactly the provider's issuer)";
      auto lifetime = oauth::cache_lifetime(r.cache_control, r.expires, clock_.wall(), std::chrono::minutes(5),
                                            std::chrono::hours(24));
      co_return oauth::FetchCache<json::object>::Fresh{
          std::make_shared<const json::object>(std::move(doc->as_object())), lifetime, r.body.size()};
    };
    auto outcome = co_await discovery_.get(url, fetch);
    if (auto* error = std::get_if<std::string>(&outcome))
      co_return "the provider's discovery document " + url + " " + *error;
    const auto& doc = *std::get<std::shared_ptr<const json::object>>(outcome);
    auto fill = [&](std::string& field, std::string_view key) {
      if (field.empty()) field = string_member(doc, key);
    };
    fill(e.authorization, "authorization_endpoint");
    fill(e.token, "token_endpoint");
    fill(e.userinfo, "userinfo_endpoint");
    fill(e.revocation, "revocation_endpoint");
    fill(e.jwks_uri, "jwks_uri");
    if (const auto* iss = doc.if_contains("authorization_response_iss_parameter_supported"); iss && iss->is_bool())
      e.iss_parameter_supported = iss->get_bool();
    if (const auto* methods = doc.if_contains("code_challenge_methods_supported"); methods && methods->is_array()) {
      e.pkce_s256 = false;
      for (const auto& m : methods->get_array()) e.pkce_s256 = e.pkce_s256 || (m.is_string() && m.get_string() == "S256");
    }
    if (e.jwks_uri.empty()) co_return "the provider's discovery document " + url + " has no jwks_uri";
  }
  if (e.authorization.empty() || e.token.empty())
    co_return std::string("the provider has no authorization or token endpoint");
  co_return e;
}

std::string Provider::authorization_url(const Endpoints& endpoints, std::string_view redirect_uri,
                                        std::string_view state, std::string_view nonce,
                                        std::string_view code_challenge) const {
  net::FormFields params;
  auto add = [&](std::string_view k, std::string_view v) { params.emplace_back(k, v); };
  add("response_type", "code");
  add("client_id", settings_.client_id);
  add("redirect_uri", redirect_uri);
  std::string scope;
  for (const auto& s : settings_.scopes) scope += (scope.empty() ? "" : " ") + s;
  if (!scope.empty()) add("scope", scope);
  add("state", state);
  if (openid()) add("nonce", nonce);
  add("code_challenge", code_challenge);
  add("code_challenge_method", "S256");
  if (!settings_.resource.empty()) add("resource", settings_.resource);
  for (const auto& [k, v] : settings_.authorize_params) add(k, v);
  return net::with_query(endpoints.authorization, params);
}

asio::awaitable<std::variant<TokenSet, TokenError>> Provider::token_request(std::string form, std::string_view what) {
  auto found = co_await endpoints();
  if (auto* error = std::get_if<std::string>(&found)) co_return TokenError{false, "unavailable", *error};
  net::HttpsRequest request;
  request.method = net::HttpsRequest::Method::post;
  request.url = std::get<Endpoints>(found).token;
  request.content_type = "application/x-www-form-urlencoded";
  request.max_body = kMaxTokenResponse;
  if (!settings_.resource.empty()) form += "&resource=" + net::url_encode(settings_.resource);
  for (const auto& [k, v] : settings_.token_params) form += "&" + net::url_encode(k) + "=" + net::url_encode(v);
  if (settings_.token_endpoint_auth_method == "client_secret_post") {
    form += "&client_id=" + net::url_encode(settings_.client_id) + "&client_secret=" +
            net::url_encode(settings_.client_secret);
  } else {
    request.authorization = basic_credentials(settings_.client_id, settings_.client_secret);
  }
  request.body = std::move(form);
  auto result = co_await client_.send(std::move(request));
  if (auto* f = std::get_if<net::FetchFailure>(&result))
    co_return TokenError{false, "unavailable", "the " + std::string(what) + " failed: " + failure_text(*f)};
  const auto& r = std::get<net::HttpsResponse>(result);
  auto body = parse_json(r.body);
  const json::object* o = body && body->is_object() ? &body->as_object() : nullptr;
  // RFC 6749 §5.2 (GitHub answers its errors with 200: the body decides).
  if (o && o->contains("error")) {
    TokenError error{true, net::log_value(string_member(*o, "error"), 64),
                     net::log_value(string_member(*o, "error_description"), 300)};
    // A 5xx with an error body is still the provider's trouble, not a refusal.
    if (r.status >= 500) error.refused = false;
    co_return error;
  }
  if (r.status != 200 || !o) {
    std::string description = "the " + std::string(what) + " answered HTTP " + std::to_string(r.status);
    if (!o) description += " without a JSON object";
    co_return TokenError{false, "unavailable", description};
  }
  TokenSet tokens;
  tokens.access_token = string_member(*o, "access_token");
  tokens.token_type = string_member(*o, "token_type");
  tokens.refresh_token = string_member(*o, "refresh_token");
  tokens.scope = string_member(*o, "scope");
  tokens.id_token = string_member(*o, "id_token");
  if (const auto* expires_in = o->if_contains("expires_in")) {
    std::int64_t seconds = 0;
    if (expires_in->is_int64()) seconds = expires_in->get_int64();
    if (expires_in->is_uint64()) seconds = kMaxExpiresIn;
    // A few providers send it as a string of digits.
    if (expires_in->is_string()) {
      const auto text = std::string(expires_in->get_string());
      std::from_chars(text.data(), text.data() + text.size(), seconds);
    }
    // Bounded, so a hostile or broken answer cannot overflow the arithmetic.
    if (seconds > 0) tokens.expires_at = now() + std::min(seconds, kMaxExpiresIn);
  }
  if (tokens.access_token.empty())
    co_return TokenError{false, "invalid_response", "the " + std::string(what) + " answer has no access_token"};
  co_return tokens;
}

asio::awaitable<std::variant<TokenSet, TokenError>> Provider::redeem_code(std::string code, std::string code_verifier,
                                                                          std::string redirect_uri) {
  co_return co_await token_request("grant_type=authorization_code&code=" + net::url_encode(code) +
                                       "&redirect_uri=" + net::url_encode(redirect_uri) +
                                       "&code_verifier=" + net::url_encode(code_verifier),
                                   "code exchange");
}

asio::awaitable<std::variant<TokenSet, TokenError>> Provider::refresh(std::string refresh_token) {
  auto result = co_await token_request("grant_type=refresh_token&refresh_token=" + net::url_encode(refresh_token),
                                       "token refresh");
  // RFC 6749 §6: "The authorization server MAY issue a new refresh token";
  // without one the old one stays valid.
  if (auto* tokens = std::get_if<TokenSet>(&result); tokens && tokens->refresh_token.empty())
    tokens->refresh_token = std::move(refresh_token);
  co_return result;
}

asio::awaitable<std::variant<std::shared_ptr<const crypto::JwkSet>, std::string>> Provider::jwks(const std::string& uri) {
  auto fetch = [this, uri]() -> asio::awaitable<oauth::FetchCache<crypto::JwkSet>::FetchResult> {
    auto result = co_await client_.get(uri, "application/json", kMaxDocument);
    if (auto* f = std::get_if<net::FetchFailure>(&result)) co_return failure_text(*f);
    const auto& r = std::get<net::HttpsResponse>(result);
    if (r.status != 200) co_return "answered HTTP " + std::to_string(r.status);
    auto doc = parse_json(r.body);
    if (!doc) co_return std::string("is not JSON");
    auto set = crypto::JwkSet::parse(*doc);
    if (auto* error = std::get_if<std::string>(&set)) co_return *error;
    auto lifetime = oauth::cache_lifetime(r.cache_control, r.expires, clock_.wall(), std::chrono::minutes(5),
                                          std::chrono::hours(24));
    co_return oauth::FetchCache<crypto::JwkSet>::Fresh{
        std::make_shared<const crypto::JwkSet>(std::move(std::get<crypto::JwkSet>(set))), lifetime, r.body.size()};
  };
  auto outcome = co_await keys_.get(uri, fetch);
  if (auto* error = std::get_if<std::string>(&outcome)) co_return "the provider's key set " + uri + " " + *error;
  co_return std::get<std::shared_ptr<const crypto::JwkSet>>(outcome);
}

asio::awaitable<std::variant<net::HttpsResponse, net::FetchFailure>> Provider::get_with_token(std::string url,
                                                                                              std::string access_token) {
  net::HttpsRequest request;
  request.url = std::move(url);
  request.authorization = "Bearer " + access_token;
  request.max_body = kMaxDocument;
  co_return co_await client_.send(std::move(request));
}

asio::awaitable<std::variant<Identity, std::string>> Provider::identify(const TokenSet& tokens, std::string nonce,
                                                                        bool want_organizations) {
  auto found = co_await endpoints();
  if (auto* error = std::get_if<std::string>(&found)) co_return *error;
  const auto& e = std::get<Endpoints>(found);
  Identity identity;
  if (openid()) {
    if (tokens.id_token.empty()) co_return std::string("the provider returned no ID token (is \"openid\" in scopes?)");
    IdTokenExpectations expected{settings_.issuer, settings_.client_id, nonce, now(), settings_.clock_skew};
    std::variant<json::object, IdTokenFailure> checked = IdTokenFailure{IdTokenFailure::Kind::signature, "no keys"};
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto keys = co_await jwks(e.jwks_uri);
      if (auto* error = std::get_if<std::string>(&keys)) co_return *error;
      checked = validate_id_token(tokens.id_token, *std::get<std::shared_ptr<const crypto::JwkSet>>(keys), expected);
      auto* failure = std::get_if<IdTokenFailure>(&checked);
      if (!failure || !failure->unknown_key || attempt == 1) break;
      // Key rollover: the provider signs with a key newer than our copy of
      // its set. Refetch once, and not more than once a minute.
      std::int64_t last = last_key_refetch_.load();
      if (now() - last < 60 || !last_key_refetch_.compare_exchange_strong(last, now())) break;
      spdlog::info("login provider {}: ID token signed with a key not in the cached key set; fetching {} again",
                   settings_.name, e.jwks_uri);
      keys_.erase(e.jwks_uri);
    }
    if (auto* failure = std::get_if<IdTokenFailure>(&checked)) co_return failure->reason;
    identity.claims = std::move(std::get<json::object>(checked));
  }
  if (!e.userinfo.empty()) {
    auto result = co_await get_with_token(e.userinfo, tokens.access_token);
    if (auto* f = std::get_if<net::FetchFailure>(&result)) co_return "the userinfo request failed: " + failure_text(*f);
    const auto& r = std::get<net::HttpsResponse>(result);
    if (r.status != 200) co_return "the userinfo endpoint answered HTTP " + std::to_string(r.status);
    auto doc = parse_json(r.body);
    if (!doc || !doc->is_object()) co_return std::string("the userinfo answer is not a JSON object");
    const auto& info = doc->as_object();
    // OIDC Core §5.3.2: the userinfo sub must be the ID token's, or the
    // answer is about someone else and must not be used.
    if (openid() && claim_text(info, "sub") != claim_text(identity.claims, "sub"))
      co_return std::string("the userinfo answer is about another subject than the ID token");
    for (const auto& [k, v] : info)
      if (!identity.claims.contains(k)) identity.claims[k] = v;
  } else if (!openid()) {
    co_return std::string("the provider has no userinfo endpoint to learn who signed in");
  }
  const auto& claims = identity.claims;
  identity.subject = claim_text(claims, settings_.subject_claim);
  if (identity.subject.empty())
    co_return "the provider's answer has no \"" + settings_.subject_claim + "\" to identify the user";
  identity.email = claim_text(claims, settings_.email_claim);
  identity.email_verified = !identity.email.empty() && claim_true(claims, "email_verified");
  identity.name = claim_text(claims, "name");
  identity.username = claim_text(claims, settings_.username_claim);

  if (!settings_.github_api.empty()) {
    // GitHub: the profile's email is whatever the user made public; the
    // verified primary one is at /user/emails (scope user:email).
    auto emails = co_await get_with_token(settings_.github_api + "/user/emails", tokens.access_token);
    if (auto* r = std::get_if<net::HttpsResponse>(&emails); r && r->status == 200) {
      if (auto doc = parse_json(r->body); doc && doc->is_array()) {
        for (const auto& item : doc->as_array()) {
          if (!item.is_object()) continue;
          const auto& o = item.as_object();
          if (!claim_true(o, "verified")) continue;
          if (claim_true(o, "primary") || !identity.email_verified) {
            identity.email = string_member(o, "email");
            identity.email_verified = !identity.email.empty();
          }
        }
      }
    }
    if (want_organizations) {
      auto orgs = co_await get_with_token(settings_.github_api + "/user/orgs?per_page=100", tokens.access_token);
      auto* r = std::get_if<net::HttpsResponse>(&orgs);
      if (!r || r->status != 200)
        co_return std::string("the organisations of the user could not be read (does the scope include read:org?)");
      if (auto doc = parse_json(r->body); doc && doc->is_array())
        for (const auto& item : doc->as_array())
          if (item.is_object())
            if (auto login = string_member(item.as_object(), "login"); !login.empty())
              identity.organizations.push_back(login);
    }
  }
  if (identity.username.empty()) identity.username = identity.email;
  if (identity.username.empty()) identity.username = identity.subject;
  co_return identity;
}

asio::awaitable<bool> Provider::revoke(std::string token, std::string hint) {
  auto found = co_await endpoints();
  if (std::holds_alternative<std::string>(found)) co_return false;
  if (std::get<Endpoints>(found).revocation.empty() && !settings_.github_api.empty())
    co_return co_await revoke_at_github(std::move(token), std::move(hint));
  if (std::get<Endpoints>(found).revocation.empty()) co_return false;
  net::HttpsRequest request;
  request.method = net::HttpsRequest::Method::post;
  request.url = std::get<Endpoints>(found).revocation;
  request.content_type = "application/x-www-form-urlencoded";
  request.body = "token=" + net::url_encode(token) + "&token_type_hint=" + net::url_encode(hint);
  if (settings_.token_endpoint_auth_method == "client_secret_post")
    request.body += "&client_id=" + net::url_encode(settings_.client_id) + "&client_secret=" +
                    net::url_encode(settings_.client_secret);
  else
    request.authorization = basic_credentials(settings_.client_id, settings_.client_secret);
  auto result = co_await client_.send(std::move(request));
  if (auto* f = std::get_if<net::FetchFailure>(&result)) {
    spdlog::warn("login provider {}: revoking the {} failed: {}", settings_.name, hint, failure_text(*f));
    co_return false;
  }
  // RFC 7009 §2.2: 200 whether or not the token was valid (some providers
  // answer 204).
  const auto status = std::get<net::HttpsResponse>(result).status;
  const bool done = status >= 200 && status < 300;
  if (!done) spdlog::warn("login provider {}: revoking the {} answered HTTP {}", settings_.name, hint, status);
  co_return done;
}

asio::awaitable<bool> Provider::revoke_at_github(std::string token, std::string hint) {
  // GitHub has no RFC 7009 endpoint. Its REST API deletes one access token
  // of the app ("Delete an app token": DELETE /applications/{client_id}/token,
  // the app's client id and secret as Basic credentials, the token in a JSON
  // body; 204). Refresh tokens have no such call; the access token, revoked
  // with the same grant, is what tools use.
  if (hint != "access_token") co_return false;
  net::HttpsRequest request;
  request.method = net::HttpsRequest::Method::del;
  request.url = settings_.github_api + "/applications/" + net::url_encode(settings_.client_id) + "/token";
  request.accept = "application/vnd.github+json";
  request.content_type = "application/json";
  request.body = json::serialize(json::object{{"access_token", token}});
  request.authorization = basic_credentials(settings_.client_id, settings_.client_secret);
  auto result = co_await client_.send(std::move(request));
  if (auto* f = std::get_if<net::FetchFailure>(&result)) {
    spdlog::warn("login provider {}: revoking the access token failed: {}", settings_.name, failure_text(*f));
    co_return false;
  }
  // 404 and 422: GitHub knows no such token (expired, revoked already),
  // which leaves nothing to revoke (as RFC 7009 §2.2 answers 200 for it).
  const auto status = std::get<net::HttpsResponse>(result).status;
  const bool done = (status >= 200 && status < 300) || status == 404 || status == 422;
  if (!done) spdlog::warn("login provider {}: revoking the access token answered HTTP {}", settings_.name, status);
  co_return done;
}

}  // namespace gatehouse::upstream
