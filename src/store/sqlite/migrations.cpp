// Schema migrations. The schema_version table lists every migration applied
// to the file; opening runs the missing ones, in order, in one transaction.
//
// To change the schema, append {N, "..."} to kMigrations; never edit a
// migration that has shipped, since files in the field already ran it.
#include "store/sqlite/database.hpp"

#include <cstddef>
#include <iterator>
#include <string>

namespace gatehouse::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;  // constant text: runs with sqlite3_exec, binds nothing
};

// STRICT tables: SQLite checks column types as PostgreSQL would. Hashes and
// ids are TEXT; times are INTEGER Unix seconds; 0 means "never/none".
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE clients (
  client_id                  TEXT PRIMARY KEY,
  secret_hash                TEXT NOT NULL,
  client_name                TEXT NOT NULL,
  redirect_uris              TEXT NOT NULL,  -- JSON array of strings
  grant_types                TEXT NOT NULL,  -- JSON array of strings
  response_types             TEXT NOT NULL,  -- JSON array of strings
  token_endpoint_auth_method TEXT NOT NULL,
  scope                      TEXT NOT NULL,
  kind                       TEXT NOT NULL CHECK (kind IN ('preregistered', 'dynamic', 'api_key')),
  metadata_json              TEXT NOT NULL,
  fingerprint                TEXT NOT NULL,
  created_at                 INTEGER NOT NULL,
  last_used_at               INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX clients_fingerprint ON clients (fingerprint) WHERE fingerprint <> '';
CREATE INDEX clients_created ON clients (created_at);
CREATE INDEX clients_unused ON clients (kind, created_at) WHERE last_used_at = 0;

CREATE TABLE authorization_codes (
  code_hash             TEXT PRIMARY KEY,
  client_id             TEXT NOT NULL,
  redirect_uri          TEXT NOT NULL,
  code_challenge        TEXT NOT NULL,
  code_challenge_method TEXT NOT NULL,
  resource              TEXT NOT NULL,
  scope                 TEXT NOT NULL,
  user_id               TEXT NOT NULL,
  created_at            INTEGER NOT NULL,
  expires_at            INTEGER NOT NULL,
  extra_json            TEXT NOT NULL,
  used_at               INTEGER NOT NULL DEFAULT 0,
  grant_id              TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

CREATE TABLE grants (
  id                  TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL,
  client_id           TEXT NOT NULL,
  scope               TEXT NOT NULL,
  resource            TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL,
  revoked_at          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX grants_user ON grants (user_id);
CREATE INDEX grants_client ON grants (client_id);
CREATE INDEX grants_created ON grants (created_at);
CREATE INDEX grants_expiry ON grants (absolute_expires_at);

CREATE TABLE refresh_tokens (
  token_hash       TEXT PRIMARY KEY,
  grant_id         TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  rotated_at       INTEGER NOT NULL DEFAULT 0,
  replaced_by_hash TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);

CREATE TABLE signing_keys (
  kid             TEXT PRIMARY KEY,
  algorithm       TEXT NOT NULL,
  private_key_pem TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  retired_at      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE revocations (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('grant', 'token')),
  revoked_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX revocations_since ON revocations (revoked_at);
CREATE INDEX revocations_expiry ON revocations (expires_at);

CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  window_end   INTEGER NOT NULL,
  count        INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_limits_expiry ON rate_limits (window_end);
)sql"},
    // private_key_jwt replay protection (RFC 7523 §3 item 7): used jti
    // values per client, kept until the assertion could no longer be
    // accepted. jti length is bounded by the verifier.
    {2, R"sql(
CREATE TABLE client_assertions (
  client_id  TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
) STRICT, WITHOUT ROWID;
CREATE INDEX client_assertions_expiry ON client_assertions (expires_at);
)sql"},
    // Refresh-token reuse (RFC 9700 §4.14.2): used_at says the token's holder
    // presented it; a retry of an earlier token rotates the current one
    // without using it. Rows from before read 0 (unused), which changes
    // nothing for tokens rotated more than the 30 s grace window ago.
    {3, R"sql(
ALTER TABLE refresh_tokens ADD COLUMN used_at INTEGER NOT NULL DEFAULT 0;
)sql"},
    // Client application_type (OpenID Connect Dynamic Client Registration
    // §2; SEP-837 of MCP 2026-07-28): '' for clients stored before it was.
    {4, R"sql(
ALTER TABLE clients ADD COLUMN application_type TEXT NOT NULL DEFAULT '';
)sql"},
    // Sign-in failures per (user name, source network) with a growing wait
    // (login_failure_store.hpp). Keys are hex SHA-256 values, never the
    // user name itself. The rate_limits table keeps its schema; its keys
    // are hashed from this version on, and rows with the old plain keys
    // expire with their windows.
    {5, R"sql(
CREATE TABLE login_failures (
  key        TEXT PRIMARY KEY,
  failures   INTEGER NOT NULL,
  retry_at   INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX login_failures_expiry ON login_failures (expires_at);
)sql"},
    // The upstream token vault (upstream_token_store.hpp): sealed text only.
    {6, R"sql(
CREATE TABLE upstream_tokens (
  grant_id          TEXT PRIMARY KEY,
  user_id           TEXT NOT NULL,
  provider          TEXT NOT NULL,
  sealed            TEXT NOT NULL,
  access_expires_at INTEGER NOT NULL,
  has_refresh_token INTEGER NOT NULL,
  state             TEXT NOT NULL,
  version           INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX upstream_tokens_pending ON upstream_tokens (state, created_at);
)sql"},
    // Tasks (task_store.hpp). Times in Unix milliseconds, as the protocol
    // reports them. A rowid table, unlike the small keyed tables above: a
    // completed task's result can be large, and WITHOUT ROWID suits small
    // rows only. The partial index serves the per-owner count of active
    // tasks and fail_unfinished at startup.
    {7, R"sql(
CREATE TABLE tasks (
  id             TEXT PRIMARY KEY,
  owner          TEXT NOT NULL,
  tool           TEXT NOT NULL,
  status         TEXT NOT NULL
                   CHECK (status IN ('working', 'input_required', 'completed', 'failed', 'cancelled')),
  status_message TEXT NOT NULL,  -- '' when none
  input_requests TEXT NOT NULL,  -- JSON object, '' when none
  result         TEXT NOT NULL,  -- JSON CallToolResult, '' when none
  error          TEXT NOT NULL,  -- JSON-RPC error object, '' when none
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  ttl_ms         INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_owner ON tasks (owner, created_at_ms, id);
CREATE INDEX tasks_expiry ON tasks (expires_at_ms);
CREATE INDEX tasks_active ON tasks (owner, expires_at_ms) WHERE status IN ('working', 'input_required');
)sql"},
    // {8, R"sql(ALTER TABLE ...)sql"},  <- the next migration goes here
};

constexpr bool numbered_from_one() {
  for (std::size_t i = 0; i < std::size(kMigrations); ++i)
    if (kMigrations[i].version != static_cast<int>(i) + 1) return false;
  return true;
}
static_assert(numbered_from_one(), "migrations are numbered 1, 2, 3, ... in order");

}  // namespace

int latest_schema_version() { return static_cast<int>(std::size(kMigrations)); }

void migrate(Database& db) {
  // IMMEDIATE: two processes opening a new file at once migrate one after
  // the other; the second sees the first one's version and does nothing.
  Transaction tx(db);
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY) STRICT");
  int current = 0;
  {
    auto q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (q.step()) current = static_cast<int>(q.integer(0));
  }
  if (current > latest_schema_version())
    throw StoreError("schema version " + std::to_string(current) + " is newer than this gatehouse knows (" +
                     std::to_string(latest_schema_version()) + "); run a newer gatehouse");
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    db.exec(m.sql);
    db.prepare("INSERT INTO schema_version (version) VALUES (?1)").bind(m.version).run();
  }
  tx.commit();
}

}  // namespace gatehouse::store::sqlite
