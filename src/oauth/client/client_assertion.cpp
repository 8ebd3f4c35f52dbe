#include "oauth/client/client_assertion.hpp"

#include "crypto/jwt.hpp"

#include <optional>
#include <utility>

namespace gatehouse::oauth {
namespace {

Error refused(std::string description) { return Error::invalid_client(std::move(description)); }

Error signature_error(crypto::JwtError error) {
  const std::string debug = "client assertion: " + std::string(crypto::to_string(error));
  switch (error) {
    case crypto::JwtError::malformed:
      return refused("the client assertion is not a well-formed signed JWT").with_debug(debug);
    case crypto::JwtError::unsupported_alg:
      return refused("the client assertion's alg is not RS256, PS256 or ES256, or its header has crit")
          .with_debug(debug);
    case crypto::JwtError::unknown_kid:
      return refused("the client assertion's kid and alg match none of the client's keys").with_debug(debug);
    case crypto::JwtError::bad_signature:
      return refused("the client assertion's signature does not verify with the client's keys").with_debug(debug);
  }
  return refused("the client assertion does not verify").with_debug(debug);
}

// A NumericDate claim: absent is nullopt; present but not a number is an
// error.
std::variant<std::optional<std::int64_t>, Error> time_claim(const boost::json::object& claims, std::string_view name) {
  if (!claims.contains(name)) return std::optional<std::int64_t>{};
  auto value = crypto::int_claim(claims, name);
  if (!value) return refused("the client assertion's " + std::string(name) + " is not a NumericDate");
  return value;
}

}  // namespace

std::variant<ClientAssertion, Error> verify_client_assertion(std::string_view assertion, const crypto::JwkSet& keys,
                                                             const ClientAssertionRules& rules) {
  // RFC 7523 §3 item 9: the JWT is digitally signed, by a key of the client.
  auto verified = crypto::verify_jwt(assertion, keys);
  if (auto* error = std::get_if<crypto::JwtError>(&verified)) return signature_error(*error);
  const auto& claims = std::get<crypto::VerifiedJwt>(verified).claims;

  // §3 item 1 (and RFC 7521 §4.2): iss is the client_id.
  auto iss = crypto::string_claim(claims, "iss");
  if (!iss) return refused("the client assertion has no iss");
  if (*iss != rules.client_id) return refused("the client assertion's iss is not the client_id");
  // §3 item 2: for client authentication, sub is the client_id too.
  auto sub = crypto::string_claim(claims, "sub");
  if (!sub) return refused("the client assertion has no sub");
  if (*sub != rules.client_id) return refused("the client assertion's sub is not the client_id");

  // §3 item 3: aud identifies this authorization server (its token endpoint
  // URL or its issuer identifier).
  if (!claims.contains("aud")) return refused("the client assertion has no aud");
  bool audience_ok = false;
  for (const auto& audience : rules.audiences)
    if (crypto::audience_contains(claims, audience)) audience_ok = true;
  if (!audience_ok) return refused("the client assertion's aud does not name this server");

  // §3 item 4: exp is required and the JWT is refused after it (with leeway
  // for clock skew, RFC 7519 §4.1.4).
  auto exp_claim = time_claim(claims, "exp");
  if (auto* error = std::get_if<Error>(&exp_claim)) return *error;
  const auto exp = std::get<std::optional<std::int64_t>>(exp_claim);
  if (!exp) return refused("the client assertion has no exp");
  // Arithmetic only on our own values: claims may be near the int64 limits.
  if (*exp <= rules.now - rules.leeway) return refused("the client assertion has expired");
  // §3 item 4 lets the server bound the lifetime; that bound is how long the
  // jti has to be remembered for replay protection (§3 item 7).
  if (*exp > rules.now + rules.max_lifetime + rules.leeway)
    return refused("the client assertion's exp is more than " + std::to_string(rules.max_lifetime) +
                   " seconds in the future");

  // §3 item 5: not before nbf.
  auto nbf_claim = time_claim(claims, "nbf");
  if (auto* error = std::get_if<Error>(&nbf_claim)) return *error;
  if (const auto nbf = std::get<std::optional<std::int64_t>>(nbf_claim); nbf && *nbf > rules.now + rules.leeway)
    return refused("the client assertion is not valid yet (nbf)");

  // §3 item 6: iat, when present, is not in the future, and the lifetime it
  // declares is within the bound too.
  auto iat_claim = time_claim(claims, "iat");
  if (auto* error = std::get_if<Error>(&iat_claim)) return *error;
  if (const auto iat = std::get<std::optional<std::int64_t>>(iat_claim)) {
    if (*iat > rules.now + rules.leeway) return refused("the client assertion was issued in the future (iat)");
    if (*iat < *exp - rules.max_lifetime)  // exp - iat > max_lifetime; exp is bounded by now
      return refused("the client assertion's lifetime (exp - iat) is more than " + std::to_string(rules.max_lifetime) +
                     " seconds");
  }

  // §3 item 7: a jti, which the caller records to refuse a second use.
  if (!claims.contains("jti")) return refused("the client assertion has no jti");
  auto jti = crypto::string_claim(claims, "jti");
  if (!jti || jti->empty()) return refused("the client assertion's jti is not a non-empty string");
  if (jti->size() > kMaxClientAssertionJtiLength)
    return refused("the client assertion's jti is longer than " + std::to_string(kMaxClientAssertionJtiLength) +
                   " characters");

  return ClientAssertion{.jti = std::string(*jti), .expires_at = *exp + rules.leeway};
}

}  // namespace gatehouse::oauth
