#pragma once
// POST /revoke (RFC 7009; INTEROP RV1): always 200 for tokens we do not
// know; revoking a refresh token ends its grant and the grant's access
// tokens; revoking an access token ends its grant too (a client that throws
// its access token away is logging out).
#include "net/http.hpp"
#include "oauth/context.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::oauth {

class ClientResolver;

boost::asio::awaitable<net::Reply> revocation_endpoint(ServerContext& ctx, ClientResolver& clients, const net::Request& request);

}  // namespace gatehouse::oauth
