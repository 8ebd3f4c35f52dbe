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

// RFC 9110 §5.1: field names are case-insensitive; §5.3: fields of one
// name form one list, in order.
TEST(ClientAddress, M3_FieldNameCaseDoesNotMatter) {
  Request lower{http::verb::get, "/", 11};
  lower.insert("x-forwarded-for", "198.51.100.7");  // as Envoy sends it
  EXPECT_EQ(client_address(lower, ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.7"));
  Request odd{http::verb::get, "/", 11};
  odd.insert("X-FORWARDED-FOR", "198.51.100.8");
  EXPECT_EQ(client_address(odd, ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.8"));
}

TEST(ClientAddress, M3_AClientCannotChooseItsAddressWithAnotherCase) {
  // The client sends its own field; the proxy appends the real address in a
  // field of another case. Both are one list: the proxy's entry is nearest.
  Request r{http::verb::get, "/", 11};
  r.insert("X-Forwarded-For", "6.6.6.6");
  r.insert("x-forwarded-for", "198.51.100.7");
  EXPECT_EQ(client_address(r, ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.7"));
  // And the other way round.
  Request q{http::verb::get, "/", 11};
  q.insert("x-forwarded-for", "6.6.6.6");
  q.insert("X-Forwarded-For", "198.51.100.7");
  EXPECT_EQ(client_address(q, ip("127.0.0.1"), {ip("127.0.0.1")}), ip("198.51.100.7"));
  // Every field counts, in arrival order, for the trusted walk.
  Request chain{http::verb::get, "/", 11};
  chain.insert("x-forwarded-for", "198.51.100.9");
  chain.insert("X-Forwarded-For", "10.0.0.2");
  EXPECT_EQ(client_address(chain, ip("127.0.0.1"), {ip("127.0.0.1"), ip("10.0.0.2")}), ip("198.51.100.9"));
}

TEST(ClientAddress, UnreadableHopStopsTheWalk) {
  EXPECT_EQ(client_address(with_xff({"garbage"}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("127.0.0.1"));
  EXPECT_EQ(client_address(with_xff({}), ip("127.0.0.1"), {ip("127.0.0.1")}), ip("127.0.0.1"));
}

}  // namespace
}  // namespace gatehouse::net
