// Restarts: the authorization server over SQLite keeps working across a
// process restart — the signing key, clients, grants, refresh-token families
// and revocations all come back from the database file.
#include "store/test_temp_dir.hpp"
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth_test {
namespace {

struct OAuthRestart : ::testing::Test {
  store::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "gatehouse.db";

  std::unique_ptr<OAuthHarness> open() { return std::make_unique<OAuthHarness>(store::open_sqlite_stores(file)); }
};

TEST_F(OAuthRestart, AccessAndRefreshTokensSurviveARestart) {
  auto h = open();
  auto client = h->register_public();
  auto tokens = h->issue(client);
  ASSERT_TRUE(h->accepted(tokens.access_token));
  auto kid = h->active_key_record().kid;
  auto keys_before = h->stores.signing_keys->list().size();
  h.reset();  // the AuthorizationServer and the stores are gone; the file stays

  auto again = open();
  // Same signing key loaded from the store, no new one created.
  EXPECT_EQ(again->active_key_record().kid, kid);
  EXPECT_EQ(again->stores.signing_keys->list().size(), keys_before);
  // The old access token verifies with a cold cache.
  auto principal = again->bearer(tokens.access_token);
  ASSERT_TRUE(std::holds_alternative<Principal>(principal));
  EXPECT_EQ(std::get<Principal>(principal).subject, "usr_alice");
  EXPECT_EQ(std::get<Principal>(principal).client_id, client.client_id);
  // The old refresh token still refreshes, and the new pair works.
  auto refreshed = again->refresh(client, tokens.refresh_token);
  ASSERT_EQ(refreshed.response.result(), http::status::ok) << refreshed.response.body();
  auto next = OAuthHarness::tokens_of(refreshed);
  EXPECT_TRUE(again->accepted(next.access_token));
  // The client is still registered: a new flow works, and DCR still dedupes.
  EXPECT_TRUE(again->accepted(again->issue(client).access_token));
  EXPECT_EQ(again->register_public().client_id, client.client_id);
}

TEST_F(OAuthRestart, RevocationsSurviveARestart) {
  auto h = open();
  auto client = h->register_public();
  auto tokens = h->issue(client);
  ASSERT_EQ(h->revoke(client, tokens.refresh_token).response.result(), http::status::ok);
  ASSERT_FALSE(h->accepted(tokens.access_token));
  h.reset();

  auto again = open();
  auto c = again->challenge(tokens.access_token);
  EXPECT_NE(c.find("error=\"invalid_token\""), std::string::npos) << "revoked token accepted after restart: " << c;
  EXPECT_EQ(error_of(again->refresh(client, tokens.refresh_token)), "invalid_grant");
}

TEST_F(OAuthRestart, RotatedRefreshTokenReplayIsStillDetected) {
  auto h = open();
  auto client = h->register_public();
  auto first = h->issue(client);
  auto second = OAuthHarness::tokens_of(h->refresh(client, first.refresh_token));
  h.reset();

  auto again = open();
  again->now += 31;  // later than the grace of the rotation before the restart
  EXPECT_EQ(error_of(again->refresh(client, first.refresh_token)), "invalid_grant");
  EXPECT_FALSE(again->accepted(second.access_token));
  EXPECT_EQ(error_of(again->refresh(client, second.refresh_token)), "invalid_grant");
}

TEST_F(OAuthRestart, ConfidentialClientSecretSurvivesARestart) {
  auto h = open();
  auto client = h->register_confidential();
  auto tokens = h->issue(client);
  h.reset();
  auto again = open();
  auto reply = again->refresh(client, tokens.refresh_token);
  EXPECT_EQ(reply.response.result(), http::status::ok) << reply.response.body();
  client.client_secret = "gts_wrong";
  EXPECT_EQ(again->refresh(client, OAuthHarness::tokens_of(reply).refresh_token).response.result(),
            http::status::unauthorized);
}

}  // namespace
}  // namespace gatehouse::oauth_test
