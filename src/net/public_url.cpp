#include "net/public_url.hpp"

#include "net/loopback.hpp"
#include "net/quote.hpp"
#include "net/text.hpp"

#include <boost/url/grammar/parse.hpp>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace gatehouse::net {

namespace urls = boost::urls;
using namespace std::string_view_literals;

namespace {

bool sub_delim(unsigned char c) { return "!$&'()*+,;="sv.find(static_cast<char>(c)) != std::string_view::npos; }

std::string describe_char(unsigned char c) {
  if (c == ' ') return "a space";
  if (c < 0x20 || c == 0x7f) return "a control character";
  if (c >= 0x80) return "a non-ASCII character";
  return std::string("'") + static_cast<char>(c) + "'";
}
}  // namespace

std::string public_url_problem(std::string_view url, bool insecure_dev) {
  const std::string q = quote(url);
  const std::string example = "; write https://HOST[:PORT][/PATH], e.g. https://mcp.example.com";
  auto separator = url.find("://");
  if (separator == std::string_view::npos || separator == 0) return q + " is not an absolute URL" + example;
  const std::string scheme = lower(url.substr(0, separator));
  if (scheme != "http" && scheme != "https") return q + " must be an https URL, not " + scheme + ":" + example;
  auto rest = url.substr(separator + 3);
  if (auto special = rest.find_first_of("?#"); special != std::string_view::npos)
    return q + (rest[special] == '?' ? " must not have a query (?...)" : " must not have a fragment (#...)") +
           ": it is the base URL the MCP endpoint and metadata URLs are built from";
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);

  if (authority.find('@') != std::string_view::npos) return q + " must not contain a user name or password (user@)";
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return q + " has an IPv6 host without a closing ']'";
    host = authority.substr(0, close + 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return q + " has " + describe_char(static_cast<unsigned char>(after.front())) + " after its IPv6 host";
      port = after.substr(1);
    }
    if (!urls::parse_ipv6_address(host.substr(1, host.size() - 2))) return q + " has an invalid IPv6 host " + std::string(host);
  } else {
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.find(':') != std::string_view::npos) return q + ": an IPv6 host must be in brackets, e.g. https://[2001:db8::1]";
    for (unsigned char c : host)
      if (!is_unreserved(c))
        return q + " has " + describe_char(c) + " in its host name" +
               (c >= 0x80 ? " (write an international domain name in its xn-- form)" : "");
    if (!host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos && !urls::parse_ipv4_address(host))
      return q + " has an invalid IPv4 host " + std::string(host);
  }
  if (host.empty()) return q + " has no host" + example;
  if (port) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (!all_digits(*port) || ec != std::errc{} || end != port->data() + port->size() || value == 0 || value > 65535)
      return q + " has an invalid port " + quote(*port) + " (1 to 65535)";
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c == '%') {
      if (i + 2 >= path.size() || !std::isxdigit(static_cast<unsigned char>(path[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(path[i + 2])))
        return q + " has a '%' in its path that is not followed by two hex digits";
      i += 2;
    } else if (!is_unreserved(c) && !sub_delim(c) && c != ':' && c != '@' && c != '/') {
      return q + " has " + describe_char(c) + " in its path; percent-encode it (e.g. %20 for a space)";
    }
  }
  if (scheme == "http" && !is_loopback_host(host) && !insecure_dev)
    return q +
           " must use https: clients send their access tokens and MCP session IDs to this URL, and over plain http "
           "anyone on the network path can read and replay them. http is accepted only for a loopback host "
           "(localhost, 127.0.0.1, [::1]), or anywhere with --insecure-dev (tests only). Behind a "
           "TLS-terminating proxy, set public_url to the proxy's https:// URL";
  // Every part checked above with its own message; what RFC 3986 still
  // refuses is named by the URL parser.
  if (auto parsed = urls::parse_absolute_uri(url); !parsed)
    return q + " is not a valid URL (" + parsed.error().message() + ")" + example;
  return {};
}

}  // namespace gatehouse::net
