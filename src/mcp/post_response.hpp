#pragma once
// How the answer to one POSTed JSON-RPC request reaches the client (MCP
// basic/transports, "Sending Messages to the Server"): one JSON object, or
// an SSE stream when the server has something to send first — a
// notification, or a request to the client. The handler runs beside the
// HTTP exchange, and the first of these decides:
//  - the response, with nothing before it: it is handed over as the plain
//    JSON answer. No event stream is made; nothing is framed, counted
//    against the replay budget, or kept for resumption (a JSON answer has
//    no event id to resume from);
//  - anything else: the stream opens then (`open`, e.g. a session's
//    resumable stream), the exchange answers with SSE, and everything
//    after, the response included, flows through it.
// The exchange also opens the stream itself when the handler has said
// nothing for a while, so that keep-alive comments hold the connection.
#include "mcp/event_stream.hpp"
#include "net/async_signal.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gatehouse::mcp {

class PostResponse {
 public:
  using OpenStream = std::function<std::shared_ptr<EventStream>()>;
  explicit PostResponse(OpenStream open) : open_(std::move(open)) {}
  PostResponse(const PostResponse&) = delete;
  PostResponse& operator=(const PostResponse&) = delete;

  // Handler side (any thread).
  // The stream for a message that precedes the response; opened on first use.
  std::shared_ptr<EventStream> stream();
  // The JSON-RPC response: the plain answer while no stream is open, else
  // the stream's last event.
  void respond(std::string response);
  // The handler is done (after respond(), or without a response when the
  // request was cancelled): an open stream is closed.
  void finish();

  // Exchange side. Waits until the answer is decided (the handler finished,
  // or a stream is open) or `timeout` passed.
  boost::asio::awaitable<void> decided(std::chrono::steady_clock::duration timeout);
  // The plain JSON answer, when that is how it was decided; otherwise
  // nullopt, and the answer is stream() (opened now if need be).
  std::optional<std::string> take_answer();

 private:
  std::shared_ptr<EventStream> open_locked();

  std::mutex mutex_;
  OpenStream open_;
  std::shared_ptr<EventStream> stream_;
  std::optional<std::string> answer_;
  bool finished_ = false;
  net::AsyncSignal decided_;
};

}  // namespace gatehouse::mcp
