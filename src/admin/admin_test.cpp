#include "admin/admin.hpp"

#include "crypto/password_hash.hpp"
#include "oauth/context.hpp"

#include <gtest/gtest.h>

namespace gatehouse::admin {
namespace {

TEST(Admin, UsersAddPasswdRemove) {
  auto stores = store::open_memory_stores();
  add_user(stores, "alice", "correct horse");
  EXPECT_THROW(add_user(stores, "alice", "another one"), AdminError);
  EXPECT_THROW(add_user(stores, "bob", "short"), AdminError);
  EXPECT_THROW(add_user(stores, "with space", "long enough"), AdminError);
  auto alice = stores.users->find_by_name("alice");
  ASSERT_TRUE(alice);
  EXPECT_TRUE(crypto::verify_password("correct horse", alice->password_hash));
  set_password(stores, "alice", "battery staple");
  EXPECT_TRUE(crypto::verify_password("battery staple", stores.users->find_by_name("alice")->password_hash));
  EXPECT_THROW(set_password(stores, "nobody", "long enough"), AdminError);
  ASSERT_EQ(list_users(stores).size(), 1u);
  remove_user(stores, "alice");
  EXPECT_TRUE(list_users(stores).empty());
}

TEST(Admin, ConfidentialClientSecretIsStoredHashed) {
  auto stores = store::open_memory_stores();
  auto created = add_client(stores, "Claude", claude_redirect_uris(), true);
  ASSERT_FALSE(created.client_secret.empty());
  auto client = stores.clients->find(created.client_id);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->kind, store::ClientKind::preregistered);
  EXPECT_NE(client->secret_hash, created.client_secret);
  EXPECT_EQ(client->secret_hash, oauth::token_hash(created.client_secret));
  EXPECT_EQ(client->redirect_uris, claude_redirect_uris());
  auto pub = add_client(stores, "CLI", {"http://localhost/callback"}, false);
  EXPECT_TRUE(pub.client_secret.empty());
  EXPECT_THROW(add_client(stores, "x", {"http://evil.example/cb"}, false), AdminError);
  EXPECT_THROW(add_client(stores, "x", {}, false), AdminError);
  remove_client(stores, pub.client_id);
  EXPECT_FALSE(stores.clients->find(pub.client_id));
  EXPECT_THROW(remove_client(stores, pub.client_id), AdminError);
}

TEST(Admin, RevokingGrantsReachesTheRevocationList) {
  auto stores = store::open_memory_stores();
  add_user(stores, "alice", "correct horse");
  auto user = *stores.users->find_by_name("alice");
  store::Grant grant{"gr_1", user.id, "client", "mcp", "https://h/mcp", 1, 4'000'000'000, 0};
  store::RefreshToken token{"hash", "gr_1", 1, 4'000'000'000, 0, ""};
  ASSERT_TRUE(stores.grants->create(grant, token));
  EXPECT_EQ(list_grants(stores, std::string("alice"), std::nullopt).size(), 1u);
  EXPECT_EQ(revoke_grants(stores, std::string("alice"), std::nullopt), 1u);
  EXPECT_TRUE(stores.revocations->is_revoked("gr_1"));
  EXPECT_NE(stores.grants->find_grant("gr_1")->revoked_at, 0);
  EXPECT_THROW(revoke_grant(stores, "gr_missing"), AdminError);
  EXPECT_THROW(revoke_grants(stores, std::nullopt, std::nullopt), AdminError);
}

TEST(Admin, KeysRotateKeepsOldKeysForVerification) {
  auto stores = store::open_memory_stores();
  auto first = rotate_key(stores);
  auto second = rotate_key(stores);
  EXPECT_NE(first, second);
  auto keys = list_keys(stores);
  ASSERT_EQ(keys.size(), 2u);
  int active = 0;
  for (const auto& k : keys) active += k.retired_at == 0;
  EXPECT_EQ(active, 1);
}

}  // namespace
}  // namespace gatehouse::admin
