// M1: request values reach the log bounded and on one line.
#include "net/log_value.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(LogValue, M1_LongValuesAreCutAndSized) {
  EXPECT_EQ(log_value("alice"), "alice");
  EXPECT_EQ(log_value(std::string(64, 'a')), std::string(64, 'a'));
  const std::string huge(3 << 20, 'x');
  const auto logged = log_value(huge);
  EXPECT_EQ(logged, std::string(64, 'x') + "... (3145728 bytes)");
  EXPECT_LT(logged.size(), 100u);
}

TEST(LogValue, M1_NoControlCharactersAndNoHalfCharacters) {
  EXPECT_EQ(log_value("a\nfake line\r\x1b[31m"), "a?fake line??[31m");
  // "é" is two bytes; a cut between them backs off to before it.
  EXPECT_EQ(log_value("abc\xc3\xa9", 4), "abc... (5 bytes)");
}

}  // namespace
}  // namespace gatehouse::net
