#pragma once
// JSON Web Tokens (RFC 7519) in the JWS Compact Serialization (RFC 7515
// §7.1), signed with ES256 (RFC 7518 §3.4) and nothing else.
//
// Verification is deliberately narrow: the only accepted "alg" is exactly
// "ES256", the key is chosen only by "kid" through the caller's lookup (keys
// or key URLs inside the token — jwk, jku, x5u, x5c — are ignored), and any
// "crit" extension is refused. Claim checks (exp, nbf, iat, aud, iss) and the
// "typ" check are the caller's; the helpers below read claims safely.
#include "crypto/ec_key.hpp"
#include "crypto/jws.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse::crypto {

// RFC 9068 §2.1: JWT access tokens carry typ "at+jwt".
inline constexpr std::string_view kAccessTokenTyp = "at+jwt";

// header.payload.signature with header {"alg":"ES256","typ":typ,"kid":kid}
// (in that order; typ omitted when empty) and the claims serialised as given.
// Throws std::logic_error for a public-only key and std::length_error if the
// result would exceed kMaxJwtSize (verify_jwt would refuse it).
std::string sign_jwt(const boost::json::object& claims, const EcKey& key, std::string_view kid,
                     std::string_view typ = kAccessTokenTyp);

// JwtError, VerifiedJwt and kMaxJwtSize are in jws.hpp. Here unsupported_alg
// is anything but "ES256" (or a "crit" header) and unknown_kid is no kid or
// a kid the lookup does not know.

// Returns the key for a kid, or nullptr when unknown. Called at most once, and
// only after the header has been parsed and its alg accepted.
using JwtKeyLookup = std::function<const EcKey*(std::string_view kid)>;

// Verifies the signature of a compact JWS and returns its header and claims.
// Never throws for any token content.
std::variant<VerifiedJwt, JwtError> verify_jwt(std::string_view token, const JwtKeyLookup& key_for_kid);

// ---- claim helpers (RFC 7519 §4.1) ----

// An integer claim such as exp, nbf or iat (NumericDate, RFC 7519 §2).
// Integral JSON numbers are returned as they are; a non-integral NumericDate
// is rounded down. nullopt when absent, not a number, or outside int64.
std::optional<std::int64_t> int_claim(const boost::json::object& claims, std::string_view name);
// A string claim such as iss, sub, client_id or scope; nullopt when absent or
// not a string. The view points into `claims`.
std::optional<std::string_view> string_claim(const boost::json::object& claims, std::string_view name);
// RFC 7519 §4.1.3: "aud" is one string or an array of strings. True when it
// names `audience` exactly; false when absent or of any other shape.
bool audience_contains(const boost::json::object& claims, std::string_view audience);
// RFC 7515 §4.1.9: compares a header's "typ" with `typ` ignoring ASCII case
// and an "application/" prefix on either side ("at+jwt" matches
// "application/at+jwt"). False when typ is absent or not a string.
bool typ_matches(const boost::json::object& header, std::string_view typ);

}  // namespace gatehouse::crypto
