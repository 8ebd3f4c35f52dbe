#pragma once
// Client authentication at the token, revocation and introspection endpoints
// (RFC 6749 §2.3; INTEROP TK1): `none` (a public client names itself),
// `client_secret_basic` and `client_secret_post` — a confidential client may
// use either, whatever it registered, because Claude posts secrets even when
// only Basic is advertised. Secrets are compared in constant time.
#include "net/form.hpp"
#include "net/http.hpp"
#include "oauth/error.hpp"
#include "store/client_store.hpp"

#include <variant>

namespace gatehouse::oauth {

struct AuthenticatedClient {
  store::Client client;
  std::string method;  // "none", "client_secret_basic" or "client_secret_post"
};

// invalid_client (401) for unknown clients and bad secrets; the caller adds
// `WWW-Authenticate: Basic` when `used_basic` says the client tried Basic.
std::variant<AuthenticatedClient, Error> authenticate_client(const net::Request& request, const net::Form& form,
                                                             store::ClientStore& clients, bool& used_basic);

}  // namespace gatehouse::oauth
