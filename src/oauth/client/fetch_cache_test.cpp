#include "oauth/client/fetch_cache.hpp"

#include "support/manual_clock.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace gatehouse::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Cache = FetchCache<std::string>;

// A fetch that returns `value` for `lifetime`, counting its calls.
Cache::Fetch fetch_of(std::string value, std::chrono::seconds lifetime, int& calls, std::size_t bytes = 10) {
  return [value, lifetime, &calls, bytes]() -> asio::awaitable<Cache::FetchResult> {
    ++calls;
    co_return Cache::Fresh{std::make_shared<const std::string>(value), lifetime, bytes};
  };
}

Cache::Fetch failing(std::string reason, int& calls) {
  return [reason, &calls]() -> asio::awaitable<Cache::FetchResult> {
    ++calls;
    co_return Cache::FetchResult{reason};
  };
}

// Runs one get() to completion on a fresh io_context.
Cache::Outcome get(Cache& cache, const std::string& key, Cache::Fetch fetch) {
  asio::io_context ioc;
  Cache::Outcome out;
  asio::co_spawn(
      ioc, [&]() -> asio::awaitable<void> { out = co_await cache.get(key, fetch); }, asio::detached);
  ioc.run();
  return out;
}

std::string value_of(const Cache::Outcome& o) {
  auto* v = std::get_if<Cache::Value>(&o);
  return v && *v ? **v : "<error: " + std::get<std::string>(o) + ">";
}

TEST(FetchCache, CI5_ReusesALiveEntryUntilItsLifetimeEnds) {
  testing::ManualClock t;
  Cache cache({}, t);
  int calls = 0;
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("one", 300s, calls))), "one");
  t.advance(299s);
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("two", 300s, calls))), "one");
  EXPECT_EQ(calls, 1);
  t.advance(1s);  // expired at exactly its lifetime
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("two", 300s, calls))), "two");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.stats().hits, 1u);
}

TEST(FetchCache, CI5_NeverCachesFailures) {
  testing::ManualClock t;
  Cache cache({}, t);
  int calls = 0;
  auto first = get(cache, "a", failing("timed out", calls));
  ASSERT_TRUE(std::holds_alternative<std::string>(first));
  EXPECT_EQ(std::get<std::string>(first), "timed out");
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("ok", 300s, calls))), "ok");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(FetchCache, CI5_StaleValueAnswersAFailedRefetchWithinTheWindow) {
  testing::ManualClock t;
  Cache cache({.max_entries = 10, .max_bytes = 1000, .stale_if_error = 3600s}, t);
  int calls = 0;
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("one", 300s, calls))), "one");
  t.advance(301s);
  EXPECT_EQ(value_of(get(cache, "a", failing("host down", calls))), "one");
  EXPECT_EQ(cache.stats().stale, 1u);
  // Still expired: the next request tries again, and a success replaces it.
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("two", 300s, calls))), "two");
  EXPECT_EQ(calls, 3);
  // Past lifetime + window the failure stands, and the entry is gone.
  t.advance(300s + 3600s);
  EXPECT_EQ(value_of(get(cache, "a", failing("host down", calls))), "<error: host down>");
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(FetchCache, CI5_NoStoreAnswerRemovesAnOldValue) {
  testing::ManualClock t;
  Cache cache({.max_entries = 10, .max_bytes = 1000, .stale_if_error = 3600s}, t);
  int calls = 0;
  get(cache, "a", fetch_of("one", 300s, calls));
  t.advance(301s);
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("uncacheable", 0s, calls))), "uncacheable");
  EXPECT_EQ(value_of(get(cache, "a", failing("host down", calls))), "<error: host down>");
}

TEST(FetchCache, CI5_ZeroLifetimeIsServedButNotKept) {
  testing::ManualClock t;
  Cache cache({}, t);
  int calls = 0;
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("no-store", 0s, calls))), "no-store");
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("no-store", 0s, calls))), "no-store");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(FetchCache, CI5_EvictsTheLeastRecentlyUsedEntryBeyondMaxEntries) {
  testing::ManualClock t;
  Cache cache({.max_entries = 2, .max_bytes = 1000}, t);
  int calls = 0;
  get(cache, "a", fetch_of("A", 300s, calls));
  get(cache, "b", fetch_of("B", 300s, calls));
  get(cache, "a", fetch_of("A2", 300s, calls));  // a is now most recent
  get(cache, "c", fetch_of("C", 300s, calls));   // evicts b
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("A3", 300s, calls))), "A");
  EXPECT_EQ(value_of(get(cache, "b", fetch_of("B2", 300s, calls))), "B2");
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST(FetchCache, CI5_EvictsBeyondMaxBytesAndSkipsOversizedValues) {
  testing::ManualClock t;
  Cache cache({.max_entries = 100, .max_bytes = 100}, t);
  int calls = 0;
  get(cache, "a", fetch_of("A", 300s, calls, 60));
  get(cache, "b", fetch_of("B", 300s, calls, 60));  // 120 > 100: a goes
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().bytes, 60u);
  EXPECT_EQ(value_of(get(cache, "b", fetch_of("B2", 300s, calls))), "B");
  get(cache, "huge", fetch_of("H", 300s, calls, 101));  // larger than the whole cache: not kept
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(value_of(get(cache, "huge", fetch_of("H2", 300s, calls, 101))), "H2");
}

TEST(FetchCache, CI5_EraseForgetsAnEntry) {
  testing::ManualClock t;
  Cache cache({}, t);
  int calls = 0;
  get(cache, "a", fetch_of("A", 300s, calls));
  cache.erase("a");
  EXPECT_EQ(value_of(get(cache, "a", fetch_of("A2", 300s, calls))), "A2");
  EXPECT_EQ(cache.stats().bytes, 10u);
}

// A burst of requests for one key on two threads, while the first fetch is
// slow: exactly one fetch, every request gets its value.
TEST(FetchCache, CI5_SingleFlightUnderConcurrency) {
  Cache cache;
  asio::io_context ioc(2);
  std::atomic<int> fetches{0};
  std::atomic<int> answered{0};
  Cache::Fetch slow = [&]() -> asio::awaitable<Cache::FetchResult> {
    ++fetches;
    asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
    co_await timer.async_wait(asio::use_awaitable);
    co_return Cache::Fresh{std::make_shared<const std::string>("doc"), 300s, 3};
  };
  constexpr int kRequests = 50;
  for (int i = 0; i < kRequests; ++i)
    asio::co_spawn(
        asio::make_strand(ioc),
        [&]() -> asio::awaitable<void> {
          auto outcome = co_await cache.get("https://app.example.com/client", slow);
          if (value_of(outcome) == "doc") ++answered;
        },
        asio::detached);
  std::thread other([&] { ioc.run(); });
  ioc.run();
  other.join();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(answered.load(), kRequests);
  auto stats = cache.stats();
  EXPECT_EQ(stats.fetches, 1u);
  EXPECT_EQ(stats.coalesced + stats.hits, static_cast<std::size_t>(kRequests - 1));
}

// Waiters of a failed fetch get its failure, and the next request fetches again.
TEST(FetchCache, CI5_WaitersShareAFailureWhichIsNotKept) {
  Cache cache;
  asio::io_context ioc(1);
  int fetches = 0;
  std::vector<std::string> results;
  Cache::Fetch slow_failure = [&]() -> asio::awaitable<Cache::FetchResult> {
    ++fetches;
    asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
    co_await timer.async_wait(asio::use_awaitable);
    co_return Cache::FetchResult{std::string("blocked address")};
  };
  for (int i = 0; i < 3; ++i)
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { results.push_back(value_of(co_await cache.get("k", slow_failure))); },
        asio::detached);
  ioc.run();
  EXPECT_EQ(fetches, 1);
  EXPECT_EQ(results, std::vector<std::string>(3, "<error: blocked address>"));
  int calls = 0;
  EXPECT_EQ(value_of(get(cache, "k", fetch_of("fine", 300s, calls))), "fine");
}

}  // namespace
}  // namespace gatehouse::oauth
