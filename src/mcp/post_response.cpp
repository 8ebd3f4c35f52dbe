#include "mcp/post_response.hpp"

namespace gatehouse::mcp {

std::shared_ptr<EventStream> PostResponse::open_locked() {
  if (!stream_) {
    stream_ = open_();
    // A response kept as the plain answer cannot be one any more: it joins
    // the stream (the exchange stopped waiting in between).
    if (answer_) stream_->push(std::move(*answer_));
    answer_.reset();
    if (finished_) stream_->close();
  }
  return stream_;
}

std::shared_ptr<EventStream> PostResponse::stream() {
  std::shared_ptr<EventStream> stream;
  {
    std::lock_guard lock(mutex_);
    stream = open_locked();
  }
  decided_.notify();
  return stream;
}

void PostResponse::respond(std::string response) {
  // No wake-up yet: the exchange takes the answer once finish() says the
  // handler is done with it.
  std::lock_guard lock(mutex_);
  if (!stream_) {
    answer_ = std::move(response);
  } else {
    stream_->push(std::move(response));
  }
}

void PostResponse::finish() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    if (stream_) stream_->close();
  }
  decided_.notify();
}

boost::asio::awaitable<void> PostResponse::decided(std::chrono::steady_clock::duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stream_ || finished_) co_return;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return;
    co_await decided_.wait(deadline - now);
  }
}

std::optional<std::string> PostResponse::take_answer() {
  std::lock_guard lock(mutex_);
  // Plain JSON only when the handler finished with a response and nothing
  // before it; otherwise (a stream is open, the wait timed out, or the
  // request was cancelled without one) the answer is the stream.
  if (stream_ || !answer_ || !finished_) {
    open_locked();
    return std::nullopt;
  }
  auto answer = std::move(answer_);
  answer_.reset();
  return answer;
}

}  // namespace gatehouse::mcp
