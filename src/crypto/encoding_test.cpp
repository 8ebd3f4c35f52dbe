// Byte encodings (RFC 4648) and the HMAC/SHA-256 primitives (RFC 4231,
// FIPS 180-2) that seal requestState and decode =?base64?...?= header values.
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::crypto {
namespace {

std::string bytes_of_length(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((i * 73 + 0xf1) & 0xff));
  return out;
}

// ---- base64url (RFC 4648 §5, unpadded) ----

TEST(Base64Url, RoundTripsEveryLengthFromZeroToTen) {
  for (std::size_t n = 0; n <= 10; ++n) {
    auto bytes = bytes_of_length(n);
    auto encoded = base64url_encode(bytes);
    EXPECT_EQ(encoded.size(), (n * 4 + 2) / 3) << "length " << n;
    EXPECT_EQ(encoded.find('='), std::string::npos) << "no padding, length " << n;
    EXPECT_EQ(encoded.find('+'), std::string::npos) << "url alphabet, length " << n;
    EXPECT_EQ(encoded.find('/'), std::string::npos) << "url alphabet, length " << n;
    auto decoded = base64url_decode(encoded);
    ASSERT_TRUE(decoded) << "length " << n << " encoded " << encoded;
    EXPECT_EQ(*decoded, bytes) << "length " << n;
  }
}

TEST(Base64Url, Rfc4648VectorsWithoutPadding) {
  struct Case {
    std::string plain, encoded;
  };
  const std::vector<Case> cases = {{"", ""},         {"f", "Zg"},         {"fo", "Zm8"},       {"foo", "Zm9v"},
                                   {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& c : cases) {
    EXPECT_EQ(base64url_encode(c.plain), c.encoded) << c.plain;
    EXPECT_EQ(base64url_decode(c.encoded), c.plain) << c.encoded;
  }
}

TEST(Base64Url, UsesDashAndUnderscoreForTheLastTwoDigits) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64Url, RejectsCharactersOutsideTheAlphabet) {
  for (std::string bad : {"Zg==", "Zm9v+A", "Zm9v/A", "Zm 9", "Zm9\n", "Zm.v", "Zm9v*"})
    EXPECT_FALSE(base64url_decode(bad)) << bad;
}

TEST(Base64Url, RejectsImpossibleLength) {
  EXPECT_FALSE(base64url_decode("A"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));
}

TEST(Base64Url, RejectsNonZeroSpareBits) {
  // "Zg" is the only encoding of "f"; "Zh" sets a spare bit.
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_FALSE(base64url_decode("Zh"));
  EXPECT_FALSE(base64url_decode("Zm9"));  // "fo" is Zm8
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
}

// ---- strict standard base64 (RFC 4648 §4) ----

TEST(Base64Strict, Rfc4648TestVectors) {
  struct Case {
    std::string plain, encoded;
  };
  const std::vector<Case> cases = {{"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},       {"foo", "Zm9v"},
                                   {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& c : cases) {
    auto decoded = base64_decode_strict(c.encoded);
    ASSERT_TRUE(decoded) << c.encoded;
    EXPECT_EQ(*decoded, c.plain) << c.encoded;
  }
}

TEST(Base64Strict, AcceptsPlusAndSlash) { EXPECT_EQ(base64_decode_strict("+/8="), std::string("\xfb\xff")); }

TEST(Base64Strict, RejectsMalformedInput) {
  struct Case {
    const char* text;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"Zg", "missing padding"},
      {"Zm8", "missing padding"},
      {"Zm9vYg", "missing padding"},
      {"SGVsbG8", "missing padding (Hello)"},
      {"Zg=", "short padding"},
      {"Zg===", "extra padding"},
      {"Zm8==", "extra padding"},
      {"Zm9v====", "a block of padding only"},
      {"Zm9v=", "padding after a full block"},
      {"====", "padding only"},
      {"Zg==Zg==", "'=' in the middle"},
      {"Zm=v", "'=' in the middle"},
      {"Z=8=", "'=' in the middle"},
      {"-_8=", "url alphabet '-' and '_'"},
      {"Zm9-", "url alphabet '-'"},
      {"Zm9_", "url alphabet '_'"},
      {"Zm 9", "space"},
      {"Zh==", "non-zero spare bits"},
      {"Zm9=", "non-zero spare bits"},
  };
  for (const auto& c : cases) EXPECT_FALSE(base64_decode_strict(c.text)) << c.text << ": " << c.why;
}

TEST(Hex, EncodesLowercase) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x0f\xab\xff", 4)), "000fabff");
}

// ---- SHA-256 and HMAC-SHA-256 ----

TEST(Sha256, FipsVectorAbc) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HmacSha256, Rfc4231TestCase1) {
  std::string key(20, '\x0b');
  EXPECT_EQ(hex_encode(hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Is32Bytes) { EXPECT_EQ(hmac_sha256("k", "").size(), 32u); }

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "xbc"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace gatehouse::crypto
