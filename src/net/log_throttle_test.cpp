#include "net/log_throttle.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

using namespace std::chrono_literals;

// H5: a burst of thousands of failures yields one line per interval, each
// saying how many it stands for.
TEST(LogThrottle, H5_OneLinePerIntervalWithCount) {
  LogThrottle throttle(10s);
  LogThrottle::Clock::time_point t{};
  EXPECT_EQ(throttle.occurred(t), std::optional<std::size_t>(1));
  std::size_t lines = 0;
  for (int i = 1; i < 10'000; ++i)
    if (throttle.occurred(t + std::chrono::milliseconds(i))) ++lines;
  EXPECT_EQ(lines, 0u);  // all within the first 10 s
  EXPECT_EQ(throttle.occurred(t + 10s), std::optional<std::size_t>(10'000));
  EXPECT_EQ(throttle.occurred(t + 11s), std::nullopt);
  EXPECT_EQ(throttle.take_pending(), 1u);
  EXPECT_EQ(throttle.take_pending(), 0u);
}

}  // namespace
}  // namespace gatehouse::net
