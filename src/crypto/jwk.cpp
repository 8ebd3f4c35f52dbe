#include "crypto/jwk.hpp"

#include "crypto/ec_key.hpp"
#include "crypto/encoding.hpp"
#include "crypto/jwt.hpp"
#include "crypto/openssl_owned.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <array>
#include <optional>
#include <utility>

namespace gatehouse::crypto {
namespace {

enum class Alg { rs256, ps256, es256 };

// RFC 7518 §3.1 names; only these three are ever run.
std::optional<Alg> alg_from_name(std::string_view name) {
  if (name == "RS256") return Alg::rs256;
  if (name == "PS256") return Alg::ps256;
  if (name == "ES256") return Alg::es256;
  return std::nullopt;
}

// RFC 7517 §4.1, RFC 7518 §6.2.2, §6.3.2, §6.4: members that make a JWK
// private or secret. None of them belongs in a published set.
constexpr std::array<std::string_view, 8> kPrivateMembers = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

struct JwkSet::Key {
  std::optional<std::string> kid;
  std::optional<Alg> alg;   // the JWK's own "alg", which limits the key to it
  std::optional<EcKey> ec;  // set for kty "EC"
  std::shared_ptr<EVP_PKEY> rsa;  // set for kty "RSA"

  bool fits(Alg token_alg) const {
    if (alg && *alg != token_alg) return false;
    return token_alg == Alg::es256 ? ec.has_value() : rsa != nullptr;
  }
};

namespace {

using Key = JwkSet::Key;

// RFC 7518 §6.3.1: n and e as unsigned big-endian base64url integers.
std::optional<std::string> big_integer_member(const boost::json::object& jwk, std::string_view name) {
  auto text = string_claim(jwk, name);
  if (!text) return std::nullopt;
  auto decoded = base64url_decode(*text);
  if (!decoded || decoded->empty()) return std::nullopt;
  return decoded;
}

// A public RSA key (RFC 7518 §6.3.1), or the reason it is not usable.
std::variant<std::shared_ptr<EVP_PKEY>, std::string> rsa_public_key(const boost::json::object& jwk) {
  auto n_bytes = big_integer_member(jwk, "n");
  auto e_bytes = big_integer_member(jwk, "e");
  if (!n_bytes || !e_bytes) return std::string("RSA key without base64url n and e");
  // Bound the work before OpenSSL sees the numbers (8192 bits = 1024 bytes;
  // leading zero octets, which §6.3.1.1 forbids but some publishers emit,
  // are tolerated below the bound).
  if (n_bytes->size() > kMaxRsaModulusBits / 8 + 8 || e_bytes->size() > 8) return std::string("RSA key too large");
  Owned<BIGNUM> n(BN_bin2bn(bytes(*n_bytes), static_cast<int>(n_bytes->size()), nullptr));
  Owned<BIGNUM> e(BN_bin2bn(bytes(*e_bytes), static_cast<int>(e_bytes->size()), nullptr));
  if (!n || !e) return std::string("RSA key unreadable");
  const int bits = BN_num_bits(n.get());
  if (bits < kMinRsaModulusBits)
    return "RSA modulus of " + std::to_string(bits) + " bits, below " + std::to_string(kMinRsaModulusBits);
  if (bits > kMaxRsaModulusBits)
    return "RSA modulus of " + std::to_string(bits) + " bits, above " + std::to_string(kMaxRsaModulusBits);
  if (!BN_is_odd(n.get())) return std::string("RSA modulus is even");
  if (!BN_is_odd(e.get()) || BN_is_one(e.get())) return std::string("RSA exponent is not an odd number of at least 3");

  Owned<OSSL_PARAM_BLD> build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    ERR_clear_error();
    return std::string("RSA key unreadable");
  }
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(build.get()));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return std::string("RSA key refused by OpenSSL");
  }
  std::shared_ptr<EVP_PKEY> pkey(raw, EVP_PKEY_free);
  Owned<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return std::string("RSA key fails OpenSSL's public key check");
  }
  return pkey;
}

// One entry of "keys": a usable key, or the reason it is skipped.
std::variant<Key, std::string> usable_key(const boost::json::object& jwk) {
  // RFC 7517 §4.2: a key for encryption is not a key for signatures.
  if (jwk.contains("use") && string_claim(jwk, "use") != "sig") return std::string("\"use\" is not \"sig\"");
  // §4.3: key_ops, when present, must allow verification.
  if (const auto* ops = jwk.if_contains("key_ops")) {
    bool verify = false;
    if (const auto* list = ops->if_array())
      for (const auto& op : *list)
        if (const auto* s = op.if_string(); s != nullptr && *s == "verify") verify = true;
    if (!verify) return std::string("\"key_ops\" does not include \"verify\"");
  }
  Key key;
  if (jwk.contains("kid")) {
    auto kid = string_claim(jwk, "kid");
    if (!kid) return std::string("\"kid\" is not a string");
    key.kid = std::string(*kid);
  }
  if (jwk.contains("alg")) {
    auto name = string_claim(jwk, "alg");
    key.alg = name ? alg_from_name(*name) : std::nullopt;
    if (!key.alg) return std::string("\"alg\" is not RS256, PS256 or ES256");
  }

  const auto kty = string_claim(jwk, "kty");
  if (kty == "EC") {
    if (key.alg && *key.alg != Alg::es256) return std::string("EC key with an RSA \"alg\"");
    if (string_claim(jwk, "crv") != "P-256") return std::string("EC key on a curve other than P-256");
    // EcKey also checks that the point is on the curve and in its subgroup
    // (invalid-curve attacks need a point off it).
    key.ec = EcKey::from_public_jwk(jwk);
    if (!key.ec) return std::string("EC x and y are not 32-byte coordinates of a point on P-256");
    return key;
  }
  if (kty == "RSA") {
    if (key.alg == Alg::es256) return std::string("RSA key with \"alg\" ES256");
    auto rsa = rsa_public_key(jwk);
    if (auto* reason = std::get_if<std::string>(&rsa)) return std::move(*reason);
    key.rsa = std::move(std::get<std::shared_ptr<EVP_PKEY>>(rsa));
    return key;
  }
  return std::string("\"kty\" is not EC or RSA");
}

std::string describe(std::size_t index, const boost::json::value& entry) {
  std::string name = "key " + std::to_string(index);
  if (const auto* jwk = entry.if_object())
    if (auto kid = string_claim(*jwk, "kid")) name += " (kid \"" + std::string(*kid) + "\")";
  return name;
}

// RSASSA-PKCS1-v1_5 (RS256, RFC 7518 §3.3) or RSASSA-PSS with SHA-256,
// MGF1 SHA-256 and a 32-byte salt (PS256, §3.5).
bool rsa_verify(EVP_PKEY* pkey, Alg alg, std::string_view input, std::string_view signature) {
  // §3.3: the signature is exactly the modulus size.
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(pkey))) return false;
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey) == 1;
  if (ok && alg == Alg::ps256)
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  ok = ok && EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input), input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

bool key_verifies(const Key& key, Alg alg, std::string_view input, std::string_view signature) {
  if (alg == Alg::es256) return key.ec->verify(input, signature);  // raw R||S, 64 bytes (§3.4)
  return rsa_verify(key.rsa.get(), alg, input, signature);
}

}  // namespace

std::variant<JwkSet, std::string> JwkSet::parse(const boost::json::value& document) {
  // RFC 7517 §5: a JSON object with a "keys" array.
  const auto* object = document.if_object();
  if (object == nullptr) return std::string("the JWK Set is not a JSON object");
  const auto* keys_member = object->if_contains("keys");
  const auto* entries = keys_member != nullptr ? keys_member->if_array() : nullptr;
  if (entries == nullptr) return std::string("the JWK Set has no \"keys\" array");
  if (entries->size() > kMaxJwkSetKeys)
    return "the JWK Set has " + std::to_string(entries->size()) + " keys, more than " +
           std::to_string(kMaxJwkSetKeys);

  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto* jwk = (*entries)[i].if_object();
    if (jwk == nullptr) continue;
    for (std::string_view member : kPrivateMembers)
      if (jwk->contains(member))
        return "the JWK Set publishes private key material (\"" + std::string(member) + "\" in " +
               describe(i, (*entries)[i]) + ")";
  }

  auto keys = std::make_shared<std::vector<Key>>();
  JwkSet set;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto& entry = (*entries)[i];
    std::variant<Key, std::string> key = std::string("not a JSON object");
    if (const auto* jwk = entry.if_object()) key = usable_key(*jwk);
    if (auto* reason = std::get_if<std::string>(&key))
      set.skipped_.push_back(describe(i, entry) + ": " + *reason);
    else
      keys->push_back(std::move(std::get<Key>(key)));
  }
  if (keys->empty()) {
    std::string error = "the JWK Set has no usable signing key";
    for (std::size_t i = 0; i < set.skipped_.size(); ++i) error += (i == 0 ? " (" : "; ") + set.skipped_[i];
    if (!set.skipped_.empty()) error += ")";
    return error;
  }
  set.keys_ = std::move(keys);
  return set;
}

std::size_t JwkSet::size() const { return keys_ ? keys_->size() : 0; }

std::variant<VerifiedJwt, JwtError> verify_jwt(std::string_view token, const JwkSet& keys) {
  // RFC 7515 §5.2 steps 1-4.
  auto jws = decode_compact_jws(token);
  if (!jws) return JwtError::malformed;

  // RFC 8725 §3.1: the accepted algorithms are ours, the token only picks
  // one of them. "none" and HMAC (whose secret would be the public key) are
  // refused before any key is considered.
  auto alg_name = string_claim(jws->header, "alg");
  const std::optional<Alg> alg = alg_name ? alg_from_name(*alg_name) : std::nullopt;
  if (!alg) return JwtError::unsupported_alg;
  // RFC 7515 §4.1.11: no extension is understood here.
  if (jws->header.contains("crit")) return JwtError::unsupported_alg;

  // RFC 7515 §4.1.4: kid picks the key. jwk, jku, x5u, x5c are never read
  // (RFC 8725 §3.10): a token cannot bring its own key.
  std::optional<std::string_view> kid;
  if (jws->header.contains("kid")) {
    kid = string_claim(jws->header, "kid");
    if (!kid) return JwtError::malformed;
  }
  if (!keys.keys_) return JwtError::unknown_kid;  // a moved-from set
  bool tried = false;
  bool verified = false;
  for (const Key& key : *keys.keys_) {
    if (!key.fits(*alg) || (kid && key.kid != *kid)) continue;
    tried = true;
    if (key_verifies(key, *alg, jws->signing_input, jws->signature)) {
      verified = true;
      break;
    }
  }
  if (!tried) return JwtError::unknown_kid;
  if (!verified) return JwtError::bad_signature;

  // RFC 7519 §7.2 step 10, only once a key holder has signed it.
  auto claims = parse_json_object(jws->payload);
  if (!claims) return JwtError::malformed;
  return VerifiedJwt{std::move(jws->header), std::move(*claims)};
}

}  // namespace gatehouse::crypto
