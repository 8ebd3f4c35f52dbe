#pragma once
// The address a server listens on, as an operator writes it: HOST:PORT,
// where HOST is an IPv4 address (RFC 3986 §3.2.2 IPv4address), an IPv6
// address in brackets with an optional zone ([fe80::1%eth0], RFC 6874), or
// localhost; PORT is 0 to 65535 (0: the system picks a free one). Host
// names other than localhost are refused: the address to bind must not
// depend on what a resolver answers.
#include <string>
#include <string_view>

namespace gatehouse::net {

struct ListenAddress {
  std::string host;  // without brackets' contents changed: "::1", "127.0.0.1", "localhost"
  unsigned short port = 0;
};

// Why `listen` is not HOST:PORT, in words for the operator ("" when it is);
// on success fills `out` (when given).
std::string listen_problem(std::string_view listen, ListenAddress* out = nullptr);

}  // namespace gatehouse::net
