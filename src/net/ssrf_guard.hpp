#pragma once
// SSRF guard for server-side fetches of client-supplied URLs (INTEROP CI3):
// Client ID Metadata Documents, and later jwks_uri. A URL is fetched only
// when EVERY address its host resolves to is an ordinary public unicast
// address, and the connection then goes to an address that was checked
// (never resolve twice: DNS rebinding).
//
// Special-use ranges: RFC 6890 and the IANA IPv4/IPv6 Special-Purpose
// Address Registries, plus the IPv4 forms embedded in IPv6 (RFC 4291 §2.5.5,
// RFC 6052 NAT64, RFC 3056 6to4) so that a mapped loopback cannot pass.
#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::net {

// True when `address` is not an ordinary public unicast destination:
// IPv4 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24,
// 192.0.2/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4,
// 240/4 (incl. 255.255.255.255); IPv6 ::, ::1, fc00::/7, fe80::/10 (and the
// deprecated site-local fec0::/10), ff00::/8, 2001:db8::/32, 100::/64
// (discard), 64:ff9b:1::/48 (local NAT64), 2001::/32 (Teredo); and
// ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d, 2002:aabb:ccdd::/48 judged by
// their IPv4 address.
bool is_special_use(const boost::asio::ip::address& address);

// The special-use range `address` falls in, e.g. "127.0.0.0/8 (loopback)",
// or nullopt for a public address. For IPv6 forms that embed an IPv4 address
// the IPv4 range is named, e.g. "::ffff:0:0/96 (IPv4-mapped) of 127.0.0.0/8 (loopback)".
std::optional<std::string> special_use_range(const boost::asio::ip::address& address);

struct SsrfPolicy {
  // --insecure-dev: allow loopback, private, link-local and documentation
  // addresses (local test servers). Unspecified (0.0.0.0/8, ::), multicast,
  // reserved and broadcast addresses stay refused: they are never a server.
  bool allow_private = false;
  // Ports a client-supplied URL may name (CI1); 443 unless configured.
  std::vector<unsigned short> allowed_ports = {443};
  // Any port: for URLs the operator configured (an upstream identity
  // provider), not ones a client supplied.
  bool any_port = false;
};

// Why the resolved addresses of a host must not be contacted, or nullopt
// when all of them may be. Refuses an empty list, and refuses when ANY
// address is special-use (a resolver may return a public and a private
// address; the client library would pick either). The reason names the
// offending address and its range.
std::optional<std::string> refuse_reason(const std::vector<boost::asio::ip::address>& resolved,
                                         const SsrfPolicy& policy);

bool port_allowed(unsigned short port, const SsrfPolicy& policy);

// The address a URL host denotes when it is an IP literal, else nullopt (a
// name to resolve). Accepts "[v6]" and bare v6 (a zone id, "%25eth0" or
// "%eth0", is dropped), and every IPv4 spelling that inet_aton(3) and the
// WHATWG URL host parser accept: 1 to 4 dot-separated parts, each decimal,
// 0x-hex or 0-octal, the last part filling the remaining bytes
// (2130706433, 0x7f000001, 0177.0.0.1, 127.1 are all 127.0.0.1), with an
// optional trailing dot. These must be recognised so that they are judged
// as addresses and cannot slip past a name check.
std::optional<boost::asio::ip::address> literal_host(std::string_view host);

// True when a host "ends in a number" (WHATWG URL §3.5): its last label is
// all digits or 0x-hex. Such a host is always treated as IPv4 by browsers
// and resolvers; when literal_host() cannot decode it, it is malformed and
// must be refused rather than resolved as a name.
bool ends_in_number(std::string_view host);

}  // namespace gatehouse::net
