#include "mcp/event_stream.hpp"

#include <charconv>

namespace gatehouse::mcp {

EventStream::EventStream(std::string id, Limits limits) : id_(std::move(id)), limits_(limits) {}

void EventStream::push(std::string message) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    bytes_ += message.size();
    events_.push_back({next_seq_++, std::move(message)});
    // Keep the newest events for redelivery; at least the one just pushed.
    while (events_.size() > 1 && (events_.size() > limits_.max_events || bytes_ > limits_.max_bytes)) {
      bytes_ -= events_.front().data.size();
      events_.pop_front();
    }
  }
  signal_.notify();
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
  consumed_ = true;
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
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (!events_.empty() || closed_ || interrupt_) co_return;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return;
    co_await signal_.wait(deadline - now);
  }
}

std::optional<std::string> EventStream::sole_message() const {
  std::lock_guard lock(mutex_);
  if (closed_ && !consumed_ && events_.size() == 1 && events_.front().seq == 1) return events_.front().data;
  return std::nullopt;
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
