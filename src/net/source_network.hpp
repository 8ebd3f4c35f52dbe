#pragma once
// The network a request comes from, for limits that one party should not
// dodge by moving to the next address: the /24 of an IPv4 address and the
// /64 of an IPv6 one (RFC 6177 / RFC 7421: a /64 is the smallest block a
// site is given, so one host can use any of its 2^64 addresses). IPv4-mapped
// IPv6 addresses (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) count as IPv4.
#include <boost/asio/ip/address.hpp>

#include <string>

namespace gatehouse::net {

// "203.0.113.0/24", "2001:db8:1:2::/64".
std::string source_network(const boost::asio::ip::address& address);

}  // namespace gatehouse::net
