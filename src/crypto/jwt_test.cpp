// Compact JWS/JWT with ES256 only (RFC 7515, RFC 7519, RFC 9068 typ): round
// trips and a catalogue of hostile tokens, each mapped to its JwtError, with
// checks that no key is even looked up for an algorithm we do not run.
#include "crypto/jwt.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::crypto {
namespace {

class JwtTest : public ::testing::Test {
 protected:
  EcKey key1 = EcKey::generate();
  EcKey key2 = EcKey::generate();
  int lookups = 0;
  JwtKeyLookup lookup = [this](std::string_view kid) -> const EcKey* {
    ++lookups;
    if (kid == "k1") return &key1;
    if (kid == "k2") return &key2;
    return nullptr;
  };

  // A token from literal JSON texts, signed (ES256) by `signer` over exactly
  // the segments given.
  static std::string forge(std::string_view header_json, std::string_view payload, const EcKey& signer) {
    std::string input = base64url_encode(header_json) + "." + base64url_encode(payload);
    return input + "." + base64url_encode(signer.sign(input));
  }
  static std::string unsigned_token(std::string_view header_json, std::string_view payload,
                                    std::string_view signature) {
    return base64url_encode(header_json) + "." + base64url_encode(payload) + "." + base64url_encode(signature);
  }

  static boost::json::object sample_claims() {
    return {{"iss", "https://gatehouse.example"}, {"sub", "user-1"},  {"aud", "https://mcp.example/mcp"},
            {"exp", 1900000000},                  {"iat", 1800000000}, {"scope", "tools:read"},
            {"client_id", "client-a"}};
  }

  std::variant<VerifiedJwt, JwtError> verify(std::string_view token) { return verify_jwt(token, lookup); }

  // Expects `error`; and, for refusals that must happen before key
  // selection, that the lookup was never called.
  void expect_error(std::string_view token, JwtError error, bool lookup_allowed, const std::string& why) {
    lookups = 0;
    const auto result = verify(token);
    ASSERT_TRUE(std::holds_alternative<JwtError>(result)) << why << ": verified unexpectedly";
    EXPECT_EQ(std::get<JwtError>(result), error)
        << why << ": got " << to_string(std::get<JwtError>(result)) << ", want " << to_string(error);
    if (!lookup_allowed) {
      EXPECT_EQ(lookups, 0) << why << ": key lookup must not happen";
    }
  }
};

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts(1);
  for (char c : token) {
    if (c == '.') parts.emplace_back();
    else parts.back().push_back(c);
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out;
}

std::string flip_bit(std::string bytes, std::size_t bit) {
  bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
  return bytes;
}

constexpr std::string_view kHeader = R"({"alg":"ES256","typ":"at+jwt","kid":"k1"})";
constexpr std::string_view kPayload = R"({"sub":"user-1","exp":1900000000})";

// ---- round trips ----

TEST_F(JwtTest, SignThenVerifyRoundTrip) {
  const auto claims = sample_claims();
  const auto token = sign_jwt(claims, key1, "k1");
  const auto result = verify(token);
  ASSERT_TRUE(std::holds_alternative<VerifiedJwt>(result)) << to_string(std::get<JwtError>(result));
  const auto& jwt = std::get<VerifiedJwt>(result);
  EXPECT_EQ(jwt.claims, claims);
  EXPECT_EQ(jwt.header, (boost::json::object{{"alg", "ES256"}, {"typ", "at+jwt"}, {"kid", "k1"}}));
  EXPECT_EQ(lookups, 1);
}

TEST_F(JwtTest, CompactSerializationShape) {
  const auto token = sign_jwt(sample_claims(), key1, "k1");
  const auto parts = split(token);
  ASSERT_EQ(parts.size(), 3u);
  // RFC 7515 §7.1 + RFC 9068 §2.1: exact header text, member order as documented.
  EXPECT_EQ(*base64url_decode(parts[0]), R"({"alg":"ES256","typ":"at+jwt","kid":"k1"})");
  EXPECT_EQ(*base64url_decode(parts[1]), boost::json::serialize(sample_claims()));
  EXPECT_EQ(parts[2].size(), 86u) << "64-byte R||S, base64url without padding";
  EXPECT_EQ(token.find_first_of("=+/ \n"), std::string::npos);
  EXPECT_TRUE(key1.verify(parts[0] + "." + parts[1], *base64url_decode(parts[2])));
}

TEST_F(JwtTest, TypIsAParameter) {
  const auto jwt = std::get<VerifiedJwt>(verify(sign_jwt(sample_claims(), key1, "k1", "JWT")));
  EXPECT_EQ(jwt.header.at("typ"), "JWT");
  const auto untyped = sign_jwt(sample_claims(), key1, "k1", "");
  EXPECT_EQ(*base64url_decode(split(untyped)[0]), R"({"alg":"ES256","kid":"k1"})");
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify(untyped)));
}

TEST_F(JwtTest, KidSelectsTheKey) {
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify(sign_jwt(sample_claims(), key2, "k2"))));
  expect_error(sign_jwt(sample_claims(), key2, "k1"), JwtError::bad_signature, true, "key2 signed, kid names key1");
  JwtKeyLookup always_key1 = [this](std::string_view) { return &key1; };
  const auto result = verify_jwt(sign_jwt(sample_claims(), key2, "anything"), always_key1);
  ASSERT_TRUE(std::holds_alternative<JwtError>(result));
  EXPECT_EQ(std::get<JwtError>(result), JwtError::bad_signature);
}

TEST_F(JwtTest, EmptyClaimsAndUnicodeSurvive) {
  EXPECT_EQ(std::get<VerifiedJwt>(verify(sign_jwt({}, key1, "k1"))).claims, boost::json::object{});
  const boost::json::object claims = {{"name", "Zoë \xe2\x9c\x93 \"quoted\" \\ / \n"}};
  EXPECT_EQ(std::get<VerifiedJwt>(verify(sign_jwt(claims, key1, "k1"))).claims, claims);
}

TEST_F(JwtTest, ForgedLiteralTokenVerifies) {
  // Control for the catalogue below: the helper's tokens are valid as-is.
  const auto jwt = std::get<VerifiedJwt>(verify(forge(kHeader, kPayload, key1)));
  EXPECT_EQ(jwt.claims.at("sub"), "user-1");
}

// ---- negative catalogue: algorithm (RFC 8725 §3.1, §3.2) ----

TEST_F(JwtTest, AlgNoneIsRefusedBeforeKeyLookup) {
  expect_error(unsigned_token(R"({"alg":"none","kid":"k1"})", kPayload, ""), JwtError::unsupported_alg, false,
               "alg none, empty signature");
  expect_error(unsigned_token(R"({"alg":"none"})", kPayload, ""), JwtError::unsupported_alg, false,
               "alg none without kid");
  for (const char* alg : {"None", "NONE", "nOnE"})
    expect_error(unsigned_token(std::string(R"({"kid":"k1","alg":")") + alg + "\"}", kPayload, ""),
                 JwtError::unsupported_alg, false, alg);
}

TEST_F(JwtTest, Hs256WithThePublicKeyAsSecretIsRefused) {
  // The classic key-confusion attack: HMAC keyed with public key material.
  const std::string header = R"({"alg":"HS256","typ":"at+jwt","kid":"k1"})";
  const std::string input = base64url_encode(header) + "." + base64url_encode(kPayload);
  const auto jwk = key1.public_jwk("k1");
  const std::vector<std::string> secrets = {
      boost::json::serialize(jwk),
      *base64url_decode(std::string(jwk.at("x").as_string())) + *base64url_decode(std::string(jwk.at("y").as_string())),
      key1.thumbprint(),
  };
  for (const auto& secret : secrets)
    expect_error(input + "." + base64url_encode(hmac_sha256(secret, input)), JwtError::unsupported_alg, false,
                 "HS256 keyed with public bytes");
}

TEST_F(JwtTest, OtherAlgorithmsAreRefused) {
  const std::vector<std::string> headers = {
      R"({"alg":"RS256","kid":"k1"})", R"({"alg":"PS256","kid":"k1"})", R"({"alg":"ES384","kid":"k1"})",
      R"({"alg":"ES512","kid":"k1"})", R"({"alg":"EdDSA","kid":"k1"})", R"({"alg":"es256","kid":"k1"})",
      R"({"alg":"ES256 ","kid":"k1"})", R"({"alg":"ES256K","kid":"k1"})", R"({"alg":"","kid":"k1"})",
  };
  for (const auto& header : headers) {
    expect_error(forge(header, kPayload, key1), JwtError::unsupported_alg, false, header + " (ES256-signed)");
    expect_error(unsigned_token(header, kPayload, random_bytes(256)), JwtError::unsupported_alg, false,
                 header + " (256-byte signature)");
  }
}

TEST_F(JwtTest, MissingOrNonStringAlgIsRefused) {
  for (const char* header : {R"({"kid":"k1"})", R"({"alg":null,"kid":"k1"})", R"({"alg":["ES256"],"kid":"k1"})",
                             R"({"alg":{"name":"ES256"},"kid":"k1"})", R"({"alg":256,"kid":"k1"})", "{}"})
    expect_error(forge(header, kPayload, key1), JwtError::unsupported_alg, false, header);
}

TEST_F(JwtTest, DuplicateAlgUsesTheLastValue) {
  // RFC 7515 §5.2 step 4 allows a parser that keeps the lexically last member.
  expect_error(forge(R"({"alg":"ES256","kid":"k1","alg":"none"})", kPayload, key1), JwtError::unsupported_alg, false,
               "duplicate alg, last none");
}

TEST_F(JwtTest, CritHeaderIsRefused) {
  // RFC 7515 §4.1.11: no extension is understood, so any crit is fatal.
  expect_error(forge(R"({"alg":"ES256","kid":"k1","crit":["exp"],"exp":1900000000})", kPayload, key1),
               JwtError::unsupported_alg, false, "crit exp");
  expect_error(forge(R"({"alg":"ES256","kid":"k1","crit":["b64"],"b64":false})", kPayload, key1),
               JwtError::unsupported_alg, false, "crit b64 (RFC 7797)");
  expect_error(forge(R"({"alg":"ES256","kid":"k1","crit":[]})", kPayload, key1), JwtError::unsupported_alg, false,
               "empty crit");
}

// ---- kid and keys ----

TEST_F(JwtTest, MissingKidIsUnknownWithoutLookup) {
  expect_error(forge(R"({"alg":"ES256","typ":"at+jwt"})", kPayload, key1), JwtError::unknown_kid, false,
               "no kid");
  // RFC 7515 A.3's example token has no kid either.
  expect_error(
      "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
      "cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q",
      JwtError::unknown_kid, false, "RFC 7515 A.3");
}

TEST_F(JwtTest, UnknownKid) {
  lookups = 0;
  expect_error(forge(R"({"alg":"ES256","kid":"k3"})", kPayload, key1), JwtError::unknown_kid, true, "kid k3");
  EXPECT_EQ(lookups, 1);
  expect_error(forge(R"({"alg":"ES256","kid":""})", kPayload, key1), JwtError::unknown_kid, true, "empty kid");
}

TEST_F(JwtTest, NonStringKidIsMalformed) {
  for (const char* header : {R"({"alg":"ES256","kid":1})", R"({"alg":"ES256","kid":null})",
                             R"({"alg":"ES256","kid":["k1"]})"})
    expect_error(forge(header, kPayload, key1), JwtError::malformed, false, header);
}

TEST_F(JwtTest, KeysEmbeddedInTheHeaderAreIgnored) {
  // jwk / jku / x5u must never supply the verification key.
  const auto attacker = EcKey::generate();
  const std::string header = R"({"alg":"ES256","kid":"k1","jwk":)" +
                             boost::json::serialize(attacker.public_jwk("k1")) +
                             R"(,"jku":"https://attacker.example/jwks"})";
  expect_error(forge(header, kPayload, attacker), JwtError::bad_signature, true, "self-signed with embedded jwk");
}

// ---- signature ----

TEST_F(JwtTest, FlippedSignatureBits) {
  const auto parts = split(forge(kHeader, kPayload, key1));
  const auto signature = *base64url_decode(parts[2]);
  for (std::size_t bit : {0u, 1u, 100u, 255u, 256u, 300u, 511u}) {
    auto tampered = parts;
    tampered[2] = base64url_encode(flip_bit(signature, bit));
    expect_error(join(tampered), JwtError::bad_signature, true, "signature bit " + std::to_string(bit));
  }
}

TEST_F(JwtTest, FlippedPayloadAndHeaderBits) {
  const auto parts = split(forge(kHeader, kPayload, key1));
  for (std::size_t bit : std::vector<std::size_t>{0, 9, 40, 8 * kPayload.size() - 1}) {
    auto tampered = parts;
    tampered[1] = base64url_encode(flip_bit(std::string(kPayload), bit));
    expect_error(join(tampered), JwtError::bad_signature, true, "payload bit " + std::to_string(bit));
  }
  auto tampered = parts;
  tampered[1] = base64url_encode(R"({"sub":"admin","exp":1900000000})");
  expect_error(join(tampered), JwtError::bad_signature, true, "payload replaced");
  tampered = parts;
  tampered[0] = base64url_encode(R"({"alg":"ES256","typ":"at+jwu","kid":"k1"})");
  expect_error(join(tampered), JwtError::bad_signature, true, "header changed");
}

TEST_F(JwtTest, TruncatedAndResizedSignatures) {
  const auto token = forge(kHeader, kPayload, key1);
  const auto parts = split(token);
  // 84 characters decode to 63 bytes: valid base64url, wrong ES256 length.
  expect_error(token.substr(0, token.size() - 2), JwtError::bad_signature, true, "63-byte signature");
  // 85 characters cannot be base64url at all.
  expect_error(token.substr(0, token.size() - 1), JwtError::malformed, true, "85-character signature");
  auto resized = parts;
  resized[2] = "";
  expect_error(join(resized), JwtError::bad_signature, true, "empty ES256 signature");
  resized[2] = base64url_encode(*base64url_decode(parts[2]) + '\0');
  expect_error(join(resized), JwtError::bad_signature, true, "65-byte signature");
  resized[2] = base64url_encode(*ecdsa_raw_to_der(*base64url_decode(parts[2])));
  expect_error(join(resized), JwtError::bad_signature, true, "DER instead of R||S");
}

// ---- structure (RFC 7515 §5.2 steps 1-4, §7.1) ----

TEST_F(JwtTest, WrongSegmentCounts) {
  const auto token = forge(kHeader, kPayload, key1);
  const auto parts = split(token);
  expect_error(parts[0] + "." + parts[1], JwtError::malformed, false, "2 segments");
  expect_error(token + "." + parts[2], JwtError::malformed, false, "4 segments");
  expect_error(token + ".", JwtError::malformed, false, "trailing dot");
  expect_error(join({parts[0], "", parts[1], "", parts[2]}), JwtError::malformed, false, "5 segments (JWE shape)");
  expect_error(parts[0], JwtError::malformed, false, "1 segment");
  expect_error("", JwtError::malformed, false, "empty");
  expect_error("..", JwtError::malformed, false, "empty segments");
}

TEST_F(JwtTest, PaddingAndForeignCharacters) {
  const auto parts = split(forge(kHeader, kPayload, key1));
  auto with_suffix = [&](std::size_t index, const std::string& suffix) {
    auto copy = parts;
    copy[index] += suffix;
    return join(copy);
  };
  // kHeader is 41 bytes -> 55 characters, RFC 4648 §4 padding "="; the
  // 64-byte signature is 86 characters, padding "==". RFC 7515 §2 omits both.
  ASSERT_EQ(parts[0].size() % 4, 3u);
  ASSERT_EQ(parts[2].size() % 4, 2u);
  expect_error(with_suffix(0, "="), JwtError::malformed, false, "padded header");
  expect_error(with_suffix(2, "=="), JwtError::malformed, false, "padded signature");
  expect_error(with_suffix(1, "="), JwtError::malformed, false, "padding on payload");
  expect_error(with_suffix(2, "\n"), JwtError::malformed, false, "trailing newline");
  expect_error(" " + join(parts), JwtError::malformed, false, "leading space");
  auto standard = parts;
  standard[2][0] = '+';
  expect_error(join(standard), JwtError::malformed, false, "standard base64 '+'");
  expect_error(join({parts[0], parts[1], std::string(86, '*')}), JwtError::malformed, false, "non-alphabet signature");
}

TEST_F(JwtTest, HeaderMustBeOneJsonObject) {
  const std::vector<std::string> headers = {
      "",
      "[]",
      R"(["ES256"])",
      R"("ES256")",
      "null",
      "42",
      "{",
      R"({"alg":"ES256","kid":"k1"})"
      "x",
      R"({"alg":"ES256","kid":"k1"}{})",
      R"({"alg":"ES256","kid":"k1",})",
      R"({'alg':'ES256'})",
      "{\"alg\":\"ES256\",\"kid\":\"k\xff\"}",  // invalid UTF-8
      std::string(200, '[') + std::string(200, ']'),
  };
  for (const auto& header : headers)
    expect_error(forge(header, kPayload, key1), JwtError::malformed, false, "header " + header);
  // Whitespace around the object is valid JSON (RFC 8259 §2).
  const auto spaced = forge(" {\"alg\":\"ES256\",\"kid\":\"k1\"}\n", kPayload, key1);
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify(spaced)));
}

TEST_F(JwtTest, SignedPayloadMustBeOneJsonObject) {
  // Checked after the signature (RFC 7519 §7.2 step 10), so these are signed.
  const std::vector<std::string> payloads = {"",   "[]", "\"sub\"", "null", "{", R"({"sub":"a"} trailing)",
                                             "not json at all", std::string("{\"a\":1}\0", 8)};
  for (const auto& payload : payloads)
    expect_error(forge(kHeader, payload, key1), JwtError::malformed, true, "payload " + payload);
}

// ---- size limit ----

TEST_F(JwtTest, TokensOverEightKibAreRefusedBeforeDecoding) {
  bool saw_accept_near_limit = false, saw_refuse_near_limit = false;
  // Header 55 + '.' + payload + '.' + 86 signature characters: a payload
  // of about 6030 bytes puts the token at the 8192-character limit.
  for (std::size_t filler = 6010; filler < 6040; ++filler) {
    const std::string payload = R"({"pad":")" + std::string(filler, 'a') + "\"}";
    const auto token = forge(kHeader, payload, key1);
    if (token.size() + 8 < kMaxJwtSize || token.size() > kMaxJwtSize + 8) continue;
    if (token.size() <= kMaxJwtSize) {
      EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify(token))) << token.size();
      saw_accept_near_limit = true;
    } else {
      expect_error(token, JwtError::malformed, false, "size " + std::to_string(token.size()));
      saw_refuse_near_limit = true;
    }
  }
  EXPECT_TRUE(saw_accept_near_limit);
  EXPECT_TRUE(saw_refuse_near_limit);
  expect_error(std::string(1 << 20, 'a'), JwtError::malformed, false, "1 MiB of junk");
}

TEST_F(JwtTest, SignJwtRefusesToProduceAnOversizeToken) {
  const boost::json::object claims = {{"pad", std::string(7000, 'a')}};
  EXPECT_THROW((void)sign_jwt(claims, key1, "k1"), std::length_error);
  EXPECT_NO_THROW((void)sign_jwt({{"pad", std::string(5000, 'a')}}, key1, "k1"));
}

TEST(JwtError, ToString) {
  EXPECT_EQ(to_string(JwtError::malformed), "malformed");
  EXPECT_EQ(to_string(JwtError::unsupported_alg), "unsupported_alg");
  EXPECT_EQ(to_string(JwtError::unknown_kid), "unknown_kid");
  EXPECT_EQ(to_string(JwtError::bad_signature), "bad_signature");
}

// ---- claim helpers (RFC 7519 §2, §4.1) ----

TEST(JwtClaims, IntClaim) {
  const auto claims = boost::json::parse(R"({
    "exp": 1900000000, "neg": -5, "big": 18446744073709551615, "max": 9223372036854775807,
    "frac": 1700000000.75, "negfrac": -1.5, "huge": 1e300, "exp_text": "1900000000",
    "flag": true, "none": null, "list": [1]
  })").as_object();
  EXPECT_EQ(int_claim(claims, "exp"), 1900000000);
  EXPECT_EQ(int_claim(claims, "neg"), -5);
  EXPECT_EQ(int_claim(claims, "max"), INT64_MAX);
  EXPECT_EQ(int_claim(claims, "big"), std::nullopt) << "uint64 beyond int64";
  EXPECT_EQ(int_claim(claims, "frac"), 1700000000) << "non-integral NumericDate rounds down";
  EXPECT_EQ(int_claim(claims, "negfrac"), -2);
  EXPECT_EQ(int_claim(claims, "huge"), std::nullopt);
  for (const char* name : {"exp_text", "flag", "none", "list", "missing"})
    EXPECT_EQ(int_claim(claims, name), std::nullopt) << name;
}

TEST(JwtClaims, StringClaimAudienceAndTyp) {
  const auto claims = boost::json::parse(R"({"iss":"https://as","n":1,"aud":["a","b"]})").as_object();
  EXPECT_EQ(string_claim(claims, "iss"), "https://as");
  EXPECT_EQ(string_claim(claims, "n"), std::nullopt);
  EXPECT_EQ(string_claim(claims, "missing"), std::nullopt);

  EXPECT_TRUE(audience_contains(claims, "a"));
  EXPECT_TRUE(audience_contains(claims, "b"));
  EXPECT_FALSE(audience_contains(claims, "c"));
  EXPECT_FALSE(audience_contains(claims, "A"));
  EXPECT_TRUE(audience_contains(boost::json::parse(R"({"aud":"x"})").as_object(), "x"));
  EXPECT_FALSE(audience_contains(boost::json::parse(R"({"aud":"x"})").as_object(), "x "));
  EXPECT_FALSE(audience_contains(boost::json::parse(R"({"aud":["x",1]})").as_object(), "x")) << "malformed claim";
  EXPECT_FALSE(audience_contains(boost::json::parse(R"({"aud":{"x":1}})").as_object(), "x"));
  EXPECT_FALSE(audience_contains(boost::json::parse(R"({"aud":[]})").as_object(), ""));
  EXPECT_FALSE(audience_contains({}, ""));

  auto header = [](const char* json) { return boost::json::parse(json).as_object(); };
  EXPECT_TRUE(typ_matches(header(R"({"typ":"at+jwt"})"), kAccessTokenTyp));
  EXPECT_TRUE(typ_matches(header(R"({"typ":"application/at+jwt"})"), kAccessTokenTyp));
  EXPECT_TRUE(typ_matches(header(R"({"typ":"AT+JWT"})"), "application/at+jwt"));
  EXPECT_FALSE(typ_matches(header(R"({"typ":"JWT"})"), kAccessTokenTyp));
  EXPECT_FALSE(typ_matches(header(R"({"typ":"application/jwt"})"), kAccessTokenTyp));
  EXPECT_FALSE(typ_matches(header(R"({"typ":"text/at+jwt"})"), kAccessTokenTyp));
  EXPECT_FALSE(typ_matches(header(R"({"typ":1})"), kAccessTokenTyp));
  EXPECT_FALSE(typ_matches(header("{}"), kAccessTokenTyp));
}

}  // namespace
}  // namespace gatehouse::crypto
