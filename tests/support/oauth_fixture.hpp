#pragma once
// An in-process OAuth harness for tests (no sockets): stores (memory or
// SQLite), an AuthorizationServer for https://mcp.example.com with the
// resource https://mcp.example.com/mcp, one local user, a Router with the
// server's routes, a browser cookie jar, and helpers that walk the flows a
// client and a person take: DCR, /authorize (login page → login → consent →
// redirect), /token, refresh, /revoke and the bearer guard.
//
// The server reads the time from a ManualClock (`clock`) that tests move;
// it starts near the real time because the authorization endpoint's sealed
// requests and sessions are still timed by the system clock. Tests that need
// tokens from another time sign them with `sign()`.
#include "admin/admin.hpp"
#include "crypto/ec_key.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"
#include "crypto/password_hash.hpp"
#include "crypto/random.hpp"
#include "net/form.hpp"
#include "net/router.hpp"
#include "oauth/authorization_server.hpp"
#include "store/stores.hpp"
#include "support/manual_clock.hpp"
#include "support/run.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gatehouse::oauth_test {

namespace http = boost::beast::http;
namespace json = boost::json;

inline constexpr std::string_view kIssuer = "https://mcp.example.com";
inline constexpr std::string_view kResource = "https://mcp.example.com/mcp";
inline constexpr std::string_view kUser = "alice";
inline constexpr std::string_view kPassword = "correct horse battery staple";
inline constexpr std::string_view kUiKey = "test-ui-key-0123456789abcdef-0123456789abcdef";
// About 1 ms per hash: tests sign in often. One test covers the production
// cost (PasswordVerifier, L6).
inline constexpr crypto::ScryptParams kTestScrypt{10, 8, 1};
// Needs percent-encoding on the way out; must come back unchanged (AZ7).
inline constexpr std::string_view kState = "st8 a/b?c=d&e+f";

using Params = std::vector<std::pair<std::string, std::string>>;

// ---- small parsing helpers ----

inline std::string form_encode(const Params& params) { return net::encode_form(params); }

inline void set_param(Params& params, std::string_view key, std::string value) {
  for (auto& [k, v] : params)
    if (k == key) {
      v = std::move(value);
      return;
    }
  params.emplace_back(std::string(key), std::move(value));
}

inline void erase_param(Params& params, std::string_view key) {
  std::erase_if(params, [&](const auto& kv) { return kv.first == key; });
}

// Standard base64 with padding (for Basic credentials).
inline std::string base64(std::string_view bytes) {
  std::string s = crypto::base64url_encode(bytes);
  for (auto& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (s.size() % 4) s += '=';
  return s;
}

inline std::string header(const net::Reply& reply, http::field field) { return std::string(reply.response[field]); }
inline std::string header(const net::Reply& reply, std::string_view name) { return std::string(reply.response[name]); }

// The query parameters of a Location header.
inline net::Form location_query(const net::Reply& reply) {
  std::string location = header(reply, http::field::location);
  auto q = location.find('?');
  auto form = net::parse_form(q == std::string::npos ? std::string_view{} : std::string_view(location).substr(q + 1));
  if (!form) throw std::runtime_error("unparsable Location: " + location);
  return *form;
}

// The body as a JSON object; empty when it is not one.
inline json::object body_json(const net::Reply& reply) {
  boost::system::error_code ec;
  auto v = json::parse(reply.response.body(), ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

inline std::string error_of(const net::Reply& reply) {
  auto o = body_json(reply);
  auto* e = o.if_contains("error");
  return e && e->is_string() ? std::string(e->get_string()) : std::string();
}

inline std::string html_unescape(std::string s) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&quot;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (auto [from, to] : kEntities)
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
      s.replace(pos, from.size(), to);
  return s;
}

// The value of the form field `name` in an HTML page ("" when absent).
inline std::string hidden_field(std::string_view html, std::string_view name) {
  std::string needle = "name=\"" + std::string(name) + "\" value=\"";
  auto pos = html.find(needle);
  if (pos == std::string_view::npos) return {};
  pos += needle.size();
  auto end = html.find('"', pos);
  if (end == std::string_view::npos) return {};
  return html_unescape(std::string(html.substr(pos, end - pos)));
}

inline bool is_login_page(const net::Reply& r) {
  return r.response.body().find("name=\"step\" value=\"login\"") != std::string::npos;
}
inline bool is_consent_page(const net::Reply& r) {
  return r.response.body().find("name=\"step\" value=\"consent\"") != std::string::npos;
}

// ---- value types ----

struct Pkce {
  std::string verifier;
  std::string challenge;
  static Pkce make() {
    Pkce p;
    p.verifier = crypto::random_token(48);  // 64 characters
    p.challenge = crypto::base64url_encode(crypto::sha256(p.verifier));
    return p;
  }
};

enum class ClientAuth { none, basic, post };

struct Client {
  std::string client_id;
  std::string client_secret;  // empty: public
  std::vector<std::string> redirect_uris;
  ClientAuth auth = ClientAuth::none;
  json::object registration;  // the DCR response
  const std::string& redirect() const { return redirect_uris.front(); }
};

struct Tokens {
  std::string access_token;
  std::string refresh_token;
  json::object body;
};

// What "nothing was issued" compares.
struct Counts {
  std::size_t clients = 0;
  std::size_t grants = 0;
  std::size_t live_grants = 0;
  bool operator==(const Counts&) const = default;
};

// ---- the harness ----

class OAuthHarness {
 public:
  // Memory stores, or the stores given (e.g. open_sqlite_stores(file)).
  explicit OAuthHarness(store::Stores s = store::open_memory_stores()) : OAuthHarness(std::move(s), options_for_tests()) {}
  OAuthHarness(store::Stores s, oauth::AuthorizationServerOptions options)
      // Rate-limit windows start here (no boundary mid-test).
      : stores(std::move(s)), clock(std::chrono::sys_seconds(std::chrono::seconds(store::window_start(real_now(), 900) + 1))) {
    if (!stores.users->find_by_name(kUser)) {
      store::User user;
      user.id = "usr_alice";
      user.name = std::string(kUser);
      user.password_hash = crypto::hash_password(kPassword, kTestScrypt);
      user.created_at = now();
      if (!stores.users->add(user)) throw std::runtime_error("could not add the test user");
    }
    oauth::Settings settings;
    settings.issuer = std::string(kIssuer);
    settings.resource = std::string(kResource);
    if (options.authorize.ui_key.empty()) options.authorize.ui_key = std::string(kUiKey);
    server = std::make_unique<oauth::AuthorizationServer>(settings, stores, std::move(options), clock);
    server->start();
    server->install(router);
    peer.remote = {boost::asio::ip::make_address("203.0.113.9"), 51000};
    peer.local = {boost::asio::ip::make_address("10.0.0.1"), 443};
  }
  static oauth::AuthorizationServerOptions options_for_tests() {
    oauth::AuthorizationServerOptions options;
    options.authorize.ui_key = std::string(kUiKey);
    options.authorize.passwords.params = kTestScrypt;  // the test user's cost: no upgrade on sign-in
    return options;
  }
  OAuthHarness(const OAuthHarness&) = delete;
  OAuthHarness& operator=(const OAuthHarness&) = delete;

  static std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  // The server's clock, in Unix seconds.
  std::int64_t now() const { return clock.unix_seconds(); }

  store::Stores stores;
  testing::ManualClock clock;  // the server's
  std::unique_ptr<oauth::AuthorizationServer> server;
  net::Router router;
  net::Peer peer;
  std::map<std::string, std::string> cookies;  // the browser's
  Counts marked;

  // ---- transport ----

  net::Reply send(net::Request request) {
    request.set(http::field::host, "mcp.example.com");
    request.prepare_payload();
    const net::Router& r = router;
    const net::Peer& p = peer;
    return testing::run([&]() -> boost::asio::awaitable<net::Reply> { co_return co_await r(request, p); });
  }

  static net::Request get(std::string target) { return net::Request{http::verb::get, target, 11}; }

  static net::Request form_request(std::string target, const Params& params, http::verb verb = http::verb::post) {
    net::Request r{verb, target, 11};
    r.set(http::field::content_type, "application/x-www-form-urlencoded");
    r.body() = form_encode(params);
    return r;
  }

  static net::Request json_request(std::string target, std::string body) {
    net::Request r{http::verb::post, target, 11};
    r.set(http::field::content_type, "application/json");
    r.body() = std::move(body);
    return r;
  }

  // ---- browser ----

  void with_cookies(net::Request& r) const {
    std::string c;
    for (const auto& [k, v] : cookies) {
      if (!c.empty()) c += "; ";
      c += k + "=" + v;
    }
    if (!c.empty()) r.set(http::field::cookie, c);
  }

  void keep_cookies(const net::Reply& reply) {
    for (auto it = reply.response.find(http::field::set_cookie);
         it != reply.response.end() && it->name() == http::field::set_cookie; ++it) {
      std::string_view v = it->value();
      auto semi = v.find(';');
      auto pair = v.substr(0, semi);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      cookies[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
    }
  }

  net::Reply browse(net::Request r) {
    with_cookies(r);
    auto reply = send(std::move(r));
    keep_cookies(reply);
    return reply;
  }

  // ---- registration (RG) ----

  net::Reply register_raw(const json::object& metadata) {
    return send(json_request("/register", json::serialize(metadata)));
  }

  Client register_client(json::object metadata) {
    auto reply = register_raw(metadata);
    if (reply.response.result() != http::status::created)
      throw std::runtime_error("registration failed: " + std::string(reply.response.body()));
    Client c;
    c.registration = body_json(reply);
    c.client_id = std::string(c.registration.at("client_id").as_string());
    if (auto* s = c.registration.if_contains("client_secret")) c.client_secret = std::string(s->as_string());
    for (const auto& u : c.registration.at("redirect_uris").as_array()) c.redirect_uris.emplace_back(u.as_string());
    std::string method(c.registration.at("token_endpoint_auth_method").as_string());
    c.auth = method == "none" ? ClientAuth::none : method == "client_secret_post" ? ClientAuth::post : ClientAuth::basic;
    return c;
  }

  Client register_public(std::string redirect = "https://app.example.com/callback", std::string name = "Test app") {
    return register_client({{"client_name", name},
                            {"redirect_uris", json::array{json::string(redirect)}},
                            {"token_endpoint_auth_method", "none"},
                            {"grant_types", json::array{"authorization_code", "refresh_token"}},
                            {"response_types", json::array{"code"}}});
  }

  Client register_confidential(std::string method = "client_secret_basic",
                               std::string redirect = "https://secret.example.com/callback") {
    return register_client({{"client_name", "Confidential app"},
                            {"redirect_uris", json::array{json::string(redirect)}},
                            {"token_endpoint_auth_method", method}});
  }

  // A client the operator registered (`gatehouse clients add`): public, or
  // confidential with client_secret_basic.
  Client register_operator(std::string redirect = "https://operator.example.com/callback", bool confidential = false) {
    auto added = admin::add_client(stores, confidential ? "Operator app" : "Operator public app", {redirect}, confidential);
    Client c;
    c.client_id = added.client_id;
    c.client_secret = added.client_secret;
    c.redirect_uris = {std::move(redirect)};
    c.auth = confidential ? ClientAuth::basic : ClientAuth::none;
    return c;
  }

  // ---- /authorize (AZ) ----

  Params authorize_params(const Client& client, const Pkce& pkce, std::string scope = "mcp") const {
    return {{"response_type", "code"},
            {"client_id", client.client_id},
            {"redirect_uri", client.redirect()},
            {"code_challenge", pkce.challenge},
            {"code_challenge_method", "S256"},
            {"state", std::string(kState)},
            {"scope", std::move(scope)},
            {"resource", std::string(kResource)}};
  }

  net::Reply authorize_get(const Params& params) { return browse(get("/authorize?" + form_encode(params))); }

  // POSTs the form of `page` (a login or consent page) with `fields` added.
  net::Reply submit(const net::Reply& page, Params fields) {
    Params form{{"request", hidden_field(page.response.body(), "request")},
                {"csrf_token", hidden_field(page.response.body(), "csrf_token")}};
    for (auto& f : fields) set_param(form, f.first, std::move(f.second));
    return browse(form_request("/authorize", form));
  }

  net::Reply login(const net::Reply& login_page, std::string user = std::string(kUser),
                   std::string password = std::string(kPassword)) {
    return submit(login_page, {{"step", "login"}, {"username", std::move(user)}, {"password", std::move(password)}});
  }

  net::Reply consent(const net::Reply& consent_page, std::string decision = "approve") {
    return submit(consent_page, {{"step", "consent"}, {"decision", std::move(decision)}});
  }

  // Walks GET → (login) → consent approve and returns the final reply (the
  // redirect, unless something on the way failed).
  net::Reply authorize(const Params& params) {
    auto reply = authorize_get(params);
    if (reply.response.result() == http::status::ok && is_login_page(reply)) reply = login(reply);
    if (reply.response.result() == http::status::ok && is_consent_page(reply)) reply = consent(reply);
    return reply;
  }

  // The code from a complete walk; throws when there is none.
  std::string authorize_code(const Client& client, const Pkce& pkce, std::string scope = "mcp") {
    auto reply = authorize(authorize_params(client, pkce, std::move(scope)));
    if (reply.response.result() != http::status::found)
      throw std::runtime_error("authorize did not redirect: " + std::to_string(reply.response.result_int()));
    auto code = location_query(reply).value_or("code");
    if (code.empty()) throw std::runtime_error("no code in " + header(reply, http::field::location));
    return code;
  }

  // ---- /token (TK) and /revoke (RV) ----

  // Adds the client's authentication (`how`, or its registered method).
  static net::Request client_form(std::string target, const Client& client, Params params,
                                  std::optional<ClientAuth> how = std::nullopt) {
    std::optional<std::string> basic;
    switch (how.value_or(client.auth)) {
      case ClientAuth::none: params.emplace_back("client_id", client.client_id); break;
      case ClientAuth::post:
        params.emplace_back("client_id", client.client_id);
        params.emplace_back("client_secret", client.client_secret);
        break;
      case ClientAuth::basic:
        basic = "Basic " + base64(net::url_encode(client.client_id) + ":" + net::url_encode(client.client_secret));
        break;
    }
    auto r = form_request(std::move(target), params);
    if (basic) r.set(http::field::authorization, *basic);
    return r;
  }

  Params exchange_params(const Client& client, const std::string& code, const Pkce& pkce) const {
    return {{"grant_type", "authorization_code"},
            {"code", code},
            {"redirect_uri", client.redirect()},
            {"code_verifier", pkce.verifier},
            {"resource", std::string(kResource)}};
  }

  net::Reply exchange(const Client& client, const std::string& code, const Pkce& pkce,
                      std::optional<ClientAuth> how = std::nullopt) {
    return send(client_form("/token", client, exchange_params(client, code, pkce), how));
  }

  net::Reply refresh(const Client& client, const std::string& refresh_token, Params extra = {}) {
    Params p{{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
    for (auto& e : extra) p.push_back(std::move(e));
    return send(client_form("/token", client, std::move(p)));
  }

  net::Reply revoke(const Client& client, const std::string& token, std::string hint = {}) {
    Params p{{"token", token}};
    if (!hint.empty()) p.emplace_back("token_type_hint", std::move(hint));
    return send(client_form("/revoke", client, std::move(p)));
  }

  static Tokens tokens_of(const net::Reply& reply) {
    if (reply.response.result() != http::status::ok)
      throw std::runtime_error("token request failed: " + std::to_string(reply.response.result_int()) + " " +
                               std::string(reply.response.body()));
    Tokens t;
    t.body = body_json(reply);
    t.access_token = std::string(t.body.at("access_token").as_string());
    t.refresh_token = std::string(t.body.at("refresh_token").as_string());
    return t;
  }

  // Registration → authorize → token in one go.
  Tokens issue(const Client& client, std::string scope = "mcp") {
    auto pkce = Pkce::make();
    auto code = authorize_code(client, pkce, std::move(scope));
    return tokens_of(exchange(client, code, pkce));
  }

  // ---- the protected resource (RS) ----

  std::variant<Principal, net::Reply> authenticate(std::string authorization, std::string target = "/mcp") const {
    net::Request r{http::verb::post, target, 11};
    r.set(http::field::host, "mcp.example.com");
    if (!authorization.empty()) r.set(http::field::authorization, authorization);
    return server->guard().authenticate(r);
  }
  std::variant<Principal, net::Reply> bearer(const std::string& token) const { return authenticate("Bearer " + token); }
  bool accepted(const std::string& token) const { return std::holds_alternative<Principal>(bearer(token)); }
  // The WWW-Authenticate of a refusal ("" when the token was accepted).
  std::string challenge(const std::string& token) const {
    auto r = bearer(token);
    auto* reply = std::get_if<net::Reply>(&r);
    return reply ? header(*reply, http::field::www_authenticate) : std::string();
  }

  // ---- forging access tokens ----

  store::SigningKey active_key_record() const {
    for (const auto& k : stores.signing_keys->list())
      if (k.retired_at == 0) return k;
    throw std::runtime_error("no active signing key");
  }
  crypto::EcKey active_key() const {
    auto key = crypto::EcKey::from_private_pem(active_key_record().private_key_pem);
    if (!key) throw std::runtime_error("unreadable signing key");
    return *key;
  }
  // Claims like the server's own, for `grant_id` (may be "").
  json::object claims(std::string grant_id = {}) const {
    auto t = now();
    return {{"iss", std::string(kIssuer)},  {"sub", "usr_alice"},   {"aud", std::string(kResource)},
            {"client_id", "gtc_forged"},     {"scope", "mcp"},       {"iat", t},
            {"exp", t + 600},                {"jti", crypto::random_token(16)}, {"gid", std::move(grant_id)}};
  }
  // A token signed with the server's active key.
  std::string sign(const json::object& c) const { return crypto::sign_jwt(c, active_key(), active_key_record().kid); }

  // ---- bookkeeping ----

  Counts counts() const {
    Counts c;
    c.clients = stores.clients->list().size();
    auto grants = stores.grants->list_grants(std::nullopt, std::nullopt);
    c.grants = grants.size();
    for (const auto& g : grants)
      if (g.revoked_at == 0) ++c.live_grants;
    return c;
  }
  void mark() { marked = counts(); }
};

}  // namespace gatehouse::oauth_test
