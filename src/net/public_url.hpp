#pragma once
// A server's public base URL (the issuer, and the base of the MCP endpoint
// and metadata URLs): absolute, http or https (RFC 3986 §4.3), a host that
// is a DNS name, an IPv4 address or a bracketed IPv6 address, an optional
// port from 1 to 65535, an optional path of valid characters, and no user
// information, query or fragment (RFC 8414 §2: an issuer has neither
// query nor fragment). http only for a loopback host, or with insecure_dev.
#include <string>
#include <string_view>

namespace gatehouse::net {

// Why `url` is not a good public base URL, in words for the operator ("" when it is).
std::string public_url_problem(std::string_view url, bool insecure_dev);

}  // namespace gatehouse::net
