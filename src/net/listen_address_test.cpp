// HOST:PORT as the operator writes it (net/listen_address.hpp).
#include "net/listen_address.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(ListenAddress, AcceptsIpv4Ipv6WithZoneAndLocalhost) {
  ListenAddress a;
  EXPECT_EQ(listen_problem("127.0.0.1:8080", &a), "");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(listen_problem("[::1]:0", &a), "");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 0);
  EXPECT_EQ(listen_problem("[fe80::1%eth0]:443", &a), "");
  EXPECT_EQ(a.host, "fe80::1%eth0");
  EXPECT_EQ(listen_problem("LocalHost:65535", &a), "");
  EXPECT_EQ(a.host, "localhost");
}

TEST(ListenAddress, NamesWhatIsWrong) {
  EXPECT_NE(listen_problem("8080").find("did you mean 127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(listen_problem("::1:8080").find("in brackets"), std::string::npos);
  EXPECT_NE(listen_problem("[::1]").find("port is missing"), std::string::npos);
  EXPECT_NE(listen_problem("[::1:8080").find("closing ']'"), std::string::npos);
  EXPECT_NE(listen_problem("[fe80::1%e/0]:1").find("interface name"), std::string::npos);
  EXPECT_NE(listen_problem("300.1.1.1:80").find("not an IPv4 address"), std::string::npos);
  EXPECT_NE(listen_problem("example.com:80").find("must be an IP address or localhost"), std::string::npos);
  EXPECT_NE(listen_problem("127.0.0.1:65536").find("0 to 65535"), std::string::npos);
  EXPECT_NE(listen_problem("127.0.0.1:+80").find("0 to 65535"), std::string::npos);
  EXPECT_NE(listen_problem("").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::net
