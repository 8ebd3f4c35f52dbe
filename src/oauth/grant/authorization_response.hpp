#pragma once
// The authorization code grant's first half: the authorization response
// that /authorize sends to the client once the user allowed access (RFC 6749
// §4.1.2, OAuth 2.1 §4.1.2), and the error response (§4.1.2.1). The code's
// exchange at the token endpoint is the other half
// (authorization_code_grant.hpp).
#include "net/form.hpp"
#include "net/http.hpp"
#include "oauth/context.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::oauth {

// Everything a code is bound to (AZ8); the token endpoint checks each.
struct CodeBinding {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // RFC 7636, S256
  std::string resource;        // RFC 8707
  std::string scope;
  std::string user_id;
  // Chosen by an upstream sign-in or the connect form, which sealed their
  // values in the vault under it: the token endpoint creates the grant with
  // this id. Empty: the token endpoint picks one.
  std::string grant_id;
};

// AZ8: a new authorization code — single use, valid for the code lifetime,
// bound to `binding`. Only its hash is stored. nullopt when the store did
// not take it.
std::optional<std::string> issue_authorization_code(ServerContext& ctx, const CodeBinding& binding);

// AZ7: the 302 that takes a response to the client's redirect URI: `params`
// (the code, or an error), then `state` exactly as the client sent it
// (absent when it sent none) and `iss` (RFC 9207 §2: a client that talks to
// several servers can tell which one answered; RFC 9700 §4.4 mix-up).
// Never 307/308: Claude's callback takes GET only.
net::Reply authorization_response(std::string_view redirect_uri, net::FormFields params, std::string_view state,
                                  std::string_view issuer);

}  // namespace gatehouse::oauth
