#include "upstream/id_token.hpp"

#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"

#include <boost/json.hpp>

namespace gatehouse::upstream {

namespace json = boost::json;

namespace {

IdTokenFailure claims_failure(std::string reason) {
  return IdTokenFailure{IdTokenFailure::Kind::claims, std::move(reason)};
}

}  // namespace

std::variant<json::object, IdTokenFailure> validate_id_token(std::string_view token, const crypto::JwkSet& keys,
                                                             const IdTokenExpectations& expected) {
  // Items 6-8: the signature, with the alg the header names among RS256,
  // PS256 and ES256 only (never "none", never an HMAC keyed with anything
  // public; RFC 8725 §3.1), and the key from the provider's set, never from
  // the token.
  auto verified = crypto::verify_jwt(token, keys);
  if (auto* error = std::get_if<crypto::JwtError>(&verified)) {
    IdTokenFailure failure{IdTokenFailure::Kind::signature,
                           "the ID token's signature does not verify (" + std::string(crypto::to_string(*error)) + ")"};
    failure.unknown_key = *error == crypto::JwtError::unknown_kid;
    return failure;
  }
  const auto& claims = std::get<crypto::VerifiedJwt>(verified).claims;
  const std::int64_t skew = expected.clock_skew.count();

  auto iss = crypto::string_claim(claims, "iss");
  if (!iss || *iss != expected.issuer)
    return claims_failure("the ID token was issued by " + (iss ? "\"" + std::string(*iss) + "\"" : std::string("no one")) +
                          ", not by the configured issuer \"" + expected.issuer + "\"");
  // Item 3: aud contains our client_id; other audiences are allowed only
  // with azp naming us (items 4-5, and the OpenID errata's reading of them).
  if (!crypto::audience_contains(claims, expected.client_id))
    return claims_failure("the ID token is meant for another client (aud does not contain our client_id)");
  const auto* aud = claims.if_contains("aud");
  const bool several = aud && aud->is_array() && aud->as_array().size() > 1;
  auto azp = crypto::string_claim(claims, "azp");
  if (claims.contains("azp") && (!azp || *azp != expected.client_id))
    return claims_failure("the ID token's azp names another client");
  if (several && !azp) return claims_failure("the ID token has several audiences and no azp");

  auto exp = crypto::int_claim(claims, "exp");
  if (!exp) return claims_failure("the ID token has no exp");
  // Compared without adding to the claim: a huge exp must not overflow.
  if (*exp <= expected.now - skew) return claims_failure("the ID token has expired");
  auto iat = crypto::int_claim(claims, "iat");
  if (!iat) return claims_failure("the ID token has no iat");
  if (*iat > expected.now + skew) return claims_failure("the ID token was issued in the future (check the clocks)");
  if (*iat < expected.now - expected.max_age.count() - skew) return claims_failure("the ID token was issued too long ago");

  // Item 11: the nonce of this sign-in, compared in constant time.
  auto nonce = crypto::string_claim(claims, "nonce");
  if (!nonce) return claims_failure("the ID token carries no nonce");
  if (!crypto::constant_time_equal(*nonce, expected.nonce))
    return claims_failure("the ID token's nonce is not this sign-in's");
  auto sub = crypto::string_claim(claims, "sub");
  if (!sub || sub->empty()) return claims_failure("the ID token names no subject (sub)");
  return claims;
}

}  // namespace gatehouse::upstream
