#include "runtime/descriptor_limit.hpp"

#include <sys/resource.h>

#include <fstream>

namespace gatehouse::runtime {

namespace {

std::size_t as_size(rlim_t value) { return value == RLIM_INFINITY ? std::size_t(-1) : static_cast<std::size_t>(value); }

// Linux refuses a RLIMIT_NOFILE above fs.nr_open, even when the hard limit
// says "unlimited".
rlim_t kernel_maximum() {
  std::ifstream in("/proc/sys/fs/nr_open");
  unsigned long long value = 0;
  if (in >> value && value > 0) return static_cast<rlim_t>(value);
  return 1 << 20;
}

}  // namespace

DescriptorLimit raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {0, 0};
  const std::size_t before = as_size(limit.rlim_cur);
  rlim_t target = limit.rlim_max == RLIM_INFINITY ? kernel_maximum() : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < target) {
    rlimit raised{target, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return {before, as_size(target)};
  }
  return {before, before};
}

}  // namespace gatehouse::runtime
