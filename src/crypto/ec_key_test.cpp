// ES256 keys (RFC 7518 §3.4): generation, PEM, JWK (RFC 7517, RFC 7518
// §6.2), thumbprints (RFC 7638) and the raw R||S <-> DER signature forms,
// checked against OpenSSL's own EVP path (what `openssl dgst -sha256 -sign`
// runs), signatures made by the openssl command line, and RFC 7515 A.3.
#include "crypto/ec_key.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>
#include <vector>

namespace gatehouse::crypto {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// ---- an independent, hand-written DER codec for ECDSA-Sig-Value ----
// SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 §2.2.3) in minimal DER.

std::string der_integer(std::string_view big_endian) {
  std::size_t i = 0;
  while (i + 1 < big_endian.size() && big_endian[i] == '\0') ++i;
  std::string value(big_endian.substr(i));
  if (static_cast<unsigned char>(value[0]) & 0x80) value.insert(value.begin(), '\0');  // stay positive
  return std::string{'\x02', static_cast<char>(value.size())} + value;
}

std::string raw_to_der_by_hand(std::string_view raw) {
  const std::string body = der_integer(raw.substr(0, 32)) + der_integer(raw.substr(32, 32));
  return std::string{'\x30', static_cast<char>(body.size())} + body;  // body < 128: short length form
}

std::string der_to_raw_by_hand(std::string_view der) {
  std::string raw;
  std::size_t at = 2;  // 0x30 len
  for (int part = 0; part < 2; ++part) {
    const std::size_t len = static_cast<unsigned char>(der[at + 1]);
    std::string value(der.substr(at + 2, len));
    at += 2 + len;
    while (value.size() > 32 && value[0] == '\0') value.erase(value.begin());
    raw += std::string(32 - value.size(), '\0') + value;
  }
  return raw;
}

// What the openssl command line does for `dgst -sha256 -sign` / `-verify`:
// EVP_DigestSign with SHA-256, producing and consuming DER.
std::string openssl_sign_der(const EcKey& key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.native_handle()), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &length, u8(data), data.size()), 1);
  std::string der(length, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length, u8(data), data.size()), 1);
  der.resize(length);
  return der;
}

bool openssl_verify_der(const EcKey& key, std::string_view data, std::string_view der) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.native_handle()) == 1 &&
         EVP_DigestVerify(ctx.get(), u8(der), der.size(), u8(data), data.size()) == 1;
}

std::string pem_of(EVP_PKEY* pkey, bool public_only, const EVP_CIPHER* cipher = nullptr) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  static char passphrase[] = "secret";
  if (public_only) {
    EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), pkey), 1);
  } else {
    EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), pkey, cipher, reinterpret_cast<unsigned char*>(passphrase),
                                       cipher ? 6 : 0, nullptr, nullptr),
              1);
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string pem_of_new_key(const char* type, const char* group) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr),
                                                                  EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  if (group != nullptr) {
    EXPECT_EQ(EVP_PKEY_CTX_set_group_name(ctx.get(), group), 1);
  }
  EXPECT_EQ(EVP_PKEY_generate(ctx.get(), &pkey), 1);
  std::string pem = pem_of(pkey, false);
  EVP_PKEY_free(pkey);
  return pem;
}

// RFC 7515 Appendix A.3: the ES256 example key and signature.
const boost::json::object kRfc7515A3Jwk = {
    {"kty", "EC"},
    {"crv", "P-256"},
    {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
    {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
};
constexpr std::string_view kRfc7515A3SigningInput =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
constexpr std::string_view kRfc7515A3Signature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// Made with the openssl 3.0 command line:
//   openssl ecparam -genkey -name prime256v1 -noout -out sec1.pem
//   openssl dgst -sha256 -sign sec1.pem msg.txt   (repeated until R, then S, was short)
constexpr std::string_view kCliSec1Pem =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIHVJaaaFxkyMs9i3VK1dWdbzOXwGy8qQ9puNXc15JB1boAoGCCqGSM49\n"
    "AwEHoUQDQgAE8jzstCXGRNMybz+q0Tsu+9TccMx1jQpVQn3v8pBr6IPD9TbcIoYe\n"
    "u0mO8hCrI+td7vHzrKr2aK3UGbUI4OZM6g==\n"
    "-----END EC PRIVATE KEY-----\n";
// `openssl ec -text` pub: 04 || x || y
constexpr std::string_view kCliX = "f23cecb425c644d3326f3faad13b2efbd4dc70cc758d0a55427deff2906be883";
constexpr std::string_view kCliY = "c3f536dc22861ebb498ef210ab23eb5deef1f3acaaf668add419b508e0e64cea";
constexpr std::string_view kCliMessage = "signed by the openssl command line";
// R and S both 33-byte DER INTEGERs (leading 0x00 to stay positive).
constexpr std::string_view kCliSigPlain =
    "3046022100c52d468db7175667028c91598bf8d1cc21261e99cf95c21e67055ffa0ac54dc2022100f4ebbec05b6d9608b076d48b468e1de9"
    "c02710a4bcc70d1ac9413b51f5fb495c";
// R is below 2^248: raw R starts with a zero byte.
constexpr std::string_view kCliSigShortR =
    "3045022000e6c1be509eb3ed374bf7887bd0c12d6fc7746eebbf50b77dfc5adcb13c6b12022100b87cec7e4bab37c47648430fe59fd936"
    "469fce919b32bac8b85f9020c4e268ad";
// S is a 31-byte DER INTEGER: raw S starts with a zero byte.
constexpr std::string_view kCliSigShortS =
    "3043022032e04a51b72bd7479d05ed70adef51dc6993a5e3c51fe86233cc0136c8050ade021f4267bf229d31640987b50bcdf03aa5083f"
    "055c96e6ca82a443a1049462b584";

// ---- generation, signing, verification ----

TEST(EcKey, GeneratedKeySignsAndVerifies) {
  const auto key = EcKey::generate();
  EXPECT_TRUE(key.has_private_key());
  const auto signature = key.sign("payload");
  ASSERT_EQ(signature.size(), 64u);
  EXPECT_TRUE(key.verify("payload", signature));
  EXPECT_FALSE(key.verify("payload!", signature));
  EXPECT_FALSE(key.verify("", signature));
  for (std::size_t bit : {0u, 7u, 255u, 256u, 511u}) {
    auto flipped = signature;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(key.verify("payload", flipped)) << "bit " << bit;
  }
  EXPECT_FALSE(EcKey::generate().verify("payload", signature)) << "another key";
}

TEST(EcKey, SignaturesAreRandomisedAndEmptyDataIsSignable) {
  const auto key = EcKey::generate();
  const auto a = key.sign("same");
  const auto b = key.sign("same");
  EXPECT_NE(a, b);
  EXPECT_TRUE(key.verify("same", a));
  EXPECT_TRUE(key.verify("same", b));
  EXPECT_TRUE(key.verify("", key.sign("")));
}

TEST(EcKey, VerifyRejectsEveryLengthButSixtyFour) {
  const auto key = EcKey::generate();
  const auto raw = key.sign("data");
  const auto der = *ecdsa_raw_to_der(raw);
  EXPECT_FALSE(key.verify("data", der)) << "DER must not be accepted where JWS wants R||S";
  EXPECT_FALSE(key.verify("data", ""));
  EXPECT_FALSE(key.verify("data", raw.substr(0, 63)));
  EXPECT_FALSE(key.verify("data", raw + '\0'));
  EXPECT_FALSE(key.verify("data", std::string(1, '\0') + raw.substr(0, 63)));
  EXPECT_FALSE(key.verify("data", raw + raw));
}

TEST(EcKey, VerifyRejectsZeroAndOutOfRangeScalars) {
  const auto key = EcKey::generate();
  const auto raw = key.sign("data");
  const std::string zero(32, '\0');
  EXPECT_FALSE(key.verify("data", zero + raw.substr(32))) << "r = 0";
  EXPECT_FALSE(key.verify("data", raw.substr(0, 32) + zero)) << "s = 0";
  EXPECT_FALSE(key.verify("data", std::string(64, '\0')));
  EXPECT_FALSE(key.verify("data", std::string(64, '\xff'))) << "r, s >= n";
  // r + n does not fit 32 bytes, but r' = n (mod n is 0) must fail too.
  const auto n = from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  EXPECT_FALSE(key.verify("data", n + raw.substr(32)));
}

// RFC 7518 §3.4 does not require low-S: (r, n - s) is the same signature's
// mirror and verifies too. Token ids must therefore never be derived from
// signature bytes.
TEST(EcKey, HighSMirrorIsAccepted) {
  const auto key = EcKey::generate();
  const auto raw = key.sign("data");
  BIGNUM* n = nullptr;
  ASSERT_GT(BN_hex2bn(&n, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"), 0);
  BIGNUM* s = BN_bin2bn(u8(raw) + 32, 32, nullptr);
  BIGNUM* mirrored = BN_new();
  ASSERT_EQ(BN_sub(mirrored, n, s), 1);
  std::string other = raw.substr(0, 32) + std::string(32, '\0');
  ASSERT_EQ(BN_bn2binpad(mirrored, reinterpret_cast<unsigned char*>(other.data()) + 32, 32), 32);
  BN_free(n);
  BN_free(s);
  BN_free(mirrored);
  EXPECT_NE(other, raw);
  EXPECT_TRUE(key.verify("data", other));
}

TEST(EcKey, PublicOnlyKeyCannotSign) {
  const auto key = *EcKey::from_public_jwk(EcKey::generate().public_jwk("k"));
  EXPECT_FALSE(key.has_private_key());
  EXPECT_THROW((void)key.sign("x"), std::logic_error);
  EXPECT_EQ(key.private_pem(), "");
}

TEST(EcKey, CopiesShareTheKeyAndMovesEmptyTheSource) {
  auto key = EcKey::generate();
  const EcKey copy = key;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.thumbprint(), key.thumbprint());
  EXPECT_TRUE(copy.verify("m", key.sign("m")));
  EcKey moved = std::move(key);
  EXPECT_EQ(moved.thumbprint(), copy.thumbprint());
  EXPECT_FALSE(key.verify("m", moved.sign("m")));  // NOLINT(bugprone-use-after-move): moved-from verifies nothing
  key = copy;
  EXPECT_EQ(key.thumbprint(), copy.thumbprint());
}

// ---- DER <-> raw (RFC 7518 §3.4, RFC 3279 §2.2.3) ----

TEST(EcdsaSignatureForm, KnownDerEncodings) {
  // r = 1, s = 1: minimal INTEGERs of one byte.
  const std::string one = std::string(31, '\0') + '\x01';
  EXPECT_EQ(hex_encode(*ecdsa_raw_to_der(one + one)), "3006020101020101");
  EXPECT_EQ(*ecdsa_der_to_raw(from_hex("3006020101020101")), one + one);
  // r with the top bit set needs a 0x00 prefix; s = 0x7f.. does not.
  const std::string high = '\x80' + std::string(31, '\0');
  const std::string s7f = '\x7f' + std::string(31, '\x11');
  const auto der = *ecdsa_raw_to_der(high + s7f);
  EXPECT_EQ(hex_encode(der.substr(0, 5)), "3045022100");
  EXPECT_EQ(der.size(), 2u + 35u + 34u);
  EXPECT_EQ(*ecdsa_der_to_raw(der), high + s7f);
}

TEST(EcdsaSignatureForm, RejectsMalformedDer) {
  EXPECT_FALSE(ecdsa_der_to_raw(""));
  EXPECT_FALSE(ecdsa_der_to_raw("not der"));
  EXPECT_FALSE(ecdsa_der_to_raw(from_hex("300602010102010100"))) << "trailing byte";
  EXPECT_FALSE(ecdsa_der_to_raw(from_hex("3006020101020101").substr(0, 7))) << "truncated";
  EXPECT_FALSE(ecdsa_der_to_raw(from_hex("3006020180020101"))) << "negative r";
  EXPECT_FALSE(ecdsa_der_to_raw(from_hex("300702020001020101"))) << "non-minimal r";
  // r of 33 significant bytes cannot be a P-256 scalar.
  EXPECT_FALSE(ecdsa_der_to_raw(from_hex("3026022101" + std::string(64, '1') + "020101")));
  EXPECT_FALSE(ecdsa_raw_to_der(std::string(63, '\x01')));
  EXPECT_FALSE(ecdsa_raw_to_der(std::string(65, '\x01')));
}

// The "openssl dgst" code path both ways, looping until R and S have each
// been short (a leading zero byte in the 32-byte form, P ≈ 1/256 per
// signature), which is where hand-rolled converters usually break.
TEST(EcdsaSignatureForm, InteroperatesWithOpenSslDerIncludingShortRAndS) {
  const auto key = EcKey::generate();
  bool short_r = false, short_s = false, long_r = false;
  int rounds = 0;
  for (; rounds < 6000 && !(short_r && short_s && long_r); ++rounds) {
    const std::string data = "message " + std::to_string(rounds);
    // OpenSSL signs (DER) -> our raw form -> EcKey::verify.
    const auto der = openssl_sign_der(key, data);
    const auto raw = ecdsa_der_to_raw(der);
    ASSERT_TRUE(raw) << hex_encode(der);
    ASSERT_EQ(*raw, der_to_raw_by_hand(der)) << hex_encode(der);
    ASSERT_TRUE(key.verify(data, *raw)) << hex_encode(der);
    ASSERT_EQ(*ecdsa_raw_to_der(*raw), der) << "DER is canonical, so the round trip is exact";
    // EcKey signs (raw) -> DER -> OpenSSL verifies.
    const auto ours = key.sign(data);
    ASSERT_EQ(*ecdsa_raw_to_der(ours), raw_to_der_by_hand(ours)) << hex_encode(ours);
    ASSERT_TRUE(openssl_verify_der(key, data, raw_to_der_by_hand(ours))) << hex_encode(ours);
    for (const auto& sig : {*raw, ours}) {
      short_r = short_r || sig[0] == '\0';
      short_s = short_s || sig[32] == '\0';
      long_r = long_r || (static_cast<unsigned char>(sig[0]) & 0x80) != 0;
    }
  }
  EXPECT_TRUE(short_r) << "no short R in " << rounds << " rounds";
  EXPECT_TRUE(short_s) << "no short S in " << rounds << " rounds";
  EXPECT_TRUE(long_r);
}

TEST(EcdsaSignatureForm, VerifiesSignaturesMadeByTheOpenSslCommandLine) {
  const auto key = EcKey::from_private_pem(kCliSec1Pem);
  ASSERT_TRUE(key) << "SEC 1 'EC PRIVATE KEY' PEM from openssl ecparam";
  const auto jwk = key->public_jwk("cli");
  EXPECT_EQ(hex_encode(*base64url_decode(std::string(jwk.at("x").as_string()))), kCliX);
  EXPECT_EQ(hex_encode(*base64url_decode(std::string(jwk.at("y").as_string()))), kCliY);
  for (auto hex : {kCliSigPlain, kCliSigShortR, kCliSigShortS}) {
    const auto der = from_hex(hex);
    const auto raw = ecdsa_der_to_raw(der);
    ASSERT_TRUE(raw) << hex;
    EXPECT_EQ(raw->size(), 64u);
    EXPECT_TRUE(key->verify(kCliMessage, *raw)) << hex;
    EXPECT_FALSE(key->verify("another message", *raw)) << hex;
    EXPECT_EQ(*ecdsa_raw_to_der(*raw), der) << hex;
  }
  EXPECT_EQ((*ecdsa_der_to_raw(from_hex(kCliSigShortR)))[0], '\0');
  EXPECT_EQ((*ecdsa_der_to_raw(from_hex(kCliSigShortS)))[32], '\0');
}

TEST(EcdsaSignatureForm, Rfc7515AppendixA3SignatureVerifies) {
  const auto key = EcKey::from_public_jwk(kRfc7515A3Jwk);
  ASSERT_TRUE(key);
  const auto signature = *base64url_decode(kRfc7515A3Signature);
  EXPECT_TRUE(key->verify(kRfc7515A3SigningInput, signature));
  auto tampered = signature;
  tampered[63] = static_cast<char>(tampered[63] ^ 1);
  EXPECT_FALSE(key->verify(kRfc7515A3SigningInput, tampered));
  EXPECT_EQ(*ecdsa_der_to_raw(*ecdsa_raw_to_der(signature)), signature);
}

// ---- PEM ----

TEST(EcKeyPem, PrivatePemRoundTrip) {
  const auto key = EcKey::generate();
  const auto pem = key.private_pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----\n")) << "PKCS#8";
  const auto loaded = EcKey::from_private_pem(pem);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->has_private_key());
  EXPECT_EQ(loaded->thumbprint(), key.thumbprint());
  EXPECT_EQ(loaded->public_jwk("k"), key.public_jwk("k"));
  EXPECT_TRUE(loaded->verify("m", key.sign("m")));
  EXPECT_TRUE(key.verify("m", loaded->sign("m")));
  EXPECT_EQ(loaded->private_pem(), pem);
}

TEST(EcKeyPem, RejectsAnythingButAnUnencryptedP256PrivateKey) {
  const auto key = EcKey::generate();
  const auto pem = key.private_pem();
  EXPECT_FALSE(EcKey::from_private_pem(""));
  EXPECT_FALSE(EcKey::from_private_pem("garbage"));
  EXPECT_FALSE(EcKey::from_private_pem(pem.substr(0, pem.size() / 2))) << "truncated";
  EXPECT_FALSE(EcKey::from_private_pem(pem_of(key.native_handle(), true))) << "public key PEM";
  EXPECT_FALSE(EcKey::from_private_pem(pem_of(key.native_handle(), false, EVP_aes_256_cbc())))
      << "encrypted: refused without prompting";
  EXPECT_FALSE(EcKey::from_private_pem(pem_of_new_key("EC", "P-384"))) << "other curve";
  EXPECT_FALSE(EcKey::from_private_pem(pem_of_new_key("ED25519", nullptr))) << "other key type";
  EXPECT_FALSE(EcKey::from_private_pem(std::string(70000, 'A'))) << "oversize";
}

// ---- JWK (RFC 7517, RFC 7518 §6.2) ----

TEST(EcKeyJwk, PublicJwkMembersAndOrder) {
  const auto key = EcKey::generate();
  const auto jwk = key.public_jwk("key-1");
  std::vector<std::string> names;
  for (const auto& member : jwk) names.emplace_back(member.key());
  EXPECT_EQ(names, (std::vector<std::string>{"kty", "crv", "x", "y", "use", "alg", "kid"}));
  EXPECT_EQ(jwk.at("kty"), "EC");
  EXPECT_EQ(jwk.at("crv"), "P-256");
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("alg"), "ES256");
  EXPECT_EQ(jwk.at("kid"), "key-1");
  for (const char* c : {"x", "y"}) {
    const std::string text(jwk.at(c).as_string());
    EXPECT_EQ(text.size(), 43u) << c;
    const auto decoded = base64url_decode(text);
    ASSERT_TRUE(decoded) << c;
    EXPECT_EQ(decoded->size(), 32u) << c;
  }
  EXPECT_FALSE(jwk.contains("d")) << "no private material";
}

TEST(EcKeyJwk, ImportExportRoundTrip) {
  const auto key = EcKey::generate();
  const auto jwk = key.public_jwk("k1");
  const auto imported = EcKey::from_public_jwk(jwk);
  ASSERT_TRUE(imported);
  EXPECT_EQ(imported->public_jwk("k1"), jwk);
  EXPECT_EQ(imported->thumbprint(), key.thumbprint());
  EXPECT_TRUE(imported->verify("m", key.sign("m")));
  // Through serialised JSON too, and with only the required members.
  const auto reparsed = boost::json::parse(boost::json::serialize(jwk)).as_object();
  EXPECT_TRUE(EcKey::from_public_jwk(reparsed));
  boost::json::object minimal = {{"kty", "EC"}, {"crv", "P-256"}, {"x", jwk.at("x")}, {"y", jwk.at("y")}};
  EXPECT_TRUE(EcKey::from_public_jwk(minimal));
}

TEST(EcKeyJwk, KeepsLeadingZeroCoordinates) {
  // Some keys have x or y below 2^248; the JWK must still carry 32 bytes.
  for (int i = 0; i < 2000; ++i) {
    const auto key = EcKey::generate();
    const auto jwk = key.public_jwk("k");
    const auto x = *base64url_decode(std::string(jwk.at("x").as_string()));
    const auto y = *base64url_decode(std::string(jwk.at("y").as_string()));
    if (x[0] != '\0' && y[0] != '\0') continue;
    ASSERT_EQ(x.size(), 32u);
    ASSERT_EQ(y.size(), 32u);
    const auto imported = EcKey::from_public_jwk(jwk);
    ASSERT_TRUE(imported);
    EXPECT_TRUE(imported->verify("m", key.sign("m")));
    return;
  }
  GTEST_SKIP() << "no key with a leading-zero coordinate in 2000 tries";
}

TEST(EcKeyJwk, RejectsInvalidPublicJwks) {
  const auto good = EcKey::generate().public_jwk("k");
  auto with = [&](std::string_view name, boost::json::value value) {
    auto jwk = good;
    jwk[name] = std::move(value);
    return jwk;
  };
  auto with_text = [&](std::string_view name, const std::string& text) {
    return with(name, boost::json::value(text.c_str()));
  };
  auto without = [&](std::string_view name) {
    auto jwk = good;
    jwk.erase(name);
    return jwk;
  };
  const std::string x = *base64url_decode(std::string(good.at("x").as_string()));
  const std::string y = *base64url_decode(std::string(good.at("y").as_string()));
  std::string y_plus_one = y;
  y_plus_one[31] = static_cast<char>(y_plus_one[31] ^ 1);

  struct Case {
    const char* why;
    boost::json::object jwk;
  };
  const std::vector<Case> cases = {
      {"no kty", without("kty")},
      {"kty RSA", with("kty", "RSA")},
      {"kty lowercase", with("kty", "ec")},
      {"no crv", without("crv")},
      {"crv P-384", with("crv", "P-384")},
      {"crv secp256k1", with("crv", "secp256k1")},
      {"no x", without("x")},
      {"no y", without("y")},
      {"x not a string", with("x", 5)},
      {"x 31 bytes", with_text("x", base64url_encode(x.substr(1)))},
      {"x 33 bytes", with_text("x", base64url_encode('\0' + x))},
      {"x padded base64", with_text("x", std::string(good.at("x").as_string()) + "=")},
      {"x standard alphabet", with("x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRV+/")},
      {"point not on the curve", with_text("y", base64url_encode(y_plus_one))},
      {"all-zero point", with_text("x", base64url_encode(std::string(32, '\0')))},
      {"alg RS256", with("alg", "RS256")},
      {"alg not a string", with("alg", boost::json::array{"ES256"})},
      {"use enc", with("use", "enc")},
  };
  for (const auto& c : cases) EXPECT_FALSE(EcKey::from_public_jwk(c.jwk)) << c.why;
  EXPECT_FALSE(EcKey::from_public_jwk({})) << "empty object";
}

TEST(EcKeyJwk, PrivateMemberIsIgnored) {
  auto jwk = EcKey::generate().public_jwk("k");
  jwk["d"] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";  // belongs to another key
  const auto key = EcKey::from_public_jwk(jwk);
  ASSERT_TRUE(key);
  EXPECT_FALSE(key->has_private_key());
}

// ---- RFC 7638 thumbprints ----

TEST(EcKeyThumbprint, Rfc7515A3KeyKnownAnswer) {
  // Computed independently (Python hashlib) over the RFC 7638 §3.2 form; the
  // RFC's own §3.1 example is an RSA key.
  EXPECT_EQ(EcKey::from_public_jwk(kRfc7515A3Jwk)->thumbprint(), "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
}

TEST(EcKeyThumbprint, HashesRequiredMembersInLexicographicOrder) {
  const auto key = EcKey::generate();
  const auto jwk = key.public_jwk("kid-does-not-count");
  const std::string canonical = R"({"crv":"P-256","kty":"EC","x":")" + std::string(jwk.at("x").as_string()) +
                                R"(","y":")" + std::string(jwk.at("y").as_string()) + R"("})";
  EXPECT_EQ(key.thumbprint(), base64url_encode(sha256(canonical)));
  // The published JWK's member order (kty first) or extra members would
  // give a different value.
  const boost::json::object kty_first = {{"kty", "EC"}, {"crv", "P-256"}, {"x", jwk.at("x")}, {"y", jwk.at("y")}};
  EXPECT_NE(key.thumbprint(), base64url_encode(sha256(boost::json::serialize(kty_first))));
  EXPECT_NE(key.thumbprint(), base64url_encode(sha256(boost::json::serialize(jwk))));
}

TEST(EcKeyThumbprint, StableAcrossCallsAndRepresentationsDistinctAcrossKeys) {
  const auto key = EcKey::generate();
  const auto thumbprint = key.thumbprint();
  EXPECT_EQ(thumbprint.size(), 43u);
  EXPECT_EQ(key.thumbprint(), thumbprint);
  EXPECT_EQ(EcKey::from_private_pem(key.private_pem())->thumbprint(), thumbprint);
  EXPECT_EQ(EcKey::from_public_jwk(key.public_jwk("a"))->thumbprint(), thumbprint);
  EXPECT_EQ(EcKey::from_public_jwk(key.public_jwk("b"))->thumbprint(), thumbprint) << "kid is not hashed";
  EXPECT_NE(EcKey::generate().thumbprint(), thumbprint);
}

}  // namespace
}  // namespace gatehouse::crypto
