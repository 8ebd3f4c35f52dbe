#include "net/loopback.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

// TR2: the names of this machine's loopback interface (Origin, Host, an
// http public_url).
TEST(Loopback, TR2_AnyNameOfTheLoopbackInterface) {
  for (std::string_view host : {"localhost", "LocalHost", "127.0.0.1", "127.8.9.10", "[::1]", "[0:0:0:0:0:0:0:1]"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (std::string_view host : {"", "localhost.", "localhost.evil.example", "127.0.0.1.evil.example", "128.0.0.1",
                                "127.1", "2130706433", "0x7f000001", "::1", "[::2]", "[::ffff:127.0.0.1]", "[::1",
                                "10.0.0.1"})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

// AZ3 / RFC 8252 §7.3: a loopback redirect URI names exactly these hosts.
TEST(Loopback, AZ3_TheHostsOfANativeAppsLoopbackRedirect) {
  for (std::string_view host : {"127.0.0.1", "[::1]", "localhost"}) EXPECT_TRUE(is_native_loopback_host(host)) << host;
  for (std::string_view host : {"LOCALHOST", "127.0.0.2", "[0::1]", "127.0.0.1.evil.example", ""})
    EXPECT_FALSE(is_native_loopback_host(host)) << host;
}

}  // namespace
}  // namespace gatehouse::net
