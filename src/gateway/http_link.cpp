#include "gateway/http_link.hpp"

#include "config/load.hpp"
#include "gateway/backend_error.hpp"
#include "gateway/sse_parser.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/protocol_headers.hpp"
#include "mcp/stateless_request.hpp"
#include "net/media_type.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <array>

// GCC 12 reports -Wmismatched-new-delete for the frame of a large coroutine
// (post() below): the frame comes from asio's awaitable_frame_base::operator
// new and goes back through its operator delete (aligned_delete -> free),
// which GCC cannot pair once both are inlined. A false positive, silenced
// for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace gatehouse::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
namespace jsonrpc = mcp::jsonrpc;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Idle keep-alive connections kept per link.
constexpr std::size_t kIdleConnections = 16;
constexpr std::size_t kHeaderLimit = 64 * 1024;
// Times a broken answer stream is resumed with Last-Event-ID.
constexpr int kResumptions = 5;

std::string shorten(std::string_view text) {
  std::string out(text.substr(0, 200));
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

}  // namespace

struct HttpLink::Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }

  // Beast's operations on whichever stream this is.
  template <class Message>
  asio::awaitable<boost::system::error_code> write(Message& message) {
    boost::system::error_code ec;
    if (secure) std::tie(ec, std::ignore) = co_await http::async_write(*secure, message, use_tuple);
    else std::tie(ec, std::ignore) = co_await http::async_write(*plain, message, use_tuple);
    co_return ec;
  }
  template <class Parser>
  asio::awaitable<boost::system::error_code> read_header(Parser& parser) {
    boost::system::error_code ec;
    if (secure) std::tie(ec, std::ignore) = co_await http::async_read_header(*secure, buffer, parser, use_tuple);
    else std::tie(ec, std::ignore) = co_await http::async_read_header(*plain, buffer, parser, use_tuple);
    co_return ec;
  }
  template <class Parser>
  asio::awaitable<boost::system::error_code> read_some(Parser& parser) {
    boost::system::error_code ec;
    if (secure) std::tie(ec, std::ignore) = co_await http::async_read_some(*secure, buffer, parser, use_tuple);
    else std::tie(ec, std::ignore) = co_await http::async_read_some(*plain, buffer, parser, use_tuple);
    co_return ec;
  }
  template <class Message>
  asio::awaitable<boost::system::error_code> read(Message& message) {
    boost::system::error_code ec;
    if (secure) std::tie(ec, std::ignore) = co_await http::async_read(*secure, buffer, message, use_tuple);
    else std::tie(ec, std::ignore) = co_await http::async_read(*plain, buffer, message, use_tuple);
    co_return ec;
  }
};

std::shared_ptr<void> HttpLink::make_tls_context(const BackendSettings& settings) {
  if (!settings.url.starts_with("https://")) return nullptr;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  context->set_default_verify_paths();
  if (!settings.ca_file.empty()) {
    boost::system::error_code ec;
    context->load_verify_file(settings.ca_file.string(), ec);
    if (ec)
      throw config::ConfigError("[[backend]] \"" + settings.name + "\": ca_file " + settings.ca_file.string() +
                                " cannot be read as PEM certificates: " + ec.message());
  }
  return context;
}

HttpLink::HttpLink(asio::strand<asio::any_io_executor> strand, std::shared_ptr<const BackendSettings> settings,
                   std::map<std::string, std::string> headers, std::shared_ptr<void> tls)
    : strand_(std::move(strand)), settings_(std::move(settings)), headers_(std::move(headers)), tls_(std::move(tls)) {
  auto url = boost::urls::parse_uri(settings_->url);
  if (url) {
    target_.tls = url->scheme() == "https";
    target_.host = url->host_address();
    if (url->host_type() == boost::urls::host_type::ipv6) target_.host = url->host_address();
    target_.port = url->has_port() ? std::string(url->port()) : (target_.tls ? "443" : "80");
    target_.host_header = std::string(url->encoded_host_and_port());
    target_.path = std::string(url->encoded_path());
    if (target_.path.empty()) target_.path = "/";
    if (url->has_query()) target_.path += "?" + std::string(url->encoded_query());
  }
}

HttpLink::~HttpLink() = default;

asio::awaitable<void> HttpLink::open(std::shared_ptr<LinkEvents> events) {
  events_ = events;
  if (target_.host.empty())
    throw backend_error(settings_->name, reason::start_failed, "url " + settings_->url + " is not an absolute URL");
  co_return;
}

void HttpLink::send(json::object message, std::shared_ptr<Route> route) {
  asio::co_spawn(strand_, post(std::move(message), std::move(route)), asio::detached);
}

asio::awaitable<void> HttpLink::send_in_order(json::object message) {
  co_await asio::co_spawn(strand_, post(std::move(message), nullptr), asio::use_awaitable);
}

void HttpLink::negotiated(std::string_view version) {
  std::lock_guard lock(mutex_);
  version_ = std::string(version);
}

void HttpLink::ready() {
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    if (!listening_ && !closed_) start = listening_ = true;
  }
  if (start) asio::co_spawn(strand_, listen(), asio::detached);
}

void HttpLink::close(std::string_view why) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  spdlog::info("backend {}: closing the session with {} ({})", settings_->name, settings_->url, why);
  asio::post(strand_, [self = shared_from_this()] {
    std::lock_guard lock(self->mutex_);
    for (auto* c : self->busy_) {
      boost::system::error_code ignored;
      c->tcp().socket().cancel(ignored);
    }
    self->idle_.clear();
  });
  asio::co_spawn(strand_, end_session(), asio::detached);
  if (auto events = events_.lock())
    events->on_closed(backend_error(settings_->name, reason::exited, "the session with the backend was closed (" +
                                                                         std::string(why) + ")"));
}

std::map<std::string, std::string> HttpLink::request_headers() const {
  std::map<std::string, std::string> out = headers_;
  std::lock_guard lock(mutex_);
  // MCP 2025-11-25 basic/transports "Session Management" and "Protocol
  // Version Header": both go with every request after initialize.
  if (!session_id_.empty()) out[mcp::headers::session_id] = session_id_;
  if (!version_.empty()) out[mcp::headers::protocol_version] = version_;
  return out;
}

http::request<http::empty_body> HttpLink::bodiless(http::verb verb) const {
  http::request<http::empty_body> request{verb, target_.path, 11};
  for (const auto& [name, value] : request_headers()) request.set(name, value);
  request.set(http::field::host, target_.host_header);
  request.set(http::field::user_agent, "Gatehouse");
  if (verb == http::verb::get) request.set(http::field::accept, "text/event-stream");
  return request;
}

asio::awaitable<std::unique_ptr<HttpLink::Connection>> HttpLink::connect(std::string& error, bool& reused) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      co_return c;
    }
  }
  reused = false;
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(target_.host, target_.port, use_tuple);
  if (resolve_ec) {
    error = target_.host + " could not be resolved: " + resolve_ec.message();
    co_return nullptr;
  }
  auto c = std::make_unique<Connection>();
  if (target_.tls) c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *static_cast<ssl::context*>(tls_.get()));
  else c->plain = std::make_unique<beast::tcp_stream>(executor);
  c->tcp().expires_after(settings_->start_timeout);
  auto [connect_ec, endpoint] = co_await c->tcp().async_connect(endpoints, use_tuple);
  if (connect_ec) {
    error = "could not connect to " + target_.host + " port " + target_.port + ": " + connect_ec.message();
    co_return nullptr;
  }
  c->tcp().socket().set_option(tcp::no_delay(true));
  if (c->secure) {
    boost::system::error_code ip_ec;
    asio::ip::make_address(target_.host, ip_ec);
    // RFC 6066 §3: SNI carries host names only.
    if (ip_ec) SSL_set_tlsext_host_name(c->secure->native_handle(), target_.host.c_str());
    c->secure->set_verify_mode(ssl::verify_peer);
    c->secure->set_verify_callback(ssl::host_name_verification(target_.host));
    auto [handshake_ec] = co_await c->secure->async_handshake(ssl::stream_base::client, use_tuple);
    if (handshake_ec) {
      long verify = SSL_get_verify_result(c->secure->native_handle());
      error = "TLS with " + target_.host + " failed: " +
              (verify != X509_V_OK ? std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify)
                                   : handshake_ec.message());
      co_return nullptr;
    }
  }
  co_return c;
}

void HttpLink::keep(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (closed_ || idle_.size() >= kIdleConnections) return;
  idle_.push_back(std::move(connection));
}

void HttpLink::deliver(json::value message, const std::shared_ptr<Route>& route) {
  if (auto events = events_.lock()) events->on_message(std::move(message), route);
}

void HttpLink::fail(const json::value& id, std::string_view why, const std::string& text,
                    const std::shared_ptr<Route>& route) {
  // A request's failure is its answer: an error naming the backend, passed
  // to the client as it is (backend_error.hpp).
  if (id.is_null()) {
    spdlog::warn("backend {}: {}", settings_->name, text);
    return;
  }
  auto error = backend_error(settings_->name, why, text);
  deliver(jsonrpc::make_error(id, error.code(), error.what(), error.data()), route);
}

asio::awaitable<void> HttpLink::post(json::object message, std::shared_ptr<Route> route) {
  auto self = shared_from_this();
  const json::value id = message.contains("method") && message.contains("id") ? message["id"] : json::value(nullptr);
  const bool initialize = message.contains("method") && message["method"] == "initialize";
  const std::string body = json::serialize(message);

  for (int attempt = 0;; ++attempt) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) co_return;
    }
    std::string error;
    bool reused = false;
    auto c = co_await connect(error, reused);
    if (!c) {
      fail(id, reason::unreachable, error, route);
      co_return;
    }
    http::request<http::string_body> request{http::verb::post, target_.path, 11};
    auto headers = request_headers();
    // A message of the 2026-07-28 revision stands alone: no session, and the
    // method and name repeated in headers (SEP-2243) for the server to check.
    if (const auto* params = message.contains("params") ? message["params"].if_object() : nullptr)
      if (auto* meta = params->if_contains("_meta"); meta && meta->is_object())
        if (auto* v = meta->as_object().if_contains(mcp::meta_key::protocol_version); v && v->is_string()) {
          headers.erase(mcp::headers::session_id);
          headers[mcp::headers::protocol_version] = std::string(v->get_string());
          if (auto* m = message.if_contains("method"); m && m->is_string()) headers[mcp::headers::method] = std::string(m->get_string());
          if (auto* m = message.if_contains("method"); m && m->is_string())
            if (auto key = mcp::headers::name_param(m->get_string()); !key.empty())
              if (auto* n = params->if_contains(key); n && n->is_string())
                headers[mcp::headers::name] = std::string(n->get_string());
        }
    const bool had_session = headers.contains(mcp::headers::session_id);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.set(http::field::host, target_.host_header);
    request.set(http::field::user_agent, "Gatehouse");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::accept, "application/json, text/event-stream");
    request.body() = body;
    request.prepare_payload();

    {
      std::lock_guard lock(mutex_);
      busy_.insert(c.get());
    }
    struct Release {
      HttpLink& link;
      Connection* c;
      ~Release() {
        std::lock_guard lock(link.mutex_);
        link.busy_.erase(c);
      }
    } release{*this, c.get()};

    c->tcp().expires_after(settings_->call_timeout + std::chrono::seconds(5));
    auto write_ec = co_await c->write(request);
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);
    boost::system::error_code header_ec = write_ec;
    if (!header_ec) {
      header_ec = co_await c->read_header(parser);
    }
    if (header_ec) {
      // A kept-alive connection the server closed meanwhile: once more on a new one.
      if (reused && attempt == 0) continue;
      fail(id, header_ec == beast::error::timeout ? reason::timeout : reason::unreachable,
           "the request to " + settings_->url + " failed: " + header_ec.message(), route);
      co_return;
    }
    auto& response = parser.get();
    const unsigned status = response.result_int();
    if (initialize)
      if (auto session = response[mcp::headers::session_id]; !session.empty()) {
        std::lock_guard lock(mutex_);
        session_id_ = std::string(session);
      }
    const bool event_stream = net::media_type_essence(response[http::field::content_type]) == "text/event-stream";

    // The body: SSE events handed over as they arrive, or JSON (bounded).
    std::string json_body;
    SseParser sse(settings_->max_message_bytes);
    bool answered = false;
    bool too_large = false;
    auto feed = [&](std::string_view bytes) {
      if (event_stream) {
        sse.feed(
            bytes,
            [&](const SseEvent& event) {
              // An empty event primes the stream with an id to resume from
              // (2025-11-25 basic/transports "Polling SSE Streams").
              if (event.event != "message" || event.data.empty()) return;
              boost::system::error_code ec;
              auto value = json::parse(event.data, ec);
              if (ec || !value.is_object()) {
                spdlog::warn("backend {}: an SSE event that is not a JSON-RPC message: {}", settings_->name,
                             shorten(event.data));
                return;
              }
              if (!id.is_null() && value.as_object().if_contains("id") && value.as_object().at("id") == id &&
                  !value.as_object().contains("method"))
                answered = true;
              deliver(std::move(value), route);
            },
            [&] { spdlog::warn("backend {}: an SSE event over {} bytes was dropped", settings_->name, settings_->max_message_bytes); });
      } else if (json_body.size() + bytes.size() > settings_->max_message_bytes) {
        too_large = true;
      } else {
        json_body.append(bytes);
      }
    };
    std::vector<char> chunk(64 * 1024);
    boost::system::error_code body_ec;
    while (!parser.is_done() && !too_large) {
      response.body().data = chunk.data();
      response.body().size = chunk.size();
      body_ec = co_await c->read_some(parser);
      if (body_ec == http::error::need_buffer) body_ec = {};
      feed(std::string_view(chunk.data(), chunk.size() - response.body().size));
      if (body_ec) break;
    }

    // MCP basic/transports "Session Management": the server ended the
    // session (404); the connection opens a new one and sends the request
    // again. Some servers answer 400 "... session ..." instead (the
    // TypeScript SDK's own example server does): the same, for them.
    bool session_refused =
        status == 400 && json_body.size() < 4096 && json_body.find("ession") != std::string::npos;
    if ((status == 404 || session_refused) && had_session) {
      fail(id, reason::session_lost, settings_->url + " no longer knows the session (HTTP 404)", route);
      co_return;
    }
    if (status == 202 || (status == 200 && id.is_null())) {
      if (!body_ec && parser.is_done() && parser.keep_alive()) keep(std::move(c));
      co_return;
    }
    if (status != 200) {
      std::string text = "HTTP " + std::to_string(status) + " from " + settings_->url;
      if (status == 401 || status == 403)
        text += ": the backend refused Gatehouse's credentials; check the backend's headers";
      else if (!json_body.empty())
        text += ": " + shorten(json_body);
      fail(id, reason::protocol, text, route);
      co_return;
    }
    if (too_large) {
      fail(id, reason::protocol, "the answer is over " + std::to_string(settings_->max_message_bytes) + " bytes", route);
      co_return;
    }
    if (!event_stream) {
      if (body_ec) {
        fail(id, reason::unreachable, "the answer from " + settings_->url + " broke off: " + body_ec.message(), route);
        co_return;
      }
      boost::system::error_code ec;
      auto value = json::parse(json_body, ec);
      if (ec) {
        fail(id, reason::protocol, "the answer is not JSON: " + shorten(json_body), route);
        co_return;
      }
      // A single message, or (2025-03-26) a batch of them.
      if (value.is_array())
        for (auto& item : value.as_array()) deliver(std::move(item), route);
      else
        deliver(std::move(value), route);
      if (parser.keep_alive()) keep(std::move(c));
      co_return;
    }
    if (answered) {
      if (!body_ec && parser.keep_alive()) keep(std::move(c));
      co_return;
    }
    // The stream ended before the answer: resume it with Last-Event-ID
    // (basic/transports "Resumability and Redelivery").
    std::string last_id = sse.last_event_id();
    for (int resumption = 0; resumption < kResumptions && !answered && !last_id.empty(); ++resumption) {
      if (auto wait = sse.retry()) {
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(std::min(*wait, 10'000ul)));
        co_await timer.async_wait(use_tuple);
      }
      bool again_reused = false;
      auto g = co_await connect(error, again_reused);
      if (!g) break;
      auto get = bodiless(http::verb::get);
      get.set(mcp::headers::last_event_id, last_id);
      g->tcp().expires_after(settings_->call_timeout + std::chrono::seconds(5));
      boost::system::error_code ec;
      ec = co_await g->write(get);
      http::response_parser<http::buffer_body> resumed;
      resumed.body_limit(boost::none);
      if (!ec) {
        ec = co_await g->read_header(resumed);
      }
      if (ec || resumed.get().result_int() != 200) break;
      while (!resumed.is_done()) {
        resumed.get().body().data = chunk.data();
        resumed.get().body().size = chunk.size();
        ec = co_await g->read_some(resumed);
        if (ec == http::error::need_buffer) ec = {};
        feed(std::string_view(chunk.data(), chunk.size() - resumed.get().body().size));
        if (ec || answered) break;
      }
      last_id = sse.last_event_id();
    }
    if (!answered)
      fail(id, reason::unreachable, "the answer stream from " + settings_->url + " ended before the answer", route);
    co_return;
  }
}

asio::awaitable<void> HttpLink::listen() {
  auto self = shared_from_this();
  // The stream for what is not tied to a request (list changes, resource
  // updates). A server may not offer one (405); then there is none.
  auto pause = std::chrono::seconds(1);
  std::array<char, 16 * 1024> chunk;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) co_return;
    }
    std::string error;
    bool reused = false;
    auto c = co_await connect(error, reused);
    if (c) {
      {
        std::lock_guard lock(mutex_);
        busy_.insert(c.get());
      }
      auto get = bodiless(http::verb::get);
      c->tcp().expires_never();
      boost::system::error_code ec;
      ec = co_await c->write(get);
      http::response_parser<http::buffer_body> parser;
      parser.body_limit(boost::none);
      if (!ec) {
        ec = co_await c->read_header(parser);
      }
      unsigned status = ec ? 0 : parser.get().result_int();
      if (status == 405 || status == 404) {
        std::lock_guard lock(mutex_);
        busy_.erase(c.get());
        co_return;
      }
      if (status == 200) {
        pause = std::chrono::seconds(1);
        SseParser sse(settings_->max_message_bytes);
        while (!ec && !parser.is_done()) {
          parser.get().body().data = chunk.data();
          parser.get().body().size = chunk.size();
          ec = co_await c->read_some(parser);
          if (ec == http::error::need_buffer) ec = {};
          sse.feed(
              std::string_view(chunk.data(), chunk.size() - parser.get().body().size),
              [&](const SseEvent& event) {
                if (event.data.empty()) return;
                boost::system::error_code parse_ec;
                auto value = json::parse(event.data, parse_ec);
                if (!parse_ec && value.is_object()) deliver(std::move(value), nullptr);
              },
              [] {});
        }
      }
      std::lock_guard lock(mutex_);
      busy_.erase(c.get());
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, pause);
    co_await timer.async_wait(use_tuple);
    pause = std::min(pause * 2, std::chrono::seconds(30));
  }
}

asio::awaitable<void> HttpLink::end_session() {
  auto self = shared_from_this();
  std::string session;
  {
    std::lock_guard lock(mutex_);
    session = session_id_;
  }
  if (session.empty()) co_return;
  // MCP basic/transports "Session Management": a client that no longer
  // needs the session SHOULD send DELETE.
  std::string error;
  bool reused = false;
  auto c = co_await connect(error, reused);
  if (!c) co_return;
  auto del = bodiless(http::verb::delete_);
  c->tcp().expires_after(std::chrono::seconds(5));
  boost::system::error_code ec;
  ec = co_await c->write(del);
  if (ec) co_return;
  http::response<http::string_body> response;
  co_await c->read(response);
}

}  // namespace gatehouse::gateway
