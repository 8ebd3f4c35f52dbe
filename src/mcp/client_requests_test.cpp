// A request to the client times out on the injected clock: an hour passes on
// a ManualClock, and the waiting request gives up at its next poll.
#include "mcp/client_requests.hpp"

#include "support/manual_clock.hpp"

#include <gatehouse/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;

TEST(ClientRequests, TimesOutOnTheInjectedClock) {
  testing::ManualClock clock;
  ClientRequests requests(clock);
  boost::asio::io_context ioc;
  std::string sent;
  const std::function<void(std::string)> send = [&](std::string message) { sent = std::move(message); };
  std::string failure;
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        const std::string_view method = "roots/list";
        const std::chrono::steady_clock::duration timeout = 1h;
        json::object params;
        try {
          co_await requests.ask(method, std::move(params), send, timeout);
        } catch (const McpError& e) {
          failure = e.what();
        }
      },
      boost::asio::detached);
  ioc.poll();  // sends the request and parks
  EXPECT_NE(sent.find("\"roots/list\""), std::string::npos) << sent;
  EXPECT_EQ(requests.waiting(), 1u);
  EXPECT_TRUE(failure.empty());

  clock.advance(1h);
  ioc.run();  // the waiter wakes at its next poll (at most 500 ms) and finds the hour gone
  EXPECT_NE(failure.find("did not answer roots/list in time"), std::string::npos) << failure;
  EXPECT_EQ(requests.waiting(), 0u);
}

}  // namespace
}  // namespace gatehouse::mcp
