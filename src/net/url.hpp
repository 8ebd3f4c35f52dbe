#pragma once
// Parsing absolute URLs from the network. Boost.URL 1.81 reads a host that
// starts like an IPv4 address ("127.0.0.1.evil.example") as that address and
// the rest as a path: judged by that, `http://127.0.0.1.evil.example/cb`
// would pass for a loopback redirect and `http://127.0.0.1.evil.example` for
// a loopback Origin. Every URL the server judges goes through parse_url,
// which refuses any URL whose parsed authority is not exactly the text
// between "//" and the first "/", "?" or "#".
#include <boost/url/url_view.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::net {

// The parsed URL (it refers to `text`, which must outlive it), or nullopt
// when `text` is not an absolute URI or its authority is ambiguous.
std::optional<boost::urls::url_view> parse_url(std::string_view text);

// boost::urls::parse_uri for text from the network: the absolute URI
// (RFC 3986 §4.3), or nullopt. Boost.URL 1.81 counts one path segment in
// an empty hier-part followed by exactly one more character ("a:?", "a:#",
// "a:["); its debug builds then abort on an assertion
// (detail::path_segments). Any URI with an empty hier-part is refused here
// before Boost.URL sees it: no URL the server judges lacks both an
// authority and a path. Authorities are not checked (parse_url does).
std::optional<boost::urls::url_view> parse_absolute_uri(std::string_view text);

// The TCP port a parsed URL names: nullopt when it names none (or an empty
// one, RFC 3986 §6.2.3: the scheme's default), 0 when the digits are not a
// port (0, or above 65535; Boost.URL's port_number() keeps only the low 16
// bits of a larger number).
std::optional<unsigned> url_port(const boost::urls::url_view& url);

// "scheme://host[:port]" of an absolute URL (RFC 6454 §4, as written), or ""
// when `text` does not parse.
std::string origin_of(std::string_view text);

}  // namespace gatehouse::net
