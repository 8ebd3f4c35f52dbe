#include "doctor/loopback_callback.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace gatehouse::doctor {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kDonePage =
    "<!doctype html><meta charset=utf-8><title>gatehouse doctor</title>"
    "<p>The sign-in came back to <code>gatehouse doctor</code>. You can close this window and return to the "
    "terminal.</p>";
constexpr std::string_view kNotFoundPage = "<!doctype html><p>Not found.</p>";

}  // namespace

struct LoopbackCallback::State {
  explicit State(const asio::any_io_executor& executor) : acceptor(executor), timer(executor) {}
  tcp::acceptor acceptor;
  asio::steady_timer timer;
};

LoopbackCallback::LoopbackCallback(const asio::any_io_executor& executor) : state_(std::make_shared<State>(executor)) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
}

LoopbackCallback::~LoopbackCallback() {
  boost::system::error_code ignored;
  state_->timer.cancel();
  state_->acceptor.close(ignored);
}

unsigned short LoopbackCallback::port() const { return state_->acceptor.local_endpoint().port(); }

asio::awaitable<std::optional<CallbackRequest>> LoopbackCallback::next(std::chrono::seconds wait) {
  auto state = state_;
  state->timer.expires_after(wait);
  // The wait ends the accept loop by closing the listener.
  asio::co_spawn(
      state->acceptor.get_executor(),
      [state]() -> asio::awaitable<void> {
        auto [ec] = co_await state->timer.async_wait(use_tuple);
        if (!ec) {
          boost::system::error_code ignored;
          state->acceptor.close(ignored);
        }
      },
      asio::detached);
  for (;;) {
    auto [accept_ec, socket] = co_await state->acceptor.async_accept(use_tuple);
    if (accept_ec) co_return std::nullopt;
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(10));
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 * 1024);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_ec) continue;
    auto request = parser.release();
    std::string target(request.target());
    const bool callback = target.rfind("/callback", 0) == 0;
    http::response<http::string_body> response{callback ? http::status::ok : http::status::not_found, 11};
    response.set(http::field::content_type, "text/html; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    if (callback) response.body() = kDonePage;
    else response.body() = kNotFoundPage;
    response.prepare_payload();
    response.keep_alive(false);
    co_await http::async_write(stream, response, use_tuple);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (!callback) continue;
    state->timer.cancel();
    co_return CallbackRequest{std::string(request.method_string()), std::move(target), std::move(request.body())};
  }
}

}  // namespace gatehouse::doctor
