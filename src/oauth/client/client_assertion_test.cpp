// private_key_jwt client assertions (RFC 7523 §3): every claim rule, each
// alg, and the signature refusals, each an invalid_client with a
// description that names the problem.
#include "oauth/client/client_assertion.hpp"

#include "crypto/encoding.hpp"
#include "support/test_jws_signer.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace gatehouse::oauth {
namespace {

using crypto::EcKey;
using crypto::JwkSet;
using crypto::testing::RsaTestKey;
using crypto::testing::sign_jws;

constexpr std::int64_t T0 = 1'700'000'000;
constexpr std::string_view kClientId = "https://app.example.com/client.json";
constexpr std::string_view kTokenEndpoint = "https://auth.example.com/token";
constexpr std::string_view kIssuer = "https://auth.example.com";

const EcKey& ec_key() {
  static const EcKey key = EcKey::generate();
  return key;
}
const RsaTestKey& rsa_key() {
  static const RsaTestKey key(2048);
  return key;
}

class ClientAssertionTest : public ::testing::Test {
 protected:
  JwkSet keys = parse_keys();
  ClientAssertionRules rules{.client_id = std::string(kClientId),
                             .audiences = {std::string(kTokenEndpoint), std::string(kIssuer)},
                             .now = T0};

  static JwkSet parse_keys() {
    boost::json::array set{ec_key().public_jwk("ec-1"), rsa_key().public_jwk("rsa-1")};
    return std::get<JwkSet>(JwkSet::parse(boost::json::object{{"keys", std::move(set)}}));
  }

  // What a well-behaved client sends: RFC 7523 §3's claims, valid at T0.
  static boost::json::object claims() {
    return {{"iss", kClientId}, {"sub", kClientId}, {"aud", kTokenEndpoint},
            {"exp", T0 + 300},  {"iat", T0},        {"jti", "3f1c0d2e-assertion-1"}};
  }
  static std::string es256(const boost::json::object& c) {
    return sign_jws({{"alg", "ES256"}, {"kid", "ec-1"}}, c, ec_key());
  }

  std::variant<ClientAssertion, Error> verify(std::string_view token) {
    return verify_client_assertion(token, keys, rules);
  }
  ClientAssertion accepted(std::string_view token) {
    auto result = verify(token);
    if (auto* error = std::get_if<Error>(&result)) {
      ADD_FAILURE() << "refused: " << error->description();
      return {};
    }
    return std::get<ClientAssertion>(result);
  }
  // Expects invalid_client (401) whose description contains `text`.
  void expect_refused(std::string_view token, std::string_view text, const std::string& why = "") {
    auto result = verify(token);
    ASSERT_TRUE(std::holds_alternative<Error>(result)) << why << ": accepted";
    const auto& error = std::get<Error>(result);
    EXPECT_EQ(error.code(), "invalid_client") << why;
    EXPECT_EQ(error.status(), 401) << why;
    EXPECT_NE(error.description().find(text), std::string::npos) << why << ": " << error.description();
  }
  void expect_claims_refused(const boost::json::object& c, std::string_view text, const std::string& why = "") {
    expect_refused(es256(c), text, why);
  }
};

// ---- accepted ----

TEST_F(ClientAssertionTest, RFC7523_AcceptsEachAlgAndReturnsTheJtiAndHowLongToRememberIt) {
  for (const auto& [alg, token] : {
           std::pair{"ES256", es256(claims())},
           std::pair{"RS256", sign_jws({{"alg", "RS256"}, {"kid", "rsa-1"}}, claims(), rsa_key())},
           std::pair{"PS256", sign_jws({{"alg", "PS256"}}, claims(), rsa_key())},
       }) {
    auto assertion = accepted(token);
    EXPECT_EQ(assertion.jti, "3f1c0d2e-assertion-1") << alg;
    EXPECT_EQ(assertion.expires_at, T0 + 300 + 60) << alg << ": exp plus leeway";
  }
}

TEST_F(ClientAssertionTest, RFC7523_AudMayBeTheIssuerOrAnArrayNamingTheTokenEndpoint) {
  auto c = claims();
  c["aud"] = kIssuer;
  accepted(es256(c));
  c["aud"] = boost::json::array{"https://someone-else.example", kTokenEndpoint};
  accepted(es256(c));
}

TEST_F(ClientAssertionTest, OptionalClaimsMayBeAbsent) {
  auto c = claims();
  c.erase("iat");
  accepted(es256(c));
  c["nbf"] = T0 - 10;
  accepted(es256(c));
}

TEST_F(ClientAssertionTest, LeewayCoversClockSkew) {
  auto c = claims();
  c["exp"] = T0 - 59;  // expired 59 s ago by our clock
  c["iat"] = T0 - 200;
  EXPECT_EQ(accepted(es256(c)).expires_at, T0 + 1);
  c = claims();
  c["nbf"] = T0 + 60;
  c["iat"] = T0 + 60;
  accepted(es256(c));
}

// ---- iss, sub ----

TEST_F(ClientAssertionTest, RFC7523_RefusesIssOrSubOtherThanTheClientId) {
  auto c = claims();
  c["iss"] = "https://attacker.example/client.json";
  expect_claims_refused(c, "iss is not the client_id", "wrong iss");
  c = claims();
  c["sub"] = "someone-else";
  expect_claims_refused(c, "sub is not the client_id", "iss != sub");
  c = claims();
  c["iss"] = "someone-else";
  c["sub"] = "someone-else";
  expect_claims_refused(c, "iss is not the client_id", "both wrong");
  c = claims();
  c.erase("iss");
  expect_claims_refused(c, "has no iss");
  c = claims();
  c.erase("sub");
  expect_claims_refused(c, "has no sub");
  c = claims();
  c["sub"] = boost::json::array{kClientId};
  expect_claims_refused(c, "has no sub", "sub not a string");
}

// ---- aud ----

TEST_F(ClientAssertionTest, RFC7523_RefusesAudThatDoesNotNameThisServer) {
  auto c = claims();
  c.erase("aud");
  expect_claims_refused(c, "has no aud");
  c["aud"] = "https://other-server.example/token";
  expect_claims_refused(c, "aud does not name this server");
  c["aud"] = boost::json::array{"https://other-server.example/token"};
  expect_claims_refused(c, "aud does not name this server", "array without us");
  c["aud"] = boost::json::array{};
  expect_claims_refused(c, "aud does not name this server", "empty array");
  c["aud"] = boost::json::array{kTokenEndpoint, 7};
  expect_claims_refused(c, "aud does not name this server", "array with a non-string");
  c["aud"] = "https://auth.example.com/token/";
  expect_claims_refused(c, "aud does not name this server", "exact comparison");
  rules.audiences.clear();
  expect_claims_refused(claims(), "aud does not name this server", "no audiences configured");
}

// ---- exp, nbf, iat ----

TEST_F(ClientAssertionTest, RFC7523_RefusesExpiredAssertion) {
  auto c = claims();
  c["exp"] = T0 - 60;  // beyond the 60 s leeway
  c["iat"] = T0 - 300;
  expect_claims_refused(c, "the client assertion has expired");
  rules.leeway = 0;
  c["exp"] = T0;
  expect_claims_refused(c, "the client assertion has expired", "exp == now without leeway");
}

TEST_F(ClientAssertionTest, RFC7523_RefusesAssertionWithoutExp) {
  auto c = claims();
  c.erase("exp");
  expect_claims_refused(c, "has no exp");
  c["exp"] = "1700000300";
  expect_claims_refused(c, "exp is not a NumericDate");
  c["exp"] = nullptr;
  expect_claims_refused(c, "exp is not a NumericDate");
}

TEST_F(ClientAssertionTest, RFC7523_RefusesExpTooFarInTheFuture) {
  auto c = claims();
  c.erase("iat");
  c["exp"] = T0 + 600 + 60;  // the bound plus leeway: still accepted
  accepted(es256(c));
  c["exp"] = T0 + 600 + 61;
  expect_claims_refused(c, "exp is more than 600 seconds in the future");
  c["exp"] = std::numeric_limits<std::int64_t>::max();
  expect_claims_refused(c, "exp is more than 600 seconds in the future", "int64 max");
  c["exp"] = 1e300;
  expect_claims_refused(c, "exp is not a NumericDate", "beyond int64");
}

TEST_F(ClientAssertionTest, RFC7523_RefusesLifetimeLongerThanTheBound) {
  auto c = claims();
  c["iat"] = T0 - 400;
  c["exp"] = T0 + 201;  // exp - iat = 601
  expect_claims_refused(c, "lifetime (exp - iat) is more than 600 seconds");
  c["iat"] = std::numeric_limits<std::int64_t>::min();
  expect_claims_refused(c, "lifetime (exp - iat)", "int64 min");
  c["iat"] = T0 - 399;
  accepted(es256(c));
}

TEST_F(ClientAssertionTest, RFC7523_RefusesNbfInTheFuture) {
  auto c = claims();
  c["nbf"] = T0 + 61;
  expect_claims_refused(c, "not valid yet (nbf)");
  c["nbf"] = "soon";
  expect_claims_refused(c, "nbf is not a NumericDate");
}

TEST_F(ClientAssertionTest, RFC7523_RefusesIatInTheFuture) {
  auto c = claims();
  c["iat"] = T0 + 61;
  expect_claims_refused(c, "issued in the future (iat)");
  c["iat"] = true;
  expect_claims_refused(c, "iat is not a NumericDate");
}

// ---- jti ----

TEST_F(ClientAssertionTest, RFC7523_RefusesAssertionWithoutJti) {
  auto c = claims();
  c.erase("jti");
  expect_claims_refused(c, "the client assertion has no jti");
  c["jti"] = "";
  expect_claims_refused(c, "jti is not a non-empty string", "empty");
  c["jti"] = 12345;
  expect_claims_refused(c, "jti is not a non-empty string", "a number");
}

TEST_F(ClientAssertionTest, RefusesOversizedJti) {
  auto c = claims();
  c["jti"] = std::string(kMaxClientAssertionJtiLength + 1, 'j');
  expect_claims_refused(c, "jti is longer than 256 characters");
  c["jti"] = std::string(kMaxClientAssertionJtiLength, 'j');
  EXPECT_EQ(accepted(es256(c)).jti.size(), kMaxClientAssertionJtiLength);
}

// ---- signature ----

TEST_F(ClientAssertionTest, RFC7523_RefusesASignatureByAnotherKey) {
  const EcKey stranger = EcKey::generate();
  expect_refused(sign_jws({{"alg", "ES256"}, {"kid", "ec-1"}}, claims(), stranger),
                 "signature does not verify with the client's keys");
  expect_refused(sign_jws({{"alg", "ES256"}, {"kid", "unknown"}}, claims(), ec_key()),
                 "kid and alg match none of the client's keys");
}

TEST_F(ClientAssertionTest, RFC8725_RefusesAlgNoneAndHmac) {
  const std::string payload = crypto::base64url_encode(boost::json::serialize(claims()));
  expect_refused(crypto::base64url_encode(R"({"alg":"none"})") + "." + payload + ".", "alg is not RS256, PS256 or ES256",
                 "none");
  expect_refused(crypto::base64url_encode(R"({"alg":"HS256"})") + "." + payload + ".AAAA",
                 "alg is not RS256, PS256 or ES256", "HS256");
}

TEST_F(ClientAssertionTest, RFC8725_RefusesAKeyCarriedInTheHeader) {
  const EcKey stranger = EcKey::generate();
  expect_refused(sign_jws({{"alg", "ES256"}, {"jwk", stranger.public_jwk("mine")}}, claims(), stranger),
                 "signature does not verify");
}

TEST_F(ClientAssertionTest, RFC7515_RefusesCrit) {
  expect_refused(sign_jws({{"alg", "ES256"}, {"crit", boost::json::array{"b64"}}, {"b64", false}}, claims(), ec_key()),
                 "crit");
}

TEST_F(ClientAssertionTest, RefusesMalformedAssertions) {
  expect_refused("", "not a well-formed signed JWT");
  expect_refused("a.b", "not a well-formed signed JWT");
  expect_refused(es256(claims()) + ".x", "not a well-formed signed JWT", "JWE-like");
}

TEST(ClientAssertionConstants, RFC7523_AssertionType) {
  EXPECT_EQ(kJwtBearerClientAssertionType, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
}

}  // namespace
}  // namespace gatehouse::oauth
