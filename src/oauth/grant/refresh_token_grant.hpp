#pragma once
// The refresh_token grant (RFC 6749 §6, OAuth 2.1 §4.3; INTEROP TK4).
//
// Every refresh rotates: the presented token dies and a new one is issued.
// Presenting a token that was already rotated is a replay, and revokes the
// whole grant — except within `refresh_reuse_grace` (default 30 s) of its
// rotation, when the same client is taken to be retrying a refresh whose
// answer it lost (clients on flaky links, or two tabs refreshing at once).
// Then the family's current token is rotated once more: the client gets a
// fresh pair, and the refresh token of the lost answer is superseded (shown
// after the grace window it counts as a replay); the lost access token lives
// out its lifetime, as access tokens are revoked only with their grant.
// The grace holds only while the answer can really have been lost: once a
// later token of the family has been used (presented by its holder), the
// old token coming back is reuse even within the window, and the grant is
// revoked (RFC 9700 §4.14.2).
#include "net/form.hpp"
#include "oauth/client/client_authentication.hpp"
#include "oauth/context.hpp"

#include <boost/json/object.hpp>

#include <variant>

namespace gatehouse::oauth {

std::variant<boost::json::object, Error> refresh_access_token(ServerContext& ctx, const AuthenticatedClient& client,
                                                               const net::Form& form);

}  // namespace gatehouse::oauth
