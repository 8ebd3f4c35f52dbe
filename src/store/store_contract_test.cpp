// The store contract: every implementation of the store interfaces passes
// these same tests (memory and SQLite here; PostgreSQL joins by adding a
// Backend). Durable backends also pass the reopen tests at the end.
#include "store/stores.hpp"
#include "support/test_temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <latch>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace gatehouse::store {
namespace {

constexpr std::int64_t T0 = 1'700'000'000;  // a fixed "now"; stores never read a clock

struct Backend {
  const char* name;
  Stores (*open)(const std::filesystem::path& dir);
};

const Backend kMemory{"Memory", [](const std::filesystem::path&) { return open_memory_stores(); }};
const Backend kSqlite{"Sqlite", [](const std::filesystem::path& dir) { return open_sqlite_stores(dir / "store.db"); }};

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }
void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { s_ = GetParam().open(dir_.path()); }
  void reopen() {
    s_ = Stores{};  // close first: one connection at a time, as after a restart
    s_ = GetParam().open(dir_.path());
  }

  testing::TempDir dir_;
  Stores s_;
};

// ---- record builders: every field set, so round trips check them all ----

User user(std::string id, std::string name) {
  return User{.id = std::move(id), .name = std::move(name), .password_hash = "$scrypt$N=16384$salt$hash",
              .created_at = T0, .disabled = false};
}

Client client(std::string id, std::int64_t created_at = T0, ClientKind kind = ClientKind::dynamic) {
  return Client{
      .client_id = std::move(id),
      .secret_hash = "",
      .client_name = "Claude",
      .redirect_uris = {"https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1/callback"},
      .grant_types = {"authorization_code", "refresh_token"},
      .response_types = {"code"},
      .token_endpoint_auth_method = "none",
      .scope = "mcp:tools",
      .application_type = "web",
      .kind = kind,
      .metadata_json = R"({"client_name":"Claude"})",
      .fingerprint = "",
      .created_at = created_at,
      .last_used_at = 0,
  };
}

AuthorizationCode code(std::string hash, std::int64_t expires_at = T0 + 60) {
  return AuthorizationCode{
      .code_hash = std::move(hash),
      .client_id = "client-1",
      .redirect_uri = "https://claude.ai/api/mcp/auth_callback",
      .code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      .code_challenge_method = "S256",
      .resource = "https://mcp.example.com/mcp",
      .scope = "mcp:tools",
      .user_id = "user-1",
      .created_at = T0,
      .expires_at = expires_at,
      .extra_json = R"({"connection":"sealed-ref"})",
  };
}

Grant grant(std::string id, std::string user_id = "user-1", std::string client_id = "client-1",
            std::int64_t created_at = T0, std::int64_t absolute_expires_at = T0 + 90 * 86400) {
  return Grant{.id = std::move(id), .user_id = std::move(user_id), .client_id = std::move(client_id),
               .scope = "mcp:tools", .resource = "https://mcp.example.com/mcp", .created_at = created_at,
               .absolute_expires_at = absolute_expires_at, .revoked_at = 0};
}

RefreshToken token(std::string hash, std::int64_t expires_at = T0 + 30 * 86400, std::int64_t created_at = T0) {
  return RefreshToken{.token_hash = std::move(hash), .grant_id = "", .created_at = created_at,
                      .expires_at = expires_at, .rotated_at = 0, .replaced_by_hash = ""};
}

SigningKey key(std::string kid, std::int64_t created_at) {
  return SigningKey{.kid = std::move(kid), .algorithm = "ES256",
                    .private_key_pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n",
                    .created_at = created_at, .retired_at = 0};
}

std::vector<std::string> client_ids(const std::vector<Client>& clients) {
  std::vector<std::string> out;
  for (const auto& c : clients) out.push_back(c.client_id);
  return out;
}
std::vector<std::string> grant_ids(const std::vector<Grant>& grants) {
  std::vector<std::string> out;
  for (const auto& g : grants) out.push_back(g.id);
  return out;
}

using Ids = std::vector<std::string>;

// Runs `body` on `threads` threads that start together, and waits for them.
template <class Body>
void run_together(int threads, Body body) {
  std::latch start(threads);
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t)
    running.emplace_back([&] {
      start.arrive_and_wait();
      body();
    });
  for (auto& t : running) t.join();
}

// ---- users ----

TEST_P(StoreContract, UserRoundTripsByIdAndByName) {
  User alice = user("u1", "alice");
  alice.disabled = true;
  ASSERT_TRUE(s_.users->add(alice));
  EXPECT_EQ(s_.users->find("u1"), alice);
  EXPECT_EQ(s_.users->find_by_name("alice"), alice);
  EXPECT_EQ(s_.users->find("u2"), std::nullopt);
  EXPECT_EQ(s_.users->find_by_name("Alice"), std::nullopt) << "names compare byte for byte";
}

TEST_P(StoreContract, UserAddRefusesATakenIdOrName) {
  ASSERT_TRUE(s_.users->add(user("u1", "alice")));
  EXPECT_FALSE(s_.users->add(user("u1", "bob"))) << "same id";
  EXPECT_FALSE(s_.users->add(user("u2", "alice"))) << "same name";
  EXPECT_EQ(s_.users->find("u1")->name, "alice");
  EXPECT_EQ(s_.users->find("u2"), std::nullopt);
  EXPECT_EQ(s_.users->find_by_name("bob"), std::nullopt);
}

TEST_P(StoreContract, UserListIsOrderedByName) {
  ASSERT_TRUE(s_.users->add(user("u1", "carol")));
  ASSERT_TRUE(s_.users->add(user("u2", "alice")));
  ASSERT_TRUE(s_.users->add(user("u3", "bob")));
  std::vector<std::string> names;
  for (const auto& u : s_.users->list()) names.push_back(u.name);
  EXPECT_EQ(names, (Ids{"alice", "bob", "carol"}));
}

TEST_P(StoreContract, UserPasswordAndDisabledChangeInPlace) {
  ASSERT_TRUE(s_.users->add(user("u1", "alice")));
  EXPECT_TRUE(s_.users->set_password_hash("u1", "$scrypt$new"));
  EXPECT_TRUE(s_.users->set_disabled("u1", true));
  auto found = s_.users->find_by_name("alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->password_hash, "$scrypt$new");
  EXPECT_TRUE(found->disabled);
  EXPECT_TRUE(s_.users->set_disabled("u1", false));
  EXPECT_FALSE(s_.users->find("u1")->disabled);
  EXPECT_FALSE(s_.users->set_password_hash("nobody", "x"));
  EXPECT_FALSE(s_.users->set_disabled("nobody", true));
}

TEST_P(StoreContract, UserRemoveFreesTheName) {
  ASSERT_TRUE(s_.users->add(user("u1", "alice")));
  EXPECT_TRUE(s_.users->remove("u1"));
  EXPECT_FALSE(s_.users->remove("u1"));
  EXPECT_EQ(s_.users->find("u1"), std::nullopt);
  EXPECT_EQ(s_.users->find_by_name("alice"), std::nullopt);
  EXPECT_TRUE(s_.users->add(user("u2", "alice")));
  EXPECT_EQ(s_.users->list().size(), 1u);
}

TEST_P(StoreContract, StringsRoundTripByteForByte) {
  // Values are bound as parameters, never spliced into SQL text.
  for (std::string name :
       {"'; DROP TABLE users; --", "ünïcödé ✓", "quote\"back\\slash", "", "?1 ?2 :name @x $y"}) {
    User u = user("id:" + name, name);
    u.password_hash = name + "'\"";
    ASSERT_TRUE(s_.users->add(u)) << name;
    EXPECT_EQ(s_.users->find_by_name(name), u) << name;
    EXPECT_EQ(s_.users->find("id:" + name), u) << name;
  }
  EXPECT_EQ(s_.users->list().size(), 5u);
}

// ---- clients ----

TEST_P(StoreContract, ClientRoundTripsEveryField) {
  Client c = client("c1");
  c.secret_hash = std::string(64, 'a');
  c.kind = ClientKind::preregistered;
  c.redirect_uris = {"https://a.example/cb?x=\"1\"&y=\\2", "http://localhost:1234/ü", "tab\there\nnewline", ""};
  c.grant_types = {};
  c.fingerprint = "fp-1";
  c.last_used_at = T0 + 5;
  ASSERT_TRUE(s_.clients->add(c));
  EXPECT_EQ(s_.clients->find("c1"), c);
  EXPECT_EQ(s_.clients->find_by_fingerprint("fp-1"), c);
  EXPECT_EQ(s_.clients->find("c2"), std::nullopt);
  for (auto kind : {ClientKind::dynamic, ClientKind::api_key}) {
    Client k = client(std::string(to_string(kind)));
    k.kind = kind;
    ASSERT_TRUE(s_.clients->add(k));
    EXPECT_EQ(s_.clients->find(to_string(kind))->kind, kind);
  }
}

TEST_P(StoreContract, ClientAddRefusesATakenId) {
  ASSERT_TRUE(s_.clients->add(client("c1")));
  Client other = client("c1");
  other.client_name = "other";
  EXPECT_FALSE(s_.clients->add(other));
  EXPECT_EQ(s_.clients->find("c1")->client_name, "Claude");
}

TEST_P(StoreContract, ClientFingerprintIsUniqueWhenSet) {
  Client a = client("a"), b = client("b"), c = client("c"), d = client("d");
  a.fingerprint = b.fingerprint = "same";
  ASSERT_TRUE(s_.clients->add(a));
  EXPECT_FALSE(s_.clients->add(b)) << "a concurrent duplicate registration loses and finds the winner";
  EXPECT_EQ(s_.clients->find("b"), std::nullopt);
  EXPECT_EQ(s_.clients->find_by_fingerprint("same")->client_id, "a");
  // Empty fingerprints (no dedupe) may repeat and never match.
  EXPECT_TRUE(s_.clients->add(c));
  EXPECT_TRUE(s_.clients->add(d));
  EXPECT_EQ(s_.clients->find_by_fingerprint(""), std::nullopt);
  EXPECT_EQ(s_.clients->find_by_fingerprint("other"), std::nullopt);
}

TEST_P(StoreContract, ClientListIsOrderedByCreationThenId) {
  ASSERT_TRUE(s_.clients->add(client("b", T0 + 10)));
  ASSERT_TRUE(s_.clients->add(client("c", T0)));
  ASSERT_TRUE(s_.clients->add(client("a", T0 + 10)));
  EXPECT_EQ(client_ids(s_.clients->list()), (Ids{"c", "a", "b"}));
}

TEST_P(StoreContract, ClientRemoveAlsoFreesItsFingerprint) {
  Client c = client("c1");
  c.fingerprint = "fp";
  ASSERT_TRUE(s_.clients->add(c));
  EXPECT_TRUE(s_.clients->remove("c1"));
  EXPECT_FALSE(s_.clients->remove("c1"));
  EXPECT_EQ(s_.clients->find("c1"), std::nullopt);
  EXPECT_EQ(s_.clients->find_by_fingerprint("fp"), std::nullopt);
  c.client_id = "c2";
  EXPECT_TRUE(s_.clients->add(c));
}

TEST_P(StoreContract, ClientTouchRecordsACompletedFlow) {
  ASSERT_TRUE(s_.clients->add(client("c1")));
  EXPECT_TRUE(s_.clients->touch("c1", T0 + 100));
  EXPECT_EQ(s_.clients->find("c1")->last_used_at, T0 + 100);
  EXPECT_FALSE(s_.clients->touch("nobody", T0));
}

TEST_P(StoreContract, RemoveUnusedTakesOnlyNeverUsedClientsOfTheKindCreatedBefore) {
  const std::int64_t cutoff = T0 + 1000;
  Client stale = client("stale", T0);
  stale.fingerprint = "fp-stale";
  ASSERT_TRUE(s_.clients->add(stale));
  ASSERT_TRUE(s_.clients->add(client("stale2", cutoff - 1)));
  ASSERT_TRUE(s_.clients->add(client("at-cutoff", cutoff)));
  ASSERT_TRUE(s_.clients->add(client("fresh", cutoff + 1)));
  ASSERT_TRUE(s_.clients->add(client("used", T0)));
  ASSERT_TRUE(s_.clients->touch("used", T0 + 1));
  ASSERT_TRUE(s_.clients->add(client("operator", T0, ClientKind::preregistered)));
  ASSERT_TRUE(s_.clients->add(client("apikey", T0, ClientKind::api_key)));

  EXPECT_EQ(s_.clients->remove_unused(ClientKind::dynamic, cutoff), 2u);
  EXPECT_EQ(client_ids(s_.clients->list()), (Ids{"apikey", "operator", "used", "at-cutoff", "fresh"}));
  EXPECT_EQ(s_.clients->remove_unused(ClientKind::dynamic, cutoff), 0u);
  // The removed client's fingerprint is free: the same registration may come back.
  EXPECT_EQ(s_.clients->find_by_fingerprint("fp-stale"), std::nullopt);
  stale.client_id = "stale-again";
  EXPECT_TRUE(s_.clients->add(stale));
}

// ---- authorization codes ----

TEST_P(StoreContract, CodeConsumeReturnsTheRecordOnce) {
  ASSERT_TRUE(s_.codes->add(code("h1")));
  auto first = s_.codes->consume("h1", T0 + 5);
  EXPECT_EQ(first.status, ConsumeStatus::consumed);
  EXPECT_EQ(first.code, code("h1"));
  EXPECT_EQ(first.used_at, T0 + 5);
  EXPECT_EQ(first.grant_id, "");

  auto second = s_.codes->consume("h1", T0 + 6);
  EXPECT_EQ(second.status, ConsumeStatus::already_used);
  EXPECT_EQ(second.code, code("h1"));
  EXPECT_EQ(second.used_at, T0 + 5) << "the first use, not the replay";
  EXPECT_EQ(second.grant_id, "") << "no grant recorded yet";
}

TEST_P(StoreContract, CodeAddRefusesATakenHash) {
  ASSERT_TRUE(s_.codes->add(code("h1")));
  AuthorizationCode other = code("h1");
  other.user_id = "someone-else";
  EXPECT_FALSE(s_.codes->add(other));
  EXPECT_EQ(s_.codes->consume("h1", T0).code->user_id, "user-1");
}

TEST_P(StoreContract, CodeReplayNamesTheGrantItProduced) {
  ASSERT_TRUE(s_.codes->add(code("h1")));
  ASSERT_EQ(s_.codes->consume("h1", T0).status, ConsumeStatus::consumed);
  EXPECT_TRUE(s_.codes->set_grant("h1", "grant-7"));
  auto replay = s_.codes->consume("h1", T0 + 1);
  EXPECT_EQ(replay.status, ConsumeStatus::already_used);
  EXPECT_EQ(replay.grant_id, "grant-7");
}

TEST_P(StoreContract, CodeSetGrantNeedsAConsumedCode) {
  EXPECT_FALSE(s_.codes->set_grant("unknown", "g"));
  ASSERT_TRUE(s_.codes->add(code("h1")));
  EXPECT_FALSE(s_.codes->set_grant("h1", "g")) << "not consumed yet";
  EXPECT_EQ(s_.codes->consume("h1", T0).status, ConsumeStatus::consumed) << "set_grant did not consume it";
}

TEST_P(StoreContract, CodeConsumeOfAnUnknownHashIsNotFound) {
  auto r = s_.codes->consume("nope", T0);
  EXPECT_EQ(r.status, ConsumeStatus::not_found);
  EXPECT_EQ(r.code, std::nullopt);
}

TEST_P(StoreContract, CodeExpiresAtItsExpiryAndStaysUnused) {
  ASSERT_TRUE(s_.codes->add(code("h1", T0 + 60)));
  auto late = s_.codes->consume("h1", T0 + 60);
  EXPECT_EQ(late.status, ConsumeStatus::expired);
  EXPECT_EQ(late.code, code("h1", T0 + 60));
  EXPECT_EQ(s_.codes->consume("h1", T0 + 61).status, ConsumeStatus::expired);
  // Not marked used: the expired attempt changed nothing.
  EXPECT_EQ(s_.codes->consume("h1", T0 + 59).status, ConsumeStatus::consumed);
}

TEST_P(StoreContract, CodeReplayAfterExpiryIsStillAReplay) {
  ASSERT_TRUE(s_.codes->add(code("h1", T0 + 60)));
  ASSERT_EQ(s_.codes->consume("h1", T0).status, ConsumeStatus::consumed);
  EXPECT_EQ(s_.codes->consume("h1", T0 + 600).status, ConsumeStatus::already_used);
}

TEST_P(StoreContract, CodeRemoveExpiredTakesUsedAndUnusedCodes) {
  ASSERT_TRUE(s_.codes->add(code("old-unused", T0 + 10)));
  ASSERT_TRUE(s_.codes->add(code("old-used", T0 + 10)));
  ASSERT_TRUE(s_.codes->add(code("at-now", T0 + 20)));
  ASSERT_TRUE(s_.codes->add(code("live", T0 + 21)));
  ASSERT_EQ(s_.codes->consume("old-used", T0).status, ConsumeStatus::consumed);
  EXPECT_EQ(s_.codes->remove_expired(T0 + 20), 3u);
  EXPECT_EQ(s_.codes->consume("old-unused", T0).status, ConsumeStatus::not_found);
  EXPECT_EQ(s_.codes->consume("old-used", T0).status, ConsumeStatus::not_found);
  EXPECT_EQ(s_.codes->consume("at-now", T0).status, ConsumeStatus::not_found);
  EXPECT_EQ(s_.codes->consume("live", T0).status, ConsumeStatus::consumed);
  EXPECT_EQ(s_.codes->remove_expired(T0 + 20), 0u);
}

TEST_P(StoreContract, ConcurrentConsumeHasExactlyOneWinner) {
  constexpr int kCodes = 10, kThreads = 4;
  for (int i = 0; i < kCodes; ++i) ASSERT_TRUE(s_.codes->add(code("h" + std::to_string(i))));
  std::atomic<int> consumed{0}, replays{0};
  run_together(kThreads, [&] {
    for (int i = 0; i < kCodes; ++i) {
      auto r = s_.codes->consume("h" + std::to_string(i), T0 + 1);
      if (r.status == ConsumeStatus::consumed) ++consumed;
      if (r.status == ConsumeStatus::already_used) ++replays;
    }
  });
  EXPECT_EQ(consumed.load(), kCodes);
  EXPECT_EQ(replays.load(), kCodes * (kThreads - 1));
}

// ---- grants and refresh tokens ----

TEST_P(StoreContract, GrantCreateStoresTheGrantAndACurrentFirstToken) {
  RefreshToken first = token("r1");
  first.grant_id = "ignored";
  first.rotated_at = 123;
  first.replaced_by_hash = "ignored";
  ASSERT_TRUE(s_.grants->create(grant("g1"), first));
  EXPECT_EQ(s_.grants->find_grant("g1"), grant("g1"));
  auto found = s_.grants->find_refresh("r1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first, grant("g1"));
  RefreshToken expected = token("r1");
  expected.grant_id = "g1";
  EXPECT_EQ(found->second, expected);
  EXPECT_EQ(s_.grants->find_refresh("r2"), std::nullopt);
  EXPECT_EQ(s_.grants->find_grant("g2"), std::nullopt);
}

TEST_P(StoreContract, GrantCreateIsAllOrNothing) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  EXPECT_FALSE(s_.grants->create(grant("g1"), token("r2"))) << "grant id taken";
  EXPECT_EQ(s_.grants->find_refresh("r2"), std::nullopt) << "its token was not stored";
  EXPECT_FALSE(s_.grants->create(grant("g2"), token("r1"))) << "token hash taken";
  EXPECT_EQ(s_.grants->find_grant("g2"), std::nullopt) << "the grant was not stored";
  EXPECT_EQ(s_.grants->find_refresh("r1")->first.id, "g1");
}

TEST_P(StoreContract, RotateReplacesTheCurrentToken) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  RefreshToken next = token("r2", T0 + 40 * 86400, T0 + 10);
  next.grant_id = "ignored";
  auto r = s_.grants->rotate("r1", next, T0 + 10);
  EXPECT_EQ(r.status, RotateStatus::rotated);
  EXPECT_EQ(r.grant_id, "g1");

  auto old = s_.grants->find_refresh("r1");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->second.rotated_at, T0 + 10);
  EXPECT_EQ(old->second.replaced_by_hash, "r2");
  auto current = s_.grants->find_refresh("r2");
  ASSERT_TRUE(current);
  EXPECT_EQ(current->first.id, "g1");
  EXPECT_EQ(current->second.grant_id, "g1");
  EXPECT_EQ(current->second.created_at, T0 + 10);
  EXPECT_EQ(current->second.expires_at, T0 + 40 * 86400) << "sliding expiry comes from the new token";
  EXPECT_EQ(current->second.rotated_at, 0);

  EXPECT_EQ(s_.grants->rotate("r2", token("r3"), T0 + 20).status, RotateStatus::rotated) << "the family goes on";
}

TEST_P(StoreContract, RotatingAReplacedTokenReportsTheReplacement) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  ASSERT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 10).status, RotateStatus::rotated);
  auto replay = s_.grants->rotate("r1", token("r3"), T0 + 11);
  EXPECT_EQ(replay.status, RotateStatus::already_rotated);
  EXPECT_EQ(replay.grant_id, "g1");
  EXPECT_EQ(replay.rotated_at, T0 + 10);
  EXPECT_EQ(replay.replaced_by_hash, "r2");
  EXPECT_EQ(s_.grants->find_refresh("r3"), std::nullopt) << "the loser's token was not stored";
  EXPECT_EQ(s_.grants->find_refresh("r2")->second.rotated_at, 0) << "the winner stays current";
}

TEST_P(StoreContract, RotatingAnUnknownTokenIsNotFound) {
  auto r = s_.grants->rotate("nope", token("r2"), T0);
  EXPECT_EQ(r.status, RotateStatus::not_found);
  EXPECT_EQ(r.grant_id, "");
  EXPECT_EQ(s_.grants->find_refresh("r2"), std::nullopt);
}

TEST_P(StoreContract, RotatingOnARevokedGrantIsRefused) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  ASSERT_TRUE(s_.grants->revoke_grant("g1", T0 + 5));
  auto r = s_.grants->rotate("r1", token("r2"), T0 + 6);
  EXPECT_EQ(r.status, RotateStatus::revoked);
  EXPECT_EQ(r.grant_id, "g1");
  EXPECT_EQ(s_.grants->find_refresh("r2"), std::nullopt);
  EXPECT_EQ(s_.grants->find_refresh("r1")->second.rotated_at, 0);
}

TEST_P(StoreContract, RotatingAfterTokenOrGrantExpiryIsRefused) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1", T0 + 100)));
  auto r = s_.grants->rotate("r1", token("r2"), T0 + 100);
  EXPECT_EQ(r.status, RotateStatus::expired) << "token expiry";
  EXPECT_EQ(r.grant_id, "g1");

  ASSERT_TRUE(s_.grants->create(grant("g2", "u", "c", T0, T0 + 200), token("s1", T0 + 1000)));
  EXPECT_EQ(s_.grants->rotate("s1", token("s2"), T0 + 200).status, RotateStatus::expired) << "grant expiry";
  EXPECT_EQ(s_.grants->rotate("s1", token("s2"), T0 + 199).status, RotateStatus::rotated);
}

TEST_P(StoreContract, RotateStatusPrecedence) {
  // A replaced token stays a replay after the grant is revoked and expired.
  ASSERT_TRUE(s_.grants->create(grant("g1", "u", "c", T0, T0 + 200), token("r1", T0 + 100)));
  ASSERT_EQ(s_.grants->rotate("r1", token("r2", T0 + 150), T0 + 1).status, RotateStatus::rotated);
  ASSERT_TRUE(s_.grants->revoke_grant("g1", T0 + 2));
  EXPECT_EQ(s_.grants->rotate("r1", token("x"), T0 + 500).status, RotateStatus::already_rotated);
  // Revoked wins over expired for the current token.
  EXPECT_EQ(s_.grants->rotate("r2", token("x"), T0 + 500).status, RotateStatus::revoked);
}

TEST_P(StoreContract, RotatingToAnExistingHashThrowsAndChangesNothing) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  ASSERT_TRUE(s_.grants->create(grant("g2"), token("other")));
  EXPECT_THROW(s_.grants->rotate("r1", token("other"), T0 + 1), StoreError);
  auto r1 = s_.grants->find_refresh("r1");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->second.rotated_at, 0) << "rolled back";
  EXPECT_EQ(r1->second.replaced_by_hash, "");
  EXPECT_EQ(s_.grants->find_refresh("other")->first.id, "g2");
  EXPECT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 2).status, RotateStatus::rotated) << "still usable";
}

TEST_P(StoreContract, ConcurrentRotateHasExactlyOneWinner) {
  constexpr int kRounds = 15;
  for (int round = 0; round < kRounds; ++round) {
    const std::string old = "old" + std::to_string(round);
    ASSERT_TRUE(s_.grants->create(grant("g" + std::to_string(round)), token(old)));
    RotateResult results[2];
    std::latch start(2);
    auto racer = [&](int i) {
      start.arrive_and_wait();
      results[i] = s_.grants->rotate(old, token(old + "-new" + std::to_string(i)), T0 + 1);
    };
    std::thread a(racer, 0), b(racer, 1);
    a.join();
    b.join();
    const int winners = (results[0].status == RotateStatus::rotated) + (results[1].status == RotateStatus::rotated);
    ASSERT_EQ(winners, 1) << "round " << round;
    const int w = results[0].status == RotateStatus::rotated ? 0 : 1;
    EXPECT_EQ(results[1 - w].status, RotateStatus::already_rotated);
    EXPECT_EQ(results[1 - w].replaced_by_hash, old + "-new" + std::to_string(w));
    EXPECT_EQ(s_.grants->find_refresh(old + "-new" + std::to_string(1 - w)), std::nullopt);
  }
}

TEST_P(StoreContract, H3_RotateMarksThePresentedTokenUsed) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  EXPECT_EQ(s_.grants->find_refresh("r1")->second.used_at, 0);
  ASSERT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 10).status, RotateStatus::rotated);
  EXPECT_EQ(s_.grants->find_refresh("r1")->second.used_at, T0 + 10);
  EXPECT_EQ(s_.grants->find_refresh("r2")->second.used_at, 0) << "the new token is not used yet";
}

TEST_P(StoreContract, H3_RetryRotatesTheCurrentTokenWhileNoSuccessorWasUsed) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  ASSERT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 10).status, RotateStatus::rotated);  // answer lost
  auto retry = s_.grants->rotate_retry("r1", token("r3"), T0 + 12);
  EXPECT_EQ(retry.status, RotateStatus::rotated);
  EXPECT_EQ(retry.grant_id, "g1");
  auto r2 = s_.grants->find_refresh("r2");
  EXPECT_EQ(r2->second.rotated_at, T0 + 12);
  EXPECT_EQ(r2->second.replaced_by_hash, "r3");
  EXPECT_EQ(r2->second.used_at, 0) << "rotated on r1's behalf, not used by its holder";
  EXPECT_EQ(s_.grants->find_refresh("r1")->second.used_at, T0 + 12);
  EXPECT_EQ(s_.grants->find_refresh("r3")->second.rotated_at, 0);
  // A second retry of r1 walks r2 (unused) to r3, still the lost-answer case.
  EXPECT_EQ(s_.grants->rotate_retry("r1", token("r4"), T0 + 13).status, RotateStatus::rotated);
  EXPECT_EQ(s_.grants->find_refresh("r4")->second.rotated_at, 0);
}

TEST_P(StoreContract, H3_RetryAfterTheSuccessorWasUsedChangesNothing) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  ASSERT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 10).status, RotateStatus::rotated);
  ASSERT_EQ(s_.grants->rotate("r2", token("r3"), T0 + 11).status, RotateStatus::rotated);  // r2 used
  auto retry = s_.grants->rotate_retry("r1", token("x"), T0 + 12);
  EXPECT_EQ(retry.status, RotateStatus::successor_used);
  EXPECT_EQ(retry.grant_id, "g1");
  EXPECT_EQ(s_.grants->find_refresh("x"), std::nullopt);
  EXPECT_EQ(s_.grants->find_refresh("r3")->second.rotated_at, 0) << "the current token is untouched";
  // A successor used further down the chain counts the same.
  ASSERT_TRUE(s_.grants->create(grant("g2"), token("s1")));
  ASSERT_EQ(s_.grants->rotate("s1", token("s2"), T0 + 10).status, RotateStatus::rotated);
  ASSERT_EQ(s_.grants->rotate_retry("s1", token("s3"), T0 + 11).status, RotateStatus::rotated);
  ASSERT_EQ(s_.grants->rotate("s3", token("s4"), T0 + 12).status, RotateStatus::rotated);
  EXPECT_EQ(s_.grants->rotate_retry("s1", token("y"), T0 + 13).status, RotateStatus::successor_used);
}

TEST_P(StoreContract, H3_RetryOfACurrentOrUnknownTokenIsNotFound) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  EXPECT_EQ(s_.grants->rotate_retry("r1", token("r2"), T0 + 1).status, RotateStatus::not_found);
  EXPECT_EQ(s_.grants->rotate_retry("nope", token("r2"), T0 + 1).status, RotateStatus::not_found);
  EXPECT_EQ(s_.grants->find_refresh("r2"), std::nullopt);
  ASSERT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 2).status, RotateStatus::rotated);
  ASSERT_TRUE(s_.grants->revoke_grant("g1", T0 + 3));
  EXPECT_EQ(s_.grants->rotate_retry("r1", token("r3"), T0 + 4).status, RotateStatus::revoked);
}

// A retry of r1 races the holder of r2 using it: whichever goes first, the
// outcome is one of the two serial ones — never both rotating r2.
TEST_P(StoreContract, H3_RetryRacingTheSuccessorsUseStaysSerial) {
  constexpr int kRounds = 15;
  for (int round = 0; round < kRounds; ++round) {
    const std::string g = "g" + std::to_string(round), r1 = g + "-r1", r2 = g + "-r2";
    ASSERT_TRUE(s_.grants->create(grant(g), token(r1)));
    ASSERT_EQ(s_.grants->rotate(r1, token(r2), T0 + 1).status, RotateStatus::rotated);
    RotateResult retry, use;
    std::latch start(2);
    std::thread a([&] {
      start.arrive_and_wait();
      retry = s_.grants->rotate_retry(r1, token(g + "-retry"), T0 + 2);
    });
    std::thread b([&] {
      start.arrive_and_wait();
      use = s_.grants->rotate(r2, token(g + "-use"), T0 + 2);
    });
    a.join();
    b.join();
    if (use.status == RotateStatus::rotated) {
      // The holder of r2 went first: the retry is reuse.
      EXPECT_EQ(retry.status, RotateStatus::successor_used) << "round " << round;
      EXPECT_EQ(s_.grants->find_refresh(g + "-retry"), std::nullopt);
    } else {
      // The retry went first: r2 was superseded, its holder's rotate lost.
      EXPECT_EQ(retry.status, RotateStatus::rotated) << "round " << round;
      EXPECT_EQ(use.status, RotateStatus::already_rotated);
      EXPECT_EQ(use.replaced_by_hash, g + "-retry");
      EXPECT_EQ(s_.grants->find_refresh(g + "-use"), std::nullopt);
    }
  }
}

TEST_P(StoreContract, RevokeGrantKeepsTheFirstRevocation) {
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  EXPECT_TRUE(s_.grants->revoke_grant("g1", T0 + 5));
  EXPECT_FALSE(s_.grants->revoke_grant("g1", T0 + 9));
  EXPECT_EQ(s_.grants->find_grant("g1")->revoked_at, T0 + 5);
  EXPECT_EQ(s_.grants->find_refresh("r1")->first.revoked_at, T0 + 5);
  EXPECT_FALSE(s_.grants->revoke_grant("nope", T0));
}

TEST_P(StoreContract, ListGrantsFiltersByUserAndClient) {
  ASSERT_TRUE(s_.grants->create(grant("g3", "alice", "claude", T0 + 1), token("t3")));
  ASSERT_TRUE(s_.grants->create(grant("g1", "alice", "inspector", T0 + 2), token("t1")));
  ASSERT_TRUE(s_.grants->create(grant("g2", "bob", "claude", T0 + 2), token("t2")));
  ASSERT_TRUE(s_.grants->revoke_grant("g2", T0 + 3));
  EXPECT_EQ(grant_ids(s_.grants->list_grants({}, {})), (Ids{"g3", "g1", "g2"})) << "revoked ones included";
  EXPECT_EQ(grant_ids(s_.grants->list_grants("alice", {})), (Ids{"g3", "g1"}));
  EXPECT_EQ(grant_ids(s_.grants->list_grants({}, "claude")), (Ids{"g3", "g2"}));
  EXPECT_EQ(grant_ids(s_.grants->list_grants("alice", "claude")), (Ids{"g3"}));
  EXPECT_EQ(grant_ids(s_.grants->list_grants("carol", {})), Ids{});
  EXPECT_EQ(grant_ids(s_.grants->list_grants(std::string(""), {})), Ids{}) << "an empty filter is a filter";
}

TEST_P(StoreContract, GrantRemoveExpiredTakesDeadGrantsAndTokens) {
  const std::int64_t now = T0 + 1000;
  // Past its absolute expiry: goes, with both tokens.
  ASSERT_TRUE(s_.grants->create(grant("expired", "u", "c", T0, now), token("e1", now + 500)));
  ASSERT_EQ(s_.grants->rotate("e1", token("e2", now + 500), T0 + 1).status, RotateStatus::rotated);
  // Live grant: its expired, rotated token goes; the current one stays.
  ASSERT_TRUE(s_.grants->create(grant("live"), token("l1", now)));
  ASSERT_EQ(s_.grants->rotate("l1", token("l2", now + 1), T0 + 1).status, RotateStatus::rotated);
  // Live grant whose only token lapsed (sliding expiry): goes.
  ASSERT_TRUE(s_.grants->create(grant("lapsed"), token("x1", now - 1)));
  // Revoked but unexpired: stays until it expires.
  ASSERT_TRUE(s_.grants->create(grant("revoked"), token("v1", now + 1)));
  ASSERT_TRUE(s_.grants->revoke_grant("revoked", T0 + 2));

  EXPECT_EQ(s_.grants->remove_expired(now), (GrantCleanup{.grants = 2, .refresh_tokens = 4}));
  EXPECT_EQ(grant_ids(s_.grants->list_grants({}, {})), (Ids{"live", "revoked"}));
  for (const char* gone : {"e1", "e2", "l1", "x1"}) EXPECT_EQ(s_.grants->find_refresh(gone), std::nullopt) << gone;
  EXPECT_TRUE(s_.grants->find_refresh("l2"));
  EXPECT_TRUE(s_.grants->find_refresh("v1"));
  EXPECT_EQ(s_.grants->remove_expired(now), GrantCleanup{});
}

// ---- signing keys ----

TEST_P(StoreContract, SigningKeysListInCreationOrder) {
  ASSERT_TRUE(s_.signing_keys->add(key("k2", T0 + 10)));
  ASSERT_TRUE(s_.signing_keys->add(key("k1", T0)));
  ASSERT_TRUE(s_.signing_keys->add(key("k0", T0 + 10)));
  EXPECT_FALSE(s_.signing_keys->add(key("k1", T0 + 99))) << "kid taken";
  auto keys = s_.signing_keys->list();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], key("k1", T0));
  EXPECT_EQ(keys[1].kid, "k0");
  EXPECT_EQ(keys[2].kid, "k2");
}

TEST_P(StoreContract, SigningKeyRetireOnceThenRemove) {
  ASSERT_TRUE(s_.signing_keys->add(key("k1", T0)));
  EXPECT_TRUE(s_.signing_keys->retire("k1", T0 + 50));
  EXPECT_FALSE(s_.signing_keys->retire("k1", T0 + 60)) << "already retired";
  EXPECT_EQ(s_.signing_keys->list().at(0).retired_at, T0 + 50);
  EXPECT_FALSE(s_.signing_keys->retire("nope", T0));
  EXPECT_TRUE(s_.signing_keys->remove("k1"));
  EXPECT_FALSE(s_.signing_keys->remove("k1"));
  EXPECT_TRUE(s_.signing_keys->list().empty());
}

// ---- revocations ----

TEST_P(StoreContract, RevokeRecordsAnIdOnce) {
  EXPECT_FALSE(s_.revocations->is_revoked("g1"));
  EXPECT_TRUE(s_.revocations->revoke("g1", RevocationKind::grant, T0 + 3600, T0));
  EXPECT_FALSE(s_.revocations->revoke("g1", RevocationKind::grant, T0 + 3600, T0 + 1));
  EXPECT_TRUE(s_.revocations->is_revoked("g1"));
  EXPECT_FALSE(s_.revocations->is_revoked("g2"));
  EXPECT_EQ(s_.revocations->revoked_since(0),
            (std::vector<Revocation>{{.id = "g1", .kind = RevocationKind::grant, .revoked_at = T0,
                                      .expires_at = T0 + 3600}}));
}

TEST_P(StoreContract, RevokedSinceIsInclusiveAndOrdered) {
  ASSERT_TRUE(s_.revocations->revoke("jti-b", RevocationKind::token, T0 + 900, T0 + 10));
  ASSERT_TRUE(s_.revocations->revoke("jti-a", RevocationKind::token, T0 + 900, T0 + 10));
  ASSERT_TRUE(s_.revocations->revoke("g1", RevocationKind::grant, T0 + 900, T0 + 5));
  ASSERT_TRUE(s_.revocations->revoke("g2", RevocationKind::grant, T0 + 900, T0 + 20));
  std::vector<std::string> ids;
  for (const auto& r : s_.revocations->revoked_since(T0 + 10)) ids.push_back(r.id);
  EXPECT_EQ(ids, (Ids{"jti-a", "jti-b", "g2"}));
  EXPECT_EQ(s_.revocations->revoked_since(T0 + 21).size(), 0u);
  EXPECT_EQ(s_.revocations->revoked_since(0).size(), 4u);
  EXPECT_EQ(s_.revocations->revoked_since(0).front().kind, RevocationKind::grant);
}

TEST_P(StoreContract, RevokingAgainWithALaterExpiryIsSeenByPollers) {
  ASSERT_TRUE(s_.revocations->revoke("g1", RevocationKind::grant, T0 + 100, T0));
  // An earlier expiry changes nothing.
  EXPECT_FALSE(s_.revocations->revoke("g1", RevocationKind::token, T0 + 50, T0 + 5));
  auto all = s_.revocations->revoked_since(0);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], (Revocation{.id = "g1", .kind = RevocationKind::grant, .revoked_at = T0, .expires_at = T0 + 100}));
  // A later one extends it and shows up for a poller that last looked at T0 + 1.
  EXPECT_FALSE(s_.revocations->revoke("g1", RevocationKind::token, T0 + 200, T0 + 7));
  auto since = s_.revocations->revoked_since(T0 + 1);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0], (Revocation{.id = "g1", .kind = RevocationKind::grant, .revoked_at = T0 + 7,
                                  .expires_at = T0 + 200}))
      << "the kind stays";
}

TEST_P(StoreContract, RevocationRemoveExpired) {
  ASSERT_TRUE(s_.revocations->revoke("a", RevocationKind::token, T0 + 10, T0));
  ASSERT_TRUE(s_.revocations->revoke("b", RevocationKind::token, T0 + 20, T0));
  ASSERT_TRUE(s_.revocations->revoke("c", RevocationKind::grant, T0 + 21, T0));
  EXPECT_EQ(s_.revocations->remove_expired(T0 + 20), 2u);
  EXPECT_FALSE(s_.revocations->is_revoked("a"));
  EXPECT_FALSE(s_.revocations->is_revoked("b"));
  EXPECT_TRUE(s_.revocations->is_revoked("c"));
  EXPECT_EQ(s_.revocations->remove_expired(T0 + 20), 0u);
}

// ---- rate limits ----

TEST_P(StoreContract, RateLimitAllowsUpToTheLimitPerWindow) {
  const std::int64_t start = 1'700'000'040;  // a multiple of 60
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + i)) << i;
  EXPECT_FALSE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + 59));
  EXPECT_FALSE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + 59)) << "refused hits count too";
  EXPECT_TRUE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + 60)) << "a new window starts at 1";
  EXPECT_TRUE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + 61));
  EXPECT_TRUE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + 62));
  EXPECT_FALSE(s_.rate_limits->hit("register:1.2.3.4", 60, 3, start + 63));
}

TEST_P(StoreContract, RateLimitKeysAreIndependent) {
  EXPECT_TRUE(s_.rate_limits->hit("a", 60, 1, T0));
  EXPECT_FALSE(s_.rate_limits->hit("a", 60, 1, T0));
  EXPECT_TRUE(s_.rate_limits->hit("b", 60, 1, T0));
  EXPECT_FALSE(s_.rate_limits->hit("c", 60, 0, T0)) << "limit 0 refuses everything";
}

TEST_P(StoreContract, RateLimitRejectsANonPositiveWindow) {
  EXPECT_THROW(s_.rate_limits->hit("a", 0, 1, T0), std::invalid_argument);
  EXPECT_THROW(s_.rate_limits->hit("a", -60, 1, T0), std::invalid_argument);
}

TEST_P(StoreContract, RateLimitRemoveExpiredTakesEndedWindows) {
  const std::int64_t start = 1'700'000'040;
  ASSERT_TRUE(s_.rate_limits->hit("ended", 60, 5, start));         // window ends at start + 60
  ASSERT_TRUE(s_.rate_limits->hit("running", 120, 5, start + 60));  // window ends at start + 120
  ASSERT_TRUE(s_.rate_limits->hit("running", 120, 5, start + 60));
  EXPECT_EQ(s_.rate_limits->remove_expired(start + 60), 1u);
  EXPECT_EQ(s_.rate_limits->remove_expired(start + 60), 0u);
  // "running" kept its count: 2 hits so far, limit 3 allows one more.
  EXPECT_TRUE(s_.rate_limits->hit("running", 120, 3, start + 61));
  EXPECT_FALSE(s_.rate_limits->hit("running", 120, 3, start + 61));
}

TEST_P(StoreContract, ConcurrentHitsAreAllCounted) {
  constexpr int kThreads = 4, kHits = 25, kLimit = 60;
  std::atomic<int> allowed{0};
  run_together(kThreads, [&] {
    for (int i = 0; i < kHits; ++i)
      if (s_.rate_limits->hit("token:client", 3600, kLimit, T0)) ++allowed;
  });
  EXPECT_EQ(allowed.load(), kLimit);
}

// ---- sign-in failures (M4: growing waits per user and network) ----

TEST(LoginBackoffPolicy, M4_WaitDoublesPastTheAllowanceUpToTheCap) {
  constexpr LoginBackoff b{.free_failures = 5, .first_wait = 30, .max_wait = 900, .forget_after = 3600};
  for (int f = 0; f < 5; ++f) EXPECT_EQ(b.wait_after(f), 0) << f;
  EXPECT_EQ(b.wait_after(5), 30);
  EXPECT_EQ(b.wait_after(6), 60);
  EXPECT_EQ(b.wait_after(7), 120);
  EXPECT_EQ(b.wait_after(9), 480);
  EXPECT_EQ(b.wait_after(10), 900) << "capped";
  EXPECT_EQ(b.wait_after(1'000'000), 900) << "no overflow however many";
}

TEST_P(StoreContract, M4_LoginFailuresWaitGrowsAndSuccessClears) {
  constexpr LoginBackoff b{.free_failures = 2, .first_wait = 10, .max_wait = 40, .forget_after = 3600};
  const std::string key = "alice|203.0.113.0/24";
  EXPECT_TRUE(s_.login_failures->begin(key, T0, b).allowed);
  auto second = s_.login_failures->begin(key, T0 + 1, b);
  ASSERT_TRUE(second.allowed);
  EXPECT_EQ(second.failures, 2);
  EXPECT_EQ(second.retry_at, T0 + 11);
  auto waiting = s_.login_failures->begin(key, T0 + 5, b);
  EXPECT_FALSE(waiting.allowed);
  EXPECT_EQ(waiting.retry_at, T0 + 11);
  EXPECT_EQ(waiting.failures, 2) << "a refused attempt counts nothing";
  auto third = s_.login_failures->begin(key, T0 + 11, b);
  ASSERT_TRUE(third.allowed);
  EXPECT_EQ(third.retry_at, T0 + 31) << "doubled";
  EXPECT_TRUE(s_.login_failures->begin("alice|198.51.100.0/24", T0 + 12, b).allowed) << "another network is not held up";
  EXPECT_TRUE(s_.login_failures->begin("bob|203.0.113.0/24", T0 + 12, b).allowed) << "another user is not held up";
  s_.login_failures->succeeded(key);
  auto fresh = s_.login_failures->begin(key, T0 + 12, b);
  EXPECT_TRUE(fresh.allowed);
  EXPECT_EQ(fresh.failures, 1) << "a success cleared the count";
}

TEST_P(StoreContract, M4_LoginFailuresAreForgottenAndRemoved) {
  constexpr LoginBackoff b{.free_failures = 1, .first_wait = 10, .max_wait = 10, .forget_after = 100};
  ASSERT_TRUE(s_.login_failures->begin("k", T0, b).allowed);
  EXPECT_FALSE(s_.login_failures->begin("k", T0 + 5, b).allowed);
  EXPECT_EQ(s_.login_failures->remove_expired(T0 + 99), 0u);
  EXPECT_EQ(s_.login_failures->remove_expired(T0 + 100), 1u);
  auto again = s_.login_failures->begin("k", T0 + 100, b);
  EXPECT_TRUE(again.allowed);
  EXPECT_EQ(again.failures, 1);
  // Forgotten also before the cleanup ran.
  auto later = s_.login_failures->begin("k", T0 + 300, b);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.failures, 1);
}

TEST_P(StoreContract, M4_ParallelAttemptsCannotAllSlipThrough) {
  constexpr LoginBackoff b{.free_failures = 3, .first_wait = 60, .max_wait = 60, .forget_after = 3600};
  constexpr int kThreads = 4, kTries = 10;
  std::atomic<int> allowed{0};
  run_together(kThreads, [&] {
    for (int i = 0; i < kTries; ++i)
      if (s_.login_failures->begin("admin|198.51.100.0/24", T0, b).allowed) ++allowed;
  });
  EXPECT_EQ(allowed.load(), 3) << "the allowance, then the wait";
}

TEST(RateLimitWindow, StartsAtMultiplesOfTheWindowAlsoBeforeTheEpoch) {
  EXPECT_EQ(window_start(0, 60), 0);
  EXPECT_EQ(window_start(59, 60), 0);
  EXPECT_EQ(window_start(60, 60), 60);
  EXPECT_EQ(window_start(-1, 60), -60);
  EXPECT_EQ(window_start(-60, 60), -60);
  EXPECT_EQ(window_start(-61, 60), -120);
}

// ---- client assertions (private_key_jwt jti replay, RFC 7523 §3 item 7) ----

constexpr std::string_view kAppClient = "https://app.example/client.json";

TEST_P(StoreContract, RFC7523_ClientAssertionReplayIsRefused) {
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0));
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0 + 1)) << "replay";
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 9999, T0 + 599)) << "replay, still live";
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "jti-2", T0 + 600, T0 + 1));
}

TEST_P(StoreContract, ClientAssertionJtiIsPerClient) {
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0));
  EXPECT_TRUE(s_.client_assertions->record("https://other.example/client.json", "jti-1", T0 + 600, T0));
  EXPECT_FALSE(s_.client_assertions->record("https://other.example/client.json", "jti-1", T0 + 600, T0));
  // No confusion at the seam between the two parts of the key.
  EXPECT_TRUE(s_.client_assertions->record("ab", "c", T0 + 600, T0));
  EXPECT_TRUE(s_.client_assertions->record("a", "bc", T0 + 600, T0));
}

TEST_P(StoreContract, ClientAssertionRecordCanBeReusedOnceExpired) {
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0));
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 1200, T0 + 599));
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 1200, T0 + 600)) << "expired at now";
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 1800, T0 + 1199)) << "the new expiry holds";
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 1800, T0 + 1200));
}

TEST_P(StoreContract, ClientAssertionRemoveExpiredCountsWhatItTakes) {
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "old", T0 + 10, T0));
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "at-now", T0 + 20, T0));
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "live", T0 + 30, T0));
  EXPECT_EQ(s_.client_assertions->remove_expired(T0 + 20), 2u);
  EXPECT_EQ(s_.client_assertions->remove_expired(T0 + 20), 0u);
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "live", T0 + 30, T0 + 29)) << "kept";
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "old", T0 + 30, T0 + 21));
}

TEST_P(StoreContract, RFC7523_ConcurrentRecordsOfOneJtiHaveExactlyOneWinner) {
  constexpr int kJtis = 10, kThreads = 4;
  std::atomic<int> recorded{0}, replays{0};
  run_together(kThreads, [&] {
    for (int i = 0; i < kJtis; ++i) {
      if (s_.client_assertions->record(kAppClient, "jti-" + std::to_string(i), T0 + 600, T0))
        ++recorded;
      else
        ++replays;
    }
  });
  EXPECT_EQ(recorded.load(), kJtis);
  EXPECT_EQ(replays.load(), kJtis * (kThreads - 1));
}

// ---- upstream token vault ----

UpstreamTokenRecord vault_record(std::string grant_id, VaultState state = VaultState::pending,
                                 std::int64_t created_at = T0) {
  return UpstreamTokenRecord{.grant_id = std::move(grant_id), .user_id = "user-1", .provider = "github",
                             .sealed = "v1.0a1b2c3d.c2VhbGVk", .access_expires_at = T0 + 3600,
                             .has_refresh_token = true, .state = state, .version = 1,
                             .created_at = created_at, .updated_at = created_at};
}

TEST_P(StoreContract, UpstreamTokensRoundTripEveryFieldAndRefuseASecondAdd) {
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_1")));
  EXPECT_EQ(s_.upstream_tokens->find("gr_1"), vault_record("gr_1"));
  auto other = vault_record("gr_1");
  other.sealed = "v1.0a1b2c3d.b3RoZXI";
  EXPECT_FALSE(s_.upstream_tokens->add(other));
  EXPECT_EQ(s_.upstream_tokens->find("gr_1")->sealed, "v1.0a1b2c3d.c2VhbGVk");
  EXPECT_EQ(s_.upstream_tokens->find("gr_2"), std::nullopt);
}

TEST_P(StoreContract, UpstreamTokenUpdateIsACompareAndSetOnTheVersion) {
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_1")));
  auto next = vault_record("gr_1", VaultState::active);
  next.sealed = "v1.0a1b2c3d.bmV3";
  next.updated_at = T0 + 5;
  EXPECT_TRUE(s_.upstream_tokens->update(next, 1));
  auto stored = s_.upstream_tokens->find("gr_1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->state, VaultState::active);
  EXPECT_EQ(stored->sealed, "v1.0a1b2c3d.bmV3");
  EXPECT_EQ(stored->updated_at, T0 + 5);
  EXPECT_EQ(stored->created_at, T0) << "created_at stays";
  next.sealed = "v1.0a1b2c3d.bG9zdA";
  EXPECT_FALSE(s_.upstream_tokens->update(next, 1)) << "a writer holding version 1 lost the race";
  EXPECT_EQ(s_.upstream_tokens->find("gr_1")->sealed, "v1.0a1b2c3d.bmV3");
  EXPECT_FALSE(s_.upstream_tokens->update(vault_record("gr_9"), 1)) << "no such record";
}

TEST_P(StoreContract, UpstreamTokenConcurrentUpdatesOfOneVersionHaveOneWinner) {
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_1")));
  std::atomic<int> winners{0};
  run_together(8, [&] {
    auto r = vault_record("gr_1", VaultState::active);
    if (s_.upstream_tokens->update(r, 1)) ++winners;
  });
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(s_.upstream_tokens->find("gr_1")->version, 2);
}

TEST_P(StoreContract, UpstreamTokenRemovePendingTakesOnlyOldPendingRecords) {
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_old", VaultState::pending, T0)));
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_new", VaultState::pending, T0 + 100)));
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_live", VaultState::active, T0)));
  auto removed = s_.upstream_tokens->remove_pending(T0 + 50);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].grant_id, "gr_old");
  EXPECT_EQ(removed[0].sealed, "v1.0a1b2c3d.c2VhbGVk") << "returned whole, for revocation at the provider";
  EXPECT_EQ(s_.upstream_tokens->find("gr_old"), std::nullopt);
  EXPECT_TRUE(s_.upstream_tokens->find("gr_new"));
  EXPECT_TRUE(s_.upstream_tokens->find("gr_live"));
  auto listed = s_.upstream_tokens->list();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].grant_id, "gr_live");
  EXPECT_EQ(listed[1].grant_id, "gr_new");
  EXPECT_TRUE(s_.upstream_tokens->remove("gr_live"));
  EXPECT_FALSE(s_.upstream_tokens->remove("gr_live"));
}

// ---- tasks ----

constexpr std::int64_t M0 = T0 * 1000;  // tasks count in milliseconds
constexpr std::int64_t kTaskTtl = 60'000;

TaskRecord task(std::string id, std::string owner = "user-1", std::int64_t created_at_ms = M0,
                TaskStatus status = TaskStatus::working) {
  return TaskRecord{.id = std::move(id), .owner = std::move(owner), .tool = "long_report", .status = status,
                    .status_message = "started", .input_requests = R"({"q1":{"method":"elicitation/create"}})",
                    .result = R"({"content":[]})", .error = R"({"code":-32603,"message":"x"})",
                    .created_at_ms = created_at_ms, .updated_at_ms = created_at_ms + 1, .ttl_ms = kTaskTtl,
                    .expires_at_ms = created_at_ms + kTaskTtl};
}

Ids task_ids(const std::vector<TaskRecord>& tasks) {
  Ids out;
  for (const auto& t : tasks) out.push_back(t.id);
  return out;
}

TEST(TaskStatusText, RoundTripsEveryStatusAndRefusesOthers) {
  for (TaskStatus s : {TaskStatus::working, TaskStatus::input_required, TaskStatus::completed, TaskStatus::failed,
                       TaskStatus::cancelled})
    EXPECT_EQ(parse_task_status(to_string(s)), s) << to_string(s);
  EXPECT_EQ(to_string(TaskStatus::input_required), "input_required");
  EXPECT_EQ(parse_task_status("Working"), std::nullopt);
  EXPECT_EQ(parse_task_status(""), std::nullopt);
  EXPECT_FALSE(is_terminal(TaskStatus::input_required));
  EXPECT_TRUE(is_terminal(TaskStatus::cancelled));
}

TEST_P(StoreContract, TaskRoundTripsEveryField) {
  auto t = task("t1", "user-1", M0, TaskStatus::input_required);
  t.status_message = "Waiting for your answer: \xc3\xa9t\xc3\xa9";
  ASSERT_EQ(s_.tasks->add(t, {}, M0), TaskAdd::added);
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0), t);
  auto bare = task("t2", "", M0 + 5);  // no authentication: the empty owner
  bare.status_message = bare.input_requests = bare.result = bare.error = "";
  ASSERT_EQ(s_.tasks->add(bare, {}, M0), TaskAdd::added);
  EXPECT_EQ(s_.tasks->find("t2", "", M0), bare);
  EXPECT_EQ(s_.tasks->find("t3", "user-1", M0), std::nullopt);
}

TEST_P(StoreContract, TaskAddRefusesATakenIdAndChangesNothing) {
  ASSERT_EQ(s_.tasks->add(task("t1"), {}, M0), TaskAdd::added);
  auto other = task("t1", "user-2");
  other.tool = "other_tool";
  EXPECT_EQ(s_.tasks->add(other, {}, M0), TaskAdd::duplicate_id);
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0), task("t1"));
  EXPECT_EQ(s_.tasks->find("t1", "user-2", M0), std::nullopt);
}

TEST_P(StoreContract, TaskOfAnotherOwnerIsNotFound) {
  ASSERT_EQ(s_.tasks->add(task("t1", "user-1"), {}, M0), TaskAdd::added);
  EXPECT_EQ(s_.tasks->find("t1", "user-2", M0), std::nullopt);
  EXPECT_EQ(s_.tasks->find("t1", "", M0), std::nullopt) << "no authentication sees no one's tasks";
  EXPECT_TRUE(s_.tasks->find("t1", "user-1", M0));
}

TEST_P(StoreContract, TaskIsLiveUntilItsExpiry) {
  ASSERT_EQ(s_.tasks->add(task("t1"), {}, M0), TaskAdd::added);
  EXPECT_TRUE(s_.tasks->find("t1", "user-1", M0 + kTaskTtl - 1));
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0 + kTaskTtl), std::nullopt);
  EXPECT_EQ(s_.tasks->list("user-1", M0 + kTaskTtl - 1, "", 10).size(), 1u);
  EXPECT_TRUE(s_.tasks->list("user-1", M0 + kTaskTtl, "", 10).empty());
}

TEST_P(StoreContract, TaskUpdateWritesTheMutableFieldsOnly) {
  ASSERT_EQ(s_.tasks->add(task("t1"), {}, M0), TaskAdd::added);
  TaskRecord next = task("t1");
  next.owner = "user-9";  // not written: the owner, tool, creation time and ttl stay
  next.tool = "other_tool";
  next.created_at_ms = M0 + 999;
  next.ttl_ms = 5;
  next.status = TaskStatus::input_required;
  next.status_message = "Need a date";
  next.input_requests = R"({"q2":{}})";
  next.result = "";
  next.error = "";
  next.updated_at_ms = M0 + 10;
  next.expires_at_ms = M0 + 10 + kTaskTtl;
  EXPECT_TRUE(s_.tasks->update(next));
  TaskRecord expected = task("t1");
  expected.status = TaskStatus::input_required;
  expected.status_message = "Need a date";
  expected.input_requests = R"({"q2":{}})";
  expected.result = "";
  expected.error = "";
  expected.updated_at_ms = M0 + 10;
  expected.expires_at_ms = M0 + 10 + kTaskTtl;
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0 + 10), expected);
  EXPECT_FALSE(s_.tasks->update(task("t9"))) << "no such task";
}

TEST_P(StoreContract, TaskTerminalStatusNeverChanges) {
  for (TaskStatus terminal : {TaskStatus::completed, TaskStatus::failed, TaskStatus::cancelled}) {
    const std::string id = "t-" + std::string(to_string(terminal));
    ASSERT_EQ(s_.tasks->add(task(id), {}, M0), TaskAdd::added);
    TaskRecord done = task(id);
    done.status = terminal;
    done.status_message = "done";
    done.updated_at_ms = M0 + 20;
    ASSERT_TRUE(s_.tasks->update(done));
    TaskRecord again = done;
    again.status = TaskStatus::working;
    again.status_message = "revived";
    again.updated_at_ms = M0 + 30;
    again.expires_at_ms = M0 + 10 * kTaskTtl;
    EXPECT_FALSE(s_.tasks->update(again)) << to_string(terminal);
    EXPECT_EQ(s_.tasks->find(id, "user-1", M0 + 30), done) << to_string(terminal);
  }
}

TEST_P(StoreContract, TaskCancelledBeforeTheHandlerFinishesStaysCancelled) {
  ASSERT_EQ(s_.tasks->add(task("t1"), {}, M0), TaskAdd::added);
  TaskRecord cancelled = task("t1");
  cancelled.status = TaskStatus::cancelled;
  cancelled.status_message = "Cancelled by the client";
  cancelled.result = "";
  cancelled.updated_at_ms = M0 + 5;
  ASSERT_TRUE(s_.tasks->update(cancelled));
  TaskRecord completed = task("t1");
  completed.status = TaskStatus::completed;
  completed.result = R"({"content":[{"type":"text","text":"late"}]})";
  completed.updated_at_ms = M0 + 6;
  EXPECT_FALSE(s_.tasks->update(completed)) << "the handler finished after the cancel";
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0 + 6), cancelled);
}

TEST_P(StoreContract, TaskConcurrentFinishesHaveOneWinner) {
  ASSERT_EQ(s_.tasks->add(task("t1"), {}, M0), TaskAdd::added);
  std::atomic<int> winners{0};
  run_together(8, [&] {
    TaskRecord done = task("t1");
    done.status = TaskStatus::completed;
    if (s_.tasks->update(done)) ++winners;
  });
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(StoreContract, TaskMaxActiveCountsTheOwnersWorkingAndInputRequiredTasks) {
  const TaskLimits limits{.max_active = 2, .max_kept = 100};
  ASSERT_EQ(s_.tasks->add(task("a1"), limits, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("a2", "user-1", M0, TaskStatus::input_required), limits, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("o1", "user-2"), limits, M0), TaskAdd::added) << "another owner's bound";
  ASSERT_EQ(s_.tasks->add(task("o2", "user-2"), limits, M0), TaskAdd::added);
  EXPECT_EQ(s_.tasks->add(task("a3"), limits, M0), TaskAdd::too_many_active);
  EXPECT_EQ(s_.tasks->find("a3", "user-1", M0), std::nullopt);
  TaskRecord done = task("a1");
  done.status = TaskStatus::completed;
  ASSERT_TRUE(s_.tasks->update(done));
  EXPECT_EQ(s_.tasks->add(task("a3"), limits, M0), TaskAdd::added) << "a finished task frees its place";
  EXPECT_EQ(s_.tasks->add(task("a4"), limits, M0), TaskAdd::too_many_active);
  EXPECT_EQ(s_.tasks->add(task("a4", "user-1", M0, TaskStatus::completed), limits, M0), TaskAdd::too_many_active)
      << "the bound is on the owner's active tasks, whatever the new one's status";
  EXPECT_EQ(s_.tasks->add(task("a4"), limits, M0 + kTaskTtl), TaskAdd::added) << "expired tasks do not count";
}

TEST_P(StoreContract, TaskMaxKeptCountsTheOwnersUnexpiredTasksOfEveryStatus) {
  const TaskLimits limits{.max_active = 100, .max_kept = 3};
  ASSERT_EQ(s_.tasks->add(task("k1", "user-1", M0, TaskStatus::completed), limits, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("k2", "user-1", M0, TaskStatus::failed), limits, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("k3", "user-1", M0 + 10), limits, M0 + 10), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("o1", "user-2"), limits, M0 + 10), TaskAdd::added) << "another owner's bound";
  EXPECT_EQ(s_.tasks->add(task("k4", "user-1", M0 + 10), limits, M0 + 10), TaskAdd::too_many_kept);
  EXPECT_EQ(s_.tasks->add(task("k4", "user-1", M0 + kTaskTtl), limits, M0 + kTaskTtl), TaskAdd::added)
      << "k1 and k2 expired, even before remove_expired takes them";
}

TEST_P(StoreContract, TaskLimitsHoldUnderConcurrentAdds) {
  const TaskLimits limits{.max_active = 3, .max_kept = 100};
  std::atomic<int> next{0};
  std::atomic<int> added{0};
  run_together(8, [&] {
    if (s_.tasks->add(task("c" + std::to_string(next++)), limits, M0) == TaskAdd::added) ++added;
  });
  EXPECT_EQ(added.load(), 3);
  EXPECT_EQ(s_.tasks->list("user-1", M0, "", 100).size(), 3u);
}

TEST_P(StoreContract, TaskListIsOldestFirstAndPagesAfterACursor) {
  // Created out of order; "b" and "a" share a creation time, so the id decides.
  ASSERT_EQ(s_.tasks->add(task("c", "user-1", M0 + 20), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("b", "user-1", M0 + 10), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("a", "user-1", M0 + 10), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("z", "user-1", M0), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("m", "user-2", M0 + 15), {}, M0), TaskAdd::added);
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "", 10)), (Ids{"z", "a", "b", "c"}));
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "", 2)), (Ids{"z", "a"}));
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "a", 2)), (Ids{"b", "c"}));
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "c", 2)), Ids{});
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "", 0)), Ids{});
  EXPECT_EQ(task_ids(s_.tasks->list("user-2", M0, "", 10)), Ids{"m"});
  EXPECT_EQ(task_ids(s_.tasks->list("user-3", M0, "", 10)), Ids{});
  EXPECT_EQ(s_.tasks->list("user-1", M0, "", 10).at(0), task("z", "user-1", M0)) << "whole records";
}

TEST_P(StoreContract, TaskListAfterACursorTheCallerCannotSeeIsEmpty) {
  ASSERT_EQ(s_.tasks->add(task("a", "user-1", M0), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("b", "user-1", M0 + 10), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("m", "user-2", M0 + 5), {}, M0), TaskAdd::added);
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "unknown", 10)), Ids{});
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0, "m", 10)), Ids{}) << "another owner's task as cursor";
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0 + kTaskTtl, "a", 10)), Ids{}) << "an expired cursor";
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0 + kTaskTtl, "", 10)), Ids{"b"}) << "b lives 10 ms longer";
}

TEST_P(StoreContract, TaskRemoveExpiredCountsWhatItTakes) {
  ASSERT_EQ(s_.tasks->add(task("t1", "user-1", M0), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("t2", "user-2", M0, TaskStatus::completed), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("t3", "user-1", M0 + 1), {}, M0), TaskAdd::added);
  EXPECT_EQ(s_.tasks->remove_expired(M0 + kTaskTtl - 1), 0u);
  EXPECT_EQ(s_.tasks->remove_expired(M0 + kTaskTtl), 2u);
  EXPECT_EQ(s_.tasks->remove_expired(M0 + kTaskTtl), 0u);
  EXPECT_TRUE(s_.tasks->find("t3", "user-1", M0 + kTaskTtl));
  EXPECT_EQ(s_.tasks->add(task("t1", "user-1", M0 + kTaskTtl), {}, M0 + kTaskTtl), TaskAdd::added)
      << "the id is free again";
}

TEST_P(StoreContract, TaskFailUnfinishedFailsActiveTasksOnly) {
  ASSERT_EQ(s_.tasks->add(task("w", "user-1"), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("i", "user-2", M0, TaskStatus::input_required), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("c", "user-1", M0, TaskStatus::completed), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("x", "user-1", M0, TaskStatus::cancelled), {}, M0), TaskAdd::added);
  const std::string error = R"({"code":-32603,"message":"The server restarted while the task ran"})";
  EXPECT_EQ(s_.tasks->fail_unfinished(error, "Interrupted by a restart", M0 + 100), 2u);
  for (auto [id, owner] : {std::pair{"w", "user-1"}, std::pair{"i", "user-2"}}) {
    auto t = s_.tasks->find(id, owner, M0 + 100);
    ASSERT_TRUE(t) << id;
    EXPECT_EQ(t->status, TaskStatus::failed) << id;
    EXPECT_EQ(t->error, error) << id;
    EXPECT_EQ(t->status_message, "Interrupted by a restart") << id;
    EXPECT_EQ(t->updated_at_ms, M0 + 100) << id;
    EXPECT_EQ(t->expires_at_ms, M0 + kTaskTtl) << id << ": the expiry stays";
    EXPECT_EQ(t->created_at_ms, M0) << id;
    EXPECT_EQ(t->input_requests, "") << id << ": nobody waits for the answers";
  }
  EXPECT_EQ(s_.tasks->find("c", "user-1", M0 + 100), task("c", "user-1", M0, TaskStatus::completed));
  EXPECT_EQ(s_.tasks->find("x", "user-1", M0 + 100), task("x", "user-1", M0, TaskStatus::cancelled));
  EXPECT_FALSE(s_.tasks->update(task("w"))) << "failed is terminal";
  EXPECT_EQ(s_.tasks->fail_unfinished(error, "again", M0 + 200), 0u);
}

INSTANTIATE_TEST_SUITE_P(Memory, StoreContract, ::testing::Values(kMemory), backend_name);
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(kSqlite), backend_name);

// ---- durable backends: what was committed is there after reopening ----

class DurableStoreContract : public StoreContract {};

TEST_P(DurableStoreContract, EveryStoreKeepsItsRecordsAcrossReopening) {
  Client c = client("c1");
  c.fingerprint = "fp";
  ASSERT_TRUE(s_.users->add(user("u1", "alice")));
  ASSERT_TRUE(s_.clients->add(c));
  ASSERT_TRUE(s_.clients->touch("c1", T0 + 1));
  ASSERT_TRUE(s_.codes->add(code("h1")));
  ASSERT_TRUE(s_.codes->add(code("h2")));
  ASSERT_EQ(s_.codes->consume("h1", T0 + 2).status, ConsumeStatus::consumed);
  ASSERT_TRUE(s_.codes->set_grant("h1", "g1"));
  ASSERT_TRUE(s_.grants->create(grant("g1"), token("r1")));
  ASSERT_EQ(s_.grants->rotate("r1", token("r2"), T0 + 3).status, RotateStatus::rotated);
  ASSERT_TRUE(s_.grants->create(grant("g2"), token("s1")));
  ASSERT_TRUE(s_.grants->revoke_grant("g2", T0 + 4));
  ASSERT_TRUE(s_.signing_keys->add(key("k1", T0)));
  ASSERT_TRUE(s_.signing_keys->retire("k1", T0 + 5));
  ASSERT_TRUE(s_.revocations->revoke("g2", RevocationKind::grant, T0 + 3600, T0 + 4));
  ASSERT_TRUE(s_.rate_limits->hit("k", 3600, 2, T0));
  ASSERT_TRUE(s_.rate_limits->hit("k", 3600, 2, T0));
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0));
  ASSERT_TRUE(s_.login_failures->begin("u|n", T0, {.free_failures = 1, .first_wait = 60}).allowed);

  reopen();

  EXPECT_EQ(s_.users->find_by_name("alice"), user("u1", "alice"));
  c.last_used_at = T0 + 1;
  EXPECT_EQ(s_.clients->find_by_fingerprint("fp"), c);
  auto replay = s_.codes->consume("h1", T0 + 6);
  EXPECT_EQ(replay.status, ConsumeStatus::already_used);
  EXPECT_EQ(replay.grant_id, "g1");
  EXPECT_EQ(s_.codes->consume("h2", T0 + 6).status, ConsumeStatus::consumed);
  auto replayed = s_.grants->rotate("r1", token("r9"), T0 + 6);
  EXPECT_EQ(replayed.status, RotateStatus::already_rotated);
  EXPECT_EQ(replayed.replaced_by_hash, "r2");
  EXPECT_EQ(s_.grants->rotate("r2", token("r3"), T0 + 6).status, RotateStatus::rotated);
  EXPECT_EQ(s_.grants->find_grant("g2")->revoked_at, T0 + 4);
  EXPECT_EQ(s_.signing_keys->list().at(0).retired_at, T0 + 5);
  EXPECT_TRUE(s_.revocations->is_revoked("g2"));
  EXPECT_FALSE(s_.rate_limits->hit("k", 3600, 2, T0 + 1)) << "the window's count survived";
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0 + 6)) << "a replay after a restart";
  EXPECT_FALSE(s_.login_failures->begin("u|n", T0 + 6, {.free_failures = 1, .first_wait = 60}).allowed)
      << "a sign-in wait survives a restart";
}

TEST_P(DurableStoreContract, RFC7523_UsedClientAssertionsAreRememberedAcrossReopening) {
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0));
  ASSERT_TRUE(s_.client_assertions->record(kAppClient, "jti-2", T0 + 10, T0));
  reopen();
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0 + 1)) << "replayed after a restart";
  EXPECT_EQ(s_.client_assertions->remove_expired(T0 + 10), 1u) << "jti-2 came back with its expiry";
  reopen();
  EXPECT_FALSE(s_.client_assertions->record(kAppClient, "jti-1", T0 + 600, T0 + 2));
  EXPECT_TRUE(s_.client_assertions->record(kAppClient, "jti-2", T0 + 600, T0 + 2));
}

TEST_P(DurableStoreContract, ReopeningAgainAndAgainKeepsDataAndStaysWritable) {
  ASSERT_TRUE(s_.users->add(user("u1", "alice")));
  for (int i = 0; i < 3; ++i) {
    reopen();  // migrations run again on each open and must change nothing
    EXPECT_EQ(s_.users->list().size(), static_cast<std::size_t>(i + 1));
    ASSERT_TRUE(s_.users->add(user("u" + std::to_string(i + 2), "user" + std::to_string(i))));
  }
  EXPECT_EQ(s_.users->find("u1"), user("u1", "alice"));
}

TEST_P(DurableStoreContract, UpstreamTokensSurviveReopening) {
  ASSERT_TRUE(s_.upstream_tokens->add(vault_record("gr_1", VaultState::active)));
  reopen();
  EXPECT_EQ(s_.upstream_tokens->find("gr_1"), vault_record("gr_1", VaultState::active));
}

TEST_P(DurableStoreContract, TasksSurviveReopening) {
  ASSERT_EQ(s_.tasks->add(task("t1"), {}, M0), TaskAdd::added);
  ASSERT_EQ(s_.tasks->add(task("t2", "user-1", M0 + 1, TaskStatus::completed), {}, M0), TaskAdd::added);
  reopen();
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0), task("t1"));
  EXPECT_EQ(s_.tasks->fail_unfinished("{}", "Interrupted by a restart", M0 + 5), 1u) << "as at startup";
  reopen();
  EXPECT_EQ(s_.tasks->find("t1", "user-1", M0 + 5)->status, TaskStatus::failed);
  EXPECT_EQ(task_ids(s_.tasks->list("user-1", M0 + 5, "", 10)), (Ids{"t1", "t2"}));
  EXPECT_EQ(s_.tasks->add(task("t2"), {}, M0 + 5), TaskAdd::duplicate_id);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, DurableStoreContract, ::testing::Values(kSqlite), backend_name);

}  // namespace
}  // namespace gatehouse::store
