#pragma once
// One SSE stream of the Streamable HTTP transport (MCP basic/transports
// "Resumability and Redelivery"): the messages for one POST, or the
// standalone GET stream of a session. Producers push JSON-RPC messages from
// any thread; one consumer at a time writes them out. Every event gets an id
// "<stream>-<seq>" so a client can resume with Last-Event-ID; the last
// `capacity` events are kept for that.
#include "mcp/replay_budget.hpp"
#include "net/async_signal.hpp"
#include "time/clock.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gatehouse::mcp {

class EventStream {
 public:
  struct Limits {
    std::size_t max_events = 256;
    std::size_t max_bytes = 4 * 1024 * 1024;
  };

  // `budget` (optional) is charged with every byte the stream keeps.
  // Waits are timed on `clock`'s monotonic time.
  EventStream(std::string id, Limits limits, std::shared_ptr<ReplayBudget> budget = nullptr,
              const time::Clock& clock = time::system_clock());
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  const std::string& id() const noexcept { return id_; }

  // Producer side (any thread).
  void push(std::string message);
  void close();  // no more messages; the consumer ends after draining
  // Ends the current consumer's connection (or the next one's, when none is
  // attached) without closing the stream: the client resumes later.
  void interrupt();
  bool closed() const;

  // Consumer side. A consumer holds a cursor: the sequence number of the last
  // event it wrote. Attaching a new consumer detaches the previous one, so a
  // message is never delivered on two live connections.
  struct Cursor {
    std::uint64_t last_seq = 0;
    std::uint64_t generation = 0;
  };
  Cursor attach(std::uint64_t after_seq = 0);
  // Ends this consumer (its connection went away) without touching the
  // stream: a later consumer can still resume from where it stopped.
  void release(const Cursor& cursor);

  // The next SSE frame for this consumer: an event, or a keep-alive comment
  // after `keepalive` of silence. nullopt when the stream is closed and
  // drained, or when another consumer took over.
  boost::asio::awaitable<std::optional<std::string>> next(Cursor& cursor, std::chrono::steady_clock::duration keepalive);

  // Waits until at least one message is queued, the stream closed or was interrupted.
  boost::asio::awaitable<void> wait_for_first(std::chrono::steady_clock::duration timeout);

  // Resumption buffer (H6): the bytes kept, and dropping of events already
  // written to a consumer that are at least `min_size` bytes long. A client
  // that lost such an event cannot have it replayed; events never written
  // are not dropped here. Returns the bytes freed.
  std::size_t bytes() const;
  std::size_t drop_delivered(std::size_t min_size);
  // Drops every event (the stream is abandoned for good); returns the bytes freed.
  std::size_t drop_all();

  std::string event_id(std::uint64_t seq) const { return id_ + "-" + std::to_string(seq); }

  // Parses "<stream>-<seq>" into its parts.
  static std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view event_id);

  // An SSE frame for one event (WHATWG HTML §9.2 "event stream" format).
  static std::string frame(std::string_view id, std::string_view data, std::optional<int> retry_ms = std::nullopt);

 private:
  struct Event {
    std::uint64_t seq;
    std::string data;
  };
  const std::string id_;
  const Limits limits_;
  const time::Clock& clock_;
  mutable std::mutex mutex_;
  void forget(std::size_t bytes);  // with mutex_ held

  std::shared_ptr<ReplayBudget> budget_;
  std::deque<Event> events_;
  std::size_t bytes_ = 0;
  std::uint64_t delivered_seq_ = 0;  // the newest event written to a consumer
  std::uint64_t next_seq_ = 1;
  std::uint64_t generation_ = 0;
  bool closed_ = false;
  bool interrupt_ = false;
  net::AsyncSignal signal_;
};

}  // namespace gatehouse::mcp
