#include "admin/admin.hpp"

#include "crypto/password_hash.hpp"
#include "oauth/context.hpp"

#include <gtest/gtest.h>

#include <map>

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

// M1: names and passwords the sign-in page would refuse are refused here
// too (checked before any hashing).
TEST(Admin, M1_UsersAddRefusesOversizedNamesAndPasswords) {
  auto stores = store::open_memory_stores();
  EXPECT_THROW(add_user(stores, std::string(65, 'n'), "long enough"), AdminError);
  EXPECT_THROW(add_user(stores, std::string(3 << 20, 'n'), "long enough"), AdminError);
  EXPECT_THROW(add_user(stores, "new\nline", "long enough"), AdminError);
  EXPECT_THROW(add_user(stores, "", "long enough"), AdminError);
  EXPECT_THROW(add_user(stores, "alice", std::string(1025, 'p')), AdminError);
  try {
    add_user(stores, std::string(65, 'n'), "long enough");
  } catch (const AdminError& e) {
    EXPECT_NE(std::string(e.what()).find("64 bytes"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(list_users(stores).empty());
  store::User alice{"usr_a", "alice", crypto::hash_password("correct horse", {10, 8, 1}), 1, false};
  ASSERT_TRUE(stores.users->add(alice));
  EXPECT_THROW(set_password(stores, "alice", std::string(1025, 'p')), AdminError);
  EXPECT_EQ(stores.users->find("usr_a")->password_hash, alice.password_hash);
}

TEST(Admin, Operator_GrantsListNamesTheUserAndTheClient) {
  auto stores = store::open_memory_stores();
  ASSERT_TRUE(stores.users->add({"usr_a", "alice", "$scrypt$unused", 1, false}));
  auto client = add_client(stores, "Claude", claude_redirect_uris(), true);
  const std::string cimd = "https://app.example.com/oauth/client.json";
  ASSERT_TRUE(stores.grants->create({"gr_1", "usr_a", client.client_id, "mcp", "https://h/mcp", 1, 4'000'000'000, 0},
                                    {"h1", "gr_1", 1, 4'000'000'000, 0, ""}));
  ASSERT_TRUE(stores.grants->create({"gr_2", "usr_gone", cimd, "mcp", "https://h/mcp", 2, 4'000'000'000, 0},
                                    {"h2", "gr_2", 2, 4'000'000'000, 0, ""}));
  auto listed = list_grants(stores, std::nullopt, std::nullopt);
  ASSERT_EQ(listed.size(), 2u);
  std::map<std::string, GrantListing> by_id;
  for (auto& l : listed) by_id.emplace(l.grant.id, l);
  EXPECT_EQ(by_id.at("gr_1").user_name, "alice");
  EXPECT_EQ(by_id.at("gr_1").client_name, "Claude");
  EXPECT_EQ(by_id.at("gr_2").user_name, "(removed user)");
  EXPECT_EQ(by_id.at("gr_2").client_name, cimd) << "a metadata-document client is named by its URL";
  EXPECT_EQ(list_grants(stores, std::string("alice"), std::nullopt).size(), 1u);
}

TEST(Admin, Operator_GrantsListShowsTheVaultStateNeverATokenValue) {
  auto stores = store::open_memory_stores();
  ASSERT_TRUE(stores.users->add({"usr_a", "github:alice", "", 1, false}));
  auto client = add_client(stores, "Claude", claude_redirect_uris(), true);
  ASSERT_TRUE(stores.grants->create({"gr_1", "usr_a", client.client_id, "mcp", "https://h/mcp", 1, 4'000'000'000, 0},
                                    {"h1", "gr_1", 1, 4'000'000'000, 0, ""}));
  ASSERT_TRUE(stores.grants->create({"gr_2", "usr_a", client.client_id, "mcp", "https://h/mcp", 2, 4'000'000'000, 0},
                                    {"h2", "gr_2", 2, 4'000'000'000, 0, ""}));
  ASSERT_TRUE(stores.upstream_tokens->add({.grant_id = "gr_1", .user_id = "usr_a", .provider = "github",
                                           .sealed = "v1.k.sealed", .access_expires_at = 3'000'000'000,
                                           .has_refresh_token = true, .state = store::VaultState::active}));
  auto listed = list_grants(stores, std::nullopt, std::nullopt);
  ASSERT_EQ(listed.size(), 2u);
  ASSERT_TRUE(listed[0].vault);
  EXPECT_EQ(listed[0].vault->provider, "github");
  EXPECT_EQ(listed[0].vault->state, store::VaultState::active);
  EXPECT_TRUE(listed[0].vault->has_refresh_token);
  EXPECT_FALSE(listed[1].vault) << "a grant without upstream tokens";
}

// Secret scanners read ghp_/ghs_/ghr_ as GitHub tokens: Gatehouse's own
// prefixes, none of them a known scanner's.
TEST(Admin, Operator_ClientIdsSecretsAndKeysUseGatehousePrefixes) {
  auto stores = store::open_memory_stores();
  auto confidential = add_client(stores, "Claude", claude_redirect_uris(), true);
  EXPECT_TRUE(confidential.client_id.starts_with("gtc_")) << confidential.client_id;
  EXPECT_TRUE(confidential.client_secret.starts_with("gts_")) << confidential.client_secret;
  auto key = add_api_key(stores, "script");
  EXPECT_TRUE(key.client_id.starts_with("gtc_")) << key.client_id;
  EXPECT_TRUE(key.client_secret.starts_with("gtk_")) << key.client_secret;
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
