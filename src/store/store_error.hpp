#pragma once
// The one failure every store operation may throw: the storage itself failed
// (I/O error, disk full, corrupt file, a lock still held after the busy
// timeout, a caller breaking an invariant such as reusing a token hash).
//
// Expected outcomes are never exceptions: a duplicate id, an unknown id, an
// expired code or a lost compare-and-set are return values. Handlers map a
// StoreError to `server_error` / HTTP 500-free protocol errors at their
// boundary (DESIGN.md "Errors").
#include <stdexcept>

namespace gatehouse::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gatehouse::store
