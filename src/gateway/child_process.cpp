#include "gateway/child_process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace gatehouse::gateway {

namespace asio = boost::asio;

namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fds, O_CLOEXEC) != 0) throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  int take(int end) {
    int fd = fds[end];
    fds[end] = -1;
    return fd;
  }
};

bool executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// execvp's search, done before fork: the child must only call
// async-signal-safe functions, and the PATH searched is the child's.
std::string resolve(const std::string& program, const std::vector<std::string>& env, const std::filesystem::path& cwd) {
  if (program.find('/') != std::string::npos) {
    std::filesystem::path p = program;
    if (p.is_relative() && !cwd.empty()) p = cwd / p;
    if (!executable(p.string())) throw SpawnError(program + " is not an executable file");
    return program;
  }
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& e : env)
    if (e.starts_with("PATH=")) path = e.substr(5);
  for (std::size_t pos = 0; pos <= path.size();) {
    auto colon = path.find(':', pos);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(pos, colon - pos);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    if (executable(candidate)) return candidate;
    pos = colon + 1;
  }
  throw SpawnError(program + " was not found in PATH (" + path + ")");
}

// Written by the child when it fails before exec: what it was doing and errno.
struct Report {
  int stage;  // 1 chdir, 2 exec
  int error;
};

[[noreturn]] void fail_in_child(int fd, int stage) {
  Report r{stage, errno};
  [[maybe_unused]] auto n = ::write(fd, &r, sizeof r);
  ::_exit(127);
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = ::strsignal(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : std::string{});
  }
  return "status " + std::to_string(status);
}

}  // namespace

std::unique_ptr<ChildProcess> ChildProcess::spawn(const asio::any_io_executor& executor, const ChildSpec& spec) {
  if (spec.argv.empty()) throw SpawnError("no program to run");
  const std::string program = resolve(spec.argv.front(), spec.env, spec.cwd);
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string cwd = spec.cwd.string();

  Pipe in, out, err, report;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw SpawnError(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // The child: async-signal-safe calls only until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // Gatehouse died before prctl
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(in.fds[0], 0);
    ::dup2(out.fds[1], 1);
    ::dup2(err.fds[1], 2);
    // Sockets and files of Gatehouse are not the child's business.
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
      for (int fd = 3; fd < 65536; ++fd)
        if (fd != report.fds[1]) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) fail_in_child(report.fds[1], 1);
    ::execve(program.c_str(), argv.data(), envp.data());
    fail_in_child(report.fds[1], 2);
  }
  ::close(report.take(1));
  Report r{};
  ssize_t n;
  do n = ::read(report.fds[0], &r, sizeof r);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::string what = r.stage == 1 ? "cannot change to the directory " + cwd : "cannot run " + program;
    throw SpawnError(what + ": " + std::strerror(r.error));
  }
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  ::close(in.take(0));
  ::close(out.take(1));
  ::close(err.take(1));
  return std::unique_ptr<ChildProcess>(new ChildProcess(executor, pid, in.take(1), out.take(0), err.take(0), pidfd));
}

ChildProcess::ChildProcess(const asio::any_io_executor& executor, pid_t pid, int in, int out, int err, int pidfd)
    : pid_(pid), in_(executor, in), out_(executor, out), err_(executor, err), pidfd_(executor) {
  if (pidfd >= 0) pidfd_.assign(pidfd);
  boost::system::error_code ignored;
  in_.non_blocking(true, ignored);
  out_.non_blocking(true, ignored);
  err_.non_blocking(true, ignored);
}

ChildProcess::~ChildProcess() {
  if (reaped_) return;
  kill();
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void ChildProcess::terminate() noexcept {
  if (!reaped_) ::kill(-pid_, SIGTERM);
}

void ChildProcess::kill() noexcept {
  if (!reaped_) ::kill(-pid_, SIGKILL);
}

asio::awaitable<std::string> ChildProcess::wait() {
  if (reaped_) co_return status_;
  if (pidfd_.is_open()) {
    co_await pidfd_.async_wait(asio::posix::descriptor_base::wait_read, asio::as_tuple(asio::use_awaitable));
  }
  asio::steady_timer poll(pidfd_.get_executor());
  for (;;) {
    // Seen exited but not yet reaped, the leader keeps the group's id from
    // being reused: the child's own children (same group) are killed first.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      status_ = describe_status(status);
      co_return status_;
    }
    poll.expires_after(std::chrono::milliseconds(50));
    co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace gatehouse::gateway
