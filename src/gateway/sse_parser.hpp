#pragma once
// Server-sent events (WHATWG HTML "Server-sent events", §9.2.6 "Event
// stream interpretation") read incrementally from a response body, as a
// Streamable HTTP client reads an MCP server's answers (MCP 2025-11-25
// basic/transports). One event's data is bounded; a larger one is dropped
// and reported.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::gateway {

struct SseEvent {
  std::string id;     // the last event id seen (kept across events, as the spec says)
  std::string event;  // "message" when not given
  std::string data;   // data lines joined with "\n"
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event) : max_event_(max_event) {}

  // Feeds body bytes; calls `on_event` for each complete event with data,
  // `on_oversize` for each event whose data went over the bound.
  void feed(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event,
            const std::function<void()>& on_oversize);

  const std::string& last_event_id() const noexcept { return last_id_; }
  // The reconnection time the server asked for (`retry:`), in milliseconds.
  std::optional<unsigned long> retry() const noexcept { return retry_; }

 private:
  void line(std::string_view line, const std::function<void(const SseEvent&)>& on_event,
            const std::function<void()>& on_oversize);

  std::size_t max_event_;
  std::string partial_;  // an unfinished line
  bool after_cr_ = false;
  SseEvent event_;
  bool has_data_ = false;
  bool oversize_ = false;
  std::string last_id_;
  std::optional<unsigned long> retry_;
};

}  // namespace gatehouse::gateway
