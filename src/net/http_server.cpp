#include "net/http_server.hpp"

#include "net/client_address.hpp"
#include "net/listen_error.hpp"
#include "net/log_throttle.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <unordered_map>

namespace gatehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct Connection {
  Connection(tcp::socket socket, std::string peer_key) : stream(std::move(socket)), peer_key(std::move(peer_key)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
  std::string peer_key;  // counted against the per-address limit; empty when exempt
  // Counts streamed responses that ended; touched on the connection's strand only.
  std::uint64_t streams_ended = 0;
};

// Waits after failed accepts: 50 ms, doubling to 1 s. EMFILE and friends
// leave the pending connection in the backlog, so retrying at once fails at
// once, forever (a busy loop that also floods the log).
constexpr std::chrono::milliseconds kFirstAcceptBackoff{50};
constexpr std::chrono::milliseconds kMaxAcceptBackoff{1000};
constexpr std::chrono::seconds kLogInterval{10};

// The soft RLIMIT_NOFILE.
std::size_t descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<std::size_t>(limit.rlim_cur);
}

// The answer to a connection over a limit, written without reading the
// request (RFC 9110 §15.6.4: 503 with Retry-After for a temporary overload).
std::string overload_response() {
  const std::string body =
      R"({"error":"too_many_connections","error_description":"the server has too many open connections; retry later"})";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
         "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// ::ffff:a.b.c.d (how a dual-stack listener sees an IPv4 peer) as a.b.c.d,
// so one client is one address whichever way it connected.
asio::ip::address unmapped(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address;
}

// Refuses a just-accepted connection cheaply: one non-blocking write of a
// fixed response into the empty send buffer, then close. A client that
// already sent its request may see a reset instead of the 503 (the kernel
// resets a connection closed with unread data); either way it is refused.
void refuse(tcp::socket& socket) {
  static const std::string response = overload_response();
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(response), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

// Writes a whole response; false when the connection failed.
asio::awaitable<bool> write_response(Connection& c, Response& response, std::chrono::seconds timeout) {
  c.stream.expires_after(timeout);
  auto [ec, n] = co_await http::async_write(c.stream, response, use_tuple);
  co_return !ec;
}

// While a response streams, the client sends nothing; the stream's owner
// hears of a hang-up at once instead of at the next write (the stateless
// revision cancels the request; subscriptions end).
//
// A readable wake-up is not a hang-up by itself: the reactor may report an
// edge for bytes a speculative read already consumed (the request's own last
// segment, read on another thread before its epoll event was handled). Only
// the socket says what happened, so peek at it: end of stream (0) or a
// connection error is a hang-up; nothing to read (EAGAIN) is a stale wake-up,
// so wait again; bytes are a pipelined request, left for the next read.
//
// `serial` names the response watched: the watcher runs on the connection's
// strand and gives up as soon as that response has ended, so it never judges
// the reads of a later exchange.
asio::awaitable<void> watch_for_hangup(std::shared_ptr<Connection> c, std::shared_ptr<StreamSource> source,
                                       std::uint64_t serial) {
  auto& socket = c->stream.socket();
  for (;;) {
    if (c->streams_ended != serial) co_return;
    auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
    if (ec == asio::error::operation_aborted || !socket.is_open() || c->streams_ended != serial)
      co_return;  // the stream ended first
    if (ec) break;
    char byte;
    auto peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked > 0) co_return;
    if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    break;
  }
  source->abandoned();
}

// Streams a response body as HTTP/1.1 chunks (RFC 9112 §7.1). HTTP/1.0 peers
// get the raw body and the connection closes at its end.
asio::awaitable<bool> write_stream(std::shared_ptr<Connection> connection, Reply& reply, unsigned version,
                                   bool keep_alive, std::chrono::seconds timeout) {
  Connection& c = *connection;
  http::response<http::empty_body> head{reply.response.result(), version};
  for (const auto& field : reply.response.base()) head.set(field.name_string(), field.value());
  head.erase(http::field::content_length);
  bool chunked = version >= 11;
  head.chunked(chunked);
  head.keep_alive(chunked && keep_alive);
  http::response_serializer<http::empty_body> serializer{head};
  c.stream.expires_after(timeout);
  if (auto [ec, n] = co_await http::async_write_header(c.stream, serializer, use_tuple); ec) {
    reply.stream->abandoned();
    co_return false;
  }
  asio::co_spawn(c.stream.get_executor(), watch_for_hangup(connection, reply.stream, c.streams_ended),
                 asio::detached);
  struct StopWatching {
    Connection& c;
    ~StopWatching() {
      ++c.streams_ended;
      boost::system::error_code ignored;
      c.stream.socket().cancel(ignored);
    }
  } stop_watching{c};
  for (;;) {
    auto chunk = co_await reply.stream->next();
    if (!chunk) break;
    c.stream.expires_after(timeout);
    boost::system::error_code ec;
    std::size_t n = 0;
    if (chunked) std::tie(ec, n) = co_await asio::async_write(c.stream, http::make_chunk(asio::buffer(*chunk)), use_tuple);
    else std::tie(ec, n) = co_await asio::async_write(c.stream, asio::buffer(*chunk), use_tuple);
    if (ec) {
      reply.stream->abandoned();
      co_return false;
    }
  }
  if (!chunked) co_return false;
  c.stream.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(c.stream, http::make_chunk_last(), use_tuple);
  co_return !ec && keep_alive;
}

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<State> {
  State(asio::io_context& ioc, HttpServerOptions options, Handler handler)
      : ioc(ioc), options(options), handler(std::move(handler)), acceptor(asio::make_strand(ioc)) {}

  asio::io_context& ioc;
  HttpServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;
  std::unordered_map<std::string, std::size_t> per_address;  // open connections by peer address
  std::function<void()> on_drained;
  std::size_t max_connections = 0;  // resolved in listen()

  // Both used only on the acceptor's strand.
  LogThrottle accept_failures{kLogInterval};
  LogThrottle refusals{kLogInterval};

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    asio::steady_timer backoff_timer(acceptor.get_executor());
    std::chrono::milliseconds backoff{0};
    std::size_t failures = 0;  // since the last successful accept
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), use_tuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        ++failures;
        // The peer gave up before we took its connection: nothing to wait for.
        if (ec == asio::error::connection_aborted) continue;
        // (No ?: of class type in a coroutine: docs/development.md.)
        if (backoff.count() == 0) backoff = kFirstAcceptBackoff;
        else backoff = std::min(backoff * 2, kMaxAcceptBackoff);
        if (auto count = accept_failures.occurred()) log_accept_failure(ec, *count, backoff);
        backoff_timer.expires_after(backoff);
        co_await backoff_timer.async_wait(use_tuple);
        continue;
      }
      if (failures > 0) {
        accept_failures.take_pending();
        spdlog::info("accepting connections again after {} failed attempts", failures);
        failures = 0;
        backoff = std::chrono::milliseconds{0};
      }
      if (stopping) continue;
      auto conn = admit(std::move(socket));
      if (!conn) continue;
      asio::co_spawn(conn->stream.get_executor(), serve(self, conn), asio::detached);
    }
  }

  void log_accept_failure(const boost::system::error_code& ec, std::size_t count, std::chrono::milliseconds backoff) {
    const bool out_of_descriptors =
        ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system;
    spdlog::warn("accept failed{}: {}; retrying in {} ms{}",
                 count > 1 ? " " + std::to_string(count) + " times since the last report" : std::string(), ec.message(),
                 backoff.count(),
                 out_of_descriptors ? " (file-descriptor limit " + std::to_string(descriptor_limit()) +
                                          ": raise it, or lower [server] max_connections)"
                                    : std::string());
  }

  // Registers a new connection, or refuses it when a limit is reached.
  std::shared_ptr<Connection> admit(tcp::socket socket) {
    boost::system::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) return nullptr;  // already gone
    const auto address = unmapped(remote.address());
    const bool exempt = options.max_connections_per_address == 0 ||
                        std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), address) !=
                            options.trusted_proxies.end();
    std::string key = exempt ? std::string() : address.to_string();
    const char* limit = nullptr;
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock(mutex);
      if (live.size() >= max_connections) limit = "max_connections";
      else if (!key.empty() && per_address[key] >= options.max_connections_per_address) {
        limit = "max_connections_per_address";
      } else {
        if (!key.empty()) ++per_address[key];
        socket.set_option(tcp::no_delay(true), ec);
        conn = std::make_shared<Connection>(std::move(socket), std::move(key));
        live.emplace(conn.get(), conn);
      }
    }
    if (conn) return conn;
    refuse(socket);
    if (auto count = refusals.occurred())
      spdlog::warn("refused {} connection{} over [server] {} (latest from {})", *count, *count == 1 ? "" : "s", limit,
                   address.to_string());
    return nullptr;
  }

  static asio::awaitable<void> serve(std::shared_ptr<State> self, std::shared_ptr<Connection> c) {
    try {
      co_await self->serve_connection(c);
    } catch (const std::exception& e) {
      spdlog::error("connection ended by an unexpected error: {}", e.what());
    }
    boost::system::error_code ignored;
    c->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    c->stream.socket().close(ignored);
    self->forget(c.get());
  }

  asio::awaitable<void> serve_connection(std::shared_ptr<Connection> connection) {
    Connection& c = *connection;
    beast::flat_buffer buffer;
    Peer peer;
    boost::system::error_code ec;
    peer.remote = c.stream.socket().remote_endpoint(ec);
    peer.local = c.stream.socket().local_endpoint(ec);

    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(options.header_limit);
      c.stream.expires_after(options.read_timeout);
      c.busy = false;
      auto [read_ec, n] = co_await http::async_read(c.stream, buffer, parser, use_tuple);
      c.busy = true;
      if (read_ec) {
        // RFC 9110 §15.5.14 / RFC 6585 §5: say why the request was refused,
        // as JSON, then close: the rest of the stream cannot be trusted.
        Response refusal;
        if (read_ec == http::error::body_limit)
          refusal = error_response(http::status::payload_too_large, "request_too_large",
                                   "the request body exceeds " + std::to_string(options.body_limit) + " bytes", 11, false);
        else if (read_ec == http::error::header_limit)
          refusal = error_response(http::status::request_header_fields_too_large, "headers_too_large",
                                   "the request headers are too large", 11, false);
        else if (read_ec.category() == make_error_code(http::error::bad_target).category() && read_ec != http::error::end_of_stream &&
                 read_ec != http::error::partial_message)
          refusal = error_response(http::status::bad_request, "bad_request",
                                   "malformed HTTP request: " + read_ec.message(), 11, false);
        else
          co_return;  // closed, reset or timed out: nothing to answer
        co_await write_response(c, refusal, options.write_timeout);
        co_return;
      }

      Request request = parser.release();
      peer.client = client_address(request, peer.remote.address(), options.trusted_proxies);
      const bool keep_alive = request.keep_alive() && !stopping;
      const unsigned version = request.version();
      Reply reply;
      try {
        reply = co_await handler(request, peer);
      } catch (const std::exception& e) {
        spdlog::error("handler failed on {} {}: {}", std::string(request.method_string()), std::string(request.target()),
                      e.what());
        reply = net::reply(error_response(http::status::internal_server_error, "server_error",
                                          "the server could not handle this request"));
      }

      if (reply.stream) {
        if (!co_await write_stream(connection, reply, version, keep_alive, options.write_timeout)) co_return;
        continue;
      }
      reply.response.version(version);
      reply.response.keep_alive(keep_alive && reply.response.keep_alive());
      if (!co_await write_response(c, reply.response, options.write_timeout)) co_return;
      if (!reply.response.keep_alive()) co_return;
    }
  }

  void forget(Connection* c) {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex);
      live.erase(c);
      if (!c->peer_key.empty())
        if (auto it = per_address.find(c->peer_key); it != per_address.end() && --it->second == 0) per_address.erase(it);
      if (stopping && live.empty()) done = std::move(on_drained);
    }
    if (done) done();
  }
};

HttpServer::HttpServer(asio::io_context& ioc, HttpServerOptions options, Handler handler)
    : state_(std::make_shared<State>(ioc, options, std::move(handler))) {}

HttpServer::~HttpServer() = default;

tcp::endpoint HttpServer::listen(const tcp::endpoint& endpoint) {
  auto& acceptor = state_->acceptor;
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    throw ListenError(listen_failure(endpoint, ec));
  }
  state_->max_connections = state_->options.max_connections
                                ? state_->options.max_connections
                                : std::max<std::size_t>(1, descriptor_limit() / 4 * 3);
  spdlog::info("accepting at most {} connections, {} per client address", state_->max_connections,
               state_->options.max_connections_per_address ? std::to_string(state_->options.max_connections_per_address)
                                                           : std::string("any number"));
  asio::co_spawn(acceptor.get_executor(), state_->accept_loop(), asio::detached);
  return acceptor.local_endpoint();
}

void HttpServer::stop(std::function<void()> done) {
  auto state = state_;
  state->stopping = true;
  asio::post(state->acceptor.get_executor(), [state] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> idle;
  bool drained = false;
  {
    std::lock_guard lock(state->mutex);
    for (auto& [_, weak] : state->live)
      if (auto c = weak.lock(); c && !c->busy) idle.push_back(std::move(c));
    if (state->live.empty()) drained = true;
    else state->on_drained = std::move(done);
  }
  // An idle keep-alive connection is parked in a read: cancel it.
  for (auto& c : idle) asio::post(c->stream.get_executor(), [c] { c->stream.cancel(); });
  if (drained && done) done();
}

std::size_t HttpServer::connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->live.size();
}

}  // namespace gatehouse::net
