#include "gateway/sse_parser.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gatehouse::gateway {
namespace {

struct Collected {
  std::vector<SseEvent> events;
  int oversize = 0;
};

void feed(SseParser& p, Collected& c, std::string_view bytes) {
  p.feed(bytes, [&](const SseEvent& e) { c.events.push_back(e); }, [&] { ++c.oversize; });
}

TEST(SseParser, ReadsEventsSplitAnywhere) {
  std::string stream =
      ": keep-alive\n\nid: 7\nevent: message\ndata: {\"a\":\r\ndata: 1}\r\n\r\nretry: 500\ndata:x\n\n";
  // Byte by byte: events do not depend on how reads split the body.
  SseParser p(1024);
  Collected c;
  for (char ch : stream) feed(p, c, std::string_view(&ch, 1));
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].id, "7");
  EXPECT_EQ(c.events[0].event, "message");
  EXPECT_EQ(c.events[0].data, "{\"a\":\n1}");
  EXPECT_EQ(c.events[1].data, "x");
  EXPECT_EQ(c.events[1].id, "7");  // the last event id carries over
  EXPECT_EQ(p.retry(), 500u);
  EXPECT_EQ(p.last_event_id(), "7");
}

TEST(SseParser, AnEventWithoutDataIsNotDispatched) {
  SseParser p(1024);
  Collected c;
  feed(p, c, "id: 3\n\nevent: ping\n\n");
  EXPECT_TRUE(c.events.empty());
  EXPECT_EQ(p.last_event_id(), "3");  // a priming event still sets the id
}

TEST(SseParser, AnEventOverTheBoundIsDroppedAndTheNextIsRead) {
  SseParser p(16);
  Collected c;
  feed(p, c, "data: " + std::string(100'000, 'a') + "\n\ndata: ok\n\n");
  EXPECT_EQ(c.oversize, 1);
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].data, "ok");
}

}  // namespace
}  // namespace gatehouse::gateway
