#pragma once
// The authorization server's storage: one small interface per concern and
// the factories that open a set of them.
//
//   auto stores = gatehouse::store::open_sqlite_stores(data_dir / "gatehouse.db");
//   if (!stores.users->add({.id = id, .name = "alice", .password_hash = h, .created_at = now}))
//     ...  // name taken
//   auto r = stores.codes->consume(hex_sha256(code), now);
//
// Conventions shared by every store:
// - Times are Unix seconds (std::int64_t) passed in by the caller; no store
//   reads a clock, so tests use fake time. A thing with `expires_at` is live
//   while now < expires_at. Real times are positive: 0 means "never/none".
//   TaskStore alone counts in milliseconds, as the MCP tasks protocol does.
// - Tokens, codes and client secrets are stored only as hashes. Every
//   `*_hash` argument and field is the lowercase hex SHA-256 of the secret
//   value, computed by the caller (crypto::sha256); stores treat it as
//   opaque text, so the database never holds a usable bearer credential.
// - Expected outcomes (duplicate, not found, a lost compare-and-set) are
//   return values; storage failures throw StoreError.
// - Every store is safe to use from several threads at once. Calls block on
//   disk I/O in persistent stores (a commit fsyncs), so they belong to the
//   OAuth endpoints and background cleanup, never to the /mcp hot path.
// - Headers hold no engine types: a PostgreSQL implementation adds a factory
//   here and changes no caller.
#include "store/authorization_code_store.hpp"
#include "store/client_assertion_store.hpp"
#include "store/client_store.hpp"
#include "store/grant_store.hpp"
#include "store/login_failure_store.hpp"
#include "store/rate_limit_store.hpp"
#include "store/revocation_store.hpp"
#include "store/signing_key_store.hpp"
#include "store/store_error.hpp"
#include "store/task_store.hpp"
#include "store/upstream_token_store.hpp"
#include "store/user_store.hpp"

#include <filesystem>
#include <memory>

namespace gatehouse::store {

// One set of stores over one backing database. Move-only. The stores of one
// set may be destroyed in any order; a persistent set closes its database
// when the last of them goes.
struct Stores {
  std::unique_ptr<UserStore> users;
  std::unique_ptr<ClientStore> clients;
  std::unique_ptr<AuthorizationCodeStore> codes;
  std::unique_ptr<GrantStore> grants;
  std::unique_ptr<SigningKeyStore> signing_keys;
  std::unique_ptr<RevocationStore> revocations;
  std::unique_ptr<RateLimitStore> rate_limits;
  std::unique_ptr<LoginFailureStore> login_failures;
  std::unique_ptr<ClientAssertionStore> client_assertions;
  std::unique_ptr<UpstreamTokenStore> upstream_tokens;
  std::unique_ptr<TaskStore> tasks;
};

// Empty stores in process memory, gone with the process: for unit tests and
// throwaway runs.
Stores open_memory_stores();

// Stores in the SQLite file `file` (the embedded default), created with mode
// 0600 if missing and migrated to the current schema. WAL journal with
// synchronous=FULL: a returned write survives a crash or power loss. Other
// processes (`gatehouse users add` while `serve` runs) may open the same
// file; writers wait up to 5 s for each other. Throws std::runtime_error
// naming the file and giving SQLite's message when the file cannot be
// opened, is not a database, or has a schema newer than this binary.
Stores open_sqlite_stores(const std::filesystem::path& file);

}  // namespace gatehouse::store
