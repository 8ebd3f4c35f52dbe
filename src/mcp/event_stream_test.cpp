#include "mcp/event_stream.hpp"

#include "support/run.hpp"

#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;

// Every frame a consumer attached after `after_seq` reads until the stream ends.
std::vector<std::string> drain(const std::shared_ptr<EventStream>& stream, std::uint64_t after_seq) {
  return testing::run([stream, after_seq]() -> awaitable<std::vector<std::string>> {
    std::vector<std::string> out;
    auto cursor = stream->attach(after_seq);
    while (auto f = co_await stream->next(cursor, 1s)) out.push_back(*f);
    co_return out;
  });
}

TEST(EventStream, FramesCarryIdAndSingleDataLine) {
  EXPECT_EQ(EventStream::frame("3-1", R"({"a":1})"), "id: 3-1\ndata: {\"a\":1}\n\n");
  // The priming event: an id, a retry and an empty data line, so parsers
  // that drop data-less events still record the id.
  EXPECT_EQ(EventStream::frame("3-0", "", 1000), "id: 3-0\nretry: 1000\ndata: \n\n");
}

TEST(EventStream, ParsesEventIds) {
  auto parsed = EventStream::parse_event_id("12-7");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, "12");
  EXPECT_EQ(parsed->second, 7u);
  EXPECT_FALSE(EventStream::parse_event_id("12"));
  EXPECT_FALSE(EventStream::parse_event_id("-7"));
  EXPECT_FALSE(EventStream::parse_event_id("12-x"));
  EXPECT_FALSE(EventStream::parse_event_id(""));
}

TEST(EventStream, DeliversInOrderThenEnds) {
  auto stream = std::make_shared<EventStream>("1", EventStream::Limits{});
  stream->push("a");
  stream->push("b");
  stream->close();
  auto frames = drain(stream, 0);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], "id: 1-1\ndata: a\n\n");
  EXPECT_EQ(frames[1], "id: 1-2\ndata: b\n\n");
}

TEST(EventStream, ResumesAfterLastEventId) {
  auto stream = std::make_shared<EventStream>("4", EventStream::Limits{});
  for (auto m : {"a", "b", "c"}) stream->push(m);
  stream->close();
  auto frames = drain(stream, 2);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], "id: 4-3\ndata: c\n\n");
}

TEST(EventStream, ReplayBufferIsBounded) {
  auto stream = std::make_shared<EventStream>("5", EventStream::Limits{.max_events = 2, .max_bytes = 1024});
  for (auto m : {"a", "b", "c", "d"}) stream->push(m);
  stream->close();
  auto frames = drain(stream, 0);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], "id: 5-3\ndata: c\n\n");
}

TEST(EventStream, SendsKeepAliveWhenQuiet) {
  auto stream = std::make_shared<EventStream>("6", EventStream::Limits{});
  auto frame = testing::run([stream]() -> awaitable<std::optional<std::string>> {
    auto cursor = stream->attach(0);
    co_return co_await stream->next(cursor, 10ms);
  });
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame, ": keep-alive\n\n");
}

TEST(EventStream, NewConsumerTakesOverFromOld) {
  auto stream = std::make_shared<EventStream>("7", EventStream::Limits{});
  stream->push("a");
  auto old_cursor = stream->attach(0);
  auto new_cursor = stream->attach(0);
  auto result = testing::run([&]() -> awaitable<std::pair<bool, bool>> {
    auto old_frame = co_await stream->next(old_cursor, 1s);
    auto new_frame = co_await stream->next(new_cursor, 1s);
    co_return std::pair{old_frame.has_value(), new_frame.has_value()};
  });
  EXPECT_FALSE(result.first);  // never the same message on two connections
  EXPECT_TRUE(result.second);
}

TEST(EventStream, InterruptEndsOneConsumerButKeepsMessages) {
  auto stream = std::make_shared<EventStream>("8", EventStream::Limits{});
  stream->interrupt();
  stream->push("late");
  stream->close();
  auto result = testing::run([&]() -> awaitable<std::pair<bool, std::vector<std::string>>> {
    auto first = stream->attach(0);
    bool first_got = (co_await stream->next(first, 1s)).has_value();
    std::vector<std::string> resumed;
    auto second = stream->attach(0);
    while (auto f = co_await stream->next(second, 1s)) resumed.push_back(*f);
    co_return std::pair{first_got, resumed};
  });
  EXPECT_FALSE(result.first);
  ASSERT_EQ(result.second.size(), 1u);
  EXPECT_EQ(result.second[0], "id: 8-1\ndata: late\n\n");
}

TEST(EventStream, WakesAConsumerFromAnotherThread) {
  auto stream = std::make_shared<EventStream>("9", EventStream::Limits{});
  boost::asio::io_context ioc;
  std::optional<std::string> frame;
  boost::asio::co_spawn(
      ioc,
      [stream, &frame]() -> awaitable<void> {
        auto cursor = stream->attach(0);
        frame = co_await stream->next(cursor, 5s);
      },
      boost::asio::detached);
  // Runs the consumer until nothing is ready: it is then parked on its
  // timer, and the push below must wake it from another thread.
  ioc.poll();
  ASSERT_FALSE(frame);
  std::thread producer([stream] {
    stream->push("from-thread");
    stream->close();
  });
  ioc.run();
  producer.join();
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame, "id: 9-1\ndata: from-thread\n\n");
}

}  // namespace
}  // namespace gatehouse::mcp
