// scrypt password hashes (RFC 7914) in PHC string format: round trips, the
// RFC 7914 §12 vector through verify_password, malformed encodings, and
// needs_rehash when the policy moves.
#include "crypto/password_hash.hpp"
#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace gatehouse::crypto {
namespace {

// A cheap parameter set (about 1 ms) for tests that are about the format.
constexpr ScryptParams kFast{10, 8, 1};

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// PHC "B64": standard alphabet, no padding — built here independently of
// the implementation's helper.
std::string phc_b64(std::string_view bytes) {
  std::string out = base64url_encode(bytes);
  for (char& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
  return out;
}

std::vector<std::string> split_dollar(const std::string& encoded) {
  std::vector<std::string> parts(1);
  for (char c : encoded) {
    if (c == '$') parts.emplace_back();
    else parts.back().push_back(c);
  }
  return parts;
}

// L6: the default is OWASP's scrypt floor (N = 2^17, r = 8, p = 1).
TEST(PasswordHash, L6_DefaultIsOwaspCostInPhcStringShape) {
  const auto encoded = hash_password("correct horse battery staple");
  EXPECT_TRUE(encoded.starts_with("$scrypt$ln=17,r=8,p=1$")) << encoded;
  const auto parts = split_dollar(encoded);
  ASSERT_EQ(parts.size(), 5u) << encoded;  // "", scrypt, params, salt, hash
  EXPECT_EQ(parts[3].size(), 22u) << "16-byte salt, unpadded";
  EXPECT_EQ(parts[4].size(), 43u) << "32-byte hash, unpadded";
  for (const auto& b64 : {parts[3], parts[4]})
    EXPECT_EQ(b64.find_first_of("=-_ "), std::string::npos) << "PHC B64 alphabet only: " << b64;
  EXPECT_FALSE(needs_rehash(encoded));
}

TEST(PasswordHash, VerifiesTheRightPasswordOnly) {
  const auto encoded = hash_password("correct horse battery staple", kFast);
  EXPECT_TRUE(verify_password("correct horse battery staple", encoded));
  EXPECT_FALSE(verify_password("correct horse battery stapl", encoded));
  EXPECT_FALSE(verify_password("correct horse battery staple ", encoded));
  EXPECT_FALSE(verify_password("Correct horse battery staple", encoded));
  EXPECT_FALSE(verify_password("", encoded));
}

TEST(PasswordHash, SamePasswordHashesDifferently) {
  const auto a = hash_password("hunter2", kFast);
  const auto b = hash_password("hunter2", kFast);
  EXPECT_NE(a, b);
  EXPECT_NE(split_dollar(a)[3], split_dollar(b)[3]) << "fresh salt";
  EXPECT_NE(split_dollar(a)[4], split_dollar(b)[4]);
  EXPECT_TRUE(verify_password("hunter2", a));
  EXPECT_TRUE(verify_password("hunter2", b));
}

TEST(PasswordHash, EmptyBinaryAndLongPasswords) {
  const std::string binary("pa\0ss\xff\xfe w\xc3\xb6rd", 13);
  const std::string long_password(100000, 'x');
  for (const auto& password : {std::string(), binary, long_password}) {
    const auto encoded = hash_password(password, kFast);
    EXPECT_TRUE(verify_password(password, encoded)) << password.size();
    EXPECT_FALSE(verify_password(password + "!", encoded)) << password.size();
  }
  // An embedded NUL is part of the password, not its end.
  EXPECT_FALSE(verify_password("pa", hash_password(binary, kFast)));
}

// RFC 7914 §12, fourth vector, wrapped in a PHC string: proves the stored
// parameters (not the defaults) drive verification and that the hash length
// is taken from the string.
TEST(PasswordHash, Rfc7914VectorThroughVerify) {
  const auto hash = from_hex(
      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
      "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  const std::string encoded = "$scrypt$ln=14,r=8,p=1$" + phc_b64("SodiumChloride") + "$" + phc_b64(hash);
  EXPECT_TRUE(verify_password("pleaseletmein", encoded));
  EXPECT_FALSE(verify_password("pleaseletmeiN", encoded));
  EXPECT_TRUE(needs_rehash(encoded)) << "64-byte hash and 14-byte salt differ from the current policy";
}

TEST(PasswordHash, OtherStoredParametersStillVerify) {
  for (const ScryptParams params : {ScryptParams{10, 8, 1}, ScryptParams{12, 4, 2}, ScryptParams{11, 16, 1}}) {
    const auto encoded = hash_password("pw", params);
    EXPECT_TRUE(encoded.starts_with("$scrypt$ln=" + std::to_string(params.log2_n) + ",r=" + std::to_string(params.r) +
                                    ",p=" + std::to_string(params.p) + "$"))
        << encoded;
    EXPECT_TRUE(verify_password("pw", encoded)) << encoded;
    EXPECT_FALSE(verify_password("pW", encoded)) << encoded;
  }
}

TEST(PasswordHash, NeedsRehashWhenParametersDifferFromPolicy) {
  EXPECT_TRUE(needs_rehash(hash_password("pw", {13, 8, 1}))) << "lower N";
  EXPECT_TRUE(needs_rehash(hash_password("pw", {14, 4, 1}))) << "lower r";
  EXPECT_TRUE(needs_rehash(hash_password("pw", kFast)));
  EXPECT_TRUE(needs_rehash(hash_password("pw", {14, 8, 1}))) << "the previous default";
  const auto current = hash_password("pw", kFast);
  EXPECT_FALSE(needs_rehash(current, kFast));
  // The policy is raised later: yesterday's hashes verify but want a rehash.
  EXPECT_TRUE(needs_rehash(current, {11, 8, 1}));
  EXPECT_TRUE(needs_rehash(current, {10, 8, 2}));
  EXPECT_TRUE(verify_password("pw", current));
  EXPECT_TRUE(needs_rehash("not a hash"));
}

TEST(PasswordHash, RefusesOutOfRangeParametersWhenHashing) {
  for (const ScryptParams params : {ScryptParams{0, 8, 1}, ScryptParams{21, 8, 1}, ScryptParams{14, 0, 1},
                                    ScryptParams{14, 33, 1}, ScryptParams{14, 8, 0}, ScryptParams{14, 8, 17},
                                    ScryptParams{20, 32, 1}})
    EXPECT_THROW((void)hash_password("pw", params), std::invalid_argument)
        << params.log2_n << "," << params.r << "," << params.p;
}

TEST(PasswordHash, MalformedEncodingsAreFalseNotExceptions) {
  const auto good = hash_password("pw", kFast);
  ASSERT_TRUE(verify_password("pw", good));  // control: only the mutation below breaks it
  const auto parts = split_dollar(good);     // "", scrypt, params, salt, hash
  const std::string& salt = parts[3];
  const std::string& hash = parts[4];
  auto with = [&](std::string_view params, std::string_view s, std::string_view h) {
    return "$scrypt$" + std::string(params) + "$" + std::string(s) + "$" + std::string(h);
  };
  std::string spare_bits_salt = salt;  // 16 bytes -> 22 chars; the last carries 4 unused bits
  spare_bits_salt.back() = spare_bits_salt.back() == 'A' ? 'B' : 'A';
  std::string salt_url = salt;
  for (char& c : salt_url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  const auto raw_salt = base64url_decode(salt_url);
  ASSERT_TRUE(raw_salt);

  const std::vector<std::string> malformed = {
      "",
      "$",
      "$scrypt$",
      "scrypt$ln=10,r=8,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + hash,
      "$SCRYPT$ln=10,r=8,p=1$" + salt + "$" + hash,
      with("ln=10,r=8", salt, hash),
      with("r=8,ln=10,p=1", salt, hash),
      with("ln=10,r=8,p=1,x=1", salt, hash),
      with("ln=10, r=8, p=1", salt, hash),
      with("ln=010,r=8,p=1", salt, hash),
      with("ln=+10,r=8,p=1", salt, hash),
      with("ln=-10,r=8,p=1", salt, hash),
      with("ln=0,r=8,p=1", salt, hash),
      with("ln=21,r=8,p=1", salt, hash),
      with("ln=99999999999999999999,r=8,p=1", salt, hash),
      with("ln=10,r=0,p=1", salt, hash),
      with("ln=10,r=33,p=1", salt, hash),
      with("ln=10,r=8,p=0", salt, hash),
      with("ln=10,r=8,p=17", salt, hash),
      with("ln=20,r=32,p=1", salt, hash),  // 4 GiB
      with("ln=10,r=8,p=1", "", hash),
      with("ln=10,r=8,p=1", salt, ""),
      with("ln=10,r=8,p=1", salt + "==", hash),
      with("ln=10,r=8,p=1", salt, hash + "="),
      with("ln=10,r=8,p=1", phc_b64("NaCl"), hash),  // RFC 7914's 4-byte salt: below our 8-byte floor
      with("ln=10,r=8,p=1", salt, hash.substr(0, 20)),
      with("ln=10,r=8,p=1", spare_bits_salt, hash),
      with("ln=10,r=8,p=1", base64url_encode("\xfb\xff" + raw_salt->substr(2)), hash),  // URL alphabet
      with("ln=10,r=8,p=1", salt, hash) + "$",
      with("ln=10,r=8,p=1", salt, hash) + "$extra",
      with("ln=10,r=8,p=1", salt, hash) + "\n",
      " " + with("ln=10,r=8,p=1", salt, hash),
      with("ln=10,r=8,p=1", salt, hash + std::string(1, '\0')),
      with("ln=10,r=8,p=1", salt, std::string(600, 'A')),
  };
  ASSERT_EQ(with("ln=10,r=8,p=1", salt, hash), good);
  for (const auto& encoded : malformed) {
    EXPECT_FALSE(verify_password("pw", encoded)) << "'" << encoded << "'";
    EXPECT_TRUE(needs_rehash(encoded)) << "'" << encoded << "'";
  }
  // Well-formed but not this password's hash.
  std::string other_hash = hash;
  other_hash[0] = other_hash[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password("pw", with("ln=10,r=8,p=1", salt, other_hash)));
  EXPECT_FALSE(verify_password("pw", with("ln=11,r=8,p=1", salt, hash))) << "parameters are bound to the hash";
}

// Not an assertion on speed (machines differ, sanitizers are slow): records
// what the default costs here so kDefaultScryptParams can be re-tuned.
TEST(PasswordHash, DefaultCostIsMeasured) {
  const auto start = std::chrono::steady_clock::now();
  const auto encoded = hash_password("timing");
  const auto hashed = std::chrono::steady_clock::now();
  EXPECT_TRUE(verify_password("timing", encoded));
  const auto verified = std::chrono::steady_clock::now();
  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  RecordProperty("hash_ms", static_cast<int>(ms(hashed - start)));
  RecordProperty("verify_ms", static_cast<int>(ms(verified - hashed)));
  std::printf("scrypt ln=%u,r=%u,p=%u: hash %lld ms, verify %lld ms\n", kDefaultScryptParams.log2_n,
              kDefaultScryptParams.r, kDefaultScryptParams.p, static_cast<long long>(ms(hashed - start)),
              static_cast<long long>(ms(verified - hashed)));
}

}  // namespace
}  // namespace gatehouse::crypto
