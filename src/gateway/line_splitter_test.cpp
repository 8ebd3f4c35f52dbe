#include "gateway/line_splitter.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gatehouse::gateway {
namespace {

struct Collected {
  std::vector<std::string> lines;
  std::vector<std::size_t> oversize;
};

void feed(LineSplitter& s, Collected& c, std::string_view bytes) {
  s.feed(bytes, [&](std::string_view line) { c.lines.emplace_back(line); },
         [&](std::size_t n) { c.oversize.push_back(n); });
}

TEST(LineSplitter, SplitsOnNewlinesAcrossReads) {
  LineSplitter s(100);
  Collected c;
  feed(s, c, "{\"a\":1}\n{\"b\"");
  feed(s, c, ":2}\r\n\n{\"c\":3}\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
  EXPECT_TRUE(c.oversize.empty());
  EXPECT_EQ(s.pending(), 0u);
}

// A child writing a huge line costs at most the bound in memory; the line
// is reported once it ends and the next one is read normally.
TEST(LineSplitter, DropsALineOverTheBoundAndKeepsGoing) {
  LineSplitter s(16);
  Collected c;
  std::string big(1000, 'a');
  for (int i = 0; i < 100; ++i) {
    feed(s, c, big);
    EXPECT_LE(s.pending(), 16u);
  }
  feed(s, c, "\n{\"ok\":true}\n");
  ASSERT_EQ(c.oversize.size(), 1u);
  EXPECT_EQ(c.oversize[0], 100'000u);
  EXPECT_EQ(c.lines, std::vector<std::string>{"{\"ok\":true}"});
}

}  // namespace
}  // namespace gatehouse::gateway
