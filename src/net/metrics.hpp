#pragma once
// Counters, gauges and histograms in the Prometheus text exposition format
// (version 0.0.4), for GET /metrics. A metric is made once (registration
// takes a lock) and then updated with atomics only; callers on hot paths
// keep the reference they were given.
//
//   auto& served = metrics.counter("gatehouse_http_requests_total", "HTTP requests answered",
//                                  {{"route", "/mcp"}, {"status", "200"}});
//   served.add();
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::net {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  class Counter {
   public:
    void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<std::uint64_t> value_{0};
  };

  class Gauge {
   public:
    void add(std::int64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    void set(std::int64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<std::int64_t> value_{0};
  };

  // Durations in seconds, in buckets from 5 ms to 300 s (Claude's tool limit).
  class Histogram {
   public:
    static constexpr std::array<double, 14> kBounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                    1,     2.5,  5,     10,   30,  60,  300};
    void observe(double seconds) noexcept;
    std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

   private:
    friend class Metrics;
    std::array<std::atomic<std::uint64_t>, kBounds.size()> buckets_{};
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_micros_{0};
  };

  // The metric `name` with `labels`, made on first use. `help` is kept from
  // the first call. Names and label names must be valid Prometheus names.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {});

  // Every metric, in the text format; families sorted by name.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered label set
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  template <class T>
  T& get(std::string_view name, std::string_view help, const Labels& labels, Type type,
         std::map<std::string, std::unique_ptr<T>> Family::*member);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// `{a="1",b="x"}` with values escaped as the text format wants; "" for none.
std::string render_labels(const Metrics::Labels& labels);

}  // namespace gatehouse::net
