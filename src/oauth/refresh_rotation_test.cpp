// Refresh-token rotation (INTEROP TK4, OAuth 2.1 §4.3.1, RFC 9700 §4.14.2):
// every refresh rotates; a rotated token presented again within the grace
// window is a client retry (fresh pair, no revocation); after it, a replay
// that revokes the grant. Time is the ServerContext clock of the harness.
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gatehouse::oauth_test {
namespace {

struct RefreshRotation : ::testing::Test {
  OAuthHarness h;
  Client client = h.register_public();

  Tokens refresh_ok(const std::string& refresh_token) {
    auto reply = h.refresh(client, refresh_token);
    EXPECT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
    EXPECT_EQ(header(reply, http::field::cache_control), "no-store");
    return OAuthHarness::tokens_of(reply);
  }
  std::string refresh_error(const std::string& refresh_token) {
    auto reply = h.refresh(client, refresh_token);
    EXPECT_EQ(reply.response.result(), http::status::bad_request) << reply.response.body();
    EXPECT_FALSE(body_json(reply).contains("access_token"));
    return error_of(reply);
  }
  bool rotated_in_store(const std::string& refresh_token) {
    auto found = h.stores.grants->find_refresh(oauth::token_hash(refresh_token));
    return found && found->second.rotated_at != 0;
  }
  bool grant_revoked(const std::string& access_token) {
    auto p = h.bearer(access_token);
    return !std::holds_alternative<Principal>(p);
  }
};

TEST_F(RefreshRotation, TK4_EveryRefreshIssuesANewRefreshTokenAndTheOldOneDies) {
  auto first = h.issue(client);
  std::set<std::string> seen{first.refresh_token};
  std::set<std::string> access{first.access_token};
  std::vector<std::string> chain{first.refresh_token};
  std::string grant_id = std::get<Principal>(h.bearer(first.access_token)).grant_id;
  for (int i = 0; i < 5; ++i) {
    h.clock.advance(std::chrono::seconds(60));  // each refresh well outside the grace of the previous one
    auto next = refresh_ok(chain.back());
    EXPECT_TRUE(seen.insert(next.refresh_token).second) << "refresh token reused at round " << i;
    EXPECT_TRUE(access.insert(next.access_token).second);
    EXPECT_EQ(next.body.at("token_type"), "Bearer");
    EXPECT_EQ(next.body.at("scope"), "mcp");
    // The old one is dead: rotated in the store.
    EXPECT_TRUE(rotated_in_store(chain.back()));
    EXPECT_FALSE(rotated_in_store(next.refresh_token));
    // Same grant all along.
    auto p = h.bearer(next.access_token);
    ASSERT_TRUE(std::holds_alternative<Principal>(p));
    EXPECT_EQ(std::get<Principal>(p).grant_id, grant_id);
    EXPECT_EQ(std::get<Principal>(p).subject, "usr_alice");
    chain.push_back(next.refresh_token);
  }
  // Presenting an old one (outside the grace window) fails...
  EXPECT_EQ(refresh_error(chain[2]), "invalid_grant");
}

TEST_F(RefreshRotation, TK4_RetryWithinGraceGivesAFreshPairAndDoesNotRevoke) {
  auto first = h.issue(client);
  h.clock.advance(std::chrono::seconds(100));
  auto lost = refresh_ok(first.refresh_token);  // the answer the client lost
  h.clock.advance(std::chrono::seconds(5));                                   // within the 30 s grace
  auto retry = refresh_ok(first.refresh_token);
  EXPECT_NE(retry.refresh_token, lost.refresh_token);
  EXPECT_NE(retry.refresh_token, first.refresh_token);
  EXPECT_NE(retry.access_token, lost.access_token);
  // Not revoked: the fresh pair works, and keeps rotating.
  EXPECT_TRUE(h.accepted(retry.access_token));
  EXPECT_TRUE(h.accepted(first.access_token));
  auto grants = h.stores.grants->list_grants(std::nullopt, std::nullopt);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants.front().revoked_at, 0);
  h.clock.advance(std::chrono::seconds(60));
  auto after = refresh_ok(retry.refresh_token);
  EXPECT_TRUE(h.accepted(after.access_token));
}

TEST_F(RefreshRotation, TK4_RetryAtTheEdgeOfTheGraceWindow) {
  auto first = h.issue(client);
  auto lost = refresh_ok(first.refresh_token);
  h.clock.advance(std::chrono::seconds(30));  // exactly the grace: still a retry
  auto retry = refresh_ok(first.refresh_token);
  EXPECT_TRUE(h.accepted(retry.access_token));
  h.clock.advance(std::chrono::seconds(31));  // now 31 s after the retry rotated `lost`, 61 s after `first`
  EXPECT_EQ(refresh_error(first.refresh_token), "invalid_grant");
  EXPECT_FALSE(h.accepted(retry.access_token));
}

TEST_F(RefreshRotation, TK4_RefreshTokenOfTheLostAnswerIsSuperseded) {
  auto first = h.issue(client);
  h.clock.advance(std::chrono::seconds(100));
  auto lost = refresh_ok(first.refresh_token);
  h.clock.advance(std::chrono::seconds(5));
  auto retry = refresh_ok(first.refresh_token);
  // The grace retry rotated the family's head: `lost` is no longer current.
  EXPECT_TRUE(rotated_in_store(lost.refresh_token));
  EXPECT_FALSE(rotated_in_store(retry.refresh_token));
  // Its access token lives out its (short) lifetime: access tokens are not
  // revoked one by one, only with their grant.
  EXPECT_TRUE(h.accepted(lost.access_token));
  // Its refresh token, shown after the grace window, is a replay: the grant ends.
  h.clock.advance(std::chrono::seconds(31));
  EXPECT_EQ(refresh_error(lost.refresh_token), "invalid_grant");
  EXPECT_FALSE(h.accepted(retry.access_token));
}

TEST_F(RefreshRotation, TK4_ReuseAfterTheGraceWindowRevokesTheGrant) {
  auto first = h.issue(client);
  auto second = refresh_ok(first.refresh_token);
  auto third = refresh_ok(second.refresh_token);
  ASSERT_TRUE(h.accepted(third.access_token));
  h.clock.advance(std::chrono::seconds(31));
  // A rotated token comes back: someone holds a copy.
  EXPECT_EQ(refresh_error(first.refresh_token), "invalid_grant");
  // Every access token of the grant is invalid_token, every refresh token dead.
  for (const auto* t : {&first.access_token, &second.access_token, &third.access_token}) {
    auto c = h.challenge(*t);
    EXPECT_NE(c.find("error=\"invalid_token\""), std::string::npos) << c;
  }
  EXPECT_EQ(refresh_error(third.refresh_token), "invalid_grant");
  auto grants = h.stores.grants->list_grants(std::nullopt, std::nullopt);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_NE(grants.front().revoked_at, 0);
  EXPECT_TRUE(h.stores.revocations->is_revoked(grants.front().id));
  // The user can connect again: a new flow gives a new grant.
  auto fresh = h.issue(client);
  EXPECT_TRUE(h.accepted(fresh.access_token));
}

TEST_F(RefreshRotation, H3_ReuseAfterSuccessorUsedRevokesFamily) {
  auto first = h.issue(client);
  h.clock.advance(std::chrono::seconds(100));
  auto second = refresh_ok(first.refresh_token);
  h.clock.advance(std::chrono::seconds(2));
  auto third = refresh_ok(second.refresh_token);  // the successor was used: the answer arrived
  ASSERT_TRUE(h.accepted(third.access_token));
  h.clock.advance(std::chrono::seconds(3));  // still within the 30 s grace of first's rotation
  EXPECT_EQ(refresh_error(first.refresh_token), "invalid_grant");
  // The whole family ends: every access token and the current refresh token.
  for (const auto* t : {&first.access_token, &second.access_token, &third.access_token})
    EXPECT_FALSE(h.accepted(*t));
  EXPECT_EQ(refresh_error(third.refresh_token), "invalid_grant");
  auto grants = h.stores.grants->list_grants(std::nullopt, std::nullopt);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_NE(grants.front().revoked_at, 0);
}

TEST_F(RefreshRotation, H3_ReuseAfterARetriedFamilyWasUsedRevokesIt) {
  // Lost answer, retry (grace), then the retry's token is used: the first
  // token coming back now is reuse too.
  auto first = h.issue(client);
  h.clock.advance(std::chrono::seconds(100));
  auto lost = refresh_ok(first.refresh_token);
  h.clock.advance(std::chrono::seconds(2));
  auto retry = refresh_ok(first.refresh_token);
  h.clock.advance(std::chrono::seconds(2));
  auto used = refresh_ok(retry.refresh_token);
  h.clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(refresh_error(first.refresh_token), "invalid_grant");
  EXPECT_FALSE(h.accepted(used.access_token));
  (void)lost;
}

TEST_F(RefreshRotation, H3_RepeatedLostAnswersStayRetries) {
  // Two tabs (or two lost answers) present the same token: while no later
  // token was used, each gets a fresh pair and the grant lives.
  auto first = h.issue(client);
  h.clock.advance(std::chrono::seconds(100));
  auto a = refresh_ok(first.refresh_token);
  auto b = refresh_ok(first.refresh_token);
  auto c = refresh_ok(first.refresh_token);
  EXPECT_TRUE(h.accepted(c.access_token));
  h.clock.advance(std::chrono::seconds(60));
  auto next = refresh_ok(c.refresh_token);
  EXPECT_TRUE(h.accepted(next.access_token));
  (void)a;
  (void)b;
}

TEST_F(RefreshRotation, TK4_RevocationIsSeenByAnotherInstanceAfterHousekeeping) {
  // Another AuthorizationServer on the same stores (a second instance).
  auto first = h.issue(client);
  oauth::Settings settings;
  settings.issuer = std::string(kIssuer);
  settings.resource = std::string(kResource);
  oauth::AuthorizationServerOptions options;
  options.authorize.ui_key = std::string(kUiKey);
  oauth::AuthorizationServer other(settings, h.stores, options);
  other.start();
  net::Request r{http::verb::post, "/mcp", 11};
  r.set(http::field::authorization, "Bearer " + first.access_token);
  ASSERT_TRUE(std::holds_alternative<Principal>(other.guard().authenticate(r)));  // same key store

  h.clock.advance(std::chrono::seconds(31));
  auto second = refresh_ok(first.refresh_token);
  h.clock.advance(std::chrono::seconds(31));
  EXPECT_EQ(refresh_error(first.refresh_token), "invalid_grant");  // replay: revoked here
  other.housekeeping();
  EXPECT_FALSE(std::holds_alternative<Principal>(other.guard().authenticate(r)));
  r.set(http::field::authorization, "Bearer " + second.access_token);
  EXPECT_FALSE(std::holds_alternative<Principal>(other.guard().authenticate(r)));
}

TEST_F(RefreshRotation, TK4_RefreshMayNarrowTheScopeButKeepsTheGrant) {
  auto first = h.issue(client);
  auto narrowed = h.refresh(client, first.refresh_token, {{"scope", "mcp"}});
  ASSERT_EQ(narrowed.response.result(), http::status::ok);
  EXPECT_EQ(body_json(narrowed).at("scope"), "mcp");
  auto wider = h.refresh(client, OAuthHarness::tokens_of(narrowed).refresh_token, {{"scope", "mcp admin"}});
  EXPECT_EQ(error_of(wider), "invalid_scope");
  // A refused widening does not consume the token.
  EXPECT_EQ(h.refresh(client, OAuthHarness::tokens_of(narrowed).refresh_token).response.result(), http::status::ok);
}

TEST_F(RefreshRotation, TK4_RefreshWithMatchingResourceIsAccepted) {
  auto first = h.issue(client);
  auto reply = h.refresh(client, first.refresh_token, {{"resource", "https://mcp.example.com/mcp/"}});
  EXPECT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
}

TEST_F(RefreshRotation, TK4_ExpiredRefreshTokenIsRefused) {
  auto first = h.issue(client);
  h.clock.advance(std::chrono::seconds(31 * 24 * 3600));  // past the 30-day idle lifetime
  EXPECT_EQ(refresh_error(first.refresh_token), "invalid_grant");
}

TEST_F(RefreshRotation, TK4_SlidingExpiryStopsAtTheAbsoluteLifetime) {
  auto tokens = h.issue(client);
  // Refresh every 20 days: the idle lifetime (30 days) never runs out, the
  // absolute one (90 days) does.
  int refreshed = 0;
  for (int i = 0; i < 6; ++i) {
    h.clock.advance(std::chrono::seconds(20 * 24 * 3600));
    auto reply = h.refresh(client, tokens.refresh_token);
    if (reply.response.result() != http::status::ok) {
      EXPECT_EQ(error_of(reply), "invalid_grant");
      break;
    }
    tokens = OAuthHarness::tokens_of(reply);
    ++refreshed;
  }
  EXPECT_EQ(refreshed, 4);  // days 20, 40, 60, 80; day 100 is past 90
}

}  // namespace
}  // namespace gatehouse::oauth_test
