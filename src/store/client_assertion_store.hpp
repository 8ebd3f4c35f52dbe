#pragma once
// The jti values of client assertions already used (private_key_jwt, RFC
// 7523 §3 item 7: "The authorization server MAY ensure that JWTs are not
// replayed by maintaining the set of used jti values for the length of time
// for which the JWT would be considered valid"). Persistent, so a restart
// does not reopen the window for a captured assertion.
//
// A jti is only unique per issuer, so records are keyed by the pair
// (client_id, jti). The verifier bounds jti length and assertion lifetime,
// which bounds what is kept.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gatehouse::store {

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class ClientAssertionStore {
 public:
  virtual ~ClientAssertionStore() = default;

  // Records that `jti` of `client_id` was used; the record lives until
  // `expires_at`. False, and nothing changes, when the same (client_id, jti)
  // is already recorded and still live (now < expires_at): a replay. A
  // record that has expired is replaced. Atomic under concurrency (two
  // simultaneous calls: exactly one true), also across processes sharing a
  // persistent store.
  virtual bool record(std::string_view client_id, std::string_view jti, std::int64_t expires_at,
                      std::int64_t now) = 0;
  // Removes records with expires_at <= now. Returns the count.
  virtual std::size_t remove_expired(std::int64_t now) = 0;
};

}  // namespace gatehouse::store
