#include "upstream/sign_in.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "net/log_value.hpp"
#include "store/store_error.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::upstream {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// The "client" under which used states are recorded in the store of used
// one-time values (store/client_assertion_store.hpp).
constexpr std::string_view kUsedStates = "gatehouse:upstream-state";
constexpr std::size_t kMaxStateLength = 64;

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

SignIn::Refusal refusal(unsigned status, std::string heading, std::string message) {
  return SignIn::Refusal{status, std::move(heading), std::move(message)};
}

}  // namespace

std::string pending_cookie_name(std::string_view state) {
  // A cookie per sign-in, so two tabs signing in at once do not overwrite
  // each other; named by a hash of the state (cookie names are tokens).
  return "gh_upstream_" + crypto::hex_encode(crypto::sha256(state)).substr(0, 12);
}

SignIn::SignIn(Provider& provider, TokenVault& vault, store::UserStore& users, store::ClientAssertionStore& used_states,
               SignInOptions options, const time::Clock& clock, crypto::Random& random)
    : provider_(provider),
      vault_(vault),
      users_(users),
      used_states_(used_states),
      options_(std::move(options)),
      clock_(clock),
      random_(random) {}

std::int64_t SignIn::now() const {
  return clock_.unix_seconds();
}

asio::awaitable<std::variant<SignIn::Started, SignIn::Refusal>> SignIn::begin(std::string request) {
  const auto& name = provider_.settings().display_name;
  auto found = co_await provider_.endpoints();
  if (auto* error = std::get_if<std::string>(&found)) {
    spdlog::error("upstream {}: {}", provider_.settings().name, *error);
    co_return refusal(502, "Sign-in unavailable",
                      "Signing in with " + name + " is not possible right now: its configuration could not be read. "
                      "Try again later; if it keeps happening, tell the operator of this server.");
  }
  const auto& endpoints = std::get<Endpoints>(found);
  if (!endpoints.pkce_s256)
    spdlog::warn("upstream {} does not list S256 among its PKCE methods; sending it anyway", provider_.settings().name);
  const std::string state = random_.token(24);
  const std::string nonce = random_.token(24);
  const std::string verifier = random_.token(32);  // RFC 7636 §4.1: 43 characters
  const std::int64_t expires = now() + options_.lifetime.count();
  json::object pending{{"state", state}, {"nonce", nonce}, {"verifier", verifier}, {"request", request},
                       {"exp", expires}};
  Started started;
  started.location = provider_.authorization_url(endpoints, options_.callback_url, state, nonce,
                                                 crypto::base64url_encode(crypto::sha256(verifier)));
  started.cookie_name = pending_cookie_name(state);
  started.cookie_value = vault_.seal_value("upstream sign-in|" + state, json::serialize(pending));
  started.cookie_max_age = options_.lifetime.count();
  co_return started;
}

asio::awaitable<std::variant<SignIn::Finished, SignIn::Refusal>> SignIn::finish(
    const net::Form& query, std::function<std::optional<std::string>(std::string_view)> cookie) {
  const auto& settings = provider_.settings();
  const auto& name = settings.display_name;
  const std::string state = query.value_or("state");
  const Refusal unknown = refusal(400, "This sign-in is unknown or has expired",
                                  "Go back to the application and connect again.");
  if (state.empty() || state.size() > kMaxStateLength) co_return unknown;
  const std::string cookie_name = pending_cookie_name(state);
  auto sealed = cookie(cookie_name);
  if (!sealed) {
    spdlog::info("upstream callback with a state this browser did not start");
    co_return unknown;
  }
  auto plain = vault_.open_value("upstream sign-in|" + state, *sealed);
  boost::system::error_code ec;
  json::value doc;
  if (plain) doc = json::parse(*plain, ec);
  if (!plain || ec || !doc.is_object()) co_return unknown;
  const auto& pending = doc.as_object();
  const auto* exp = pending.if_contains("exp");
  if (!exp || !exp->is_int64() || exp->get_int64() <= now()) co_return unknown;
  // Single use: recorded before anything else happens, so a replayed
  // callback (the same URL and cookie again) redeems nothing.
  if (!used_states_.record(kUsedStates, state, exp->get_int64(), now()))
    co_return refusal(400, "This sign-in was already used", "Go back to the application and connect again.");

  // RFC 6749 §4.1.2.1: the provider refused or failed.
  if (auto error = query.value_or("error"); !error.empty()) {
    auto description = query.value_or("error_description");
    spdlog::info("upstream {} answered the sign-in with error {}", settings.name, net::log_value(error, 64));
    std::string message = name + " did not sign you in";
    if (error == "access_denied") message = "You (or " + name + ") declined the sign-in";
    message += ": " + net::log_value(error, 64);
    if (!description.empty()) message += " — " + net::log_value(description, 300);
    co_return refusal(403, "Sign-in refused", message + ". Go back to the application and connect again.");
  }
  auto found = co_await provider_.endpoints();
  if (auto* error = std::get_if<std::string>(&found)) {
    spdlog::error("upstream {}: {}", settings.name, *error);
    co_return refusal(502, "Sign-in unavailable", name + " cannot be reached right now. Try again later.");
  }
  // RFC 9207 §2.4: when the provider promises `iss`, it must be there and
  // be its issuer; when present, it must match in any case (mix-up defence).
  const auto* iss = query.get("iss");
  if ((iss && *iss != settings.issuer) || (!iss && std::get<Endpoints>(found).iss_parameter_supported)) {
    std::string got = "missing";
    if (iss) got = net::log_value(*iss, 200);
    spdlog::warn("upstream callback with iss {} refused (expected {})", got, settings.issuer);
    co_return refusal(400, "Sign-in refused",
                      "The answer did not come from " + name + " (its issuer does not match). Connect again.");
  }
  const std::string code = query.value_or("code");
  if (code.empty()) co_return refusal(400, "Sign-in refused", name + " sent no authorization code. Connect again.");

  auto redeemed = co_await provider_.redeem_code(code, text(pending, "verifier"), options_.callback_url);
  if (auto* error = std::get_if<TokenError>(&redeemed)) {
    spdlog::warn("upstream {}: code exchange failed: {} {}", settings.name, error->error, error->description);
    co_return refusal(502, "Sign-in failed",
                      name + " did not complete the sign-in (" + error->error + "). Go back to the application and "
                      "connect again.");
  }
  const auto& tokens = std::get<TokenSet>(redeemed);
  auto identified = co_await provider_.identify(tokens, text(pending, "nonce"), options_.want_organizations);
  if (auto* error = std::get_if<std::string>(&identified)) {
    spdlog::warn("upstream {}: sign-in refused: {}", settings.name, *error);
    co_return refusal(502, "Sign-in failed", "The sign-in at " + name + " could not be verified: " + *error + ".");
  }
  const auto& identity = std::get<Identity>(identified);
  if (auto why = options_.allow.refusal(identity)) {
    spdlog::warn("upstream {}: user {} is not allowed to sign in ({})", settings.name,
                 net::log_value(identity.username, 128), *why);
    // Nothing is kept: the tokens just issued are given back.
    if (!tokens.refresh_token.empty()) co_await provider_.revoke(tokens.refresh_token, "refresh_token");
    co_await provider_.revoke(tokens.access_token, "access_token");
    co_return refusal(403, "Not allowed",
                      "The " + name + " account " + identity.username +
                          " is not allowed to use this server. Ask its operator for access, or connect with another "
                          "account.");
  }
  auto user = user_for(identity);
  if (auto* r = std::get_if<Refusal>(&user)) co_return *r;
  const auto& u = std::get<store::User>(user);
  Finished finished;
  finished.request = text(pending, "request");
  finished.user_id = u.id;
  finished.username = u.name;
  finished.grant_id = "gr_" + random_.token(16);
  finished.cookie_name = cookie_name;
  try {
    vault_.put_pending(finished.grant_id, u.id, &tokens, &identity);
  } catch (const store::StoreError& e) {
    spdlog::error("upstream {}: the tokens of user {} could not be stored: {}", settings.name, u.name, e.what());
    co_return refusal(503, "Something went wrong", "The sign-in could not be saved. Try again.");
  }
  spdlog::info("user {} signed in through {}", u.name, settings.display_name);
  co_return finished;
}

std::variant<store::User, SignIn::Refusal> SignIn::user_for(const Identity& identity) {
  const auto& settings = provider_.settings();
  // One Gatehouse user per (provider, issuer, subject): a stable id that a
  // changed user name or email at the provider does not change.
  const std::string id =
      "up_" + crypto::base64url_encode(crypto::sha256(settings.name + "|" + settings.issuer + "|" + identity.subject))
                  .substr(0, 22);
  try {
    if (auto existing = users_.find(id)) {
      if (existing->disabled)
        return refusal(403, "Account disabled", "Your account on this server is disabled. Ask its operator.");
      return *existing;
    }
    // Shown in `gatehouse users list` and `grants list` as provider:name.
    std::string base = settings.name + ":" + identity.username;
    if (base.size() > store::kMaxUserNameBytes) base.resize(store::kMaxUserNameBytes);
    for (int n = 1; n <= 20; ++n) {
      std::string name = base;
      if (n > 1) {
        const std::string suffix = "~" + std::to_string(n);
        if (name.size() + suffix.size() > store::kMaxUserNameBytes) name.resize(store::kMaxUserNameBytes - suffix.size());
        name += suffix;
      }
      // No password: such a user signs in only through the provider.
      store::User user{.id = id, .name = name, .password_hash = "", .created_at = now(), .disabled = false};
      if (users_.add(user)) {
        spdlog::info("created user {} for {} subject {}", name, settings.name, identity.subject);
        return user;
      }
      if (auto raced = users_.find(id)) return *raced;  // created meanwhile by the same user's other sign-in
    }
  } catch (const store::StoreError& e) {
    spdlog::error("upstream {}: user record: {}", settings.name, e.what());
  }
  return refusal(503, "Something went wrong", "Your account could not be set up. Try again.");
}

}  // namespace gatehouse::upstream
