#pragma once
// The authorization server and protected resource as one unit: discovery
// documents, the OAuth endpoints at their origin paths (INTEROP AS4), the
// bearer guard for the MCP endpoint, and the housekeeping that keeps the
// stores small (expired codes and grants, unused registrations) and the
// revocation list of this instance fresh.
#include "net/router.hpp"
#include "oauth/client/client_resolver.hpp"
#include "oauth/context.hpp"
#include "oauth/endpoint/authorize_endpoint.hpp"
#include "oauth/endpoint/registration_endpoint.hpp"
#include "oauth/resource/bearer_guard.hpp"

#include <memory>

namespace gatehouse::oauth {

struct AuthorizationServerOptions {
  AuthorizeOptions authorize;
  RegistrationPolicy registration;
  // Dynamic clients that never completed a flow are removed after this long.
  std::chrono::seconds unused_client_lifetime{24 * 3600};
  // Client ID Metadata Documents (INTEROP CI1–CI5): off unless enabled and
  // given a fetcher (net::HttpsClient::get in the serving process).
  CimdOptions cimd;
  DocumentFetcher fetcher;
  PinnedDocuments pins;  // e.g. PinnedDocuments::builtin(), Claude's two documents
};

class AuthorizationServer {
 public:
  // Every part reads the time from `clock` and draws tokens from `random`.
  AuthorizationServer(Settings settings, store::Stores& stores, AuthorizationServerOptions options,
                      const time::Clock& clock = time::system_clock(),
                      crypto::Random& random = crypto::system_random());

  // Loads the signing keys (creating the first one when there is none) and
  // the revocation list. Call once before serving. Throws
  // std::runtime_error, naming the key and the remedy, when the active
  // signing key in the store cannot be read: such a server could not issue
  // a single token.
  void start();
  // Adds the well-known documents and OAuth endpoints to `router`.
  void install(net::Router& router);
  // Periodic work: cleanup and revocation refresh. Cheap; call every few seconds.
  void housekeeping();

  const BearerGuard& guard() const { return guard_; }
  const ClientResolver& clients() const { return clients_; }
  const Settings& settings() const { return settings_; }
  ServerContext& context() { return ctx_; }

 private:
  // At start an unreadable active key throws; later reloads keep the keys
  // already loaded and log instead.
  enum class KeyLoad { starting, reloading };
  void load_keys(KeyLoad when);

  Settings settings_;
  store::Stores& stores_;
  AuthorizationServerOptions options_;
  SigningKeys keys_;
  RevokedGrants revoked_;
  AccessTokens tokens_;
  ServerContext ctx_;
  ClientResolver clients_;
  BearerGuard guard_;
  AuthorizeEndpoint authorize_;
  std::int64_t last_cleanup_ = 0;
};

// Creates a signing key in the store and makes it the active one (the
// previous one keeps verifying its tokens). Used at first start and by
// `gatehouse keys rotate`.
std::string rotate_signing_key(store::SigningKeyStore& keys, std::int64_t now);

}  // namespace gatehouse::oauth
