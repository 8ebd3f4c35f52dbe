// JWK Sets (RFC 7517, RFC 7518 §6) and JWS verification with a client's
// keys: which keys are used or skipped, which sets are refused, and the
// tokens that must not verify (alg none/HS256, keys carried in the token,
// crit, kid and key-type mismatches).
#include "crypto/jwk.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "support/test_jws_signer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace gatehouse::crypto {
namespace {

using testing::RsaTestKey;
using testing::sign_jws;

// Key generation is the slow part; one set of keys serves every test.
const EcKey& ec_key() {
  static const EcKey key = EcKey::generate();
  return key;
}
const EcKey& other_ec_key() {
  static const EcKey key = EcKey::generate();
  return key;
}
const RsaTestKey& rsa_key() {
  static const RsaTestKey key(2048);
  return key;
}
const RsaTestKey& other_rsa_key() {
  static const RsaTestKey key(2048);
  return key;
}

boost::json::object ec_jwk(std::string_view kid) {
  auto jwk = ec_key().public_jwk(kid);
  jwk.erase("alg");  // most published keys do not restrict the alg
  jwk.erase("use");
  return jwk;
}

boost::json::value set_of(std::initializer_list<boost::json::object> keys) {
  boost::json::array array;
  for (const auto& key : keys) array.push_back(key);
  return boost::json::object{{"keys", std::move(array)}};
}

JwkSet parsed(const boost::json::value& document) {
  auto result = JwkSet::parse(document);
  if (auto* error = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << "refused: " << *error;
    throw std::runtime_error(*error);
  }
  return std::get<JwkSet>(std::move(result));
}

std::string refusal(const boost::json::value& document) {
  auto result = JwkSet::parse(document);
  if (std::holds_alternative<JwkSet>(result)) {
    ADD_FAILURE() << "accepted " << boost::json::serialize(document);
    return "";
  }
  return std::get<std::string>(result);
}

std::string_view sv(const boost::json::value& v) { return {v.as_string().data(), v.as_string().size()}; }

const boost::json::object kClaims{{"iss", "https://app.example/client.json"}, {"jti", "j1"}};

// ---- JwkSet::parse ----

TEST(JwkSet, ParsesEcAndRsaSigningKeys) {
  auto set = parsed(set_of({ec_jwk("e1"), rsa_key().public_jwk("r1")}));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.skipped().empty());
}

TEST(JwkSet, RFC7517_AcceptsUseSigKeyOpsVerifyAndAMatchingAlg) {
  auto ec = ec_jwk("e1");
  ec["use"] = "sig";
  ec["key_ops"] = boost::json::array{"verify"};
  ec["alg"] = "ES256";
  auto rsa = rsa_key().public_jwk("r1");
  rsa["alg"] = "PS256";
  EXPECT_EQ(parsed(set_of({ec, rsa})).size(), 2u);
}

TEST(JwkSet, RFC7517_SkipsKeysNotForVerifyingSignatures) {
  auto enc = ec_jwk("enc");
  enc["use"] = "enc";
  auto sign_only = ec_jwk("sign-only");
  sign_only["key_ops"] = boost::json::array{"sign"};
  auto bad_ops = ec_jwk("bad-ops");
  bad_ops["key_ops"] = "verify";  // not an array
  auto set = parsed(set_of({enc, sign_only, bad_ops, ec_jwk("good")}));
  EXPECT_EQ(set.size(), 1u);
  ASSERT_EQ(set.skipped().size(), 3u);
  EXPECT_NE(set.skipped()[0].find("kid \"enc\""), std::string::npos) << set.skipped()[0];
  EXPECT_NE(set.skipped()[0].find("use"), std::string::npos) << set.skipped()[0];
  EXPECT_NE(set.skipped()[1].find("key_ops"), std::string::npos) << set.skipped()[1];
}

TEST(JwkSet, RFC7517_SkipsKeyTypesAndCurvesItDoesNotRun) {
  auto p384 = ec_jwk("p384");
  p384["crv"] = "P-384";
  const boost::json::object okp{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};
  auto hs_alg = rsa_key().public_jwk("hs");
  hs_alg["alg"] = "HS256";
  auto mismatch = rsa_key().public_jwk("rsa-es");
  mismatch["alg"] = "ES256";
  auto numeric_kid = ec_jwk("");
  numeric_kid["kid"] = 7;
  auto set = parsed(set_of({p384, okp, hs_alg, mismatch, numeric_kid, ec_jwk("good")}));
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.skipped().size(), 5u);
}

TEST(JwkSet, RFC7518_SkipsAnRsaKeyBelow2048Bits) {
  const RsaTestKey weak(1024);
  auto set = parsed(set_of({weak.public_jwk("weak"), ec_jwk("good")}));
  EXPECT_EQ(set.size(), 1u);
  ASSERT_EQ(set.skipped().size(), 1u);
  EXPECT_NE(set.skipped()[0].find("1024 bits"), std::string::npos) << set.skipped()[0];
  // Alone, it leaves nothing usable.
  EXPECT_NE(refusal(set_of({weak.public_jwk("weak")})).find("1024 bits"), std::string::npos);
}

TEST(JwkSet, SkipsAnRsaKeyWithAnEvenOrTrivialExponent) {
  auto even = rsa_key().public_jwk("even");
  even["e"] = base64url_encode(std::string("\x01\x00\x00", 3));
  auto one = rsa_key().public_jwk("one");
  one["e"] = "AQ";
  auto set = parsed(set_of({even, one, ec_jwk("good")}));
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.skipped().size(), 2u);
}

TEST(JwkSet, InvalidCurve_RefusesAnEcPointThatIsNotOnP256) {
  auto off_curve = ec_jwk("off");
  auto y = *base64url_decode(sv(off_curve["y"]));
  y.back() = static_cast<char>(y.back() ^ 1);
  off_curve["y"] = base64url_encode(y);
  auto short_x = ec_jwk("short");
  short_x["x"] = base64url_encode(std::string(31, '\x01'));
  const std::string error = refusal(set_of({off_curve, short_x}));
  EXPECT_NE(error.find("no usable signing key"), std::string::npos) << error;
  EXPECT_NE(error.find("kid \"off\""), std::string::npos) << error;
  EXPECT_NE(error.find("point on P-256"), std::string::npos) << error;
  // Beside a good key it is skipped and never tried.
  EXPECT_EQ(parsed(set_of({off_curve, ec_jwk("good")})).size(), 1u);
}

TEST(JwkSet, RefusesASetPublishingPrivateKeyMaterial) {
  auto with_d = ec_jwk("leaked");
  with_d["d"] = "AAAA";
  EXPECT_NE(refusal(set_of({ec_jwk("good"), with_d})).find("\"d\" in key 1 (kid \"leaked\")"), std::string::npos);
  const boost::json::object oct{{"kty", "oct"}, {"k", "c2VjcmV0"}};
  EXPECT_NE(refusal(set_of({ec_jwk("good"), oct})).find("private key material"), std::string::npos);
  auto rsa_private = rsa_key().public_jwk("r");
  rsa_private["p"] = "AQ";
  EXPECT_NE(refusal(set_of({rsa_private})).find("private key material"), std::string::npos);
}

TEST(JwkSet, RefusesDocumentsThatAreNotJwkSets) {
  EXPECT_NE(refusal(boost::json::value("keys")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(refusal(boost::json::object{}).find("no \"keys\" array"), std::string::npos);
  EXPECT_NE(refusal(boost::json::object{{"keys", ec_jwk("k")}}).find("no \"keys\" array"), std::string::npos);
  EXPECT_NE(refusal(ec_jwk("a bare JWK")).find("no \"keys\" array"), std::string::npos);
  EXPECT_EQ(refusal(set_of({})), "the JWK Set has no usable signing key");
  EXPECT_NE(refusal(boost::json::object{{"keys", boost::json::array{1, "x"}}}).find("not a JSON object"),
            std::string::npos);
}

TEST(JwkSet, RefusesMoreKeysThanItWillTry) {
  boost::json::array keys;
  for (std::size_t i = 0; i <= kMaxJwkSetKeys; ++i) keys.push_back(ec_jwk("k" + std::to_string(i)));
  EXPECT_NE(refusal(boost::json::object{{"keys", keys}}).find("more than"), std::string::npos);
  keys.pop_back();
  EXPECT_EQ(parsed(boost::json::object{{"keys", keys}}).size(), kMaxJwkSetKeys);
}

// ---- verify_jwt(token, JwkSet) ----

class JwkVerify : public ::testing::Test {
 protected:
  JwkSet set = parsed(set_of({ec_jwk("e1"), rsa_key().public_jwk("r1")}));

  static JwtError error_of(const std::variant<VerifiedJwt, JwtError>& result) {
    if (auto* error = std::get_if<JwtError>(&result)) return *error;
    ADD_FAILURE() << "verified unexpectedly";
    return JwtError::malformed;
  }
};

TEST_F(JwkVerify, EachAlgVerifiesWithItsKey) {
  for (const auto& [header, token] : {
           std::pair{"ES256", sign_jws({{"alg", "ES256"}, {"kid", "e1"}}, kClaims, ec_key())},
           std::pair{"RS256", sign_jws({{"alg", "RS256"}, {"kid", "r1"}}, kClaims, rsa_key())},
           std::pair{"PS256", sign_jws({{"alg", "PS256"}, {"kid", "r1"}}, kClaims, rsa_key())},
       }) {
    auto result = verify_jwt(token, set);
    ASSERT_TRUE(std::holds_alternative<VerifiedJwt>(result)) << header << ": " << to_string(error_of(result));
    EXPECT_EQ(std::get<VerifiedJwt>(result).claims, kClaims) << header;
    EXPECT_EQ(std::get<VerifiedJwt>(result).header.at("alg").as_string(), header);
  }
}

TEST_F(JwkVerify, WithoutKidEveryKeyOfTheAlgsTypeIsTried) {
  auto two_ec = parsed(set_of({other_ec_key().public_jwk("x"), ec_jwk("")}));
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify_jwt(sign_jws({{"alg", "ES256"}}, kClaims, ec_key()), two_ec)));
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify_jwt(sign_jws({{"alg", "PS256"}}, kClaims, rsa_key()), set)));
}

TEST_F(JwkVerify, RFC7515_KidSelectsTheKey) {
  auto two_ec = parsed(set_of({other_ec_key().public_jwk("x"), ec_jwk("e1")}));
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(
      verify_jwt(sign_jws({{"alg", "ES256"}, {"kid", "e1"}}, kClaims, ec_key()), two_ec)));
  // The right key under another kid is not tried.
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "ES256"}, {"kid", "x"}}, kClaims, ec_key()), two_ec)),
            JwtError::bad_signature);
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "ES256"}, {"kid", "nope"}}, kClaims, ec_key()), two_ec)),
            JwtError::unknown_kid);
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "ES256"}, {"kid", 1}}, kClaims, ec_key()), two_ec)),
            JwtError::malformed);
}

TEST_F(JwkVerify, RefusesASignatureByAKeyNotInTheSet) {
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "ES256"}, {"kid", "e1"}}, kClaims, other_ec_key()), set)),
            JwtError::bad_signature);
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "RS256"}}, kClaims, other_rsa_key()), set)),
            JwtError::bad_signature);
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "PS256"}, {"kid", "r1"}}, kClaims, other_rsa_key()), set)),
            JwtError::bad_signature);
}

TEST_F(JwkVerify, RFC8725_RefusesAlgNoneAndHmac) {
  const std::string payload = base64url_encode(boost::json::serialize(kClaims));
  for (const char* alg : {"none", "None", "HS256", "HS384", "HS512", "RS384", "ES384", "EdDSA", ""}) {
    const std::string input = base64url_encode(R"({"alg":")" + std::string(alg) + R"(","kid":"r1"})") + "." + payload;
    EXPECT_EQ(error_of(verify_jwt(input + ".", set)), JwtError::unsupported_alg) << alg;
    // HMAC keyed with the public key's bytes: the classic confusion attack.
    const std::string n = *base64url_decode(sv(rsa_key().public_jwk("").at("n")));
    EXPECT_EQ(error_of(verify_jwt(input + "." + base64url_encode(hmac_sha256(n, input)), set)),
              JwtError::unsupported_alg)
        << alg;
  }
  const std::string no_alg = base64url_encode(R"({"kid":"e1"})") + "." + payload + ".";
  EXPECT_EQ(error_of(verify_jwt(no_alg, set)), JwtError::unsupported_alg);
}

TEST_F(JwkVerify, RefusesAnAlgThatDoesNotFitTheKeysType) {
  auto ec_only = parsed(set_of({ec_jwk("e1")}));
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "RS256"}, {"kid", "e1"}}, kClaims, rsa_key()), ec_only)),
            JwtError::unknown_kid);
  auto rsa_only = parsed(set_of({rsa_key().public_jwk("r1")}));
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "ES256"}}, kClaims, ec_key()), rsa_only)), JwtError::unknown_kid);
  // A key whose own "alg" is PS256 is not used for RS256 (RFC 7517 §4.4).
  auto pss_key = rsa_key().public_jwk("r1");
  pss_key["alg"] = "PS256";
  auto pss_only = parsed(set_of({pss_key}));
  EXPECT_EQ(error_of(verify_jwt(sign_jws({{"alg", "RS256"}, {"kid", "r1"}}, kClaims, rsa_key()), pss_only)),
            JwtError::unknown_kid);
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(
      verify_jwt(sign_jws({{"alg", "PS256"}, {"kid", "r1"}}, kClaims, rsa_key()), pss_only)));
}

TEST_F(JwkVerify, RFC7518_RsaPaddingMustMatchTheAlg) {
  // A PKCS#1 v1.5 signature presented as PS256, and a PSS one as RS256.
  const boost::json::object ps_header{{"alg", "PS256"}, {"kid", "r1"}};
  const boost::json::object rs_header{{"alg", "RS256"}, {"kid", "r1"}};
  const std::string ps_input = testing::signing_input(ps_header, kClaims);
  const std::string rs_input = testing::signing_input(rs_header, kClaims);
  EXPECT_EQ(error_of(verify_jwt(ps_input + "." + base64url_encode(rsa_key().sign(ps_input, false)), set)),
            JwtError::bad_signature);
  EXPECT_EQ(error_of(verify_jwt(rs_input + "." + base64url_encode(rsa_key().sign(rs_input, true)), set)),
            JwtError::bad_signature);
}

TEST_F(JwkVerify, RFC8725_IgnoresKeysCarriedInTheToken) {
  // The attacker signs with its own key and puts that key (or a URL for it)
  // in the header; the set's keys are the only ones ever tried.
  for (const char* member : {"jwk", "jku", "x5u", "x5c"}) {
    boost::json::object header{{"alg", "ES256"}};
    if (std::string_view(member) == "jwk")
      header["jwk"] = other_ec_key().public_jwk("attacker");
    else if (std::string_view(member) == "x5c")
      header["x5c"] = boost::json::array{"MIIB"};
    else
      header[member] = "https://attacker.example/jwks.json";
    EXPECT_EQ(error_of(verify_jwt(sign_jws(header, kClaims, other_ec_key()), set)), JwtError::bad_signature) << member;
    header["kid"] = "attacker";
    EXPECT_EQ(error_of(verify_jwt(sign_jws(header, kClaims, other_ec_key()), set)), JwtError::unknown_kid) << member;
  }
}

TEST_F(JwkVerify, RFC7515_RefusesCrit) {
  const boost::json::object header{{"alg", "ES256"}, {"kid", "e1"}, {"crit", boost::json::array{"exp"}}, {"exp", 1}};
  EXPECT_EQ(error_of(verify_jwt(sign_jws(header, kClaims, ec_key()), set)), JwtError::unsupported_alg);
}

TEST_F(JwkVerify, RefusesMalformedTokens) {
  const std::string good = sign_jws({{"alg", "ES256"}, {"kid", "e1"}}, kClaims, ec_key());
  EXPECT_EQ(error_of(verify_jwt("", set)), JwtError::malformed);
  EXPECT_EQ(error_of(verify_jwt(good + ".", set)), JwtError::malformed);
  EXPECT_EQ(error_of(verify_jwt(good + "=", set)), JwtError::malformed);
  EXPECT_EQ(error_of(verify_jwt(std::string(kMaxJwtSize + 1, 'a'), set)), JwtError::malformed);
  // A valid signature over a payload that is not a JSON object.
  const boost::json::object header{{"alg", "ES256"}, {"kid", "e1"}};
  const std::string input = base64url_encode(boost::json::serialize(header)) + "." + base64url_encode("[1]");
  EXPECT_EQ(error_of(verify_jwt(input + "." + base64url_encode(ec_key().sign(input)), set)), JwtError::malformed);
  // A signature one byte short of the modulus.
  const boost::json::object rs_header{{"alg", "RS256"}, {"kid", "r1"}};
  const std::string rs_input = testing::signing_input(rs_header, kClaims);
  std::string short_signature = rsa_key().sign(rs_input, false);
  short_signature.pop_back();
  EXPECT_EQ(error_of(verify_jwt(rs_input + "." + base64url_encode(short_signature), set)), JwtError::bad_signature);
}

TEST_F(JwkVerify, CopiesShareTheKeys) {
  JwkSet copy = set;
  EXPECT_EQ(copy.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(
      verify_jwt(sign_jws({{"alg", "RS256"}, {"kid", "r1"}}, kClaims, rsa_key()), copy)));
}

}  // namespace
}  // namespace gatehouse::crypto
