#pragma once
// The /mcp route: the access guard, when there is one, in front of the
// Streamable HTTP transport. RS1: every request carries credentials the
// guard accepts, except a CORS preflight (RS7), which carries none by
// design (Fetch §3.2.3) and is answered without them.
#include "mcp/streamable_http.hpp"
#include "net/access_guard.hpp"
#include "net/metrics.hpp"

#include <memory>

namespace gatehouse::runtime {

// `guard` null: every caller is anonymous (`--auth none`). Otherwise each
// check is counted in gatehouse_token_verifications_total by its result.
// The guard and the metrics outlive the route.
net::Handler mcp_route(std::shared_ptr<mcp::StreamableHttp> transport, const net::AccessGuard* guard,
                       net::Metrics& metrics);

}  // namespace gatehouse::runtime
