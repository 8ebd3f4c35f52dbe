#include "crypto/ec_key.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/openssl_owned.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace gatehouse::crypto {
namespace {

constexpr std::size_t kCoordinateBytes = 32;  // P-256 field elements
constexpr std::size_t kRawSignatureBytes = 2 * kCoordinateBytes;
constexpr std::size_t kMaxPemSize = 64 * 1024;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Only named P-256 keys: explicit curve parameters have no group name and
// are refused (they are a known source of parameter-substitution bugs).
bool is_p256(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "EC") != 1) return false;
  char name[80];
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &length) != 1) return false;
  const std::string_view group(name, length);
  return group == "prime256v1" || group == "P-256";
}

// OpenSSL's own consistency checks: point on the curve and in the subgroup;
// for a private key also that the public point matches the scalar.
bool key_checks_pass(EVP_PKEY* pkey, bool with_private) {
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return false;
  return (with_private ? EVP_PKEY_check(ctx.get()) : EVP_PKEY_public_check(ctx.get())) == 1;
}

std::string coordinate(EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) throw std::runtime_error("cannot read EC public key");
  Owned<BIGNUM> bn(raw);
  std::string out(kCoordinateBytes, '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) !=
      static_cast<int>(kCoordinateBytes))
    throw std::runtime_error("EC coordinate does not fit 32 bytes");
  return out;
}

bool member_is(const boost::json::object& jwk, std::string_view name, std::string_view expected) {
  const auto* value = jwk.if_contains(name);
  const auto* text = value != nullptr ? value->if_string() : nullptr;
  return text != nullptr && *text == expected;
}

// A present optional JWK member must be the given string.
bool optional_member_is(const boost::json::object& jwk, std::string_view name, std::string_view expected) {
  return !jwk.contains(name) || member_is(jwk, name, expected);
}

std::optional<std::string> coordinate_member(const boost::json::object& jwk, std::string_view name) {
  const auto* value = jwk.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const auto& text = value->get_string();
  auto decoded = base64url_decode(std::string_view(text.data(), text.size()));
  // RFC 7518 §6.2.1.2: the full coordinate size, leading zeros kept.
  if (!decoded || decoded->size() != kCoordinateBytes) return std::nullopt;
  return decoded;
}

int refuse_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

// ---- lifetime ----

EcKey::EcKey(const EcKey& other) : pkey_(other.pkey_), has_private_(other.has_private_) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}

EcKey& EcKey::operator=(const EcKey& other) {
  if (this != &other) {
    if (other.pkey_ != nullptr) EVP_PKEY_up_ref(other.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    has_private_ = other.has_private_;
  }
  return *this;
}

EcKey::EcKey(EcKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)), has_private_(std::exchange(other.has_private_, false)) {}

EcKey& EcKey::operator=(EcKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
    has_private_ = std::exchange(other.has_private_, false);
  }
  return *this;
}

EcKey::~EcKey() { EVP_PKEY_free(pkey_); }

// ---- construction ----

EcKey EcKey::generate() {
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1 ||
      EVP_PKEY_generate(ctx.get(), &pkey) != 1) {
    ERR_clear_error();
    throw std::runtime_error("P-256 key generation failed");
  }
  return EcKey(pkey, true);
}

std::optional<EcKey> EcKey::from_private_pem(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemSize) return std::nullopt;
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  Owned<EVP_PKEY> pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!pkey || !is_p256(pkey.get()) || !key_checks_pass(pkey.get(), true)) {
    ERR_clear_error();
    return std::nullopt;
  }
  return EcKey(pkey.release(), true);
}

std::optional<EcKey> EcKey::from_public_jwk(const boost::json::object& jwk) {
  // RFC 7518 §6.2.1: kty "EC" with crv, x, y; only P-256 is ES256's curve
  // (RFC 7518 §3.4).
  if (!member_is(jwk, "kty", "EC") || !member_is(jwk, "crv", "P-256")) return std::nullopt;
  if (!optional_member_is(jwk, "alg", "ES256") || !optional_member_is(jwk, "use", "sig")) return std::nullopt;
  auto x = coordinate_member(jwk, "x");
  auto y = coordinate_member(jwk, "y");
  if (!x || !y) return std::nullopt;

  // SEC 1 §2.3.3 uncompressed point: 0x04 || X || Y.
  unsigned char point[1 + 2 * kCoordinateBytes];
  point[0] = 0x04;
  std::memcpy(point + 1, x->data(), kCoordinateBytes);
  std::memcpy(point + 1 + kCoordinateBytes, y->data(), kCoordinateBytes);
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
      OSSL_PARAM_construct_end(),
  };
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    ERR_clear_error();  // e.g. a point that is not on the curve
    return std::nullopt;
  }
  Owned<EVP_PKEY> pkey(raw);
  if (!is_p256(pkey.get()) || !key_checks_pass(pkey.get(), false)) {
    ERR_clear_error();
    return std::nullopt;
  }
  return EcKey(pkey.release(), false);
}

// ---- export ----

std::string EcKey::private_pem() const {
  if (!has_private_) return {};
  // Secure-heap memory BIO: the buffer is cleansed when freed.
  Owned<BIO> bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ERR_clear_error();
    throw std::runtime_error("cannot serialise EC private key");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) throw std::runtime_error("cannot serialise EC private key");
  return std::string(data, static_cast<std::size_t>(length));
}

boost::json::object EcKey::public_jwk(std::string_view kid) const {
  boost::json::object jwk;
  jwk.emplace("kty", "EC");
  jwk.emplace("crv", "P-256");
  jwk.emplace("x", base64url_encode(coordinate(pkey_, OSSL_PKEY_PARAM_EC_PUB_X)));
  jwk.emplace("y", base64url_encode(coordinate(pkey_, OSSL_PKEY_PARAM_EC_PUB_Y)));
  jwk.emplace("use", "sig");
  jwk.emplace("alg", "ES256");
  jwk.emplace("kid", kid);
  return jwk;
}

std::string EcKey::thumbprint() const {
  // RFC 7638 §3.2/§3.3: required EC members crv, kty, x, y, sorted, no
  // whitespace; the values are base64url and need no JSON escaping.
  std::string canonical = R"({"crv":"P-256","kty":"EC","x":")";
  canonical += base64url_encode(coordinate(pkey_, OSSL_PKEY_PARAM_EC_PUB_X));
  canonical += R"(","y":")";
  canonical += base64url_encode(coordinate(pkey_, OSSL_PKEY_PARAM_EC_PUB_Y));
  canonical += R"("})";
  return base64url_encode(sha256(canonical));
}

// ---- signatures (RFC 7518 §3.4) ----

std::string EcKey::sign(std::string_view data) const {
  if (!has_private_) throw std::logic_error("EcKey::sign needs a private key");
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes(data), data.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("ES256 signing failed");
  }
  std::string der(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length, bytes(data), data.size()) !=
      1) {
    ERR_clear_error();
    throw std::runtime_error("ES256 signing failed");
  }
  der.resize(length);
  auto raw = ecdsa_der_to_raw(der);
  if (!raw) throw std::runtime_error("OpenSSL returned an unexpected ECDSA signature");
  return std::move(*raw);
}

bool EcKey::verify(std::string_view data, std::string_view raw_signature) const {
  if (pkey_ == nullptr || raw_signature.size() != kRawSignatureBytes) return false;
  auto der = ecdsa_raw_to_der(raw_signature);
  if (!der) return false;
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_) == 1 &&
                  EVP_DigestVerify(ctx.get(), bytes(*der), der->size(), bytes(data), data.size()) == 1;
  if (!ok) ERR_clear_error();  // a bad signature leaves entries on the thread's error queue
  return ok;
}

std::optional<std::string> ecdsa_der_to_raw(std::string_view der) {
  if (der.empty() || der.size() > 256) return std::nullopt;
  const unsigned char* cursor = bytes(der);
  Owned<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig || cursor != bytes(der) + der.size()) {  // no trailing bytes
    ERR_clear_error();
    return std::nullopt;
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (BN_is_negative(r) || BN_is_negative(s)) return std::nullopt;
  std::string raw(kRawSignatureBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  // Left-pad each integer to 32 bytes; -1 when it does not fit.
  if (BN_bn2binpad(r, out, static_cast<int>(kCoordinateBytes)) != static_cast<int>(kCoordinateBytes) ||
      BN_bn2binpad(s, out + kCoordinateBytes, static_cast<int>(kCoordinateBytes)) != static_cast<int>(kCoordinateBytes))
    return std::nullopt;
  return raw;
}

std::optional<std::string> ecdsa_raw_to_der(std::string_view raw) {
  if (raw.size() != kRawSignatureBytes) return std::nullopt;
  Owned<BIGNUM> r(BN_bin2bn(bytes(raw), static_cast<int>(kCoordinateBytes), nullptr));
  Owned<BIGNUM> s(BN_bin2bn(bytes(raw) + kCoordinateBytes, static_cast<int>(kCoordinateBytes), nullptr));
  Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // now owned by sig
  s.release();
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* cursor = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &cursor) != length) return std::nullopt;
  return der;
}

}  // namespace gatehouse::crypto
