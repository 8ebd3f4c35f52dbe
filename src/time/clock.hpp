#pragma once
// The one source of the current time. Components read it through a
// `const Clock&` handed to them (system_clock() in the server), so tests can
// move time with a fake instead of sleeping (tests/support/manual_clock.hpp).
// Only reading the time goes through here; waiting (Asio timers) does not.
#include <chrono>
#include <cstdint>

namespace gatehouse::time {

class Clock {
 public:
  virtual ~Clock() = default;

  // Calendar time, for what is compared with other machines or stored:
  // JWT iat/exp, store timestamps, sealed expiry, HTTP Expires.
  virtual std::chrono::system_clock::time_point wall() const = 0;
  // Time that never jumps (NTP, manual changes), for durations: cache
  // lifetimes, idle expiry, rate limits, deadlines.
  virtual std::chrono::steady_clock::time_point monotonic() const = 0;

  // wall() as Unix seconds, the unit stores and JWTs use.
  std::int64_t unix_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(wall().time_since_epoch()).count();
  }
};

// The process-wide real clock (std::chrono::system_clock and steady_clock).
const Clock& system_clock();

}  // namespace gatehouse::time
