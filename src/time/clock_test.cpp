#include "time/clock.hpp"

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace gatehouse::time {
namespace {

using namespace std::chrono_literals;

TEST(Clock, TheSystemClockReadsTheRealTime) {
  const auto& clock = system_clock();
  auto before = std::chrono::system_clock::now();
  auto wall = clock.wall();
  EXPECT_LE(before, wall);
  EXPECT_LE(wall, std::chrono::system_clock::now());
  auto steady = clock.monotonic();
  EXPECT_LE(steady, std::chrono::steady_clock::now());
  EXPECT_EQ(&clock, &system_clock());  // one instance for the process
}

TEST(Clock, UnixSecondsIsTheWallTimeInSeconds) {
  testing::ManualClock clock(std::chrono::system_clock::time_point(1'700'000'000s + 900ms));
  EXPECT_EQ(clock.unix_seconds(), 1'700'000'000);
}

TEST(ManualClock, AdvanceMovesBothClocks) {
  testing::ManualClock clock;
  auto wall = clock.wall();
  auto steady = clock.monotonic();
  clock.advance(90s);
  EXPECT_EQ(clock.wall() - wall, 90s);
  EXPECT_EQ(clock.monotonic() - steady, 90s);
}

TEST(ManualClock, SettingTheWallClockBackLeavesMonotonicTimeAlone) {
  testing::ManualClock clock;
  auto steady = clock.monotonic();
  clock.set_unix_seconds(clock.unix_seconds() - 3600);
  EXPECT_EQ(clock.monotonic(), steady);
  clock.set_unix_seconds(clock.unix_seconds() + 7200);
  EXPECT_EQ(clock.monotonic() - steady, 7200s);
}

}  // namespace
}  // namespace gatehouse::time
