#include "net/client_address.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

asio::ip::address ip(const char* s) { return asio::ip::make_address(s); }

Request with_xff(std::initializer_list<const char*> values) {
  Request r{http::verb::get, "/", 11};
  for (auto v : values) r.insert("X-Forwarded-For", v);
  return r;
}

TEST(ClientAddress, UntrustedPeerIsTheClientWhateverItClaims) {
  EXPECT_EQ(client_address(with_xff({"1.2.3.4"}), ip("203.0.113.9"), {}), ip("203.0.113.9"));
  EXPECT_EQ(client_address(with_xff({"1.2.3.4"}), ip("203.0.113.9"), {ip("127.0.0.1")}), ip("203.0.113.9"));
}

TEST(ClientAddress, TrustedProxyNamesTheClient) {
  EXPECT_EQ(client_address(with_xff({"198.51.100.7"}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.7"));
  // A client cannot spoof past the last untrusted hop.
  EXPECT_EQ(client_address(with_xff({"6.6.6.6, 198.51.100.7"}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.7"));
  // Two trusted proxies in a row.
  EXPECT_EQ(client_address(with_xff({"198.51.100.7, 10.0.0.2"}), ip("127.0.0.1"), {ip("127.0.0.1"), ip("10.0.0.2")}),
            ip("198.51.100.7"));
  // Several header lines form one list.
  EXPECT_EQ(client_address(with_xff({"6.6.6.6", "198.51.100.7"}), ip("127.0.0.1"), {ip("127.0.0.1")}),
            ip("198.51.100.7"));
  EXPECT_EQ(client_address(with_xff({"[2001:db8::1]:443"}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("2001:db8::1"));
  EXPECT_EQ(client_address(with_xff({"198.51.100.7:5555"}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.7"));
}

TEST(ClientAddress, UnreadableHopStopsTheWalk) {
  EXPECT_EQ(client_address(with_xff({"garbage"}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("127.0.0.1"));
  EXPECT_EQ(client_address(with_xff({}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("127.0.0.1"));
}

}  // namespace
}  // namespace gatehouse::net
