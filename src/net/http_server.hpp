#pragma once
// The HTTP/1.1 listener: one coroutine per connection on its own strand,
// keep-alive, limits on headers and bodies, read deadlines (streams exempt),
// limits on open connections, and a graceful stop (Boost.Beast "advanced
// server-flex-awaitable" shape). When accept fails for want of descriptors
// or memory the listener waits (50 ms, doubling to 1 s) instead of retrying
// at once, and logs one line per 10 s, not one per attempt.
#include "net/http.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace gatehouse::net {

struct HttpServerOptions {
  std::size_t body_limit = 4 * 1024 * 1024;    // bytes; larger bodies get 413
  std::uint32_t header_limit = 16 * 1024;      // bytes; larger header blocks get 431
  // To receive one whole request, counted from when the connection is ready
  // for it; also how long an idle keep-alive connection stays open.
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};      // to send one response or chunk
  // Reverse proxies whose X-Forwarded-For is believed (none by default).
  std::vector<boost::asio::ip::address> trusted_proxies;
  // Open connections at most, in all (0: three quarters of the process's
  // file-descriptor limit when listen() is called, leaving the rest for the
  // database, key files and outbound fetches) and from one TCP peer address
  // (0: no per-address limit). The peer is the TCP one: behind a reverse
  // proxy every connection comes from the proxy, so trusted_proxies are
  // exempt from the per-address limit (the total still applies). A
  // connection over a limit is answered 503 with Retry-After and closed
  // before its request is read.
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 256;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, Handler handler);
  ~HttpServer();

  // Binds and starts accepting; returns the bound endpoint (port 0 picks one).
  // Throws ListenError (net/listen_error.hpp) saying why it cannot.
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& endpoint);

  // Stops accepting and closes idle connections; requests in progress finish.
  // Streams are ended by their owners. Calls `done` once every connection is gone.
  void stop(std::function<void()> done);
  std::size_t connections() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::net
