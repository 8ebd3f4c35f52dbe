#pragma once
// Grants (one user's consent for one client, scope and resource) and their
// refresh-token families. Refresh tokens rotate (OAuth 2.1 §4.3.1, RFC 9700
// §4.14.2): each use replaces the token, and presenting a replaced token
// again is a replay that should revoke the whole grant.
//
// A token is "used" when its holder presented it (used_at). A client that
// lost the answer to its refresh retries with the old token; the server then
// rotates the family's current token on its behalf (rotate_retry), which
// rotates that token without using it. Once any later token of the family
// has been used, the client evidently received its answer, and the old token
// coming back is reuse (RFC 9700 §4.14.2).
//
// Refresh tokens are stored only as hashes: callers pass `token_hash` =
// lowercase hex SHA-256 of the token they handed out; the store never sees
// a usable token.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::store {

struct Grant {
  std::string id;  // opaque; access tokens carry it so revocation can find them
  std::string user_id;
  std::string client_id;
  std::string scope;                     // space-separated
  std::string resource;                  // RFC 8707 audience the grant is bound to
  std::int64_t created_at = 0;           // Unix seconds
  std::int64_t absolute_expires_at = 0;  // live while now < absolute_expires_at,
                                         // however often it is refreshed
  std::int64_t revoked_at = 0;           // 0: live

  bool operator==(const Grant&) const = default;
};

struct RefreshToken {
  std::string token_hash;        // hex SHA-256 of the token; the key
  std::string grant_id;          // set by the store from the grant it joins
  std::int64_t created_at = 0;   // Unix seconds
  std::int64_t expires_at = 0;   // sliding expiry: usable while now < expires_at
  std::int64_t rotated_at = 0;   // 0: the current token of its family
  std::string replaced_by_hash;  // the token that replaced it; "" while current
  std::int64_t used_at = 0;      // when its holder last presented it and got an
                                 // answer (0: never; a token rotated by a retry
                                 // of an earlier one stays unused)

  bool operator==(const RefreshToken&) const = default;
};

enum class RotateStatus {
  rotated,          // the old token is now replaced by the new one
  already_rotated,  // the old token was replaced earlier: a replay (or a
                    // client retrying); see rotated_at / replaced_by_hash
  revoked,          // the grant is revoked
  expired,          // the old token or its grant has expired
  not_found,        // no such token (never issued, or removed)
  successor_used,   // rotate_retry: a later token of the family was used, so
                    // the retried token is reuse; nothing changed
};

struct RotateResult {
  RotateStatus status = RotateStatus::not_found;
  std::string grant_id;          // every status but not_found
  std::int64_t rotated_at = 0;   // already_rotated: when the old token was replaced
  std::string replaced_by_hash;  // already_rotated: the token that replaced it
};

// How far rotate_retry follows a family from the retried token to its
// current one (a bounded walk: a longer chain is not a retry).
inline constexpr int kMaxRetryChain = 8;

// What remove_expired took away.
struct GrantCleanup {
  std::size_t grants = 0;          // grants whose absolute expiry passed, or
                                   // with no refresh token left
  std::size_t refresh_tokens = 0;  // all tokens removed, including those of removed grants

  bool operator==(const GrantCleanup&) const = default;
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class GrantStore {
 public:
  virtual ~GrantStore() = default;

  // Stores a grant with the first token of its family, both or neither.
  // first_refresh_token starts current: its grant_id, rotated_at and
  // replaced_by_hash are ignored (the grant's id, 0 and ""). False,
  // and nothing changes, when the grant id or the token hash exists.
  virtual bool create(const Grant& grant, const RefreshToken& first_refresh_token) = 0;
  // The token and its grant, whatever their state (rotated, revoked,
  // expired): the caller decides, and a rotated token found here is a replay.
  virtual std::optional<std::pair<Grant, RefreshToken>> find_refresh(std::string_view token_hash) = 0;
  // Compare-and-set: replaces `old_hash` by `new_token` only when old_hash
  // is the current token of a live grant and neither has expired at `now`.
  // Of two concurrent calls with the same old_hash exactly one gets
  // `rotated`; the other gets `already_rotated` naming the winner's token.
  // Status precedence: not_found, already_rotated, revoked, expired.
  // new_token joins old's grant as its current token (its grant_id,
  // rotated_at and replaced_by_hash are ignored). On success old_hash is
  // marked used at `now`. Throws StoreError, changing nothing, when
  // new_token.token_hash already exists.
  virtual RotateResult rotate(std::string_view old_hash, const RefreshToken& new_token, std::int64_t now) = 0;
  // A client retrying with `retried_hash`, a token that was already
  // rotated. In one atomic step: follows replaced_by_hash from it (at most
  // kMaxRetryChain links) to the family's current token; when no token after
  // retried_hash on that path has been used, rotates the current token to
  // new_token (as rotate does, without marking it used) and marks
  // retried_hash used. Statuses: rotated; successor_used (reuse: nothing
  // changed); revoked; expired (the current token or the grant);
  // not_found when retried_hash is unknown or still current (nothing to
  // retry: use rotate), or the chain breaks or is longer.
  // Racing calls on the same family serialize: a rotate of the current
  // token that wins makes this call see it used. Throws StoreError as
  // rotate does.
  virtual RotateResult rotate_retry(std::string_view retried_hash, const RefreshToken& new_token, std::int64_t now) = 0;
  // Marks the grant revoked at `now`; its refresh tokens stop rotating.
  // False when unknown or already revoked (the first revocation time stays).
  virtual bool revoke_grant(std::string_view grant_id, std::int64_t now) = 0;
  virtual std::optional<Grant> find_grant(std::string_view grant_id) = 0;
  // Grants matching both filters (a missing filter matches all), revoked
  // ones included, ordered by created_at, then id.
  virtual std::vector<Grant> list_grants(const std::optional<std::string>& user_id,
                                         const std::optional<std::string>& client_id) = 0;
  // Removes refresh tokens with expires_at <= now (rotated ones are kept
  // until then, so replays stay detectable), grants with
  // absolute_expires_at <= now together with their tokens, and grants left
  // with no refresh token.
  virtual GrantCleanup remove_expired(std::int64_t now) = 0;
};

}  // namespace gatehouse::store
