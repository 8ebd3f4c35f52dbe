// OpenID Connect Core §3.1.3.7: an upstream ID token is used only when its
// signature, issuer, audience, authorized party, times and nonce all check.
#include "upstream/id_token.hpp"

#include "crypto/encoding.hpp"
#include "support/test_jws_signer.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <limits>

namespace gatehouse::upstream {
namespace {

namespace json = boost::json;
using crypto::testing::RsaTestKey;
using crypto::testing::sign_jws;

constexpr std::int64_t kNow = 1'900'000'000;
const std::string kIssuer = "https://idp.example.com";

class IdTokenTest : public ::testing::Test {
 protected:
  static RsaTestKey& key() {
    static RsaTestKey k;
    return k;
  }
  crypto::JwkSet keys() const {
    json::object set{{"keys", json::array{key().public_jwk("k1")}}};
    return std::get<crypto::JwkSet>(crypto::JwkSet::parse(set));
  }
  json::object claims() const {
    return {{"iss", kIssuer}, {"sub", "alice"},   {"aud", "gatehouse"},
            {"exp", kNow + 300}, {"iat", kNow - 5}, {"nonce", "n-0S6_WzA2Mj"}};
  }
  std::string token(const json::object& c, std::string alg = "RS256", std::string kid = "k1") const {
    json::object header{{"alg", alg}, {"typ", "JWT"}};
    if (!kid.empty()) header["kid"] = kid;
    return sign_jws(header, c, key());
  }
  IdTokenExpectations expected() const { return {kIssuer, "gatehouse", "n-0S6_WzA2Mj", kNow}; }
  std::string refusal(const std::string& t) const {
    auto r = validate_id_token(t, keys(), expected());
    if (auto* f = std::get_if<IdTokenFailure>(&r)) return f->reason;
    return {};
  }
};

TEST_F(IdTokenTest, AValidTokenGivesItsClaims) {
  auto r = validate_id_token(token(claims()), keys(), expected());
  ASSERT_TRUE(std::holds_alternative<json::object>(r)) << std::get<IdTokenFailure>(r).reason;
  EXPECT_EQ(std::get<json::object>(r).at("sub"), "alice");
}

TEST_F(IdTokenTest, BadSignatureIsRefused) {
  auto t = token(claims());
  t[t.size() - 5] = t[t.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_NE(refusal(t).find("signature"), std::string::npos);
  RsaTestKey other;
  auto forged = sign_jws(json::object{{"alg", "RS256"}, {"kid", "k1"}}, claims(), other);
  EXPECT_NE(refusal(forged).find("signature"), std::string::npos);
}

TEST_F(IdTokenTest, AlgNoneAndHmacAreRefused) {
  auto body = crypto::base64url_encode(json::serialize(claims()));
  auto none = crypto::base64url_encode(R"({"alg":"none","kid":"k1"})") + "." + body + ".";
  EXPECT_NE(refusal(none).find("signature"), std::string::npos);
  auto hs = crypto::base64url_encode(R"({"alg":"HS256","kid":"k1"})") + "." + body + ".c2ln";
  EXPECT_NE(refusal(hs).find("signature"), std::string::npos);
}

TEST_F(IdTokenTest, UnknownKidIsMarkedForAKeySetRefetch) {
  auto r = validate_id_token(token(claims(), "RS256", "rotated"), keys(), expected());
  ASSERT_TRUE(std::holds_alternative<IdTokenFailure>(r));
  EXPECT_TRUE(std::get<IdTokenFailure>(r).unknown_key);
}

TEST_F(IdTokenTest, WrongIssuerIsRefused) {
  auto c = claims();
  c["iss"] = "https://evil.example.com";
  EXPECT_NE(refusal(token(c)).find("issued by"), std::string::npos);
  c["iss"] = kIssuer + "/";
  EXPECT_NE(refusal(token(c)).find("issued by"), std::string::npos) << "exact match, no normalisation";
}

TEST_F(IdTokenTest, WrongAudienceIsRefused) {
  auto c = claims();
  c["aud"] = "another-client";
  EXPECT_NE(refusal(token(c)).find("another client"), std::string::npos);
  c["aud"] = json::array{"another-client", "third"};
  EXPECT_NE(refusal(token(c)).find("another client"), std::string::npos);
}

TEST_F(IdTokenTest, SeveralAudiencesNeedAzpNamingUs) {
  auto c = claims();
  c["aud"] = json::array{"gatehouse", "other"};
  EXPECT_NE(refusal(token(c)).find("azp"), std::string::npos);
  c["azp"] = "other";
  EXPECT_NE(refusal(token(c)).find("azp"), std::string::npos);
  c["azp"] = "gatehouse";
  EXPECT_EQ(refusal(token(c)), "");
}

TEST_F(IdTokenTest, ExpiredOrFutureOrStaleTokensAreRefused) {
  auto c = claims();
  c["exp"] = kNow - 121;
  EXPECT_NE(refusal(token(c)).find("expired"), std::string::npos);
  c = claims();
  c["exp"] = kNow - 60;  // within the clock skew
  EXPECT_EQ(refusal(token(c)), "");
  c = claims();
  c["iat"] = kNow + 600;
  EXPECT_NE(refusal(token(c)).find("future"), std::string::npos);
  c = claims();
  c["iat"] = kNow - 3600;
  EXPECT_NE(refusal(token(c)).find("too long ago"), std::string::npos);
  c = claims();
  c.erase("exp");
  EXPECT_NE(refusal(token(c)).find("exp"), std::string::npos);
  c = claims();
  c.erase("iat");
  EXPECT_NE(refusal(token(c)).find("iat"), std::string::npos);
}

TEST_F(IdTokenTest, ExtremeTimesAreJudgedWithoutOverflow) {
  auto c = claims();
  c["exp"] = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(refusal(token(c)), "");
  c = claims();
  c["iat"] = std::numeric_limits<std::int64_t>::max();
  EXPECT_NE(refusal(token(c)).find("future"), std::string::npos);
  c = claims();
  c["iat"] = std::numeric_limits<std::int64_t>::min();
  EXPECT_NE(refusal(token(c)).find("too long ago"), std::string::npos);
  c = claims();
  c["exp"] = std::numeric_limits<std::int64_t>::min();
  EXPECT_NE(refusal(token(c)).find("expired"), std::string::npos);
}

TEST_F(IdTokenTest, WrongOrMissingNonceIsRefused) {
  auto c = claims();
  c["nonce"] = "another sign-in";
  EXPECT_NE(refusal(token(c)).find("nonce"), std::string::npos);
  c.erase("nonce");
  EXPECT_NE(refusal(token(c)).find("nonce"), std::string::npos);
}

TEST_F(IdTokenTest, MissingSubjectIsRefused) {
  auto c = claims();
  c.erase("sub");
  EXPECT_NE(refusal(token(c)).find("sub"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::upstream
