#pragma once
// ID Token validation (OpenID Connect Core 1.0 §3.1.3.7) for the upstream
// sign-in: the signature against the provider's JWK Set, then iss, aud,
// azp, exp, iat and nonce. The caller fetched the token itself from the
// provider's token endpoint over TLS (§3.1.3.7 item 6 would allow skipping
// the signature then; it is checked anyway: a misdirected or proxied token
// endpoint must not be able to name the user).
#include "crypto/jwk.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse::upstream {

struct IdTokenExpectations {
  std::string issuer;     // exact match (§3.1.3.7 item 2)
  std::string client_id;  // in aud (item 3); azp when present (item 5)
  std::string nonce;      // exact match (item 11)
  std::int64_t now = 0;   // Unix seconds
  std::chrono::seconds clock_skew{120};
  std::chrono::seconds max_age{600};  // an iat older than this is refused (item 10)
};

struct IdTokenFailure {
  enum class Kind {
    signature,  // malformed, alg refused (none, HS*), unknown kid, bad signature
    claims,     // iss, aud, azp, exp, iat, nonce, sub
  };
  Kind kind;
  std::string reason;  // for the error page and the log: names the claim
  bool unknown_key = false;  // the kid is not in the set: worth refetching the JWKS once
};

// The verified claims, or why the token is refused. Never throws for any
// token content.
std::variant<boost::json::object, IdTokenFailure> validate_id_token(std::string_view token, const crypto::JwkSet& keys,
                                                                    const IdTokenExpectations& expected);

}  // namespace gatehouse::upstream
