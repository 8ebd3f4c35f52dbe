// The listener with real sockets on loopback: streamed responses must reach
// the client whole, however the threads interleave.
#include "net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <thread>

namespace gatehouse::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// One answer, produced a moment after the headers went out (as a tool's
// result is), then the end of the stream.
class OneAnswer final : public StreamSource {
 public:
  OneAnswer(asio::any_io_executor executor, std::string answer, std::atomic<int>& abandoned)
      : timer_(executor), answer_(std::move(answer)), abandoned_(abandoned) {}

  asio::awaitable<std::optional<std::string>> next() override {
    if (done_ || gone_) co_return std::nullopt;
    timer_.expires_after(std::chrono::microseconds(200));
    co_await timer_.async_wait(asio::use_awaitable);
    if (gone_) co_return std::nullopt;  // the peer hung up: nobody to tell
    done_ = true;
    co_return "data: " + answer_ + "\n\n";
  }
  // Counts streams released before their answer was produced: the bug. A
  // client closing its connection right after reading the last answer may
  // still be seen before the server's final write completes; that is no loss.
  void abandoned() override {
    gone_ = true;
    if (!done_) ++abandoned_;
  }

 private:
  asio::steady_timer timer_;
  std::string answer_;
  std::atomic<int>& abandoned_;
  std::atomic<bool> done_{false};
  std::atomic<bool> gone_{false};
};

struct ThreadPool {
  explicit ThreadPool(int n) {
    for (int i = 0; i < n; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~ThreadPool() {
    work.reset();
    ioc.stop();
    for (auto& t : threads) t.join();
  }
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{ioc.get_executor()};
  std::vector<std::thread> threads;
};

// Sends `count` POSTs on one keep-alive connection (headers and body in two
// writes, as Node's HTTP client does) and counts the answers received whole.
asio::awaitable<int> client(tcp::endpoint server, int connection, int count) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(server, asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  boost::beast::flat_buffer buffer;
  int whole = 0;
  for (int i = 0; i < count; ++i) {
    std::string id = std::to_string(connection) + "." + std::to_string(i);
    std::string body = R"({"id":")" + id + R"("})";
    std::string head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(head), asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(body), asio::use_awaitable);
    boost::beast::http::response<boost::beast::http::string_body> response;
    co_await boost::beast::http::async_read(socket, buffer, response, asio::use_awaitable);
    if (response.body() == "data: answer " + id + "\n\n") ++whole;
  }
  co_return whole;
}

// H2: a readable wake-up of the hang-up watcher with no bytes to read (an
// edge reported after the request's bytes were already consumed) is not a
// hang-up. Taking it for one ended about 1 % of streamed answers early,
// without their result, whenever the server ran on several threads.
TEST(HttpServer, H2_EveryStreamedAnswerArrivesOnSeveralThreads) {
  constexpr int kConnections = 16, kRequestsEach = 200;
  std::atomic<int> abandoned{0};
  ThreadPool server_threads(4);
  HttpServer server(server_threads.ioc, {}, [&](Request& request, const Peer&) -> asio::awaitable<Reply> {
    auto id = request.body().substr(7, request.body().size() - 9);
    Response head{http::status::ok, 11};
    head.set(http::field::content_type, "text/event-stream");
    auto executor = co_await asio::this_coro::executor;
    co_return Reply{std::move(head), std::make_shared<OneAnswer>(executor, "answer " + id, abandoned)};
  });
  auto endpoint = server.listen({asio::ip::make_address("127.0.0.1"), 0});

  ThreadPool client_threads(2);
  std::vector<std::future<int>> results;
  for (int c = 0; c < kConnections; ++c)
    results.push_back(asio::co_spawn(asio::make_strand(client_threads.ioc), client(endpoint, c, kRequestsEach),
                                     asio::use_future));
  int whole = 0;
  for (auto& r : results) whole += r.get();

  EXPECT_EQ(whole, kConnections * kRequestsEach);
  EXPECT_EQ(abandoned.load(), 0);
  std::promise<void> stopped;
  server.stop([&] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// The watcher still notices a real hang-up: the stream's owner hears of it
// while the response is waiting for its first chunk.
TEST(HttpServer, H2_ClientHangingUpMidStreamIsNoticed) {
  std::atomic<int> abandoned{0};
  ThreadPool server_threads(2);
  class Silent final : public StreamSource {
   public:
    Silent(asio::any_io_executor executor, std::atomic<int>& abandoned) : timer_(executor), abandoned_(abandoned) {}
    asio::awaitable<std::optional<std::string>> next() override {
      timer_.expires_after(std::chrono::seconds(30));
      co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
      co_return std::nullopt;
    }
    void abandoned() override {
      ++abandoned_;
      asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
    }

   private:
    asio::steady_timer timer_;
    std::atomic<int>& abandoned_;
  };
  std::shared_ptr<Silent> source;
  HttpServer server(server_threads.ioc, {}, [&](Request&, const Peer&) -> asio::awaitable<Reply> {
    Response head{http::status::ok, 11};
    auto executor = co_await asio::this_coro::executor;
    source = std::make_shared<Silent>(executor, abandoned);
    co_return Reply{std::move(head), source};
  });
  auto endpoint = server.listen({asio::ip::make_address("127.0.0.1"), 0});

  asio::io_context client_ioc;
  tcp::socket socket(client_ioc);
  socket.connect(endpoint);
  std::string request = "GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::array<char, 256> head{};
  socket.read_some(asio::buffer(head));  // the response headers
  socket.close();

  // The server notices the closed socket through real I/O: poll, bounded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (abandoned.load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(abandoned.load(), 1);
  std::promise<void> stopped;
  server.stop([&] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace gatehouse::net
