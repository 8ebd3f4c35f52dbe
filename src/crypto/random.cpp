#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace gatehouse::crypto {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("fatal: the system random number generator failed\n", stderr);
    std::abort();
  }
  return out;
}

std::string random_hex(std::size_t n) { return hex_encode(random_bytes(n)); }
std::string random_token(std::size_t n) { return base64url_encode(random_bytes(n)); }

}  // namespace gatehouse::crypto
