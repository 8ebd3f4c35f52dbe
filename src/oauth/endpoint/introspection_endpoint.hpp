#pragma once
// POST /introspect (RFC 7662; INTEROP RV2): lets other resource servers ask
// whether an access token is active. Only confidential clients may ask.
#include "net/http.hpp"
#include "oauth/context.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::oauth {

class ClientResolver;

boost::asio::awaitable<net::Reply> introspection_endpoint(ServerContext& ctx, ClientResolver& clients, const net::Request& request);

}  // namespace gatehouse::oauth
