#pragma once
// At most one log line per interval for an event that can repeat thousands
// of times a second (a failing accept, refused connections): the first
// occurrence is logged at once, later ones are counted and reported in the
// next line. One instance belongs to one strand; it takes no lock.
#include "time/clock.hpp"

#include <chrono>
#include <cstddef>
#include <optional>

namespace gatehouse::net {

class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::seconds interval, const time::Clock& clock = time::system_clock())
      : interval_(interval), clock_(clock) {}

  // Counts one occurrence now (the clock's monotonic time). When a line is due, the number of
  // occurrences it reports (this one and those held back since the last
  // line); nullopt when the line is held back.
  std::optional<std::size_t> occurred();

  // Occurrences counted but not yet reported; resets the count.
  std::size_t take_pending();

 private:
  std::chrono::seconds interval_;
  const time::Clock& clock_;
  std::optional<std::chrono::steady_clock::time_point> last_line_;
  std::size_t pending_ = 0;
};

}  // namespace gatehouse::net
