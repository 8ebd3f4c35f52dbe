// Access tokens read the time and draw their jti through what they are
// given: a token expires when the clock passes its exp, also once it is in
// the verification cache.
#include "oauth/token/access_token.hpp"

#include "crypto/encoding.hpp"
#include "support/manual_clock.hpp"
#include "support/sequence_random.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

using namespace std::chrono_literals;

struct AccessTokenClock : ::testing::Test {
  AccessTokenClock() {
    settings.issuer = "https://mcp.example.com";
    settings.resource = "https://mcp.example.com/mcp";
    auto set = std::make_shared<SigningKeySet>();
    set->keys.push_back({"k1", crypto::EcKey::generate(), true});
    keys.replace(std::move(set));
  }

  std::string issue() {
    auto issued = tokens.issue({"usr_alice", "gtc_app", {"mcp"}, "gr_1", {}});
    return issued ? issued->token : std::string();
  }
  static boost::json::object claims_of(const std::string& token) {
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    return boost::json::parse(*crypto::base64url_decode(token.substr(first + 1, second - first - 1))).as_object();
  }
  static std::string refusal(const std::variant<Principal, Error>& v) {
    auto* e = std::get_if<Error>(&v);
    return e ? e->description() : std::string("accepted");
  }

  Settings settings;
  SigningKeys keys;
  RevokedGrants revoked;
  testing::ManualClock clock{std::chrono::sys_seconds(1'800'000'000s)};
  testing::SequenceRandom random;
  AccessTokens tokens{settings, keys, revoked, clock, random};
};

TEST_F(AccessTokenClock, StampsIatAndExpFromTheClock) {
  auto claims = claims_of(issue());
  EXPECT_EQ(claims.at("iat").as_int64(), 1'800'000'000);
  EXPECT_EQ(claims.at("exp").as_int64(), 1'800'000'000 + settings.access_token_lifetime.count());
}

TEST_F(AccessTokenClock, ExpiresWhenTheClockPassesExpEvenWhenCached) {
  auto token = issue();
  ASSERT_EQ(refusal(tokens.verify(token)), "accepted");
  EXPECT_EQ(tokens.cache_size(), 1u);
  clock.advance(settings.access_token_lifetime - 1s);
  EXPECT_EQ(refusal(tokens.verify(token)), "accepted");
  clock.advance(1s);  // now == exp: RFC 7519 §4.1.4 "on or after" is expired
  EXPECT_EQ(refusal(tokens.verify(token)), "the access token has expired");
}

TEST_F(AccessTokenClock, DrawsTheJtiFromTheInjectedRandom) {
  testing::SequenceRandom same;  // draws what `random` draws
  EXPECT_EQ(claims_of(issue()).at("jti").as_string(), same.token(16));
  EXPECT_EQ(claims_of(issue()).at("jti").as_string(), same.token(16));
}

}  // namespace
}  // namespace gatehouse::oauth
