#pragma once
// Cryptographically secure randomness (OpenSSL RAND_bytes) for identifiers
// that must not be guessable: session ids, tokens, codes, CSRF values.
#include <cstddef>
#include <string>

namespace gatehouse::crypto {

// `n` random bytes; aborts the process if the CSPRNG fails (never continue
// with predictable ids).
std::string random_bytes(std::size_t n);
// `n` random bytes as lowercase hex (2n visible ASCII characters).
std::string random_hex(std::size_t n);
// `n` random bytes as base64url without padding (RFC 4648 §5).
std::string random_token(std::size_t n);

}  // namespace gatehouse::crypto
