#include "net/url.hpp"

#include <boost/url/parse.hpp>

namespace gatehouse::net {

namespace {

// RFC 3986 §3.3: a path segment is made of pchar (unreserved, pct-encoded,
// sub-delims, ":" and "@"); a hier-part that starts with none of them nor
// with "/" is empty.
bool starts_hier_part(char c) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || std::string_view("-._~%!$&'()*+,;=:@/").find(c) != std::string_view::npos;
}

}  // namespace

std::optional<boost::urls::url_view> parse_absolute_uri(std::string_view text) {
  // The scheme holds no ':', so the first one ends it (§3.1); what follows
  // is the hier-part. Boost.URL 1.81 asserts when it is empty and one
  // character is left ("a:?", "a:#", "a:["): refused before it parses.
  auto colon = text.find(':');
  if (colon != std::string_view::npos) {
    auto rest = text.substr(colon + 1);
    if (rest.empty() || !starts_hier_part(rest.front())) return std::nullopt;
  }
  auto url = boost::urls::parse_uri(text);
  if (!url) return std::nullopt;
  return *url;
}

std::optional<boost::urls::url_view> parse_url(std::string_view text) {
  auto url = parse_absolute_uri(text);
  if (!url) return std::nullopt;
  if (url->has_authority()) {
    auto start = text.find("//");
    if (start == std::string_view::npos) return std::nullopt;
    auto raw = text.substr(start + 2);
    if (raw.substr(0, raw.find_first_of("/?#")) != url->encoded_authority()) return std::nullopt;
  }
  return *url;
}

std::optional<unsigned> url_port(const boost::urls::url_view& url) {
  if (!url.has_port() || url.port().empty()) return std::nullopt;
  unsigned long value = 0;
  for (char c : url.port()) {
    value = value * 10 + static_cast<unsigned long>(c - '0');
    if (value > 65535) return 0u;
  }
  return static_cast<unsigned>(value);
}

std::string origin_of(std::string_view text) {
  auto url = parse_url(text);
  if (!url) return {};
  return std::string(url->scheme()) + "://" + std::string(url->encoded_host_and_port());
}

}  // namespace gatehouse::net
