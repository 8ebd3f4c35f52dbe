#pragma once
// Failed sign-ins per key — the caller's key is a user name and the source
// network the attempts come from — with a wait that grows with each failure
// past a free allowance (OWASP Authentication Cheat Sheet, "Account
// lockout": delays rather than a hard lock, so nobody can lock another
// person out from elsewhere). A success clears the key.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gatehouse::store {

struct LoginBackoff {
  std::int64_t free_failures = 5;   // failures before any wait
  std::int64_t first_wait = 30;     // seconds after the first failure past the allowance; doubles after each further one
  std::int64_t max_wait = 900;      // the wait never exceeds this
  std::int64_t forget_after = 3600; // a key's failures are forgotten this long after its last one

  // The wait a key earns with `failures` failures: none within the allowance,
  // then first_wait, 2·first_wait, 4·first_wait, ... up to max_wait.
  constexpr std::int64_t wait_after(std::int64_t failures) const {
    if (failures < free_failures) return 0;
    std::int64_t wait = first_wait;
    for (std::int64_t i = free_failures; i < failures && wait < max_wait; ++i) wait *= 2;
    return std::min(wait, max_wait);
  }
};

struct LoginAttempt {
  bool allowed = false;
  std::int64_t retry_at = 0;  // refused: when the key's wait ends (Unix seconds)
  std::int64_t failures = 0;  // the key's failures, this attempt counted when allowed
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
// Keys are stored hashed (store/counter_key.hpp).
class LoginFailureStore {
 public:
  virtual ~LoginFailureStore() = default;

  // Atomically: while `key`'s wait lasts at `now`, refuses and counts
  // nothing. Otherwise allows the attempt and counts it as a failure in
  // advance — the caller calls succeeded() when the password was right — so
  // parallel attempts cannot all slip through before the first failure is
  // recorded. A key forgotten (see LoginBackoff::forget_after) starts at 0.
  virtual LoginAttempt begin(std::string_view key, std::int64_t now, const LoginBackoff& backoff) = 0;
  // The attempt begun for `key` was right: its failures are cleared.
  virtual void succeeded(std::string_view key) = 0;
  // Removes keys forgotten at `now`. Returns the count.
  virtual std::size_t remove_expired(std::int64_t now) = 0;
};

}  // namespace gatehouse::store
