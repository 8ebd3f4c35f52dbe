#pragma once
// Client authentication at the token, revocation and introspection endpoints
// (RFC 6749 §2.3; INTEROP TK1):
//   - `none`: a public client names itself (registered public clients and
//     Client ID Metadata Document clients);
//   - `client_secret_basic` and `client_secret_post`: a confidential client
//     may use either, whatever it registered, because Claude posts secrets
//     even when only Basic is advertised. Secrets are compared in constant
//     time;
//   - `private_key_jwt` (RFC 7523 §2.2): a Client ID Metadata Document
//     client whose document says so signs an assertion with a key from its
//     `jwks` / `jwks_uri`; each assertion's jti is accepted once.
#include "net/form.hpp"
#include "net/http.hpp"
#include "oauth/context.hpp"
#include "oauth/error.hpp"
#include "store/client_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <variant>

namespace gatehouse::oauth {

class ClientResolver;

struct AuthenticatedClient {
  store::Client client;
  // "none", "client_secret_basic", "client_secret_post" or "private_key_jwt"
  std::string method;
};

// What a request presents to identify its client.
struct ClientCredentials {
  std::string client_id;
  std::string secret;     // client_secret_basic / client_secret_post
  std::string assertion;  // private_key_jwt
  std::string method;
};

// Reads the credentials of `request`: Basic, the form's client_id /
// client_secret, or client_assertion_type + client_assertion. One method
// per request (RFC 6749 §2.3). `used_basic` says whether Basic was tried
// (the caller then answers 401 with `WWW-Authenticate: Basic`).
std::variant<ClientCredentials, Error> read_client_credentials(const net::Request& request, const net::Form& form,
                                                               bool& used_basic);

// invalid_client (401) for unknown clients, bad secrets and bad assertions.
boost::asio::awaitable<std::variant<AuthenticatedClient, Error>> authenticate_client(ServerContext& ctx,
                                                                                     ClientResolver& clients,
                                                                                     const net::Request& request,
                                                                                     const net::Form& form,
                                                                                     bool& used_basic);

}  // namespace gatehouse::oauth
