#include "oauth/resource/api_key_guard.hpp"

#include "admin/admin.hpp"
#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

namespace http = boost::beast::http;

net::Request with_bearer(std::string_view key) {
  net::Request r{http::verb::post, "/mcp", 11};
  if (!key.empty()) r.set(http::field::authorization, "Bearer " + std::string(key));
  return r;
}

TEST(ApiKeyGuard, AcceptsIssuedKeysOnly) {
  auto stores = store::open_memory_stores();
  auto created = admin::add_api_key(stores, "ci job");
  ApiKeyGuard guard(*stores.clients, {"mcp"});

  auto ok = guard.authenticate(with_bearer(created.client_secret));
  ASSERT_TRUE(std::holds_alternative<Principal>(ok));
  EXPECT_EQ(std::get<Principal>(ok).client_id, created.client_id);
  EXPECT_TRUE(std::get<Principal>(ok).has_scope("mcp"));

  auto wrong = guard.authenticate(with_bearer("gtk_not-a-key"));
  ASSERT_TRUE(std::holds_alternative<net::Reply>(wrong));
  EXPECT_EQ(std::get<net::Reply>(wrong).response.result(), http::status::unauthorized);

  auto none = guard.authenticate(with_bearer(""));
  ASSERT_TRUE(std::holds_alternative<net::Reply>(none));
  EXPECT_NE(std::string(std::get<net::Reply>(none).response[http::field::www_authenticate]).find("Bearer"),
            std::string::npos);
}

// A flood of wrong keys does not push issued keys out of memory: the
// issued key below is removed from the store after its first use, so it
// can only still be accepted from memory (within its minute).
TEST(ApiKeyGuard, AFloodOfWrongKeysKeepsIssuedKeysInMemory) {
  auto stores = store::open_memory_stores();
  auto created = admin::add_api_key(stores, "ci job");
  testing::ManualClock clock;
  ApiKeyGuard guard(*stores.clients, {"mcp"}, clock);
  ASSERT_TRUE(std::holds_alternative<Principal>(guard.authenticate(with_bearer(created.client_secret))));
  admin::remove_client(stores, created.client_id);

  for (int i = 0; i < 10'050; ++i) {
    std::string key("gtk_wrong-");
    key += std::to_string(i);
    ASSERT_TRUE(std::holds_alternative<net::Reply>(guard.authenticate(with_bearer(key))));
  }
  EXPECT_TRUE(std::holds_alternative<Principal>(guard.authenticate(with_bearer(created.client_secret))))
      << "still served from memory";

  // The minute passes: the removed key is looked up again, and refused.
  clock.advance(std::chrono::seconds(61));
  EXPECT_TRUE(std::holds_alternative<net::Reply>(guard.authenticate(with_bearer(created.client_secret))));
}

TEST(ApiKeyGuard, OAuthClientSecretsAreNotApiKeys) {
  auto stores = store::open_memory_stores();
  auto client = admin::add_client(stores, "app", {"https://app.example/cb"}, true);
  ApiKeyGuard guard(*stores.clients, {"mcp"});
  EXPECT_TRUE(std::holds_alternative<net::Reply>(guard.authenticate(with_bearer(client.client_secret))));
}

}  // namespace
}  // namespace gatehouse::oauth

namespace gatehouse::oauth {
namespace {

// RS3 / RFC 6750 §3.1: a key without a scope a tool needs is refused with
// 403 insufficient_scope naming it, as an access token would be.
TEST(ApiKeyGuard, RS3_InsufficientScopeNamesTheScopeNeeded) {
  auto stores = store::open_memory_stores();
  ApiKeyGuard guard(*stores.clients, {"mcp"});
  auto reply = guard.insufficient_scope(Principal{"apikey:k", "k", {"mcp"}, {}}, {"admin"});
  EXPECT_EQ(reply.response.result(), http::status::forbidden);
  auto challenge = std::string(reply.response[http::field::www_authenticate]);
  EXPECT_NE(challenge.find("error=\"insufficient_scope\""), std::string::npos) << challenge;
  EXPECT_NE(challenge.find("scope=\"admin\""), std::string::npos) << challenge;
  EXPECT_NE(std::string(reply.response.body()).find("\"insufficient_scope\""), std::string::npos);
}

TEST(ApiKeyGuard, RefusalsAreNamedForMetrics) {
  auto stores = store::open_memory_stores();
  ApiKeyGuard guard(*stores.clients, {"mcp"});
  auto none = std::get<net::Reply>(guard.authenticate(with_bearer("")));
  auto wrong = std::get<net::Reply>(guard.authenticate(with_bearer("gtk_not-a-key")));
  EXPECT_EQ(guard.refusal_reason(none.response), "missing");
  EXPECT_EQ(guard.refusal_reason(wrong.response), "invalid");
}

// A key is looked up once and served from memory for a minute: a removed
// key keeps working until the minute has passed on the guard's clock.
TEST(ApiKeyGuard, ARemovedKeyStopsWorkingAfterAMinute) {
  auto stores = store::open_memory_stores();
  auto created = admin::add_api_key(stores, "ci job");
  testing::ManualClock clock;
  ApiKeyGuard guard(*stores.clients, {"mcp"}, clock);
  ASSERT_TRUE(std::holds_alternative<Principal>(guard.authenticate(with_bearer(created.client_secret))));

  ASSERT_TRUE(stores.clients->remove(created.client_id));
  clock.advance(std::chrono::seconds(59));
  EXPECT_TRUE(std::holds_alternative<Principal>(guard.authenticate(with_bearer(created.client_secret))));
  clock.advance(std::chrono::seconds(1));
  EXPECT_TRUE(std::holds_alternative<net::Reply>(guard.authenticate(with_bearer(created.client_secret))));
}

}  // namespace
}  // namespace gatehouse::oauth
