#pragma once
// How messages travel between Gatehouse and one MCP session with a backend:
// a child's stdin/stdout (stdio_link.hpp) or Streamable HTTP
// (http_link.hpp). The connection (backend_connection.hpp) does the MCP
// client's work on top: ids, progress tokens, routing, lifecycle.
#include <gatehouse/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::gateway {

namespace json = boost::json;

// A client request being served through the link (defined by the
// connection; links only carry it along).
struct Route;

class LinkEvents {
 public:
  virtual ~LinkEvents() = default;
  // A message from the backend. `route`: the request whose response stream
  // carried it, when the transport can tell (HTTP), else null.
  virtual void on_message(json::value message, const std::shared_ptr<Route>& route) = 0;
  // The link is gone for good (the process ended, broke the framing):
  // every request still waiting fails with `error`.
  virtual void on_closed(const McpError& error) = 0;
};

class Link {
 public:
  virtual ~Link() = default;
  // Starts the transport (spawns the process). Throws McpError
  // (backend_error start_failed) when it cannot.
  virtual boost::asio::awaitable<void> open(std::shared_ptr<LinkEvents> events) = 0;
  // Sends one message; `route` goes with requests made for a client. Throws
  // McpError (backend_error protocol) when the message cannot be queued.
  virtual void send(json::object message, std::shared_ptr<Route> route) = 0;
  // Sends a notification and returns once the backend has taken it: over
  // HTTP, when its POST is answered, so that nothing sent later can overtake
  // it; over stdio, once queued (the pipe keeps the order).
  virtual boost::asio::awaitable<void> send_in_order(json::object message) {
    send(std::move(message), nullptr);
    co_return;
  }
  // The protocol version initialize settled on.
  virtual void negotiated(std::string_view) {}
  // The session is initialized (notifications/initialized was taken).
  virtual void ready() {}
  // Ends the transport; on_closed follows.
  virtual void close(std::string_view why) = 0;
  // For error messages: what the backend did besides answering, e.g. "it
  // wrote 3 lines on stdout that are not JSON-RPC messages" (empty: nothing).
  virtual std::string notes() const { return {}; }
  // Whether every message tied to a request comes with that request's
  // route (HTTP: on its own stream). Then a message without a route belongs
  // to no request, and is never guessed onto one.
  virtual bool routes_exactly() const { return false; }
  // For the log: "process 1234", "http://127.0.0.1:9000/mcp".
  virtual std::string describe() const = 0;
};

}  // namespace gatehouse::gateway
