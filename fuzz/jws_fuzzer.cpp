// JWS Compact Serialization and JWT verification (RFC 7515 §5.2, RFC 7519
// §7.2): the decoder every verifier shares, verify_jwt for the server's own
// ES256 access tokens (fixed key, lookup by kid) and verify_jwt against a
// client's JWK Set (private_key_jwt assertions, RFC 7523).
//
// Input: a token. Signatures made with the fixed key are found only by
// chance; what is exercised is everything before and around the signature
// check, where a token is still untrusted.
#include "crypto/ec_key.hpp"
#include "crypto/jwk.hpp"
#include "crypto/jws.hpp"
#include "crypto/jwt.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

namespace {

using namespace gatehouse::crypto;

struct Keys {
  EcKey key = EcKey::generate();
  JwtKeyLookup lookup = [this](std::string_view kid) -> const EcKey* { return kid == "k1" ? &key : nullptr; };
  JwkSet set = std::get<JwkSet>(JwkSet::parse(boost::json::object{
      {"keys", boost::json::array{key.public_jwk("k1"), key.public_jwk("k2")}}}));
};

const Keys& keys() {
  static const Keys instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);

  if (auto jws = decode_compact_jws(token)) {
    // The signing input is a view into the token (§5.2 step 8).
    if (jws->signing_input.data() < token.data() ||
        jws->signing_input.data() + jws->signing_input.size() > token.data() + token.size())
      std::abort();
    (void)parse_json_object(jws->payload);
  }

  auto own = verify_jwt(token, keys().lookup);
  if (auto* verified = std::get_if<VerifiedJwt>(&own)) {
    (void)int_claim(verified->claims, "exp");
    (void)string_claim(verified->claims, "sub");
    (void)audience_contains(verified->claims, "https://mcp.example/mcp");
    (void)typ_matches(verified->header, kAccessTokenTyp);
  }
  (void)verify_jwt(token, keys().set);

  // The claim helpers also read payloads that never verified.
  if (auto claims = parse_json_object(token)) {
    (void)int_claim(*claims, "exp");
    (void)int_claim(*claims, "nbf");
    (void)string_claim(*claims, "iss");
    (void)audience_contains(*claims, "https://mcp.example/mcp");
    (void)typ_matches(*claims, kAccessTokenTyp);
  }
  return 0;
}
