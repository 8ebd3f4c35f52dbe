#pragma once
// OAuth clients known to the authorization server: pre-registered ones
// (`gatehouse clients add`), clients from Dynamic Client Registration
// (RFC 7591) and API-key clients. CIMD clients (a URL as client_id) are
// resolved from their metadata document and are not stored here.
//
// The client secret is stored only as a hash: callers pass
// `secret_hash` = lowercase hex SHA-256 of the secret and compare hashes in
// constant time; the store never sees the secret.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

enum class ClientKind {
  preregistered,  // added by an operator; never removed automatically
  dynamic,        // RFC 7591 registration; removed when never used (see remove_unused)
  api_key,        // the private-deploy API-key mode (not a Claude auth type)
};

// "preregistered", "dynamic", "api_key": the spelling persistent stores use.
constexpr std::string_view to_string(ClientKind kind) {
  switch (kind) {
    case ClientKind::preregistered: return "preregistered";
    case ClientKind::dynamic: return "dynamic";
    case ClientKind::api_key: return "api_key";
  }
  return "";
}
constexpr std::optional<ClientKind> parse_client_kind(std::string_view text) {
  for (auto kind : {ClientKind::preregistered, ClientKind::dynamic, ClientKind::api_key})
    if (to_string(kind) == text) return kind;
  return std::nullopt;
}

struct Client {
  std::string client_id;
  std::string secret_hash;  // hex SHA-256 of the client secret; empty: a public client
  std::string client_name;
  std::vector<std::string> redirect_uris;   // exact strings, in registration order
  std::vector<std::string> grant_types;     // RFC 7591 §2, e.g. "authorization_code"
  std::vector<std::string> response_types;  // e.g. "code"
  std::string token_endpoint_auth_method;   // "none", "client_secret_basic", "client_secret_post"
  std::string scope;                        // space-separated, as registered
  std::string application_type;             // "web" or "native" (OpenID Connect Dynamic
                                            // Client Registration §2, SEP-837); "" for
                                            // clients stored before it was recorded
  ClientKind kind = ClientKind::dynamic;
  std::string metadata_json;  // the registered metadata as JSON text, returned
                              // verbatim by the registration response (RFC 7591 §3.2.1)
  std::string fingerprint;    // digest of the registration request for DCR dedupe;
                              // empty: none. Unique among non-empty values.
  std::int64_t created_at = 0;    // Unix seconds
  std::int64_t last_used_at = 0;  // last completed flow (code exchanged); 0: never

  bool operator==(const Client&) const = default;
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class ClientStore {
 public:
  virtual ~ClientStore() = default;

  // False, and nothing changes, when the client_id is taken or a non-empty
  // fingerprint is already registered. The latter makes DCR dedupe safe
  // under concurrent registrations: the loser finds the winner with
  // find_by_fingerprint and returns it.
  virtual bool add(const Client& client) = 0;
  virtual std::optional<Client> find(std::string_view client_id) = 0;
  // Never matches an empty fingerprint.
  virtual std::optional<Client> find_by_fingerprint(std::string_view fingerprint) = 0;
  virtual bool remove(std::string_view client_id) = 0;
  // Every client, ordered by created_at, then client_id.
  virtual std::vector<Client> list() = 0;
  // Records a completed flow: last_used_at = now. False when no such client.
  virtual bool touch(std::string_view client_id, std::int64_t now) = 0;
  // Registration hygiene: removes clients of `kind` created before
  // `created_before` (strictly) that never completed a flow
  // (last_used_at == 0). Returns how many were removed.
  virtual std::size_t remove_unused(ClientKind kind, std::int64_t created_before) = 0;
};

}  // namespace gatehouse::store
