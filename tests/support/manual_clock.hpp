#pragma once
// A Clock for tests that moves only when told: advance() moves wall and
// monotonic time together, so expiry, idle timeouts and cache lifetimes are
// tested without sleeping. Safe to read from other threads (a server under
// test) while the test thread advances it.
#include "time/clock.hpp"

#include <atomic>
#include <chrono>

namespace gatehouse::testing {

class ManualClock final : public time::Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z, unless told otherwise; monotonic time
  // starts a day after the steady clock's epoch (never at zero, which some
  // components read as "never").
  explicit ManualClock(std::chrono::system_clock::time_point wall = std::chrono::system_clock::time_point(
                           std::chrono::seconds(1767225600)))
      : wall_(wall.time_since_epoch().count()) {}

  std::chrono::system_clock::time_point wall() const override {
    return std::chrono::system_clock::time_point(std::chrono::system_clock::duration(wall_.load()));
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(monotonic_.load()));
  }

  // Moves both clocks forward by `d`.
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) {
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d).count();
    monotonic_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d).count();
  }
  // Sets the wall clock (either way); monotonic time moves by the same
  // amount only when it goes forward, as a steady clock would.
  void set_wall(std::chrono::system_clock::time_point t) {
    auto step = t.time_since_epoch().count() - wall_.load();
    if (step > 0) advance(std::chrono::system_clock::duration(step));
    else wall_ = t.time_since_epoch().count();
  }
  void set_unix_seconds(std::int64_t s) { set_wall(std::chrono::system_clock::time_point(std::chrono::seconds(s))); }

 private:
  std::atomic<std::chrono::system_clock::rep> wall_;
  std::atomic<std::chrono::steady_clock::rep> monotonic_{
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::hours(24)).count()};
};

}  // namespace gatehouse::testing
