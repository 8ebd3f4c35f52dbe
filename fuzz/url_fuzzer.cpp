// URLs from the network: the absolute-URL parser every check goes through
// (net/url.hpp), redirect URI registration and matching (INTEROP AZ3, RG2)
// and Client ID Metadata Document URLs (CI1).
//
// Input: one URL, or two separated by a newline, read as a registered
// redirect URI and the one a request names.
#include "net/url.hpp"
#include "oauth/client/client_id_url.hpp"
#include "oauth/client/redirect_uri.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto url = net::parse_url(input)) {
    // The parsed view refers to `input`; reading every part must stay inside it.
    std::string parts = std::string(url->scheme()) + std::string(url->encoded_host()) + std::string(url->port()) +
                        std::string(url->encoded_path()) + std::string(url->encoded_query());
    (void)parts;
  }
  (void)net::origin_of(input);

  (void)oauth::is_client_id_url(input);
  (void)oauth::client_id_url_problem(input);
  (void)oauth::client_id_url_problem(input, {443, 8443});

  const bool allowed = oauth::redirect_uri_problem(input).empty();
  (void)oauth::is_loopback_redirect(input);
  // RFC 3986 §6.2.1: a URI always matches itself when it may be registered.
  if (allowed && !oauth::redirect_uri_matches(input, input)) std::abort();

  if (auto newline = input.find('\n'); newline != std::string_view::npos) {
    const std::string_view registered = input.substr(0, newline);
    const std::string_view requested = input.substr(newline + 1);
    (void)oauth::redirect_uri_matches(registered, requested);
    (void)oauth::redirect_uri_allowed({std::string(registered)}, requested);
  }
  return 0;
}
