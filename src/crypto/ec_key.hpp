#pragma once
// ES256 keys (ECDSA over P-256 with SHA-256, RFC 7518 §3.4) on the OpenSSL 3
// EVP_PKEY interface: generation, PEM storage, JWK export/import (RFC 7517,
// RFC 7518 §6.2), JWK thumbprints (RFC 7638) and JWS-form signatures.
//
// An EcKey is immutable once built; its const members may be used from
// several threads at once (each call makes its own OpenSSL context).
#include <boost/json/object.hpp>

#include <openssl/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

class EcKey {
 public:
  // A fresh P-256 key pair. Throws std::runtime_error if OpenSSL cannot
  // generate one (nothing an input can cause).
  static EcKey generate();
  // A P-256 private key from PEM (PKCS#8 "PRIVATE KEY" or SEC 1 "EC PRIVATE
  // KEY"). nullopt for anything else: other curves or key types, public-key
  // PEM, encrypted PEM (never prompts for a passphrase), keys failing
  // OpenSSL's consistency check, garbage.
  static std::optional<EcKey> from_private_pem(std::string_view pem);
  // A public key from an EC JWK (RFC 7518 §6.2.1): kty "EC", crv "P-256",
  // x and y base64url of exactly 32 bytes each, naming a point on the curve.
  // If present, "alg" must be "ES256" and "use" must be "sig" (RFC 7517
  // §4.2, §4.4). A private "d" member is ignored: the result can only verify.
  static std::optional<EcKey> from_public_jwk(const boost::json::object& jwk);

  EcKey(const EcKey& other);  // shares the immutable EVP_PKEY (reference count)
  EcKey& operator=(const EcKey& other);
  EcKey(EcKey&& other) noexcept;
  EcKey& operator=(EcKey&& other) noexcept;
  ~EcKey();

  bool has_private_key() const { return has_private_; }
  // PKCS#8 PEM, unencrypted (the caller stores it with restrictive file
  // permissions). Empty for a public-only key.
  std::string private_pem() const;
  // {"kty":"EC","crv":"P-256","x":…,"y":…,"use":"sig","alg":"ES256","kid":…}
  // in that member order; x and y are the 32-byte big-endian coordinates,
  // base64url (RFC 7518 §6.2.1.2-3).
  boost::json::object public_jwk(std::string_view kid) const;
  // RFC 7638 JWK thumbprint: base64url(SHA-256) of the required members in
  // lexicographic order without whitespace (§3.2):
  // {"crv":"P-256","kty":"EC","x":"…","y":"…"}
  std::string thumbprint() const;

  // ES256 signature of `data` (RFC 7518 §3.4): raw R||S, 64 bytes. Throws
  // std::logic_error for a public-only key, std::runtime_error if OpenSSL
  // fails.
  std::string sign(std::string_view data) const;
  // True when `raw_signature` is a valid 64-byte R||S ES256 signature of
  // `data` under this key. Any other length is false; high-S values are
  // accepted (ECDSA signatures are malleable, JWS does not require low-S).
  bool verify(std::string_view data, std::string_view raw_signature) const;

  // The underlying key, for callers that need another OpenSSL operation.
  EVP_PKEY* native_handle() const { return pkey_; }

 private:
  explicit EcKey(EVP_PKEY* pkey, bool has_private) : pkey_(pkey), has_private_(has_private) {}

  EVP_PKEY* pkey_;  // owned; never null except in a moved-from object
  bool has_private_;
};

// Conversions between OpenSSL's DER ECDSA-Sig-Value (SEQUENCE of two
// INTEGERs, RFC 3279 §2.2.3) and the JWS form, R and S each left-padded to
// 32 bytes and concatenated (RFC 7518 §3.4). nullopt for malformed input:
// bad DER, trailing bytes, negative or over-long integers, raw length not 64.
std::optional<std::string> ecdsa_der_to_raw(std::string_view der);
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw);

}  // namespace gatehouse::crypto
