#pragma once
// A backend's child process: its own process group, pipes for stdin, stdout
// and stderr, nothing else inherited (no descriptors, no environment beyond
// what the caller lists), and killed by the kernel if Gatehouse dies
// (PR_SET_PDEATHSIG). Its exit is observed through a pidfd, so no SIGCHLD
// handler is needed and nothing else in the process can reap it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gatehouse::gateway {

struct ChildSpec {
  std::vector<std::string> argv;         // argv[0] is looked up in PATH (of `env`) unless it has a '/'
  std::vector<std::string> env;          // "NAME=value", the whole environment
  std::filesystem::path cwd;             // empty: Gatehouse's
};

// The child could not be started; what() says why for the operator.
class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ChildProcess {
 public:
  // Starts the child; throws SpawnError when the program cannot be found or
  // run (reported by the child before exec, so "No such file" is an error
  // here, not an exit status later).
  static std::unique_ptr<ChildProcess> spawn(const boost::asio::any_io_executor& executor, const ChildSpec& spec);
  ~ChildProcess();  // kills the process group if still running

  boost::asio::posix::stream_descriptor& stdin_pipe() noexcept { return in_; }
  boost::asio::posix::stream_descriptor& stdout_pipe() noexcept { return out_; }
  boost::asio::posix::stream_descriptor& stderr_pipe() noexcept { return err_; }
  pid_t pid() const noexcept { return pid_; }

  // SIGTERM, then SIGKILL to the whole group (the child's own children too).
  void terminate() noexcept;
  void kill() noexcept;

  // Waits for the exit and reaps it. Returns a description for logs and
  // errors: "exit status 3", "killed by signal 9 (Killed)".
  boost::asio::awaitable<std::string> wait();
  bool exited() const noexcept { return reaped_; }

 private:
  ChildProcess(const boost::asio::any_io_executor& executor, pid_t pid, int in, int out, int err, int pidfd);
  pid_t pid_;
  boost::asio::posix::stream_descriptor in_, out_, err_, pidfd_;
  bool reaped_ = false;
  std::string status_;
};

}  // namespace gatehouse::gateway
