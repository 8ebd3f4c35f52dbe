#pragma once
// The front door of a protected resource (RFC 6750 §3; INTEROP RS1–RS3):
// who is calling, or the refusal to send; and the refusal for a caller
// whose credentials lack a scope a call needs. One interface for each way
// the MCP endpoint can be protected — OAuth access tokens (BearerGuard),
// static API keys (ApiKeyGuard) — so the route in front of the transport
// and the transport's per-tool scope check are written once.
//
// Guards are shared by every io thread: each method may be called
// concurrently and must not block on the store for a known credential.
#include "net/http.hpp"

#include <gatehouse/principal.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gatehouse::net {

class AccessGuard {
 public:
  virtual ~AccessGuard() = default;

  // The caller's principal, or the 401 reply with its challenge (RFC 6750 §3).
  virtual std::variant<Principal, Reply> authenticate(const Request& request) const = 0;

  // RFC 6750 §3.1: 403 insufficient_scope naming the scopes `needed`, so
  // that the client can ask for them (RS3, step-up authorization).
  virtual Reply insufficient_scope(const Principal& principal, const std::vector<std::string>& needed,
                                   unsigned version = 11) const = 0;

  // Why authenticate() refused, in a word for metrics ("missing",
  // "invalid", "expired", ...).
  virtual std::string_view refusal_reason(const Response& refusal) const = 0;
};

}  // namespace gatehouse::net
