#pragma once
// Runs part of a test in a forked child process, so that resource limits it
// lowers (RLIMIT_FSIZE for a full disk, RLIMIT_NOFILE for exhausted file
// descriptors) never touch the test runner itself. The child must not use
// GoogleTest assertions: it reports through its exit status, which the parent
// checks.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>

namespace gatehouse::testing {

// The exit status of `body()` run in a child; 128 + signal if it was killed,
// 125 if it threw.
inline int in_child_process(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int code = 125;
    try {
      code = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child process: %s\n", e.what());
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// In the calling (child) process: no file may grow past `bytes`. A write
// beyond it fails with EFBIG instead of raising SIGXFSZ — what a full disk
// looks like to the writer (ENOSPC), without needing one.
inline void limit_file_size(rlim_t bytes) {
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit{bytes, bytes};
  ::setrlimit(RLIMIT_FSIZE, &limit);
}

}  // namespace gatehouse::testing
