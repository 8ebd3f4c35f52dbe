#pragma once
// At most one log line per interval for an event that can repeat thousands
// of times a second (a failing accept, refused connections): the first
// occurrence is logged at once, later ones are counted and reported in the
// next line. One instance belongs to one strand; it takes no lock.
#include <chrono>
#include <cstddef>
#include <optional>

namespace gatehouse::net {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogThrottle(std::chrono::seconds interval) : interval_(interval) {}

  // Counts one occurrence at `now`. When a line is due, the number of
  // occurrences it reports (this one and those held back since the last
  // line); nullopt when the line is held back.
  std::optional<std::size_t> occurred(Clock::time_point now = Clock::now());

  // Occurrences counted but not yet reported; resets the count.
  std::size_t take_pending();

 private:
  std::chrono::seconds interval_;
  std::optional<Clock::time_point> last_line_;
  std::size_t pending_ = 0;
};

}  // namespace gatehouse::net
