// Session idleness is measured on the registry's clock: expiry and the
// per-user eviction order are tested by moving a ManualClock.
#include "mcp/session_registry.hpp"

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;

struct SessionClock : ::testing::Test {
  std::shared_ptr<Session> session(std::string id, std::string subject = "alice") {
    return std::make_shared<Session>(std::move(id), "2025-11-25", json::object{}, json::object{}, std::move(subject),
                                     EventStream::Limits{}, nullptr, clock);
  }
  testing::ManualClock clock;
};

TEST_F(SessionClock, ASessionExpiresAfterTheIdleTimeOnTheClock) {
  SessionRegistry registry({.idle_timeout = 30min}, clock);
  ASSERT_EQ(registry.add(session("quiet")), SessionRegistry::Added::added);
  ASSERT_EQ(registry.add(session("busy")), SessionRegistry::Added::added);
  std::vector<std::string> closed;
  registry.on_closed([&](const std::string& id) { closed.push_back(id); });

  clock.advance(29min);
  registry.find("busy")->touch();
  EXPECT_EQ(registry.expire_idle(), 0u);
  clock.advance(1min + 1s);  // "quiet" idle for 30 min 1 s, "busy" for 1 min 1 s
  EXPECT_EQ(registry.expire_idle(), 1u);
  EXPECT_EQ(closed, std::vector<std::string>{"quiet"});
  EXPECT_TRUE(registry.find("busy"));
  clock.advance(29min);
  EXPECT_EQ(registry.expire_idle(), 1u);
  EXPECT_EQ(registry.size(), 0u);
}

// H7: at the per-user bound the user's least recently seen session goes.
TEST_F(SessionClock, H7_TheUsersLeastRecentlySeenSessionMakesRoom) {
  SessionRegistry registry({.max_sessions = 10, .max_sessions_per_user = 2}, clock);
  registry.add(session("first"));
  clock.advance(1s);
  registry.add(session("second"));
  clock.advance(1s);
  registry.find("first")->touch();  // now "second" is the least recently seen
  clock.advance(1s);
  registry.add(session("third"));
  EXPECT_TRUE(registry.find("first"));
  EXPECT_FALSE(registry.find("second"));
  EXPECT_TRUE(registry.find("third"));
}

}  // namespace
}  // namespace gatehouse::mcp
