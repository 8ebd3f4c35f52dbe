#include "mcp/event_stream.hpp"

#include <charconv>

namespace gatehouse::mcp {

EventStream::EventStream(std::string id, Limits limits, std::shared_ptr<ReplayBudget> budget,
                         const time::Clock& clock)
    : id_(std::move(id)), limits_(limits), clock_(clock), budget_(std::move(budget)) {}

EventStream::~EventStream() {
  if (budget_) budget_->subtract(bytes_);
}

void EventStream::forget(std::size_t bytes) {
  bytes_ -= bytes;
  if (budget_) budget_->subtract(bytes);
}

void EventStream::push(std::string message) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    bytes_ += message.size();
    if (budget_) budget_->add(message.size());
    events_.push_back({next_seq_++, std::move(message)});
    // Keep the newest events for redelivery; at least the one just pushed.
    while (events_.size() > 1 && (events_.size() > limits_.max_events || bytes_ > limits_.max_bytes)) {
      forget(events_.front().data.size());
      events_.pop_front();
    }
  }
  signal_.notify();
}

std::size_t EventStream::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t EventStream::drop_delivered(std::size_t min_size) {
  std::lock_guard lock(mutex_);
  std::size_t freed = 0;
  for (auto it = events_.begin(); it != events_.end();) {
    if (it->seq <= delivered_seq_ && it->data.size() >= min_size) {
      freed += it->data.size();
      forget(it->data.size());
      it = events_.erase(it);
    } else {
      ++it;
    }
  }
  return freed;
}

std::size_t EventStream::drop_all() {
  std::lock_guard lock(mutex_);
  std::size_t freed = bytes_;
  forget(bytes_);
  events_.clear();
  return freed;
}

void EventStream::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  signal_.notify();
}

void EventStream::interrupt() {
  {
    std::lock_guard lock(mutex_);
    interrupt_ = true;
  }
  signal_.notify();
}

bool EventStream::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

EventStream::Cursor EventStream::attach(std::uint64_t after_seq) {
  std::lock_guard lock(mutex_);
  ++generation_;
  // Wake a previous consumer so it notices it was replaced.
  signal_.notify();
  return Cursor{after_seq, generation_};
}

void EventStream::release(const Cursor& cursor) {
  {
    std::lock_guard lock(mutex_);
    if (cursor.generation != generation_) return;
    ++generation_;
  }
  signal_.notify();
}

boost::asio::awaitable<std::optional<std::string>> EventStream::next(Cursor& cursor,
                                                                     std::chrono::steady_clock::duration keepalive) {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (cursor.generation != generation_) co_return std::nullopt;
      if (interrupt_) {
        interrupt_ = false;
        co_return std::nullopt;
      }
      for (const auto& e : events_) {
        if (e.seq > cursor.last_seq) {
          cursor.last_seq = e.seq;
          if (e.seq > delivered_seq_) delivered_seq_ = e.seq;
          co_return frame(event_id(e.seq), e.data);
        }
      }
      if (closed_) co_return std::nullopt;
    }
    if (!co_await signal_.wait(keepalive)) {
      std::lock_guard lock(mutex_);
      if (cursor.generation != generation_) co_return std::nullopt;
      bool pending = !events_.empty() && events_.back().seq > cursor.last_seq;
      if (!pending && !closed_) co_return std::string(": keep-alive\n\n");
    }
  }
}

boost::asio::awaitable<void> EventStream::wait_for_first(std::chrono::steady_clock::duration timeout) {
  auto deadline = clock_.monotonic() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (!events_.empty() || closed_ || interrupt_) co_return;
    }
    auto now = clock_.monotonic();
    if (now >= deadline) co_return;
    co_await signal_.wait(deadline - now);
  }
}

std::optional<std::pair<std::string, std::uint64_t>> EventStream::parse_event_id(std::string_view event_id) {
  auto dash = event_id.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  std::uint64_t seq = 0;
  auto digits = event_id.substr(dash + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
  return std::pair{std::string(event_id.substr(0, dash)), seq};
}

std::string EventStream::frame(std::string_view id, std::string_view data, std::optional<int> retry_ms) {
  std::string out;
  out.reserve(data.size() + id.size() + 32);
  out += "id: ";
  out += id;
  out += '\n';
  if (retry_ms) {
    out += "retry: ";
    out += std::to_string(*retry_ms);
    out += '\n';
  }
  // Serialised JSON has no raw newlines, so one data line carries it.
  out += "data: ";
  out += data;
  out += "\n\n";
  return out;
}

}  // namespace gatehouse::mcp
