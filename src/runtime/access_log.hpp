#pragma once
// One log line per HTTP request, at info (method, path, status, duration,
// OAuth client, and for every 4xx the reason given to the client), and the
// request metrics of /metrics: requests by route and status, and OAuth
// flows by outcome read off the answers of /token, /authorize and
// /register. Nothing secret is logged: no query string, header or body
// beyond the error the client was told.
#include "net/http.hpp"
#include "net/metrics.hpp"
#include "net/router.hpp"
#include "time/clock.hpp"

namespace gatehouse::runtime {

// `router`, `metrics` and `clock` (which times each request) must outlive
// the handler.
net::Handler observed(const net::Router& router, net::Metrics& metrics,
                      const time::Clock& clock = time::system_clock());

// What a 4xx answer told its client, from its JSON body: an OAuth error
// ("invalid_grant: the code was already used"), a JSON-RPC error's message,
// or "" when the body says nothing readable. At most 200 characters.
std::string refusal_reason(const net::Response& response);

}  // namespace gatehouse::runtime
