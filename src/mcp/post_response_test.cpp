// The answer to one POST: plain JSON when the response comes first and
// alone, an SSE stream (made only then) when anything precedes it.
#include "mcp/post_response.hpp"

#include "support/run.hpp"

#include <gtest/gtest.h>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;

struct PostResponseTest : ::testing::Test {
  int opened = 0;
  std::shared_ptr<PostResponse> response = std::make_shared<PostResponse>([this] {
    ++opened;
    return std::make_shared<EventStream>("1", EventStream::Limits{});
  });

  void wait(std::chrono::steady_clock::duration timeout) {
    testing::run([&]() -> boost::asio::awaitable<void> { co_await response->decided(timeout); });
  }
};

// TR3: a response with nothing before it is the plain JSON answer, and no
// event stream is ever made for it.
TEST_F(PostResponseTest, TR3_AResponseAloneIsPlainJsonWithoutAStream) {
  response->respond(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  response->finish();
  wait(1h);  // returns at once: decided
  auto answer = response->take_answer();
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, R"({"jsonrpc":"2.0","id":1,"result":{}})");
  EXPECT_EQ(opened, 0);
}

// TR3: a notification first opens the stream; the response follows on it.
TEST_F(PostResponseTest, TR3_ANotificationFirstMakesItAStream) {
  response->stream()->push("progress");
  wait(1h);  // decided by the open stream, before the handler finishes
  response->respond("result");
  response->finish();
  EXPECT_FALSE(response->take_answer());
  auto stream = response->stream();
  EXPECT_EQ(opened, 1);
  EXPECT_TRUE(stream->closed());
  auto cursor = stream->attach(0);
  auto first = testing::run([&]() -> boost::asio::awaitable<std::optional<std::string>> {
    co_return co_await stream->next(cursor, 1h);
  });
  ASSERT_TRUE(first);
  EXPECT_NE(first->find("progress"), std::string::npos);
}

// A handler still silent when the exchange stops waiting: the exchange
// answers with the stream, and the late response arrives on it.
TEST_F(PostResponseTest, AResponseAfterTheWaitEndedGoesOnTheStream) {
  wait(1ms);
  EXPECT_FALSE(response->take_answer());
  auto stream = response->stream();
  EXPECT_FALSE(stream->closed());
  response->respond("late");
  response->finish();
  EXPECT_TRUE(stream->closed());
  EXPECT_EQ(stream->bytes(), std::string("late").size());
  EXPECT_EQ(opened, 1);
}

// Cancelled before a response (MCP basic/utilities/cancellation: no
// response is sent): an empty, closed stream, never a made-up answer.
TEST_F(PostResponseTest, ACancelledRequestEndsWithAnEmptyClosedStream) {
  response->finish();
  wait(1h);
  EXPECT_FALSE(response->take_answer());
  EXPECT_TRUE(response->stream()->closed());
  EXPECT_EQ(response->stream()->bytes(), 0u);
}

}  // namespace
}  // namespace gatehouse::mcp
