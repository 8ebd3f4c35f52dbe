#include "gateway/child_process.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace gatehouse::gateway {
namespace {

namespace asio = boost::asio;

template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> work) {
  auto future = asio::co_spawn(ioc, std::move(work), asio::use_future);
  ioc.restart();
  ioc.run();
  return future.get();
}

TEST(ChildProcess, TalksOverItsPipesAndReportsItsExit) {
  asio::io_context ioc;
  auto child = ChildProcess::spawn(ioc.get_executor(), {{"sh", "-c", "read line; echo \"got $line $GREETING\"; exit 3"},
                                                        {"PATH=/usr/bin:/bin", "GREETING=hi"},
                                                        {}});
  auto output = run(ioc, [&]() -> asio::awaitable<std::string> {
    co_await asio::async_write(child->stdin_pipe(), asio::buffer(std::string("ping\n")), asio::use_awaitable);
    std::string out;
    char buffer[256];
    for (;;) {
      auto [ec, n] = co_await child->stdout_pipe().async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      out.append(buffer, n);
    }
    co_return out;
  }());
  EXPECT_EQ(output, "got ping hi\n");
  EXPECT_EQ(run(ioc, child->wait()), "exit status 3");
}

// The child's environment is exactly what the caller lists.
TEST(ChildProcess, InheritsNoEnvironment) {
  ::setenv("GATEHOUSE_CHILD_TEST_SECRET", "leak", 1);
  asio::io_context ioc;
  auto child = ChildProcess::spawn(ioc.get_executor(), {{"/usr/bin/env"}, {"ONLY=this"}, {}});
  auto output = run(ioc, [&]() -> asio::awaitable<std::string> {
    std::string out;
    char buffer[4096];
    for (;;) {
      auto [ec, n] = co_await child->stdout_pipe().async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      out.append(buffer, n);
    }
    co_return out;
  }());
  EXPECT_EQ(output, "ONLY=this\n");
  ::unsetenv("GATEHOUSE_CHILD_TEST_SECRET");
}

TEST(ChildProcess, AProgramThatCannotRunIsAnErrorAtSpawn) {
  asio::io_context ioc;
  EXPECT_THROW(ChildProcess::spawn(ioc.get_executor(), {{"no-such-program-here"}, {"PATH=/usr/bin:/bin"}, {}}),
               SpawnError);
  EXPECT_THROW(ChildProcess::spawn(ioc.get_executor(), {{"/etc/hostname"}, {}, {}}), SpawnError);
  try {
    ChildProcess::spawn(ioc.get_executor(), {{"sh"}, {"PATH=/usr/bin:/bin"}, "/no/such/dir"});
    ADD_FAILURE() << "a missing working directory was accepted";
  } catch (const SpawnError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/dir"), std::string::npos) << e.what();
  }
}

// terminate() ends the whole process group, the child's own children too.
TEST(ChildProcess, TerminateEndsTheProcessGroup) {
  asio::io_context ioc;
  auto child = ChildProcess::spawn(ioc.get_executor(), {{"sh", "-c", "sleep 30 & sleep 30; wait"}, {"PATH=/usr/bin:/bin"}, {}});
  child->terminate();
  auto status = run(ioc, child->wait());
  EXPECT_NE(status.find("signal 15"), std::string::npos) << status;
  // Nothing of the group is left running (killed children may linger as
  // zombies until init reaps them; those run nothing).
  auto running = [group = child->pid()] {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      if (!std::getline(stat, line)) continue;
      auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream fields(line.substr(close + 2));
      char state = 0;
      int ppid = 0, pgrp = 0;
      fields >> state >> ppid >> pgrp;
      if (pgrp == group && state != 'Z' && state != 'X') ++n;
    }
    return n;
  };
  // The kernel reaps the group in its own time: poll for at most a second.
  for (int i = 0; i < 100 && running() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(running(), 0);
}

}  // namespace
}  // namespace gatehouse::gateway
