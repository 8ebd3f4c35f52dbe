#pragma once
// The protected resource's front door (RFC 6750; INTEROP RS1–RS3): every
// request to the MCP endpoint carries `Authorization: Bearer <token>`; the
// token becomes a Principal, or the request is refused with a challenge that
// tells the client where to get one.
#include "net/access_guard.hpp"
#include "net/http.hpp"
#include "oauth/settings.hpp"
#include "oauth/token/access_token.hpp"

#include <variant>

namespace gatehouse::oauth {

class BearerGuard final : public net::AccessGuard {
 public:
  BearerGuard(const Settings& settings, const AccessTokens& tokens);

  // The caller's principal, or the 401 reply to send.
  std::variant<Principal, net::Reply> authenticate(const net::Request& request) const override;

  // 403 insufficient_scope naming the scopes needed plus those already
  // granted, so the client can step up (RS3).
  net::Reply insufficient_scope(const Principal& principal, const std::vector<std::string>& needed,
                                unsigned version = 11) const override;

  // Why authenticate() refused, in a word for metrics: missing, expired,
  // revoked, wrong_audience, wrong_issuer, not_yet_valid, invalid_request
  // or invalid.
  std::string_view refusal_reason(const net::Response& refusal) const override;

 private:
  net::Reply challenge(std::optional<Error> error, unsigned version) const;

  const Settings& settings_;
  const AccessTokens& tokens_;
  std::string metadata_url_;
};

}  // namespace gatehouse::oauth
