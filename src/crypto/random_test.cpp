#include "crypto/random.hpp"

#include "support/sequence_random.hpp"

#include <gtest/gtest.h>

namespace gatehouse::crypto {
namespace {

TEST(Random, DrawsTheLengthAskedFor) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(32).size(), 32u);
  EXPECT_EQ(random_hex(16).size(), 32u);
  EXPECT_EQ(random_token(32).size(), 43u);  // base64url, no padding
  EXPECT_NE(random_token(16), random_token(16));
}

TEST(Random, HelpersEncodeTheInjectedBytes) {
  testing::SequenceRandom random;
  EXPECT_EQ(random.hex(3), "010000");
  EXPECT_EQ(random.hex(2), "0200");
  EXPECT_EQ(random.token(3), "AwAA");
  EXPECT_EQ(random.draws(), 3u);
}

}  // namespace
}  // namespace gatehouse::crypto
