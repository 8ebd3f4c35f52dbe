#pragma once
// For tests only: a client's side of private_key_jwt. RSA keys made at test
// time and compact JWS signing with RS256, PS256 (RFC 7518 §3.3, §3.5) or
// ES256 (an EcKey), with whatever header and claims a test wants, so tests
// can also forge tokens the verifier must refuse.
#include "crypto/ec_key.hpp"
#include "crypto/encoding.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatehouse::crypto::testing {

class RsaTestKey {
 public:
  explicit RsaTestKey(unsigned bits = 2048) : pkey_(EVP_RSA_gen(bits), EVP_PKEY_free) {
    if (!pkey_) throw std::runtime_error("RSA key generation failed");
  }

  // {"kty":"RSA","n":…,"e":…,"kid":kid} (kid left out when empty).
  boost::json::object public_jwk(std::string_view kid) const {
    boost::json::object jwk{{"kty", "RSA"}, {"n", number(OSSL_PKEY_PARAM_RSA_N)}, {"e", number(OSSL_PKEY_PARAM_RSA_E)}};
    if (!kid.empty()) jwk.emplace("kid", kid);
    return jwk;
  }

  // RSASSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt) when `pss`, else
  // RSASSA-PKCS1-v1_5 with SHA-256.
  std::string sign(std::string_view input, bool pss) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey_.get()) != 1)
      throw std::runtime_error("RSA sign init");
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
      throw std::runtime_error("RSA-PSS parameters");
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1) throw std::runtime_error("RSA sign");
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data, input.size()) != 1)
      throw std::runtime_error("RSA sign");
    signature.resize(length);
    return signature;
  }

 private:
  std::string number(const char* name) const {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey_.get(), name, &bn) != 1) throw std::runtime_error("RSA parameter");
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return base64url_encode(out);
  }

  std::shared_ptr<EVP_PKEY> pkey_;
};

inline std::string signing_input(const boost::json::object& header, const boost::json::object& claims) {
  return base64url_encode(boost::json::serialize(header)) + "." + base64url_encode(boost::json::serialize(claims));
}

// ES256 over the given header and claims, whatever the header says.
inline std::string sign_jws(const boost::json::object& header, const boost::json::object& claims, const EcKey& key) {
  const std::string input = signing_input(header, claims);
  return input + "." + base64url_encode(key.sign(input));
}

// PS256 when the header's alg is "PS256", else RS256.
inline std::string sign_jws(const boost::json::object& header, const boost::json::object& claims,
                            const RsaTestKey& key) {
  const auto* alg = header.if_contains("alg");
  const bool pss = alg != nullptr && alg->is_string() && alg->get_string() == "PS256";
  const std::string input = signing_input(header, claims);
  return input + "." + base64url_encode(key.sign(input, pss));
}

}  // namespace gatehouse::crypto::testing
