#include "net/async_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::net {

namespace asio = boost::asio;

asio::awaitable<bool> AsyncSignal::wait(std::chrono::steady_clock::duration timeout) {
  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<asio::steady_timer> timer;
  {
    std::lock_guard lock(mutex_);
    if (signaled_) {
      signaled_ = false;
      co_return true;
    }
    timer = std::make_shared<asio::steady_timer>(executor, timeout);
    timer_ = timer;
  }
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  std::lock_guard lock(mutex_);
  if (timer_ == timer) timer_.reset();
  bool was = signaled_;
  signaled_ = false;
  co_return was;
}

void AsyncSignal::notify() {
  std::lock_guard lock(mutex_);
  signaled_ = true;
  if (timer_) {
    auto timer = timer_;
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
}

}  // namespace gatehouse::net
