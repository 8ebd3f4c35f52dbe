#include "net/ssrf_guard.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

using boost::asio::ip::make_address;

struct AddressCase {
  std::string_view address;
  bool special;
  bool dev_ok = true;  // still allowed with SsrfPolicy::allow_private
};

// CI3: every special-use range in both families, at its edges, plus the
// IPv6 forms that embed an IPv4 address, and public addresses that pass.
const AddressCase kAddresses[] = {
    // 0.0.0.0/8
    {"0.0.0.0", true, false},
    {"0.255.255.255", true, false},
    // 10/8
    {"10.0.0.0", true},
    {"10.255.255.255", true},
    {"9.255.255.255", false},
    {"11.0.0.0", false},
    // 100.64/10
    {"100.64.0.0", true},
    {"100.127.255.255", true},
    {"100.63.255.255", false},
    {"100.128.0.0", false},
    // 127/8
    {"127.0.0.1", true},
    {"127.255.255.254", true},
    // 169.254/16 (incl. cloud metadata)
    {"169.254.169.254", true},
    {"169.254.0.1", true},
    {"169.253.255.255", false},
    // 172.16/12
    {"172.16.0.0", true},
    {"172.31.255.255", true},
    {"172.15.255.255", false},
    {"172.32.0.0", false},
    // 192.0.0/24 and 192.0.2/24
    {"192.0.0.8", true},
    {"192.0.2.1", true},
    {"192.0.1.1", false},
    {"192.0.3.1", false},
    // 192.168/16
    {"192.168.0.1", true},
    {"192.168.255.255", true},
    {"192.169.0.1", false},
    // 198.18/15
    {"198.18.0.1", true},
    {"198.19.255.255", true},
    {"198.17.255.255", false},
    {"198.20.0.0", false},
    // 198.51.100/24, 203.0.113/24
    {"198.51.100.7", true},
    {"203.0.113.9", true},
    {"198.51.101.7", false},
    {"203.0.114.9", false},
    // 224/4, 240/4, broadcast
    {"224.0.0.1", true, false},
    {"239.255.255.250", true, false},
    {"240.0.0.1", true, false},
    {"255.255.255.255", true, false},
    {"223.255.255.255", false},
    // Public IPv4.
    {"93.184.216.34", false},
    {"1.1.1.1", false},
    {"8.8.8.8", false},
    {"160.79.104.10", false},
    // IPv6 unspecified and loopback.
    {"::", true, false},
    {"::1", true},
    // fc00::/7
    {"fc00::1", true},
    {"fd12:3456:789a::1", true},
    {"fbff:ffff::1", false},
    {"fe00::1", false},
    // fe80::/10 (and deprecated fec0::/10)
    {"fe80::1", true},
    {"febf:ffff::1", true},
    {"fec0::1", true},
    // ff00::/8
    {"ff02::1", true, false},
    {"ff0e::1", true, false},
    // 2001:db8::/32
    {"2001:db8::1", true},
    {"2001:db8:ffff::1", true},
    {"2001:db9::1", false},
    // Teredo, discard, local NAT64.
    {"2001:0:4136:e378:8000:63bf:3fff:fdd2", true, false},
    {"100::1", true, false},
    {"64:ff9b:1::a00:1", true},
    // IPv4-mapped ::ffff:a.b.c.d, judged by the IPv4 address.
    {"::ffff:127.0.0.1", true},
    {"::ffff:7f00:1", true},
    {"::ffff:169.254.169.254", true},
    {"::ffff:10.1.2.3", true},
    {"::ffff:0.0.0.0", true, false},
    {"::ffff:255.255.255.255", true, false},
    {"::ffff:93.184.216.34", false},
    // L2: IPv4-translated ::ffff:0:a.b.c.d (RFC 2765 §2.1), judged by the IPv4 address.
    {"::ffff:0:7f00:1", true},
    {"::ffff:0:127.0.0.1", true},
    {"::ffff:0:a9fe:a9fe", true},  // 169.254.169.254
    {"::ffff:0:10.1.2.3", true},
    {"::ffff:0:0.0.0.0", true, false},
    {"::ffff:0:93.184.216.34", false},
    // IPv4-compatible ::a.b.c.d.
    {"::127.0.0.1", true},
    {"::192.168.1.1", true},
    {"::0.0.0.2", true, false},
    {"::93.184.216.34", false},
    // NAT64 64:ff9b::/96: the embedded address decides; the prefix itself is refused.
    {"64:ff9b::", true, false},
    {"64:ff9b::127.0.0.1", true},
    {"64:ff9b::a9fe:a9fe", true},  // 169.254.169.254
    {"64:ff9b::10.0.0.1", true},
    {"64:ff9b::93.184.216.34", false},
    // 6to4 2002::/16 carries an IPv4 address in bits 16..47.
    {"2002:7f00:1::1", true},
    {"2002:c0a8:101::1", true},
    {"2002:5db8:d822::1", false},
    // Public IPv6.
    {"2606:4700::1111", false},
    {"2606:4700:4700::1111", false},
    {"2a00:1450:4001:82a::200e", false},
    {"2001:4860:4860::8888", false},
};

TEST(SsrfGuard, CI3_SpecialUseTable) {
  for (const auto& c : kAddresses) {
    SCOPED_TRACE(std::string(c.address));
    auto a = make_address(std::string(c.address));
    EXPECT_EQ(is_special_use(a), c.special);
    EXPECT_EQ(special_use_range(a).has_value(), c.special);
    auto strict = refuse_reason({a}, SsrfPolicy{});
    EXPECT_EQ(strict.has_value(), c.special);
    auto dev = refuse_reason({a}, SsrfPolicy{.allow_private = true});
    EXPECT_EQ(dev.has_value(), c.special && !c.dev_ok);
  }
}

TEST(SsrfGuard, L2_IPv4TranslatedFormIsJudgedByItsIPv4Address) {
  // The audit's address: [::ffff:0:7f00:1] is 127.0.0.1 to a translator.
  auto reason = refuse_reason({make_address("::ffff:0:7f00:1")}, {});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("IPv4-translated"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("127.0.0.0/8"), std::string::npos) << *reason;
  auto literal = literal_host("[::ffff:0:7f00:1]");
  ASSERT_TRUE(literal);
  EXPECT_TRUE(is_special_use(*literal));
  EXPECT_FALSE(is_special_use(make_address("::ffff:0:5db8:d822")));  // 93.184.216.34: public
}

TEST(SsrfGuard, CI3_ReasonNamesTheAddressAndRange) {
  auto reason = refuse_reason({make_address("169.254.169.254")}, {});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("169.254.169.254"), std::string::npos);
  EXPECT_NE(reason->find("link-local"), std::string::npos);

  reason = refuse_reason({make_address("::ffff:127.0.0.1")}, {});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("::ffff:127.0.0.1"), std::string::npos);
  EXPECT_NE(reason->find("loopback"), std::string::npos);
  EXPECT_NE(reason->find("IPv4-mapped"), std::string::npos);
}

// CI3: every resolved address must pass — one bad address refuses the host.
TEST(SsrfGuard, CI3_AnyBadAddressRefusesTheHost) {
  std::vector<boost::asio::ip::address> mixed{make_address("93.184.216.34"), make_address("2606:4700::1111"),
                                              make_address("10.0.0.5")};
  auto reason = refuse_reason(mixed, {});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("10.0.0.5"), std::string::npos);

  EXPECT_FALSE(refuse_reason({make_address("93.184.216.34"), make_address("2606:4700::1111")}, {}));
}

TEST(SsrfGuard, CI3_EmptyResolutionIsRefused) {
  EXPECT_TRUE(refuse_reason({}, {}));
  EXPECT_TRUE(refuse_reason({}, SsrfPolicy{.allow_private = true}));
}

TEST(SsrfGuard, CI3_AllowPrivateStillRefusesUnusableDestinations) {
  SsrfPolicy dev{.allow_private = true};
  EXPECT_FALSE(refuse_reason({make_address("127.0.0.1"), make_address("::1"), make_address("192.168.1.10")}, dev));
  EXPECT_TRUE(refuse_reason({make_address("127.0.0.1"), make_address("0.0.0.0")}, dev));
  EXPECT_TRUE(refuse_reason({make_address("ff02::1")}, dev));
}

TEST(SsrfGuard, CI3_Ports) {
  EXPECT_TRUE(port_allowed(443, {}));
  EXPECT_FALSE(port_allowed(80, {}));
  EXPECT_FALSE(port_allowed(8443, {}));
  EXPECT_TRUE(port_allowed(8443, SsrfPolicy{.allowed_ports = {443, 8443}}));
}

struct LiteralCase {
  std::string_view host;
  std::string_view address;  // "" when not an IP literal
};

// CI3: every spelling of an address is recognised, so "0x7f000001" cannot
// pass as a host name and then connect to loopback.
const LiteralCase kLiterals[] = {
    {"127.0.0.1", "127.0.0.1"},
    {"2130706433", "127.0.0.1"},
    {"0x7f000001", "127.0.0.1"},
    {"0X7F000001", "127.0.0.1"},
    {"0177.0.0.1", "127.0.0.1"},
    {"0177.0.0.01", "127.0.0.1"},
    {"0x7f.0.0.1", "127.0.0.1"},
    {"0x7f.1", "127.0.0.1"},
    {"127.1", "127.0.0.1"},
    {"127.0.1", "127.0.0.1"},
    {"127.0.0.1.", "127.0.0.1"},
    {"017700000001", "127.0.0.1"},
    {"0", "0.0.0.0"},
    {"0x", "0.0.0.0"},
    {"169.254.43518", "169.254.169.254"},
    {"0xa9fea9fe", "169.254.169.254"},
    {"2852039166", "169.254.169.254"},
    {"4294967295", "255.255.255.255"},
    {"93.184.216.34", "93.184.216.34"},
    {"[::1]", "::1"},
    {"::1", "::1"},
    {"[::ffff:127.0.0.1]", "::ffff:127.0.0.1"},
    {"[::ffff:7f00:1]", "::ffff:127.0.0.1"},
    {"[fe80::1%25eth0]", "fe80::1"},
    {"[2606:4700::1111]", "2606:4700::1111"},
    // Not literals: names, and numeric forms that are out of range or malformed.
    {"example.com", ""},
    {"localhost", ""},
    {"127.0.0.1.nip.io", ""},
    {"0x7f000001.example", ""},
    {"4294967296", ""},
    {"256.0.0.1", ""},
    {"1.2.3.4.5", ""},
    {"1.2.3.256", ""},
    {"1.2.65536", ""},
    {"08.0.0.1", ""},
    {"0xg", ""},
    {"1..1", ""},
    {"", ""},
    {"[]", ""},
    {"[example.com]", ""},
    {"[v1.x]", ""},
};

TEST(SsrfGuard, CI3_LiteralHostDecoding) {
  for (const auto& c : kLiterals) {
    SCOPED_TRACE(std::string(c.host));
    auto a = literal_host(c.host);
    if (c.address.empty()) {
      EXPECT_FALSE(a.has_value()) << a->to_string();
    } else {
      ASSERT_TRUE(a.has_value());
      EXPECT_EQ(*a, make_address(std::string(c.address)));
    }
  }
}

TEST(SsrfGuard, CI3_DecodedLiteralsAreJudgedAsAddresses) {
  for (std::string_view host :
       {"2130706433", "0x7f000001", "0177.0.0.1", "[::ffff:7f00:1]", "0xa9fea9fe", "[::ffff:0:7f00:1]"}) {
    SCOPED_TRACE(std::string(host));
    auto a = literal_host(host);
    ASSERT_TRUE(a);
    EXPECT_TRUE(is_special_use(*a));
  }
}

TEST(SsrfGuard, CI3_EndsInNumber) {
  EXPECT_TRUE(ends_in_number("1.2.3.4.5"));
  EXPECT_TRUE(ends_in_number("999.1.1.1"));
  EXPECT_TRUE(ends_in_number("example.0x1f"));
  EXPECT_TRUE(ends_in_number("example.42."));
  EXPECT_FALSE(ends_in_number("example.com"));
  EXPECT_FALSE(ends_in_number("1.example"));
  EXPECT_FALSE(ends_in_number("0xg"));
  EXPECT_FALSE(ends_in_number(""));
}

}  // namespace
}  // namespace gatehouse::net
