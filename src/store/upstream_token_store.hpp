#pragma once
// The upstream token vault's records: per Gatehouse grant, the upstream
// provider's tokens (and the identity they came with), sealed with
// AES-256-GCM under the vault key with the grant id as associated data
// (upstream/vault_keys.hpp). The store sees only sealed text plus what an
// operator may see: expiry, whether a refresh token exists, the state.
//
// A record is written when the upstream sign-in completes, before the grant
// exists (state `pending`: the grant id is chosen then, and the code carries
// it to the token endpoint), becomes `active` when the code is exchanged,
// and `needs_reauthorization` when the upstream refuses a refresh.
//
// Updates are compare-and-set on `version`, so two instances refreshing the
// same grant cannot overwrite each other's rotated refresh token.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

enum class VaultState {
  pending,                // sealed at sign-in; no grant yet
  active,                 // the grant exists; tokens are used and refreshed
  needs_reauthorization,  // the upstream refused a refresh: sign in again
};
std::string_view to_string(VaultState state);
std::optional<VaultState> parse_vault_state(std::string_view text);

struct UpstreamTokenRecord {
  std::string grant_id;  // the key, and the associated data of `sealed`
  std::string user_id;
  std::string provider;  // the provider's name, e.g. "github"
  std::string sealed;    // VaultKeys::seal(grant_id, the tokens as JSON)
  std::int64_t access_expires_at = 0;  // Unix seconds; 0: the provider said nothing
  bool has_refresh_token = false;
  VaultState state = VaultState::pending;
  std::int64_t version = 1;  // set by the store: 1 on add, +1 on each update
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  bool operator==(const UpstreamTokenRecord&) const = default;
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class UpstreamTokenStore {
 public:
  virtual ~UpstreamTokenStore() = default;

  // False, and nothing changes, when a record for the grant exists. The
  // stored version is 1 whatever `record.version` says.
  virtual bool add(const UpstreamTokenRecord& record) = 0;
  virtual std::optional<UpstreamTokenRecord> find(std::string_view grant_id) = 0;
  // Compare-and-set: replaces the record of record.grant_id when its stored
  // version is `expected_version`; the stored version becomes
  // expected_version + 1. False, and nothing changes, otherwise (another
  // writer was first, or the record is gone).
  virtual bool update(const UpstreamTokenRecord& record, std::int64_t expected_version) = 0;
  virtual bool remove(std::string_view grant_id) = 0;
  // Every record, ordered by grant id (operator listings and the sweep
  // that follows grants revoked or removed elsewhere).
  virtual std::vector<UpstreamTokenRecord> list() = 0;
  // Records still `pending` that were created before `created_before`
  // (sign-ins whose code was never exchanged), removed and returned so the
  // caller can revoke their tokens at the provider.
  virtual std::vector<UpstreamTokenRecord> remove_pending(std::int64_t created_before) = 0;
};

}  // namespace gatehouse::store
