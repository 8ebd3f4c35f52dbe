#pragma once
// private_key_jwt client authentication (RFC 7523 §2.2, §3; OpenID Connect
// Core §9): checking a client assertion JWT against the client's JWK Set.
// Pure: the caller supplies the keys (from the Client ID Metadata Document's
// `jwks`, or fetched from its `jwks_uri`), the time and the accepted
// audiences, and afterwards records the jti in store::ClientAssertionStore
// to refuse replays (§3 item 7):
//
//   auto checked = verify_client_assertion(form.get("client_assertion"), keys, {
//       .client_id = client_id, .audiences = {token_endpoint_url, issuer}, .now = now});
//   if (auto* error = std::get_if<Error>(&checked)) return *error;
//   const auto& assertion = std::get<ClientAssertion>(checked);
//   if (!stores.client_assertions->record(client_id, assertion.jti, assertion.expires_at, now))
//     return Error::invalid_client("the client assertion has already been used");
#include "crypto/jwk.hpp"
#include "oauth/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gatehouse::oauth {

// RFC 7523 §2.2: the client_assertion_type of a JWT client assertion.
inline constexpr std::string_view kJwtBearerClientAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// A jti is remembered until the assertion expires; longer ones are refused
// rather than stored.
inline constexpr std::size_t kMaxClientAssertionJtiLength = 256;

struct ClientAssertionRules {
  std::string client_id;               // iss and sub must equal it (RFC 7523 §3 items 1, 2)
  std::vector<std::string> audiences;  // aud must contain one of them: the token endpoint URL and the
                                       // issuer (§3 item 3); empty refuses every assertion
  std::int64_t now = 0;                // Unix seconds
  std::int64_t leeway = 60;            // clock skew allowed for exp, nbf and iat, in seconds
  std::int64_t max_lifetime = 600;     // exp may be at most this far after now (plus leeway) and after iat:
                                       // bounds how long a jti must be remembered
};

struct ClientAssertion {
  std::string jti;
  // Until when the jti must be remembered: exp + leeway, the last moment at
  // which this assertion would still be accepted. At most now +
  // max_lifetime + 2 * leeway.
  std::int64_t expires_at = 0;
};

// Checks, in order: the signature with `keys` (crypto::verify_jwt: RS256,
// PS256 or ES256; kid; no crit; keys in the token ignored), then the claims
// (RFC 7523 §3): iss and sub are strings equal to client_id; aud (a string
// or an array of strings) names one of `audiences`; exp is present, a
// NumericDate, now < exp + leeway and exp - now <= max_lifetime + leeway;
// nbf, if present, is <= now + leeway; iat, if present, is <= now + leeway
// and exp - iat <= max_lifetime; jti is a non-empty string of at most
// kMaxClientAssertionJtiLength characters. Every failure is invalid_client
// (RFC 6749 §5.2) with a description naming the problem, e.g. "the client
// assertion has expired". Replay (the jti seen before) is the caller's
// check, with the returned ClientAssertion.
std::variant<ClientAssertion, Error> verify_client_assertion(std::string_view assertion, const crypto::JwkSet& keys,
                                                             const ClientAssertionRules& rules);

}  // namespace gatehouse::oauth
