// What `gatehouse doctor` reads from any server it is pointed at: a
// WWW-Authenticate header (net/www_authenticate.hpp, RFC 9110 §11.6.1) and
// the text it masks before showing it as evidence (doctor/probe.hpp).
#include "doctor/probe.hpp"
#include "net/www_authenticate.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = gatehouse::net::parse_www_authenticate(input);
  for (const auto& challenge : parsed.challenges) {
    // A challenge always has a scheme, and its parameters read back.
    if (challenge.scheme.empty()) std::abort();
    for (const auto& [name, value] : challenge.params) {
      if (name.empty()) std::abort();
      if (!challenge.param(name)) std::abort();
    }
    if (parsed.find(challenge.scheme) == nullptr) std::abort();
  }

  // Masking only ever shortens a value to its first four characters plus a
  // length note; it never throws or reads past the text.
  (void)gatehouse::doctor::mask_secrets(input);
  (void)gatehouse::doctor::masked(input);
  return 0;
}
