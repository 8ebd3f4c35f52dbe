#pragma once
// A client's public signing keys from a JWK Set (RFC 7517 §5) and JWS
// verification against them: RS256, PS256 and ES256 (RFC 7518 §3.3-3.5).
// Used for private_key_jwt client authentication (RFC 7523 §2.2), where the
// set comes from the client's metadata (`jwks`, or fetched from `jwks_uri`).
//
//   auto set = JwkSet::parse(document.jwks.value());
//   if (auto* error = std::get_if<std::string>(&set)) ...  // refuse the client
//   auto jwt = verify_jwt(client_assertion, std::get<JwkSet>(set));
//
// Which keys are used (RFC 7517 §5: keys that are not understood are
// ignored, not fatal):
// - kty "EC" with crv "P-256" (x, y: 32 bytes each, a point on the curve and
//   in its subgroup), for ES256;
// - kty "RSA" with n, e: a modulus of 2048 to 8192 bits and an odd public
//   exponent of at least 3, for RS256 and PS256;
// - and only when "use", if present, is "sig" (§4.2), "key_ops", if
//   present, contains "verify" (§4.3), "alg", if present, is one these keys
//   can run (§4.4: it then limits the key to that alg), "kid", if present,
//   is a string.
// Every other key is skipped, with the reason kept for the log.
//
// Refused as a whole: a document that is not {"keys":[...]}, one with more
// than kMaxJwkSetKeys entries, one with no usable key, and one where any key
// carries private or secret members ("d", "p", "q", "dp", "dq", "qi", "oth",
// "k"). A published set holding a private key means that key is public
// knowledge, and its siblings were likely exported by the same mistake; the
// client's keys are then not to be trusted until it fixes its document.
//
// A JwkSet is immutable; copies share the keys, and verify_jwt may be called
// from several threads at once.
#include "crypto/jws.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gatehouse::crypto {

// Bounds the signature checks one token without "kid" can cause.
inline constexpr std::size_t kMaxJwkSetKeys = 16;
inline constexpr int kMinRsaModulusBits = 2048;  // RFC 7518 §3.3, §3.5
inline constexpr int kMaxRsaModulusBits = 8192;  // bounds verification cost

class JwkSet {
 public:
  // The usable signing keys of a JWK Set document ({"keys":[...]}); an
  // error text naming the problem when it is not a JWK Set or has no usable
  // key (then it also says why each key was skipped).
  static std::variant<JwkSet, std::string> parse(const boost::json::value& document);

  // The number of usable keys (at least one).
  std::size_t size() const;
  // Why each skipped key was skipped, e.g. `key 2 (kid "old"): RSA modulus
  // of 1024 bits, below 2048`; for the log.
  const std::vector<std::string>& skipped() const { return skipped_; }

  struct Key;  // defined in jwk.cpp

 private:
  JwkSet() = default;
  friend std::variant<VerifiedJwt, JwtError> verify_jwt(std::string_view token, const JwkSet& keys);

  std::shared_ptr<const std::vector<Key>> keys_;
  std::vector<std::string> skipped_;
};

// Verifies a compact JWS against `keys` and returns its header and claims.
// - "alg" must be exactly RS256, PS256 or ES256: never "none", never HS*
//   (RFC 8725 §3.1), else unsupported_alg, before any key is tried;
// - a "crit" header is refused (RFC 7515 §4.1.11; we implement no
//   extension): unsupported_alg;
// - jwk, jku, x5u and x5c headers are ignored: the key always comes from
//   `keys`, never from the token (RFC 8725 §3.10);
// - with a "kid" header, only the keys with that kid are tried, else every
//   key; in both cases only keys whose type (and "alg", if set) fit the
//   header's alg. unknown_kid when none does; bad_signature when none
//   verifies. A non-string kid is malformed.
// Claims are parsed only after a signature verified. Never throws for any
// token content.
std::variant<VerifiedJwt, JwtError> verify_jwt(std::string_view token, const JwkSet& keys);

}  // namespace gatehouse::crypto
