#pragma once
// POST /register: dynamic client registration (RFC 7591; INTEROP RG1–RG3).
//
// Hygiene, because Claude registers again on every fresh connection:
// - an identical registration of a public client returns the existing
//   client instead of adding another (identical = same metadata);
// - clients that never complete a flow are removed after
//   `Settings::unused_client_lifetime` (see expire_unused_clients);
// - new registrations are limited per source address (60 a minute by
//   default), and repeats that dedupe do not count, so many users behind one
//   shared egress address are not locked out.
#include "net/http.hpp"
#include "oauth/context.hpp"

namespace gatehouse::oauth {

struct RegistrationPolicy {
  // When non-empty, every redirect URI must be one of these (e.g. only the
  // Claude callbacks); loopback URIs then need to be listed too.
  std::vector<std::string> redirect_uri_allowlist;
  std::int64_t registrations_per_minute = 60;  // per source address
};

net::Reply registration_endpoint(ServerContext& ctx, const RegistrationPolicy& policy, const net::Request& request,
                                 const net::Peer& peer);

}  // namespace gatehouse::oauth
