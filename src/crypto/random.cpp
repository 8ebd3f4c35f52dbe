#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace gatehouse::crypto {

namespace {

// OpenSSL's RAND_bytes is thread-safe (its DRBGs are per thread since 1.1.1).
class SystemRandom final : public Random {
 public:
  std::string bytes(std::size_t n) override {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
      std::fputs("fatal: the system random number generator failed\n", stderr);
      std::abort();
    }
    return out;
  }
};

}  // namespace

std::string Random::hex(std::size_t n) { return hex_encode(bytes(n)); }
std::string Random::token(std::size_t n) { return base64url_encode(bytes(n)); }

Random& system_random() {
  static SystemRandom random;
  return random;
}

}  // namespace gatehouse::crypto
