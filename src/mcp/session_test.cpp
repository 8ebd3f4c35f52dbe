// H6: what a session keeps for Last-Event-ID resumption stays within its
// byte budget and the process-wide one, large answers going first.
#include "mcp/session.hpp"

#include "support/run.hpp"

#include <gtest/gtest.h>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;

// Writes every queued event of `stream` to a consumer, as a connected client would read them.
void deliver(const std::shared_ptr<EventStream>& stream) {
  testing::run([&]() -> boost::asio::awaitable<void> {
    auto cursor = stream->attach(0);
    while (auto frame = co_await stream->next(cursor, 10ms))
      if (frame->starts_with(":")) break;
  });
}

struct ReplayFixture : ::testing::Test {
  std::shared_ptr<ReplayBudget> total = std::make_shared<ReplayBudget>(1'000'000);
  Session session{"s", "2025-11-25", {}, {}, "alice", EventStream::Limits{},
                  std::make_shared<ReplayBudget>(10'000, total)};
};

TEST_F(ReplayFixture, H6_DeliveredAnswersAreTrimmedToTheSessionBudgetLargestFirst) {
  auto small = session.open_request_stream();
  small->push(std::string(1'000, 's'));
  small->close();
  auto large = session.open_request_stream();
  large->push(std::string(9'000, 'l'));
  large->close();
  auto medium = session.open_request_stream();
  medium->push(std::string(3'000, 'm'));
  medium->close();
  EXPECT_EQ(session.replay_budget()->used(), 13'000u);
  EXPECT_EQ(total->used(), 13'000u);

  deliver(small);
  deliver(large);
  deliver(medium);
  session.trim_replay(10'000);
  // The large answer went; the small and medium ones can still be replayed.
  EXPECT_EQ(large->bytes(), 0u);
  EXPECT_EQ(small->bytes(), 1'000u);
  EXPECT_EQ(medium->bytes(), 3'000u);
  EXPECT_EQ(session.replay_budget()->used(), 4'000u);
  EXPECT_EQ(total->used(), 4'000u);
}

TEST_F(ReplayFixture, H6_UndeliveredAnswerOfARunningRequestIsKept) {
  auto running = session.open_request_stream();
  running->push(std::string(20'000, 'r'));  // over the budget, never written yet
  session.trim_replay(10'000);
  EXPECT_EQ(running->bytes(), 20'000u);
  deliver(running);
  session.trim_replay(10'000);
  EXPECT_EQ(running->bytes(), 0u);
}

TEST_F(ReplayFixture, H6_FinishedStreamsNobodyReadGoOldestFirstWhenStillOver) {
  auto old_one = session.open_request_stream();
  old_one->push(std::string(6'000, 'o'));
  old_one->close();
  auto new_one = session.open_request_stream();
  new_one->push(std::string(6'000, 'n'));
  new_one->close();
  session.trim_replay(10'000);
  EXPECT_EQ(session.find_stream(old_one->id()), nullptr);
  EXPECT_EQ(session.find_stream(new_one->id()), new_one);
  EXPECT_EQ(session.replay_budget()->used(), 6'000u);
}

TEST_F(ReplayFixture, H6_StreamsGiveTheirBytesBackWhenDropped) {
  {
    auto stream = session.open_request_stream();
    stream->push("x");
  }
  EXPECT_EQ(total->used(), 1u);
  session.close();
  for (int i = 0; i < 40; ++i) session.open_request_stream();  // pushes the first one out of the window
  EXPECT_EQ(total->used(), 0u);
}

}  // namespace
}  // namespace gatehouse::mcp
