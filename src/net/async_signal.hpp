#pragma once
// Wakes one waiting coroutine from any thread. The waiter parks on a timer of
// its own executor (a connection's strand); notify() posts the wake-up to that
// executor, so the timer is only ever touched from its own strand.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace gatehouse::net {

class AsyncSignal {
 public:
  // True when notified, false when `timeout` passed first. A notify() that
  // came before wait() is not lost: the next wait() returns at once.
  boost::asio::awaitable<bool> wait(std::chrono::steady_clock::duration timeout);
  void notify();

 private:
  std::mutex mutex_;
  bool signaled_ = false;
  std::shared_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace gatehouse::net
