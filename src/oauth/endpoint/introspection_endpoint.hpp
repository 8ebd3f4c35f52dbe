#pragma once
// POST /introspect (RFC 7662; INTEROP RV2): lets other resource servers ask
// whether an access token is active. Only confidential clients may ask.
#include "net/http.hpp"
#include "oauth/context.hpp"

namespace gatehouse::oauth {

net::Reply introspection_endpoint(ServerContext& ctx, const net::Request& request);

}  // namespace gatehouse::oauth
