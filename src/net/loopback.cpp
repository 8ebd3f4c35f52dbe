#include "net/loopback.hpp"

#include "net/text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string>

namespace gatehouse::net {

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost")) return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string(host.substr(1, host.size() - 2)).c_str(), &address) != 1) return false;
    static constexpr std::array<unsigned char, 16> kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(kLoopback.begin(), kLoopback.end(), reinterpret_cast<const unsigned char*>(&address));
  }
  // inet_pton(AF_INET) reads only the dotted-quad form (no 127.1 or
  // 2130706433), which is how URL parsers write an IPv4 host.
  in_addr address{};
  if (inet_pton(AF_INET, std::string(host).c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

bool is_native_loopback_host(std::string_view host) {
  return host == "127.0.0.1" || host == "[::1]" || host == "localhost";
}

}  // namespace gatehouse::net
