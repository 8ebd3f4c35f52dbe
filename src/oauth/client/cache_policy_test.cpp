#include "oauth/client/cache_policy.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

using namespace std::chrono;

// 1994-11-06 08:49:37 UTC, the RFC 9110 §5.6.7 example instant.
const system_clock::time_point kExample = sys_days(year(1994) / November / 6) + 8h + 49min + 37s;
const system_clock::time_point kNow = sys_days(year(2025) / June / 1) + 12h;

struct LifetimeCase {
  std::string_view cache_control;
  std::string_view expires;
  seconds expected;
};

// CI5: cache per HTTP headers within [5 min, 24 h]; no-store/no-cache → 0.
const LifetimeCase kLifetimes[] = {
    {"", "", 5min},
    {"no-store", "", 0s},
    {"No-Store", "", 0s},
    {"max-age=3600, no-store", "", 0s},
    {"no-cache", "", 0s},
    {"no-cache=\"Set-Cookie, Vary\", max-age=3600", "", 0s},
    {"max-age=3600", "", 3600s},
    {"public, max-age=3600", "", 3600s},
    {"MAX-AGE=3600", "", 3600s},
    {"max-age=\"3600\"", "", 3600s},
    {"max-age = 3600", "", 3600s},
    {"max-age=0", "", 5min},
    {"max-age=60", "", 5min},
    {"max-age=31536000", "", 24h},
    {"max-age=99999999999999999999999", "", 24h},
    {"max-age=3600, s-maxage=7200", "", 7200s},
    {"s-maxage=600", "", 600s},
    {"max-age=3600, max-age=1800", "", 1800s},
    {"private=\"a, b\", max-age=900", "", 900s},
    {"max-age=-1", "", 5min},
    {"max-age=abc", "", 5min},
    {"max-age=", "", 5min},
    {"max-age", "", 5min},
    {"max-age=12x", "Sun, 01 Jun 2025 14:00:00 GMT", 2h},  // malformed max-age ignored, Expires used
    {"", "Sun, 01 Jun 2025 14:00:00 GMT", 2h},
    {"", "Sunday, 01-Jun-25 13:00:00 GMT", 1h},
    {"", "Sun Jun  1 12:30:00 2025", 30min},
    {"", "Sun, 01 Jun 2025 12:01:00 GMT", 5min},   // under min
    {"", "Sun, 01 Jun 2025 11:00:00 GMT", 5min},   // already past
    {"", "Tue, 01 Jul 2025 12:00:00 GMT", 24h},    // over max
    {"", "0", 5min},                                // malformed Expires ignored
    {"", "tomorrow", 5min},
    {"public", "Sun, 01 Jun 2025 14:00:00 GMT", 2h},
    {"max-age=600", "Sun, 01 Jun 2025 14:00:00 GMT", 600s},  // max-age wins over Expires
};

TEST(CachePolicy, CI5_Lifetimes) {
  for (const auto& c : kLifetimes) {
    SCOPED_TRACE(std::string(c.cache_control) + " | " + std::string(c.expires));
    EXPECT_EQ(cache_lifetime(c.cache_control, c.expires, kNow).count(), c.expected.count());
  }
}

TEST(CachePolicy, CI5_CustomBounds) {
  EXPECT_EQ(cache_lifetime("max-age=30", "", kNow, 10s, 1h), 30s);
  EXPECT_EQ(cache_lifetime("max-age=7200", "", kNow, 10s, 1h), 1h);
  EXPECT_EQ(cache_lifetime("", "", kNow, 10s, 1h), 10s);
  EXPECT_EQ(cache_lifetime("no-store", "", kNow, 10s, 1h), 0s);
}

TEST(CachePolicy, CI5_HttpDateFormats) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);   // IMF-fixdate
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), kExample);  // RFC 850
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), kExample);        // asctime
  EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994"), kExample);
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-26 00:00:00 GMT"),
            system_clock::time_point(sys_days(year(2026) / January / 1)));
  for (std::string_view bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                               "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                               "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                               "1994-11-06T08:49:37Z", "Sun, 06 Nov 1994 08:49:37 GMT extra"}) {
    SCOPED_TRACE(std::string(bad));
    EXPECT_FALSE(parse_http_date(bad).has_value());
  }
}

}  // namespace
}  // namespace gatehouse::oauth
