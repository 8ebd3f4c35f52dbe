#pragma once
// Cryptographically secure randomness for identifiers that must not be
// guessable: session ids, tokens, codes, CSRF values. Components that draw
// ids take a `Random&` (system_random() in the server) so tests can make
// them predictable (tests/support/sequence_random.hpp); the free functions
// draw from the system one.
#include <cstddef>
#include <string>

namespace gatehouse::crypto {

class Random {
 public:
  virtual ~Random() = default;

  // `n` random bytes. The system one aborts the process if the CSPRNG fails
  // (never continue with predictable ids).
  virtual std::string bytes(std::size_t n) = 0;

  // `n` random bytes as lowercase hex (2n visible ASCII characters).
  std::string hex(std::size_t n);
  // `n` random bytes as base64url without padding (RFC 4648 §5).
  std::string token(std::size_t n);
};

// The process-wide CSPRNG (OpenSSL RAND_bytes); safe from any thread.
Random& system_random();

inline std::string random_bytes(std::size_t n) { return system_random().bytes(n); }
inline std::string random_hex(std::size_t n) { return system_random().hex(n); }
inline std::string random_token(std::size_t n) { return system_random().token(n); }

}  // namespace gatehouse::crypto
