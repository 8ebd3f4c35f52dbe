#include "net/log_throttle.hpp"

#include <utility>

namespace gatehouse::net {

std::optional<std::size_t> LogThrottle::occurred() {
  ++pending_;
  auto now = clock_.monotonic();
  if (last_line_ && now - *last_line_ < interval_) return std::nullopt;
  last_line_ = now;
  return std::exchange(pending_, 0);
}

std::size_t LogThrottle::take_pending() { return std::exchange(pending_, 0); }

}  // namespace gatehouse::net
