#pragma once
// Runs a coroutine to completion on a private io_context, for tests.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <utility>

namespace gatehouse::testing {

template <class Awaitable>
auto run(Awaitable awaitable) {
  boost::asio::io_context ioc;
  auto strand = boost::asio::make_strand(ioc);
  auto future = boost::asio::co_spawn(strand, std::move(awaitable), boost::asio::use_future);
  ioc.run();
  return future.get();
}

// Runs a coroutine factory `f(executor)` on a private strand.
template <class F>
auto run_with(F f) {
  boost::asio::io_context ioc;
  auto strand = boost::asio::make_strand(ioc);
  auto future = boost::asio::co_spawn(strand, f(), boost::asio::use_future);
  ioc.run();
  return future.get();
}

}  // namespace gatehouse::testing
