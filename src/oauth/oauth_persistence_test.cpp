// Restarts: the authorization server over SQLite keeps working across a
// process restart — the signing key, clients, grants, refresh-token families
// and revocations all come back from the database file.
#include "support/test_temp_dir.hpp"
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

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
  again->clock.advance(std::chrono::seconds(31));  // later than the grace of the rotation before the restart
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

// Overwrites every stored private key of the signing keys whose kid is
// `kid` (all when empty) with text that does not parse, as a damaged or
// hand-edited database would hold.
void damage_signing_keys(const std::filesystem::path& file, const std::string& kid = {}) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  std::string sql = "UPDATE signing_keys SET private_key_pem = '-----BEGIN PRIVATE KEY-----\ndamaged\n'";
  if (!kid.empty()) sql += " WHERE kid = '" + kid + "'";
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

// L8: an active signing key that cannot be read is not skipped (leaving a
// server that cannot issue a token): start refuses, naming the key and the
// way out.
TEST_F(OAuthRestart, L8_UnreadableActiveSigningKeyRefusesToStart) {
  std::string kid;
  {
    auto h = open();
    kid = h->active_key_record().kid;
  }
  damage_signing_keys(file, kid);
  try {
    open();
    FAIL() << "started without a usable signing key";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("active signing key " + kid), std::string::npos) << message;
    EXPECT_NE(message.find("gatehouse keys rotate"), std::string::npos) << message;
  }
  // The way out works: a rotation gives a new active key, and the server starts.
  {
    auto stores = store::open_sqlite_stores(file);
    oauth::rotate_signing_key(*stores.signing_keys, OAuthHarness::real_now());
  }
  auto again = open();
  EXPECT_NE(again->active_key_record().kid, kid);
  EXPECT_TRUE(again->accepted(again->issue(again->register_public()).access_token));
}

// L8: damage found by the periodic reload (another process wrote the store)
// keeps the keys already loaded: tokens are still issued and verified.
TEST_F(OAuthRestart, L8_UnreadableKeyAtReloadKeepsLoadedKeys) {
  auto h = open();
  auto client = h->register_public();
  auto before = h->issue(client);
  damage_signing_keys(file);
  EXPECT_NO_THROW(h->server->housekeeping());
  EXPECT_TRUE(h->accepted(before.access_token));
  EXPECT_TRUE(h->accepted(h->issue(client).access_token));
}

}  // namespace
}  // namespace gatehouse::oauth_test
