#include "oauth/authorization_server.hpp"

#include "crypto/random.hpp"
#include "oauth/endpoint/introspection_endpoint.hpp"
#include "oauth/endpoint/metadata.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/endpoint/revocation_endpoint.hpp"
#include "oauth/endpoint/token_endpoint.hpp"
#include "store/store_error.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

namespace http = boost::beast::http;
namespace asio = boost::asio;

namespace {

net::Reply document(const boost::json::object& body) {
  auto response = net::json_response(http::status::ok, boost::json::serialize(body));
  // Discovery documents may be cached briefly and read from any page (RS6, RS7).
  response.set(http::field::cache_control, "public, max-age=300");
  response.set(http::field::access_control_allow_origin, "*");
  return net::reply(std::move(response));
}

// A handler from a synchronous function of the request.
template <class F>
net::Handler sync(F f) {
  return [f = std::move(f)](net::Request& request, const net::Peer& peer) -> asio::awaitable<net::Reply> {
    co_return f(request, peer);
  };
}

// The endpoints browser clients (the MCP Inspector) call with fetch: CORS
// for any origin — they authenticate with tokens and secrets, not cookies.
template <class F>
net::Handler cross_origin(F f) {
  return [f = std::move(f)](net::Request& request, const net::Peer& peer) -> asio::awaitable<net::Reply> {
    if (request.method() == http::verb::options) {
      net::Response r{http::status::no_content, request.version()};
      r.set(http::field::access_control_allow_origin, "*");
      r.set(http::field::access_control_allow_methods, "POST, OPTIONS");
      r.set(http::field::access_control_allow_headers, "Content-Type, Authorization");
      r.set(http::field::access_control_max_age, "86400");
      r.prepare_payload();
      co_return net::reply(std::move(r));
    }
    net::Reply reply = co_await f(request, peer);
    reply.response.set(http::field::access_control_allow_origin, "*");
    co_return reply;
  };
}

// DESIGN "Errors": a store that fails (disk full, a database locked past its
// busy timeout, a damaged file) is the server's failure, answered in the
// endpoint's own protocol: 500 with {"error": "server_error"} and no-store
// (RFC 6749 §5.2 names no code for it at the token endpoint; server_error is
// the one §4.1.2.1 defines, and what clients understand), the cause in the
// log only. Nothing escapes to the connection.
template <class F>
net::Handler store_failures_as_server_error(std::string_view endpoint, F f) {
  return [endpoint, f = std::move(f)](net::Request& request, const net::Peer& peer) -> asio::awaitable<net::Reply> {
    std::optional<std::string> failure;
    try {
      co_return co_await f(request, peer);
    } catch (const store::StoreError& e) {
      failure = e.what();
    }
    spdlog::error("{}: the store failed: {}", endpoint, *failure);
    co_return error_reply(Error::server_error("the server could not read or write its store; try again"));
  };
}

// A synchronous endpoint as an awaitable one, for cross_origin.
template <class F>
auto awaitable(F f) {
  return [f = std::move(f)](net::Request& request, const net::Peer& peer) -> asio::awaitable<net::Reply> {
    co_return f(request, peer);
  };
}

}  // namespace

std::string rotate_signing_key(store::SigningKeyStore& keys, std::int64_t now) {
  auto key = crypto::EcKey::generate();
  store::SigningKey record;
  record.kid = key.thumbprint().substr(0, 16);
  record.algorithm = "ES256";
  record.private_key_pem = key.private_pem();
  record.created_at = now;
  for (const auto& existing : keys.list())
    if (existing.retired_at == 0) keys.retire(existing.kid, now);
  keys.add(record);
  return record.kid;
}

AuthorizationServer::AuthorizationServer(Settings settings, store::Stores& stores, AuthorizationServerOptions options,
                                         const time::Clock& clock, crypto::Random& random)
    : settings_(std::move(settings)),
      stores_(stores),
      options_(std::move(options)),
      tokens_(settings_, keys_, revoked_, clock, random),
      ctx_{settings_, stores_, keys_, revoked_, tokens_, clock, random},
      clients_(*stores_.clients, options_.cimd, options_.fetcher, options_.pins, clock),
      guard_(settings_, tokens_),
      authorize_(ctx_, clients_, options_.authorize) {
  // AS3: advertised only when documents can be fetched (Claude picks CIMD
  // whenever it is advertised).
  settings_.client_id_metadata_documents = options_.cimd.enabled && static_cast<bool>(options_.fetcher);
  if (options_.cimd.enabled && !options_.fetcher)
    spdlog::warn("Client ID Metadata Documents are enabled but no fetcher is configured; not advertised");
}

void AuthorizationServer::load_keys(KeyLoad when) {
  auto now = ctx_.now();
  auto records = stores_.signing_keys->list();
  bool has_active = std::any_of(records.begin(), records.end(), [](const auto& k) { return k.retired_at == 0; });
  if (!has_active) {
    auto kid = rotate_signing_key(*stores_.signing_keys, now);
    spdlog::info("created signing key {}", kid);
    records = stores_.signing_keys->list();
  }
  auto set = std::make_shared<SigningKeySet>();
  for (const auto& r : records) {
    // A retired key verifies until every token it signed has expired.
    if (r.retired_at != 0 && r.retired_at + settings_.access_token_lifetime.count() < now) continue;
    auto key = crypto::EcKey::from_private_pem(r.private_key_pem);
    if (key) {
      set->keys.push_back({r.kid, std::move(*key), r.retired_at == 0});
      continue;
    }
    if (r.retired_at != 0) {
      // Only the tokens it signed fail (their clients refresh); serving goes on.
      spdlog::error("retired signing key {} in the store cannot be read; the access tokens it signed are refused", r.kid);
      continue;
    }
    // L8: without its active key the server cannot sign a single token.
    const std::string problem = "the active signing key " + r.kid +
                                " in the store cannot be read (its private key does not parse), so no access token "
                                "could be issued";
    if (when == KeyLoad::starting)
      throw std::runtime_error(problem +
                               "; run `gatehouse keys rotate` to start signing with a new key (tokens signed by the "
                               "damaged one stop working), or restore the database from a backup");
    spdlog::error("{}; keeping the keys loaded before (run `gatehouse keys rotate`)", problem);
    return;
  }
  keys_.replace(std::move(set));
}

void AuthorizationServer::start() {
  load_keys(KeyLoad::starting);
  housekeeping();
}

void AuthorizationServer::housekeeping() {
  auto now = ctx_.now();
  // Revocations from other instances reach this one's tokens here.
  std::unordered_set<std::string> revoked;
  for (const auto& r : stores_.revocations->revoked_since(now - settings_.access_token_lifetime.count() - 120))
    if (r.kind == store::RevocationKind::grant) revoked.insert(r.id);
  revoked_.replace(std::move(revoked));
  load_keys(KeyLoad::reloading);  // picks up `gatehouse keys rotate` run meanwhile
  if (now - last_cleanup_ >= 300) {
    last_cleanup_ = now;
    stores_.codes->remove_expired(now);
    stores_.grants->remove_expired(now);
    stores_.revocations->remove_expired(now);
    stores_.rate_limits->remove_expired(now);
    stores_.login_failures->remove_expired(now);
    stores_.client_assertions->remove_expired(now);
    if (auto n = stores_.clients->remove_unused(store::ClientKind::dynamic, now - options_.unused_client_lifetime.count()))
      spdlog::info("removed {} registered clients that never completed a sign-in", n);
  }
}

void AuthorizationServer::install(net::Router& router) {
  auto as_metadata = [this](net::Request&, const net::Peer&) { return document(authorization_server_metadata(settings_)); };
  auto prm = [this](net::Request&, const net::Peer&) { return document(protected_resource_metadata(settings_)); };
  // RS5, AS1: the path-aware and the root forms.
  router.route("/.well-known/oauth-authorization-server", sync(as_metadata));
  router.route("/.well-known/openid-configuration", sync(as_metadata));
  router.route("/.well-known/oauth-protected-resource", sync(prm));
  router.route(protected_resource_metadata_path(settings_), sync(prm));
  router.route("/.well-known/jwks.json",
               sync([this](net::Request&, const net::Peer&) { return document(keys_.snapshot()->jwks()); }));
  router.route("/authorize", [this](net::Request& r, const net::Peer& p) { return authorize_.handle(r, p); });
  if (options_.authorize.upstream)
    router.route("/oauth/upstream/callback",
                 [this](net::Request& r, const net::Peer& p) { return authorize_.upstream_callback(r, p); });
  router.route("/token", cross_origin(store_failures_as_server_error("/token", [this](net::Request& r, const net::Peer&) {
                 return token_endpoint(ctx_, clients_, r);
               })));
  router.route("/revoke", cross_origin(store_failures_as_server_error("/revoke", [this](net::Request& r, const net::Peer&) {
                 return revocation_endpoint(ctx_, clients_, r);
               })));
  router.route("/introspect",
               cross_origin(store_failures_as_server_error("/introspect", [this](net::Request& r, const net::Peer&) {
                 return introspection_endpoint(ctx_, clients_, r);
               })));
  router.route("/register",
               cross_origin(store_failures_as_server_error("/register", awaitable([this](net::Request& r, const net::Peer& p) {
                 return registration_endpoint(ctx_, options_.registration, r, p);
               }))));
}

}  // namespace gatehouse::oauth
