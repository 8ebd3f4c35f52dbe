#pragma once
// Bytes of SSE events kept for Last-Event-ID resumption (MCP basic/transports
// "Resumability and Redelivery"), counted per session and for the process. A
// stream adds what it keeps and subtracts what it drops; the owners compare
// the counts with their bounds and trim (Session::trim_replay).
#include <atomic>
#include <cstddef>
#include <memory>

namespace gatehouse::mcp {

class ReplayBudget {
 public:
  // `limit` in bytes; `parent` (the process-wide budget) sees every change too.
  explicit ReplayBudget(std::size_t limit, std::shared_ptr<ReplayBudget> parent = nullptr)
      : limit_(limit), parent_(std::move(parent)) {}

  void add(std::size_t bytes) noexcept {
    used_.fetch_add(bytes, std::memory_order_relaxed);
    if (parent_) parent_->add(bytes);
  }
  void subtract(std::size_t bytes) noexcept {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    if (parent_) parent_->subtract(bytes);
  }

  std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::size_t limit() const noexcept { return limit_; }
  bool over() const noexcept { return used() > limit_; }
  const std::shared_ptr<ReplayBudget>& parent() const noexcept { return parent_; }

 private:
  const std::size_t limit_;
  const std::shared_ptr<ReplayBudget> parent_;
  std::atomic<std::size_t> used_{0};
};

}  // namespace gatehouse::mcp
