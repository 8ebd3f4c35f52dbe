#include "net/listen_address.hpp"

#include "net/quote.hpp"
#include "net/text.hpp"

#include <boost/url/grammar/parse.hpp>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace gatehouse::net {

namespace urls = boost::urls;

std::string listen_problem(std::string_view listen, ListenAddress* out) {
  if (listen.empty()) return "it is empty";
  std::string host;
  std::string_view port;
  if (listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string_view::npos) return "the IPv6 address has no closing ']'";
    auto after = listen.substr(close + 1);
    if (after.empty()) return "the port is missing (write [ADDRESS]:PORT)";
    if (after.front() != ':') return "expected ':' and the port after ']'";
    port = after.substr(1);
    std::string_view address = listen.substr(1, close - 1);
    std::string_view zone;
    if (auto percent = address.find('%'); percent != std::string_view::npos) {
      zone = address.substr(percent + 1);
      address = address.substr(0, percent);
      bool zone_ok = !zone.empty() && std::all_of(zone.begin(), zone.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
      });
      if (!zone_ok) return "the IPv6 zone after '%' must be an interface name such as eth0";
    }
    if (!urls::parse_ipv6_address(address)) return quote(address) + " is not an IPv6 address";
    host = std::string(listen.substr(1, close - 1));
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string_view::npos) {
      if (all_digits(listen)) return "the host is missing; did you mean 127.0.0.1:" + std::string(listen) + "?";
      return "the port is missing (write HOST:PORT)";
    }
    std::string_view name = listen.substr(0, colon);
    port = listen.substr(colon + 1);
    if (name.find(':') != std::string_view::npos) return "IPv6 addresses must be in brackets, e.g. [::1]:8080";
    if (name.empty())
      return "the host is missing; use 127.0.0.1 for this machine only, or 0.0.0.0 (or [::]) for all interfaces";
    if (iequals(name, "localhost")) {
      host = "localhost";
    } else if (urls::parse_ipv4_address(name)) {
      host = std::string(name);
    } else {
      bool numeric = name.find_first_not_of("0123456789.") == std::string_view::npos;
      if (numeric) return quote(name) + " is not an IPv4 address";
      return "the host must be an IP address or localhost, not " + quote(name) +
             " (0.0.0.0 listens on all interfaces, 127.0.0.1 on this machine only)";
    }
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || !all_digits(port) || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    return "the port must be a number from 0 to 65535 (0 picks a free one), not " + quote(port);
  if (out) *out = {std::move(host), static_cast<unsigned short>(value)};
  return {};
}

}  // namespace gatehouse::net
