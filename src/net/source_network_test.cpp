// M4: sign-in limits are per source network, so a host cannot step around
// them by changing its address within its /24 or /64.
#include "net/source_network.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

std::string of(const char* text) { return source_network(boost::asio::ip::make_address(text)); }

TEST(SourceNetwork, M4_Ipv4Slash24Ipv6Slash64) {
  EXPECT_EQ(of("203.0.113.9"), "203.0.113.0/24");
  EXPECT_EQ(of("203.0.113.250"), "203.0.113.0/24");
  EXPECT_EQ(of("203.0.114.9"), "203.0.114.0/24");
  EXPECT_EQ(of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(of("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(of("2001:db8:1:3::1"), "2001:db8:1:3::/64");
  EXPECT_EQ(of("::1"), "::/64");
  EXPECT_EQ(of("::ffff:203.0.113.9"), "203.0.113.0/24") << "an IPv4-mapped address is its IPv4 address";
}

}  // namespace
}  // namespace gatehouse::net
