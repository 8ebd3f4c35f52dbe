#pragma once
// Every connection holds a file descriptor, and the soft RLIMIT_NOFILE is
// often 1024 while the hard limit allows far more. A server raises its soft
// limit to the hard one at start (as an unprivileged process may), so the
// connection limit — not the descriptor limit — is what turns clients away.
#include <cstddef>

namespace gatehouse::runtime {

struct DescriptorLimit {
  std::size_t before;
  std::size_t now;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (capped by the kernel's
// fs.nr_open when the hard limit is unlimited). Failure leaves the limit as
// it was; `now` then equals `before`.
DescriptorLimit raise_descriptor_limit();

}  // namespace gatehouse::runtime
