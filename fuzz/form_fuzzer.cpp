// application/x-www-form-urlencoded bodies and query strings (net/form.hpp):
// every OAuth endpoint's first parser of untrusted input.
#include "net/form.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse::net;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto form = parse_form(input)) {
    for (const auto& [name, value] : form->values) {
      // Every parsed field reads back through the accessors.
      const auto* found = form->get(name);
      if (!found || *found != value) std::abort();
    }
    (void)form->value_or("client_id");
  }
  (void)parse_form(input, 3);
  (void)url_decode(input, false);

  // Encoding is reversible: what url_encode writes, url_decode reads back
  // exactly, with '+' read as a space or not.
  const auto encoded = url_encode(input);
  const auto decoded = url_decode(encoded);
  if (!decoded || *decoded != input) std::abort();
  const auto decoded_plain = url_decode(encoded, false);
  if (!decoded_plain || *decoded_plain != input) std::abort();
  return 0;
}
