#pragma once
// Fixed-window request counters, e.g. for /register and /token per client
// address (DESIGN.md: DCR registration hygiene). Kept in the store so the
// limits hold across restarts and, with a shared store, across instances.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gatehouse::store {

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
// Keys are stored hashed (store/counter_key.hpp): callers may build them
// from request input of any size.
class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;

  // Counts one hit for `key` in the fixed window of `window_seconds` that
  // holds `now` (windows start at multiples of window_seconds since the
  // epoch) and returns whether it is allowed: true while the window's count,
  // this hit included, is at most `limit`. Refused hits count too. A key's
  // counter restarts in each new window. Atomic: concurrent hits are all
  // counted. Throws std::invalid_argument when window_seconds <= 0.
  virtual bool hit(std::string_view key, std::int64_t window_seconds, std::int64_t limit, std::int64_t now) = 0;
  // Removes counters whose window ended at or before `now`. Returns the count.
  virtual std::size_t remove_expired(std::int64_t now) = 0;
};

// The start of the fixed window of `window_seconds` holding `now`; also for
// negative times. Shared by the implementations so they agree.
constexpr std::int64_t window_start(std::int64_t now, std::int64_t window_seconds) {
  std::int64_t r = now % window_seconds;
  if (r < 0) r += window_seconds;
  return now - r;
}

}  // namespace gatehouse::store
