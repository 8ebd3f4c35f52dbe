#pragma once
// A shared cache of fetched documents (INTEROP CI5): Client ID Metadata
// Documents and the JWK Sets of private_key_jwt clients.
//
//   - Only successes are kept, each for the lifetime its fetch reports
//     (cache_policy.hpp turns Cache-Control/Expires into one); a lifetime of
//     zero (no-store) is handed to the callers waiting but not kept.
//     Failures are never cached: the next request fetches again.
//   - Stale if error (RFC 5861 §4): when the fetch for an expired entry
//     fails, the expired value is used for up to `stale_if_error` past its
//     lifetime, so a document host's outage does not end every sign-in and
//     refresh of its clients at once. Beyond that the failure stands.
//   - Bounded: least recently used entries go first when there are more than
//     `max_entries` or their sizes add up to more than `max_bytes`.
//   - Single flight: while a key is being fetched, further requests for it
//     wait for that fetch instead of starting their own, so a burst of
//     authorizations for one client makes one request to its host.
//   - Shared by every thread: one mutex guards the map, held only for map
//     operations, never across a fetch. Waiters are woken through a
//     concurrent channel, so a fetch finishing on one thread resumes
//     coroutines on any other.
//
// Time is the caller's monotonic clock (a fake one in tests).
#include "time/clock.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace gatehouse::oauth {

struct FetchCacheLimits {
  std::size_t max_entries = 1000;
  std::size_t max_bytes = 8 * 1024 * 1024;
  std::chrono::seconds stale_if_error{0};
};

struct FetchCacheStats {
  std::size_t hits = 0;       // answered from a live entry
  std::size_t fetches = 0;    // fetches started
  std::size_t coalesced = 0;  // requests that waited for another's fetch
  std::size_t stale = 0;      // failed fetches answered with an expired value
  std::size_t entries = 0;
  std::size_t bytes = 0;
};

template <class T>
class FetchCache {
 public:
  using Value = std::shared_ptr<const T>;

  // What a fetch produces: the value with how long it may be reused and its
  // size for the byte bound, or the reason it failed.
  struct Fresh {
    Value value;
    std::chrono::seconds lifetime{0};
    std::size_t bytes = 0;
  };
  using FetchResult = std::variant<Fresh, std::string>;
  using Fetch = std::function<boost::asio::awaitable<FetchResult>()>;
  // The value, or the reason the fetch failed.
  using Outcome = std::variant<Value, std::string>;

  // Lifetimes run on `clock`'s monotonic time.
  explicit FetchCache(FetchCacheLimits limits = {}, const time::Clock& clock = time::system_clock())
      : limits_(limits), clock_(clock) {}

  // The live value for `key`, fetched with `fetch` when there is none.
  // `fetch` runs at most once per key at a time, on the executor of the
  // request that started it; it must not throw.
  boost::asio::awaitable<Outcome> get(const std::string& key, Fetch fetch) {
    auto executor = co_await boost::asio::this_coro::executor;
    std::shared_ptr<Flight> flight;
    std::shared_ptr<Channel> wake;
    {
      std::lock_guard lock(mutex_);
      // An expired entry stays until its fetch succeeds (stale if error).
      if (auto it = entries_.find(key); it != entries_.end() && clock_.monotonic() < it->second.expires) {
        ++stats_.hits;
        order_.splice(order_.begin(), order_, it->second.position);
        co_return Outcome{it->second.value};
      }
      if (auto it = flights_.find(key); it != flights_.end()) {
        ++stats_.coalesced;
        wake = std::make_shared<Channel>(executor, 1);
        it->second->waiters.push_back(wake);
      } else {
        ++stats_.fetches;
        flight = std::make_shared<Flight>();
        flights_.emplace(key, flight);
      }
    }
    if (wake) {
      auto [ec, outcome] = co_await wake->async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) co_return Outcome{std::string("the fetch was interrupted")};
      co_return outcome;
    }
    // The leader: fetch, publish, wake the waiters. A guard publishes a
    // failure if the fetch is abandoned (the coroutine destroyed), so no
    // waiter is left behind.
    Publisher publisher{this, key, flight};
    FetchResult result = co_await fetch();
    co_return publisher.publish(std::move(result));
  }

  // Forgets `key` (an operator's pin changed, a test).
  void erase(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) drop(it);
  }

  FetchCacheStats stats() const {
    std::lock_guard lock(mutex_);
    auto out = stats_;
    out.entries = entries_.size();
    out.bytes = bytes_;
    return out;
  }

 private:
  using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, Outcome)>;

  struct Flight {
    std::vector<std::shared_ptr<Channel>> waiters;
  };
  struct Entry {
    Value value;
    std::chrono::steady_clock::time_point expires;
    std::size_t bytes = 0;
    std::list<std::string>::iterator position;
  };

  class Publisher {
   public:
    Publisher(FetchCache* cache, std::string key, std::shared_ptr<Flight> flight)
        : cache_(cache), key_(std::move(key)), flight_(std::move(flight)) {}
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;
    ~Publisher() {
      if (!done_) publish(FetchResult{std::string("the fetch was abandoned")});
    }
    // Ends the flight: keeps a fresh value, or falls back to a stale one,
    // and hands the outcome to every waiter.
    Outcome publish(FetchResult result) {
      done_ = true;
      Outcome outcome;
      std::vector<std::shared_ptr<Channel>> waiters;
      {
        std::lock_guard lock(cache_->mutex_);
        cache_->flights_.erase(key_);
        auto old = cache_->entries_.find(key_);
        if (auto* fresh = std::get_if<Fresh>(&result)) {
          outcome = fresh->value;
          if (fresh->lifetime.count() > 0)
            cache_->store(key_, *fresh);
          else if (old != cache_->entries_.end())
            cache_->drop(old);  // no-store: the old value must not be served either
        } else if (old != cache_->entries_.end() &&
                   cache_->clock_.monotonic() < old->second.expires + cache_->limits_.stale_if_error) {
          ++cache_->stats_.stale;
          outcome = old->second.value;
        } else {
          if (old != cache_->entries_.end()) cache_->drop(old);
          outcome = std::move(std::get<std::string>(result));
        }
        waiters.swap(flight_->waiters);
      }
      // Each channel holds one message: try_send never blocks.
      for (auto& w : waiters) w->try_send(boost::system::error_code{}, outcome);
      return outcome;
    }

   private:
    FetchCache* cache_;
    std::string key_;
    std::shared_ptr<Flight> flight_;
    bool done_ = false;
  };

  // Caller holds the mutex.
  void store(const std::string& key, const Fresh& fresh) {
    if (fresh.bytes > limits_.max_bytes || limits_.max_entries == 0) return;
    if (auto it = entries_.find(key); it != entries_.end()) drop(it);
    order_.push_front(key);
    entries_.emplace(key, Entry{fresh.value, clock_.monotonic() + fresh.lifetime, fresh.bytes, order_.begin()});
    bytes_ += fresh.bytes;
    while (entries_.size() > limits_.max_entries || bytes_ > limits_.max_bytes) drop(entries_.find(order_.back()));
  }

  // Caller holds the mutex.
  void drop(typename std::unordered_map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.bytes;
    order_.erase(it->second.position);
    entries_.erase(it);
  }

  FetchCacheLimits limits_;
  const time::Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
  std::size_t bytes_ = 0;
  FetchCacheStats stats_;
};

}  // namespace gatehouse::oauth
