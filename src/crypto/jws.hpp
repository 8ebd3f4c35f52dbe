#pragma once
// The JWS Compact Serialization (RFC 7515 §7.1) taken apart, before any
// signature check: what every verifier here shares (verify_jwt in jwt.hpp for
// our own ES256 tokens, verify_jwt in jwk.hpp for a client's JWK Set). No
// OpenSSL types: callers that only verify need not see them.
#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

// Tokens longer than this are refused before any decoding.
inline constexpr std::size_t kMaxJwtSize = 8 * 1024;

enum class JwtError {
  malformed,        // size, segment count, base64url, JSON, non-string kid, non-object payload
  unsupported_alg,  // alg missing or not one the verifier runs; or a "crit" header (RFC 7515 §4.1.11)
  unknown_kid,      // no key to try: no kid where one is needed, an unknown kid, or no key fitting the alg
  bad_signature,    // signature of the wrong length or not valid for the header and payload
};
std::string_view to_string(JwtError error);

struct VerifiedJwt {
  boost::json::object header;
  boost::json::object claims;
};

struct CompactJws {
  boost::json::object header;  // the protected header, a JSON object
  std::string_view signing_input;  // ASCII(header '.' payload) as received (§5.2 step 8); views the token
  std::string payload;             // decoded; not parsed until the signature is checked
  std::string signature;           // decoded
};

// RFC 7515 §5.2 steps 1-4: at most kMaxJwtSize bytes, exactly three
// segments (no JWE, no JSON serialization), each base64url without padding,
// the header a JSON object. nullopt (JwtError::malformed) otherwise. The
// returned signing_input points into `token`.
std::optional<CompactJws> decode_compact_jws(std::string_view token);

// A JSON text that is exactly one object (RFC 7515 §5.2 step 3, RFC 7519
// §7.2 step 10). boost::json rejects trailing non-whitespace, invalid UTF-8
// and nesting deeper than 32; with duplicate member names it keeps the last
// one, which RFC 7515 §5.2 step 4 permits.
std::optional<boost::json::object> parse_json_object(std::string_view text);

}  // namespace gatehouse::crypto
