#pragma once
// The body of an SSE response: an optional priming event, then the frames of
// one EventStream from a cursor on. When the connection ends early the
// stream's consumer is released and `on_abandoned` runs (the stateless
// revision cancels the request: closing a response stream cancels it).
#include "mcp/event_stream.hpp"
#include "net/http.hpp"

#include <functional>

namespace gatehouse::mcp {

class SseSource final : public net::StreamSource {
 public:
  SseSource(std::shared_ptr<EventStream> stream, EventStream::Cursor cursor, std::optional<std::string> prime,
            std::chrono::seconds keepalive, std::function<void()> on_abandoned = {})
      : stream_(std::move(stream)),
        cursor_(cursor),
        prime_(std::move(prime)),
        keepalive_(keepalive),
        on_abandoned_(std::move(on_abandoned)) {}

  boost::asio::awaitable<std::optional<std::string>> next() override {
    if (prime_) {
      auto frame = std::move(*prime_);
      prime_.reset();
      co_return frame;
    }
    co_return co_await stream_->next(cursor_, keepalive_);
  }

  void abandoned() override {
    stream_->release(cursor_);
    if (on_abandoned_) on_abandoned_();
  }

 private:
  std::shared_ptr<EventStream> stream_;
  EventStream::Cursor cursor_;
  std::optional<std::string> prime_;
  std::chrono::seconds keepalive_;
  std::function<void()> on_abandoned_;
};

// Response headers of every SSE reply.
inline net::Response sse_head() {
  net::Response head{boost::beast::http::status::ok, 11};
  head.set(boost::beast::http::field::content_type, "text/event-stream");
  head.set(boost::beast::http::field::cache_control, "no-cache, no-store");
  // Proxies such as nginx must not buffer the stream.
  head.set("X-Accel-Buffering", "no");
  return head;
}

}  // namespace gatehouse::mcp
