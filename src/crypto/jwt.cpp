#include "crypto/jwt.hpp"

#include "crypto/encoding.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace gatehouse::crypto {
namespace {

constexpr std::string_view kAlg = "ES256";

std::string_view view(const boost::json::string& s) { return {s.data(), s.size()}; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

std::string_view strip_application(std::string_view media_type) {
  constexpr std::string_view kPrefix = "application/";
  if (media_type.size() >= kPrefix.size() && iequals(media_type.substr(0, kPrefix.size()), kPrefix))
    media_type.remove_prefix(kPrefix.size());
  return media_type;
}

}  // namespace

std::string sign_jwt(const boost::json::object& claims, const EcKey& key, std::string_view kid, std::string_view typ) {
  // RFC 7515 §4.1.1 alg, §4.1.9 typ (RFC 9068 §2.1), §4.1.4 kid.
  boost::json::object header;
  header.emplace("alg", kAlg);
  if (!typ.empty()) header.emplace("typ", typ);
  header.emplace("kid", kid);
  // RFC 7515 §7.1: BASE64URL(UTF8(header)) '.' BASE64URL(payload) '.' BASE64URL(signature)
  std::string token = base64url_encode(boost::json::serialize(header));
  token += '.';
  token += base64url_encode(boost::json::serialize(claims));
  // The signature will add '.' and 86 characters (64 bytes in base64url).
  if (token.size() + 1 + 86 > kMaxJwtSize) throw std::length_error("JWT would exceed kMaxJwtSize");
  const std::string signature = key.sign(token);  // ES256 over the ASCII signing input (§5.1 step 5)
  token += '.';
  token += base64url_encode(signature);
  return token;
}

std::variant<VerifiedJwt, JwtError> verify_jwt(std::string_view token, const JwtKeyLookup& key_for_kid) {
  // RFC 7515 §5.2 steps 1-4: three base64url segments, the header an object.
  auto jws = decode_compact_jws(token);
  if (!jws) return JwtError::malformed;
  const auto& header = jws->header;

  // RFC 7518 §3.1 / RFC 8725 §3.1: the algorithm is fixed by us, never taken
  // from the token. Anything but exactly "ES256" — "none", HMAC (which would
  // use public key bytes as the secret), RSA, a non-string — is refused here,
  // before any key is looked up or any signature computed.
  const auto* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string() || view(alg->get_string()) != kAlg) return JwtError::unsupported_alg;
  // RFC 7515 §4.1.11: we implement no extensions, so any "crit" makes the
  // JWS one we must not accept.
  if (header.contains("crit")) return JwtError::unsupported_alg;

  // RFC 7515 §4.1.4: the key is selected by kid only.
  const auto* kid = header.if_contains("kid");
  if (kid == nullptr) return JwtError::unknown_kid;
  if (!kid->is_string()) return JwtError::malformed;
  const EcKey* key = key_for_kid ? key_for_kid(view(kid->get_string())) : nullptr;
  if (key == nullptr) return JwtError::unknown_kid;

  // §5.2 step 8: the signing input is the received ASCII of the first two
  // segments; EcKey::verify is ES256 only and refuses lengths other than 64
  // (RFC 7518 §3.4).
  if (!key->verify(jws->signing_input, jws->signature)) return JwtError::bad_signature;

  // RFC 7519 §7.2 step 10: the claims set is a JSON object. Parsed only once
  // the signature has shown it comes from a key holder.
  auto claims = parse_json_object(jws->payload);
  if (!claims) return JwtError::malformed;
  return VerifiedJwt{std::move(jws->header), std::move(*claims)};
}

std::optional<std::int64_t> int_claim(const boost::json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) {
    const auto u = value->get_uint64();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (value->is_double()) {
    // RFC 7519 §2: a NumericDate may be non-integral.
    const double d = std::floor(value->get_double());
    // -2^63 is exact as a double; 2^63 is the first value out of range.
    if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<std::string_view> string_claim(const boost::json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return view(value->get_string());
}

bool audience_contains(const boost::json::object& claims, std::string_view audience) {
  const auto* aud = claims.if_contains("aud");
  if (aud == nullptr) return false;
  if (aud->is_string()) return view(aud->get_string()) == audience;
  if (!aud->is_array()) return false;
  bool found = false;
  for (const auto& entry : aud->get_array()) {
    if (!entry.is_string()) return false;  // the whole claim is malformed
    if (view(entry.get_string()) == audience) found = true;
  }
  return found;
}

bool typ_matches(const boost::json::object& header, std::string_view typ) {
  const auto* value = header.if_contains("typ");
  if (value == nullptr || !value->is_string()) return false;
  return iequals(strip_application(view(value->get_string())), strip_application(typ));
}

}  // namespace gatehouse::crypto
