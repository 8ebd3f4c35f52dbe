#pragma once
// A predictable Random for tests: each draw is the next value of a counter,
// spread over the bytes asked for, so ids differ from one draw to the next
// and are the same in every run. Not random at all: tests only.
#include "crypto/random.hpp"

#include <atomic>
#include <cstdint>

namespace gatehouse::testing {

class SequenceRandom final : public crypto::Random {
 public:
  std::string bytes(std::size_t n) override {
    std::uint64_t draw = ++draws_;
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((draw >> (8 * (i % 8))) & 0xff);
    return out;
  }
  std::uint64_t draws() const { return draws_.load(); }

 private:
  std::atomic<std::uint64_t> draws_{0};
};

}  // namespace gatehouse::testing
