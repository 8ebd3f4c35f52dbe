#include "net/log_throttle.hpp"

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

using namespace std::chrono_literals;

// H5: a burst of thousands of failures yields one line per interval, each
// saying how many it stands for.
TEST(LogThrottle, H5_OneLinePerIntervalWithCount) {
  testing::ManualClock clock;
  LogThrottle throttle(10s, clock);
  EXPECT_EQ(throttle.occurred(), std::optional<std::size_t>(1));
  std::size_t lines = 0;
  for (int i = 1; i < 10'000; ++i) {
    clock.advance(std::chrono::microseconds(999));
    if (throttle.occurred()) ++lines;
  }
  EXPECT_EQ(lines, 0u);  // all within the first 10 s
  clock.advance(10s - std::chrono::microseconds(999 * 9'999));
  EXPECT_EQ(throttle.occurred(), std::optional<std::size_t>(10'000));
  clock.advance(1s);
  EXPECT_EQ(throttle.occurred(), std::nullopt);
  EXPECT_EQ(throttle.take_pending(), 1u);
  EXPECT_EQ(throttle.take_pending(), 0u);
}

}  // namespace
}  // namespace gatehouse::net
